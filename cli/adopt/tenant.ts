/**
 * Reads what `npm run adopt` needs from the tenant through Microsoft Graph v1.0 (GET only): the K2 API service
 * principal and its delegated scopes; every app registration that requests the K2 API; for each one its owners, its
 * service principal with that one's owners, and the delegated permission grants of that service principal; and the
 * service principals of any other API the apps request (to name their permissions). Password and certificate
 * credentials are read as metadata only: Graph never returns a secret's value after it was created
 * (`secretText` is "only returned during the initial POST request to addPassword"), and adopt never asks.
 *
 * Requests (Microsoft Learn, Microsoft Graph v1.0 API reference; least-privileged permission in brackets):
 * - GET /servicePrincipals?$filter=appId eq '<id>' (or servicePrincipalNames/any(n:n eq '<audience>')) [Application.Read.All]
 * - GET /applications?$filter=requiredResourceAccess/any(r:r/resourceAppId eq '<id>')&$count=true with
 *   ConsistencyLevel: eventual: an advanced query ("Advanced query capabilities on Microsoft Entra ID objects")
 *   [Application.Read.All]
 * - GET /applications/<id>/owners, GET /servicePrincipals/<id>/owners [Application.Read.All]
 * - GET /oauth2PermissionGrants?$filter=clientId eq '<service principal id>' [Directory.Read.All]
 *
 * ASSUMPTION (not verified on a live tenant): `oauth2RequirePostResponse` can be selected in v1.0. Its metadata names
 * it so, the service's JSON has been seen to spell it `oauth2RequiredPostResponse` (microsoftgraph/msgraph-sdk-dotnet
 * #2890), and terraform-provider-azuread reads it from beta because v1.0 may not return it (microsoftgraph/
 * msgraph-metadata#273): adopt reads either spelling when present (./adoption.ts).
 */
import { GraphError, objects, text, type GraphObject, type GraphReader } from "./graph";

/** Application properties adopt reads: what it reproduces, and what it must see to know it cannot. */
export const APPLICATION_SELECT = [
  "id",
  "appId",
  "displayName",
  "signInAudience",
  "web",
  "spa",
  "publicClient",
  "requiredResourceAccess",
  "passwordCredentials",
  "keyCredentials",
  "identifierUris",
  "api",
  "appRoles",
  "info",
  "notes",
  "description",
  "isFallbackPublicClient",
  "isDeviceOnlyAuthSupported",
  "groupMembershipClaims",
  "optionalClaims",
  "serviceManagementReference",
  "oauth2RequirePostResponse",
] as const;

/** Service principal properties adopt reads. */
export const SERVICE_PRINCIPAL_SELECT = [
  "id",
  "appId",
  "displayName",
  "accountEnabled",
  "appRoleAssignmentRequired",
  "alternativeNames",
  "description",
  "loginUrl",
  "notes",
  "notificationEmailAddresses",
  "preferredSingleSignOnMode",
  "samlSingleSignOnSettings",
] as const;

const API_SELECT = ["id", "appId", "displayName", "servicePrincipalNames", "oauth2PermissionScopes", "appRoles"] as const;
const OWNER_SELECT = ["id", "displayName", "userPrincipalName"] as const;

/** An owner (a user or a service principal) as the report names it. */
export interface Owner {
  id: string;
  /** userPrincipalName, else displayName, else the object type. */
  label: string;
}

/** An API's service principal with the names of its permissions, by id. */
export interface ApiPrincipal {
  id: string;
  appId: string;
  displayName: string;
  /** Delegated scopes: id → value. */
  scopes: ReadonlyMap<string, string>;
  /** App roles: id → value. */
  roles: ReadonlyMap<string, string>;
}

export interface ServicePrincipalRead {
  id: string;
  object: GraphObject;
  owners: Owner[];
  /** Every delegated permission grant whose client is this service principal (any resource, any consent type). */
  grants: GraphObject[];
}

export interface AppRead {
  id: string;
  appId: string;
  displayName: string;
  object: GraphObject;
  owners: Owner[];
  /** Absent when the app has no service principal in this tenant (never used to sign in, or deleted). */
  servicePrincipal: ServicePrincipalRead | undefined;
  /** Set when Graph refused to show part of the app (403) and `skipUnreadable` was given: why. */
  unreadable?: string;
}

