/**
 * The outbound K2 OAuth resource provider (`k2:OAuthResource`) against the K2 double's "Microsoft Online" type:
 * create with the values per request, the client secret moved on rotation (masked, so always written), drift shown by
 * a refresh, adoption of an identical resource, a conflict that never quotes the secret, and faults whose errors never
 * carry the secret (the double echoes request bodies on 400 and the Authorization header when asked).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ParameterLegs } from "../../components/k2/management";
import { DEFAULT_SMARTOBJECT_MAPPING, type SmartObjectMapping } from "../../components/k2/mapping";
import { makeOAuthResourceProvider, type OAuthResourceInputs, type OAuthResourceOutputs } from "../../components/k2/oauthResourceProvider";
import { startK2SmartObjectDouble, type K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";
import { rejection } from "../helpers/thrown";

const TENANT = "11111111-2222-3333-4444-555555555555";
const AUTHORITY = `https://login.microsoftonline.com/${TENANT}`;
const CLIENT_ID = "44444444-5555-6666-7777-888888888888";
const REDIRECT = "https://k2.contoso.com/identity/token/oauth/2";
const GRAPH = "https://graph.microsoft.com";
const SECRET_1 = "Out~bound.Secret-One_1234567890abcdef";
const SECRET_2 = "Out~bound.Secret-Two_fedcba0987654321";

let double: K2SmartObjectDouble;
beforeEach(async () => {
  double = await startK2SmartObjectDouble({ reflectAuthorization: true });
});
afterEach(async () => {
  await double.close();
});

const PARAMETERS: Record<string, ParameterLegs> = {
  client_id: { authorization: CLIENT_ID, token: CLIENT_ID, refresh: CLIENT_ID },
  redirect_uri: { authorization: REDIRECT, token: REDIRECT },
  response_type: { authorization: "code" },
  grant_type: { token: "authorization_code", refresh: "refresh_token" },
  resource: { authorization: GRAPH, token: GRAPH, refresh: GRAPH },
};

function inputs(overrides: Partial<OAuthResourceInputs> = {}, mapping: SmartObjectMapping = DEFAULT_SMARTOBJECT_MAPPING): OAuthResourceInputs {
  return {
    k2Url: "https://k2.contoso.com",
    resourceName: "Microsoft Graph",
    resourceType: "Microsoft Online",
    authorizationEndpoint: `${AUTHORITY}/oauth2/authorize`,
    tokenEndpoint: `${AUTHORITY}/oauth2/token`,
    refreshTokenEndpoint: `${AUTHORITY}/oauth2/token`,
    metadataEndpoint: "",
    useHostServerAuthorizationEndpoint: false,
    parameters: PARAMETERS,
    secretLegs: { client_secret: ["token", "refresh"] },
    clientSecret: SECRET_1,
    credentials: { username: double.username, password: double.password },
    management: { transport: "smartobject-rest", serviceUrl: double.serviceUrl, mapping },
    ...overrides,
  };
}

function provider() {
  const delays: number[] = [];
  return { provider: makeOAuthResourceProvider({ retry: { delay: async (ms: number) => void delays.push(ms) } }), delays };
}

async function create(p: ReturnType<typeof provider>["provider"], i: OAuthResourceInputs) {
  const checked = await p.check!(i, i);
  expect(checked.failures).toEqual([]);
  const result = await p.create(checked.inputs as OAuthResourceInputs);
  return { id: result.id, outs: result.outs as OAuthResourceOutputs };
}

/** Nothing a secret could travel in holds the client secret or the K2 admin password. */
function assertNoSecret(haystack: unknown): void {
  const text = typeof haystack === "string" ? haystack : JSON.stringify(haystack, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v));
  for (const s of [SECRET_1, SECRET_2, double.password, Buffer.from(`${double.username}:${double.password}`).toString("base64")]) {
    expect(text.includes(s), `a secret leaked: ${text.slice(0, 200)}`).toBe(false);
  }
}

