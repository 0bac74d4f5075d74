/**
 * The client keys an adopted app needs (`adopt`, and the settings that reproduce a hand-made app): defaults, every
 * rule with its exact message, the rules across clients and against the K2 API, and the client-alone check adopt runs.
 */
import { describe, expect, it } from "vitest";
import { clientProblems, parseStackConfig, validateStackConfig } from "../../components/config";

const TENANT = "11111111-2222-3333-4444-555555555555";
const K2API = "22222222-3333-4444-5555-666666666666";
const GRAPH = "00000003-0000-0000-c000-000000000000";
const USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
const APP = "0a000000-0000-4000-8000-000000000001";
const SP = "0a000000-0000-4000-8000-0000000000b1";

function config(...clients: Array<Record<string, unknown>>): Record<string, unknown> {
  return {
    tenantId: TENANT,
    k2Api: { clientId: K2API },
    k2: { url: "https://k2.example.com", edition: "cloud" },
    clients: clients.map((c, i) => ({ name: `c${i}`, displayName: `K2 - ${i}`, ...c })),
  };
}

function issues(...clients: Array<Record<string, unknown>>): Array<{ path: string; message: string }> {
  const r = parseStackConfig(config(...clients));
  if (r.ok) throw new Error("expected invalid config");
  return r.issues;
}

describe("defaults: a client declares what this project makes", () => {
  it("single tenant, implicit grant off, the app's owners on its service principal, no other API, nothing adopted", () => {
    const [client] = validateStackConfig(config({ owners: [APP] })).clients;
    expect(client).toEqual({
      name: "c0",
      displayName: "K2 - 0",
      redirectUris: [],
      owners: [APP],
      signInAudience: "AzureADMyOrg",
      implicitGrant: { accessTokens: false, idTokens: false },
      servicePrincipal: { appRoleAssignmentRequired: false },
      requiredResourceAccess: [],
      secret: { lifetimeDays: 180, rotateAfterDays: 150 },
    });
  });

  it("an adopted app as adopt writes it: every key read back, GUIDs in lower case", () => {
    const [client] = validateStackConfig(
      config({
        signInAudience: "AzureADMultipleOrgs",
        implicitGrant: { accessTokens: true },
        servicePrincipal: { owners: [], appRoleAssignmentRequired: true },
        requiredResourceAccess: [{ resourceAppId: GRAPH, resourceAccess: [{ id: USER_READ.toUpperCase(), type: "Scope" }, { id: USER_READ.replace("e1", "f1"), type: "Role" }] }],
        secret: { startDate: "2026-11-29" },
        adopt: { applicationObjectId: APP.toUpperCase(), servicePrincipalObjectId: SP, grantId: "kh2sH2sdXkq8x8FMRsU-HLT0qr7O1c9Juz6SXY_hjxM" },
      }),
    ).clients;
    expect(client.signInAudience).toBe("AzureADMultipleOrgs");
    expect(client.implicitGrant).toEqual({ accessTokens: true, idTokens: false });
    expect(client.servicePrincipal).toEqual({ owners: [], appRoleAssignmentRequired: true });
    expect(client.requiredResourceAccess).toEqual([{ resourceAppId: GRAPH, resourceAccess: [{ id: USER_READ, type: "Scope" }, { id: USER_READ.replace("e1", "f1"), type: "Role" }] }]);
    expect(client.adopt).toEqual({ applicationObjectId: APP, servicePrincipalObjectId: SP, grantId: "kh2sH2sdXkq8x8FMRsU-HLT0qr7O1c9Juz6SXY_hjxM" });
  });

  it("an adopted client whose ids were removed after the import: since alone keeps it adopted", () => {
    const [client] = validateStackConfig(config({ adopt: { since: "2026-11-29" } })).clients;
    expect(client.adopt).toEqual({ since: "2026-11-29" });
  });
});

const SINCE_REQUIRED =
  "is required when applicationObjectId is left out (it keeps the client adopted once its ids are removed); expected the adoption day (UTC), a calendar day written YYYY-MM-DD, like 2026-11-29";

