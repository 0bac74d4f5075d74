/**
 * verify's outbound check: per K2 OAuth resource of `k2-oauth:outbound`, read from the K2 double through the K2
 * management transport: exists with the declared endpoints and parameters, a value changed in K2 Management, a
 * missing resource, K2 Cloud (nothing to read) and no admin password (undecided). The client secret is never compared
 * nor printed: K2 returns it masked.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkOutboundResources } from "../../cli/verify/outbound";
import { checkSecrets } from "../../cli/verify/secrets";
import type { StackOutputs } from "../../cli/verify/outputs";
import { validateStackConfig, type StackConfig } from "../../components/config";
import { makeOAuthResourceProvider, type OAuthResourceInputs } from "../../components/k2/oauthResourceProvider";
import { DEFAULT_SMARTOBJECT_MAPPING } from "../../components/k2/mapping";
import { outboundResourceFields } from "../../components/outbound";
import { v1Endpoints } from "../../components/entra";
import { startK2SmartObjectDouble, type K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";

const TENANT = "11111111-2222-3333-4444-555555555555";
const CLIENT_ID = "44444444-5555-6666-7777-888888888888";
const SECRET = "Verify~Outbound.Secret_0123456789";
let double: K2SmartObjectDouble;
beforeEach(async () => {
  double = await startK2SmartObjectDouble();
});
afterEach(async () => {
  await double.close();
});

function config(edition: "five" | "cloud" = "five"): StackConfig {
  return validateStackConfig({
    tenantId: TENANT,
    k2Api: { clientId: "22222222-3333-4444-5555-666666666666" },
    k2:
      edition === "five"
        ? { url: "https://k2.contoso.com", admin: { username: double.username, password: "x" }, smartObjectServices: { url: "https://placeholder.invalid/SmartObjectServices" } }
        : { url: "https://contoso.onk2.com", edition: "cloud" },
    clients: [{ name: "c", displayName: "C" }],
    outbound: { app: { displayName: "K2 outbound" }, resources: [{ name: "Microsoft Graph", audience: "https://graph.microsoft.com", permissions: ["User.Read"] }] },
  });
}

/** The stack's config pointed at the double (an http URL on 127.0.0.1, which the config itself would refuse). */
function atDouble(cfg: StackConfig): StackConfig {
  return { ...cfg, k2: { ...cfg.k2, smartObjectServices: { url: double.serviceUrl } } };
}

const outputs: StackOutputs = { file: "outputs.json", tenantId: TENANT, clients: {}, outbound: { name: "k2-outbound", clientId: CLIENT_ID, secrets: [] } };

/** Deploys the resource as the stack would: through the provider, with the declared values. */
async function deploy(cfg: StackConfig): Promise<void> {
  const resource = cfg.outbound!.resources[0];
  const fields = outboundResourceFields(resource, v1Endpoints(cfg.cloud, cfg.tenantId), { clientId: CLIENT_ID, redirectUri: cfg.outbound!.app.redirectUri });
  const inputs: OAuthResourceInputs = {
    k2Url: cfg.k2.url,
    resourceName: fields.resourceName,
    resourceType: fields.resourceType,
    authorizationEndpoint: fields.authorizationEndpoint,
    tokenEndpoint: fields.tokenEndpoint,
    refreshTokenEndpoint: fields.refreshTokenEndpoint,
    metadataEndpoint: fields.metadataEndpoint,
    useHostServerAuthorizationEndpoint: false,
    parameters: fields.parameters,
    secretLegs: fields.secretLegs,
    clientSecret: SECRET,
    credentials: { username: double.username, password: double.password },
    management: { transport: "smartobject-rest", serviceUrl: double.serviceUrl, mapping: DEFAULT_SMARTOBJECT_MAPPING },
  };
  await makeOAuthResourceProvider().create(inputs);
}

