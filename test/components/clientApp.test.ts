import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SCOPE_ID, K2_API_SP_OBJECT_ID, installMocks, resolve, settle, type RecordedResource } from "../helpers/pulumiMocks";
import { ClientSchema, type ClientConfig } from "../../components/config";

const recorded: RecordedResource[] = installMocks();
let mod: typeof import("../../components/clientApp");
let rotation: typeof import("../../components/rotation");

beforeAll(async () => {
  mod = await import("../../components/clientApp");
  rotation = await import("../../components/rotation");
});

const client: ClientConfig = ClientSchema.parse({
  name: "power-automate",
  displayName: "K2 - Power Automate",
  redirectUris: ["https://global.consent.azure-apim.net/redirect"],
  owners: ["33333333-4444-5555-6666-777777777777"],
  secret: { lifetimeDays: 180, rotateAfterDays: 150 },
});
const k2Api = { clientId: "22222222-3333-4444-5555-666666666666", servicePrincipalObjectId: K2_API_SP_OBJECT_ID, scopeId: DEFAULT_SCOPE_ID, scope: "user_impersonation" };
const vault = { resourceGroupName: "rg-k2", vaultName: "kv-k2-dev" };
// Day 1055 after the anchor: generation 7 (slot b) is current, generation 6 (slot a) is inside its overlap.
const inOverlap = (hour: number) => new Date(Date.UTC(2024, 0, 1) + 1055 * 86_400_000 + hour * 3_600_000);

function build(name: string, now: Date, keyVault?: typeof vault, c: ClientConfig = client) {
  const app = new mod.ClientApp(name, { client: { ...c, name }, configPath: "k2-oauth:clients[3]", k2Api, keyVault, now });
  // Registrations complete asynchronously and interleave: select this instance's resources by name.
  return { app, declared: () => recorded.filter((r) => r.name === name || r.name.startsWith(`${name}-`)) };
}

function byType(list: RecordedResource[], type: string): RecordedResource[] {
  return list.filter((r) => r.type === type);
}

