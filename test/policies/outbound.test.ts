/**
 * The outbound rules (k2-oauth:outbound), by import with the stack as the engine gives it to AnalyzeStack: the
 * OutboundOAuth component's record, its app, passwords and K2 OAuth resources, the clientSecret's property dependency.
 */
import { describe, expect, it } from "vitest";
import { appLeastPrivilege } from "../../policies/rules/leastPrivilege";
import { outboundClientSecretCurrent } from "../../policies/rules/outboundClientSecret";
import { outboundDelegatedExpiry } from "../../policies/rules/outboundDelegatedExpiry";
import { outboundResourceV1 } from "../../policies/rules/outboundEndpoints";
import { outboundRedirectUri } from "../../policies/rules/outboundRedirectUri";
import { applicationProps, contracts, daysFromNow, passwordProps, TENANT } from "./helpers/fixtures";
import { messages, runStackRule, urnOf, type StackInput } from "./helpers/policyHarness";

const AUTHORITY = `https://login.microsoftonline.com/${TENANT}`;
const REDIRECT = "https://k2.contoso.com/identity/token/oauth/2";
const GRAPH = "https://graph.microsoft.com";
const OUTBOUND = [contracts.TYPE_OUTBOUND_OAUTH];
const k2Urn = urnOf({ type: contracts.TYPE_OAUTH_RESOURCE, name: "k2-outbound-k2-graph" }, OUTBOUND);
const appUrn = urnOf({ type: contracts.TYPE_AZUREAD_APPLICATION, name: "k2-outbound-app" }, OUTBOUND);

function k2Props(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceName: "Microsoft Graph",
    resourceType: "Microsoft Online",
    authorizationEndpoint: `${AUTHORITY}/oauth2/authorize`,
    tokenEndpoint: `${AUTHORITY}/oauth2/token`,
    refreshTokenEndpoint: `${AUTHORITY}/oauth2/token`,
    metadataEndpoint: "",
    useHostServerAuthorizationEndpoint: false,
    parameters: {
      client_id: { authorization: "c", token: "c", refresh: "c" },
      redirect_uri: { authorization: REDIRECT, token: REDIRECT },
      grant_type: { token: "authorization_code", refresh: "refresh_token" },
      resource: { authorization: GRAPH, token: GRAPH, refresh: GRAPH },
    },
    ...overrides,
  };
}

/** The outbound side of a stack: the component, its app (with a Graph scope), two passwords and one K2 resource. */
function stack(options: { k2?: Record<string, unknown>; redirectUris?: string[]; holds?: string; ends?: [number, number] } = {}): StackInput[] {
  const [a, b] = options.ends ?? [20, 170];
  return [
    { type: contracts.TYPE_OUTBOUND_OAUTH, name: "k2-oauth-outbound", props: { configPath: "k2-oauth:outbound", tenantId: TENANT, cloud: "public", k2Url: "https://k2.contoso.com", redirectUri: REDIRECT } },
    {
      type: contracts.TYPE_AZUREAD_APPLICATION,
      name: "k2-outbound-app",
      parent: "k2-oauth-outbound",
      props: applicationProps("k2-outbound", {
        web: { redirectUris: options.redirectUris ?? [REDIRECT], implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } },
        requiredResourceAccesses: [{ resourceAppId: "00000003-0000-0000-c000-000000000000", resourceAccesses: [{ id: "99999999-0000-0000-0001-000000000003", type: "Role" }] }],
      }),
    },
    { type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD, name: "k2-outbound-secret-a", parent: "k2-oauth-outbound", props: passwordProps(daysFromNow(a - 180), daysFromNow(a)) },
    { type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD, name: "k2-outbound-secret-b", parent: "k2-oauth-outbound", props: passwordProps(daysFromNow(b - 180), daysFromNow(b)) },
    {
      type: contracts.TYPE_OAUTH_RESOURCE,
      name: "k2-outbound-k2-graph",
      parent: "k2-oauth-outbound",
      props: k2Props(options.k2),
      propertyDependencies: options.holds === "" ? {} : { clientSecret: [options.holds ?? "k2-outbound-secret-b"] },
    },
  ];
}