describe("verify: outbound K2 OAuth resources", () => {
  it("passes for a deployed resource, saying the client secret is not compared", async () => {
    const cfg = atDouble(config());
    await deploy(cfg);
    const checks = await checkOutboundResources(cfg, outputs, { root: process.cwd(), adminPassword: double.password });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ id: "k2-outbound-resource", title: "K2 OAuth resource 'Microsoft Graph' (outbound)", status: "pass" });
    expect(checks[0].detail).toBe(
      `exists with the declared endpoints and parameters (id ${double.resources()[0].id}; client_secret set; not compared (K2 returned it masked, and verify does not read the secret))`,
    );
    expect(JSON.stringify(checks)).not.toContain(SECRET);
  });

  it("fails naming each difference when K2 Management changed the resource", async () => {
    const cfg = atDouble(config());
    await deploy(cfg);
    double.management.editResource("Microsoft Graph", { refreshTokenEndpoint: "" });
    double.management.setParameter("Microsoft Graph", "resource", "https://graph.microsoft.us");
    const [check] = await checkOutboundResources(cfg, outputs, { root: process.cwd(), adminPassword: double.password });
    expect(check.status).toBe("fail");
    expect(check.detail).toBe("refreshTokenEndpoint: K2 has ''; parameter 'resource' (token): K2 has 'https://graph.microsoft.us', declared 'https://graph.microsoft.com'");
    expect(check.fix).toBe("run `pulumi up` for this stack (it puts the declared values back)");
  });

  it("reports a failed read of one resource's parameters as that resource's failed check, and goes on with the next", async () => {
    const base = config();
    const two = validateStackConfig({
      tenantId: TENANT,
      k2Api: { clientId: "22222222-3333-4444-5555-666666666666" },
      k2: { url: "https://k2.contoso.com", admin: { username: double.username, password: "x" } },
      clients: [{ name: "c", displayName: "C" }],
      outbound: {
        app: { displayName: "K2 outbound" },
        resources: [
          { name: "Microsoft Graph", audience: "https://graph.microsoft.com", permissions: ["User.Read"] },
          { name: "Graph files", audience: "https://graph.microsoft.com", permissions: ["Files.Read.All"] },
        ],
      },
    });
    const cfg = atDouble({ ...base, outbound: two.outbound });
    await deploy(cfg);
    // The parameter list of the first resource fails for good (a 400 is not retried); the second resource is not deployed.
    double.inject({ kind: "status", status: 400, times: 1, body: "Bad Request", match: { operation: "list", target: "parameter" } });
    const checks = await checkOutboundResources(cfg, outputs, { root: process.cwd(), adminPassword: double.password });
    expect(checks.map((c) => [c.title, c.status])).toEqual([
      ["K2 OAuth resource 'Microsoft Graph' (outbound)", "fail"],
      ["K2 OAuth resource 'Graph files' (outbound)", "fail"],
    ]);
    expect(checks[0].detail).toMatch(/^K2 could not be read: .*400/);
    expect(checks[1].detail).toBe("does not exist in K2");
  });

  it("fails for a resource that does not exist", async () => {
    const [check] = await checkOutboundResources(atDouble(config()), outputs, { root: process.cwd(), adminPassword: double.password });
    expect([check.status, check.detail]).toEqual(["fail", "does not exist in K2"]);
  });

  it("is undecided without the K2 admin password, and skipped on K2 Cloud", async () => {
    const [noPassword] = await checkOutboundResources(atDouble(config()), outputs, { root: process.cwd(), adminPassword: undefined });
    expect([noPassword.status, noPassword.fix]).toEqual(["undecided", "set K2_ADMIN_PASSWORD and run verify again"]);
    const [cloud] = await checkOutboundResources(config("cloud"), outputs, { root: process.cwd(), adminPassword: double.password });
    expect([cloud.status, cloud.detail]).toEqual(["skip", "K2 Cloud: entered by hand in K2 Management; compare it with the stack output outbound.k2Resources"]);
    expect(double.requests).toEqual([]);
  });
});

describe("verify: the outbound app's secrets", () => {
  it("reports the days left of the outbound app's deployed secrets from outputs.outbound, beside a client's from the schedule", () => {
    const cfg = validateStackConfig({
      tenantId: TENANT,
      k2Api: { clientId: "22222222-3333-4444-5555-666666666666" },
      k2: { url: "https://contoso.onk2.com", edition: "cloud" },
      clients: [{ name: "c", displayName: "C", secret: { lifetimeDays: 180, rotateAfterDays: 150, startDate: "2026-11-01" } }],
      outbound: { app: { displayName: "K2 outbound" }, resources: [{ name: "Microsoft Graph", audience: "https://graph.microsoft.com", permissions: ["User.Read"] }] },
    });
    const now = new Date(Date.UTC(2026, 10, 29));
    const deployed: StackOutputs = {
      file: "outputs.json",
      tenantId: TENANT,
      clients: {},
      outbound: { name: "k2-outbound", clientId: CLIENT_ID, secrets: [{ slot: "b", generation: 4, keyId: "key-4", current: true, startDate: new Date(Date.UTC(2026, 5, 22)), endDate: new Date(Date.UTC(2026, 11, 19)) }] },
    };
    const { secrets } = checkSecrets([...cfg.clients, cfg.outbound!.app], deployed, now);
    expect(secrets).toEqual([
      { client: "c", slot: "a", current: true, endDate: "2027-04-30T00:00:00Z", daysLeft: 152, source: "schedule" },
      { client: "k2-outbound", slot: "b", current: true, endDate: "2026-12-19T00:00:00Z", daysLeft: 20, source: "outputs" },
    ]);
  });
});
