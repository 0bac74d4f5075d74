/**
 * What adopt reads from the tenant (Graph double) and makes of it: a client entry that declares each app exactly as it
 * is, with the ids to import, or the reasons it is left to be managed by hand; unique names; the policy findings to
 * expect; existing secrets as metadata; consents left as they are.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { decideAdoption, expectedFindings, unsupportedAppSettings, unsupportedServicePrincipalSettings, type AdoptionContext, type ClientEntry } from "../../cli/adopt/adoption";
import { createGraphReader, type GraphObject } from "../../cli/adopt/graph";
import { readTenant, type ReadOptions, type TenantRead } from "../../cli/adopt/tenant";
import { GraphDouble, type GraphJson } from "../doubles/graphServer";
import { rejection } from "../helpers/thrown";
import { AUDIENCE, K2_API_CLIENT_ID, TENANT } from "../helpers/testTenant";
import {
  ALICE,
  BOB,
  grant,
  GRAPH_APP_ID,
  GRAPH_SP_ID,
  K2_API_SP_ID,
  K2_ENTRY,
  K2_SCOPE_ID,
  legacyApps,
  portalApp,
  POWER_AUTOMATE,
  REPORTS,
  REPORTS_EU,
  seedTenant,
  servicePrincipalJson,
  user,
  USER_READ_ENTRY,
  USER_READ_ID,
  type HandMadeApp,
} from "./tenantFixtures";

const TOKEN = "token-for-the-adoption-tests";

/** What the report says of a tenant-wide consent the first pulumi up creates (a change of access). */
function widens(before: string): string {
  return (
    `tenant-wide consent to the K2 API scope 'user_impersonation' (there is none yet). This widens access: it grants the scope through this app for every user of the tenant, where before ${before}. ` +
    "If that is not wanted, remove this client from the stack file before pulumi up and keep managing the app by hand"
  );
}
const CONTEXT: AdoptionContext = { scope: { value: "user_impersonation", id: K2_SCOPE_ID }, existing: [], today: "2026-11-29" };
const OPTIONS: ReadOptions = { k2ApiClientId: K2_API_CLIENT_ID, audience: AUDIENCE, tenantId: TENANT, skipUnreadable: false, progress: () => undefined };

/** A Graph double holding exactly `apps` (and the K2 API and Microsoft Graph), read the way adopt reads it. */
async function tenantOf(apps: HandMadeApp[], prepare: (g: GraphDouble) => void = () => undefined, options: Partial<ReadOptions> = {}): Promise<TenantRead> {
  const graph = await GraphDouble.start();
  try {
    graph.acceptToken = (t) => t === TOKEN;
    seedTenant(graph, apps);
    prepare(graph);
    const http = { attempts: 2, timeoutMs: 5_000, backoffMs: () => 0, maxRetryAfterMs: 0, sleep: async () => undefined, fetch: globalThis.fetch };
    return await readTenant(createGraphReader({ root: graph.url, token: TOKEN, http, maxPages: 10 }), { ...OPTIONS, ...options });
  } finally {
    await graph.close();
  }
}

/** One hand-made app with a service principal and tenant-wide consent, with parts changed. */
function handMade(parts: { app?: Partial<Parameters<typeof portalApp>[0]>; sp?: GraphJson; grants?: GraphJson[]; owners?: GraphJson[] } = {}): HandMadeApp {
  const ids = { id: "0e000000-0000-4000-8000-000000000001", appId: "0e000000-0000-4000-8000-0000000000a1", spId: "0e000000-0000-4000-8000-0000000000b1" };
  return {
    app: portalApp({ id: ids.id, appId: ids.appId, displayName: "K2 - Forms", redirectUris: ["https://forms.contoso.example/signin"], requiredResourceAccess: [K2_ENTRY], ...parts.app }),
    owners: parts.owners ?? [user(ALICE)],
    servicePrincipal: {
      json: servicePrincipalJson({ id: ids.spId, appId: ids.appId, displayName: "K2 - Forms" }, parts.sp),
      owners: parts.owners ?? [user(ALICE)],
      grants: parts.grants ?? [grant("FormsGrant", ids.spId, K2_API_SP_ID, "user_impersonation")],
    },
  };
}

