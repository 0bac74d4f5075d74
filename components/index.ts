/** The k2-oauth component library. Importing it declares nothing. */
export * from "./config";
export * from "./contracts";
export * from "./entra";
export * from "./rotation";
export {
  ClientApp,
  keyVaultSecretName,
  PASSWORD_REPLACE_ON,
  secretDeclarations,
  VAULT_SECRET_REPLACE_ON,
  type ClientAppArgs,
  type ClientSecretInfo,
  type K2ApiReference,
  type PasswordDeclaration,
  type SecretDeclarations,
  type VaultSecretDeclaration,
} from "./clientApp";
export { InboundOAuth, findScope, type InboundOAuthArgs } from "./inboundOAuth";
export { planDay } from "./planDay";
export { loadProgramConfig, readRawConfig, type ProgramConfig } from "./programConfig";
export * from "./providers";
