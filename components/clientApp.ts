/**
 * `ClientApp` (`k2oauth:index:ClientApp`): one Entra ID client that calls K2's APIs, as KB002784 step 2 has an admin
 * click it together: a single-tenant app registration with the delegated K2 API permission, its service principal,
 * tenant-wide admin consent, and client secrets in two rotation slots (optionally copied to Key Vault).
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
// Only the keyvault module: loading all of @pulumi/azure-native costs seconds.
import * as keyvault from "@pulumi/azure-native/keyvault";
import type { ClientConfig, KeyVaultConfig } from "./config";
import {
  CLIENT_SECRET_CONTENT_TYPE,
  TAG_CLIENT,
  TAG_CLIENT_ID,
  TAG_GENERATION,
  TAG_KEY_ID,
  TAG_SLOT,
  TYPE_CLIENT_APP,
  type ClientAppRecord,
} from "./contracts";
import { epochSeconds, rfc3339, secretSchedule, type SecretGeneration, type SlotName } from "./rotation";

/** The K2 API resource app as found in the tenant (looked up once by InboundOAuth). */
export interface K2ApiReference {
  /** appId of the K2 API resource app (from config; never hard-coded). */
  clientId: string;
  /** Object id of the K2 API service principal in this tenant. */
  servicePrincipalObjectId: pulumi.Input<string>;
  /** Id of the delegated scope whose value is `scope`. */
  scopeId: pulumi.Input<string>;
  /** The delegated scope value, e.g. user_impersonation. */
  scope: string;
}

export interface ClientAppArgs {
  client: ClientConfig;
  /** The client's stack config key, like `k2-oauth:clients[0]` (recorded for the policy pack's messages). */
  configPath: string;
  k2Api: K2ApiReference;
  keyVault?: KeyVaultConfig;
  /** The day the schedule is computed for (only its UTC day matters). */
  now: Date;
}

export interface ClientSecretInfo {
  slot: SlotName;
  generation: number;
  /** True for the newest secret: the one consumers should use. */
  current: boolean;
  keyId: pulumi.Output<string>;
  startDate: string;
  endDate: string;
  /** The secret value: always a Pulumi secret. */
  value: pulumi.Output<string>;
  /** Key Vault secret name, when a vault is configured. */
  keyVaultSecretName: string | undefined;
}

/** Replication delays after a new service principal can last minutes: give the provider's retries room. */
export const CONSENT_CREATE_TIMEOUT = "15m";

export function keyVaultSecretName(clientName: string, slot: SlotName): string {
  return `${clientName}-client-secret-${slot}`;
}

/**
 * What ClientApp records as its inputs and outputs for the policy pack (components/contracts.ts): its config key, the
 * K2 API scope it requests and its secret schedule.
 */
export function clientAppRecord(args: ClientAppArgs): ClientAppRecord<pulumi.Input<string>> {
  const { client, k2Api } = args;
  return {
    configPath: args.configPath,
    k2Api: { clientId: k2Api.clientId, scope: k2Api.scope, scopeId: k2Api.scopeId, servicePrincipalObjectId: k2Api.servicePrincipalObjectId },
    secret: { lifetimeDays: client.secret.lifetimeDays, rotateAfterDays: client.secret.rotateAfterDays },
  };
}

export class ClientApp extends pulumi.ComponentResource {
  public readonly application: azuread.Application;
  public readonly servicePrincipal: azuread.ServicePrincipal;
  public readonly consent: azuread.ServicePrincipalDelegatedPermissionGrant;
  public readonly passwords: azuread.ApplicationPassword[];
  public readonly vaultSecrets: keyvault.Secret[];
  public readonly clientId: pulumi.Output<string>;
  public readonly secrets: ClientSecretInfo[];
  public readonly nextRotation: string;
  public readonly overlapDays: number;