describe("rules and messages", () => {
  it.each<[string, Record<string, unknown>, Array<{ path: string; message: string }>]>([
    [
      "an unknown sign-in audience",
      { signInAudience: "AzureAD" },
      [{ path: "k2-oauth:clients[0].signInAudience", message: "expected one of AzureADMyOrg, AzureADMultipleOrgs, AzureADandPersonalMicrosoftAccount, PersonalMicrosoftAccount (single tenant: AzureADMyOrg); got 'AzureAD'" }],
    ],
    [
      "an implicit grant flag that is not a boolean, and an unknown one",
      { implicitGrant: { accessTokens: "yes", tokens: true } },
      [
        { path: "k2-oauth:clients[0].implicitGrant.accessTokens", message: "expected true or false (whether the app issues access tokens through the implicit grant), like false; got 'yes'" },
        { path: "k2-oauth:clients[0].implicitGrant.tokens", message: "unknown key; did you mean idTokens?" },
      ],
    ],
    [
      "service principal owners that are not object ids",
      { servicePrincipal: { owners: ["bob@contoso.example"] } },
      [{ path: "k2-oauth:clients[0].servicePrincipal.owners[0]", message: "expected an owner's object id, a GUID like 11111111-2222-3333-4444-555555555555; got 'bob@contoso.example'" }],
    ],
    [
      "an API without permissions, and a permission of an unknown type",
      { requiredResourceAccess: [{ resourceAppId: GRAPH, resourceAccess: [] }, { resourceAppId: USER_READ, resourceAccess: [{ id: USER_READ, type: "Delegated" }] }] },
      [
        { path: "k2-oauth:clients[0].requiredResourceAccess[0].resourceAccess", message: "expected at least one permission (id and type); leave the API out instead; got an empty list" },
        { path: "k2-oauth:clients[0].requiredResourceAccess[1].resourceAccess[0].type", message: "expected Scope (a delegated permission) or Role (an application permission); got 'Delegated'" },
      ],
    ],
    [
      "a permission mapping without its id",
      { requiredResourceAccess: [{ resourceAppId: GRAPH, resourceAccess: [{ type: "Scope" }] }] },
      [{ path: "k2-oauth:clients[0].requiredResourceAccess[0].resourceAccess[0].id", message: "is required; expected the permission's id (of a delegated scope or an app role of that API), a GUID like 11111111-2222-3333-4444-555555555555" }],
    ],
    [
      "adopt without the app's object id and without since",
      { adopt: { servicePrincipalObjectId: SP } },
      [{ path: "k2-oauth:clients[0].adopt.since", message: SINCE_REQUIRED }],
    ],
    [
      "an app id where the object id belongs",
      { adopt: { applicationObjectId: "not-a-guid" } },
      [{ path: "k2-oauth:clients[0].adopt.applicationObjectId", message: "expected the app registration's object id (not its application id), a GUID like 11111111-2222-3333-4444-555555555555; got 'not-a-guid'" }],
    ],
    [
      "an adoption day that is not a day",
      { adopt: { since: "2026-02-30" } },
      [{ path: "k2-oauth:clients[0].adopt.since", message: "expected the adoption day (UTC), a calendar day written YYYY-MM-DD, like 2026-11-29; got '2026-02-30'" }],
    ],
    [
      "a grant id that is not one",
      { adopt: { applicationObjectId: APP, servicePrincipalObjectId: SP, grantId: "/oauth2PermissionGrants/abc" } },
      [{ path: "k2-oauth:clients[0].adopt.grantId", message: "expected the id of the tenant-wide delegated permission grant (an oauth2PermissionGrant), like kh2sH2sdXkq8x8FMRsU-HLT0qr7O1c9Juz6SXY_hjxM; got '/oauth2PermissionGrants/abc'" }],
    ],
    [
      "a grant to import without its service principal",
      { adopt: { applicationObjectId: APP, grantId: "grant-1" } },
      [{ path: "k2-oauth:clients[0].adopt.grantId", message: "expected servicePrincipalObjectId too: the grant to import belongs to the app's service principal; got 'grant-1'" }],
    ],
    [
      "adopt as an empty mapping",
      { adopt: {} },
      [{ path: "k2-oauth:clients[0].adopt.since", message: SINCE_REQUIRED }],
    ],
  ])("%s", (_, client, expected) => {
    expect(issues(client)).toEqual(expected);
  });

  it("the K2 API is not another API, and each API is listed once", () => {
    const access = (resourceAppId: string) => ({ resourceAppId, resourceAccess: [{ id: USER_READ, type: "Scope" }] });
    expect(issues({ requiredResourceAccess: [access(GRAPH), access(K2API.toUpperCase()), access(GRAPH)] })).toEqual([
      {
        path: "k2-oauth:clients[0].requiredResourceAccess[1].resourceAppId",
        message: `expected another API than the K2 API (k2-oauth:k2Api.clientId): its delegated scope is declared from k2-oauth:k2Api.scope; got '${K2API}'`,
      },
      { path: "k2-oauth:clients[0].requiredResourceAccess[2].resourceAppId", message: `expected each API once (requiredResourceAccess[0] lists the same one); got '${GRAPH}'` },
    ]);
  });

  it("two clients cannot adopt the same app, service principal or grant", () => {
    const adopt = { applicationObjectId: APP, servicePrincipalObjectId: SP, grantId: "grant-1" };
    expect(issues({ adopt }, { adopt: { ...adopt, applicationObjectId: APP.toUpperCase() } }, { adopt: { applicationObjectId: SP.replace("b1", "c1") } })).toEqual([
      { path: "k2-oauth:clients[1].adopt.applicationObjectId", message: `expected a unique id (clients[0] adopts the same object); got '${APP}'` },
      { path: "k2-oauth:clients[1].adopt.servicePrincipalObjectId", message: `expected a unique id (clients[0] adopts the same object); got '${SP}'` },
      { path: "k2-oauth:clients[1].adopt.grantId", message: "expected a unique id (clients[0] adopts the same object); got 'grant-1'" },
    ]);
  });
});

describe("clientProblems: one client alone, as clients[index]", () => {
  it("reports what the config refuses in an entry, at the index it would have", () => {
    expect(clientProblems({ name: "k2-x", displayName: "K2 - X", redirectUris: ["http://localhost:3000/cb"], adopt: { applicationObjectId: APP } }, 4)).toEqual([
      { path: "k2-oauth:clients[4].redirectUris[0]", message: "expected a redirect URI as an https URL, like https://global.consent.azure-apim.net/redirect (https, not http); got 'http://localhost:3000/cb'" },
    ]);
    expect(clientProblems({ name: "k2-x", displayName: "K2 - X", adopt: { applicationObjectId: APP } }, 0)).toEqual([]);
    expect(clientProblems({ name: "k2-x", displayName: "K2 - X", color: "red" }, 2)).toEqual([{ path: "k2-oauth:clients[2].color", message: expect.stringMatching(/^unknown key; /) }]);
  });
});
