/**
 * The real pack (policies/) end to end over the CrossGuard analyzer protocol, started once for this file the way the
 * Pulumi CLI starts it: GetAnalyzerInfo, Configure (the pack's own check of the whole payload), Analyze (resources on
 * their own), AnalyzeStack (the stack, with this project's components), Remediate.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicyConfigFile, PolicyConfigError, resourceUrn, secret, startPolicyPack, UNKNOWN, type AnalyzerResource, type PolicyPackConfig } from "../../cli/analyzer";
import { isoDay } from "../../policies/lib/dates";
import { POLICIES, POLICY_PACK_NAME } from "../../policies/registry";
import { applicationProps, bearerTokenProps, clientApp, contracts, guidFor, inboundOAuth, K2_API_SP_OBJECT_ID, OTHER_TENANT, TENANT } from "./helpers/fixtures";
import { PACK_DIR, PACK_START_TIMEOUT_MS, usePolicyPack } from "./helpers/usePolicyPack";

const SECRET_MARKER = "Sup3r-S3cret-Value-7f1c";
const DEV_CONFIG = path.join(PACK_DIR, "config", "dev.json");
const DAY = 86_400_000;

const pack = usePolicyPack({ setup: (session) => session.configure(loadPolicyConfigFile(DEV_CONFIG)) });

function resource(type: string, name: string, properties: Record<string, unknown>, extra: Partial<AnalyzerResource> & { parentType?: string[] } = {}): AnalyzerResource {
  const { parentType, ...rest } = extra;
  return { urn: resourceUrn({ stack: "dev", project: "k2-oauth", type, name, ...(parentType ? { parentType: parentType.join("$") } : {}) }), type, name, properties, ...rest };
}

const bearer = (overrides: Record<string, unknown> = {}) =>
  resource(contracts.TYPE_BEARER_TOKEN_RESOURCE, "k2-bearer-token", {
    ...bearerTokenProps(overrides),
    credentials: secret({ username: "EXAMPLE\\svc-k2", password: SECRET_MARKER }),
  });

/** InboundOAuth, one ClientApp and its Application, as the program declares them (parents by URN). */
function managedClient(appOverrides: Record<string, unknown> = {}): AnalyzerResource[] {
  const inbound = inboundOAuth();
  const inboundRes = resource(inbound.type, inbound.name, inbound.props);
  const client = clientApp("pa", 0);
  const clientRes = resource(client.type, client.name, client.props, { parentType: [contracts.TYPE_INBOUND_OAUTH], parent: inboundRes.urn });
  const app = resource(contracts.TYPE_AZUREAD_APPLICATION, "pa-app", applicationProps("pa", appOverrides), {
    parentType: [contracts.TYPE_INBOUND_OAUTH, contracts.TYPE_CLIENT_APP],
    parent: clientRes.urn,
  });
  return [inboundRes, clientRes, app];
}

