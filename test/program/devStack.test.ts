import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { runProgram, type ProgramRun } from "../helpers/program";
import { calls, resolve, settle } from "../helpers/pulumiMocks";

/** The provider references (`<urn>::<id>`) of the providers index.ts pins, by package. */
const PINNED = {
  azuread: "urn:pulumi:test::k2-oauth::pulumi:providers:azuread::k2-oauth-azuread::k2-oauth-azuread-id",
  "azure-native": "urn:pulumi:test::k2-oauth::pulumi:providers:azure-native::k2-oauth-azure-native::k2-oauth-azure-native-id",
} as const;

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev");
  await resolve((run.exports.clients as Record<string, { clientId: pulumi.Output<string> }>)["power-automate"].clientId);
  await settle();
});

describe("the program on stacks/Pulumi.dev.yaml", () => {
  it("declares the component tree for both clients and the outbound app", () => {
    const count = (type: string) => run.recorded.filter((r) => r.type === type).length;
    expect(count("k2oauth:index:InboundOAuth")).toBe(1);
    expect(count("k2oauth:index:ClientApp")).toBe(2);
    expect(count("k2oauth:index:OutboundOAuth")).toBe(1);
    // Two clients and the outbound app (k2-oauth:outbound) each have an app, a service principal and one grant.
    expect(count("azuread:index/application:Application")).toBe(3);
    expect(count("azuread:index/servicePrincipal:ServicePrincipal")).toBe(3);
    expect(count("azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant")).toBe(3);
    const passwords = count("azuread:index/applicationPassword:ApplicationPassword");
    expect(passwords).toBeGreaterThanOrEqual(3);
    // One Key Vault secret per app, whatever the number of valid passwords.
    expect(count("azure-native:keyvault:Secret")).toBe(3);
  });

  it("pins the azuread and azure-native providers to the stack's tenant and cloud", () => {
    const providers = run.recorded.filter((r) => r.type.startsWith("pulumi:providers:"));
    expect(providers.map((p) => [p.type, p.name]).sort()).toEqual([
      ["pulumi:providers:azure-native", "k2-oauth-azure-native"],
      ["pulumi:providers:azuread", "k2-oauth-azuread"],
    ]);
    const inputs = Object.fromEntries(providers.map((p) => [p.type, p.inputs]));
    expect(inputs["pulumi:providers:azuread"]).toMatchObject({ tenantId: "11111111-2222-3333-4444-555555555555", environment: "global" });
    expect(inputs["pulumi:providers:azure-native"]).toMatchObject({ tenantId: "11111111-2222-3333-4444-555555555555", environment: "public" });
  });

  it("makes every lookup through the pinned provider of its package", () => {
    expect(calls.map((c) => [c.token, c.provider]).sort()).toEqual([
      ["azure-native:authorization:getClientConfig", PINNED["azure-native"]],
      ["azuread:index/getServicePrincipal:getServicePrincipal", PINNED.azuread],
      // Microsoft Graph, for the outbound app's permissions.
      ["azuread:index/getServicePrincipal:getServicePrincipal", PINNED.azuread],
    ]);
  });

  it("creates every azuread and azure-native resource through the pinned provider of its package, none through a default one", () => {
    const cloudResources = run.recorded.filter((r) => !r.type.startsWith("pulumi:") && /^(azuread|azure-native):/.test(r.type));
    // Applications, service principals, consents, passwords and the Key Vault secrets: 2 clients and the outbound app.
    expect(cloudResources.length).toBeGreaterThanOrEqual(15);
    expect(cloudResources.filter((r) => r.type === "azure-native:keyvault:Secret").length).toBe(3);
    const wrong = cloudResources.filter((r) => r.provider !== PINNED[r.type.split(":")[0] as keyof typeof PINNED]).map((r) => `${r.type} ${r.name}: ${String(r.provider)}`);
    expect(wrong).toEqual([]);
  });

  it("exports, per client, what a tester and a consumer need", async () => {
    const clients = run.exports.clients as Record<string, Record<string, unknown>>;
    expect(Object.keys(clients).sort()).toEqual(["power-automate", "reporting"]);
    const pa = clients["power-automate"];
    const tenant = "11111111-2222-3333-4444-555555555555";
    expect(pa.tenantId).toBe(tenant);
    expect(pa.authority).toBe(`https://login.microsoftonline.com/${tenant}`);
    expect(pa.tokenEndpoint).toBe(`https://login.microsoftonline.com/${tenant}/oauth2/token`);
    const authUrl = new URL((await resolve(pa.authUrl as pulumi.Output<string>)).value!);
    expect(authUrl.pathname).toBe(`/${tenant}/oauth2/authorize`);
    expect(authUrl.searchParams.get("resource")).toBe("https://api.k2.com/");
    expect(authUrl.searchParams.get("client_id")).toBe((await resolve(pa.clientId as pulumi.Output<string>)).value);
    const secrets = pa.secrets as Array<Record<string, unknown>>;
    expect(secrets.filter((s) => s.current)).toHaveLength(1);
    for (const s of secrets) {
      expect(s.expires).toMatch(/^\d{4}-\d\d-\d\dT00:00:00Z$/);
      expect((await resolve(s.keyId as pulumi.Output<string>)).value).toMatch(/^[0-9a-f-]{36}$/);
      expect(Object.keys(s).sort()).toEqual(["current", "expires", "generation", "keyId", "slot", "startDate"]);
    }
    expect(pa.keyVaultSecretName).toBe("power-automate-client-secret");
    expect(run.exports.metadataEndpoint).toBe(`https://login.microsoftonline.com/${tenant}/.well-known/openid-configuration`);
    // With a vault configured, secret values are not exported at all.
    expect(run.exports.clientSecrets).toBe(
      "stored in Key Vault kv-k2-oauth-dev: the latest version of clients.<name>.keyVaultSecretName is the current secret",
    );
  });

  it("hands the K2 admin password on only as a secret and never in plain config", async () => {
    expect(run.stack.secretPaths).toContain("k2.admin.password");
    expect(run.stack.secretKeys).toContain("k2-oauth:k2");
    const { loadProgramConfig } = await import("../../components/programConfig");
    const pc = loadProgramConfig(run.stack.engineConfig);
    expect(pc.config.k2.admin?.password).toBe("");
    expect(await pulumi.isSecret(pc.k2AdminPassword!)).toBe(true);
  });
});
