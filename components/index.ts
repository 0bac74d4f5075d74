/** The k2-oauth component library. Importing it declares nothing. */
export * from "./config";
export * from "./contracts";
export * from "./entra";
export * from "./rotation";
export { ClientApp, keyVaultSecretName, type ClientAppArgs, type ClientSecretInfo, type K2ApiReference } from "./clientApp";
export { InboundOAuth, findScope, type InboundOAuthArgs } from "./inboundOAuth";
export { loadProgramConfig, readRawConfig, type ProgramConfig } from "./programConfig";
