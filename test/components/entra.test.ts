import { describe, expect, it } from "vitest";
import {
  bearerTokenEndpointProblems,
  classifyEndpoint,
  cloudOfLoginHost,
  toV1Endpoint,
  v1AuthorizeUrl,
  v1Endpoints,
} from "../../components/entra";

const T = "11111111-2222-3333-4444-555555555555";

describe("v1 endpoints per cloud", () => {
  it("public", () => {
    const e = v1Endpoints("public", T);
    expect(e.authorizationEndpoint).toBe(`https://login.microsoftonline.com/${T}/oauth2/authorize`);
    expect(e.tokenEndpoint).toBe(`https://login.microsoftonline.com/${T}/oauth2/token`);
    expect(e.metadataEndpoint).toBe(`https://login.microsoftonline.com/${T}/.well-known/openid-configuration`);
    expect(e.jwksUri).toBe("https://login.microsoftonline.com/common/discovery/keys");
    expect(e.issuer).toBe(`https://sts.windows.net/${T}/`);
  });
  it("usgov: login host known, v1 issuer host unconfirmed unless given", () => {
    const e = v1Endpoints("usgov", T);
    expect(e.tokenEndpoint).toBe(`https://login.microsoftonline.us/${T}/oauth2/token`);
    expect(e.issuer).toBeUndefined();
    expect(v1Endpoints("usgov", T, { issuerHost: "sts.example.us" }).issuer).toBe(`https://sts.example.us/${T}/`);
  });
  it("china", () => {
    const e = v1Endpoints("china", T);
    expect(e.authorizationEndpoint).toBe(`https://login.partner.microsoftonline.cn/${T}/oauth2/authorize`);
    expect(e.issuer).toBe(`https://sts.chinacloudapi.cn/${T}/`);
  });
  it("lower-cases the tenant and rejects a non-GUID tenant", () => {
    expect(v1Endpoints("public", T.toUpperCase()).authority).toBe(`https://login.microsoftonline.com/${T}`);
    expect(() => v1Endpoints("public", "common")).toThrow(/GUID/);
  });
  it("test login host on loopback uses http", () => {
    expect(v1Endpoints("public", T, { loginHost: "127.0.0.1:4567" }).tokenEndpoint).toBe(`http://127.0.0.1:4567/${T}/oauth2/token`);
  });
  it("builds the Postman sign-in URL with resource", () => {
    const url = new URL(v1AuthorizeUrl(v1Endpoints("public", T), "abc", "https://api.k2.com/", "https://x/cb"));
    expect(url.searchParams.get("resource")).toBe("https://api.k2.com/");
    expect(url.searchParams.get("client_id")).toBe("abc");
    expect(url.pathname).toBe(`/${T}/oauth2/authorize`);
  });
});

