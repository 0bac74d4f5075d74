import { describe, expect, it } from "vitest";
import { k2ApiAdminConsent } from "../../policies/rules/adminConsent";
import { applicationProps, clientApp, contracts, guidFor, inboundOAuth, K2_API_CLIENT_ID, K2_API_SP_OBJECT_ID } from "./helpers/fixtures";
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
        message:
          "pa-app requests the K2 API scope 'user_impersonation' but has no tenant-wide admin consent for it: no delegated permission grant names its service principal (taken for the K2 API because it is not a Microsoft API: if it is not, pin the policy's k2ApiClientId)",
        urn: appUrn("pa"),
      },
    ]);
  });

  it("rejects consent for one user only, for another scope, or on another service principal, saying why", async () => {
    expect(messages(await run(client("pa", { grant: { userObjectId: "44444444-0000-0000-0000-000000000000" } })))).toEqual([
      expect.stringContaining("pa-consent consents for a single user (userObjectId is set), not for all users of the tenant"),
    ]);
    expect(messages(await run(client("pa", { grant: { claimValues: ["openid", "profile"] } })))).toEqual([
      expect.stringContaining(": pa-consent's claimValues do not include the scope 'user_impersonation' ("),
    ]);
    expect(messages(await run(client("pa"), { scope: "access_as_user" }))).toEqual([expect.stringContaining("pa-consent's claimValues do not include the scope 'access_as_user'")]);
    expect(messages(await run(client("pa"), { k2ApiServicePrincipalObjectId: "55555555-0000-0000-0000-000000000000" }))).toEqual([
      expect.stringContaining("pa-consent is on another service principal than the K2 API's (55555555-0000-0000-0000-000000000000)"),
    ]);
    expect(JSON.stringify(await run(client("pa", { grant: { claimValues: ["Mail.Read"] } })))).not.toContain("Mail.Read");
  });

  it("checks a declared K2 API service principal, and that grants agree when it is only looked up", async () => {
    const k2Sp: StackInput = { type: contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL, name: "k2-api-sp", props: { clientId: K2_API_CLIENT_ID, objectId: K2_API_SP_OBJECT_ID } };
    expect(await run([...client("pa"), k2Sp])).toEqual({ violations: [] });
    const wrong = await run([...client("pa", { grant: { resourceServicePrincipalObjectId: "66666666-0000-0000-0000-000000000000" } }), k2Sp]);
    expect(messages(wrong)).toEqual([expect.stringContaining(`pa-consent is on another service principal than the one of the K2 API (${K2_API_CLIENT_ID})`)]);
    const disagree = await run([...client("pa"), ...client("reporting", { grant: { resourceServicePrincipalObjectId: "66666666-0000-0000-0000-000000000000" } })]);
    expect(messages(disagree)).toEqual([
      "consent grants for the K2 API name 2 different resource service principals (pa-consent, reporting-consent); all must name the K2 API service principal. Pin the policy's k2ApiServicePrincipalObjectId to check which is right",
    ]);
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

  it("takes the K2 API, scope and service principal from the stack's records, and names a pin that disagrees", async () => {
    const managed = (opts: Parameters<typeof client>[1] = {}, record: Parameters<typeof clientApp>[2] = {}): StackInput[] => [
      inboundOAuth(),
      clientApp("pa", 0, record),
      ...client("pa", opts).map((r) => ({ ...r, parent: "pa" })),
    ];
    expect(await run(managed())).toEqual({ violations: [] });
    // The recorded K2 API service principal is checked without a pin.
    expect(messages(await run(managed({ grant: { resourceServicePrincipalObjectId: "66666666-0000-0000-0000-000000000000" } })))).toEqual([
      expect.stringContaining(`pa-consent is on another service principal than the K2 API's (${K2_API_SP_OBJECT_ID})`),
    ]);
    // Another API that is not Microsoft's is not taken for the K2 API when the stack records which one it is.
    const other = managed({ app: { requiredResourceAccesses: [{ resourceAppId: "77777777-0000-0000-0000-000000000000", resourceAccesses: [{ id: "s", type: "Scope" }] }] }, grant: null });
    expect(await run(other)).toEqual({ violations: [] });
    const pinned = await run(managed(), { k2ApiClientId: "77777777-0000-0000-0000-000000000000", scope: "access_as_user" });
    expect(messages(pinned).slice(0, 2)).toEqual([
      'the policy config pins k2ApiClientId "77777777-0000-0000-0000-000000000000", but the stack\'s k2-oauth:k2Api.clientId differs: they describe two different set-ups; remove the pin (the stack\'s value then applies) or make them agree',
      'the policy config pins scope "access_as_user", but the stack\'s k2-oauth:k2Api.scope differs: they describe two different set-ups; remove the pin (the stack\'s value then applies) or make them agree',
    ]);
    expect(pinned.violations[0].urn).toBe(urnOf(inboundOAuth()));
  });

  it("requires a ClientApp's consent to be exactly the K2 scope it requests (no more)", async () => {
    const managed = (claimValues: unknown[]): StackInput[] => [inboundOAuth(), clientApp("pa", 0), ...client("pa", { grant: { claimValues } }).map((r) => ({ ...r, parent: "pa" }))];
    expect(await run(managed(["user_impersonation"]))).toEqual({ violations: [] });
    const extra = await run(managed(["user_impersonation", "Workflow.Admin"]));
    expect(messages(extra)).toEqual([
      "pa-app requests the K2 API scope 'user_impersonation' but has no tenant-wide admin consent for it: pa-consent's claimValues are not exactly the K2 scopes the app requests ('user_impersonation'): consent must cover what is requested and nothing more",
    ]);
    // A client outside this project's components: the scope must be among the claim values, more is not judged.
    expect(await run(client("pa", { grant: { claimValues: ["user_impersonation", "Workflow.Admin"] } }))).toEqual({ violations: [] });
  });

  it("does not apply to stacks without app registrations", async () => {
    expect((await run([])).notApplicable).toBe("the stack declares no app registrations");
  });
});
