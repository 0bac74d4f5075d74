/** entra-app-least-privilege: a K2 client app requests the K2 API's delegated scope and nothing else. */
import { describe, expect, it } from "vitest";
import { appLeastPrivilege } from "../../policies/rules/appLeastPrivilege";
import { applicationProps, contracts } from "./helpers/fixtures";
import { messages, runResourceRule, UNKNOWN, UNKNOWN_ARRAY } from "./helpers/policyHarness";
import { K2_API_CLIENT_ID } from "../helpers/testTenant";

const GRAPH = "00000003-0000-0000-c000-000000000000";
const USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
const K2_SCOPE = "99999999-0000-0000-0000-0000000000aa";
const OTHER_API = "77777777-0000-4000-8000-000000000001";
const k2Entry = { resourceAppId: K2_API_CLIENT_ID, resourceAccesses: [{ id: K2_SCOPE, type: "Scope" }] };
const app = (entries: unknown) => ({ type: contracts.TYPE_AZUREAD_APPLICATION, props: applicationProps("app", { requiredResourceAccesses: entries }) });
const pinned = { k2ApiClientId: K2_API_CLIENT_ID };

describe("entra-app-least-privilege", () => {
  const run = (r: { type: string; props: Record<string, unknown> }, config: Record<string, unknown> = pinned) => runResourceRule(appLeastPrivilege, r, config);

  it("passes an app that requests only the K2 API's delegated scope, with or without the K2 API pinned", async () => {
    expect(await run(app([k2Entry]))).toEqual({ violations: [] });
    expect(await run(app([k2Entry]), {})).toEqual({ violations: [] });
    expect(await run(app(undefined))).toEqual({ violations: [] });
  });

  it("names another API's permissions, delegated and application, with the API's name when it is Microsoft's", async () => {
    const r = await run(
      app([
        k2Entry,
        { resourceAppId: GRAPH, resourceAccesses: [{ id: USER_READ, type: "Scope" }, { id: "r-1", type: "Role" }] },
        { resourceAppId: OTHER_API, resourceAccesses: [{ id: "s-1", type: "Scope" }] },
      ]),
    );
    expect(messages(r)).toEqual([
      `requests 2 permissions of Microsoft Graph (${GRAPH}) besides the K2 API: ${USER_READ} (delegated), r-1 (application permission); a K2 client needs only the K2 API's delegated scope. Remove the entry once no consumer of the app needs it`,
      `requests 1 permission of API ${OTHER_API} besides the K2 API: s-1 (delegated); a K2 client needs only the K2 API's delegated scope. Remove the entry once no consumer of the app needs it`,
    ]);
  });

  it("without k2ApiClientId only Microsoft's APIs count as other APIs (the K2 API's id is not published)", async () => {
    const r = await run(app([k2Entry, { resourceAppId: OTHER_API, resourceAccesses: [{ id: "s-1", type: "Scope" }] }, { resourceAppId: GRAPH, resourceAccesses: [{ id: USER_READ, type: "Scope" }] }]), {});
    expect(messages(r)).toEqual([expect.stringContaining(`of Microsoft Graph (${GRAPH})`)]);
  });

  it("names application permissions on the K2 API itself", async () => {
    const r = await run(app([{ resourceAppId: K2_API_CLIENT_ID, resourceAccesses: [{ id: K2_SCOPE, type: "Scope" }, { id: "k2-role", type: "Role" }] }]));
    expect(messages(r)).toEqual([
      `requests application permissions (app roles) of the K2 API ${K2_API_CLIENT_ID}: k2-role; K2 clients act for a signed-in user with the delegated scope only`,
    ]);
  });

  it("checks ApplicationApiAccess by its apiClientId, scopeIds and roleIds", async () => {
    const access = (props: Record<string, unknown>) => ({ type: contracts.TYPE_AZUREAD_APPLICATION_API_ACCESS, props: { applicationId: "/applications/x", ...props } });
    expect(await run(access({ apiClientId: K2_API_CLIENT_ID, scopeIds: [K2_SCOPE] }))).toEqual({ violations: [] });
    expect(messages(await run(access({ apiClientId: GRAPH, scopeIds: [USER_READ] })))).toEqual([expect.stringContaining(`1 permission of Microsoft Graph (${GRAPH}) besides the K2 API: ${USER_READ} (delegated)`)]);
    expect(messages(await run(access({ apiClientId: K2_API_CLIENT_ID, roleIds: ["k2-role"] })))).toEqual([expect.stringContaining("application permissions (app roles) of the K2 API")]);
    expect((await run(access({ apiClientId: UNKNOWN, scopeIds: [USER_READ] }))).undecided).toContain("apiClientId");
  });

  it("reports what it cannot see during a preview as undecided, deciding the rest", async () => {
    const r = await run(app([{ resourceAppId: GRAPH, resourceAccesses: [{ id: USER_READ, type: "Scope" }] }, { resourceAppId: UNKNOWN, resourceAccesses: [] }]));
    expect(messages(r)).toEqual([expect.stringContaining("Microsoft Graph")]);
    expect(r.undecided).toContain("requiredResourceAccesses[1].resourceAppId");
    expect((await run(app(UNKNOWN_ARRAY))).undecided).toContain("requiredResourceAccesses");
  });

  it("fails closed on a k2ApiClientId that is not a GUID", async () => {
    expect(messages(await run(app([k2Entry]), { k2ApiClientId: "k2-api" }))).toEqual([expect.stringContaining("k2ApiClientId")]);
  });
});