describe("classifyEndpoint", () => {
  it.each([
    [`https://login.microsoftonline.com/${T}/oauth2/authorize`, "public", "v1", "authorize", "guid"],
    [`https://login.microsoftonline.com/${T}/oauth2/v2.0/authorize`, "public", "v2", "authorize", "guid"],
    [`https://login.microsoftonline.com/${T}/oauth2/token`, "public", "v1", "token", "guid"],
    [`https://login.microsoftonline.com/${T}/oauth2/v2.0/token`, "public", "v2", "token", "guid"],
    [`https://login.microsoftonline.com/${T}/.well-known/openid-configuration`, "public", "v1", "metadata", "guid"],
    [`https://login.microsoftonline.com/${T}/v2.0/.well-known/openid-configuration`, "public", "v2", "metadata", "guid"],
    ["https://login.microsoftonline.com/common/discovery/keys", "public", "v1", "keys", "common"],
    ["https://login.microsoftonline.com/common/discovery/v2.0/keys", "public", "v2", "keys", "common"],
    ["https://login.microsoftonline.com/common/oauth2/token", "public", "v1", "token", "common"],
    ["https://login.microsoftonline.com/organizations/oauth2/v2.0/token", "public", "v2", "token", "organizations"],
    ["https://login.microsoftonline.com/consumers/oauth2/authorize", "public", "v1", "authorize", "consumers"],
    ["https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/token", "public", "v1", "token", "domain"],
    [`https://login.microsoftonline.us/${T}/oauth2/token`, "usgov", "v1", "token", "guid"],
    [`https://login.chinacloudapi.cn/${T}/oauth2/token`, "china", "v1", "token", "guid"],
    [`https://login.partner.microsoftonline.cn/${T}/oauth2/v2.0/token`, "china", "v2", "token", "guid"],
  ])("%s", (url, cloud, version, kind, tenantKind) => {
    const c = classifyEndpoint(url);
    expect(c).toMatchObject({ parsed: true, https: true, cloud, version, kind, tenantKind });
  });

  it("handles odd casing and trailing slashes", () => {
    const c = classifyEndpoint(`HTTPS://Login.MicrosoftOnline.COM/${T.toUpperCase()}/OAuth2/V2.0/Token/`);
    expect(c).toMatchObject({ cloud: "public", version: "v2", kind: "token", tenant: T, host: "login.microsoftonline.com" });
  });

  it("flags foreign, retired, plain-http and unparseable URLs", () => {
    expect(classifyEndpoint(`https://login.evil.com/${T}/oauth2/token`)).toMatchObject({ cloud: undefined, kind: "token", version: "v1" });
    expect(classifyEndpoint(`https://login.microsoftonline.de/${T}/oauth2/token`).retired).toMatch(/Germany/);
    expect(classifyEndpoint(`http://login.microsoftonline.com/${T}/oauth2/token`).https).toBe(false);
    expect(classifyEndpoint("not a url")).toMatchObject({ parsed: false, version: "unknown", kind: "unknown" });
    expect(classifyEndpoint("https://login.microsoftonline.com/")).toMatchObject({ tenantKind: "missing", kind: "unknown" });
    expect(classifyEndpoint(`https://login.microsoftonline.com/${T}/oauth2/token?x=1`).hasQuery).toBe(true);
  });

  it("knows login hosts", () => {
    expect(cloudOfLoginHost("LOGIN.MICROSOFTONLINE.US")).toBe("usgov");
    expect(cloudOfLoginHost("sts.windows.net")).toBeUndefined();
  });

  it("rewrites v2 to v1", () => {
    expect(toV1Endpoint(`https://login.microsoftonline.com/${T}/oauth2/v2.0/token`)).toBe(`https://login.microsoftonline.com/${T}/oauth2/token`);
    expect(toV1Endpoint(`https://login.microsoftonline.com/${T}/v2.0/.well-known/openid-configuration`)).toBe(
      `https://login.microsoftonline.com/${T}/.well-known/openid-configuration`,
    );
    expect(toV1Endpoint("https://example.com/whatever")).toBeUndefined();
  });
});

describe("bearerTokenEndpointProblems", () => {
  const good = v1Endpoints("public", T);
  it("accepts the KB002784 v1 endpoints", () => {
    expect(bearerTokenEndpointProblems(good, { tenantId: T, cloud: "public" })).toEqual([]);
  });
  it("names v2, multi-tenant, foreign, mismatched and wrong-kind endpoints", () => {
    const p = bearerTokenEndpointProblems(
      {
        authorizationEndpoint: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        tokenEndpoint: `https://login.example.com/${T}/oauth2/token`,
        metadataEndpoint: `https://login.microsoftonline.com/${T}/oauth2/token`,
      },
      { tenantId: T },
    );
    const text = p.map((x) => `${x.field}: ${x.message}`).join("\n");
    expect(text).toMatch(/authorizationEndpoint is a v2.0 endpoint/);
    expect(text).toMatch(/multi-tenant segment 'common'/);
    expect(text).toMatch(/tokenEndpoint host login.example.com is not an Entra ID login host/);
    expect(text).toMatch(/metadataEndpoint is not a metadata endpoint/);
    expect(text).toMatch(/different hosts/);
  });
  it("checks the configured tenant and cloud", () => {
    const other = v1Endpoints("usgov", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    const text = bearerTokenEndpointProblems(other, { tenantId: T, cloud: "public" }).map((x) => x.message).join("\n");
    expect(text).toMatch(/but tenant 11111111-2222-3333-4444-555555555555 is configured/);
    expect(text).toMatch(/belongs to the usgov cloud, but the public cloud is configured/);
  });
  it("rejects plain http and retired hosts", () => {
    const text = bearerTokenEndpointProblems({
      authorizationEndpoint: `http://login.microsoftonline.com/${T}/oauth2/authorize`,
      tokenEndpoint: `https://login.microsoftonline.de/${T}/oauth2/token`,
      metadataEndpoint: `https://login.microsoftonline.com/${T}/.well-known/openid-configuration`,
    }).map((x) => x.message).join("\n");
    expect(text).toMatch(/must use https/);
    expect(text).toMatch(/retired/);
  });
});
