import { describe, expect, it } from "vitest";
import { GRAPH_SIGN_IN_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../policies/lib/wellKnown";
import { appLeastPrivilege, K2_UNRECORDED } from "../../policies/rules/leastPrivilege";
import { applicationProps, clientApp, contracts, guidFor, inboundOAuth, K2_API_CLIENT_ID, K2_API_SP_OBJECT_ID, K2_SCOPE_ID } from "./helpers/fixtures";
import { messages, runResourceRule, runRule, runStackRule, UNKNOWN, urnOf, type StackInput } from "./helpers/policyHarness";

const USER_READ_ALL_ROLE = "df021288-bdef-4463-88db-98f22de89214";
const MAIL_READ = "570282fd-fa5c-430d-a7fd-fc8dc98a9dca";
const MANAGED = [contracts.TYPE_INBOUND_OAUTH, contracts.TYPE_CLIENT_APP];

/** A ClientApp's app and consent grant, with the component records (the stack's K2 scope id). */
function client(requiredResourceAccesses: unknown[], claimValues: unknown[] = ["user_impersonation"], record: Parameters<typeof clientApp>[2] = {}): StackInput[] {
  return [
    inboundOAuth(),
    clientApp("pa", 0, record),
    { type: contracts.TYPE_AZUREAD_APPLICATION, name: "pa-app", parent: "pa", props: applicationProps("pa", { requiredResourceAccesses }) },
    {
      type: contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
      name: "pa-consent",
      parent: "pa",
      props: { servicePrincipalObjectId: guidFor("pa/sp"), resourceServicePrincipalObjectId: K2_API_SP_OBJECT_ID, claimValues },
    },
  ];
}
const k2 = (id = K2_SCOPE_ID, type = "Scope") => ({ resourceAppId: K2_API_CLIENT_ID, resourceAccesses: [{ id, type }] });
const graph = (...names: Array<keyof typeof GRAPH_SIGN_IN_SCOPES>) => ({ resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccesses: names.map((n) => ({ id: GRAPH_SIGN_IN_SCOPES[n], type: "Scope" })) });
const appUrn = urnOf({ type: contracts.TYPE_AZUREAD_APPLICATION, name: "pa-app" }, MANAGED);
const run = (resources: StackInput[], config: Record<string, unknown> = {}) => runRule(appLeastPrivilege, resources, config);

describe("entra-app-least-privilege", () => {
  it("passes the K2 scope the client requests and Graph's sign-in scopes, by their well-known ids", async () => {
    expect(appLeastPrivilege.enforcementLevel).toBe("mandatory");
    expect(await run(client([k2()]))).toEqual({ violations: [] });
    expect(await run(client([k2(), graph("openid", "profile", "email", "offline_access", "User.Read")], ["user_impersonation"]))).toEqual({ violations: [] });
  });

  it("refuses an app role on any API, the K2 API's included", async () => {
    const r = await run(client([k2(), { resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccesses: [{ id: USER_READ_ALL_ROLE, type: "Role" }] }, k2(K2_SCOPE_ID, "Role")]));
    expect(r.violations).toEqual([
      { message: "pa-app: requiredResourceAccesses[1].resourceAccesses[0] requests an app role (an application permission, which acts without any user): far more than a K2 client needs; remove it; change requiredResourceAccess[0].resourceAccess[0] of the client named pa in k2-oauth:clients", urn: appUrn },
      { message: "pa-app: requiredResourceAccesses[2].resourceAccesses[0] requests an app role (an application permission, which acts without any user): far more than a K2 client needs; remove it; change requiredResourceAccess[1].resourceAccess[0] of the client named pa in k2-oauth:clients", urn: appUrn },
    ]);
  });

  it("judges app roles, and scopes when allowedScopes does not list k2, in Analyze (before the create); AnalyzeStack does not repeat them", async () => {
    const stack = client([k2(K2_SCOPE_ID, "Role"), graph("openid")]);
    const analyze = (config: Record<string, unknown> = {}) => runResourceRule(appLeastPrivilege, { type: stack[2].type, props: stack[2].props, name: "pa-app", urn: appUrn }, config);
    const role = "pa-app: requiredResourceAccesses[0].resourceAccesses[0] requests an app role (an application permission, which acts without any user): far more than a K2 client needs; remove it";
    expect(await analyze()).toEqual({ violations: [{ message: role, urn: appUrn }] });
    expect(await runStackRule(appLeastPrivilege, stack)).toEqual({ violations: [] });
    // Without "k2" listed no record is needed: the scope outside the list is refused in Analyze, not again with the stack.
    const notListed =
      'pa-app: requiredResourceAccesses[1].resourceAccesses[0] requests a delegated scope the policy\'s allowedScopes does not list; remove it, or add it to allowedScopes as "<API application id>/<scope id>" if the client needs it; change requiredResourceAccess[0].resourceAccess[0] of the client named pa in k2-oauth:clients';
    expect(messages(await analyze({ allowedScopes: ["graph:profile"] }))).toEqual([role, notListed]);
    expect(messages(await runStackRule(appLeastPrivilege, stack, { allowedScopes: ["graph:profile"] }))).toEqual([
      expect.stringContaining("pa-consent: claimValues[0] grants a scope the policy's allowedScopes does not list for the K2 API"),
    ]);
    // With "k2" listed, a scope may be the K2 scope the stack records: left to AnalyzeStack.
    const other = client([k2("99999999-0000-0000-0000-0000000000bb")]);
    expect(await runResourceRule(appLeastPrivilege, { type: other[2].type, props: other[2].props, name: "pa-app", urn: appUrn })).toEqual({ violations: [] });
    expect(messages(await runStackRule(appLeastPrivilege, other))).toEqual([expect.stringContaining("pa-app: requiredResourceAccesses[0].resourceAccesses[0] requests a delegated scope")]);
  });

  it("notes once that \"k2\" allows nothing in a stack without this project's clients, and not where a ClientApp records the K2 API", async () => {
    const plain: StackInput[] = [{ type: contracts.TYPE_AZUREAD_APPLICATION, name: "plain-app", props: applicationProps("plain", { requiredResourceAccesses: [k2()] }) }];
    const r = await run(plain);
    expect(r.advisories).toEqual([{ message: K2_UNRECORDED }]);
    expect(messages(r)).toEqual([expect.stringContaining("plain-app: requiredResourceAccesses[0].resourceAccesses[0] requests a delegated scope")]);
    expect(K2_UNRECORDED).toBe(
      'allowedScopes lists "k2", the K2 API scope this project\'s ClientApp components record, but the stack has none: "k2" allows nothing here, so list the K2 API scope as "<API application id>/<scope id>"',
    );
    expect(await run(plain, { allowedScopes: [`${K2_API_CLIENT_ID}/${K2_SCOPE_ID}`] })).toEqual({ violations: [] });
    expect((await run(client([k2()]))).advisories).toBeUndefined();
  });

  it("refuses delegated scopes outside allowedScopes, and allows them once listed by ids", async () => {
    const mail = { resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccesses: [{ id: MAIL_READ, type: "Scope" }] };
    const otherK2Scope = k2("99999999-0000-0000-0000-0000000000bb");
    const r = await run(client([k2(), mail, otherK2Scope]));
    expect(messages(r)).toEqual([
      'pa-app: requiredResourceAccesses[1].resourceAccesses[0] requests a delegated scope the policy\'s allowedScopes does not list; remove it, or add it to allowedScopes as "<API application id>/<scope id>" if the client needs it; change k2-oauth:clients[0].requiredResourceAccess[0].resourceAccess[0]',
      'pa-app: requiredResourceAccesses[2].resourceAccesses[0] requests a delegated scope the policy\'s allowedScopes does not list; remove it, or add it to allowedScopes as "<API application id>/<scope id>" if the client needs it; change k2-oauth:clients[0].requiredResourceAccess[1].resourceAccess[0]',
    ]);
    expect(JSON.stringify(r)).not.toContain(MAIL_READ);
    expect(await run(client([k2(), mail]), { allowedScopes: ["k2", `${MICROSOFT_GRAPH_APP_ID}/${MAIL_READ.toUpperCase()}`] })).toEqual({ violations: [] });
    // Without "k2" the K2 scope itself is not allowed; without graph:openid neither is openid.
    expect(messages(await run(client([k2(), graph("openid")]), { allowedScopes: ["graph:openid"] }))).toEqual([
      expect.stringContaining("pa-app: requiredResourceAccesses[0].resourceAccesses[0] requests a delegated scope"),
      expect.stringContaining("pa-consent: claimValues[0] grants a scope the policy's allowedScopes does not list for the K2 API"),
    ]);
    expect(messages(await run(client([k2(), graph("openid")]), { allowedScopes: ["k2"] }))).toEqual([expect.stringContaining("requiredResourceAccesses[1].resourceAccesses[0] requests a delegated scope")]);
  });

  it("refuses grants of more than the allowed scopes, by value, without quoting them", async () => {
    const r = await run(client([k2()], ["user_impersonation", "Workflow.Admin"]));
    expect(r.violations).toEqual([
      {
        message: "pa-consent: claimValues[1] grants a scope the policy's allowedScopes does not list for the K2 API; remove it, or exempt the grant if it is intended",
        urn: urnOf({ type: contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT, name: "pa-consent" }, MANAGED),
      },
    ]);
    expect(JSON.stringify(r)).not.toContain("Workflow.Admin");
    const graphGrant: StackInput = {
      type: contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
      name: "graph-consent",
      props: { servicePrincipalObjectId: guidFor("pa/sp"), resourceServicePrincipalObjectId: guidFor("graph-sp"), claimValues: ["openid", "User.Read", "Mail.Read", "user_impersonation"] },
    };
    expect(messages(await run([...client([k2()]), graphGrant]))).toEqual([
      "graph-consent: claimValues[2] grants a scope the policy's allowedScopes does not list for this API (grants on APIs other than the K2 API are compared with the Microsoft Graph names allowed); remove it, or exempt the grant if it is intended",
      "graph-consent: claimValues[3] grants a scope the policy's allowedScopes does not list for this API (grants on APIs other than the K2 API are compared with the Microsoft Graph names allowed); remove it, or exempt the grant if it is intended",
    ]);
  });

  it("reads ApplicationApiAccess too: role ids and scope ids", async () => {
    const access: StackInput = {
      type: contracts.TYPE_AZUREAD_APPLICATION_API_ACCESS,
      name: "reg-graph",
      props: { applicationId: "/applications/x", apiClientId: MICROSOFT_GRAPH_APP_ID, roleIds: [USER_READ_ALL_ROLE], scopeIds: [GRAPH_SIGN_IN_SCOPES.openid, MAIL_READ] },
    };
    expect(messages(await run([access]))).toEqual([
      "reg-graph: roleIds[0] requests an app role (an application permission, which acts without any user): far more than a K2 client needs; remove it",
      'reg-graph: scopeIds[1] requests a delegated scope the policy\'s allowedScopes does not list; remove it, or add it to allowedScopes as "<API application id>/<scope id>" if the client needs it',
    ]);
  });

  it("decides nothing it cannot know yet: an unknown K2 scope id (preview) or permission list is undecided", async () => {
    const preview = await run(client([k2(UNKNOWN)], ["user_impersonation"], { k2Api: { clientId: K2_API_CLIENT_ID, scope: "user_impersonation", scopeId: UNKNOWN, servicePrincipalObjectId: K2_API_SP_OBJECT_ID } }));
    expect(preview).toEqual({ violations: [], undecided: expect.stringContaining("pa-app: requiredResourceAccesses[0].resourceAccesses[0] (which scope it is)") });
    const other = await run(client([k2(), { resourceAppId: "77777777-0000-0000-0000-000000000000", resourceAccesses: [{ id: "88888888-0000-0000-0000-000000000000", type: "Scope" }] }], ["user_impersonation"], {
      k2Api: { clientId: K2_API_CLIENT_ID, scope: "user_impersonation", scopeId: UNKNOWN, servicePrincipalObjectId: K2_API_SP_OBJECT_ID },
    }));
    expect(other.violations).toEqual([]);
    expect(other.undecided).toContain("whether it is the K2 API scope, whose id is not known yet");
    expect((await run([{ type: contracts.TYPE_AZUREAD_APPLICATION, name: "a", props: { requiredResourceAccesses: UNKNOWN } }])).undecided).toContain("a.requiredResourceAccesses");
  });

  it("refuses an allowedScopes entry it cannot read, and does not apply without permissions", async () => {
    expect(messages(await run([], { allowedScopes: ["k2", "graph:Mail.Read"] }))).toEqual([
      '"entra-app-least-privilege".allowedScopes[1]: expected one allowed delegated scope: "k2", "graph:<scope>" (openid, profile, email, offline_access, User.Read) or "<API application id>/<scope id>", like graph:openid; got \'graph:Mail.Read\'',
    ]);
    expect((await run([inboundOAuth()])).notApplicable).toBe("the stack declares no API permissions or grants");
  });
});
