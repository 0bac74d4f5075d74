/**
 * The K2 Bearer Token rules, on both paths: a resource outside this project's components is checked on its own
 * (Analyze: policy config pins or defaults), one under InboundOAuth with the stack (AnalyzeStack: the stack's own
 * tenant, cloud and audience from InboundOAuth's record, unless pinned; messages name the config key).
 */
import { describe, expect, it } from "vitest";
import { bearerTokenAudience } from "../../policies/rules/bearerTokenAudience";
import { bearerTokenV1Endpoints } from "../../policies/rules/bearerTokenEndpoints";
import { bearerTokenSettings } from "../../policies/rules/bearerTokenSettings";
import { CHECKED_WITH_THE_STACK } from "../../policies/lib/define";
import { bearerToken, bearerTokenProps, contracts, inboundOAuth, OTHER_TENANT, TENANT } from "./helpers/fixtures";
import { messages, runResourceRule, runStackRule, UNKNOWN, UNKNOWN_OBJECT, urnOf, type StackInput } from "./helpers/policyHarness";

const host = "https://login.microsoftonline.com";
const K2_CLIENT = "22222222-3333-4444-5555-666666666666";
const endpointsOf = (tenant: string, login = host) => ({
  authorizationEndpoint: `${login}/${tenant}/oauth2/authorize`,
  tokenEndpoint: `${login}/${tenant}/oauth2/token`,
  metadataEndpoint: `${login}/${tenant}/.well-known/openid-configuration`,
});

/** The Bearer Token resource as InboundOAuth declares it (its child), with the component's record. */
function managed(overrides: Record<string, unknown> = {}, record: Parameters<typeof inboundOAuth>[0] = {}): StackInput[] {
  return [inboundOAuth(record), { type: contracts.TYPE_BEARER_TOKEN_RESOURCE, name: "k2-bearer-token", parent: "k2-oauth", props: bearerTokenProps(overrides) }];
}
const managedUrn = urnOf({ type: contracts.TYPE_BEARER_TOKEN_RESOURCE, name: "k2-bearer-token" }, [contracts.TYPE_INBOUND_OAUTH]);

