/**
 * Identifiers that other modules, the policy pack, the offline plan and users' own stacks rely on
 * (../shared/DESIGN.md "Resource types that policies and checks rely on"). Change them only with a written reason.
 */

export const TYPE_INBOUND_OAUTH = "k2oauth:index:InboundOAuth";
export const TYPE_CLIENT_APP = "k2oauth:index:ClientApp";
/** Dynamic resource: module `k2`, type `BearerTokenResource`. */
export const TYPE_BEARER_TOKEN_RESOURCE = "pulumi-nodejs:dynamic/k2:BearerTokenResource";

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
export const TYPE_AZUREAD_GET_SERVICE_PRINCIPAL = "azuread:index/getServicePrincipal:getServicePrincipal";
export const TYPE_AZUREAD_GET_CLIENT_CONFIG = "azuread:index/getClientConfig:getClientConfig";
export const TYPE_KEYVAULT_SECRET = "azure-native:keyvault:Secret";

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
