/**
 * What the components record for the policy pack (components/contracts.ts): InboundOAuth the stack's tenant, cloud,
 * audience and K2 API; each ClientApp its config key, K2 scope and schedule. And CLIENT_CONFIG_KEYS, which the pack
 * appends to a client's config key to name what to change: checked against the component by changing each key of a
 * client's config and watching exactly the resources' properties it names change.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { validateStackConfig, type StackConfig } from "../../components/config";
import {
  CLIENT_CONFIG_KEYS,
  TYPE_AZUREAD_APPLICATION,
  TYPE_AZUREAD_APPLICATION_PASSWORD,
  TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
  TYPE_AZUREAD_SERVICE_PRINCIPAL,
  TYPE_CLIENT_APP,
  TYPE_INBOUND_OAUTH,
} from "../../components/contracts";
import { DEFAULT_SCOPE_ID, installMocks, K2_API_SP_OBJECT_ID, resolve, settle, type RecordedResource } from "../helpers/pulumiMocks";
import { K2_API_CLIENT_ID, TENANT } from "../helpers/testTenant";

const recorded = installMocks();
let mod: typeof import("../../components/inboundOAuth");
beforeAll(async () => {
  mod = await import("../../components/inboundOAuth");
});

/** A client as the stack file holds it (any client key; the config validates it). */
type Client = { name: string; displayName: string; [key: string]: unknown };

function config(clients: Client[], extra: Record<string, unknown> = {}): StackConfig {
  return validateStackConfig({
    tenantId: TENANT,
    cloud: "usgov",
    k2Api: { clientId: K2_API_CLIENT_ID, scope: "user_impersonation", audience: "https://k2-api.example.com/" },
    k2: { url: "https://k2.example.com", edition: "cloud" },
    clients,
    ...extra,
  });
}

const NOW = new Date(Date.UTC(2026, 10, 23, 12));
let runs = 0;

/** Everything one InboundOAuth declares, with its own resource names (each run gets unique client names). */
async function declare(cfg: StackConfig): Promise<RecordedResource[]> {
  const before = recorded.length;
  const oauth = new mod.InboundOAuth(`oauth-${runs++}`, { config: cfg, now: NOW });
  for (const app of Object.values(oauth.clients)) await resolve(app.clientId);
  await settle();
  return recorded.slice(before);
}

const client = (name: string): Client => ({
  name,
  displayName: `K2 - ${name}`,
  redirectUris: ["https://a.example.com/cb", "https://b.example.com/cb"],
  owners: ["33333333-4444-5555-6666-777777777777"],
  secret: { lifetimeDays: 120, rotateAfterDays: 90 },
});

describe("the components' records", () => {
  it("InboundOAuth records the stack's tenant, cloud, audience and K2 API as its inputs", async () => {
    const declared = await declare(config([client("rec-a")]));
    expect(declared.find((r) => r.type === TYPE_INBOUND_OAUTH)?.inputs).toEqual({
      tenantId: TENANT,
      cloud: "usgov",
      audience: "https://k2-api.example.com/",
      k2Api: { clientId: K2_API_CLIENT_ID, scope: "user_impersonation" },
    });
  });

  it("records the same as outputs, which are what AnalyzeStack sees under the CLI", async () => {
    await declare(config([client("rec-out")]));
    const monitor = pulumi.runtime.getMonitor() as unknown as { resources: Map<string, { urn: string; state: unknown }> };
    const outputs = (type: string, name: string): Record<string, unknown> => {
      const entry = [...monitor.resources.values()].find((r) => r.urn.endsWith(`${type}::${name}`));
      return (entry?.state as { toJavaScript(): Record<string, unknown> }).toJavaScript();
    };
    const inbound = outputs(TYPE_INBOUND_OAUTH, `oauth-${runs - 1}`);
    expect(inbound).toMatchObject({ tenantId: TENANT, cloud: "usgov", audience: "https://k2-api.example.com/", k2Api: { clientId: K2_API_CLIENT_ID, scope: "user_impersonation" } });
    expect(outputs(TYPE_CLIENT_APP, "rec-out")).toMatchObject({ configPath: "k2-oauth:clients[0]", k2Api: { scopeId: DEFAULT_SCOPE_ID }, secret: { lifetimeDays: 120, rotateAfterDays: 90 } });
  });

  it("each ClientApp records its own config key, in the order of k2-oauth:clients", async () => {
    const declared = await declare(config([client("rec-b"), client("rec-c"), client("rec-d")]));
    const apps = declared.filter((r) => r.type === TYPE_CLIENT_APP);
    expect(apps.map((r) => [r.name, r.inputs.configPath])).toEqual([
      ["rec-b", "k2-oauth:clients[0]"],
      ["rec-c", "k2-oauth:clients[1]"],
      ["rec-d", "k2-oauth:clients[2]"],
    ]);
    expect(apps[1].inputs).toEqual({
      configPath: "k2-oauth:clients[1]",
      k2Api: { clientId: K2_API_CLIENT_ID, scope: "user_impersonation", scopeId: DEFAULT_SCOPE_ID, servicePrincipalObjectId: K2_API_SP_OBJECT_ID },
      secret: { lifetimeDays: 120, rotateAfterDays: 90 },
    });
  });
});

