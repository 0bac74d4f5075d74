/**
 * The real pack (policies/) end to end over the CrossGuard analyzer protocol, started once for this file the way the
 * Pulumi CLI starts it: GetAnalyzerInfo, Configure with policies/config/dev.json, Analyze, AnalyzeStack, Remediate.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicyConfigFile, PolicyConfigError, resourceUrn, secret, startPolicyPack, UNKNOWN, type AnalyzerResource } from "../../cli/analyzer";
import { POLICIES, POLICY_PACK_NAME } from "../../policies/registry";
import { applicationProps, bearerTokenProps, contracts, guidFor, K2_API_SP_OBJECT_ID, OTHER_TENANT, TENANT } from "./helpers/fixtures";
import { PACK_DIR, PACK_START_TIMEOUT_MS, usePolicyPack } from "./helpers/usePolicyPack";

const SECRET_MARKER = "Sup3r-S3cret-Value-7f1c";
const DEV_CONFIG = path.join(PACK_DIR, "config", "dev.json");

const pack = usePolicyPack({ setup: (session) => session.configure(loadPolicyConfigFile(DEV_CONFIG)) });

function resource(type: string, name: string, properties: Record<string, unknown>, extra: Partial<AnalyzerResource> = {}): AnalyzerResource {
  return { urn: resourceUrn({ stack: "dev", project: "k2-oauth", type, name }), type, name, properties, ...extra };
}

const bearer = (overrides: Record<string, unknown> = {}) =>
  resource(contracts.TYPE_BEARER_TOKEN_RESOURCE, "k2-bearer-token", {
    ...bearerTokenProps(overrides),
    credentials: secret({ username: "EXAMPLE\\svc-k2", password: SECRET_MARKER }),
  });

describe("the k2-oauth policy pack over the analyzer protocol", () => {
  it("reports its name, version and every policy with metadata and config schema (GetAnalyzerInfo)", async () => {
    const info = await pack.session.info();
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as { version: string };
    expect(info.name).toBe(POLICY_PACK_NAME);
    expect(info.version).toBe(pkg.version);
    expect(info.supportsConfig).toBe(true);
    expect(info.policies.map((p) => p.name)).toEqual(POLICIES.map((p) => p.name));
    for (const p of info.policies) {
      expect(p.description, p.name).not.toBe("");
      expect(p.remediationSteps, p.name).toBeTruthy();
      expect(p.url, p.name).toMatch(/^https:\/\/(help\.k2\.com|learn\.microsoft\.com)\//);
      expect(p.severity, p.name).toBeDefined();
    }
    const byName = Object.fromEntries(info.policies.map((p) => [p.name, p]));
    expect(byName["k2-bearer-token-v1-endpoints"]).toMatchObject({ enforcementLevel: "mandatory", policyType: "resource", severity: "critical" });
    expect(Object.keys(byName["k2-bearer-token-v1-endpoints"].configSchema!.properties).sort()).toEqual(["cloud", "tenantId"]);
    expect(byName["k2-bearer-token-audience"].configSchema!.properties.audience).toMatchObject({ type: "string", default: "https://api.k2.com/" });
    expect(byName["entra-client-secret-expiry"].configSchema!.properties.maxLifetimeDays).toMatchObject({ type: "integer", default: 365 });
    expect(byName["entra-client-secret-expiry-advisory"]).toMatchObject({ enforcementLevel: "advisory" });
    expect(byName["entra-client-secret-expiry-advisory"].configSchema!.properties.warnDays).toMatchObject({ default: 30 });
    expect(Object.keys(byName["k2-api-admin-consent"].configSchema!.properties).sort()).toEqual(["k2ApiClientId", "k2ApiServicePrincipalObjectId", "scope"]);
    expect(byName["k2-api-admin-consent"]).toMatchObject({ policyType: "stack", enforcementLevel: "mandatory" });
  });

  it("surfaces the pack's log lines through the engine server", () => {
    expect(pack.logs.some((l) => l.startsWith("debug: Running program"))).toBe(true);
  });

  it("applies the stack's config (dev.json): a Bearer Token resource for another tenant is a mandatory violation", async () => {
    const findings = await pack.session.analyze(
      bearer({
        authorizationEndpoint: `https://login.microsoftonline.com/${OTHER_TENANT}/oauth2/authorize`,
        tokenEndpoint: `https://login.microsoftonline.com/${OTHER_TENANT}/oauth2/token`,
        metadataEndpoint: `https://login.microsoftonline.com/${OTHER_TENANT}/.well-known/openid-configuration`,
      }),
    );
    expect(findings).toHaveLength(3);
    for (const f of findings) {
      expect(f).toMatchObject({ policyName: "k2-bearer-token-v1-endpoints", policyPackName: POLICY_PACK_NAME, level: "mandatory", urn: bearer().urn });
      expect(f.message).toContain(`but tenant ${TENANT} is configured`);
    }
  });

  it("rejects config that does not match a policy's schema, naming the policy and the problem", async () => {
    const configured = pack.session.configure(
      { "entra-client-secret-expiry": { maxLifetimeDays: 5000 }, "k2-api-admin-consent": { k2ApiClientId: "K2 API" } },
      "policies/config/dev.json",
    );
    await expect(configured).rejects.toThrow(PolicyConfigError);
    // The pack's own schemas, in this project's words: the value quoted, the range and an example, no regular expression.
    await expect(configured).rejects.toThrow(
      [
        "policies/config/dev.json: invalid policy config (2 problems):",
        '  - "entra-client-secret-expiry".maxLifetimeDays: expected a whole number from 1 to 730, like 365; got 5000',
        '  - "k2-api-admin-consent".k2ApiClientId: expected a GUID like 11111111-2222-3333-4444-555555555555; got \'K2 API\'',
      ].join("\n"),
    );
  });

  it("finds nothing wrong with a correct Bearer Token resource (Analyze)", async () => {
    expect(await pack.session.analyze(bearer())).toEqual([]);
  });

  it("reports each decided problem as mandatory and undecidable checks (preview unknowns) as one advisory per policy", async () => {
    const findings = await pack.session.analyze(
      bearer({ tokenEndpoint: UNKNOWN, metadataEndpoint: `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`, parameters: { audience: UNKNOWN } }),
    );
    const summary = findings.map((f) => [f.policyName, f.level]);
    expect(summary).toEqual([
      ["k2-bearer-token-v1-endpoints", "mandatory"],
      ["k2-bearer-token-v1-endpoints", "advisory"],
      ["k2-bearer-token-audience", "advisory"],
    ]);
    expect(findings[0].message).toContain("metadataEndpoint is a v2.0 endpoint");
    expect(findings[1].message).toMatch(/^can't run policy 'k2-bearer-token-v1-endpoints' from policy pack 'k2-oauth@v[\d.]+' during preview: undecided until the values are known \(pulumi up checks them again\): tokenEndpoint/);
    expect(findings[2].message).toContain("parameters.audience");
  });

  it("rewrites nothing (no rule remediates: Check rejects v2.0 endpoints first); v2.0 endpoints are a mandatory violation", async () => {
    const input = bearer({
      authorizationEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize`,
      tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
    });
    expect(await pack.session.remediate(input)).toEqual([]);
    const findings = await pack.session.analyze(input);
    expect(findings.map((f) => [f.policyName, f.level])).toEqual([
      ["k2-bearer-token-v1-endpoints", "mandatory"],
      ["k2-bearer-token-v1-endpoints", "mandatory"],
    ]);
    expect(findings.map((f) => f.message.split("\n").pop())).toEqual([
      `authorizationEndpoint is a v2.0 endpoint (https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize); K2 needs the v1 form https://login.microsoftonline.com/${TENANT}/oauth2/authorize`,
      `tokenEndpoint is a v2.0 endpoint (https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token); K2 needs the v1 form https://login.microsoftonline.com/${TENANT}/oauth2/token`,
    ]);
  });

  it("a stale config that still asks `remediate` for the endpoint rule: nothing is rewritten, the violation is mandatory", async () => {
    const stale = await startPolicyPack({ packDir: PACK_DIR, stack: "dev", project: "k2-oauth", timeoutMs: PACK_START_TIMEOUT_MS });
    try {
      await stale.configure({ "k2-bearer-token-v1-endpoints": { enforcementLevel: "remediate" } });
      const input = bearer({ tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token` });
      expect(await stale.remediate(input)).toEqual([]);
      expect((await stale.analyze(input)).map((f) => [f.policyName, f.level])).toEqual([["k2-bearer-token-v1-endpoints", "mandatory"]]);
    } finally {
      await stale.close();
    }
  }, PACK_START_TIMEOUT_MS);

  it("analyzes the stack (AnalyzeStack): a client without tenant-wide consent is a mandatory violation on its app", async () => {
    const app = applicationProps("pa");
    const resources = [
      resource(contracts.TYPE_AZUREAD_APPLICATION, "pa-app", app),
      resource(contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL, "pa-sp", { clientId: app.clientId, objectId: guidFor("pa/sp") }),
      resource(contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT, "pa-consent", {
        servicePrincipalObjectId: guidFor("pa/sp"),
        resourceServicePrincipalObjectId: K2_API_SP_OBJECT_ID,
        claimValues: ["openid"],
      }),
      resource(contracts.TYPE_AZUREAD_APPLICATION_PASSWORD, "pa-secret-a", {
        applicationId: `/applications/${String(app.objectId)}`,
        startDate: new Date(Date.now() - 40 * 86_400_000).toISOString(),
        endDate: new Date(Date.now() + 100 * 86_400_000).toISOString(),
        value: secret(SECRET_MARKER),
      }),
    ];
    const findings = await pack.session.analyzeStack(resources);
    const mandatory = findings.filter((f) => f.level === "mandatory");
    expect(mandatory).toEqual([
      expect.objectContaining({ policyName: "k2-api-admin-consent", urn: resources[0].urn, message: expect.stringContaining("pa-consent grants openid, not the scope 'user_impersonation'") }),
    ]);
    // Fixed grant: nothing mandatory left.
    resources[2].properties.claimValues = ["user_impersonation"];
    expect((await pack.session.analyzeStack(resources)).filter((f) => f.level === "mandatory")).toEqual([]);
  });

  it("links resources through propertyDependencies when preview values are unknown", async () => {
    const app = applicationProps("pa", { clientId: UNKNOWN, objectId: UNKNOWN });
    const appRes = resource(contracts.TYPE_AZUREAD_APPLICATION, "pa-app", app);
    const sp = resource(contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL, "pa-sp", { clientId: UNKNOWN, objectId: UNKNOWN }, { propertyDependencies: { clientId: [appRes.urn] }, dependencies: [appRes.urn] });
    const grant = resource(
      contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
      "pa-consent",
      { servicePrincipalObjectId: UNKNOWN, resourceServicePrincipalObjectId: K2_API_SP_OBJECT_ID, claimValues: ["user_impersonation"] },
      { propertyDependencies: { servicePrincipalObjectId: [sp.urn] }, dependencies: [sp.urn] },
    );
    const findings = await pack.session.analyzeStack([appRes, sp, grant]);
    expect(findings.filter((f) => f.policyName === "k2-api-admin-consent")).toEqual([]);
    const blind = await pack.session.analyzeStack([appRes, { ...sp, propertyDependencies: {}, dependencies: [] }, grant]);
    expect(blind.filter((f) => f.policyName === "k2-api-admin-consent").map((f) => f.level)).toEqual(["advisory"]);
  });

  it("never lets a secret value reach findings, errors or logs", async () => {
    const everything = [
      ...(await pack.session.analyze(bearer({ tokenEndpoint: "https://login.microsoftonline.com/common/oauth2/v2.0/token" }))),
      ...(await pack.session.analyze(
        resource(contracts.TYPE_KEYVAULT_SECRET, "kv", {
          vaultName: "kv",
          properties: { value: SECRET_MARKER, contentType: contracts.CLIENT_SECRET_CONTENT_TYPE, attributes: { enabled: true } },
        }, { secretPaths: ["properties.value"] }),
      )),
    ];
    expect(everything.length).toBeGreaterThan(0);
    expect(JSON.stringify(everything)).not.toContain(SECRET_MARKER);
    expect(pack.logs.join("\n")).not.toContain(SECRET_MARKER);
    const bad = pack.session.analyze(resource("x:y:Z", "bad", { when: new Date(), token: SECRET_MARKER }));
    await expect(bad).rejects.toThrow("property when: expected plain JSON data, got an instance of Date");
    await bad.catch((e: Error) => expect(e.message).not.toContain(SECRET_MARKER));
  });
});
