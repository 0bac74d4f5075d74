/**
 * `ClientApp` (`k2oauth:index:ClientApp`): one Entra ID client that calls K2's APIs, as KB002784 step 2 has an admin
 * click it together: a single-tenant app registration with the delegated K2 API permission, its service principal,
 * tenant-wide admin consent, client secrets in two rotation slots, and (optionally) one Key Vault secret whose latest
 * version is always the current client secret.
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
} from "./contracts";
import { epochSeconds, rfc3339, secretSchedule, type SecretSchedule, type SlotName } from "./rotation";

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
  k2Api: K2ApiReference;
  keyVault?: KeyVaultConfig;
  /** The day the schedule is computed for (only its UTC day matters). */
  now: Date;
}

export interface ClientSecretInfo {
  slot: SlotName;
  generation: number;
  /** True for the newest secret: the one consumers should use (and the one the Key Vault secret holds). */
  current: boolean;
  keyId: pulumi.Output<string>;
  startDate: string;
  endDate: string;
  /** The secret value: always a Pulumi secret. */
  value: pulumi.Output<string>;
}

/** Replication delays after a new service principal can last minutes: give the provider's retries room. */
export const CONSENT_CREATE_TIMEOUT = "15m";

/**
 * The one Key Vault secret name of a client. It never changes and is never deleted by this project, so it never meets
 * a soft-deleted secret of the same name: each rotation writes a new version under it.
 */
export function keyVaultSecretName(clientName: string): string {
  return `${clientName}-client-secret`;
}

/**
 * ApplicationPassword inputs that force a replacement: all of them. terraform-provider-azuread (bridged by
 * @pulumi/azuread 6.x) has no update for passwords, and marks every argument ForceNew
 * (internal/services/applications/application_password_resource.go).
 */
export const PASSWORD_REPLACE_ON = ["applicationId", "displayName", "startDate", "endDate", "rotateWhenChanged"] as const;
/**
 * azure-native `keyvault:Secret` inputs that force a replacement: the ARM path parameters (resource group, vault and
 * secret name; pulumi-azure-native provider/pkg/provider/diff.go, calculateDetailedDiff). A change of `properties`
 * (value, attributes, content type) or `tags` is an in-place update: an ARM PUT that adds a new version.
 */
export const VAULT_SECRET_REPLACE_ON = ["resourceGroupName", "vaultName", "secretName"] as const;

/** One client secret as ClientApp declares it on a day: the ApplicationPassword's name and day-dependent inputs. */
export interface PasswordDeclaration {
  resourceName: string;
  slot: SlotName;
  generation: number;
  current: boolean;
  displayName: string;
  startDate: string;
  endDate: string;
  rotateWhenChanged: { generation: string };
}

/** The client's Key Vault secret as ClientApp declares it on a day: it holds the current password's value. */
export interface VaultSecretDeclaration {
  resourceName: string;
  resourceGroupName: string;
  vaultName: string;
  secretName: string;
  contentType: string;
  /** The password (resource name) whose value is stored: the current one. */
  holds: string;
  slot: SlotName;
  generation: number;
  notBefore: number;
  expires: number;
  /**
   * Always true: a Key Vault delete is only a soft delete that keeps the name taken for up to 90 days (purge
   * protection: no way to free it early). Removing a client or destroying the stack therefore leaves the secret (with
   * its expiry) in the vault instead of blocking that name.
   */
  retainOnDelete: true;
}

export interface SecretDeclarations {
  schedule: SecretSchedule;
  /** In slot order (a, b). */
  passwords: PasswordDeclaration[];
  vaultSecret: VaultSecretDeclaration | undefined;
}

/**
 * What ClientApp declares for a client's secrets on the UTC day of `now`: the one place that turns the schedule into
 * resources (ClientApp creates exactly these; the lifecycle tests replay them day after day).
 */