/** A client's resources' properties that CLIENT_CONFIG_KEYS names, by key. */
function watched(declared: RecordedResource[], name: string): Record<keyof typeof CLIENT_CONFIG_KEYS, unknown> {
  const find = (type: string, suffix: string) => declared.find((r) => r.type === type && r.name === `${name}-${suffix}`);
  const app = find(TYPE_AZUREAD_APPLICATION, "app");
  const sp = find(TYPE_AZUREAD_SERVICE_PRINCIPAL, "sp");
  const consent = find(TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT, "consent");
  const passwords = declared.filter((r) => r.type === TYPE_AZUREAD_APPLICATION_PASSWORD && r.name.startsWith(`${name}-secret-`));
  const record = declared.find((r) => r.type === TYPE_CLIENT_APP && r.name === name)?.inputs.secret as Record<string, unknown>;
  const lifetimes = passwords.map((p) => (Date.parse(String(p.inputs.endDate)) - Date.parse(String(p.inputs.startDate))) / 86_400_000);
  const web = app?.inputs.web as { redirectUris?: unknown; implicitGrant?: Record<string, unknown> };
  return {
    redirectUris: web.redirectUris,
    owners: app?.inputs.owners,
    signInAudience: app?.inputs.signInAudience,
    implicitAccessTokens: web.implicitGrant?.accessTokenIssuanceEnabled,
    implicitIdTokens: web.implicitGrant?.idTokenIssuanceEnabled,
    servicePrincipalOwners: sp?.inputs.owners,
    appRoleAssignmentRequired: sp?.inputs.appRoleAssignmentRequired,
    // The K2 API's entry comes first and from k2Api; the others are the client's, in order.
    requiredResourceAccess: (app?.inputs.requiredResourceAccesses as unknown[]).slice(1),
    adopt: [app?.importId, sp?.importId, consent?.importId, app?.inputs.preventDuplicateNames],
    lifetimeDays: [lifetimes, record.lifetimeDays],
    rotateAfterDays: [passwords.map((p) => p.inputs.startDate).sort(), record.rotateAfterDays],
  };
}

const GRAPH_API = "00000003-0000-0000-c000-000000000000";
const USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";

/**
 * The base of the key test: every client key set, the service principal's owners apart from the app's (left out,
 * they follow `owners`, so that changing `owners` would change them too), no `adopt` (the change adds it).
 */
const keysClient = (name: string): Client => ({
  ...client(name),
  signInAudience: "AzureADMyOrg",
  implicitGrant: { accessTokens: false, idTokens: false },
  servicePrincipal: { owners: ["55555555-6666-7777-8888-999999999999"], appRoleAssignmentRequired: false },
  requiredResourceAccess: [{ resourceAppId: GRAPH_API, resourceAccess: [{ id: USER_READ, type: "Scope" }] }],
});

describe("CLIENT_CONFIG_KEYS", () => {
  const CHANGES: Record<keyof typeof CLIENT_CONFIG_KEYS, (c: Client) => void> = {
    redirectUris: (c) => (c.redirectUris = ["https://a.example.com/cb", "https://c.example.com/cb"]),
    owners: (c) => (c.owners = ["44444444-5555-6666-7777-888888888888"]),
    signInAudience: (c) => (c.signInAudience = "AzureADMultipleOrgs"),
    implicitAccessTokens: (c) => (c.implicitGrant = { accessTokens: true, idTokens: false }),
    implicitIdTokens: (c) => (c.implicitGrant = { accessTokens: false, idTokens: true }),
    servicePrincipalOwners: (c) => (c.servicePrincipal = { owners: ["66666666-7777-8888-9999-aaaaaaaaaaaa"], appRoleAssignmentRequired: false }),
    appRoleAssignmentRequired: (c) => (c.servicePrincipal = { owners: ["55555555-6666-7777-8888-999999999999"], appRoleAssignmentRequired: true }),
    requiredResourceAccess: (c) => (c.requiredResourceAccess = [{ resourceAppId: GRAPH_API, resourceAccess: [{ id: USER_READ, type: "Scope" }, { id: "37f7f235-527c-4136-accd-4a02d197296e", type: "Scope" }] }]),
    adopt: (c) =>
      (c.adopt = {
        since: "2026-11-23",
        applicationObjectId: "0a000000-0000-4000-8000-000000000001",
        servicePrincipalObjectId: "0a000000-0000-4000-8000-0000000000b1",
        grantId: "K2grantKeys-AllPrincipals0001",
      }),
    lifetimeDays: (c) => (c.secret = { lifetimeDays: 150, rotateAfterDays: 90 }),
    rotateAfterDays: (c) => (c.secret = { lifetimeDays: 120, rotateAfterDays: 100 }),
  };

  it("names, relative to the client's config key, keys that exist in the config model", () => {
    const c = keysClient("shape");
    CHANGES.adopt(c);
    expect(config([c]).clients[0].adopt).toEqual(c.adopt);
    for (const key of Object.values(CLIENT_CONFIG_KEYS)) {
      expect(key.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], c), key).toBeDefined();
    }
  });

  it("each key changes exactly the properties attributed to it (the list entries in the same order)", async () => {
    const base = watched(await declare(config([keysClient("keys-base")])), "keys-base");
    for (const [key, change] of Object.entries(CHANGES) as Array<[keyof typeof CLIENT_CONFIG_KEYS, (c: Client) => void]>) {
      const c = keysClient(`keys-${key.toLowerCase()}`);
      change(c);
      const now = watched(await declare(config([c])), c.name);
      for (const other of Object.keys(base) as Array<keyof typeof base>) {
        if (other === key) expect(now[other], `${key} changes ${other}`).not.toEqual(base[other]);
        else expect(now[other], `${key} leaves ${other} alone`).toEqual(base[other]);
      }
    }
    // The web redirect URIs are the client's, entry by entry; so are the other APIs' permissions.
    expect(base.redirectUris).toEqual(client("x").redirectUris);
    expect(base.requiredResourceAccess).toEqual([{ resourceAppId: GRAPH_API, resourceAccesses: [{ id: USER_READ, type: "Scope" }] }]);
  });
});
