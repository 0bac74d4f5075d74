/**
 * Providers pinned to the stack's tenant and cloud, and the check that the identity they sign in with belongs to that
 * tenant. Without them the azuread and azure-native default providers take tenant and cloud from whatever the ambient
 * credentials say (`az login`, ARM_TENANT_ID), so app registrations could land in another tenant than the one the K2
 * endpoints and the stack outputs name.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
// Only the provider module: loading all of @pulumi/azure-native costs seconds.
import { Provider as AzureNativeProvider } from "@pulumi/azure-native/provider";
import type { Cloud } from "./entra";

/**
 * azuread's `environment` per cloud. @pulumi/azuread 6.9.1 (provider.d.ts) accepts `global` (also `public`),
 * `usgovernmentl4` (also `usgovernment`), `usgovernmentl5` (also `dod`) and `china`.
 */
export const AZUREAD_ENVIRONMENTS: Readonly<Record<Cloud, string>> = { public: "global", usgov: "usgovernment", china: "china" };

/** azure-native's `environment` per cloud. @pulumi/azure-native 3.28.0 (provider.d.ts): `public`, `usgovernment`, `china`. */
export const AZURE_NATIVE_ENVIRONMENTS: Readonly<Record<Cloud, string>> = { public: "public", usgov: "usgovernment", china: "china" };

/** The Azure CLI's name of each cloud (`az cloud set --name ...`), for sign-in hints. */
export const AZ_CLI_CLOUDS: Readonly<Record<Cloud, string>> = { public: "AzureCloud", usgov: "AzureUSGovernment", china: "AzureChinaCloud" };

export interface ProviderTarget {
  tenantId: string;
  cloud: Cloud;
}

export interface PinnedProviders {
  azuread: azuread.Provider;
  azureNative: AzureNativeProvider;
}

/**
 * The name the Pulumi engine gives the default provider of a package version (`default_6_9_1`: pulumi/pulumi
 * pkg/resource/deploy/providers/provider.go, ProviderRequest.DefaultName).
 */
export function defaultProviderName(version: string): string {
  const core = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (core === null) throw new Error(`not a semantic version: '${version}'`);
  return `default_${core[1]}_${core[2]}_${core[3]}`;
}

/**
 * The package versions whose default providers hold the resources of stacks deployed before this project declared
 * its providers: every such release pinned exactly these (package.json).
 */
export const DEFAULT_PROVIDER_VERSIONS = { azuread: "6.9.1", azureNative: "3.28.0" } as const;

/**
 * The azuread and azure-native providers for a tenant and cloud, named `<name>-azuread` and `<name>-azure-native`.
 * Credentials still come from the environment (Azure CLI, OIDC, ARM_CLIENT_ID...): only tenant and cloud are pinned.
 *
 * Each one carries an alias to the default provider that held the stack's resources before the providers were
 * explicit (DEFAULT_PROVIDER_VERSIONS): such a stack moves its resources to the pinned providers without replacing any
 * (the engine treats an aliased provider as the same provider: pulumi/pulumi pkg/resource/deploy/step_generator.go,
 * providerChanged). A new stack has no such provider; the alias then matches nothing.
 */
export function pinnedProviders(name: string, target: ProviderTarget, opts?: pulumi.CustomResourceOptions): PinnedProviders {
  const azureadProvider = new azuread.Provider(
    `${name}-azuread`,
    { tenantId: target.tenantId, environment: AZUREAD_ENVIRONMENTS[target.cloud] },
    pulumi.mergeOptions(opts, { aliases: [{ name: defaultProviderName(DEFAULT_PROVIDER_VERSIONS.azuread) }] }),
  );
  const azureNativeProvider = new AzureNativeProvider(
    `${name}-azure-native`,
    { tenantId: target.tenantId, environment: AZURE_NATIVE_ENVIRONMENTS[target.cloud] },
    pulumi.mergeOptions(opts, { aliases: [{ name: defaultProviderName(DEFAULT_PROVIDER_VERSIONS.azureNative) }] }),
  );
  return { azuread: azureadProvider, azureNative: azureNativeProvider };
}

/** What the stack expects and what the provider reports about the signed-in identity. */
export interface SignedIn {
  tenantId: string;
  clientId: string;
  objectId: string;
}

/** The error for a provider signed in to another tenant than `k2-oauth:tenantId`: both tenants and how to fix it. */
export function tenantMismatchMessage(target: ProviderTarget, signedIn: SignedIn): string {
  const who = signedIn.tenantId === "" ? "an identity whose tenant it cannot tell" : `tenant ${signedIn.tenantId}`;
  const identity = [signedIn.clientId !== "" ? `client id ${signedIn.clientId}` : "", signedIn.objectId !== "" ? `object id ${signedIn.objectId}` : ""]
    .filter((s) => s !== "")
    .join(", ");
  const cloudStep = target.cloud === "public" ? "" : `az cloud set --name ${AZ_CLI_CLOUDS[target.cloud]} && `;
  return (
    `k2-oauth:tenantId is ${target.tenantId}, but the azuread provider is signed in to ${who}${identity === "" ? "" : ` (${identity})`}. ` +
    `Nothing was created. Sign in to the stack's tenant and run again: \`${cloudStep}az login --tenant ${target.tenantId}\`; ` +
    `with a service principal or OIDC, use an identity registered in that tenant and set ARM_TENANT_ID=${target.tenantId} ` +
    `(in GitHub Actions, the AZURE_TENANT_ID secret that azure/login uses).`
  );
}

/**
 * The signed-in tenant, as `azuread.getClientConfig` reports it through the provider `opts` selects (`parent` or
 * `provider`), checked against `target.tenantId`: on a mismatch the Output fails with tenantMismatchMessage. Resources
 * that must not be created in a wrong tenant wait for it (InboundOAuth passes it as their `dependsOn`).
 */
export function verifySignedInTenant(target: ProviderTarget, opts: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return azuread.getClientConfigOutput(opts).apply((config) => {
    const signedIn: SignedIn = { tenantId: config.tenantId ?? "", clientId: config.clientId ?? "", objectId: config.objectId ?? "" };
    if (signedIn.tenantId.toLowerCase() !== target.tenantId.toLowerCase()) throw new pulumi.RunError(tenantMismatchMessage(target, signedIn));
    return signedIn.tenantId;
  });
}
