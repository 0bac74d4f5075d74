/**
 * ClientApp for a client adopted from a setup made by hand (`clients[].adopt`), under the mock runtime: the app
 * registration, service principal and tenant-wide consent carry the `import` option with azuread's import ids and are
 * retained on delete; what the app lacked is created as for any client; the settings that reproduce the hand-made app
 * reach the resources' inputs; preventDuplicateNames is off only for adopted apps.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ClientSchema, type ClientConfig } from "../../components/config";
import { DEFAULT_SCOPE_ID, installMocks, K2_API_SP_OBJECT_ID, resolve, settle, type RecordedResource } from "../helpers/pulumiMocks";

const recorded: RecordedResource[] = installMocks();
/** retainOnDelete per resource name, read from the requests the SDK sends (the mocks' newResource does not see options). */
const retained = new Map<string, boolean>();
const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: { getName(): string; getRetainondelete(): boolean }, cb: unknown): unknown };
const register = monitor.registerResource.bind(monitor);
monitor.registerResource = (req, cb) => {
  retained.set(req.getName(), req.getRetainondelete());
  return register(req, cb);
};

let mod: typeof import("../../components/clientApp");
beforeAll(async () => {
  mod = await import("../../components/clientApp");
});

const APP = "0a000000-0000-4000-8000-000000000001";
const SP = "0a000000-0000-4000-8000-0000000000b1";
const GRANT = "K2grantPowerAutomate-AllPrincipals0001";
const GRAPH = "00000003-0000-0000-c000-000000000000";
const USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
const OWNER = "a11ce000-0000-4000-8000-000000000001";
const k2Api = { clientId: "22222222-3333-4444-5555-666666666666", servicePrincipalObjectId: K2_API_SP_OBJECT_ID, scopeId: DEFAULT_SCOPE_ID, scope: "user_impersonation" };
const NOW = new Date("2026-11-29T12:00:00Z");

async function declare(name: string, client: Record<string, unknown>): Promise<Record<string, RecordedResource>> {
  const config: ClientConfig = ClientSchema.parse({ name, displayName: `K2 - ${name}`, secret: { startDate: "2026-11-29" }, ...client });
  const app = new mod.ClientApp(name, { client: config, configPath: "k2-oauth:clients[0]", k2Api, now: NOW, keyVault: { resourceGroupName: "rg-k2", vaultName: "kv-k2" } });
  await resolve(app.clientId);
  await settle();
  const mine = recorded.filter((r) => r.name.startsWith(`${name}-`));
  return Object.fromEntries(mine.map((r) => [r.name.slice(name.length + 1), r]));
}

describe("an adopted client", () => {
  let r: Record<string, RecordedResource>;
  beforeAll(async () => {
    r = await declare("pa", {
      redirectUris: ["https://global.consent.azure-apim.net/redirect"],
      owners: [OWNER],
      signInAudience: "AzureADMultipleOrgs",
      implicitGrant: { accessTokens: true, idTokens: true },
      servicePrincipal: { owners: [], appRoleAssignmentRequired: true },
      requiredResourceAccess: [{ resourceAppId: GRAPH, resourceAccess: [{ id: USER_READ, type: "Scope" }] }],
      adopt: { applicationObjectId: APP, servicePrincipalObjectId: SP, grantId: GRANT },
    });
  });

  it("imports its app registration, service principal and consent with azuread's import ids, and creates its secrets", () => {
    expect(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.importId]))).toEqual({
      app: `/applications/${APP}`,
      sp: `/servicePrincipals/${SP}`,
      consent: `/oauth2PermissionGrants/${GRANT}`,
      "secret-a": "",
      "secret-kv": "",
    });
  });

  it("retains what it imported on delete (Pulumi never deletes what it took over), not what it created", () => {
    expect(["pa-app", "pa-sp", "pa-consent", "pa-secret-a"].map((n) => retained.get(n))).toEqual([true, true, true, false]);
  });

  it("declares the hand-made app's settings, and preventDuplicateNames off (the provider never reads it back)", () => {
    expect(r.app.inputs).toEqual({
      displayName: "K2 - pa",
      signInAudience: "AzureADMultipleOrgs",
      owners: [OWNER],
      preventDuplicateNames: false,
      web: { redirectUris: ["https://global.consent.azure-apim.net/redirect"], implicitGrant: { accessTokenIssuanceEnabled: true, idTokenIssuanceEnabled: true } },
      requiredResourceAccesses: [
        { resourceAppId: k2Api.clientId, resourceAccesses: [{ id: DEFAULT_SCOPE_ID, type: "Scope" }] },
        { resourceAppId: GRAPH, resourceAccesses: [{ id: USER_READ, type: "Scope" }] },
      ],
    });
    expect(r.sp.inputs).toMatchObject({ owners: [], appRoleAssignmentRequired: true });
    expect(r.consent.inputs).toMatchObject({ resourceServicePrincipalObjectId: K2_API_SP_OBJECT_ID, claimValues: ["user_impersonation"] });
  });
});

describe("a client adopted without service principal or consent, and one this project makes", () => {
  it("imports only the app; the service principal and consent are created, and retained like the app (removing the client hands it back as it is)", async () => {
    const r = await declare("eu", { owners: [OWNER], adopt: { applicationObjectId: APP.replace("01", "03") } });
    expect([r.app.importId, r.sp.importId, r.consent.importId]).toEqual([`/applications/${APP.replace("01", "03")}`, "", ""]);
    expect(["eu-app", "eu-sp", "eu-consent"].map((n) => retained.get(n))).toEqual([true, true, true]);
    expect(r.app.inputs.preventDuplicateNames).toBe(false);
    expect(r.sp.inputs).toMatchObject({ owners: [OWNER], appRoleAssignmentRequired: false });
  });

  it("once its ids are removed, a client still marked adopted (since) imports nothing but stays retained and without the duplicate-name check", async () => {
    const r = await declare("done", { owners: [OWNER], adopt: { since: "2026-11-29" } });
    expect([r.app.importId, r.sp.importId, r.consent.importId]).toEqual(["", "", ""]);
    expect(["done-app", "done-sp", "done-consent"].map((n) => retained.get(n))).toEqual([true, true, true]);
    expect(r.app.inputs.preventDuplicateNames).toBe(false);
    // Only the grant's id removed (its consent was revoked outside Pulumi): the others are still imported.
    const g = await declare("revoked", { owners: [OWNER], adopt: { since: "2026-11-29", applicationObjectId: APP.replace("01", "05"), servicePrincipalObjectId: APP.replace("01", "06") } });
    expect([g.app.importId, g.sp.importId, g.consent.importId]).toEqual([`/applications/${APP.replace("01", "05")}`, `/servicePrincipals/${APP.replace("01", "06")}`, ""]);
    expect(["revoked-app", "revoked-sp", "revoked-consent"].map((n) => retained.get(n))).toEqual([true, true, true]);
  });

  it("a new client imports nothing, keeps the duplicate-name check and the project's defaults", async () => {
    const r = await declare("new", { owners: [OWNER] });
    expect(Object.values(r).map((x) => x.importId)).toEqual(Object.values(r).map(() => ""));
    expect(["new-app", "new-sp", "new-consent"].map((n) => retained.get(n))).toEqual([false, false, false]);
    expect(r.app.inputs).toMatchObject({
      preventDuplicateNames: true,
      signInAudience: "AzureADMyOrg",
      web: { implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } },
      requiredResourceAccesses: [{ resourceAppId: k2Api.clientId, resourceAccesses: [{ id: DEFAULT_SCOPE_ID, type: "Scope" }] }],
    });
  });
});
