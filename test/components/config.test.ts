import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_AUDIENCE, formatConfigPath, parseStackConfig, validateStackConfig } from "../../components/config";
import { thrown } from "../helpers/thrown";

const TENANT = "11111111-2222-3333-4444-555555555555";
const K2API = "22222222-3333-4444-5555-666666666666";

function valid(): Record<string, unknown> {
  return {
    tenantId: TENANT,
    k2Api: { clientId: K2API },
    k2: { url: "https://k2.example.com/", admin: { username: "DOMAIN\\svc", password: "pw-value-123" } },
    clients: [{ name: "power-automate", displayName: "K2 - Power Automate", redirectUris: ["https://global.consent.azure-apim.net/redirect"] }],
  };
}

function issuesOf(raw: Record<string, unknown>): Array<{ path: string; message: string }> {
  const r = parseStackConfig(raw);
  if (r.ok) throw new Error("expected invalid config");
  return r.issues;
}

function withClient(patch: Record<string, unknown>): Record<string, unknown> {
  const raw = valid();
  raw.clients = [{ ...(raw.clients as object[])[0], ...patch }];
  return raw;
}

describe("stack config: defaults", () => {
  it("fills the documented defaults", () => {
    const cfg = validateStackConfig(valid());
    expect(cfg.cloud).toBe("public");
    expect(cfg.k2Api.scope).toBe("user_impersonation");
    expect(cfg.k2Api.audience).toBe(DEFAULT_AUDIENCE);
    expect(cfg.k2.edition).toBe("five");
    expect(cfg.k2.bearerTokenResource).toEqual({ name: "K2 API" });
    expect(cfg.k2.url).toBe("https://k2.example.com");
    expect(cfg.clients[0].secret).toEqual({ lifetimeDays: 180, rotateAfterDays: 150 });
    expect(cfg.clients[0].owners).toEqual([]);
    expect(cfg.keyVault).toBeUndefined();
  });

  it("normalises GUIDs to lower case", () => {
    const raw = valid();
    raw.tenantId = TENANT.toUpperCase().replace(/-/g, "-");
    expect(validateStackConfig(raw).tenantId).toBe(TENANT);
  });

  it("accepts K2 Cloud without a bearerTokenResource or admin", () => {
    const raw = valid();
    raw.k2 = { url: "https://contoso.onk2.com", edition: "cloud" };
    const cfg = validateStackConfig(raw);
    expect(cfg.k2.edition).toBe("cloud");
    expect(cfg.k2.bearerTokenResource).toBeUndefined();
  });

  it("accepts every cloud and a key vault", () => {
    for (const cloud of ["public", "usgov", "china"]) {
      const raw = { ...valid(), cloud, keyVault: { resourceGroupName: "rg-k2", vaultName: "kv-k2-dev" } };
      expect(validateStackConfig(raw).cloud).toBe(cloud);
    }
  });
});

