import { describe, expect, it } from "vitest";
import { k2ApiAdminConsent } from "../../policies/rules/adminConsent";
import { applicationProps, contracts, guidFor, K2_API_CLIENT_ID, K2_API_SP_OBJECT_ID } from "./helpers/fixtures";
import { messages, runStackRule, UNKNOWN, UNKNOWN_ARRAY, urnOf, type StackInput } from "./helpers/policyHarness";

const GRAPH = "00000003-0000-0000-c000-000000000000";

/** One client as the program declares it: app, service principal, tenant-wide grant (outputs included). */
function client(name: string, opts: { app?: Record<string, unknown>; grant?: Record<string, unknown> | null } = {}): StackInput[] {
  const app = applicationProps(name, opts.app);
  const spObjectId = guidFor(`${name}/sp`);
  const out: StackInput[] = [
    { type: contracts.TYPE_AZUREAD_APPLICATION, name: `${name}-app`, props: app },
    { type: contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL, name: `${name}-sp`, props: { clientId: app.clientId, objectId: spObjectId } },
  ];
  if (opts.grant !== null) {
    out.push({
      type: contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
      name: `${name}-consent`,
      props: { servicePrincipalObjectId: spObjectId, resourceServicePrincipalObjectId: K2_API_SP_OBJECT_ID, claimValues: ["user_impersonation"], ...opts.grant },
    });
  }
  return out;
}

const appUrn = (name: string) => urnOf({ type: contracts.TYPE_AZUREAD_APPLICATION, name: `${name}-app` });

