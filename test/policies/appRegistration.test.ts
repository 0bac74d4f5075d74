import { describe, expect, it } from "vitest";
import { appImplicitGrant } from "../../policies/rules/appImplicitGrant";
import { appOwners } from "../../policies/rules/appOwners";
import { appPreferCertificate } from "../../policies/rules/preferCertificate";
import { appRedirectUris, redirectUriProblem, SHARED_HOSTING_SUFFIXES } from "../../policies/rules/appRedirectUris";
import { appSingleTenant } from "../../policies/rules/appSingleTenant";
import { applicationProps, clientApp, contracts, daysFromNow, guidFor, inboundOAuth, OWNER, passwordProps } from "./helpers/fixtures";
import { messages, runResourceRule, runRule, runStackRule, UNKNOWN, UNKNOWN_ARRAY, urnOf, type StackInput } from "./helpers/policyHarness";

const app = (overrides: Record<string, unknown> = {}) => ({ type: contracts.TYPE_AZUREAD_APPLICATION, props: applicationProps("app", overrides) });
const registration = (props: Record<string, unknown>) => ({ type: contracts.TYPE_AZUREAD_APPLICATION_REGISTRATION, props: { displayName: "K2 - reg", ...props } });
const MANAGED = [contracts.TYPE_INBOUND_OAUTH, contracts.TYPE_CLIENT_APP];

