/**
 * Identifiers that other modules, the policy pack, the offline plan and users' own stacks rely on
 * (README.md, "The policy pack" and "The K2 side"). Change them only with a written reason: deployed stacks and
 * policy configs name them.
 */

/** The K2 API's audience when the stack sets none (K2 KB002784: Resource Parameter `audience`). */
export const DEFAULT_AUDIENCE = "https://api.k2.com/";
/** The K2 API's delegated scope value when the stack sets none. */
export const DEFAULT_SCOPE = "user_impersonation";

export const TYPE_INBOUND_OAUTH = "k2oauth:index:InboundOAuth";
export const TYPE_CLIENT_APP = "k2oauth:index:ClientApp";
export const TYPE_OUTBOUND_OAUTH = "k2oauth:index:OutboundOAuth";
/** Dynamic resource: module `k2`, type `BearerTokenResource`. */
export const TYPE_BEARER_TOKEN_RESOURCE = "pulumi-nodejs:dynamic/k2:BearerTokenResource";
/** Dynamic resource: module `k2`, type `OAuthResource` (an outbound K2 OAuth resource). */
export const TYPE_OAUTH_RESOURCE = "pulumi-nodejs:dynamic/k2:OAuthResource";

/** The stack config keys behind an InboundOAuth's record (its K2 API and tenant), for messages. */
export const INBOUND_CONFIG_KEYS = {
  tenantId: "k2-oauth:tenantId",
  cloud: "k2-oauth:cloud",
  audience: "k2-oauth:k2Api.audience",
  k2ApiClientId: "k2-oauth:k2Api.clientId",
  scope: "k2-oauth:k2Api.scope",
  keyVault: "k2-oauth:keyVault",
} as const;

/**
 * Where each input of the Bearer Token resource comes from in the stack config (declareK2Side in ./bearerToken.ts;
 * test/k2/inputConfigKeys.test.ts changes each key and watches its input change): the keys to change when the
 * provider's check rejects an input, the one that decides most first. Inputs not listed are fixed by the program
 * (KB002784's values).
 */
export const BEARER_TOKEN_INPUT_CONFIG_KEYS: Readonly<Record<string, readonly string[]>> = {
  k2Url: ["k2-oauth:k2.url"],
  resourceName: ["k2-oauth:k2.bearerTokenResource.name"],
  authorizationEndpoint: [INBOUND_CONFIG_KEYS.tenantId, INBOUND_CONFIG_KEYS.cloud],
  tokenEndpoint: [INBOUND_CONFIG_KEYS.tenantId, INBOUND_CONFIG_KEYS.cloud],
  metadataEndpoint: [INBOUND_CONFIG_KEYS.tenantId, INBOUND_CONFIG_KEYS.cloud],
  "parameters.audience": [INBOUND_CONFIG_KEYS.audience],
  "credentials.username": ["k2-oauth:k2.admin.username"],
  "credentials.password": ["k2-oauth:k2.admin.password"],
  // Without smartObjectServices.url, the service URL is port 8888 of k2.url.
  "management.serviceUrl": ["k2-oauth:k2.smartObjectServices.url", "k2-oauth:k2.url"],
  "management.mapping": ["k2-oauth:k2.smartObjectServices.mapping"],
};

/** The same for an outbound K2 OAuth resource (declared by OutboundOAuth in ./outboundOAuth.ts). */
export const OAUTH_RESOURCE_INPUT_CONFIG_KEYS: Readonly<Record<string, readonly string[]>> = {
  k2Url: ["k2-oauth:k2.url"],
  resourceName: ["k2-oauth:outbound.resources[].name"],
  resourceType: ["k2-oauth:outbound.resources[].resourceType", "k2-oauth:outbound.resources[].appOnly"],
  authorizationEndpoint: ["k2-oauth:tenantId", "k2-oauth:cloud"],
  tokenEndpoint: ["k2-oauth:tenantId", "k2-oauth:cloud"],
  refreshTokenEndpoint: ["k2-oauth:outbound.resources[].refreshTokenEndpoint"],
  metadataEndpoint: ["k2-oauth:outbound.resources[].metadataEndpoint", "k2-oauth:tenantId"],
  parameters: ["k2-oauth:outbound.resources[].parameters", "k2-oauth:outbound.resources[].audience", "k2-oauth:outbound.app.redirectUri"],
  "credentials.username": ["k2-oauth:k2.admin.username"],
  "credentials.password": ["k2-oauth:k2.admin.password"],
  "management.serviceUrl": ["k2-oauth:k2.smartObjectServices.url", "k2-oauth:k2.url"],
  "management.mapping": ["k2-oauth:k2.smartObjectServices.mapping"],
};