describe("the legacy tenant: three hand-made apps", () => {
  let tenant: TenantRead;
  beforeAll(async () => {
    tenant = await tenantOf(legacyApps());
  });

  it("reads the K2 API, every app requesting it (in display-name order) and the other APIs they request", () => {
    expect(tenant.k2Api).toEqual({ id: K2_API_SP_ID, appId: K2_API_CLIENT_ID, displayName: "K2 API", scopes: new Map([[K2_SCOPE_ID, "user_impersonation"]]), roles: new Map() });
    expect(tenant.apps.map((a) => [a.displayName, a.id, a.owners, a.servicePrincipal?.id])).toEqual([
      ["K2 - Power Automate", POWER_AUTOMATE.id, [{ id: ALICE.id, label: ALICE.upn }], POWER_AUTOMATE.spId],
      ["K2 - Reports", REPORTS.id, [], REPORTS.spId],
      ["K2 - Reports", REPORTS_EU.id, [{ id: ALICE.id, label: ALICE.upn }, { id: BOB.id, label: BOB.upn }], undefined],
    ]);
    expect([...tenant.otherApis.keys()]).toEqual([GRAPH_APP_ID]);
    expect(tenant.otherApis.get(GRAPH_APP_ID)?.scopes.get(USER_READ_ID)).toBe("User.Read");
  });

  it("writes each app as it is, with the ids to import", () => {
    const adoption = decideAdoption(tenant, CONTEXT);
    const entries: ClientEntry[] = [
      {
        name: "k2-power-automate",
        displayName: "K2 - Power Automate",
        redirectUris: ["https://global.consent.azure-apim.net/redirect"],
        owners: [ALICE.id],
        requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: USER_READ_ID, type: "Scope" }] }],
        secret: { lifetimeDays: 180, rotateAfterDays: 150, startDate: "2026-11-29" },
        adopt: { since: "2026-11-29", applicationObjectId: POWER_AUTOMATE.id, servicePrincipalObjectId: POWER_AUTOMATE.spId, grantId: POWER_AUTOMATE.grantId },
      },
      {
        name: "k2-reports",
        displayName: "K2 - Reports",
        redirectUris: ["https://reports.contoso.example/signin-oidc", "https://reports.contoso.example/"],
        owners: [],
        implicitGrant: { accessTokens: true, idTokens: true },
        servicePrincipal: { owners: [BOB.id], appRoleAssignmentRequired: true },
        secret: { lifetimeDays: 180, rotateAfterDays: 150, startDate: "2026-11-29" },
        adopt: { since: "2026-11-29", applicationObjectId: REPORTS.id, servicePrincipalObjectId: REPORTS.spId, grantId: REPORTS.grantId },
      },
      {
        name: "k2-reports-2",
        displayName: "K2 - Reports",
        redirectUris: ["https://reports-eu.contoso.example/signin-oidc"],
        owners: [ALICE.id, BOB.id],
        secret: { lifetimeDays: 180, rotateAfterDays: 150, startDate: "2026-11-29" },
        adopt: { since: "2026-11-29", applicationObjectId: REPORTS_EU.id },
      },
    ];
    expect(adoption.clients.map((c) => c.entry)).toEqual(entries);
    expect(adoption.skipped).toEqual([]);
    expect(adoption.sharedDisplayNames).toEqual([{ displayName: "K2 - Reports", names: ["k2-reports", "k2-reports-2"] }]);
  });

  it("says what the first pulumi up imports and creates", () => {
    const [pa, reports, eu] = decideAdoption(tenant, CONTEXT).clients;
    expect(pa.imports).toEqual([
      { what: "app registration", id: POWER_AUTOMATE.id, importId: `/applications/${POWER_AUTOMATE.id}` },
      { what: "service principal", id: POWER_AUTOMATE.spId, importId: `/servicePrincipals/${POWER_AUTOMATE.spId}` },
      { what: "tenant-wide consent", id: POWER_AUTOMATE.grantId, importId: `/oauth2PermissionGrants/${POWER_AUTOMATE.grantId}` },
    ]);
    expect(pa.creates).toEqual([]);
    expect(reports.imports.map((i) => i.importId)).toEqual([`/applications/${REPORTS.id}`, `/servicePrincipals/${REPORTS.spId}`, `/oauth2PermissionGrants/${REPORTS.grantId}`]);
    expect(eu.imports.map((i) => i.importId)).toEqual([`/applications/${REPORTS_EU.id}`]);
    expect(eu.creates).toEqual(["its service principal (the app has none in this tenant)", widens("no user had consented")]);
  });

  it("names the policy findings to expect (the pack's defaults: Microsoft Graph User.Read is allowed) and the change to make after the adoption", () => {
    const findings = decideAdoption(tenant, CONTEXT).clients.flatMap((c) => c.findings);
    expect(findings).toEqual([
      {
        policy: "entra-app-implicit-grant",
        level: "mandatory",
        resource: "k2-reports-app",
        message: "the app issues access tokens through the implicit grant",
        change: "once its consumers use the authorization code flow, set implicitGrant.accessTokens: false for client k2-reports (adopt keeps it on: turning it off at import would break a consumer that uses it)",
      },
      {
        policy: "entra-app-implicit-grant",
        level: "mandatory",
        resource: "k2-reports-app",
        message: "the app issues ID tokens through the implicit grant",
        change: "once its consumers use the authorization code flow, set implicitGrant.idTokens: false for client k2-reports (adopt keeps it on: turning it off at import would break a consumer that uses it)",
      },
      {
        policy: "entra-app-owners",
        level: "mandatory",
        resource: "k2-reports-app",
        message: "the app has no owners",
        change: "add the object ids of the people who look after it to owners of client k2-reports",
      },
    ]);
  });

  it("least privilege, as the pack judges it: an app role and a delegated scope outside allowedScopes each a finding, User.Read none", () => {
    const MAIL_READ = "570282fd-fa5c-430d-a7fd-fc8dc98a9dca";
    const ROLE_ID = "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30";
    const entry: Omit<ClientEntry, "name"> = {
      displayName: "K2 - Mail",
      redirectUris: [],
      owners: [ALICE.id],
      requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: USER_READ_ID, type: "Scope" }, { id: MAIL_READ, type: "Scope" }, { id: ROLE_ID, type: "Role" }] }],
      secret: { lifetimeDays: 180, rotateAfterDays: 150, startDate: "2026-11-29" },
      adopt: { since: "2026-11-29", applicationObjectId: "0e000000-0000-4000-8000-000000000001" },
    };
    const names = new Map([[`${GRAPH_APP_ID}/${ROLE_ID}`, "Microsoft Graph: Application.Read.All (application permission)"]]);
    expect(expectedFindings("k2-mail", entry, names)).toEqual([
      {
        policy: "entra-app-least-privilege",
        level: "mandatory",
        resource: "k2-mail-app",
        message: `the app requests ${MAIL_READ}: it requests a delegated scope the policy's allowedScopes does not list; remove it, or add it to allowedScopes as "<API application id>/<scope id>" if the client needs it`,
        change: `once no consumer needs it, remove it (id ${MAIL_READ}) from the requiredResourceAccess entry ${GRAPH_APP_ID} of client k2-mail; if a consumer does need it, add "${GRAPH_APP_ID}/${MAIL_READ}" to allowedScopes of entra-app-least-privilege in the stack's policy config`,
      },
      {
        policy: "entra-app-least-privilege",
        level: "mandatory",
        resource: "k2-mail-app",
        message: "the app requests Microsoft Graph: Application.Read.All (application permission): it requests an app role (an application permission, which acts without any user): far more than a K2 client needs; remove it",
        change: `once no consumer needs it, remove it (id ${ROLE_ID}) from the requiredResourceAccess entry ${GRAPH_APP_ID} of client k2-mail`,
      },
    ]);
  });

  it("reports existing secrets as metadata, and consents it leaves as they are", () => {
    const [pa, reports, eu] = decideAdoption(tenant, CONTEXT).clients;
    expect(pa.credentials).toEqual([
      { kind: "client secret", keyId: "5ec00000-0000-4000-8000-000000000001", displayName: "Power Automate connector", endDate: "2027-01-31T10:00:00Z" },
      { kind: "client secret", keyId: "5ec00000-0000-4000-8000-000000000002", displayName: "first secret", endDate: "2025-02-01T10:00:00Z" },
    ]);
    expect(pa.leftAsIs).toEqual(["tenant-wide consent to Microsoft Graph: User.Read"]);
    expect([pa.owners, reports.owners, eu.owners]).toEqual([
      { app: ALICE.upn, servicePrincipal: undefined },
      { app: "none", servicePrincipal: BOB.upn },
      { app: `${ALICE.upn}, ${BOB.upn}`, servicePrincipal: undefined },
    ]);
    expect(reports.credentials.map((c) => c.keyId)).toEqual(["5ec00000-0000-4000-8000-000000000003"]);
    expect(eu.credentials).toEqual([]);
  });

  it("leaves apps the stack already adopted as they are, and keeps their names taken", () => {
    const adoption = decideAdoption(tenant, { ...CONTEXT, existing: [{ name: "k2-reports", displayName: "K2 - Reports", applicationObjectId: REPORTS_EU.id.toUpperCase() }] });
    expect(adoption.alreadyAdopted).toEqual([{ name: "k2-reports", displayName: "K2 - Reports", id: REPORTS_EU.id }]);
    expect(adoption.clients.map((c) => c.entry.name)).toEqual(["k2-power-automate", "k2-reports-2"]);
    expect(adoption.sharedDisplayNames).toEqual([{ displayName: "K2 - Reports", names: ["k2-reports-2", "k2-reports"] }]);
  });

  it("does not add an app the stack already declares by hand under its display name (a pulumi up would create a second one)", () => {
    const adoption = decideAdoption(tenant, { ...CONTEXT, existing: [{ name: "power-automate", displayName: "K2 - Power Automate", applicationObjectId: undefined }] });
    expect(adoption.skipped).toEqual([
      {
        id: POWER_AUTOMATE.id,
        appId: POWER_AUTOMATE.appId,
        displayName: "K2 - Power Automate",
        reasons: [
          `the stack already declares client 'power-automate' with this display name but without adopt ids. If that client has not been deployed yet, a pulumi up would create a second app: add adopt.applicationObjectId: ${POWER_AUTOMATE.id} to it (and adopt again to check it), or remove the client`,
        ],
      },
    ]);
  });
});