describe("OAuthResource provider against the K2 double (Microsoft Online, assumed parameters)", () => {
  it("creates the resource with its endpoints and every request's value, the client secret in the token and refresh values", async () => {
    const { provider: p } = provider();
    const { id, outs } = await create(p, inputs());
    expect(double.resources()).toEqual([
      {
        id,
        name: "Microsoft Graph",
        resourceType: "Microsoft Online",
        authorizationEndpoint: `${AUTHORITY}/oauth2/authorize`,
        tokenEndpoint: `${AUTHORITY}/oauth2/token`,
        refreshTokenEndpoint: `${AUTHORITY}/oauth2/token`,
        metadataEndpoint: "",
        useHostServerAuthorizationEndpoint: false,
      },
    ]);
    const legs = (name: string) => double.parameterLegs("Microsoft Graph", name);
    expect(legs("client_id")).toEqual({ authorization: CLIENT_ID, token: CLIENT_ID, refresh: CLIENT_ID });
    expect(legs("redirect_uri")).toEqual({ authorization: REDIRECT, token: REDIRECT, refresh: "" });
    expect(legs("response_type")).toEqual({ authorization: "code", token: "", refresh: "" });
    expect(legs("grant_type")).toEqual({ authorization: "", token: "authorization_code", refresh: "refresh_token" });
    expect(legs("resource")).toEqual({ authorization: GRAPH, token: GRAPH, refresh: GRAPH });
    expect(legs("client_secret")).toEqual({ authorization: "", token: SECRET_1, refresh: SECRET_1 });
    expect(legs("scope")).toEqual({ authorization: "", token: "", refresh: "" });
    expect(outs.resourceId).toBe(id);
    expect(outs.maskedParameters).toEqual(["client_secret"]);
    // The secret went in request bodies to K2 (that is the point) and nowhere else: not in a URL.
    assertNoSecret(double.requests.map((r) => r.path));
  });

  it("on rotation updates client_secret in place, and only that, although K2 returns it masked", async () => {
    const { provider: p } = provider();
    const { id, outs } = await create(p, inputs());
    const rotated = inputs({ clientSecret: SECRET_2 });
    expect(await p.diff!(id, outs, rotated)).toEqual({ changes: true, replaces: [], stables: [], deleteBeforeReplace: false });
    const before = double.requests.length;
    const { outs: after } = (await p.update!(id, outs, rotated)) as { outs: OAuthResourceOutputs };
    expect(double.parameterLegs("Microsoft Graph", "client_secret")).toEqual({ authorization: "", token: SECRET_2, refresh: SECRET_2 });
    const writes = double.requests.slice(before).filter((r) => r.operation === "update");
    expect(writes.map((r) => r.target)).toEqual(["parameter"]);
    expect(after.clientSecret).toBe(SECRET_2);
    // Unchanged inputs: no change, and a refresh keeps the last written (masked) secret.
    expect((await p.diff!(id, after, rotated)).changes).toBe(false);
    const read = await p.read!(id, after);
    expect(read.props).toEqual(after);
  });

  it("a refresh shows a value edited in K2 Management, and the update puts it back", async () => {
    const { provider: p } = provider();
    const { id, outs } = await create(p, inputs());
    double.management.editResource("Microsoft Graph", { tokenEndpoint: `${AUTHORITY}/oauth2/v2.0/token` });
    double.management.setParameter("Microsoft Graph", "resource", "https://outlook.office365.com");
    const read = (await p.read!(id, outs)).props as OAuthResourceOutputs;
    expect(read.tokenEndpoint).toBe(`${AUTHORITY}/oauth2/v2.0/token`);
    expect(read.parameters.resource).toEqual({ authorization: GRAPH, token: "https://outlook.office365.com", refresh: GRAPH });
    expect((await p.diff!(id, read, inputs())).changes).toBe(true);
    await p.update!(id, read, inputs());
    expect(double.resources()[0].tokenEndpoint).toBe(`${AUTHORITY}/oauth2/token`);
    expect(double.parameterLegs("Microsoft Graph", "resource")).toEqual({ authorization: GRAPH, token: GRAPH, refresh: GRAPH });
  });

  it("adopts an identical resource made by hand (its masked secret set again), creating nothing", async () => {
    const made = double.management.createResource({
      name: "microsoft graph",
      resourceType: "Microsoft Online",
      authorizationEndpoint: `${AUTHORITY}/oauth2/authorize`,
      tokenEndpoint: `${AUTHORITY}/oauth2/token`,
      refreshTokenEndpoint: `${AUTHORITY}/oauth2/token`,
      metadataEndpoint: "",
      useHostServerAuthorizationEndpoint: false,
    });
    double.management.setParameter("microsoft graph", "client_secret", "an older secret");
    const { provider: p } = provider();
    const { id } = await create(p, inputs());
    expect(id).toBe(made.id);
    expect(double.count("create", "resource")).toBe(0);
    expect(double.parameterLegs("microsoft graph", "client_secret")).toEqual({ authorization: "", token: SECRET_1, refresh: SECRET_1 });
  });

  it("refuses a different existing resource, naming the differences without the secret", async () => {
    double.management.createResource(
      {
        name: "Microsoft Graph",
        resourceType: "Microsoft Online",
        authorizationEndpoint: `${AUTHORITY}/oauth2/v2.0/authorize`,
        tokenEndpoint: `${AUTHORITY}/oauth2/token`,
        refreshTokenEndpoint: "",
        metadataEndpoint: "",
        useHostServerAuthorizationEndpoint: false,
      },
      { client_id: CLIENT_ID },
    );
    const { provider: p } = provider();
    const err = (await rejection(p.create(inputs()))) as Error;
    expect(err.message).toContain("an OAuth resource named 'Microsoft Graph' already exists in K2");
    expect(err.message).toContain(`authorizationEndpoint: K2 has '${AUTHORITY}/oauth2/v2.0/authorize', wanted '${AUTHORITY}/oauth2/authorize'`);
    expect(err.message).toContain(`refreshTokenEndpoint: K2 has (empty), wanted '${AUTHORITY}/oauth2/token'`);
    assertNoSecret(err);
  });

  it("keeps the secret out of errors when K2 echoes the request body (400) or the Authorization header (401)", async () => {
    const { provider: p } = provider();
    // The provider's mapping names a Refresh Value property the server's SmartObject does not have: K2 answers 400
    // quoting the body. The client secret is the only parameter written, so the failing write is the secret's own and
    // the body K2 quotes holds it (in its Token and Refresh values): the message shows it redacted.
    const serverMapping = { ...DEFAULT_SMARTOBJECT_MAPPING, resourceParameter: { ...DEFAULT_SMARTOBJECT_MAPPING.resourceParameter, properties: { ...DEFAULT_SMARTOBJECT_MAPPING.resourceParameter.properties, refreshValue: "Refresh_Val" } } };
    const err400 = (await rejection(p.create(inputs({ parameters: {} }, serverMapping)))) as Error;
    expect(err400.message).toMatch(/has no property 'Refresh_Val'/);
    expect(err400.message).toMatch(/Request body: .*<Refresh_Val>\[redacted\]<\/Refresh_Val>/s);
    assertNoSecret(err400);

    const { id, outs } = await create(provider().provider, inputs());
    double.inject({ kind: "status", status: 401, match: { operation: "update", target: "parameter" } });
    const err401 = (await rejection(p.update!(id, outs, inputs({ clientSecret: SECRET_2 })))) as Error;
    expect(err401.message).toMatch(/401/);
    assertNoSecret(err401);
  });

  it("retries a 503 on the secret's write and reports a lasting one without the secret", async () => {
    const { provider: p, delays } = provider();
    const { id, outs } = await create(p, inputs());
    double.inject({ kind: "status", status: 503, times: 2, match: { operation: "update", target: "parameter" } });
    await p.update!(id, outs, inputs({ clientSecret: SECRET_2 }));
    expect(double.parameterLegs("Microsoft Graph", "client_secret")?.token).toBe(SECRET_2);
    expect(delays.length).toBeGreaterThanOrEqual(2);
    double.inject({ kind: "status", status: 503, times: 100, match: { operation: "update", target: "parameter" } });
    const err = (await rejection(p.update!(id, { ...outs, clientSecret: SECRET_2 }, inputs({ clientSecret: SECRET_1 })))) as Error;
    expect(err.message).toMatch(/after \d+ attempts/);
    assertNoSecret(err);
  });

  it("fails clearly, changing nothing, when the Resource Type lacks a parameter", async () => {
    const { provider: p } = provider();
    const err = (await rejection(p.create(inputs({ resourceType: "Bearer Token" })))) as Error;
    expect(err.message).toMatch(/has no parameter 'client_id', 'redirect_uri', 'response_type', 'grant_type', 'resource', 'client_secret'/);
    assertNoSecret(err);
  });
});

