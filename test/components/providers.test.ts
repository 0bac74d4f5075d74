/**
 * components/providers.ts under the mock runtime: the providers' environment per cloud, their aliases to the default
 * providers of earlier releases, and the signed-in tenant check with its message.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { calls, installMocks, resolve, settle } from "../helpers/pulumiMocks";
import { TENANT } from "../helpers/testTenant";

const OTHER_TENANT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
// The mocks report OTHER_TENANT (upper case) as the signed-in tenant.
const recorded = installMocks({ signedInTenant: OTHER_TENANT.toUpperCase() });
let mod: typeof import("../../components/providers");

beforeAll(async () => {
  mod = await import("../../components/providers");
});

describe("pinnedProviders", () => {
  it.each([
    ["public", "global", "public"],
    ["usgov", "usgovernment", "usgovernment"],
    ["china", "china", "china"],
  ] as const)("pins both providers to the tenant and the %s cloud", async (cloud, azureadEnvironment, azureNativeEnvironment) => {
    const seen: Array<{ type: string; opts: pulumi.ResourceOptions }> = [];
    const p = mod.pinnedProviders(`p-${cloud}`, { tenantId: TENANT, cloud }, { transformations: [(a) => { seen.push({ type: a.type, opts: a.opts }); return undefined; }] });
    await resolve(p.azuread.urn);
    await resolve(p.azureNative.urn);
    await settle();
    const inputs = (type: string) => recorded.find((r) => r.type === type && r.name.startsWith(`p-${cloud}-`))?.inputs;
    expect(inputs("pulumi:providers:azuread")).toMatchObject({ tenantId: TENANT, environment: azureadEnvironment });
    expect(inputs("pulumi:providers:azure-native")).toMatchObject({ tenantId: TENANT, environment: azureNativeEnvironment });
    // No credential is put into the providers' inputs: sign-in stays with the environment.
    for (const type of ["pulumi:providers:azuread", "pulumi:providers:azure-native"]) {
      expect(Object.keys(inputs(type) ?? {})).not.toEqual(expect.arrayContaining(["clientSecret"]));
    }
    expect(seen.map((s) => [s.type, s.opts.aliases])).toEqual([
      ["pulumi:providers:azuread", [{ name: "default_6_9_1" }]],
      ["pulumi:providers:azure-native", [{ name: "default_3_28_0" }]],
    ]);
  });

  it("names the default providers as the engine does, prerelease and build parts included", () => {
    expect(mod.defaultProviderName("6.9.1")).toBe("default_6_9_1");
    expect(mod.defaultProviderName("3.28.0")).toBe("default_3_28_0");
    expect(mod.defaultProviderName("10.0.12-alpha.1")).toBe("default_10_0_12_alpha_1");
    expect(mod.defaultProviderName("2.0.0-beta.10+sha.5114f85")).toBe("default_2_0_0_beta_10_sha_5114f85");
    expect(() => mod.defaultProviderName("latest")).toThrow("not a semantic version: 'latest'");
    expect(() => mod.defaultProviderName("1.2")).toThrow("not a semantic version: '1.2'");
  });

  it("aliases the versions every earlier release pinned, a fact that does not follow package.json", () => {
    // The releases before the providers were declared pinned @pulumi/azuread 6.9.1 and @pulumi/azure-native 3.28.0;
    // an upgrade of either in package.json must leave these as they are.
    expect(mod.DEFAULT_PROVIDER_VERSIONS).toEqual({ azuread: "6.9.1", azureNative: "3.28.0" });
  });
});

describe("verifySignedInTenant", () => {
  it("passes when the token comes from the stack's tenant, whatever the letter case, asking azure-native through the provider given", async () => {
    const provider = mod.pinnedProviders("check", { tenantId: OTHER_TENANT, cloud: "public" }).azureNative;
    const checked = await resolve(mod.verifySignedInTenant({ tenantId: OTHER_TENANT, cloud: "public" }, { provider }));
    expect(checked.value).toBe(OTHER_TENANT.toUpperCase());
    const call = calls.filter((c) => c.token === "azure-native:authorization:getClientConfig");
    expect(call.map((c) => c.provider)).toEqual(["urn:pulumi:test::k2-oauth::pulumi:providers:azure-native::check-azure-native::check-azure-native-id"]);
  });

  // A failing check rejects several of the SDK's internal promises that nobody awaits: it is tested where that is
  // handled, in the program's own process (test/program/tenantMismatch.test.ts).
});

describe("tenantMismatchMessage", () => {
  it("names both tenants and each way to sign in to the right one", () => {
    expect(mod.tenantMismatchMessage({ tenantId: TENANT, cloud: "public" }, { tenantId: OTHER_TENANT, clientId: "c1", objectId: "o1" })).toBe(
      `k2-oauth:tenantId is ${TENANT}, but the identity the providers signed in with (client id c1, object id o1) got its token from tenant ${OTHER_TENANT}. ` +
        `Nothing was created. Sign in with an identity of tenant ${TENANT} and run again: with the Azure CLI, \`az login --tenant ${TENANT}\`; ` +
        `with OIDC (GitHub Actions), an app registration of that tenant whose federated credential trusts this workflow, and ${TENANT} as AZURE_TENANT_ID; ` +
        `with a managed identity (ARM_USE_MSI), one whose home tenant is ${TENANT}: a managed identity always signs in to its home tenant.`,
    );
  });

  it("sets the Azure CLI's cloud first outside the public cloud, and says so when the token names no tenant", () => {
    const usgov = mod.tenantMismatchMessage({ tenantId: TENANT, cloud: "usgov" }, { tenantId: "", clientId: "", objectId: "" });
    expect(usgov).toContain(`but the identity the providers signed in with got its token from a tenant it does not name (the token has no tid claim). Nothing was created.`);
    expect(usgov).toContain(`with the Azure CLI, \`az cloud set --name AzureUSGovernment && az login --tenant ${TENANT}\`;`);
    expect(mod.tenantMismatchMessage({ tenantId: TENANT, cloud: "china" }, { tenantId: OTHER_TENANT, clientId: "c", objectId: "" })).toContain(
      `(client id c) got its token from tenant ${OTHER_TENANT}. Nothing was created. Sign in with an identity of tenant ${TENANT} and run again: with the Azure CLI, \`az cloud set --name AzureChinaCloud && az login`,
    );
  });
});