describe("k2-outbound-resource-v1", () => {
  it("passes the declared resource, and refuses v2, another tenant, a foreign refresh endpoint and a missing or http resource", async () => {
    expect(await runStackRule(outboundResourceV1, stack())).toEqual({ violations: [] });
    const bad = stack({
      k2: {
        authorizationEndpoint: `${AUTHORITY}/oauth2/v2.0/authorize`,
        tokenEndpoint: "https://login.microsoftonline.com/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/oauth2/token",
        refreshTokenEndpoint: "https://example.com/token",
        parameters: { resource: { token: "http://graph.microsoft.com" } },
      },
    });
    expect(await runStackRule(outboundResourceV1, bad)).toEqual({
      violations: [
        { message: "k2-outbound-k2-graph: authorizationEndpoint is a v2 endpoint; use the v1 one (no v2.0 segment): with v2, K2 sends no resource and keeps no refresh token", urn: k2Urn },
        { message: "k2-outbound-k2-graph: tokenEndpoint is not for the stack's tenant (k2-oauth:tenantId)", urn: k2Urn },
        { message: "k2-outbound-k2-graph: refreshTokenEndpoint is neither the token endpoint nor empty", urn: k2Urn },
        { message: "k2-outbound-k2-graph: parameters.resource.token is not an https audience; change k2-oauth:outbound.resources[].audience", urn: k2Urn },
      ].map((v) => expect.objectContaining(v)),
    });
    expect(messages(await runStackRule(outboundResourceV1, stack({ k2: { parameters: {} } })))).toEqual([
      "k2-outbound-k2-graph: has no resource parameter; K2 must request tokens for an audience (set resource, e.g. https://graph.microsoft.com)",
    ]);
  });
});

describe("k2-outbound-redirect-uri", () => {
  it("passes the K2 redirect URI (path case aside), and refuses an app without it and a K2 value that differs in case", async () => {
    expect(await runStackRule(outboundRedirectUri, stack())).toEqual({ violations: [] });
    const other = await runStackRule(outboundRedirectUri, stack({ redirectUris: ["https://other.contoso.com/identity/token/oauth/2"] }));
    expect(other.violations.map((v) => [v.message.split(":")[0], v.urn])).toEqual([
      ["k2-outbound-app", appUrn],
      ["k2-outbound-k2-graph", k2Urn],
      ["k2-outbound-k2-graph", k2Urn],
    ]);
    expect(other.violations[0].message).toContain("lacks K2's redirect URI for the stack's K2 host");
    const upper = REDIRECT.replace("/identity/", "/Identity/");
    // The app registers /Identity/ (K2 Cloud's spelling): the host's URI is there, but K2's value must match it exactly.
    const cased = await runStackRule(outboundRedirectUri, stack({ redirectUris: [upper] }));
    expect(messages(cased)).toEqual([
      "k2-outbound-k2-graph: parameters.redirect_uri.authorization is not exactly one of k2-outbound-app's redirect URIs (Entra ID compares the path with case: AADSTS50011); use the same string for both (k2-oauth:outbound.app.redirectUri)",
      "k2-outbound-k2-graph: parameters.redirect_uri.token is not exactly one of k2-outbound-app's redirect URIs (Entra ID compares the path with case: AADSTS50011); use the same string for both (k2-oauth:outbound.app.redirectUri)",
    ]);
  });
});

describe("k2-outbound-client-secret-current", () => {
  it("passes the newest unexpired secret, and refuses the previous one, an expired one and a secret from nowhere", async () => {
    expect(await runStackRule(outboundClientSecretCurrent, stack())).toEqual({ violations: [] });
    expect(messages(await runStackRule(outboundClientSecretCurrent, stack({ holds: "k2-outbound-secret-a" })))).toEqual([
      "k2-outbound-k2-graph: clientSecret comes from k2-outbound-secret-a, not the app's current secret (k2-outbound-secret-b ends later); K2 would lose access when the overlap ends",
    ]);
    expect(messages(await runStackRule(outboundClientSecretCurrent, stack({ ends: [-10, -5] })))).toEqual([
      "k2-outbound-k2-graph: clientSecret comes from k2-outbound-secret-b, which has expired; run pulumi up (the schedule declares a current secret)",
    ]);
    expect(messages(await runStackRule(outboundClientSecretCurrent, stack({ holds: "" })))).toEqual([
      "k2-outbound-k2-graph: clientSecret does not come from a client secret (ApplicationPassword) of the outbound app, so it never rotates; let OutboundOAuth set it",
    ]);
  });
});

describe("k2-outbound-delegated-token-expiry", () => {
  it("advises on a delegated resource and not on an app-only one", async () => {
    const delegated = await runStackRule(outboundDelegatedExpiry, stack());
    expect(delegated.violations).toEqual([
      expect.objectContaining({
        urn: k2Urn,
        message:
          "k2-outbound-k2-graph: delegated permissions: the token K2 caches for its service account expires every 90 days (K2 KB002999) and users then see 'OAuth token requires authorization'; app-only (appOnly: true, app roles) avoids it",
      }),
    ]);
    const appOnly = stack({ k2: { parameters: { grant_type: { token: "client_credentials" }, resource: { token: GRAPH } } } });
    expect(await runStackRule(outboundDelegatedExpiry, appOnly)).toEqual({ violations: [] });
  });
});

describe("entra-app-least-privilege and the outbound app", () => {
  it("leaves the outbound app's declared permissions (an app role here) to the outbound rules", async () => {
    expect(await runStackRule(appLeastPrivilege, stack())).toEqual({ violations: [], notApplicable: "the stack declares no API permissions or grants" });
  });
});
