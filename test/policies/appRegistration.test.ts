import { describe, expect, it } from "vitest";
import { appImplicitGrant } from "../../policies/rules/appImplicitGrant";
import { appOwners } from "../../policies/rules/appOwners";
import { appRedirectUris, redirectUriProblem } from "../../policies/rules/appRedirectUris";
import { appSingleTenant } from "../../policies/rules/appSingleTenant";
import { applicationProps, contracts, guidFor, OWNER } from "./helpers/fixtures";
import { messages, runResourceRule, runStackRule, UNKNOWN, UNKNOWN_ARRAY, urnOf } from "./helpers/policyHarness";

const app = (overrides: Record<string, unknown> = {}) => ({ type: contracts.TYPE_AZUREAD_APPLICATION, props: applicationProps("app", overrides) });
const registration = (props: Record<string, unknown>) => ({ type: contracts.TYPE_AZUREAD_APPLICATION_REGISTRATION, props: { displayName: "K2 - reg", ...props } });

describe("entra-app-redirect-uris", () => {
  const run = (r: { type: string; props: Record<string, unknown> }) => runResourceRule(appRedirectUris, r);

  it("knows which URIs are acceptable per client kind", () => {
    expect(redirectUriProblem("https://global.consent.azure-apim.net/redirect", "Web")).toBeUndefined();
    expect(redirectUriProblem("http://localhost:3000/callback", "PublicClient")).toBeUndefined();
    expect(redirectUriProblem("http://127.0.0.1/cb", "PublicClient")).toBeUndefined();
    expect(redirectUriProblem("http://localhost:3000/callback", "Web")).toMatch(/only public .* clients/);
    expect(redirectUriProblem("http://localhost/cb", "SPA")).toMatch(/only public/);
    expect(redirectUriProblem("http://app.example.com/cb", "PublicClient")).toBe("uses http; redirect URIs must use https");
    expect(redirectUriProblem("https://*.example.com/cb", "Web")).toMatch(/wildcard/);
    expect(redirectUriProblem("https://example.com/*", "Web")).toMatch(/wildcard/);
    expect(redirectUriProblem("ftp://example.com/cb", "Web")).toBe("uses the scheme ftp; expected https (or http://localhost for a public client)");
    expect(redirectUriProblem("/relative", "Web")).toBe("is not an absolute URI");
  });

  it("passes https redirect URIs and a loopback public client URI", async () => {
    expect(await run(app({ publicClient: { redirectUris: ["http://localhost"] } }))).toEqual({ violations: [] });
    expect(await run(app({ web: undefined }))).toEqual({ violations: [] });
  });

  it("rejects http, loopback outside public clients and wildcards, naming the URI", async () => {
    const r = await run(
      app({
        web: { redirectUris: ["https://ok.example.com/cb", "http://app.example.com/cb", "https://*.example.com/cb"] },
        singlePageApplication: { redirectUris: ["http://localhost:5173"] },
      }),
    );
    expect(messages(r)).toEqual([
      "Web redirect URI http://app.example.com/cb uses http; redirect URIs must use https",
      "Web redirect URI https://*.example.com/cb contains a wildcard; register each exact redirect URI",
      "SPA redirect URI http://localhost:5173 uses http on the loopback address, which only public (desktop/mobile) clients may do; use https",
    ]);
    expect(messages(await run(app({ web: { redirectUris: "https://x.example.com" } })))).toEqual(["web.redirectUris must be a list of URIs"]);
  });

  it("checks ApplicationRedirectUris by its type", async () => {
    const uris = (type: string, redirectUris: unknown[]) => ({ type: contracts.TYPE_AZUREAD_APPLICATION_REDIRECT_URIS, props: { applicationId: "/applications/x", type, redirectUris } });
    expect(await run(uris("PublicClient", ["http://localhost:8400"]))).toEqual({ violations: [] });
    expect(messages(await run(uris("Web", ["http://localhost:8400"])))).toEqual([expect.stringContaining("Web redirect URI http://localhost:8400 uses http on the loopback")]);
    expect(messages(await run(uris("Native", ["https://x"])))).toEqual(["type must be Web, SPA or PublicClient, got 'Native'"]);
  });

  it("reports unknown lists and elements as undecided", async () => {
    const r = await run(app({ web: { redirectUris: [UNKNOWN, "http://plain.example.com"] }, publicClient: { redirectUris: UNKNOWN_ARRAY } }));
    expect(messages(r)).toEqual(["Web redirect URI http://plain.example.com uses http; redirect URIs must use https"]);
    expect(r.undecided).toMatch(/web\.redirectUris\[0\].*publicClient\.redirectUris/);
    const t = await run({ type: contracts.TYPE_AZUREAD_APPLICATION_REDIRECT_URIS, props: { type: UNKNOWN, redirectUris: ["http://localhost"] } });
    expect(t.undecided).toContain("type");
  });
});

