/**
 * The model of the azuread provider's import and plan (providerModel.ts) tells a declaration that matches an imported
 * resource from one that would be changed right after the import: each rule it applies, one field off at a time.
 */
import { describe, expect, it } from "vitest";
import { importedApplication, importedGrant, importedServicePrincipal, plannedChanges } from "./providerModel";
import { grant, K2_API_SP_ID, K2_ENTRY, portalApp, servicePrincipalJson, USER_READ_ENTRY } from "./tenantFixtures";

const APP_SPEC = { id: "i", appId: "a", displayName: "K2 - Forms", redirectUris: ["https://f/1", "https://f/2"], requiredResourceAccess: [USER_READ_ENTRY, K2_ENTRY] };
const APP = portalApp(APP_SPEC);
const IMPORTED = importedApplication(APP, ["o-1", "o-2"]);
/** What a matching program declares (the component's shape). */
const DECLARED = {
  displayName: "K2 - Forms",
  signInAudience: "AzureADMyOrg",
  owners: ["o-2", "o-1"],
  preventDuplicateNames: false,
  web: { redirectUris: ["https://f/2", "https://f/1"], implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } },
  requiredResourceAccesses: [
    { resourceAppId: K2_ENTRY.resourceAppId, resourceAccesses: K2_ENTRY.resourceAccess },
    { resourceAppId: USER_READ_ENTRY.resourceAppId, resourceAccesses: USER_READ_ENTRY.resourceAccess },
  ],
};