async function refused(config: PolicyPackConfig): Promise<string> {
  const e = await pack.session.configure(config, "policies/config/dev.json").then(
    () => new Error("the configuration was accepted"),
    (err: unknown) => err as Error,
  );
  expect(e).toBeInstanceOf(PolicyConfigError);
  return e.message;
}

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
      expect(p.configSchema?.properties.exemptions, p.name).toMatchObject({ type: "array" });
      // Nothing the CLI's schema check would word with a raw regex or "Additional property x is not allowed".
      expect(JSON.stringify(p.configSchema?.properties), p.name).not.toMatch(/"(pattern|minLength|additionalProperties|required|format)"/);
    }
    const byName = Object.fromEntries(info.policies.map((p) => [p.name, p]));
    expect(byName["k2-bearer-token-v1-endpoints"]).toMatchObject({ enforcementLevel: "mandatory", policyType: "resource", severity: "critical" });
    expect(Object.keys(byName["k2-bearer-token-v1-endpoints"].configSchema!.properties).sort()).toEqual(["cloud", "exemptions", "tenantId"]);
    expect(byName["k2-bearer-token-audience"].configSchema!.properties.audience).not.toHaveProperty("default");
    expect(byName["entra-client-secret-expiry"].configSchema!.properties.maxLifetime).toMatchObject({ type: "string", default: "P180D" });
    expect(byName["entra-client-secret-expiry-advisory"]).toMatchObject({ enforcementLevel: "advisory", policyType: "stack" });
    expect(byName["entra-client-secret-rotation-overlap"]).toMatchObject({ enforcementLevel: "mandatory", policyType: "stack" });
    expect(byName["entra-app-prefer-certificate"]).toMatchObject({ enforcementLevel: "disabled" });
    expect(byName["entra-app-owners"].configSchema!.properties.minOwners).toMatchObject({ default: 1 });
    expect(Object.keys(byName["k2-api-admin-consent"].configSchema!.properties).sort()).toEqual(["exemptions", "k2ApiClientId", "k2ApiServicePrincipalObjectId", "scope"]);
  });

  it("surfaces the pack's log lines through the engine server", () => {
    expect(pack.logs.some((l) => l.startsWith("debug: Running program"))).toBe(true);
  });

  it("refuses at Configure a misspelled setting, a name it does not have, settings under 'all' and disagreeing warning windows", async () => {
    expect(
      await refused({
        "entra-client-secret-expiry": { maxLifetimeDay: "P90D" },
        "entra-app-ownrs": { enforcementLevel: "mandatory", minOwners: 2 },
        all: { enforcementLevel: "mandatory", warnDays: 1 },
        "entra-client-secret-expiry-advisory": { warnDays: 45 },
      }),
    ).toBe(
      [
        "policies/config/dev.json: invalid policy config (4 problems):",
        '  - "all": sets only the enforcement level of every policy; move warnDays under the policy it belongs to',
        '  - "entra-app-ownrs": is not a policy of k2-oauth; did you mean entra-app-owners?',
        '  - "entra-client-secret-expiry".maxLifetimeDay: unknown setting; did you mean maxLifetime?',
        '  - "entra-client-secret-rotation-overlap".warnDays: expected the same value as "entra-client-secret-expiry-advisory".warnDays (45): the rotation rule requires each rotation to leave the previous secret valid through the advisory\'s warning window; got 30',
      ].join("\n"),
    );
  });

  it("refuses values the schema cannot judge: a lifetime above P730D, an exemption more than a year ahead", async () => {
    const tooLate = isoDay(new Date(Date.now() + 400 * DAY));
    const message = await refused({
      "entra-client-secret-expiry": { maxLifetime: "P1000D" },
      "entra-app-owners": { exemptions: [{ resource: "pa-app", reason: "owners being hired", expires: tooLate }] },
    });
    expect(message.split("\n")).toEqual([
      "policies/config/dev.json: invalid policy config (2 problems):",
      expect.stringMatching(new RegExp(`^  - "entra-app-owners"\\.exemptions\\[0\\]\\.expires: expected a day at most one year ahead \\(\\d{4}-\\d{2}-\\d{2} or earlier\\).*; got '${tooLate}'$`)),
      "  - \"entra-client-secret-expiry\".maxLifetime: expected an ISO 8601 duration in days like P180D, at most P730D (Entra ID's 24-month cap for client secrets); got 'P1000D'",
    ]);
  });

  it("refuses what the CLI's schema check refuses (a wrong type), in this project's words", async () => {
    expect(await refused({ "entra-client-secret-expiry": { maxLifetime: 180 } })).toBe(
      ['policies/config/dev.json: invalid policy config (1 problem):', '  - "entra-client-secret-expiry".maxLifetime: expected a text value, like P180D; got 180'].join("\n"),
    );
  });

  it("refuses at Configure, in its own words, the values whose pattern it does not report to the CLI", async () => {
    expect(
      await refused({
        "entra-client-secret-expiry": { maxLifetime: "180 days" },
        "k2-api-admin-consent": { k2ApiClientId: "K2 API" },
        "entra-app-least-privilege": { allowedScopes: ["graph:Mail.Read"] },
        "entra-app-owners": { exemptions: [{ resource: "pa-app", reason: "hiring", expires: "2027-3-1", note: "x" }] },
      }),
    ).toBe(
      [
        "policies/config/dev.json: invalid policy config (5 problems):",
        '  - "entra-app-least-privilege".allowedScopes[0]: expected one allowed delegated scope: "k2", "graph:<scope>" (openid, profile, email, offline_access, User.Read) or "<API application id>/<scope id>", like graph:openid; got \'graph:Mail.Read\'',
        '  - "entra-app-owners".exemptions[0].expires: expected a UTC day written YYYY-MM-DD, at most one year ahead, like 2027-03-31; got \'2027-3-1\'',
        '  - "entra-app-owners".exemptions[0].note: unknown field; expected an exemption: a mapping with resource, reason and expires, like { "resource": "power-automate-app", "reason": "vendor fix due in March", "expires": "2027-03-31" }',
        "  - \"entra-client-secret-expiry\".maxLifetime: expected an ISO 8601 duration in days like P180D, at most P730D (Entra ID's 24-month cap for client secrets); got '180 days'",
        "  - \"k2-api-admin-consent\".k2ApiClientId: expected a GUID like 11111111-2222-3333-4444-555555555555; got 'K2 API'",
      ].join("\n"),
    );
  });

  it("keeps the previous config after a refusal, and applies pins: a Bearer Token resource for another tenant (Analyze)", async () => {
    const otherTenant = bearer({
      authorizationEndpoint: `https://login.microsoftonline.com/${OTHER_TENANT}/oauth2/authorize`,
      tokenEndpoint: `https://login.microsoftonline.com/${OTHER_TENANT}/oauth2/token`,
      metadataEndpoint: `https://login.microsoftonline.com/${OTHER_TENANT}/.well-known/openid-configuration`,
    });
    expect(await pack.session.analyze(otherTenant)).toEqual([]);
    await pack.session.configure({ "k2-bearer-token-v1-endpoints": { tenantId: TENANT, cloud: "public" } });
    const findings = await pack.session.analyze(otherTenant);
    expect(findings).toHaveLength(3);
    for (const f of findings) {
      expect(f).toMatchObject({ policyName: "k2-bearer-token-v1-endpoints", policyPackName: POLICY_PACK_NAME, level: "mandatory", urn: otherTenant.urn });
      expect(f.message.split("\n")[1]).toMatch(new RegExp(`^\\w+ names another tenant than the one expected \\(expected: the policy config's tenantId ${TENANT}\\)$`));
    }
    await pack.session.configure(loadPolicyConfigFile(DEV_CONFIG));
  });

  it("finds nothing wrong with a correct Bearer Token resource (Analyze)", async () => {
    expect(await pack.session.analyze(bearer())).toEqual([]);
  });

  it("reports each decided problem as mandatory and undecidable checks (preview unknowns) as one advisory per policy", async () => {
    const findings = await pack.session.analyze(
      bearer({ tokenEndpoint: UNKNOWN, metadataEndpoint: `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`, parameters: { audience: UNKNOWN } }),
    );
    expect(findings.map((f) => [f.policyName, f.level])).toEqual([
      ["k2-bearer-token-v1-endpoints", "mandatory"],
      ["k2-bearer-token-v1-endpoints", "advisory"],
      ["k2-bearer-token-audience", "advisory"],
    ]);
    expect(findings[0].message).toContain("metadataEndpoint is a v2.0 endpoint");
    expect(findings[1].message).toMatch(/^can't run policy 'k2-bearer-token-v1-endpoints' from policy pack 'k2-oauth@v[\d.]+' during preview: undecided until the values are known \(pulumi up checks them again\): tokenEndpoint/);
    expect(findings[2].message).toContain("parameters.audience");
  });

  it("rewrites nothing (no rule remediates: Check rejects v2.0 endpoints first); v2.0 endpoints are a mandatory violation", async () => {
    const input = bearer({ authorizationEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize`, tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token` });
    expect(await pack.session.remediate(input)).toEqual([]);
    const findings = await pack.session.analyze(input);
    expect(findings.map((f) => [f.policyName, f.level, f.message.split("\n").pop()])).toEqual([
      ["k2-bearer-token-v1-endpoints", "mandatory", "authorizationEndpoint is a v2.0 endpoint; K2 needs the v1 form https://<login host>/{tenantId}/oauth2/authorize (remove the v2.0 segment)"],
      ["k2-bearer-token-v1-endpoints", "mandatory", "tokenEndpoint is a v2.0 endpoint; K2 needs the v1 form https://<login host>/{tenantId}/oauth2/token (remove the v2.0 segment)"],
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

  it("checks a resource of this project's components in Analyze, before the engine creates it (pulumi up --skip-preview), naming the client; AnalyzeStack does not repeat it", async () => {
    const [inbound, client, app] = managedClient({
      signInAudience: "AzureADMultipleOrgs",
      web: { redirectUris: ["https://pa.azurewebsites.net/signin"], implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: true } },
    });
    const findings = (await pack.session.analyze(app)).filter((f) => f.policyName.startsWith("entra-app-"));
    expect(findings.map((f) => [f.policyName, f.level, f.urn, f.message.split("\n")[1]])).toEqual([
      [
        "entra-app-redirect-uris",
        "mandatory",
        app.urn,
        "web.redirectUris[0] (Web) is on the shared hosting domain *.azurewebsites.net, where a released name can be claimed by another Azure customer and receive the authorization codes (subdomain takeover); use a custom domain you own; change redirectUris[0] of the client named pa in k2-oauth:clients",
      ],
      [
        "entra-app-implicit-grant",
        "mandatory",
        app.urn,
        "web.implicitGrant.idTokenIssuanceEnabled is on: ID tokens would be issued through the implicit grant; set it to false; change implicitGrant.idTokens of the client named pa in k2-oauth:clients",
      ],
      [
        "entra-app-single-tenant",
        "advisory",
        app.urn,
        "signInAudience is not AzureADMyOrg: users of other tenants (or personal Microsoft accounts) can sign in; use AzureADMyOrg; change signInAudience of the client named pa in k2-oauth:clients",
      ],
    ]);
    expect((await pack.session.analyzeStack([inbound, client, app])).filter((f) => f.urn === app.urn && f.policyName.startsWith("entra-app-"))).toEqual([]);
  });

  it("reports an exempted finding as advisory until its day, and the expired exemption after it", async () => {
    const resources = managedClient({ web: { redirectUris: ["https://pa.azurewebsites.net/signin"], implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } } });
    const app = resources[2];
    const redirect = (findings: Awaited<ReturnType<typeof pack.session.analyzeStack>>) => findings.filter((f) => f.policyName === "entra-app-redirect-uris").map((f) => [f.level, f.urn, f.message.split("\n")[1]]);
    const today = isoDay(new Date());
    try {
      await pack.session.configure({ ...loadPolicyConfigFile(DEV_CONFIG), "entra-app-redirect-uris": { exemptions: [{ resource: "pa-app", reason: "custom domain ordered", expires: today }] } });
      expect(redirect(await pack.session.analyze(app))).toEqual([["advisory", app.urn, expect.stringMatching(new RegExp(`^exempted until ${today}: custom domain ordered\\. The finding: web\\.redirectUris\\[0\\] \\(Web\\) is on the shared hosting domain`))]]);
      expect(redirect(await pack.session.analyzeStack(resources))).toEqual([]);
      const yesterday = isoDay(new Date(Date.now() - DAY));
      await pack.session.configure({ ...loadPolicyConfigFile(DEV_CONFIG), "entra-app-redirect-uris": { exemptions: [{ resource: app.urn, reason: "custom domain ordered", expires: yesterday }] } });
      expect(redirect(await pack.session.analyze(app))).toEqual([["mandatory", app.urn, expect.stringMatching(/^web\.redirectUris\[0\] \(Web\) is on the shared hosting domain/)]]);
      expect(redirect(await pack.session.analyzeStack(resources))).toEqual([
        ["advisory", app.urn, `the exemption for "${app.urn}" expired on ${yesterday} (custom domain ordered): its findings are reported again; renew it with a new expires day or remove it`],
      ]);
    } finally {
      await pack.session.configure(loadPolicyConfigFile(DEV_CONFIG));
    }
  });

  it("applies every setting of the new rules over the protocol, each finding naming the client's config key", async () => {
    const inbound = inboundOAuth();
    const inboundRes = resource(inbound.type, inbound.name, inbound.props);
    const client = clientApp("pa", 3, { secret: { lifetimeDays: 180, rotateAfterDays: 160 } });
    const clientRes = resource(client.type, client.name, client.props, { parentType: [contracts.TYPE_INBOUND_OAUTH], parent: inboundRes.urn });
    const under = { parentType: [contracts.TYPE_INBOUND_OAUTH, contracts.TYPE_CLIENT_APP], parent: clientRes.urn };
    const MAIL_READ = "570282fd-fa5c-430d-a7fd-fc8dc98a9dca";
    const app = applicationProps("pa", {
      web: { redirectUris: ["http://localhost:5000/signin"], implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } },
      requiredResourceAccesses: [...(applicationProps("pa").requiredResourceAccesses as unknown[]), { resourceAppId: "00000003-0000-0000-c000-000000000000", resourceAccesses: [{ id: MAIL_READ, type: "Scope" }] }],
    });
    const day = (d: number) => new Date(Date.now() + d * DAY).toISOString().replace(/\.\d{3}Z$/, "Z");
    const password = (name: string, start: number, end: number) =>
      resource(contracts.TYPE_AZUREAD_APPLICATION_PASSWORD, name, { applicationId: `/applications/${String(app.objectId)}`, startDate: day(start), endDate: day(end) }, under);
    const stack = [
      inboundRes,
      clientRes,
      resource(contracts.TYPE_AZUREAD_APPLICATION, "pa-app", app, under),
      resource(contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL, "pa-sp", { clientId: app.clientId, objectId: guidFor("pa/sp") }, under),
      resource(contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT, "pa-consent", { servicePrincipalObjectId: guidFor("pa/sp"), resourceServicePrincipalObjectId: K2_API_SP_OBJECT_ID, claimValues: ["user_impersonation"] }, under),
      password("pa-secret-a", -10, 110),
      password("pa-secret-b", -170, 5),
      resource(contracts.TYPE_KEYVAULT_SECRET, "pa-secret-kv", { properties: { value: secret(SECRET_MARKER), attributes: { enabled: true } }, tags: { [contracts.TAG_CLIENT]: "pa" } }, under),
    ];
    const run = async (config: PolicyPackConfig) => {
      await pack.session.configure(config);
      // As `pulumi up` runs the pack: Analyze on each resource before its step, then AnalyzeStack.
      const findings = [];
      for (const r of stack) findings.push(...(await pack.session.analyze(r)));
      findings.push(...(await pack.session.analyzeStack(stack)));
      return findings.map((f) => `${f.level} ${f.policyName} ${f.urn?.split("::").pop()}: ${f.message.split("\n")[1]}`).sort();
    };
    try {
      const strict = await run({
        "entra-client-secret-expiry": { maxLifetime: "P90D" },
        "entra-app-owners": { minOwners: 2 },
        "entra-app-prefer-certificate": { enforcementLevel: "advisory" },
        "keyvault-secret-expiry-matches-entra": { enforcementLevel: "disabled" },
      });
      expect(strict).toEqual(
        [
          "mandatory entra-client-secret-expiry pa-secret-a: the client secret lives 120 days (from its startDate to its endDate), longer than maxLifetime P90D allows; change secret.lifetimeDays of the client named pa in k2-oauth:clients",
          "mandatory entra-client-secret-expiry pa-secret-b: the client secret lives 175 days (from its startDate to its endDate), longer than maxLifetime P90D allows; change secret.lifetimeDays of the client named pa in k2-oauth:clients",
          "mandatory entra-client-secret-rotation-overlap pa-app: pa-app: each rotation leaves the previous secret valid 20 days (lifetimeDays 180 - rotateAfterDays 160), less than the 30-day warning window, so the expiry advisory would fire before every rotation; set rotateAfterDays to at most 150 (k2-oauth:clients[3].secret.rotateAfterDays)",
          "mandatory entra-app-redirect-uris pa-app: web.redirectUris[0] (Web) points to localhost or a loopback address, which belongs in a development app registration (allowLoopback), not in this stack; change redirectUris[0] of the client named pa in k2-oauth:clients",
          "mandatory entra-app-owners pa-app: pa-app has 1 owner, fewer than minOwners 2; add owner object ids to its owners or declare ApplicationOwner resources; change k2-oauth:clients[3].owners",
          'mandatory entra-app-least-privilege pa-app: pa-app: requiredResourceAccesses[1].resourceAccesses[0] requests a delegated scope the policy\'s allowedScopes does not list; remove it, or add it to allowedScopes as "<API application id>/<scope id>" if the client needs it; change k2-oauth:clients[3].requiredResourceAccess[0].resourceAccess[0]',
          "advisory entra-app-prefer-certificate pa-secret-a: the app authenticates with a client secret, a shared secret that can be copied; prefer a certificate or a federated identity credential",
          "advisory entra-app-prefer-certificate pa-secret-b: the app authenticates with a client secret, a shared secret that can be copied; prefer a certificate or a federated identity credential",
          "mandatory keyvault-secret-expires pa-secret-kv: properties.attributes.expires is not set: the secret would look valid forever; set it (epoch seconds; for a client secret copy, the secret's endDate)",
          "mandatory keyvault-client-secret-content-type pa-secret-kv: properties.contentType is not set; set it to application/x-entra-client-secret so the vault says what the value is",
        ].sort(),
      );
      const relaxed = await run({
        "entra-client-secret-expiry": { maxLifetime: "P180D" },
        "entra-client-secret-expiry-advisory": { warnDays: 20 },
        "entra-client-secret-rotation-overlap": { warnDays: 20 },
        "entra-app-redirect-uris": { allowLoopback: true },
        "entra-app-least-privilege": { allowedScopes: ["k2", `00000003-0000-0000-c000-000000000000/${MAIL_READ}`] },
        "keyvault-secret-expires": { exemptions: [{ resource: "pa-secret-kv", reason: "expiry set by the rotation job", expires: isoDay(new Date(Date.now() + 30 * DAY)) }] },
        "keyvault-client-secret-content-type": { enforcementLevel: "disabled" },
        "keyvault-secret-expiry-matches-entra": { enforcementLevel: "disabled" },
      });
      expect(relaxed).toEqual([
        expect.stringMatching(/^advisory keyvault-secret-expires pa-secret-kv: exempted until \d{4}-\d{2}-\d{2}: expiry set by the rotation job\. The finding: properties\.attributes\.expires is not set/),
      ]);
      expect(JSON.stringify(strict) + JSON.stringify(relaxed)).not.toContain(SECRET_MARKER);
    } finally {
      await pack.session.configure(loadPolicyConfigFile(DEV_CONFIG));
    }
  });

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
        startDate: new Date(Date.now() - 40 * DAY).toISOString(),
        endDate: new Date(Date.now() + 100 * DAY).toISOString(),
        value: secret(SECRET_MARKER),
      }),
    ];
    const consent = (findings: Awaited<ReturnType<typeof pack.session.analyzeStack>>) => findings.filter((f) => f.level === "mandatory" && f.policyName === "k2-api-admin-consent");
    const mandatory = consent(await pack.session.analyzeStack(resources));
    expect(mandatory).toEqual([expect.objectContaining({ policyName: "k2-api-admin-consent", urn: resources[0].urn, message: expect.stringContaining("pa-consent's claimValues do not include the scope 'user_impersonation'") })]);
    resources[2].properties.claimValues = ["user_impersonation"];
    expect(consent(await pack.session.analyzeStack(resources))).toEqual([]);
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
    expect((await pack.session.analyzeStack([appRes, sp, grant])).filter((f) => f.policyName === "k2-api-admin-consent")).toEqual([]);
    const blind = await pack.session.analyzeStack([appRes, { ...sp, propertyDependencies: {}, dependencies: [] }, grant]);
    expect(blind.filter((f) => f.policyName === "k2-api-admin-consent").map((f) => f.level)).toEqual(["advisory"]);
  });

  it("never lets a secret value reach findings, errors or logs", async () => {
    const everything = [
      ...(await pack.session.analyze(bearer({ tokenEndpoint: "https://login.microsoftonline.com/common/oauth2/v2.0/token" }))),
      ...(await pack.session.analyze(
        resource(contracts.TYPE_KEYVAULT_SECRET, "kv", { vaultName: "kv", properties: { value: SECRET_MARKER, contentType: contracts.CLIENT_SECRET_CONTENT_TYPE, attributes: { enabled: true } } }, { secretPaths: ["properties.value"] }),
      )),
      ...(await pack.session.analyze(
        resource(contracts.TYPE_AZUREAD_APPLICATION, "leaky", applicationProps("leaky", { web: { redirectUris: [`https://x.example.com/cb#${SECRET_MARKER}`] } }), { secretPaths: ["web.redirectUris[0]"] }),
      )),
    ];
    expect(everything.length).toBeGreaterThan(2);
    expect(JSON.stringify(everything)).not.toContain(SECRET_MARKER);
    expect(pack.logs.join("\n")).not.toContain(SECRET_MARKER);
    const bad = pack.session.analyze(resource("x:y:Z", "bad", { when: new Date(), token: SECRET_MARKER }));
    await expect(bad).rejects.toThrow("property when: expected plain JSON data, got an instance of Date");
    await bad.catch((e: Error) => expect(e.message).not.toContain(SECRET_MARKER));
  });
});
