/**
 * Providers pinned to the stack's tenant and cloud, and the check that the token they sign in with comes from that
 * tenant. Without them the azuread and azure-native default providers take tenant and cloud from whatever the ambient
 * credentials say (`az login`, ARM_TENANT_ID), so app registrations could land in another tenant than the one the K2
 * endpoints and the stack outputs name.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
// Only the provider module and the one function: loading all of @pulumi/azure-native (or its authorization module)
// costs seconds; these two files load in about a millisecond beside the SDK.
import { getClientConfigOutput } from "@pulumi/azure-native/authorization/getClientConfig";
import { Provider as AzureNativeProvider } from "@pulumi/azure-native/provider";
import type { Cloud } from "./entra";
import type { ProviderSettings } from "./providerSettings";

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
 * The name the Pulumi engine gives the default provider of a package version: `default_6_9_1`, and for a prerelease or
 * build each part of it (`default_10_0_12_alpha_1`): pulumi/pulumi pkg/resource/deploy/providers/provider.go,
 * ProviderRequest.DefaultName (which also appends a plugin download URL; this project's packages have none).
 */
export function defaultProviderName(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version);
  if (m === null) throw new Error(`not a semantic version: '${version}'`);
  const parts = [m[1], m[2], m[3], ...(m[4]?.split(".") ?? []), ...(m[5]?.split(".") ?? [])].map((p) => (/^\d+$/.test(p) ? String(Number(p)) : p));
  return `default_${parts.join("_")}`;
}

/**
 * The package versions whose default providers hold the resources of stacks deployed before this project declared
 * its providers: every such release pinned exactly these. A fact about the past: they must not follow upgrades of
 * @pulumi/azuread or @pulumi/azure-native in package.json (the alias would then name a provider no deployed stack has,
 * and those stacks would replace every resource on their first deploy with the pinned providers).
 */
export const DEFAULT_PROVIDER_VERSIONS = { azuread: "6.9.1", azureNative: "3.28.0" } as const;

/**
 * The azuread and azure-native providers for a tenant and cloud, named `<name>-azuread` and `<name>-azure-native`,
 * with the stack's own settings for them (`settings`: providerSettings.ts, from its `azuread:*` and `azure-native:*`
 * config). Credentials otherwise come from the environment (Azure CLI, OIDC, ARM_CLIENT_ID...).
 *
 * Each one carries an alias to the default provider that held the stack's resources before the providers were
 * explicit (DEFAULT_PROVIDER_VERSIONS): such a stack moves its resources to the pinned providers without replacing any
 * (the engine treats an aliased provider as the same provider: pulumi/pulumi pkg/resource/deploy/step_generator.go,
 * providerChanged). A new stack has no such provider; the alias then matches nothing.
 */
export function pinnedProviders(name: string, target: ProviderTarget, opts?: pulumi.CustomResourceOptions, settings?: ProviderSettings): PinnedProviders {
  const azureadProvider = new azuread.Provider(
    `${name}-azuread`,
    { ...settings?.azuread, tenantId: target.tenantId, environment: AZUREAD_ENVIRONMENTS[target.cloud] },
    pulumi.mergeOptions(opts, { aliases: [{ name: defaultProviderName(DEFAULT_PROVIDER_VERSIONS.azuread) }] }),
  );
  const azureNativeProvider = new AzureNativeProvider(
    `${name}-azure-native`,
    { ...settings?.azureNative, tenantId: target.tenantId, environment: AZURE_NATIVE_ENVIRONMENTS[target.cloud] },
    pulumi.mergeOptions(opts, { aliases: [{ name: defaultProviderName(DEFAULT_PROVIDER_VERSIONS.azureNative) }] }),
  );
  return { azuread: azureadProvider, azureNative: azureNativeProvider };
}

/** The identity the azure-native provider's access token was issued to (`authorization:getClientConfig`). */
export interface SignedIn {
  /** The token's `tid` claim: the tenant that issued it. */
  tenantId: string;
  clientId: string;
  objectId: string;
}

/**
 * The error for a token issued by another tenant than `k2-oauth:tenantId`: both tenants and how to sign in to the
 * right one. With the Azure CLI, OIDC or a client secret the providers ask the stack's tenant for the token (an
 * identity that tenant does not know already fails when the provider is configured, with Entra ID's own AADSTS error);
 * a managed identity gets its token from its home tenant whatever the provider's tenant says, which is what this
 * catches.
 */
export function tenantMismatchMessage(target: ProviderTarget, signedIn: SignedIn): string {
  const issuer = signedIn.tenantId === "" ? "a tenant it does not name (the token has no tid claim)" : `tenant ${signedIn.tenantId}`;
  const identity = [signedIn.clientId !== "" ? `client id ${signedIn.clientId}` : "", signedIn.objectId !== "" ? `object id ${signedIn.objectId}` : ""]
    .filter((s) => s !== "")
    .join(", ");
  const cloudStep = target.cloud === "public" ? "" : `az cloud set --name ${AZ_CLI_CLOUDS[target.cloud]} && `;
  return (
    `k2-oauth:tenantId is ${target.tenantId}, but the identity the providers signed in with${identity === "" ? "" : ` (${identity})`} got its token from ${issuer}. ` +
    `Nothing was created. Sign in with an identity of tenant ${target.tenantId} and run again: ` +
    `with the Azure CLI, \`${cloudStep}az login --tenant ${target.tenantId}\`; ` +
    `with OIDC (GitHub Actions), an app registration of that tenant whose federated credential trusts this workflow, and ${target.tenantId} as AZURE_TENANT_ID; ` +
    `with a managed identity (ARM_USE_MSI), one whose home tenant is ${target.tenantId}: a managed identity always signs in to its home tenant.`
  );
}

/**
 * The tenant that issued the providers' access token, as the azure-native provider reads it from the token's `tid`
 * claim (`authorization:getClientConfig`; pulumi-azure-native provider/pkg/provider/auth_getclientconfig.go), through
 * the provider `opts` selects (`parent` or `provider`), checked against `target.tenantId`: on a mismatch the Output
 * fails with tenantMismatchMessage. Resources that must not be created in a wrong tenant wait for it (InboundOAuth
 * passes it as their `dependsOn`).
 *
 * azuread's own getClientConfig would not do: with a `tenantId` given, azuread reports that configured tenant back
 * (terraform-provider-azuread internal/clients/builder.go), whatever tenant the token came from.
 */
export function verifySignedInTenant(target: ProviderTarget, opts: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return getClientConfigOutput(opts).apply((config) => {
    const signedIn: SignedIn = { tenantId: config.tenantId ?? "", clientId: config.clientId ?? "", objectId: config.objectId ?? "" };
    if (signedIn.tenantId.toLowerCase() !== target.tenantId.toLowerCase()) throw new pulumi.RunError(tenantMismatchMessage(target, signedIn));
    return signedIn.tenantId;
  });
}
