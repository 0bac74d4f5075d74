import { describe, expect, it } from "vitest";
import {
  bearerTokenEndpointProblems,
  classifyEndpoint,
  cloudOfLoginHost,
  toV1Endpoint,
  v1AuthorizeUrl,
  v1Endpoints,
  v2Issuer,
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

describe("every field and message, with upper-case and non-default inputs", () => {
  const U = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  const HOSTS = "login.microsoftonline.com, login.microsoftonline.us, login.partner.microsoftonline.cn, login.chinacloudapi.cn";

  it("v1Endpoints: each endpoint of the tenant, lower-cased, on the cloud's or the given login host", () => {
    expect(v1Endpoints("china", T.toUpperCase(), { loginHost: "LOGIN.CHINACLOUDAPI.CN", issuerHost: "STS.Example.CN" })).toEqual({
      authority: `https://login.chinacloudapi.cn/${T}`,
      authorizationEndpoint: `https://login.chinacloudapi.cn/${T}/oauth2/authorize`,
      tokenEndpoint: `https://login.chinacloudapi.cn/${T}/oauth2/token`,
      metadataEndpoint: `https://login.chinacloudapi.cn/${T}/.well-known/openid-configuration`,
      deviceCodeEndpoint: `https://login.chinacloudapi.cn/${T}/oauth2/devicecode`,
      jwksUri: "https://login.chinacloudapi.cn/common/discovery/keys",
      issuer: `https://sts.example.cn/${T}/`,
    });
    expect(v2Issuer("LOGIN.MicrosoftOnline.com", T.toUpperCase())).toBe(`https://login.microsoftonline.com/${T}/v2.0`);
  });

  it("only a loopback host itself is plain http", () => {
    expect(v1Endpoints("public", T, { loginHost: "localhost" }).authority).toBe(`http://localhost/${T}`);
    expect(v1Endpoints("public", T, { loginHost: "127.0.0.1" }).authority).toBe(`http://127.0.0.1/${T}`);
    expect(v1Endpoints("public", T, { loginHost: "127.0.0.1.example.com" }).authority).toBe(`https://127.0.0.1.example.com/${T}`);
    expect(v1Endpoints("public", T, { loginHost: "login.localhost" }).authority).toBe(`https://login.localhost/${T}`);
    expect(v1Endpoints("public", T, { loginHost: "localhost:443x" }).authority).toBe(`https://localhost:443x/${T}`);
  });

  it("v1AuthorizeUrl: the whole URL, with and without a redirect URI", () => {
    const e = v1Endpoints("public", T);
    expect(v1AuthorizeUrl(e, "abc", "https://api.k2.com/", "https://x/cb")).toBe(
      `https://login.microsoftonline.com/${T}/oauth2/authorize?client_id=abc&response_type=code&resource=https%3A%2F%2Fapi.k2.com%2F&redirect_uri=https%3A%2F%2Fx%2Fcb`,
    );
    expect(v1AuthorizeUrl(e, "abc", "https://api.k2.com/")).toBe(
      `https://login.microsoftonline.com/${T}/oauth2/authorize?client_id=abc&response_type=code&resource=https%3A%2F%2Fapi.k2.com%2F`,
    );
  });

  it("classifyEndpoint: every field of a v2 device-code URL with a fragment, and of an unparseable one", () => {
    expect(classifyEndpoint(` https://LOGIN.microsoftonline.US/Contoso.OnMicrosoft.com/oauth2/v2.0/devicecode#x`)).toEqual({
      input: " https://LOGIN.microsoftonline.US/Contoso.OnMicrosoft.com/oauth2/v2.0/devicecode#x",
      parsed: true,
      https: true,
      host: "login.microsoftonline.us",
      cloud: "usgov",
      retired: undefined,
      tenant: "contoso.onmicrosoft.com",
      tenantKind: "domain",
      version: "v2",
      kind: "devicecode",
      hasQuery: true,
    });
    expect(classifyEndpoint("login.microsoftonline.com/x")).toEqual({
      input: "login.microsoftonline.com/x",
      parsed: false,
      https: false,
      host: "",
      cloud: undefined,
      retired: undefined,
      tenant: undefined,
      tenantKind: "missing",
      version: "unknown",
      kind: "unknown",
      hasQuery: false,
    });
  });

  it("classifyEndpoint: a segment that is neither a GUID, a multi-tenant name nor a domain is no tenant; no kind without one", () => {
    expect(classifyEndpoint("https://login.microsoftonline.com/not_a_domain/oauth2/token")).toMatchObject({ tenant: undefined, tenantKind: "missing", kind: "unknown", version: "unknown" });
    expect(classifyEndpoint(`https://login.microsoftonline.com/${T}/oauth2/other`)).toMatchObject({ tenant: T, kind: "unknown", version: "unknown", hasQuery: false });
    expect(classifyEndpoint(`https://login.microsoftonline.com/${T}/discovery/keys`)).toMatchObject({ kind: "keys", version: "v1" });
    expect(classifyEndpoint(`https://login.microsoftonline.com/${T}/oauth2/devicecode`)).toMatchObject({ kind: "devicecode", version: "v1" });
  });

  it("toV1Endpoint: every kind, the host lower-cased and the port kept; nothing for an unknown kind or tenant", () => {
    const base = `https://LOGIN.microsoftonline.com:8443/${T}`;
    const v1 = `https://login.microsoftonline.com:8443/${T}`;
    expect(toV1Endpoint(`${base}/oauth2/v2.0/authorize`)).toBe(`${v1}/oauth2/authorize`);
    expect(toV1Endpoint(`${base}/oauth2/v2.0/token`)).toBe(`${v1}/oauth2/token`);
    expect(toV1Endpoint(`${base}/oauth2/v2.0/devicecode`)).toBe(`${v1}/oauth2/devicecode`);
    expect(toV1Endpoint(`${base}/v2.0/.well-known/openid-configuration`)).toBe(`${v1}/.well-known/openid-configuration`);
    expect(toV1Endpoint(`${base}/discovery/v2.0/keys`)).toBe(`${v1}/discovery/keys`);
    expect(toV1Endpoint(`${base}/oauth2/v2.0/logout`)).toBeUndefined();
    expect(toV1Endpoint("https://login.microsoftonline.com/oauth2/v2.0/token")).toBeUndefined();
    expect(toV1Endpoint("not a url")).toBeUndefined();
  });

  it("bearerTokenEndpointProblems: each problem's field, message and reason, in order", () => {
    expect(
      bearerTokenEndpointProblems(
        {
          authorizationEndpoint: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
          tokenEndpoint: `https://login.example.com/${T}/oauth2/token?x=1`,
          metadataEndpoint: `https://login.microsoftonline.com/${U.toUpperCase()}/oauth2/token`,
        },
        { tenantId: T.toUpperCase() },
      ),
    ).toEqual([
      {
        field: "authorizationEndpoint",
        message:
          "authorizationEndpoint is a v2.0 endpoint (https://login.microsoftonline.com/common/oauth2/v2.0/authorize); K2 needs the v1 form https://login.microsoftonline.com/common/oauth2/authorize",
        reason: "authorizationEndpoint is a v2.0 endpoint; K2 needs the v1 form https://<login host>/{tenantId}/oauth2/authorize (remove the v2.0 segment)",
      },
      {
        field: "authorizationEndpoint",
        message: "authorizationEndpoint uses the multi-tenant segment 'common'; expected one specific tenant (its GUID)",
        reason: "authorizationEndpoint uses the multi-tenant segment 'common'; expected one specific tenant (its GUID)",
      },
      {
        field: "tokenEndpoint",
        message: `tokenEndpoint host login.example.com is not an Entra ID login host; expected one of ${HOSTS}`,
        reason: `tokenEndpoint is not on an Entra ID login host; expected one of ${HOSTS}`,
      },
      { field: "tokenEndpoint", message: "tokenEndpoint must not carry a query string or fragment", reason: "tokenEndpoint must not carry a query string or fragment" },
      {
        field: "metadataEndpoint",
        message: `metadataEndpoint is for tenant ${U}, but tenant ${T} is configured`,
        reason: "metadataEndpoint names another tenant than the one expected",
      },
      {
        field: "metadataEndpoint",
        message: "metadataEndpoint is not a metadata endpoint; expected https://<login host>/{tenantId}/.well-known/openid-configuration",
        reason: "metadataEndpoint is not a metadata endpoint; expected https://<login host>/{tenantId}/.well-known/openid-configuration",
      },
      {
        field: "endpoints",
        message: "the endpoints use different hosts (login.microsoftonline.com, login.example.com); use one login host for all three",
        reason: "the endpoints use different hosts; use one login host for all three",
      },
      {
        field: "endpoints",
        message: `the endpoints name different tenants (common, ${T}, ${U}); use one tenant for all three`,
        reason: "the endpoints name different tenants; use one tenant for all three",
      },
    ]);
  });

  it("bearerTokenEndpointProblems: an allowed test host, another cloud, no URL, no tenant, a fragment", () => {
    expect(
      bearerTokenEndpointProblems(
        { authorizationEndpoint: `http://127.0.0.1:4567/${T}/oauth2/authorize`, tokenEndpoint: `https://login.microsoftonline.us/${T}/oauth2/token`, metadataEndpoint: "nope" },
        { cloud: "public", allowHosts: ["127.0.0.1"] },
      ),
    ).toEqual([
      {
        field: "tokenEndpoint",
        message: "tokenEndpoint host login.microsoftonline.us belongs to the usgov cloud, but the public cloud is configured (login.microsoftonline.com)",
        reason: "tokenEndpoint is on a login host of the usgov cloud, but the public cloud is configured (login.microsoftonline.com)",
      },
      {
        field: "metadataEndpoint",
        message: "metadataEndpoint is not an absolute URL; expected https://<login host>/{tenantId}/.well-known/openid-configuration",
        reason: "metadataEndpoint is not an absolute URL; expected https://<login host>/{tenantId}/.well-known/openid-configuration",
      },
      {
        field: "endpoints",
        message: "the endpoints use different hosts (127.0.0.1, login.microsoftonline.us); use one login host for all three",
        reason: "the endpoints use different hosts; use one login host for all three",
      },
    ]);
    expect(
      bearerTokenEndpointProblems({
        authorizationEndpoint: "https://login.microsoftonline.com/oauth2/authorize",
        tokenEndpoint: `https://login.microsoftonline.com/${T}/oauth2/token#frag`,
        metadataEndpoint: `https://login.microsoftonline.com/${T}/.well-known/openid-configuration`,
      }),
    ).toEqual([
      {
        field: "authorizationEndpoint",
        message: "authorizationEndpoint names no tenant; expected /{tenantId}/oauth2/authorize with the tenant GUID",
        reason: "authorizationEndpoint names no tenant; expected /{tenantId}/oauth2/authorize with the tenant GUID",
      },
      {
        field: "authorizationEndpoint",
        message: "authorizationEndpoint is not an authorize endpoint; expected https://<login host>/{tenantId}/oauth2/authorize",
        reason: "authorizationEndpoint is not an authorize endpoint; expected https://<login host>/{tenantId}/oauth2/authorize",
      },
      { field: "tokenEndpoint", message: "tokenEndpoint must not carry a query string or fragment", reason: "tokenEndpoint must not carry a query string or fragment" },
    ]);
  });

  it("bearerTokenEndpointProblems: plain http on a host that is not allowed, and the configured tenant in upper case matching", () => {
    const e = v1Endpoints("public", T);
    expect(bearerTokenEndpointProblems({ ...e, tokenEndpoint: e.tokenEndpoint.replace("https:", "http:") }, { tenantId: T.toUpperCase(), allowHosts: ["127.0.0.1"] })).toEqual([
      { field: "tokenEndpoint", message: `tokenEndpoint must use https, got http://login.microsoftonline.com/${T}/oauth2/token`, reason: "tokenEndpoint must use https" },
    ]);
  });
});