  constructor(name: string, args: ClientAppArgs, opts?: pulumi.ComponentResourceOptions) {
    const record = clientAppRecord(args);
    super(TYPE_CLIENT_APP, name, record, opts);
    const { client, k2Api } = args;
    const child = { parent: this };

    this.application = new azuread.Application(
      `${client.name}-app`,
      {
        displayName: client.displayName,
        signInAudience: "AzureADMyOrg",
        owners: client.owners,
        preventDuplicateNames: true,
        web: {
          redirectUris: client.redirectUris,
          implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false },
        },
        requiredResourceAccesses: [
          { resourceAppId: k2Api.clientId, resourceAccesses: [{ id: k2Api.scopeId, type: "Scope" }] },
        ],
      },
      child,
    );
    this.clientId = this.application.clientId;

    this.servicePrincipal = new azuread.ServicePrincipal(
      `${client.name}-sp`,
      { clientId: this.application.clientId, owners: client.owners, appRoleAssignmentRequired: false },
      child,
    );

    // Tenant-wide admin consent: a delegated grant with no user (consentType AllPrincipals). The grant depends on the
    // new service principal. On create, the azuread provider (terraform-provider-azuread v3, bridged by
    // @pulumi/azuread 6.x) retries the Graph call while it answers 404 or "does not exist or one of its queried
    // reference-property objects are not present" (Entra replication), until the create timeout: a generous timeout
    // turns a replication delay into a wait instead of a failed consent.
    this.consent = new azuread.ServicePrincipalDelegatedPermissionGrant(
      `${client.name}-consent`,
      {
        servicePrincipalObjectId: this.servicePrincipal.objectId,
        resourceServicePrincipalObjectId: k2Api.servicePrincipalObjectId,
        claimValues: [k2Api.scope],
      },
      { ...child, dependsOn: [this.servicePrincipal], customTimeouts: { create: CONSENT_CREATE_TIMEOUT } },
    );

    const schedule = secretSchedule(client.secret, args.now);
    this.nextRotation = rfc3339(schedule.nextRotation);
    this.overlapDays = schedule.overlapDays;
    this.passwords = [];
    this.vaultSecrets = [];
    this.secrets = schedule.active.map((gen) => this.declareSecret(client, gen, gen === schedule.current, args.keyVault));

    this.registerOutputs({
      ...record,
      clientId: this.clientId,
      servicePrincipalObjectId: this.servicePrincipal.objectId,
      secrets: this.secrets.map((s) => ({ slot: s.slot, keyId: s.keyId, endDate: s.endDate, current: s.current })),
    });
  }

  private declareSecret(client: ClientConfig, gen: SecretGeneration, current: boolean, vault: KeyVaultConfig | undefined): ClientSecretInfo {
    const startDate = rfc3339(gen.startDate);
    const endDate = rfc3339(gen.endDate);
    const password = new azuread.ApplicationPassword(
      `${client.name}-secret-${gen.slot}`,
      {
        applicationId: this.application.id,
        displayName: `k2-oauth slot ${gen.slot} (generation ${gen.generation}, until ${endDate.slice(0, 10)})`,
        startDate,
        endDate,
        rotateWhenChanged: { generation: String(gen.generation) },
      },
      { parent: this, additionalSecretOutputs: ["value"] },
    );
    this.passwords.push(password);
    const value = pulumi.secret(password.value);

    let secretName: string | undefined;
    if (vault !== undefined) {
      secretName = keyVaultSecretName(client.name, gen.slot);
      const stored = new keyvault.Secret(
        `${client.name}-secret-${gen.slot}-kv`,
        {
          resourceGroupName: vault.resourceGroupName,
          vaultName: vault.vaultName,
          secretName,
          properties: {
            value,
            contentType: CLIENT_SECRET_CONTENT_TYPE,
            attributes: { enabled: true, notBefore: epochSeconds(gen.startDate), expires: epochSeconds(gen.endDate) },
          },
          tags: {
            [TAG_CLIENT]: client.name,
            [TAG_CLIENT_ID]: this.application.clientId,
            [TAG_KEY_ID]: password.keyId,
            [TAG_SLOT]: gen.slot,
            [TAG_GENERATION]: String(gen.generation),
          },
        },
        { parent: this, dependsOn: [password] },
      );
      this.vaultSecrets.push(stored);
    }
    return { slot: gen.slot, generation: gen.generation, current, keyId: password.keyId, startDate, endDate, value, keyVaultSecretName: secretName };
  }
}
