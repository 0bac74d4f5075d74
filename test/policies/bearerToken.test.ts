import { describe, expect, it } from "vitest";
import { bearerTokenAudience } from "../../policies/rules/bearerTokenAudience";
import { bearerTokenV1Endpoints } from "../../policies/rules/bearerTokenEndpoints";
import { bearerTokenSettings } from "../../policies/rules/bearerTokenSettings";
import { bearerToken, contracts, OTHER_TENANT, TENANT } from "./helpers/fixtures";
import { messages, runResourceRule, UNKNOWN, UNKNOWN_OBJECT } from "./helpers/policyHarness";

const host = "https://login.microsoftonline.com";

describe("k2-bearer-token-v1-endpoints", () => {
  const run = (overrides: Record<string, unknown>, config: Record<string, unknown> = {}) => runResourceRule(bearerTokenV1Endpoints, bearerToken(overrides), config);

  it("passes the v1 endpoints of one tenant, with and without a configured tenant", async () => {
    expect(await run({})).toEqual({ violations: [] });
    expect(await run({}, { tenantId: TENANT, cloud: "public" })).toEqual({ violations: [] });
  });

  it("passes the US Gov and China login hosts when no cloud is configured", async () => {
    for (const h of ["https://login.microsoftonline.us", "https://login.partner.microsoftonline.cn"]) {
      const r = await run({
        authorizationEndpoint: `${h}/${TENANT}/oauth2/authorize`,
        tokenEndpoint: `${h}/${TENANT}/oauth2/token`,
        metadataEndpoint: `${h}/${TENANT}/.well-known/openid-configuration`,
      });
      expect(r.violations).toEqual([]);
    }
  });

  it("rejects v2.0 endpoints, naming their v1 form", async () => {
    const r = await run({
      authorizationEndpoint: `${host}/${TENANT}/oauth2/v2.0/authorize`,
      metadataEndpoint: `${host}/${TENANT}/v2.0/.well-known/openid-configuration`,
    });
    expect(messages(r)).toEqual([
      expect.stringContaining(`authorizationEndpoint is a v2.0 endpoint`),
      expect.stringContaining(`metadataEndpoint is a v2.0 endpoint`),
    ]);
    expect(messages(r)[0]).toContain(`${host}/${TENANT}/oauth2/authorize`);
    expect(messages(r)[1]).toContain(`${host}/${TENANT}/.well-known/openid-configuration`);
  });

  it("rejects multi-tenant segments, http, foreign and retired hosts", async () => {
    for (const segment of ["common", "organizations", "consumers"]) {
      const r = await run({ tokenEndpoint: `${host}/${segment}/oauth2/token` });
      expect(messages(r).join("\n")).toContain(`multi-tenant segment '${segment}'`);
    }
    expect(messages(await run({ tokenEndpoint: `http://login.microsoftonline.com/${TENANT}/oauth2/token` })).join()).toContain("must use https");
    expect(messages(await run({ tokenEndpoint: `https://login.example.com/${TENANT}/oauth2/token` })).join()).toContain("not an Entra ID login host");
    expect(messages(await run({ tokenEndpoint: `https://login.microsoftonline.de/${TENANT}/oauth2/token` })).join()).toContain("retired");
  });

  it("rejects endpoints that disagree on host or tenant, and a tenant or cloud other than the configured one", async () => {
    expect(messages(await run({ tokenEndpoint: `https://login.microsoftonline.us/${TENANT}/oauth2/token` })).join()).toContain("different hosts");
    expect(messages(await run({ tokenEndpoint: `${host}/${OTHER_TENANT}/oauth2/token` })).join()).toContain("different tenants");
    const wrongTenant = messages(await run({}, { tenantId: OTHER_TENANT }));
    expect(wrongTenant).toHaveLength(3);
    expect(wrongTenant[0]).toContain(`tenant ${OTHER_TENANT} is configured`);
    expect(messages(await run({}, { cloud: "usgov" })).join()).toContain("the usgov cloud is configured");
  });

  it("rejects missing, non-string and wrong-kind endpoints", async () => {
    const r = await run({ authorizationEndpoint: undefined, tokenEndpoint: 42, metadataEndpoint: `${host}/${TENANT}/oauth2/token` });
    expect(messages(r)).toEqual([
      expect.stringMatching(/^authorizationEndpoint is missing; expected https:\/\/<login host>\/<tenantId>\/oauth2\/authorize$/),
      "tokenEndpoint must be a URL string, got a number",
      expect.stringContaining("metadataEndpoint is not a metadata endpoint"),
    ]);
  });

  it("fails closed on invalid policy config instead of ignoring it", async () => {
    expect(messages(await run({}, { tenantId: "not-a-guid" }))).toEqual(["policy config 'tenantId' is invalid: expected a GUID like 11111111-2222-3333-4444-555555555555"]);
  });

  it("reports unknown endpoints (preview) as undecided while still judging the known ones", async () => {
    const r = await run({ tokenEndpoint: UNKNOWN, authorizationEndpoint: `${host}/common/oauth2/authorize` });
    expect(messages(r)).toEqual([expect.stringContaining("multi-tenant segment 'common'"), expect.stringContaining("different tenants (common, ")]);
    expect(r.undecided).toContain("tokenEndpoint");
    const all = await run({ tokenEndpoint: UNKNOWN, authorizationEndpoint: UNKNOWN, metadataEndpoint: UNKNOWN });
    expect(all.violations).toEqual([]);
    expect(all.undecided).toMatch(/authorizationEndpoint.*tokenEndpoint.*metadataEndpoint/);
  });

  it("does not apply to other resource types", async () => {
    const r = await runResourceRule(bearerTokenV1Endpoints, { type: contracts.TYPE_AZUREAD_APPLICATION, props: {} });
    expect(r.notApplicable).toContain(contracts.TYPE_BEARER_TOKEN_RESOURCE);
  });

  it("offers no remediation: the provider's Check rejects v2.0 endpoints before any policy runs (docs/policies.md)", () => {
    expect(bearerTokenV1Endpoints.remediateResource).toBeUndefined();
    expect(bearerTokenV1Endpoints.remediationSteps).not.toContain("remediate");
  });
});