describe("k2-api-admin-consent", () => {
  const run = (resources: StackInput[], config: Record<string, unknown> = {}) => runStackRule(k2ApiAdminConsent, resources, config);

  it("passes clients with tenant-wide consent for the scope, with or without the K2 API pinned in config", async () => {
    const stack = [...client("pa"), ...client("reporting")];
    expect(await run(stack)).toEqual({ violations: [] });
    expect(await run(stack, { k2ApiClientId: K2_API_CLIENT_ID, k2ApiServicePrincipalObjectId: K2_API_SP_OBJECT_ID, scope: "user_impersonation" })).toEqual({ violations: [] });
  });

  it("rejects a client without any grant, attributed to the app", async () => {
    const r = await run(client("pa", { grant: null }));
    expect(r.violations).toEqual([
      {
        message: `pa-app requests the K2 API (${K2_API_CLIENT_ID}) scope 'user_impersonation' but has no tenant-wide admin consent for it: no delegated permission grant names its service principal (if ${K2_API_CLIENT_ID} is not the K2 API, set the policy's k2ApiClientId)`,
        urn: appUrn("pa"),
      },
    ]);
  });

  it("rejects consent for one user only, for another scope, or on another service principal, saying why", async () => {
    expect(messages(await run(client("pa", { grant: { userObjectId: "44444444-0000-0000-0000-000000000000" } })))).toEqual([
      expect.stringContaining("pa-consent consents for a single user (userObjectId is set), not for all users of the tenant"),
    ]);
    expect(messages(await run(client("pa", { grant: { claimValues: ["openid", "profile"] } })))).toEqual([
      expect.stringContaining("pa-consent grants openid profile, not the scope 'user_impersonation'"),
    ]);
    expect(messages(await run(client("pa"), { scope: "access_as_user" }))).toEqual([expect.stringContaining("not the scope 'access_as_user'")]);
    expect(messages(await run(client("pa"), { k2ApiServicePrincipalObjectId: "55555555-0000-0000-0000-000000000000" }))).toEqual([
      expect.stringContaining(`pa-consent is on service principal ${K2_API_SP_OBJECT_ID}, not the K2 API service principal 55555555-0000-0000-0000-000000000000`),
    ]);
  });

  it("checks a declared K2 API service principal, and that grants agree when it is only looked up", async () => {
    const k2Sp: StackInput = { type: contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL, name: "k2-api-sp", props: { clientId: K2_API_CLIENT_ID, objectId: K2_API_SP_OBJECT_ID } };
    expect(await run([...client("pa"), k2Sp])).toEqual({ violations: [] });
    const wrong = await run([...client("pa", { grant: { resourceServicePrincipalObjectId: "66666666-0000-0000-0000-000000000000" } }), k2Sp]);
    expect(messages(wrong)).toEqual([expect.stringContaining(`not on the service principal of the K2 API (${K2_API_CLIENT_ID})`)]);
    const disagree = await run([...client("pa"), ...client("reporting", { grant: { resourceServicePrincipalObjectId: "66666666-0000-0000-0000-000000000000" } })]);
    expect(messages(disagree)).toEqual([expect.stringMatching(/^consent grants for the K2 API .* name different resource service principals/)]);
  });

  it("rejects an app that requests the scope but has no service principal", async () => {
    const r = await run([client("pa")[0]]);
    expect(r.violations).toEqual([{ message: expect.stringContaining("pa-app requests the K2 API scope 'user_impersonation' but the stack declares no service principal"), urn: appUrn("pa") }]);
  });

  it("ignores apps that request no K2 API scope: Microsoft Graph only, app roles only, or another API when k2ApiClientId is set", async () => {
    const graphOnly = client("graph", { app: { requiredResourceAccesses: [{ resourceAppId: GRAPH, resourceAccesses: [{ id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", type: "Scope" }] }] }, grant: null });
    expect(await run(graphOnly)).toEqual({ violations: [] });
    const rolesOnly = client("roles", { app: { requiredResourceAccesses: [{ resourceAppId: K2_API_CLIENT_ID, resourceAccesses: [{ id: "x", type: "Role" }] }] }, grant: null });
    expect(await run(rolesOnly)).toEqual({ violations: [] });
    expect(await run(client("pa", { grant: null }), { k2ApiClientId: "77777777-0000-0000-0000-000000000000" })).toEqual({ violations: [] });
  });

  it("finds scope requests made with ApplicationApiAccess for an ApplicationRegistration", async () => {
    const regObjectId = guidFor("reg/object");
    const regClientId = guidFor("reg/client");
    const resources: StackInput[] = [
      { type: contracts.TYPE_AZUREAD_APPLICATION_REGISTRATION, name: "reg", props: { displayName: "reg", objectId: regObjectId, clientId: regClientId } },
      { type: contracts.TYPE_AZUREAD_APPLICATION_API_ACCESS, name: "reg-k2", props: { applicationId: `/applications/${regObjectId}`, apiClientId: K2_API_CLIENT_ID, scopeIds: ["s"] } },
      { type: contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL, name: "reg-sp", props: { clientId: regClientId, objectId: guidFor("reg/sp") } },
    ];
    expect(messages(await run(resources))).toEqual([expect.stringContaining("reg requests the K2 API")]);
    const withGrant = [
      ...resources,
      { type: contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT, name: "reg-consent", props: { servicePrincipalObjectId: guidFor("reg/sp"), resourceServicePrincipalObjectId: K2_API_SP_OBJECT_ID, claimValues: ["user_impersonation"] } },
    ];
    expect(await run(withGrant)).toEqual({ violations: [] });
  });

  it("links app, service principal and grant through dependencies during preview", async () => {
    // Preview: the app's clientId and the service principal's objectId do not exist yet.
    const [app, sp, grant] = client("pa");
    const preview: StackInput[] = [
      { ...app, props: { ...app.props, clientId: UNKNOWN, objectId: UNKNOWN } },
      { ...sp, props: { clientId: UNKNOWN, objectId: UNKNOWN }, propertyDependencies: { clientId: ["pa-app"] } },
      { ...grant, props: { ...grant.props, servicePrincipalObjectId: UNKNOWN }, propertyDependencies: { servicePrincipalObjectId: ["pa-sp"] }, dependencies: ["pa-sp"] },
    ];
    expect(await run(preview)).toEqual({ violations: [] });
    // Without dependency information, the link cannot be decided: advisory, not a pass and not a violation.
    const blind = preview.map((r) => ({ ...r, propertyDependencies: {}, dependencies: [] }));
    const r = await run(blind);
    expect(r.violations).toEqual([]);
    expect(r.undecided).toContain("the service principal of pa-app");
    // Unknown claim values are undecided too.
    const unknownClaims = await run(client("pa", { grant: { claimValues: UNKNOWN_ARRAY } }));
    expect(unknownClaims).toEqual({ violations: [], undecided: expect.stringContaining("pa-consent.claimValues") });
    const unknownApi = await run(client("pa", { app: { requiredResourceAccesses: [{ resourceAppId: UNKNOWN, resourceAccesses: [] }] } }));
    expect(unknownApi.undecided).toContain("resourceAppId (whether it is the K2 API)");
  });

  it("does not apply to stacks without app registrations", async () => {
    expect((await run([])).notApplicable).toBe("the stack declares no app registrations");
  });
});