describe("entra-app-implicit-grant", () => {
  const run = (r: { type: string; props: Record<string, unknown> }) => runResourceRule(appImplicitGrant, r);

  it("passes when access tokens are not issued implicitly", async () => {
    expect(await run(app())).toEqual({ violations: [] });
    expect(await run(app({ web: {} }))).toEqual({ violations: [] });
    expect(await run(registration({ implicitAccessTokenIssuanceEnabled: false }))).toEqual({ violations: [] });
  });

  it("rejects the implicit grant of access tokens on both resource kinds", async () => {
    expect(messages(await run(app({ web: { implicitGrant: { accessTokenIssuanceEnabled: true } } })))).toEqual([
      "web.implicitGrant.accessTokenIssuanceEnabled is true: access tokens would be issued through the implicit grant; set it to false",
    ]);
    expect(messages(await run(registration({ implicitAccessTokenIssuanceEnabled: true })))).toEqual([
      "implicitAccessTokenIssuanceEnabled is true: access tokens would be issued through the implicit grant; set it to false",
    ]);
    expect(messages(await run(registration({ implicitAccessTokenIssuanceEnabled: "yes" })))).toEqual(["implicitAccessTokenIssuanceEnabled must be a boolean (false), got a string"]);
  });

  it("reports an unknown setting as undecided", async () => {
    const r = await run(app({ web: { implicitGrant: { accessTokenIssuanceEnabled: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7" } } }));
    expect(r).toEqual({ violations: [], undecided: expect.stringContaining("web.implicitGrant.accessTokenIssuanceEnabled") });
  });
});

describe("entra-app-single-tenant", () => {
  const run = (r: { type: string; props: Record<string, unknown> }) => runResourceRule(appSingleTenant, r);

  it("passes AzureADMyOrg and the provider default", async () => {
    expect(await run(app())).toEqual({ violations: [] });
    expect(await run(registration({}))).toEqual({ violations: [] });
  });

  it("advises against multi-tenant and personal-account audiences", async () => {
    expect(messages(await run(app({ signInAudience: "AzureADMultipleOrgs" })))).toEqual([
      "signInAudience is AzureADMultipleOrgs: users of other tenants can sign in; use AzureADMyOrg",
    ]);
    expect(messages(await run(registration({ signInAudience: "AzureADandPersonalMicrosoftAccount" })))[0]).toContain("or personal Microsoft accounts");
  });

  it("is advisory and reports an unknown audience as undecided", async () => {
    expect(appSingleTenant.enforcementLevel).toBe("advisory");
    expect((await run(app({ signInAudience: UNKNOWN }))).undecided).toContain("signInAudience");
  });
});

describe("entra-app-owners", () => {
  const ownerOf = (name: string, applicationId: string) => ({
    type: contracts.TYPE_AZUREAD_APPLICATION_OWNER,
    name,
    props: { applicationId, ownerObjectId: OWNER },
  });
  const reg = { type: contracts.TYPE_AZUREAD_APPLICATION_REGISTRATION, name: "reg", props: { displayName: "reg", objectId: guidFor("reg") } };

  it("passes apps with owners (owners input or ApplicationOwner)", async () => {
    const r = await runStackRule(appOwners, [{ ...app(), name: "app" }, reg, ownerOf("reg-owner", `/applications/${guidFor("reg")}`)]);
    expect(r).toEqual({ violations: [] });
  });

  it("advises on apps without owners, attributing each to its resource", async () => {
    const r = await runStackRule(appOwners, [{ ...app({ owners: [] }), name: "app" }, reg, ownerOf("other-owner", "/applications/someone-else")]);
    expect(r.violations).toEqual([
      { message: "app has no owners; add at least one owner object id", urn: urnOf({ type: contracts.TYPE_AZUREAD_APPLICATION, name: "app" }) },
      { message: "reg has no ApplicationOwner; declare one with its applicationId", urn: urnOf(reg) },
    ]);
  });

  it("links an ApplicationOwner through its dependency when the registration's id is unknown (preview)", async () => {
    const previewReg = { ...reg, props: { displayName: "reg", objectId: UNKNOWN } };
    const linked = await runStackRule(appOwners, [previewReg, { ...ownerOf("reg-owner", UNKNOWN), propertyDependencies: { applicationId: ["reg"] } }]);
    expect(linked).toEqual({ violations: [] });
    const unlinked = await runStackRule(appOwners, [previewReg, ownerOf("reg-owner", UNKNOWN)]);
    expect(unlinked.violations).toEqual([]);
    expect(unlinked.undecided).toContain("owners of reg");
    expect((await runStackRule(appOwners, [{ ...app({ owners: UNKNOWN_ARRAY }), name: "app" }])).undecided).toContain("app.owners");
  });

  it("does not apply to stacks without app registrations", async () => {
    expect((await runStackRule(appOwners, [])).notApplicable).toBe("the stack declares no app registrations");
  });
});
