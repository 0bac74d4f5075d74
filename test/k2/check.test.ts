import { describe, expect, it } from "vitest";
import { v1Endpoints } from "../../components/entra";
import { UNKNOWN_VALUE } from "../../components/k2/bearerTokenChecks";
import { makeBearerTokenProvider, type BearerTokenInputs } from "../../components/k2/bearerTokenProvider";
import { DEFAULT_SMARTOBJECT_MAPPING } from "../../components/k2/mapping";
import { bearerTokenResourceInputs, OTHER_TENANT, TENANT } from "./fixtures";

const PASSWORD = "check-test-Passw0rd!";
const provider = makeBearerTokenProvider();
const e = v1Endpoints("public", TENANT);

function valid(): BearerTokenInputs {
  return {
    ...bearerTokenResourceInputs(),
    // A trailing slash, which check normalises away.
    k2Url: "https://k2.example.com/",
    credentials: { username: "EXAMPLE\\svc-k2", password: PASSWORD },
    management: { transport: "smartobject-rest", serviceUrl: "https://k2.example.com:8888/SmartObjectServices/", mapping: DEFAULT_SMARTOBJECT_MAPPING },
  };
}

async function failures(overrides: Partial<BearerTokenInputs> | Record<string, unknown>) {
  const news = { ...valid(), ...overrides } as BearerTokenInputs;
  const result = await provider.check!(valid(), news);
  const list = result.failures ?? [];
  expect(JSON.stringify(list)).not.toContain(PASSWORD);
  return list;
}

describe("BearerTokenResource check", () => {
  it("accepts the KB002784 inputs and normalises trailing slashes", async () => {
    const result = await provider.check!(valid(), valid());
    expect(result.failures).toEqual([]);
    expect(result.inputs).toMatchObject({ k2Url: "https://k2.example.com", management: { serviceUrl: "https://k2.example.com:8888/SmartObjectServices" } });
  });

  it("rejects v2 endpoints, naming the v1 form", async () => {
    const f = await failures({ tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token` });
    expect(f).toEqual([{ property: "tokenEndpoint", reason: expect.stringMatching(/v2\.0 endpoint.*v1 form https:\/\/login\.microsoftonline\.com\/.*\/oauth2\/token/) }]);
    const m = await failures({ metadataEndpoint: `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration` });
    expect(m.map((x) => x.property)).toEqual(["metadataEndpoint"]);
  });

  it("rejects http", async () => {
    const f = await failures({ authorizationEndpoint: e.authorizationEndpoint.replace("https:", "http:") });
    expect(f).toContainEqual({ property: "authorizationEndpoint", reason: expect.stringMatching(/must use https/) });
  });

  it("rejects a foreign host, and mixed hosts", async () => {
    const f = await failures({ tokenEndpoint: `https://login.example.com/${TENANT}/oauth2/token` });
    expect(f).toContainEqual({ property: "tokenEndpoint", reason: expect.stringMatching(/not an Entra ID login host/) });
    expect(f).toContainEqual({ property: "endpoints", reason: expect.stringMatching(/different hosts/) });
  });

  it("rejects the common (multi-tenant) segment", async () => {
    const f = await failures({ authorizationEndpoint: "https://login.microsoftonline.com/common/oauth2/authorize" });
    expect(f).toContainEqual({ property: "authorizationEndpoint", reason: expect.stringMatching(/multi-tenant segment 'common'/) });
  });

  it("rejects endpoints for different tenants", async () => {
    const f = await failures({ metadataEndpoint: v1Endpoints("public", OTHER_TENANT).metadataEndpoint });
    expect(f).toContainEqual({ property: "endpoints", reason: expect.stringMatching(/different tenants/) });
  });

  it.each([
    [{}, /expected the audience parameter/],
    [{ audience: "https://api.k2.com" }, /exactly https:\/\/api\.k2\.com\/ \(with the trailing slash\)/],
    [{ audience: "abcdef01-2345-4678-9abc-def012345678" }, /not a GUID.*v2 tokens/],
    [{ audience: "api://k2" }, /https resource identifier/],
    [{ audience: `https://login.microsoftonline.com/${TENANT}/oauth2/token` }, /not an Entra ID login URL/],
    [{ audience: " https://api.k2.com/" }, /leading or trailing blanks/],
  ])("rejects a wrong audience %j", async (parameters, pattern) => {
    const f = await failures({ parameters: parameters as Record<string, string> });
    expect(f).toEqual([{ property: "parameters.audience", reason: expect.stringMatching(pattern) }]);
  });

  it("accepts another https audience (a self-registered API app's Application ID URI)", async () => {
    expect(await failures({ parameters: { audience: "https://k2-api.contoso.com/" } })).toEqual([]);
  });

  it("rejects the K2-side settings KB002784 fixes", async () => {
    const f = await failures({ resourceType: "Microsoft Online", refreshTokenEndpoint: e.tokenEndpoint, useHostServerAuthorizationEndpoint: true });
    expect(f.map((x) => x.property)).toEqual(["resourceType", "refreshTokenEndpoint", "useHostServerAuthorizationEndpoint"]);
  });

  it("rejects missing credentials and an insecure service URL without echoing values", async () => {
    const f = await failures({
      credentials: { username: "", password: "" },
      management: { transport: "smartobject-rest", serviceUrl: `http://k2.example.com:8888/SmartObjectServices`, mapping: DEFAULT_SMARTOBJECT_MAPPING },
      k2Url: "http://k2.example.com",
    });
    expect(f.map((x) => x.property)).toEqual(["k2Url", "credentials.username", "credentials.password", "management.serviceUrl"]);
    const loopback = await failures({
      management: { transport: "smartobject-rest", serviceUrl: "http://127.0.0.1:8888/SmartObjectServices", mapping: DEFAULT_SMARTOBJECT_MAPPING },
    });
    expect(loopback).toEqual([]);
  });

  it("skips values that are not known yet (preview)", async () => {
    expect(await failures({ tokenEndpoint: UNKNOWN_VALUE, parameters: { audience: UNKNOWN_VALUE } })).toEqual([]);
  });
});