describe("entra-app-redirect-uris", () => {
  const run = (r: { type: string; props: Record<string, unknown> }, config: Record<string, unknown> = {}) => runResourceRule(appRedirectUris, r, config);

  it("knows which URIs are acceptable per platform and setting", () => {
    expect(redirectUriProblem("https://global.consent.azure-apim.net/redirect", "Web", false)).toBeUndefined();
    expect(redirectUriProblem("https://app.contoso.com/signin-oidc?x=1", "SPA", false)).toBeUndefined();
    expect(redirectUriProblem("msauth.com.contoso.app://auth", "PublicClient", false)).toBeUndefined();
    expect(redirectUriProblem("ms-appx-web://microsoft.aad.brokerplugin/abc", "PublicClient", false)).toBeUndefined();
    expect(redirectUriProblem("http://localhost:3000/callback", "Web", true)).toBeUndefined();
    expect(redirectUriProblem("http://127.0.0.1/cb", "PublicClient", true)).toBeUndefined();
    expect(redirectUriProblem("https://localhost:5001/signin", "SPA", true)).toBeUndefined();
    const loopback = "points to localhost or a loopback address, which belongs in a development app registration (allowLoopback), not in this stack";
    for (const uri of ["http://localhost:3000/callback", "https://localhost/cb", "http://127.0.0.1:8400", "http://[::1]/cb"]) expect(redirectUriProblem(uri, "PublicClient", false), uri).toBe(loopback);
    expect(redirectUriProblem("http://app.example.com/cb", "PublicClient", true)).toBe("uses http, which Entra ID accepts only for localhost; use https");
    expect(redirectUriProblem("https://*.example.com/cb", "Web", false)).toBe("contains a wildcard; register each exact redirect URI");
    expect(redirectUriProblem("https://example.com/*", "Web", false)).toBe("contains a wildcard; register each exact redirect URI");
    expect(redirectUriProblem("https://app.example.com/cb#state", "Web", false)).toBe("has a fragment (#...), which a redirect URI must not have (RFC 6749 section 3.1.2); remove it");
    expect(redirectUriProblem("https://app.example.com/cb#", "Web", false)).toMatch(/^has a fragment/);
    expect(redirectUriProblem("myapp://auth", "Web", false)).toBe("uses the custom scheme myapp, which only the public-client (mobile and desktop) platform may register; use https");
    expect(redirectUriProblem("ftp://example.com/cb", "SPA", false)).toMatch(/^uses the custom scheme ftp/);
    expect(redirectUriProblem("/relative", "Web", false)).toBe("is not an absolute URI");
  });

  it("refuses every shared hosting domain (and its subdomains), and nothing that only looks like one", () => {
    for (const suffix of SHARED_HOSTING_SUFFIXES) {
      for (const host of [`contoso.${suffix}`, `a.b.${suffix}`, `CONTOSO.${suffix.toUpperCase()}`]) {
        expect(redirectUriProblem(`https://${host}/signin`, "Web", false), host).toBe(
          `is on the shared hosting domain *.${suffix}, where a released name can be claimed by another Azure customer and receive the authorization codes (subdomain takeover); use a custom domain you own`,
        );
      }
    }
    for (const host of ["contoso-azurewebsites.net", "azurewebsites.net.contoso.com", "global.consent.azure-apim.net", "contoso.core.windows.net"]) {
      expect(redirectUriProblem(`https://${host}/signin`, "Web", false), host).toBeUndefined();
    }
  });

  it("passes https redirect URIs, and localhost only with allowLoopback", async () => {
    expect(await run(app())).toEqual({ violations: [] });
    expect(await run(app({ web: undefined }))).toEqual({ violations: [] });
    expect(messages(await run(app({ publicClient: { redirectUris: ["http://localhost"] } })))).toEqual([
      "publicClient.redirectUris[0] (PublicClient) points to localhost or a loopback address, which belongs in a development app registration (allowLoopback), not in this stack",
    ]);
    expect(await run(app({ publicClient: { redirectUris: ["http://localhost"] } }), { allowLoopback: true })).toEqual({ violations: [] });
  });

  it("names each offending entry by list and position, never the URI", async () => {
    const r = await run(
      app({
        web: { redirectUris: ["https://ok.example.com/cb", "http://app.example.com/cb", "https://*.example.com/cb", "https://contoso.azurewebsites.net/cb"] },
        singlePageApplication: { redirectUris: ["https://spa.example.com/#/cb"] },
      }),
    );
    expect(messages(r)).toEqual([
      "web.redirectUris[1] (Web) uses http, which Entra ID accepts only for localhost; use https",
      "web.redirectUris[2] (Web) contains a wildcard; register each exact redirect URI",
      "web.redirectUris[3] (Web) is on the shared hosting domain *.azurewebsites.net, where a released name can be claimed by another Azure customer and receive the authorization codes (subdomain takeover); use a custom domain you own",
      "singlePageApplication.redirectUris[0] (SPA) has a fragment (#...), which a redirect URI must not have (RFC 6749 section 3.1.2); remove it",
    ]);
    expect(JSON.stringify(r)).not.toMatch(/example\.com|contoso/);
    expect(messages(await run(app({ web: { redirectUris: "https://x.example.com" } })))).toEqual(["web.redirectUris must be a list of URIs"]);
  });

  it("checks ApplicationRedirectUris by its type (it accepts any scheme for every type)", async () => {
    const uris = (type: string, redirectUris: unknown[]) => ({ type: contracts.TYPE_AZUREAD_APPLICATION_REDIRECT_URIS, props: { applicationId: "/applications/x", type, redirectUris } });
    expect(await run(uris("PublicClient", ["myapp://auth"]))).toEqual({ violations: [] });
    expect(messages(await run(uris("Web", ["myapp://auth"])))).toEqual([
      "redirectUris[0] (Web) uses the custom scheme myapp, which only the public-client (mobile and desktop) platform may register; use https",
    ]);
    expect(messages(await run(uris("Native", ["https://x"])))).toEqual(["type must be Web, SPA or PublicClient, got another value"]);
  });

  it("checks a ClientApp's Application in Analyze, before the create, naming the client from the resource's name; once", async () => {
    const stack: StackInput[] = [
      inboundOAuth(),
      clientApp("pa", 0),
      { ...app({ web: { redirectUris: ["https://ok.example.com/cb", "https://pa.azurewebsites.net/cb"] } }), name: "pa-app", parent: "pa" },
    ];
    const urn = urnOf({ type: contracts.TYPE_AZUREAD_APPLICATION, name: "pa-app" }, MANAGED);
    const problem =
      "web.redirectUris[1] (Web) is on the shared hosting domain *.azurewebsites.net, where a released name can be claimed by another Azure customer and receive the authorization codes (subdomain takeover); use a custom domain you own";
    // Analyze alone (what stops `pulumi up --skip-preview` before the provider's Create).
    expect(await runResourceRule(appRedirectUris, { type: stack[2].type, props: stack[2].props, name: "pa-app", urn })).toEqual({
      violations: [{ message: `${problem}; change redirectUris[1] of the client named pa in k2-oauth:clients` }],
    });
    // AnalyzeStack does not repeat it: the whole run reports it once.
    expect(await runStackRule(appRedirectUris, stack)).toEqual({ violations: [], notApplicable: "checked resource by resource (Analyze); no exemption to review" });
    expect((await runRule(appRedirectUris, stack)).violations).toEqual([{ message: `${problem}; change redirectUris[1] of the client named pa in k2-oauth:clients`, urn }]);
    // A resource whose name ClientApp does not give, or outside a ClientApp: no client named, nothing guessed.
    const odd = await runResourceRule(appRedirectUris, { type: stack[2].type, props: stack[2].props, name: "pa-application", urn: urn.replace(/pa-app$/, "pa-application") });
    expect(messages(odd)).toEqual([problem]);
    const outside = await runResourceRule(appRedirectUris, { type: stack[2].type, props: stack[2].props, name: "pa-app" });
    expect(messages(outside)).toEqual([problem]);
  });

  it("reports unknown lists and elements as undecided", async () => {
    const r = await run(app({ web: { redirectUris: [UNKNOWN, "http://plain.example.com"] }, publicClient: { redirectUris: UNKNOWN_ARRAY } }));
    expect(messages(r)).toEqual(["web.redirectUris[1] (Web) uses http, which Entra ID accepts only for localhost; use https"]);
    expect(r.undecided).toMatch(/web\.redirectUris\[0\].*publicClient\.redirectUris/);
    const t = await run({ type: contracts.TYPE_AZUREAD_APPLICATION_REDIRECT_URIS, props: { type: UNKNOWN, redirectUris: ["https://x.example.com"] } });
    expect(t.undecided).toContain("type");
  });
});