describe("apps this project cannot declare exactly are left, with the reason", () => {
  const reasonsFor = async (app: HandMadeApp) => {
    const adoption = decideAdoption(await tenantOf([app]), CONTEXT);
    expect(adoption.clients).toEqual([]);
    return adoption.skipped[0]?.reasons;
  };

  it("a setting the components do not declare, with what to remove", async () => {
    expect(await reasonsFor(handMade({ app: { overrides: { identifierUris: ["api://forms"], notes: "made by Bob" }, web: { logoutUrl: "https://forms.contoso.example/logout" } } }))).toEqual([
      "it sets what this project does not declare, so the first pulumi up would remove it: identifierUris: 'api://forms'; notes: 'made by Bob'; web.logoutUrl: 'https://forms.contoso.example/logout'. Remove these settings in the Entra admin center if nothing needs them, then run adopt again",
    ]);
  });

  it.each<[string, GraphObject, string[]]>([
    ["app roles", { appRoles: [{ id: "r", value: "Forms.Admin" }] }, ["appRoles: 'Forms.Admin'"]],
    ["an exposed API", { api: { oauth2PermissionScopes: [{ value: "forms.read" }], requestedAccessTokenVersion: 2, acceptMappedClaims: true, knownClientApplications: ["k"] } }, [
      "api.knownClientApplications: 'k'", "api.acceptMappedClaims: true", "api.oauth2PermissionScopes: 'forms.read'", "api.requestedAccessTokenVersion: 2",
    ]],
    ["requestedAccessTokenVersion 1 or unset is what the provider reads as empty", { api: { requestedAccessTokenVersion: 1 } }, []],
    ["SPA and public client redirect URIs", { spa: { redirectUris: ["https://spa"] }, publicClient: { redirectUris: ["http://localhost"] } }, ["publicClient.redirectUris: 'http://localhost'", "spa.redirectUris: 'https://spa'"]],
    ["optional claims and group claims", { optionalClaims: { idToken: [{ name: "email" }], accessToken: [], saml2Token: [] }, groupMembershipClaims: "SecurityGroup" }, ["groupMembershipClaims: 'SecurityGroup'", "optionalClaims.idToken: 'email'"]],
    ["flags", { isFallbackPublicClient: true, isDeviceOnlyAuthSupported: true, oauth2RequirePostResponse: true }, ["isDeviceOnlyAuthSupported: true", "isFallbackPublicClient: true", "oauth2RequirePostResponse: true"]],
    // The service's JSON may spell it this way (what the provider reads from beta): read too.
    ["POST response required, as the service may spell it", { oauth2RequirePostResponse: false, oauth2RequiredPostResponse: true }, ["oauth2RequiredPostResponse: true"]],
    ["info URLs, description, service management reference", { info: { marketingUrl: "https://m", supportUrl: "https://s" }, description: "d", serviceManagementReference: "ref" }, [
      "description: 'd'", "serviceManagementReference: 'ref'", "info.marketingUrl: 'https://m'", "info.supportUrl: 'https://s'",
    ]],
  ])("%s", (_, overrides, expected) => {
    expect(unsupportedAppSettings(portalApp({ id: "i", appId: "a", displayName: "d", overrides }))).toEqual(expected);
  });

  it("service principal settings the components do not declare", () => {
    expect(unsupportedServicePrincipalSettings(servicePrincipalJson({ id: "s", appId: "a", displayName: "d" }))).toEqual([]);
    expect(
      unsupportedServicePrincipalSettings(
        servicePrincipalJson(
          { id: "s", appId: "a", displayName: "d" },
          { accountEnabled: false, notes: "n", loginUrl: "https://l", notificationEmailAddresses: ["ops@contoso.example"], preferredSingleSignOnMode: "saml", samlSingleSignOnSettings: { relayState: "r" }, alternativeNames: ["x"], description: "d" },
        ),
      ),
    ).toEqual([
      "servicePrincipal.accountEnabled: false (sign-in disabled)",
      "servicePrincipal.alternativeNames: 'x'",
      "servicePrincipal.description: 'd'",
      "servicePrincipal.loginUrl: 'https://l'",
      "servicePrincipal.notes: 'n'",
      "servicePrincipal.notificationEmailAddresses: 'ops@contoso.example'",
      "servicePrincipal.preferredSingleSignOnMode: 'saml'",
      "servicePrincipal.samlSingleSignOnSettings.relayState: 'r'",
    ]);
  });

  it("more of the K2 API than its delegated scope", async () => {
    const k2Role = { resourceAppId: K2_API_CLIENT_ID, resourceAccess: [{ id: K2_SCOPE_ID, type: "Scope" }, { id: "3a000000-0000-4000-8000-0000000000ff", type: "Role" }] };
    expect(await reasonsFor(handMade({ app: { requiredResourceAccess: [k2Role] } }))).toEqual([
      "it requests K2 API: user_impersonation (delegated), K2 API: 3a000000-0000-4000-8000-0000000000ff (application permission) of the K2 API, where this project declares exactly the delegated scope 'user_impersonation'",
    ]);
  });

  it("a tenant-wide consent to the scope in other letter case (the provider compares claim values exactly)", async () => {
    expect(await reasonsFor(handMade({ grants: [grant("g", "0e000000-0000-4000-8000-0000000000b1", K2_API_SP_ID, "User_Impersonation")] }))).toEqual([
      "its tenant-wide consent to the K2 API grants 'User_Impersonation', where this project declares exactly 'user_impersonation'",
    ]);
  });

  it("a display name with blanks around it (the config trims it: the first pulumi up would rename the app)", async () => {
    expect(await reasonsFor(handMade({ app: { displayName: " K2 - Forms  " } }))).toEqual([
      "its display name ' K2 - Forms  ' begins or ends with blanks, which this project's config trims: the first pulumi up would rename it to 'K2 - Forms'. Rename it to 'K2 - Forms' in the Entra admin center, then run adopt again",
    ]);
  });

  it("a tenant-wide consent with other scopes than the one declared", async () => {
    expect(await reasonsFor(handMade({ grants: [grant("g", "0e000000-0000-4000-8000-0000000000b1", K2_API_SP_ID, "user_impersonation offline_access")] }))).toEqual([
      "its tenant-wide consent to the K2 API grants 'user_impersonation offline_access', where this project declares exactly 'user_impersonation'",
    ]);
  });

  it("what the stack's config refuses (a display name over 120 characters, an http redirect URI): left out with each key's message", async () => {
    const long = `K2 - ${"x".repeat(116)}`;
    const tenant = await tenantOf([handMade({ app: { displayName: long, redirectUris: ["http://forms.contoso.example/signin", "https://forms.contoso.example/ok"] } })]);
    const adoption = decideAdoption(tenant, { ...CONTEXT, existing: [{ name: "reporting", displayName: "Reporting", applicationObjectId: undefined }] });
    expect(adoption.clients).toEqual([]);
    expect(adoption.skipped).toEqual([
      {
        id: "0e000000-0000-4000-8000-000000000001",
        appId: "0e000000-0000-4000-8000-0000000000a1",
        displayName: long,
        reasons: [
          "this project's config refuses what the app has: " +
            `k2-oauth:clients[1].displayName: expected a display name of at most 120 characters, like K2 - Power Automate; got '${long.slice(0, 80)}…'; ` +
            "k2-oauth:clients[1].redirectUris[0]: expected a redirect URI as an https URL, like https://global.consent.azure-apim.net/redirect (https, not http); got 'http://forms.contoso.example/signin'. " +
            "Change it in the Entra admin center if nothing needs it, then run adopt again",
        ],
      },
    ]);
  });

  it("the name of an app left out is free for the next one with the same display name", async () => {
    const refused = handMade({ app: { redirectUris: ["http://forms.contoso.example/signin"] } });
    const other = { app: portalApp({ id: "0f000000-0000-4000-8000-000000000001", appId: "0f000000-0000-4000-8000-0000000000a1", displayName: "K2 - Forms", redirectUris: ["https://forms2.contoso.example/signin"], requiredResourceAccess: [K2_ENTRY] }), owners: [user(ALICE)] };
    const adoption = decideAdoption(await tenantOf([refused, other]), CONTEXT);
    expect(adoption.skipped.map((s) => s.id)).toEqual(["0e000000-0000-4000-8000-000000000001"]);
    expect(adoption.clients.map((c) => [c.entry.name, c.entry.adopt.applicationObjectId])).toEqual([["k2-forms", "0f000000-0000-4000-8000-000000000001"]]);
    expect(adoption.sharedDisplayNames).toEqual([]);
  });

  it("an API listed without any permission", async () => {
    expect(await reasonsFor(handMade({ app: { requiredResourceAccess: [K2_ENTRY, { resourceAppId: GRAPH_APP_ID, resourceAccess: [] }] } }))).toEqual([
      `it lists the API ${GRAPH_APP_ID} without any permission`,
    ]);
  });
});