/** Per dynamic resource type: the stack config keys of each input (see above). */
export const DYNAMIC_INPUT_CONFIG_KEYS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  [TYPE_BEARER_TOKEN_RESOURCE]: BEARER_TOKEN_INPUT_CONFIG_KEYS,
  [TYPE_OAUTH_RESOURCE]: OAUTH_RESOURCE_INPUT_CONFIG_KEYS,
};

/** Provider resource types this project declares and the policy pack inspects. */
export const TYPE_AZUREAD_APPLICATION = "azuread:index/application:Application";
export const TYPE_AZUREAD_APPLICATION_REGISTRATION = "azuread:index/applicationRegistration:ApplicationRegistration";
export const TYPE_AZUREAD_APPLICATION_REDIRECT_URIS = "azuread:index/applicationRedirectUris:ApplicationRedirectUris";
export const TYPE_AZUREAD_APPLICATION_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
export const TYPE_AZUREAD_APPLICATION_API_ACCESS = "azuread:index/applicationApiAccess:ApplicationApiAccess";
export const TYPE_AZUREAD_APPLICATION_OWNER = "azuread:index/applicationOwner:ApplicationOwner";
export const TYPE_AZUREAD_SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal";
export const TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD = "azuread:index/servicePrincipalPassword:ServicePrincipalPassword";
export const TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT =
  "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant";
export const TYPE_AZUREAD_APP_ROLE_ASSIGNMENT = "azuread:index/appRoleAssignment:AppRoleAssignment";
export const TYPE_AZUREAD_GET_SERVICE_PRINCIPAL = "azuread:index/getServicePrincipal:getServicePrincipal";
/** The azure-native provider's view of the identity it signed in with (tenant from the token's `tid` claim). */
export const TYPE_AZURE_NATIVE_GET_CLIENT_CONFIG = "azure-native:authorization:getClientConfig";
export const TYPE_KEYVAULT_SECRET = "azure-native:keyvault:Secret";

/**
 * Import ids of the azuread resources a client adopts (`clients[].adopt`): @pulumi/azuread 6.9.1, the "Import" section
 * of each resource; terraform-provider-azuread parses them case-sensitively. ApplicationPassword has none.
 */
export const IMPORT_IDS = {
  application: (objectId: string): string => `/applications/${objectId}`,
  servicePrincipal: (objectId: string): string => `/servicePrincipals/${objectId}`,
  delegatedPermissionGrant: (grantId: string): string => `/oauth2PermissionGrants/${grantId}`,
} as const;

/** Key Vault copies of client secrets carry this content type and these tags. */
export const CLIENT_SECRET_CONTENT_TYPE = "application/x-entra-client-secret";
export const TAG_CLIENT = "k2-oauth-client";
export const TAG_CLIENT_ID = "entra-client-id";
export const TAG_KEY_ID = "entra-key-id";
export const TAG_SLOT = "k2-oauth-slot";
export const TAG_GENERATION = "k2-oauth-generation";

/**
 * Environment variable naming the UTC day (`YYYY-MM-DD`) a preview is planned as of: the secret schedule of the
 * program (planDay.ts, previews only) and the policy pack's clock (policies/lib/clock.ts) both follow it. `npm run plan`
 * sets it for the program and the pack it starts (`--date`, default today).
 */
export const PLAN_DATE_ENV = "K2_OAUTH_PLAN_DATE";