describe("entra-app-implicit-grant", () => {
  const run = (r: { type: string; props: Record<string, unknown> }) => runResourceRule(appImplicitGrant, r);

  it("passes when neither access nor ID tokens are issued implicitly", async () => {
    expect(await run(app())).toEqual({ violations: [] });
    expect(await run(app({ web: {} }))).toEqual({ violations: [] });
    expect(await run(registration({ implicitAccessTokenIssuanceEnabled: false, implicitIdTokenIssuanceEnabled: false }))).toEqual({ violations: [] });
  });

  it("rejects the implicit grant of access tokens and of ID tokens, on both resource kinds", async () => {
    expect(messages(await run(app({ web: { implicitGrant: { accessTokenIssuanceEnabled: true, idTokenIssuanceEnabled: false } } })))).toEqual([
      "web.implicitGrant.accessTokenIssuanceEnabled is on: access tokens would be issued through the implicit grant; set it to false",
    ]);
    expect(messages(await run(app({ web: { implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: true } } })))).toEqual([
      "web.implicitGrant.idTokenIssuanceEnabled is on: ID tokens would be issued through the implicit grant; set it to false",
    ]);
    expect(messages(await run(registration({ implicitAccessTokenIssuanceEnabled: true, implicitIdTokenIssuanceEnabled: true })))).toEqual([
      "implicitAccessTokenIssuanceEnabled is on: access tokens would be issued through the implicit grant; set it to false",
      "implicitIdTokenIssuanceEnabled is on: ID tokens would be issued through the implicit grant; set it to false",
    ]);
    expect(messages(await run(registration({ implicitIdTokenIssuanceEnabled: "yes" })))).toEqual(["implicitIdTokenIssuanceEnabled must be a boolean (false), got a string"]);
  });

  it("reports an unknown setting as undecided", async () => {
    const r = await run(app({ web: { implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7" } } }));
    expect(r).toEqual({ violations: [], undecided: expect.stringContaining("web.implicitGrant.idTokenIssuanceEnabled (whether the implicit grant issues ID tokens)") });
  });
});

describe("entra-app-single-tenant", () => {
  const run = (r: { type: string; props: Record<string, unknown> }) => runResourceRule(appSingleTenant, r);

  it("passes AzureADMyOrg and the provider default", async () => {
    expect(await run(app())).toEqual({ violations: [] });
    expect(await run(registration({}))).toEqual({ violations: [] });
  });

  it("advises against multi-tenant and personal-account audiences, without quoting the value", async () => {
    const expected = "signInAudience is not AzureADMyOrg: users of other tenants (or personal Microsoft accounts) can sign in; use AzureADMyOrg";
    expect(messages(await run(app({ signInAudience: "AzureADMultipleOrgs" })))).toEqual([expected]);
    expect(messages(await run(registration({ signInAudience: "AzureADandPersonalMicrosoftAccount" })))).toEqual([expected]);
  });

  it("is advisory and reports an unknown audience as undecided", async () => {
    expect(appSingleTenant.enforcementLevel).toBe("advisory");
    expect((await run(app({ signInAudience: UNKNOWN }))).undecided).toContain("signInAudience");
  });
});

describe("entra-app-owners", () => {
  const ownerOf = (name: string, applicationId: string, ownerObjectId = OWNER): StackInput => ({
    type: contracts.TYPE_AZUREAD_APPLICATION_OWNER,
    name,
    props: { applicationId, ownerObjectId },
  });
  const reg: StackInput = { type: contracts.TYPE_AZUREAD_APPLICATION_REGISTRATION, name: "reg", props: { displayName: "reg", objectId: guidFor("reg") } };
  const OTHER_OWNER = "44444444-5555-6666-7777-888888888888";

  it("is mandatory and passes apps with enough owners (owners input or ApplicationOwner, each owner once)", async () => {
    expect(appOwners.enforcementLevel).toBe("mandatory");
    const r = await runStackRule(appOwners, [{ ...app(), name: "app" }, reg, ownerOf("reg-owner", `/applications/${guidFor("reg")}`)]);
    expect(r).toEqual({ violations: [] });
    const both = [{ ...app(), name: "app" }, ownerOf("extra", `/applications/${guidFor("app/object")}`, OTHER_OWNER)];
    expect(await runStackRule(appOwners, both, { minOwners: 2 })).toEqual({ violations: [] });
    const same = [{ ...app(), name: "app" }, ownerOf("dup", `/applications/${guidFor("app/object")}`, OWNER.toUpperCase())];
    expect(messages(await runStackRule(appOwners, same, { minOwners: 2 }))).toEqual([
      "app has 1 owner, fewer than minOwners 2; add owner object ids to its owners or declare ApplicationOwner resources",
    ]);
  });

  it("reports apps with too few owners, attributing each to its resource", async () => {
    const r = await runStackRule(appOwners, [{ ...app({ owners: [] }), name: "app" }, reg, ownerOf("other-owner", "/applications/someone-else")]);
    expect(r.violations).toEqual([
      { message: "app has no owner, fewer than minOwners 1; add owner object ids to its owners or declare ApplicationOwner resources", urn: urnOf({ type: contracts.TYPE_AZUREAD_APPLICATION, name: "app" }) },
      { message: "reg has no owner, fewer than minOwners 1; declare ApplicationOwner resources with its applicationId", urn: urnOf(reg) },
    ]);
  });

  it("names the client's owners for a ClientApp's Application", async () => {
    const r = await runStackRule(appOwners, [inboundOAuth(), clientApp("pa", 4), { ...app({ owners: [OWNER] }), name: "pa-app", parent: "pa" }], { minOwners: 2 });
    expect(messages(r)).toEqual(["pa-app has 1 owner, fewer than minOwners 2; add owner object ids to its owners or declare ApplicationOwner resources; change k2-oauth:clients[4].owners"]);
  });

  it("links an ApplicationOwner through its dependency when the registration's id is unknown (preview)", async () => {
    const previewReg = { ...reg, props: { displayName: "reg", objectId: UNKNOWN } };
    expect(await runStackRule(appOwners, [previewReg, { ...ownerOf("reg-owner", UNKNOWN), propertyDependencies: { applicationId: ["reg"] } }])).toEqual({ violations: [] });
    const unlinked = await runStackRule(appOwners, [previewReg, ownerOf("reg-owner", UNKNOWN)]);
    expect(unlinked.violations).toEqual([]);
    expect(unlinked.undecided).toContain("owners of reg");
    expect((await runStackRule(appOwners, [{ ...app({ owners: UNKNOWN_ARRAY }), name: "app" }])).undecided).toContain("owners of app");
  });

  it("refuses a minOwners below 1, and does not apply to stacks without app registrations", async () => {
    expect(messages(await runStackRule(appOwners, [], { minOwners: 0 }))).toEqual(['"entra-app-owners".minOwners: expected a whole number from 1 to 100, like 1; got 0']);
    expect((await runStackRule(appOwners, [])).notApplicable).toBe("the stack declares no app registrations");
  });
});

describe("entra-app-prefer-certificate", () => {
  it("is off by default and, when on, reports every client secret", async () => {
    expect(appPreferCertificate.enforcementLevel).toBe("disabled");
    const password = { type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD, props: passwordProps(daysFromNow(-1), daysFromNow(90)) };
    expect(messages(await runResourceRule(appPreferCertificate, password))).toEqual([
      "the app authenticates with a client secret, a shared secret that can be copied; prefer a certificate or a federated identity credential",
    ]);
    expect((await runResourceRule(appPreferCertificate, app())).notApplicable).toBe("the application declares no inline password");
  });
});