describe("apps a k2-oauth stack manages already are never adopted twice", () => {
  const PROJECT_SECRET = { keyId: "5ec00000-0000-4000-8000-0000000000f1", displayName: "k2-oauth slot a (generation 2, until 2027-03-01)", end: "2027-03-01T00:00:00Z" };
  const withProjectSecret = () => handMade({ app: { passwords: [{ keyId: "5ec00000-0000-4000-8000-0000000000f0", displayName: "by hand", end: "2027-01-01T00:00:00Z" }, PROJECT_SECRET] } });
  const FORMS_ID = "0e000000-0000-4000-8000-000000000001";

  it("an app carrying this project's client secrets is left to the stack that made it", async () => {
    const adoption = decideAdoption(await tenantOf([withProjectSecret()]), CONTEXT);
    expect(adoption.clients).toEqual([]);
    expect(adoption.alreadyManaged).toEqual([]);
    expect(adoption.skipped.map((s) => [s.id, s.reasons])).toEqual([
      [
        FORMS_ID,
        [
          "it was created and is managed by a k2-oauth stack (its client secrets carry this project's names, like 'k2-oauth slot a (generation 1, until …)'): declare it in that stack, not here",
        ],
      ],
    ]);
  });

  it("a near miss of the project's secret name is a hand-made secret: the app is adopted", async () => {
    const app = handMade({ app: { passwords: [{ ...PROJECT_SECRET, displayName: "k2-oauth slot c (generation 2, until 2027-03-01)" }] } });
    expect(decideAdoption(await tenantOf([app]), CONTEXT).clients.map((c) => c.entry.adopt.applicationObjectId)).toEqual([FORMS_ID]);
  });

  it("this stack's own client, found by display name, is managed by this stack already: no advice to add adopt ids", async () => {
    const existing = [{ name: "forms", displayName: "K2 - Forms", applicationObjectId: undefined }];
    const adoption = decideAdoption(await tenantOf([withProjectSecret()]), { ...CONTEXT, existing });
    expect(adoption.alreadyManaged).toEqual([{ name: "forms", displayName: "K2 - Forms", id: FORMS_ID }]);
    expect([adoption.clients, adoption.skipped, adoption.alreadyAdopted]).toEqual([[], [], []]);
  });

  it("an app another stack of the tenant adopted (by object id) or declares (by display name) is left to it", async () => {
    const tenant = await tenantOf(legacyApps());
    const otherStacks = [
      { label: "stacks/Pulumi.prod.yaml", clients: [{ name: "pa", displayName: "Power Automate (renamed)", applicationObjectId: POWER_AUTOMATE.id.toUpperCase() }] },
      { label: "stacks/Pulumi.qa.yaml", clients: [{ name: "rep", displayName: "K2 - Reports", applicationObjectId: undefined }] },
    ];
    const adoption = decideAdoption(tenant, { ...CONTEXT, otherStacks });
    expect(adoption.clients).toEqual([]);
    const tail = "two stacks would manage one app, each with its own secrets, undoing each other's changes. Manage it there; adopt it here only after removing it there";
    expect(adoption.skipped.map((s) => [s.id, s.reasons])).toEqual([
      [POWER_AUTOMATE.id, [`client 'pa' of stacks/Pulumi.prod.yaml (same tenant) declares it by its object id (adopt.applicationObjectId): ${tail}`]],
      [REPORTS.id, [`client 'rep' of stacks/Pulumi.qa.yaml (same tenant) declares it by its display name: ${tail}`]],
      [REPORTS_EU.id, [`client 'rep' of stacks/Pulumi.qa.yaml (same tenant) declares it by its display name: ${tail}`]],
    ]);
  });

  it("another stack's client with adopt ids of another app does not claim an app by display name", async () => {
    const otherStacks = [{ label: "stacks/Pulumi.prod.yaml", clients: [{ name: "rep", displayName: "K2 - Reports", applicationObjectId: REPORTS_EU.id }] }];
    const adoption = decideAdoption(await tenantOf(legacyApps()), { ...CONTEXT, otherStacks });
    expect(adoption.clients.map((c) => c.entry.adopt.applicationObjectId)).toEqual([POWER_AUTOMATE.id, REPORTS.id]);
    expect(adoption.skipped.map((s) => s.id)).toEqual([REPORTS_EU.id]);
  });
});