/**
 * What the components record as their own inputs (and outputs, for AnalyzeStack, which sees outputs): the stack's
 * expectations and where each component's settings come from in the stack config, so the policy pack checks against
 * the stack itself and names the config key to change (instead of copies in its own config, or guesses from names).
 * Plain config values only, never a secret.
 */
export interface InboundOAuthRecord {
  tenantId: string;
  cloud: string;
  audience: string;
  k2Api: { clientId: string; scope: string };
}

/** OutboundOAuth's record (`k2-oauth:outbound`): the tenant, cloud, K2 site and the redirect URI it registers. */
export interface OutboundOAuthRecord {
  configPath: "k2-oauth:outbound";
  tenantId: string;
  cloud: string;
  k2Url: string;
  redirectUri: string;
}

/** A ClientApp's record: its config entry and what it was built from. */
export interface ClientAppRecord<Id = string> {
  /** The stack config key of the client, like `k2-oauth:clients[0]`. */
  configPath: string;
  /** The K2 API as this client requests it: the scope's value and id (looked up in the tenant), the service principal. */
  k2Api: { clientId: string; scope: string; scopeId: Id; servicePrincipalObjectId: Id };
  /** The client's secret schedule (`secret.lifetimeDays`, `secret.rotateAfterDays`). */
  secret: { lifetimeDays: number; rotateAfterDays: number };
}

/**
 * Where a ClientApp's resources take each setting from, relative to the client's config key (`configPath`): the
 * Application's web redirect URIs are `redirectUris` in the same order, its owners `owners`, its sign-in audience,
 * implicit grant flags and other APIs' permissions (after the K2 API's) the keys of the same names, the service
 * principal's owners (where they differ from the app's) and assignment setting `servicePrincipal`, the import ids of
 * the app, service principal and consent (and the duplicate-name check) `adopt`, the passwords' lifetime and rotation
 * the `secret` schedule (test/components/componentRecords.test.ts changes each key and watches the resources follow).
 */
export const CLIENT_CONFIG_KEYS = {
  redirectUris: "redirectUris",
  owners: "owners",
  signInAudience: "signInAudience",
  implicitAccessTokens: "implicitGrant.accessTokens",
  implicitIdTokens: "implicitGrant.idTokens",
  servicePrincipalOwners: "servicePrincipal.owners",
  appRoleAssignmentRequired: "servicePrincipal.appRoleAssignmentRequired",
  requiredResourceAccess: "requiredResourceAccess",
  adopt: "adopt",
  lifetimeDays: "secret.lifetimeDays",
  rotateAfterDays: "secret.rotateAfterDays",
} as const;

/**
 * The names a ClientApp gives its resources: `<client name>-<suffix>` (the Application `pa-app`, the passwords
 * `pa-secret-a` and `pa-secret-b`, the Key Vault copy `pa-secret-kv`). The policy pack reads a client's name back
 * from a resource's own name in Analyze, where the ClientApp's record is not visible, to name the client to change.
 */
export const CLIENT_RESOURCE_SUFFIXES = {
  application: "app",
  servicePrincipal: "sp",
  consent: "consent",
  passwordA: "secret-a",
  passwordB: "secret-b",
  vaultSecret: "secret-kv",
} as const;

export type ClientResourcePart = keyof typeof CLIENT_RESOURCE_SUFFIXES;

export function clientResourceName(clientName: string, part: ClientResourcePart): string {
  return `${clientName}-${CLIENT_RESOURCE_SUFFIXES[part]}`;
}

/** The client a ClientApp's resource belongs to, from the resource's name; undefined when the name has no such suffix. */
export function clientNameOfResource(resourceName: string, parts: readonly ClientResourcePart[]): string | undefined {
  for (const part of parts) {
    const suffix = `-${CLIENT_RESOURCE_SUFFIXES[part]}`;
    if (resourceName.endsWith(suffix) && resourceName.length > suffix.length) return resourceName.slice(0, -suffix.length);
  }
  return undefined;
}