export interface TenantRead {
  k2Api: ApiPrincipal;
  apps: AppRead[];
  /** Service principals of the other APIs the apps request, by appId (lower case); absent: not in this tenant. */
  otherApis: ReadonlyMap<string, ApiPrincipal>;
}

export interface ReadOptions {
  /** The K2 API's appId (k2-oauth:k2Api.clientId), when the stack file names it. */
  k2ApiClientId: string | undefined;
  /** The K2 API's identifier (k2-oauth:k2Api.audience): finds its service principal when the appId is not known. */
  audience: string;
  tenantId: string;
  /** Report apps Graph refuses to show (403) and go on, instead of stopping. */
  skipUnreadable: boolean;
  /** Progress lines for the person at the terminal. */
  progress: (line: string) => void;
}

/** adopt cannot go on: what is wrong and what to do (exit code 1; nothing written). */
export class AdoptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdoptError";
  }
}

function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function apiPrincipal(sp: GraphObject): ApiPrincipal {
  const byId = (list: GraphObject[]) =>
    new Map(list.flatMap((s) => (typeof s.id === "string" && typeof s.value === "string" ? [[s.id.toLowerCase(), s.value] as const] : [])));
  return {
    id: text(sp, "id") ?? "",
    appId: (text(sp, "appId") ?? "").toLowerCase(),
    displayName: text(sp, "displayName") ?? "",
    scopes: byId(objects(sp, "oauth2PermissionScopes")),
    roles: byId(objects(sp, "appRoles")),
  };
}

function ownerOf(o: GraphObject): Owner {
  const type = text(o, "@odata.type")?.replace(/^#microsoft\.graph\./, "");
  return { id: (text(o, "id") ?? "").toLowerCase(), label: text(o, "userPrincipalName") ?? text(o, "displayName") ?? type ?? "directory object" };
}

async function findK2Api(graph: GraphReader, options: ReadOptions): Promise<ApiPrincipal> {
  const select = API_SELECT.join(",");
  const byAppId = options.k2ApiClientId !== undefined;
  const found = byAppId
    ? await graph.list("find the K2 API service principal", { path: "servicePrincipals", query: { $filter: `appId eq ${quoted(options.k2ApiClientId ?? "")}`, $select: select } })
    : await graph.list("find the K2 API service principal", {
        path: "servicePrincipals",
        query: { $filter: `servicePrincipalNames/any(n:n eq ${quoted(options.audience)})`, $select: select },
      });
  const what = byAppId ? `with appId ${options.k2ApiClientId ?? ""} (k2-oauth:k2Api.clientId)` : `with the identifier ${options.audience} (k2-oauth:k2Api.audience)`;
  if (found.length === 0) {
    throw new AdoptError(
      `tenant ${options.tenantId} has no service principal for the K2 API ${what}. Without it no app can have been given the K2 API permission. ` +
        "Either K2 API was never added to this tenant (an administrator adds it with the consent link of K2 KB002784), or " +
        (byAppId ? "k2-oauth:k2Api.clientId names another app: take the Application ID of the \"K2 API\" enterprise application." : "it uses another identifier: set k2-oauth:k2Api.clientId in the stack file.") +
        " Nothing was written.",
    );
  }
  if (found.length > 1) {
    throw new AdoptError(
      `tenant ${options.tenantId} has ${found.length} service principals ${what} (appIds ${found.map((s) => text(s, "appId") ?? "?").join(", ")}); ` +
        "set k2-oauth:k2Api.clientId in the stack file to the one K2 uses, then run adopt again. Nothing was written.",
    );
  }
  return apiPrincipal(found[0]);
}

/** Graph refused (403) to show part of an app, and unreadable apps are skipped: why. */
class Unreadable {
  constructor(readonly why: string) {}
}

/** Runs `read`; a 403 becomes Unreadable when skipping unreadable apps, else an AdoptError naming the app. */
async function guarded<T>(app: { displayName: string; id: string }, options: ReadOptions, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof GraphError) || e.status !== 403) throw e;
    if (options.skipUnreadable) throw new Unreadable(e.message);
    throw new AdoptError(
      `${e.message}. Nothing was written. To adopt the other apps and leave '${app.displayName}' (${app.id}) to be managed by hand, run adopt again with --skip-unreadable.`,
    );
  }
}