describe("OAuthResource check", () => {
  it("accepts the declared inputs and refuses v2 endpoints, another tenant's token endpoint, a non-https resource and an empty secret, without quoting it", async () => {
    const { provider: p } = provider();
    const bad = inputs({
      authorizationEndpoint: `${AUTHORITY}/oauth2/v2.0/authorize`,
      tokenEndpoint: "https://login.microsoftonline.com/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/oauth2/token",
      refreshTokenEndpoint: "https://example.com/token",
      parameters: { ...PARAMETERS, resource: { token: "http://graph.microsoft.com" } },
      clientSecret: "",
    });
    const { failures } = await p.check!(bad, bad);
    expect(failures).toEqual([
      {
        property: "authorizationEndpoint",
        reason: "expected the v1 endpoint (no v2.0 segment): K2 sends resource, which v2 endpoints do not take, like https://login.microsoftonline.com/<tenant id>/oauth2/authorize",
      },
      { property: "tokenEndpoint", reason: "expected the same login host and tenant as the authorization endpoint" },
      { property: "refreshTokenEndpoint", reason: "expected the token endpoint (as K2's connector guides set it) or empty" },
      { property: "parameters.resource.token", reason: "expected an https audience, like https://graph.microsoft.com" },
      { property: "clientSecret", reason: "expected the app's current client secret (from the outbound app's ApplicationPassword)" },
    ]);
    assertNoSecret(failures);
  });
});