describe("k2-bearer-token-audience", () => {
  const run = (overrides: Record<string, unknown>, config: Record<string, unknown> = {}) => runResourceRule(bearerTokenAudience, bearerToken(overrides), config);

  it("passes the default audience and a configured one", async () => {
    expect(await run({})).toEqual({ violations: [] });
    expect(await run({ parameters: { audience: "api://k2-custom" } }, { audience: "api://k2-custom" })).toEqual({ violations: [] });
  });

  it("requires exactly the configured audience", async () => {
    expect(messages(await run({ parameters: { audience: "https://api.k2.com" } }))).toEqual([
      "parameters.audience is https://api.k2.com, expected exactly https://api.k2.com/ (only the trailing slash differs, which K2 does not ignore)",
    ]);
    expect(messages(await run({ parameters: { audience: K2_CLIENT } }))).toEqual([`parameters.audience is ${K2_CLIENT}, expected exactly https://api.k2.com/`]);
    expect(messages(await run({}, { audience: "api://other" }))).toEqual(["parameters.audience is https://api.k2.com/, expected exactly api://other"]);
  });

  it("requires the parameter to be there", async () => {
    expect(messages(await run({ parameters: undefined }))).toEqual(["the resource has no parameters; expected parameters.audience = https://api.k2.com/"]);
    expect(messages(await run({ parameters: {} }))).toEqual(["parameters.audience is missing; expected https://api.k2.com/"]);
    expect(messages(await run({ parameters: ["audience"] }))).toEqual([expect.stringContaining("parameters must be an object")]);
    expect(messages(await run({ parameters: { audience: 1 } }))).toEqual(["parameters.audience must be a string, got a number; expected https://api.k2.com/"]);
  });

  it("reports an unknown audience or parameters object as undecided", async () => {
    for (const parameters of [{ audience: UNKNOWN }, UNKNOWN_OBJECT]) {
      const r = await run({ parameters });
      expect(r.violations).toEqual([]);
      expect(r.undecided).toContain("parameters.audience");
    }
  });
});

const K2_CLIENT = "22222222-3333-4444-5555-666666666666";

describe("k2-bearer-token-settings", () => {
  const run = (overrides: Record<string, unknown>) => runResourceRule(bearerTokenSettings, bearerToken(overrides));

  it("passes KB002784's settings", async () => {
    expect(await run({})).toEqual({ violations: [] });
    expect(await run({ refreshTokenEndpoint: undefined })).toEqual({ violations: [] });
  });

  it("requires an empty refresh endpoint, host-server authorization off and the Bearer Token type", async () => {
    const r = await run({ refreshTokenEndpoint: `${host}/${TENANT}/oauth2/token`, useHostServerAuthorizationEndpoint: true, resourceType: "OAuth2" });
    expect(messages(r)).toEqual([
      "resourceType is 'OAuth2', expected 'Bearer Token'",
      `refreshTokenEndpoint must be empty, got ${host}/${TENANT}/oauth2/token; K2 refreshes Entra ID tokens through the token endpoint`,
      "useHostServerAuthorizationEndpoint is on; it must be off so K2 sends users to the Entra ID authorization endpoint",
    ]);
    expect(messages(await run({ useHostServerAuthorizationEndpoint: undefined }))).toEqual([
      "useHostServerAuthorizationEndpoint must be set to false explicitly, got nothing",
    ]);
  });

  it("reports unknown settings as undecided", async () => {
    const r = await run({ refreshTokenEndpoint: UNKNOWN, useHostServerAuthorizationEndpoint: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7" });
    expect(r.violations).toEqual([]);
    expect(r.undecided).toMatch(/refreshTokenEndpoint.*useHostServerAuthorizationEndpoint/);
  });
});