async function readApp(graph: GraphReader, object: GraphObject, options: ReadOptions): Promise<AppRead> {
  const id = text(object, "id") ?? "";
  const appId = (text(object, "appId") ?? "").toLowerCase();
  const displayName = text(object, "displayName") ?? "";
  const base = { id, appId, displayName, object };
  const label = `'${displayName}' (${id})`;
  const owners = { $select: OWNER_SELECT.join(",") };
  try {
    const appOwners = await guarded(base, options, () => graph.list(`read the owners of app ${label}`, { path: `applications/${id}/owners`, query: owners }));
    const sps = await guarded(base, options, () =>
      graph.list(`find the service principal of app ${label}`, {
        path: "servicePrincipals",
        query: { $filter: `appId eq ${quoted(appId)}`, $select: SERVICE_PRINCIPAL_SELECT.join(",") },
      }),
    );
    const sp = sps[0];
    if (sp === undefined) return { ...base, owners: appOwners.map(ownerOf), servicePrincipal: undefined };
    const spId = text(sp, "id") ?? "";
    const spOwners = await guarded(base, options, () =>
      graph.list(`read the owners of the service principal of app ${label}`, { path: `servicePrincipals/${spId}/owners`, query: owners }),
    );
    const grants = await guarded(base, options, () =>
      graph.list(`read the delegated permission grants of app ${label}`, { path: "oauth2PermissionGrants", query: { $filter: `clientId eq ${quoted(spId)}` } }),
    );
    return {
      ...base,
      owners: appOwners.map(ownerOf),
      servicePrincipal: { id: spId.toLowerCase(), object: sp, owners: spOwners.map(ownerOf), grants },
    };
  } catch (e) {
    if (e instanceof Unreadable) return { ...base, owners: [], servicePrincipal: undefined, unreadable: e.why };
    throw e;
  }
}

/** The app registrations requesting the K2 API, ordered by display name, then appId (a stable order for slugs). */
async function listK2Apps(graph: GraphReader, k2ApiAppId: string): Promise<GraphObject[]> {
  const apps = await graph.list("list the app registrations that request the K2 API", {
    path: "applications",
    query: {
      $filter: `requiredResourceAccess/any(r:r/resourceAppId eq ${quoted(k2ApiAppId)})`,
      $count: "true",
      $select: APPLICATION_SELECT.join(","),
      $top: "999",
    },
    advanced: true,
  });
  return apps.sort((a, b) => {
    const byName = (text(a, "displayName") ?? "").localeCompare(text(b, "displayName") ?? "", "en");
    return byName !== 0 ? byName : (text(a, "appId") ?? "").localeCompare(text(b, "appId") ?? "");
  });
}

export async function readTenant(graph: GraphReader, options: ReadOptions): Promise<TenantRead> {
  const k2Api = await findK2Api(graph, options);
  options.progress(`K2 API service principal: ${k2Api.displayName} (appId ${k2Api.appId})`);
  const objectsFound = await listK2Apps(graph, k2Api.appId);
  options.progress(`App registrations requesting the K2 API: ${objectsFound.length}`);
  const apps: AppRead[] = [];
  for (const object of objectsFound) apps.push(await readApp(graph, object, options));

  const otherApiIds = new Set<string>();
  for (const app of apps) {
    for (const entry of objects(app.object, "requiredResourceAccess")) {
      const id = text(entry, "resourceAppId")?.toLowerCase();
      if (id !== undefined && id !== k2Api.appId) otherApiIds.add(id);
    }
  }
  const otherApis = new Map<string, ApiPrincipal>();
  for (const id of [...otherApiIds].sort()) {
    const found = await graph.list(`find the service principal of the API ${id} (to name its permissions)`, {
      path: "servicePrincipals",
      query: { $filter: `appId eq ${quoted(id)}`, $select: API_SELECT.join(",") },
    });
    if (found[0] !== undefined) otherApis.set(id, apiPrincipal(found[0]));
  }
  return { k2Api, apps, otherApis };
}