describe("k2-bearer-token-v1-endpoints, a resource on its own (Analyze)", () => {
  const run = (overrides: Record<string, unknown>, config: Record<string, unknown> = {}) => runResourceRule(bearerTokenV1Endpoints, bearerToken(overrides), config);

  it("passes the v1 endpoints of one tenant, with and without pinned tenant and cloud", async () => {
    expect(await run({})).toEqual({ violations: [] });
    expect(await run({}, { tenantId: TENANT, cloud: "public" })).toEqual({ violations: [] });
  });

  it("passes the US Gov and China login hosts when no cloud is pinned", async () => {
    for (const h of ["https://login.microsoftonline.us", "https://login.partner.microsoftonline.cn"]) {
      expect((await run(endpointsOf(TENANT, h))).violations).toEqual([]);
    }
  });

  it("rejects v2.0 endpoints, naming the v1 form without quoting the endpoint", async () => {
    const r = await run({ authorizationEndpoint: `${host}/${TENANT}/oauth2/v2.0/authorize`, metadataEndpoint: `${host}/${TENANT}/v2.0/.well-known/openid-configuration` });
    expect(messages(r)).toEqual([
      "authorizationEndpoint is a v2.0 endpoint; K2 needs the v1 form https://<login host>/{tenantId}/oauth2/authorize (remove the v2.0 segment)",
      "metadataEndpoint is a v2.0 endpoint; K2 needs the v1 form https://<login host>/{tenantId}/.well-known/openid-configuration (remove the v2.0 segment)",
    ]);
  });

  it("rejects multi-tenant segments, http, foreign and retired hosts, never quoting the URL", async () => {
    for (const segment of ["common", "organizations", "consumers"]) {
      expect(messages(await run({ tokenEndpoint: `${host}/${segment}/oauth2/token` }))).toContain(`tokenEndpoint uses the multi-tenant segment '${segment}'; expected one specific tenant (its GUID)`);
    }
    expect(messages(await run({ tokenEndpoint: `http://login.microsoftonline.com/${TENANT}/oauth2/token` }))).toEqual(["tokenEndpoint must use https"]);
    const foreign = messages(await run({ tokenEndpoint: `https://login.example.com/${TENANT}/oauth2/token` }));
    expect(foreign).toContain("tokenEndpoint is not on an Entra ID login host; expected one of login.microsoftonline.com, login.microsoftonline.us, login.partner.microsoftonline.cn, login.chinacloudapi.cn");
    expect(foreign.join("\n")).not.toContain("login.example.com");
    expect(messages(await run({ tokenEndpoint: `https://login.microsoftonline.de/${TENANT}/oauth2/token` }))).toContain(
      "tokenEndpoint uses a retired login host (Microsoft Cloud Germany closed in October 2021)",
    );
  });

  it("rejects endpoints that disagree on host or tenant, and a tenant or cloud other than the pinned one", async () => {
    expect(messages(await run({ tokenEndpoint: `https://login.microsoftonline.us/${TENANT}/oauth2/token` }))).toEqual([
      "the endpoints use different hosts; use one login host for all three",
    ]);
    expect(messages(await run({ tokenEndpoint: `${host}/${OTHER_TENANT}/oauth2/token` }))).toEqual(["the endpoints name different tenants; use one tenant for all three"]);
    expect(messages(await run({}, { tenantId: OTHER_TENANT }))).toEqual(
      ["authorizationEndpoint", "tokenEndpoint", "metadataEndpoint"].map((f) => `${f} names another tenant than the one expected (expected: the policy config's tenantId ${OTHER_TENANT})`),
    );
    expect(messages(await run({}, { cloud: "usgov" }))[0]).toBe(
      "authorizationEndpoint is on a login host of the public cloud, but the usgov cloud is configured (login.microsoftonline.us)",
    );
  });

  it("rejects missing, non-string and wrong-kind endpoints", async () => {
    const r = await run({ authorizationEndpoint: undefined, tokenEndpoint: 42, metadataEndpoint: `${host}/${TENANT}/oauth2/token` });
    expect(messages(r)).toEqual([
      "authorizationEndpoint is missing; expected https://<login host>/<tenantId>/oauth2/authorize",
      "tokenEndpoint must be a URL string, got a number",
      "metadataEndpoint is not a metadata endpoint; expected https://<login host>/{tenantId}/.well-known/openid-configuration",
    ]);
  });

  it("refuses an invalid policy config instead of ignoring it (also a misspelled setting)", async () => {
    expect(messages(await run({}, { tenantId: "not-a-guid" }))).toEqual([
      "\"k2-bearer-token-v1-endpoints\".tenantId: expected a GUID like 11111111-2222-3333-4444-555555555555; got 'not-a-guid'",
    ]);
    expect(messages(await run({}, { tenantID: TENANT }))).toEqual(['"k2-bearer-token-v1-endpoints".tenantID: unknown setting; did you mean tenantId?']);
  });

  it("reports unknown endpoints (preview) as undecided while still judging the known ones", async () => {
    const r = await run({ tokenEndpoint: UNKNOWN, authorizationEndpoint: `${host}/common/oauth2/authorize` });
    expect(messages(r)).toEqual([
      "authorizationEndpoint uses the multi-tenant segment 'common'; expected one specific tenant (its GUID)",
      "the endpoints name different tenants; use one tenant for all three",
    ]);
    expect(r.undecided).toContain("tokenEndpoint");
    const all = await run({ tokenEndpoint: UNKNOWN, authorizationEndpoint: UNKNOWN, metadataEndpoint: UNKNOWN });
    expect(all.violations).toEqual([]);
    expect(all.undecided).toMatch(/authorizationEndpoint.*tokenEndpoint.*metadataEndpoint/);
  });

  it("does not apply to other resource types, nor (in Analyze) to InboundOAuth's own resource", async () => {
    const r = await runResourceRule(bearerTokenV1Endpoints, { type: contracts.TYPE_AZUREAD_APPLICATION, props: {} });
    expect(r.notApplicable).toContain(contracts.TYPE_BEARER_TOKEN_RESOURCE);
    const own = await runResourceRule(bearerTokenV1Endpoints, { ...bearerToken({ tokenEndpoint: "https://evil.example.com/t" }), urn: managedUrn, name: "k2-bearer-token" });
    expect(own).toEqual({ violations: [], notApplicable: CHECKED_WITH_THE_STACK });
  });

  it("offers no remediation: the provider's Check rejects v2.0 endpoints before any policy runs (docs/policies.md)", () => {
    expect(bearerTokenV1Endpoints.remediateResource).toBeUndefined();
    expect(bearerTokenV1Endpoints.remediationSteps).not.toContain("remediate");
  });
});