describe("consents that stay as they are", () => {
  it("user consents to the K2 API and consents to other APIs are listed, the tenant-wide K2 consent imported", async () => {
    const sp = "0e000000-0000-4000-8000-0000000000b1";
    const tenant = await tenantOf([
      handMade({
        app: { requiredResourceAccess: [USER_READ_ENTRY, K2_ENTRY] },
        grants: [grant("K2All", sp, K2_API_SP_ID, "user_impersonation"), grant("K2Bob", sp, K2_API_SP_ID, "user_impersonation", "Principal", BOB.id), grant("GraphAlice", sp, GRAPH_SP_ID, "User.Read", "Principal", ALICE.id)],
      }),
    ]);
    const [client] = decideAdoption(tenant, CONTEXT).clients;
    expect(client.entry.adopt.grantId).toBe("K2All");
    expect(client.leftAsIs).toEqual(["1 user consent to the K2 API (per user, not tenant-wide)", "a user's consent to Microsoft Graph: User.Read"]);
  });

  it("without tenant-wide consent to the K2 API, the first pulumi up grants it", async () => {
    const [client] = decideAdoption(await tenantOf([handMade({ grants: [] })]), CONTEXT).clients;
    expect(client.entry.adopt).toEqual({ since: "2026-11-29", applicationObjectId: "0e000000-0000-4000-8000-000000000001", servicePrincipalObjectId: "0e000000-0000-4000-8000-0000000000b1" });
    expect(client.creates).toEqual([widens("no user had consented")]);
  });

  it("a tenant-wide consent where users had consented themselves is reported as the change of access it is", async () => {
    const sp = "0e000000-0000-4000-8000-0000000000b1";
    const grants = [grant("K2Bob", sp, K2_API_SP_ID, "user_impersonation", "Principal", BOB.id), grant("K2Alice", sp, K2_API_SP_ID, "user_impersonation", "Principal", ALICE.id)];
    const [two] = decideAdoption(await tenantOf([handMade({ grants })]), CONTEXT).clients;
    expect(two.creates).toEqual([widens("only the 2 users who consented themselves could")]);
    const [one] = decideAdoption(await tenantOf([handMade({ grants: grants.slice(0, 1) })]), CONTEXT).clients;
    expect(one.creates).toEqual([widens("only the 1 user who consented themselves could")]);
    expect(one.leftAsIs).toEqual(["1 user consent to the K2 API (per user, not tenant-wide)"]);
  });

  it("a service principal with the app's owners needs no servicePrincipal key; a multi-tenant app keeps its audience (and is flagged)", async () => {
    const [client] = decideAdoption(await tenantOf([handMade({ app: { overrides: { signInAudience: "AzureADMultipleOrgs" } } })]), CONTEXT).clients;
    expect(client.entry.servicePrincipal).toBeUndefined();
    expect(client.entry.signInAudience).toBe("AzureADMultipleOrgs");
    expect(client.findings.map((f) => [f.policy, f.level, f.message])).toEqual([["entra-app-single-tenant", "advisory", "the app's sign-in audience is AzureADMultipleOrgs"]]);
  });
});

