/**
 * `ClientApp` (`k2oauth:index:ClientApp`): one Entra ID client that calls K2's APIs, as KB002784 step 2 has an admin
 * click it together: a single-tenant app registration with the delegated K2 API permission, its service principal,
 * tenant-wide admin consent, client secrets in two rotation slots, and (optionally) one Key Vault secret whose latest
 * version is always the current client secret. A client adopted from a setup made by hand (`adopt`) imports its app
 * registration, service principal and consent as they are (`npm run adopt` writes the settings that reproduce them).
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type { AdoptConfig, ClientConfig, KeyVaultConfig } from "./config";
import { clientResourceName, IMPORT_IDS, TYPE_CLIENT_APP, type ClientAppRecord } from "./contracts";
import { declareRotatingSecrets, type ClientSecretInfo } from "./rotatingSecret";

export type { ClientSecretInfo } from "./rotatingSecret";

export {
  keyVaultSecretName,
  PASSWORD_REPLACE_ON,
  secretDeclarations,
  VAULT_SECRET_REPLACE_ON,
  type PasswordDeclaration,
  type SecretDeclarations,
  type VaultSecretDeclaration,
} from "./secretDeclarations";

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

/**
 * The options of a resource of an adopted client (`clients[].adopt`). Retained on delete, all of them: Pulumi never
 * deletes what existed before it took the client over (removing the client hands its app back to management by hand),
 * also once the ids are removed or when another id is given later (the engine would import that one and drop this).
 * Imported when its id is given: the engine reads it instead of creating it (once imported, the same id is ignored).
 * Nothing for a client this project created.
 */
export function adopted(adopt: AdoptConfig | undefined, id: string | undefined, importId: (id: string) => string): Pick<pulumi.CustomResourceOptions, "import" | "retainOnDelete"> {
  if (adopt === undefined) return {};
  return id === undefined ? { retainOnDelete: true } : { import: importId(id), retainOnDelete: true };
}

/** Replication delays after a new service principal can last minutes: give the provider's retries room. */
export const CONSENT_CREATE_TIMEOUT = "15m";

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
  /** The Key Vault secret holding the current client secret (with `keyVault`). */
  public readonly vaultSecret: keyvault.Secret | undefined;
  /** Its name in the vault: `<client>-client-secret` (with `keyVault`). */
  public readonly keyVaultSecretName: string | undefined;
  public readonly clientId: pulumi.Output<string>;
  public readonly secrets: ClientSecretInfo[];
  public readonly nextRotation: string;
  public readonly overlapDays: number;

  constructor(name: string, args: ClientAppArgs, opts?: pulumi.ComponentResourceOptions) {
    const record = clientAppRecord(args);
    super(TYPE_CLIENT_APP, name, record, opts);
    const { client, k2Api } = args;
    const child = { parent: this };

    const adopt = client.adopt;
    this.application = new azuread.Application(
      clientResourceName(client.name, "application"),
      {
        displayName: client.displayName,
        signInAudience: client.signInAudience,
        owners: client.owners,
        // The provider never reads this back: an adopted app declares it off, so that its import is not followed by
        // an update (which would repeat the duplicate-name check and fail where another app has the same name).
        preventDuplicateNames: adopt === undefined,
        web: {
          redirectUris: client.redirectUris,
          implicitGrant: { accessTokenIssuanceEnabled: client.implicitGrant.accessTokens, idTokenIssuanceEnabled: client.implicitGrant.idTokens },
        },
        requiredResourceAccesses: [
          { resourceAppId: k2Api.clientId, resourceAccesses: [{ id: k2Api.scopeId, type: "Scope" }] },
          ...client.requiredResourceAccess.map((api) => ({ resourceAppId: api.resourceAppId, resourceAccesses: api.resourceAccess.map((a) => ({ id: a.id, type: a.type })) })),
        ],
      },
      { ...child, ...adopted(adopt, adopt?.applicationObjectId, IMPORT_IDS.application) },
    );
    this.clientId = this.application.clientId;

    this.servicePrincipal = new azuread.ServicePrincipal(
      clientResourceName(client.name, "servicePrincipal"),
      {
        clientId: this.application.clientId,
        owners: client.servicePrincipal.owners ?? client.owners,
        appRoleAssignmentRequired: client.servicePrincipal.appRoleAssignmentRequired,
      },
      { ...child, ...adopted(adopt, adopt?.servicePrincipalObjectId, IMPORT_IDS.servicePrincipal) },
    );

    // Tenant-wide admin consent: a delegated grant with no user (consentType AllPrincipals). The grant depends on the
    // new service principal. On create, the azuread provider (terraform-provider-azuread v3, bridged by
    // @pulumi/azuread 6.x) retries the Graph call while it answers 404 or "does not exist or one of its queried
    // reference-property objects are not present" (Entra replication), until the create timeout: a generous timeout
    // turns a replication delay into a wait instead of a failed consent.
    this.consent = new azuread.ServicePrincipalDelegatedPermissionGrant(
      clientResourceName(client.name, "consent"),
      {
        servicePrincipalObjectId: this.servicePrincipal.objectId,
        resourceServicePrincipalObjectId: k2Api.servicePrincipalObjectId,
        claimValues: [k2Api.scope],
      },
      { ...child, dependsOn: [this.servicePrincipal], customTimeouts: { create: CONSENT_CREATE_TIMEOUT }, ...adopted(adopt, adopt?.grantId, IMPORT_IDS.delegatedPermissionGrant) },
    );

    const rotating = declareRotatingSecrets(this, this.application, client, args.now, args.keyVault);
    this.nextRotation = rotating.nextRotation;
    this.overlapDays = rotating.overlapDays;
    this.passwords = rotating.passwords;
    this.secrets = rotating.secrets;
    this.vaultSecret = rotating.vaultSecret;
    this.keyVaultSecretName = rotating.keyVaultSecretName;

    this.registerOutputs({
      ...record,
      clientId: this.clientId,
      servicePrincipalObjectId: this.servicePrincipal.objectId,
      secrets: this.secrets.map((s) => ({ slot: s.slot, keyId: s.keyId, endDate: s.endDate, current: s.current })),
      keyVaultSecretName: this.keyVaultSecretName,
    });
  }
}