describe("k2-bearer-token-v1-endpoints, InboundOAuth's resource (AnalyzeStack)", () => {
  const run = (stack: StackInput[], config: Record<string, unknown> = {}) => runStackRule(bearerTokenV1Endpoints, stack, config);

  it("expects the stack's own tenant and cloud (InboundOAuth's record), naming the config keys", async () => {
    expect(await run(managed())).toEqual({ violations: [] });
    const other = await run(managed(endpointsOf(OTHER_TENANT)));
    expect(other.violations).toEqual(
      ["authorizationEndpoint", "tokenEndpoint", "metadataEndpoint"].map((f) => ({
        message: `${f} names another tenant than the one expected (expected: k2-oauth:tenantId ${TENANT}); change k2-oauth:tenantId and k2-oauth:cloud`,
        urn: managedUrn,
      })),
    );
    const usgov = await run(managed({}, { cloud: "usgov" }));
    expect(messages(usgov)[0]).toBe(
      "authorizationEndpoint is on a login host of the public cloud, but the usgov cloud is configured (login.microsoftonline.us); change k2-oauth:tenantId and k2-oauth:cloud",
    );
  });

  it("reports a pin that disagrees with the stack, on the resource, quoting the pin only", async () => {
    const r = await run(managed(), { tenantId: OTHER_TENANT });
    expect(r.violations[0]).toEqual({
      message: `the policy config pins tenantId "${OTHER_TENANT}", but the stack's k2-oauth:tenantId differs: they describe two different set-ups; remove the pin (the stack's value then applies) or make them agree`,
      urn: managedUrn,
    });
    expect(await run(managed(), { tenantId: TENANT.toUpperCase(), cloud: "public" })).toEqual({ violations: [] });
  });

  it("without the component's record (outside this project's programs) judges by pins and defaults", async () => {
    const orphan: StackInput = { type: contracts.TYPE_BEARER_TOKEN_RESOURCE, name: "k2-bearer-token", parent: "k2-oauth", props: bearerTokenProps(endpointsOf(OTHER_TENANT)) };
    expect(await run([{ ...inboundOAuth(), props: {} }, orphan])).toEqual({ violations: [] });
  });

  it("does not apply when the stack has no Bearer Token resource of InboundOAuth", async () => {
    expect((await run([inboundOAuth()])).notApplicable).toBe(`the stack has no resource of ${contracts.TYPE_BEARER_TOKEN_RESOURCE} in this project's components`);
  });
});

