/** Documentation each rule links to (K2 KB002784 and Microsoft Learn pages behind the rules). */
export const DOCS = {
  /** K2: Configure AAD and K2 Services for Inbound OAuth (the Bearer Token resource, v1 endpoints, audience). */
  k2InboundOAuth: "https://help.k2.com/kb002784",
  /** Microsoft: access token versions, issuers and audiences (v1 vs v2). */
  accessTokens: "https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens",
  /** Microsoft: login hosts of the national clouds. */
  nationalClouds: "https://learn.microsoft.com/en-us/entra/identity-platform/authentication-national-cloud",
  /** Microsoft: adding credentials (client secret lifetimes and recommendations). */
  clientSecrets: "https://learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials",
  /** Microsoft: redirect URI (reply URL) restrictions. */
  redirectUris: "https://learn.microsoft.com/en-us/entra/identity-platform/reply-url",
  /** Microsoft: implicit grant flow and why not to enable it. */
  implicitGrant: "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-implicit-grant-flow",
  /** Microsoft: supported account types (sign-in audience). */
  signInAudience: "https://learn.microsoft.com/en-us/entra/identity-platform/supported-accounts-validation",
  /** Microsoft: assigning application owners. */
  appOwners: "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/overview-assign-app-owners",
  /** Microsoft: granting tenant-wide admin consent. */
  adminConsent: "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/grant-admin-consent",
  /** Microsoft: least privileged access for applications (permissions and consent). */
  leastPrivilege: "https://learn.microsoft.com/en-us/entra/identity-platform/secure-least-privileged-access",
  /** Microsoft: Key Vault secrets and their attributes (exp / expires). */
  keyVaultSecrets: "https://learn.microsoft.com/en-us/azure/key-vault/secrets/about-secrets",
} as const;