export function secretDeclarations(client: ClientConfig, now: Date, vault: KeyVaultConfig | undefined): SecretDeclarations {
  const schedule = secretSchedule(client.secret, now);
  const passwordName = (slot: SlotName): string => `${client.name}-secret-${slot}`;
  const passwords = schedule.active.map((gen): PasswordDeclaration => {
    const endDate = rfc3339(gen.endDate);
    return {
      resourceName: passwordName(gen.slot),
      slot: gen.slot,
      generation: gen.generation,
      current: gen === schedule.current,
      displayName: `k2-oauth slot ${gen.slot} (generation ${gen.generation}, until ${endDate.slice(0, 10)})`,
      startDate: rfc3339(gen.startDate),
      endDate,
      rotateWhenChanged: { generation: String(gen.generation) },
    };
  });
  const current = schedule.current;
  const vaultSecret: VaultSecretDeclaration | undefined =
    vault === undefined
      ? undefined
      : {
          resourceName: `${client.name}-secret-kv`,
          resourceGroupName: vault.resourceGroupName,
          vaultName: vault.vaultName,
          secretName: keyVaultSecretName(client.name),
          contentType: CLIENT_SECRET_CONTENT_TYPE,
          holds: passwordName(current.slot),
          slot: current.slot,
          generation: current.generation,
          notBefore: epochSeconds(current.startDate),
          expires: epochSeconds(current.endDate),
          retainOnDelete: true,
        };
  return { schedule, passwords, vaultSecret };
}

export class ClientApp extends pulumi.ComponentResource {
  public readonly application: azuread.Application;
  public readonly servicePrincipal: azuread.ServicePrincipal;
  public readonly consent: azuread.ServicePrincipalDelegatedPermissionGrant;
  public readonly passwords: azuread.ApplicationPassword[];
  /** The Key Vault secret holding the current client secret (with `keyVault`). */
  public readonly vaultSecret: keyvault.Secret | undefined;
  /** Its name in the vault: `<client>-client-secret` (with `keyVault`). */
  public readonly keyVaultSecretName: string | undefined;
  public readonly clientId: pulumi.Output<string>;
  public readonly secrets: ClientSecretInfo[];
  public readonly nextRotation: string;
  public readonly overlapDays: number;

  constructor(name: string, args: ClientAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE_CLIENT_APP, name, {}, opts);
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

    const declared = secretDeclarations(client, args.now, args.keyVault);
    this.nextRotation = rfc3339(declared.schedule.nextRotation);
    this.overlapDays = declared.schedule.overlapDays;
    this.passwords = [];
    this.secrets = declared.passwords.map((d) => this.declarePassword(d));

    const vault = declared.vaultSecret;
    const currentIndex = this.secrets.findIndex((s) => s.current);
    this.vaultSecret = vault === undefined ? undefined : this.declareVaultSecret(client, vault, this.secrets[currentIndex], this.passwords[currentIndex]);
    this.keyVaultSecretName = vault?.secretName;

    this.registerOutputs({
      clientId: this.clientId,
      servicePrincipalObjectId: this.servicePrincipal.objectId,
      secrets: this.secrets.map((s) => ({ slot: s.slot, keyId: s.keyId, endDate: s.endDate, current: s.current })),
      keyVaultSecretName: this.keyVaultSecretName,
    });
  }

  private declareVaultSecret(client: ClientConfig, vault: VaultSecretDeclaration, current: ClientSecretInfo, password: azuread.ApplicationPassword): keyvault.Secret {
    return new keyvault.Secret(
      vault.resourceName,
      {
        resourceGroupName: vault.resourceGroupName,
        vaultName: vault.vaultName,
        secretName: vault.secretName,
        properties: {
          value: current.value,
          contentType: vault.contentType,
          attributes: { enabled: true, notBefore: vault.notBefore, expires: vault.expires },
        },
        tags: {
          [TAG_CLIENT]: client.name,
          [TAG_CLIENT_ID]: this.application.clientId,
          [TAG_KEY_ID]: current.keyId,
          [TAG_SLOT]: vault.slot,
          [TAG_GENERATION]: String(vault.generation),
        },
      },
      { parent: this, dependsOn: [password], retainOnDelete: vault.retainOnDelete },
    );
  }

  private declarePassword(d: PasswordDeclaration): ClientSecretInfo {
    const password = new azuread.ApplicationPassword(
      d.resourceName,
      {
        applicationId: this.application.id,
        displayName: d.displayName,
        startDate: d.startDate,
        endDate: d.endDate,
        rotateWhenChanged: d.rotateWhenChanged,
      },
      { parent: this, additionalSecretOutputs: ["value"] },
    );
    this.passwords.push(password);
    return {
      slot: d.slot,
      generation: d.generation,
      current: d.current,
      keyId: password.keyId,
      startDate: d.startDate,
      endDate: d.endDate,
      value: pulumi.secret(password.value),
    };
  }
}