describe("k2-bearer-token-audience", () => {
  const run = (overrides: Record<string, unknown>, config: Record<string, unknown> = {}) => runResourceRule(bearerTokenAudience, bearerToken(overrides), config);

  it("passes the default audience and a pinned one (Analyze)", async () => {
    expect(await run({})).toEqual({ violations: [] });
    expect(await run({ parameters: { audience: "https://k2-api.contoso.com/" } }, { audience: "https://k2-api.contoso.com/" })).toEqual({ violations: [] });
  });

  it("requires exactly the expected audience, never quoting the resource's value", async () => {
    expect(messages(await run({ parameters: { audience: "https://k2-api.contoso.com" } }, { audience: "https://k2-api.contoso.com/" }))).toEqual([
      "parameters.audience differs from https://k2-api.contoso.com/ (the policy config's audience) only in the trailing slash, which K2 does not ignore",
    ]);
    expect(messages(await run({ parameters: { audience: "https://k2-api.contoso.com/" } }))).toEqual(["parameters.audience differs from https://api.k2.com/ (the default)"]);
    expect(messages(await run({}, { audience: "https://other.contoso.com/" }))).toEqual(["parameters.audience differs from https://other.contoso.com/ (the policy config's audience)"]);
  });

  it("applies K2's audience rules (shared with the provider's check) whatever is expected", async () => {
    expect(messages(await run({ parameters: { audience: "https://api.k2.com" } }))).toEqual([
      "parameters.audience: expected exactly https://api.k2.com/ (with the trailing slash): a v1 token's aud is the requested resource string, so K2 compares it character by character",
    ]);
    expect(messages(await run({ parameters: { audience: K2_CLIENT } }, { audience: K2_CLIENT }))).toEqual([
      "parameters.audience: expected a resource identifier URL, not a GUID: a GUID is the aud of v2 tokens, while K2's Bearer Token resource works with v1 tokens whose aud is the requested resource, like https://api.k2.com/",
    ]);
    expect(messages(await run({ parameters: { audience: "api://k2" } }, { audience: "api://k2" }))).toEqual([
      "parameters.audience: expected an https resource identifier (the K2 API's Application ID URI), like https://api.k2.com/",
    ]);
  });

  it("requires the parameter to be there", async () => {
    expect(messages(await run({ parameters: undefined }))).toEqual(["the resource has no parameters; expected parameters.audience = https://api.k2.com/ (the default)"]);
    expect(messages(await run({ parameters: {} }))).toEqual(["parameters.audience is missing; expected https://api.k2.com/ (the default)"]);
    expect(messages(await run({ parameters: ["audience"] }))).toEqual(['parameters must be an object of parameter values, got a list; expected { audience: "https://api.k2.com/" }']);
    expect(messages(await run({ parameters: { audience: 1 } }))).toEqual(["parameters.audience must be a string, got a number; expected https://api.k2.com/ (the default)"]);
  });

  it("takes the stack's audience for InboundOAuth's resource (AnalyzeStack), and names the config key", async () => {
    const custom = managed({ parameters: { audience: "https://k2-api.contoso.com/" } }, { audience: "https://k2-api.contoso.com/" });
    expect(await runStackRule(bearerTokenAudience, custom)).toEqual({ violations: [] });
    const drifted = await runStackRule(bearerTokenAudience, managed({}, { audience: "https://k2-api.contoso.com/" }));
    expect(drifted.violations).toEqual([
      { message: "parameters.audience differs from https://k2-api.contoso.com/ (k2-oauth:k2Api.audience); change k2-oauth:k2Api.audience", urn: managedUrn },
    ]);
    const pinned = await runStackRule(bearerTokenAudience, custom, { audience: "https://api.k2.com/" });
    expect(messages(pinned)).toEqual([
      'the policy config pins audience "https://api.k2.com/", but the stack\'s k2-oauth:k2Api.audience differs: they describe two different set-ups; remove the pin (the stack\'s value then applies) or make them agree',
      "parameters.audience differs from https://api.k2.com/ (the policy config's audience); change k2-oauth:k2Api.audience",
    ]);
  });

  it("reports an unknown audience or parameters object as undecided", async () => {
    for (const parameters of [{ audience: UNKNOWN }, UNKNOWN_OBJECT]) {
      const r = await run({ parameters });
      expect(r.violations).toEqual([]);
      expect(r.undecided).toContain("parameters.audience");
    }
    const unknownRecord = await runStackRule(bearerTokenAudience, managed({}, { audience: UNKNOWN }));
    expect(unknownRecord).toEqual({ violations: [], undecided: expect.stringContaining("k2-bearer-token: the stack's k2-oauth:k2Api.audience") });
  });
});

describe("k2-bearer-token-settings", () => {
  const run = (overrides: Record<string, unknown>) => runResourceRule(bearerTokenSettings, bearerToken(overrides));

  it("passes KB002784's settings", async () => {
    expect(await run({})).toEqual({ violations: [] });
    expect(await run({ refreshTokenEndpoint: undefined })).toEqual({ violations: [] });
  });

  it("requires an empty refresh endpoint, host-server authorization off and the Bearer Token type, quoting none of them", async () => {
    const r = await run({ refreshTokenEndpoint: `${host}/${TENANT}/oauth2/token`, useHostServerAuthorizationEndpoint: true, resourceType: "OAuth2" });
    expect(messages(r)).toEqual([
      "resourceType must be 'Bearer Token'",
      "refreshTokenEndpoint must be empty: K2 refreshes Entra ID tokens through the token endpoint",
      "useHostServerAuthorizationEndpoint is on; it must be off so K2 sends users to the Entra ID authorization endpoint",
    ]);
    expect(messages(await run({ useHostServerAuthorizationEndpoint: undefined }))).toEqual(["useHostServerAuthorizationEndpoint must be set to false explicitly, got nothing"]);
  });

  it("reports unknown settings as undecided", async () => {
    const r = await run({ refreshTokenEndpoint: UNKNOWN, useHostServerAuthorizationEndpoint: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7" });
    expect(r.violations).toEqual([]);
    expect(r.undecided).toMatch(/refreshTokenEndpoint.*useHostServerAuthorizationEndpoint/);
  });
});