describe("a tenant adopt cannot work with", () => {
  it("without the K2 API service principal: stops and says why, by appId and by identifier", async () => {
    const noK2 = (g: GraphDouble) => g.servicePrincipals.splice(0, 1);
    expect(((await rejection(tenantOf([], noK2))) as Error).message).toBe(
      `tenant ${TENANT} has no service principal for the K2 API with appId ${K2_API_CLIENT_ID} (k2-oauth:k2Api.clientId). Without it no app can have been given the K2 API permission. ` +
        "Either K2 API was never added to this tenant (an administrator adds it with the consent link of K2 KB002784), or k2-oauth:k2Api.clientId names another app: take the Application ID of the \"K2 API\" enterprise application. Nothing was written.",
    );
    expect(((await rejection(tenantOf([], noK2, { k2ApiClientId: undefined }))) as Error).message).toBe(
      `tenant ${TENANT} has no service principal for the K2 API with the identifier ${AUDIENCE} (k2-oauth:k2Api.audience). Without it no app can have been given the K2 API permission. ` +
        "Either K2 API was never added to this tenant (an administrator adds it with the consent link of K2 KB002784), or it uses another identifier: set k2-oauth:k2Api.clientId in the stack file. Nothing was written.",
    );
  });

  it("finds the K2 API by its identifier when the stack does not name it, and stops when two claim it", async () => {
    expect((await tenantOf([], undefined, { k2ApiClientId: undefined })).k2Api.appId).toBe(K2_API_CLIENT_ID);
    const twice = (g: GraphDouble) => g.servicePrincipals.push(servicePrincipalJson({ id: "dup", appId: "dddddddd-0000-4000-8000-000000000000", displayName: "K2 API (copy)" }, { servicePrincipalNames: [AUDIENCE] }));
    expect(((await rejection(tenantOf([], twice, { k2ApiClientId: undefined }))) as Error).message).toBe(
      `tenant ${TENANT} has 2 service principals with the identifier ${AUDIENCE} (k2-oauth:k2Api.audience) (appIds ${K2_API_CLIENT_ID}, dddddddd-0000-4000-8000-000000000000); set k2-oauth:k2Api.clientId in the stack file to the one K2 uses, then run adopt again. Nothing was written.`,
    );
  });

  it("an app Graph refuses to show (403): stops naming it, or with skipUnreadable leaves it out with the reason", async () => {
    const deny = (g: GraphDouble) => g.deny(REPORTS.spId);
    const e = (await rejection(tenantOf(legacyApps(), deny))) as Error;
    expect(e.name).toBe("AdoptError");
    expect(e.message).toMatch(
      new RegExp(
        `^could not read the owners of the service principal of app 'K2 - Reports' \\(${REPORTS.id}\\): GET http://127\\.0\\.0\\.1:\\d+/v1\\.0/servicePrincipals/${REPORTS.spId}/owners answered HTTP 403 \\(Authorization_RequestDenied: Insufficient privileges to complete the operation\\.\\) \\[request-id [0-9a-f-]+\\]; adopt needs .+\\. Nothing was written\\. To adopt the other apps and leave 'K2 - Reports' \\(${REPORTS.id}\\) to be managed by hand, run adopt again with --skip-unreadable\\.$`,
      ),
    );
    const tenant = await tenantOf(legacyApps(), deny, { skipUnreadable: true });
    const adoption = decideAdoption(tenant, CONTEXT);
    expect(adoption.clients.map((c) => c.entry.name)).toEqual(["k2-power-automate", "k2-reports"]);
    expect(adoption.clients[1].entry.adopt.applicationObjectId).toBe(REPORTS_EU.id);
    expect(adoption.skipped.map((s) => [s.id, s.reasons.length, s.reasons[0].startsWith("Microsoft Graph refused to show all of it (--skip-unreadable): could not read the owners of the service principal")])).toEqual([
      [REPORTS.id, 1, true],
    ]);
  });
});
