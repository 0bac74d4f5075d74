/**
 * The stack's own `azuread:*` and `azure-native:*` config, for the providers pinned to the stack (providers.ts).
 *
 * The engine hands a namespace's config only to the package's *default* provider; an explicit provider takes nothing
 * but the arguments the program gives it. Stacks deployed before the providers were pinned may set, say,
 * `azure-native:subscriptionId` or `azuread:useOidc`: without this they would be dropped without a word. So every key of
 * those two namespaces is passed on to the pinned provider, typed as its arguments are (flags, lists, secrets), except
 * the two the stack pins itself: `tenantId` and `environment` must be absent or agree with `k2-oauth:tenantId` and
 * `k2-oauth:cloud`. A key the provider does not take, or a value of the wrong kind, stops the program like any other
 * config error, naming the key. Environment variables (ARM_*) still reach both providers as before.
 *
 * Pure apart from the Pulumi secret wrapper.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as azuread from "@pulumi/azuread";
import type { ProviderArgs as AzureNativeProviderArgs } from "@pulumi/azure-native/provider";
import { ConfigError, type ConfigIssue } from "./config";
import { quoteValue } from "./configMessages";
import { AZURE_NATIVE_ENVIRONMENTS, AZUREAD_ENVIRONMENTS, type ProviderTarget } from "./providers";

type Kind = "text" | "secret" | "flag" | "list";

/** Arguments both providers take, with the same kind. */
const COMMON_KEYS = {
  clientCertificatePassword: "secret",
  clientCertificatePath: "text",
  clientId: "text",
  clientSecret: "secret",
  metadataHost: "text",
  msiEndpoint: "text",
  oidcRequestToken: "secret",
  oidcRequestUrl: "text",
  oidcToken: "secret",
  oidcTokenFilePath: "text",
  partnerId: "text",
  useMsi: "flag",
  useOidc: "flag",
} as const satisfies Readonly<Record<string, Kind>>;

/** The arguments of @pulumi/azuread 6.9.1's Provider (provider.d.ts) that a stack may set, by kind. */
const AZUREAD_KEYS: Readonly<Record<Exclude<keyof azuread.ProviderArgs, "tenantId" | "environment">, Kind>> = {
  ...COMMON_KEYS,
  adoPipelineServiceConnectionId: "text",
  clientCertificate: "secret",
  clientIdFilePath: "text",
  clientSecretFilePath: "text",
  disableTerraformPartnerId: "flag",
  useAksWorkloadIdentity: "flag",
  useCli: "flag",
};

/** The arguments of @pulumi/azure-native 3.28.0's Provider (provider.d.ts) that a stack may set, by kind. */
const AZURE_NATIVE_KEYS: Readonly<Record<Exclude<keyof AzureNativeProviderArgs, "tenantId" | "environment">, Kind>> = {
  ...COMMON_KEYS,
  auxiliaryTenantIds: "list",
  disableInstanceDiscovery: "flag",
  disablePulumiPartnerId: "flag",
  location: "text",
  subscriptionId: "text",
  useDefaultAzureCredential: "flag",
};

export interface ProviderSettings {
  azuread: Partial<azuread.ProviderArgs>;
  azureNative: Partial<AzureNativeProviderArgs>;
}

const NAMESPACES = [
  { ns: "azuread", keys: AZUREAD_KEYS as Readonly<Record<string, Kind>>, target: "azuread" },
  { ns: "azure-native", keys: AZURE_NATIVE_KEYS as Readonly<Record<string, Kind>>, target: "azureNative" },
] as const;

function typed(fullKey: string, text: string, kind: Kind, issues: ConfigIssue[]): unknown {
  switch (kind) {
    case "text":
      return text;
    case "secret":
      return pulumi.secret(text);
    case "flag":
      if (text === "true" || text === "false") return text === "true";
      issues.push({ path: fullKey, message: `expected true or false; got ${quoteValue(text)}` });
      return undefined;
    case "list": {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
      issues.push({ path: fullKey, message: `expected a list of tenant ids (set it with pulumi config set --path '${fullKey.split(":")[1]}[0]' ...); got ${quoteValue(text)}` });
      return undefined;
    }
  }
}

/**
 * The pinned providers' arguments from the stack's `azuread:*` and `azure-native:*` config (`all`: the engine's config,
 * `ns:key` to text). Throws pulumi.RunError listing every problem.
 */
export function providerSettings(all: Readonly<Record<string, string>>, pinned: ProviderTarget): ProviderSettings {
  const environments = { azuread: AZUREAD_ENVIRONMENTS[pinned.cloud], azureNative: AZURE_NATIVE_ENVIRONMENTS[pinned.cloud] };
  const settings: ProviderSettings = { azuread: {}, azureNative: {} };
  const issues: ConfigIssue[] = [];
  for (const [fullKey, text] of Object.entries(all)) {
    const colon = fullKey.indexOf(":");
    const ns = fullKey.slice(0, colon);
    const key = fullKey.slice(colon + 1);
    const space = NAMESPACES.find((n) => n.ns === ns);
    if (space === undefined) continue;
    if (key === "tenantId") {
      if (text.toLowerCase() !== pinned.tenantId.toLowerCase()) {
        issues.push({
          path: fullKey,
          message: `expected no value, or k2-oauth:tenantId (${pinned.tenantId}): the providers are pinned to k2-oauth:tenantId; got ${quoteValue(text)}`,
        });
      }
      continue;
    }
    if (key === "environment") {
      const expected = environments[space.target];
      if (text !== expected) {
        issues.push({
          path: fullKey,
          message: `expected no value, or '${expected}' (what k2-oauth:cloud ${pinned.cloud} pins it to): set the cloud with k2-oauth:cloud; got ${quoteValue(text)}`,
        });
      }
      continue;
    }
    const kind = space.keys[key];
    if (kind === undefined) {
      const known = Object.keys(space.keys).sort().join(", ");
      issues.push({ path: fullKey, message: `is not an argument of the ${ns} provider, so it cannot be passed to the pinned one; expected one of ${known}` });
      continue;
    }
    const value = typed(fullKey, text, kind, issues);
    if (value !== undefined) (settings[space.target] as Record<string, unknown>)[key] = value;
  }
  if (issues.length > 0) throw new pulumi.RunError(new ConfigError(issues).message);
  return settings;
}