describe("ClientApp", () => {
  it("declares exactly the expected resources with the expected inputs", async () => {
    const { app, declared } = build("pa", inOverlap(9), vault);
    await resolve(app.clientId);
    await settle();
    const types = declared().map((r) => r.type).sort();
    expect(types).toEqual([
      "azure-native:keyvault:Secret",
      "azuread:index/application:Application",
      "azuread:index/applicationPassword:ApplicationPassword",
      "azuread:index/applicationPassword:ApplicationPassword",
      "azuread:index/servicePrincipal:ServicePrincipal",
      "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant",
      "k2oauth:index:ClientApp",
    ]);
    const appRes = byType(declared(), "azuread:index/application:Application")[0];
    expect(appRes.name).toBe("pa-app");
    expect(appRes.inputs).toMatchObject({
      displayName: "K2 - Power Automate",
      signInAudience: "AzureADMyOrg",
      owners: client.owners,
      web: { redirectUris: client.redirectUris, implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } },
      requiredResourceAccesses: [{ resourceAppId: k2Api.clientId, resourceAccesses: [{ id: DEFAULT_SCOPE_ID, type: "Scope" }] }],
    });
    const sp = byType(declared(), "azuread:index/servicePrincipal:ServicePrincipal")[0];
    expect(sp.inputs.clientId).toMatch(/^[0-9a-f-]{36}$/);
    const grant = byType(declared(), "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant")[0];
    expect(grant.inputs).toEqual({
      servicePrincipalObjectId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      resourceServicePrincipalObjectId: K2_API_SP_OBJECT_ID,
      claimValues: ["user_impersonation"],
    });
    expect(grant.inputs).not.toHaveProperty("userObjectId");
  });

  it("records its config key, the K2 API scope it requests and its schedule as its own inputs (for the policy pack)", async () => {
    const custom: ClientConfig = { ...client, secret: { lifetimeDays: 120, rotateAfterDays: 80 } };
    const { declared } = build("rec", inOverlap(9), undefined, custom);
    await settle();
    const component = declared().find((r) => r.type === "k2oauth:index:ClientApp" && r.name === "rec")!;
    expect(component.inputs).toEqual({
      configPath: "k2-oauth:clients[3]",
      k2Api: { clientId: k2Api.clientId, scope: "user_impersonation", scopeId: DEFAULT_SCOPE_ID, servicePrincipalObjectId: K2_API_SP_OBJECT_ID },
      secret: { lifetimeDays: 120, rotateAfterDays: 80 },
    });
  });

  it("waits for the new service principal before the consent grant, with room for replication retries", async () => {
    const seen: Array<{ type: string; opts: pulumi.ResourceOptions }> = [];
    const app = new mod.ClientApp(
      "repl",
      { client: { ...client, name: "repl" }, configPath: "k2-oauth:clients[0]", k2Api, now: inOverlap(9) },
      { transformations: [(a) => { seen.push({ type: a.type, opts: a.opts }); return undefined; }] },
    );
    const grant = seen.find((x) => x.type.endsWith("ServicePrincipalDelegatedPermissionGrant"))!;
    expect(grant.opts.customTimeouts).toEqual({ create: mod.CONSENT_CREATE_TIMEOUT });
    expect(grant.opts.dependsOn).toEqual([app.servicePrincipal]);
    // and its object id input is the new service principal's output
    const spId = await resolve(app.servicePrincipal.objectId);
    expect((await resolve(app.consent.servicePrincipalObjectId)).value).toBe(spId.value);
  });

  it("keeps the secret end date stable across two runs of one day", async () => {
    const first = build("stable1", inOverlap(1));
    const second = build("stable2", inOverlap(23));
    expect(first.app.secrets.map((s) => [s.slot, s.startDate, s.endDate])).toEqual(second.app.secrets.map((s) => [s.slot, s.startDate, s.endDate]));
    await settle();
    const endDates = (d: RecordedResource[]) => byType(d, "azuread:index/applicationPassword:ApplicationPassword").map((r) => r.inputs.endDate);
    expect(endDates(first.declared())).toEqual(endDates(second.declared()));
  });

  it("moves the secret at a rotation boundary, keeping the previous one for the overlap", async () => {
    const rotationDay = new Date(Date.UTC(2024, 0, 1) + 1050 * 86_400_000);
    const dayBefore = new Date(rotationDay.getTime() - 1);
    const before = build("rot-before", dayBefore);
    const after = build("rot-after", rotationDay);
    const cur = (a: typeof before.app) => a.secrets.find((s) => s.current)!;
    expect(cur(before.app).slot).toBe("a");
    expect(cur(after.app).slot).toBe("b");
    expect(cur(after.app).endDate).toBe("2027-05-15T00:00:00Z");
    const prev = after.app.secrets.find((s) => !s.current)!;
    expect(prev.slot).toBe("a");
    expect(prev.endDate).toBe(cur(before.app).endDate);
    expect((Date.parse(prev.endDate) - rotationDay.getTime()) / 86_400_000).toBe(30);
    await settle();
    const rotate = byType(after.declared(), "azuread:index/applicationPassword:ApplicationPassword").map((r) => [r.name, r.inputs.rotateWhenChanged]);
    expect(rotate).toEqual([["rot-after-secret-a", { generation: "6" }], ["rot-after-secret-b", { generation: "7" }]]);
  });

  it("stores the current secret in one Key Vault secret per client: expires, notBefore and tags follow it", async () => {
    const { app, declared } = build("kv", inOverlap(9), vault);
    await resolve(app.clientId);
    await settle();
    const kv = byType(declared(), "azure-native:keyvault:Secret");
    expect(kv.map((r) => r.name)).toEqual(["kv-secret-kv"]);
    const current = app.secrets.find((s) => s.current)!;
    expect(current).toMatchObject({ slot: "b", generation: 7 });
    // azure-native applies defaults to `properties` as one Output, so the secret value makes the whole object secret.
    const wrapped = kv[0].inputs.properties as { "4dabf18193072939515e22adb298388d": string; value: unknown };
    expect(wrapped["4dabf18193072939515e22adb298388d"]).toBe("1b47061264138c4ac30d75fd1eb44270");
    expect(wrapped.value).toEqual({
      value: "s3cr3t-kv-secret-b",
      contentType: "application/x-entra-client-secret",
      attributes: { enabled: true, notBefore: Date.parse(current.startDate) / 1000, expires: Date.parse(current.endDate) / 1000 },
    });
    expect(kv[0].inputs).toMatchObject({ resourceGroupName: "rg-k2", vaultName: "kv-k2-dev", secretName: "kv-client-secret" });
    const keyId = (await resolve(current.keyId)).value;
    const clientId = (await resolve(app.clientId)).value;
    expect(kv[0].inputs.tags).toEqual({ "k2-oauth-client": "kv", "entra-client-id": clientId, "entra-key-id": keyId, "k2-oauth-slot": "b", "k2-oauth-generation": "7" });
    expect(app.keyVaultSecretName).toBe("kv-client-secret");
  });

  it("moves the Key Vault secret to the new slot's value on the rotation day, under the same name", async () => {
    const rotationDay = new Date(Date.UTC(2024, 0, 1) + 1050 * 86_400_000);
    const before = build("kvrot-before", new Date(rotationDay.getTime() - 1), vault);
    const at = build("kvrot-at", rotationDay, vault);
    await Promise.all([resolve(before.app.clientId), resolve(at.app.clientId)]);
    await settle();
    const kvOf = (d: RecordedResource[]) => byType(d, "azure-native:keyvault:Secret")[0];
    const valueOf = (r: RecordedResource) => ((r.inputs.properties as { value: { value: string } }).value).value;
    expect(valueOf(kvOf(before.declared()))).toBe("s3cr3t-kvrot-before-secret-a");
    expect(valueOf(kvOf(at.declared()))).toBe("s3cr3t-kvrot-at-secret-b");
    expect((kvOf(at.declared()).inputs.tags as Record<string, string>)["k2-oauth-slot"]).toBe("b");
    // The name that consumers read stays the same (apart from the client part of these two test instances).
    expect([before.app.keyVaultSecretName, at.app.keyVaultSecretName]).toEqual(["kvrot-before-client-secret", "kvrot-at-client-secret"]);
  });

  it("never lets Pulumi delete the Key Vault secret (soft delete would block its name) and waits for the current password", () => {
    const seen: Array<{ type: string; opts: pulumi.ResourceOptions }> = [];
    const app = new mod.ClientApp(
      "retain",
      { client: { ...client, name: "retain" }, configPath: "k2-oauth:clients[0]", k2Api, keyVault: vault, now: inOverlap(9) },
      { transformations: [(a) => { seen.push({ type: a.type, opts: a.opts }); return undefined; }] },
    );
    const kv = seen.find((x) => x.type === "azure-native:keyvault:Secret")!;
    expect((kv.opts as pulumi.CustomResourceOptions).retainOnDelete).toBe(true);
    const current = app.passwords[app.secrets.findIndex((s) => s.current)];
    expect(kv.opts.dependsOn).toEqual([current]);
    expect(app.vaultSecret).toBeDefined();
  });

  it("without a vault declares no Key Vault secret", async () => {
    const { app, declared } = build("novault", inOverlap(9));
    await resolve(app.clientId);
    await settle();
    expect(byType(declared(), "azure-native:keyvault:Secret")).toEqual([]);
    expect(app.keyVaultSecretName).toBeUndefined();
    expect(app.vaultSecret).toBeUndefined();
  });

  it("keeps secret values secret everywhere they surface", async () => {
    const { app } = build("sec", inOverlap(9), vault);
    for (const s of app.secrets) {
      const v = await resolve(s.value);
      expect(v.secret).toBe(true);
      expect(v.value).toMatch(/^s3cr3t-/);
    }
    for (const pw of app.passwords) expect(await pulumi.isSecret(pw.value)).toBe(true);
    const props = await resolve(app.vaultSecret!.properties as pulumi.Output<unknown>);
    expect(props.secret).toBe(true);
  });

  it("uses the configured schedule (90/60 days)", () => {
    const { app } = build("short", inOverlap(9), undefined, { ...client, secret: { lifetimeDays: 90, rotateAfterDays: 60 } });
    expect(app.overlapDays).toBe(30);
    const cur = app.secrets.find((s) => s.current)!;
    expect((Date.parse(cur.endDate) - Date.parse(cur.startDate)) / 86_400_000).toBe(90);
    expect(rotation.secretSchedule({ lifetimeDays: 90, rotateAfterDays: 60 }, inOverlap(9)).current.generation).toBe(cur.generation);
  });
});