describe("stack config: rules and error paths", () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["tenant GUID", { ...valid(), tenantId: "contoso.onmicrosoft.com" }, "k2-oauth:tenantId", /GUID/],
    ["missing tenant", (() => { const r = valid(); delete r.tenantId; return r; })(), "k2-oauth:tenantId", /is required/],
    ["cloud enum", { ...valid(), cloud: "germany" }, "k2-oauth:cloud", /public, usgov, china/],
    ["k2Api clientId", { ...valid(), k2Api: { clientId: "nope" } }, "k2-oauth:k2Api.clientId", /GUID/],
    ["https audience", { ...valid(), k2Api: { clientId: K2API, audience: "http://api.k2.com/" } }, "k2-oauth:k2Api.audience", /https/],
    ["https K2 url", { ...valid(), k2: { url: "http://k2.example.com", admin: { username: "u", password: "p" } } }, "k2-oauth:k2.url", /https/],
    ["edition enum", { ...valid(), k2: { url: "https://k2", edition: "six", admin: { username: "u", password: "p" } } }, "k2-oauth:k2.edition", /five.*cloud/],
    ["cloud edition with a bearer resource", { ...valid(), k2: { url: "https://k2", edition: "cloud", bearerTokenResource: { name: "K2 API" } } }, "k2-oauth:k2.bearerTokenResource", /K2 Cloud/],
    ["five without admin", { ...valid(), k2: { url: "https://k2" } }, "k2-oauth:k2.admin", /admin credentials/],
    ["slug name", withClient({ name: "Power Automate" }), "k2-oauth:clients[0].name", /slug/],
    ["http redirect", withClient({ redirectUris: ["http://example.com/cb"] }), "k2-oauth:clients[0].redirectUris[0]", /https/],
    ["wildcard redirect", withClient({ redirectUris: ["https://*.example.com/cb"] }), "k2-oauth:clients[0].redirectUris[0]", /wildcard/],
    ["owner GUID", withClient({ owners: ["alice@example.com"] }), "k2-oauth:clients[0].owners[0]", /GUID/],
    ["lifetime lower bound", withClient({ secret: { lifetimeDays: 0, rotateAfterDays: 1 } }), "k2-oauth:clients[0].secret.lifetimeDays", /from 1 to 730 .*; got 0$/],
    ["lifetime upper bound", withClient({ secret: { lifetimeDays: 731, rotateAfterDays: 400 } }), "k2-oauth:clients[0].secret.lifetimeDays", /from 1 to 730 .*; got 731$/],
    ["lifetime whole days", withClient({ secret: { lifetimeDays: 90.5, rotateAfterDays: 60 } }), "k2-oauth:clients[0].secret.lifetimeDays", /whole number/],
    ["rotate before expiry", withClient({ secret: { lifetimeDays: 180, rotateAfterDays: 180 } }), "k2-oauth:clients[0].secret.rotateAfterDays", /fewer days than lifetimeDays \(180\)/],
    ["overlap kept by two slots", withClient({ secret: { lifetimeDays: 365, rotateAfterDays: 100 } }), "k2-oauth:clients[0].secret.rotateAfterDays", /at least half.*>= 183/],
    ["unknown key", withClient({ lifetime: 3 }), "k2-oauth:clients[0].lifetime", /^unknown key; expected one of name, displayName/],
    ["no clients", { ...valid(), clients: [] }, "k2-oauth:clients", /at least one/],
    ["vault name", { ...valid(), keyVault: { resourceGroupName: "rg", vaultName: "kv_bad" } }, "k2-oauth:keyVault.vaultName", /Key Vault name/],
  ];
  it.each(cases)("%s", (_label, raw, path, message) => {
    const issues = issuesOf(raw);
    const hit = issues.find((i) => i.path === path);
    expect(hit, JSON.stringify(issues)).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  it("rejects duplicate client names", () => {
    const raw = valid();
    const c = (raw.clients as object[])[0];
    raw.clients = [c, { ...c, displayName: "again" }];
    expect(issuesOf(raw)).toContainEqual({ path: "k2-oauth:clients[1].name", message: "expected a unique name (clients[0] has the same one); got 'power-automate'" });
  });

  it("lists every problem at once, including duplicates next to other errors", () => {
    const raw = valid();
    raw.tenantId = "x";
    raw.cloud = "mars";
    const c = (raw.clients as object[])[0];
    raw.clients = [c, { ...c, secret: { lifetimeDays: 1000, rotateAfterDays: 10 } }];
    const paths = issuesOf(raw).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining([
      "k2-oauth:tenantId",
      "k2-oauth:cloud",
      "k2-oauth:clients[1].secret.lifetimeDays",
      "k2-oauth:clients[1].name",
    ]));
  });

  it("throws a ConfigError whose message names each key path and never a secret value", () => {
    const raw = valid();
    (raw.k2 as Record<string, unknown>).admin = { username: "u", password: 12345 };
    raw.tenantId = "bad";
    const err = thrown(() => validateStackConfig(raw));
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain("k2-oauth:tenantId");
    expect(message).toContain("k2-oauth:k2.admin.password");
    expect(message).not.toContain("12345");
    expect(message).toMatch(/^Invalid stack configuration \(2 problems\)/);
  });

  it("formats key paths as the CLI names them", () => {
    expect(formatConfigPath(["clients", 1, "secret", "lifetimeDays"])).toBe("k2-oauth:clients[1].secret.lifetimeDays");
    expect(formatConfigPath(["tenantId"])).toBe("k2-oauth:tenantId");
  });
});

describe("K2 API scope lookup", () => {
  it("finds the scope by value or lists what is offered", async () => {
    const { findScope } = await import("../../components/inboundOAuth");
    expect(findScope([{ id: "1", value: "a" }, { id: "2", value: "user_impersonation" }], "user_impersonation", K2API).id).toBe("2");
    expect(() => findScope([{ id: "1", value: "a" }], "user_impersonation", K2API)).toThrow(/offers: a\. Set k2Api\.scope/);
    expect(() => findScope([], "user_impersonation", K2API)).toThrow(/offers no delegated scopes.*k2Api\.clientId/);
  });
});