describe("application", () => {
  it("a matching declaration plans nothing (sets in any order, empty blocks and defaults left out)", () => {
    expect(plannedChanges("application", DECLARED, IMPORTED)).toEqual([]);
    const { signInAudience: _, ...withoutAudience } = DECLARED;
    expect(plannedChanges("application", withoutAudience, IMPORTED)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["preventDuplicateNames on (never read back)", { preventDuplicateNames: true }, "preventDuplicateNames"],
    ["an owner left out", { owners: ["o-1"] }, "owners"],
    ["another display name", { displayName: "K2 - Forms (prod)" }, "displayName"],
    ["a redirect URI left out", { web: { ...DECLARED.web, redirectUris: ["https://f/1"] } }, "web.redirectUris"],
    ["implicit grant turned off where it is on", { web: { ...DECLARED.web, implicitGrant: { accessTokenIssuanceEnabled: true, idTokenIssuanceEnabled: false } } }, "web.implicitGrant.accessTokenIssuanceEnabled"],
    ["Microsoft Graph User.Read left out", { requiredResourceAccesses: [DECLARED.requiredResourceAccesses[0]] }, "requiredResourceAccesses"],
    ["multi-tenant declared on a single-tenant app", { signInAudience: "AzureADMultipleOrgs" }, "signInAudience"],
  ])("%s: plans a change", (_, change, path) => {
    expect(plannedChanges("application", { ...DECLARED, ...change }, IMPORTED).map((c) => [c.path, c.replace])).toEqual([[path, false]]);
  });

  it("a display name with blanks around it, declared trimmed (as the config holds it), is renamed by the plan", () => {
    const blanks = importedApplication(portalApp({ ...APP_SPEC, displayName: " K2 - Forms " }), ["o-1", "o-2"]);
    expect(plannedChanges("application", DECLARED, blanks).map((c) => [c.path, c.imported, c.replace])).toEqual([["displayName", " K2 - Forms ", false]]);
  });

  it("the order of permissions inside one API counts (a list), the order of the APIs does not (a set)", () => {
    const twoScopes = portalApp({ id: "i", appId: "a", displayName: "d", requiredResourceAccess: [{ resourceAppId: "g", resourceAccess: [{ id: "s1", type: "Scope" }, { id: "s2", type: "Scope" }] }] });
    const imported = importedApplication(twoScopes, []);
    const declared = (ids: string[]) => ({ displayName: "d", requiredResourceAccesses: [{ resourceAppId: "g", resourceAccesses: ids.map((id) => ({ id, type: "Scope" })) }] });
    expect(plannedChanges("application", declared(["s1", "s2"]), imported)).toEqual([]);
    expect(plannedChanges("application", declared(["s2", "s1"]), imported).map((c) => c.path)).toEqual(["requiredResourceAccesses"]);
  });

  it("a setting read back and not declared is removed by the plan; an empty block is not", () => {
    const withLogout = importedApplication(portalApp({ id: "i", appId: "a", displayName: "K2 - Forms", redirectUris: ["https://f/1", "https://f/2"], requiredResourceAccess: [USER_READ_ENTRY, K2_ENTRY], web: { logoutUrl: "https://f/logout" } }), ["o-1", "o-2"]);
    expect(plannedChanges("application", DECLARED, withLogout).map((c) => [c.path, c.imported])).toEqual([["web.logoutUrl", "https://f/logout"]]);
    const withUris = importedApplication(portalApp({ id: "i", appId: "a", displayName: "K2 - Forms", redirectUris: ["https://f/1", "https://f/2"], requiredResourceAccess: [USER_READ_ENTRY, K2_ENTRY], overrides: { identifierUris: ["api://f"], api: { requestedAccessTokenVersion: 2 } } }), ["o-1", "o-2"]);
    expect(plannedChanges("application", DECLARED, withUris).map((c) => c.path)).toEqual(["identifierUris", "api.requestedAccessTokenVersion"]);
  });
});

describe("service principal and grant", () => {
  const SP = importedServicePrincipal(servicePrincipalJson({ id: "sp", appId: "a", displayName: "d" }, { appRoleAssignmentRequired: true }), ["o-1"]);

  it("a matching declaration plans nothing; a missing setting is changed, another client id replaces", () => {
    expect(plannedChanges("servicePrincipal", { clientId: "a", owners: ["o-1"], appRoleAssignmentRequired: true }, SP)).toEqual([]);
    expect(plannedChanges("servicePrincipal", { clientId: "a", owners: ["o-1"], appRoleAssignmentRequired: false }, SP).map((c) => [c.path, c.replace])).toEqual([["appRoleAssignmentRequired", false]]);
    expect(plannedChanges("servicePrincipal", { clientId: "b", owners: ["o-1"], appRoleAssignmentRequired: true }, SP).map((c) => [c.path, c.replace])).toEqual([["clientId", true]]);
    const disabled = importedServicePrincipal(servicePrincipalJson({ id: "sp", appId: "a", displayName: "d" }, { accountEnabled: false }), []);
    expect(plannedChanges("servicePrincipal", { clientId: "a" }, disabled).map((c) => c.path)).toEqual(["accountEnabled"]);
  });

  it("a grant's scope is read split on blanks; other scopes change it, another service principal replaces it", () => {
    const imported = importedGrant(grant("g", "sp", K2_API_SP_ID, " user_impersonation "));
    expect(plannedChanges("grant", { servicePrincipalObjectId: "sp", resourceServicePrincipalObjectId: K2_API_SP_ID, claimValues: ["user_impersonation"] }, imported)).toEqual([]);
    expect(plannedChanges("grant", { servicePrincipalObjectId: "sp", resourceServicePrincipalObjectId: K2_API_SP_ID, claimValues: ["user_impersonation", "openid"] }, imported).map((c) => [c.path, c.replace])).toEqual([
      ["claimValues", false],
    ]);
    // Letter case counts (claim_values is a case-sensitive set).
    const capital = importedGrant(grant("g", "sp", K2_API_SP_ID, "User_Impersonation"));
    expect(plannedChanges("grant", { servicePrincipalObjectId: "sp", resourceServicePrincipalObjectId: K2_API_SP_ID, claimValues: ["user_impersonation"] }, capital).map((c) => [c.path, c.replace])).toEqual([
      ["claimValues", false],
    ]);
    expect(plannedChanges("grant", { servicePrincipalObjectId: "other", resourceServicePrincipalObjectId: K2_API_SP_ID, claimValues: ["user_impersonation"] }, imported).map((c) => [c.path, c.replace])).toEqual([
      ["servicePrincipalObjectId", true],
    ]);
  });
});
