/**
 * A Microsoft Graph v1.0 double on 127.0.0.1 (random port) for `npm run adopt`: the directory objects adopt reads
 * (applications, servicePrincipals, their owners, oauth2PermissionGrants), served as Graph's documented JSON.
 *
 * Documented behaviour it follows (Microsoft Learn, Microsoft Graph v1.0 API reference and concepts):
 * - collections are `{ "@odata.context", "value": [...] }`; with more items than a page holds, `@odata.nextLink` is
 *   the full URL of the next page, carrying the original query and a `$skiptoken` ("Paging Microsoft Graph data");
 *   the last page has none; `$top` asks for a page size (default 100, at most 999 for directory objects);
 * - `$select` returns only the properties named; a property the type does not have is a 400;
 * - `$filter=requiredResourceAccess/any(r:r/resourceAppId eq '…')` on applications is an advanced query: without the
 *   header `ConsistencyLevel: eventual` and `$count=true` it is a 400 Request_UnsupportedQuery; with `$count=true` the
 *   body carries `@odata.count` ("Advanced query capabilities on Microsoft Entra ID objects");
 *   `servicePrincipals?$filter=appId eq '…'`, `servicePrincipalNames/any(x:x eq '…')` and
 *   `oauth2PermissionGrants?$filter=clientId eq '…'` work without it;
 * - errors are `{ "error": { "code", "message", "innerError": { "date", "request-id", "client-request-id" } } }`;
 *   missing permissions give 403 Authorization_RequestDenied "Insufficient privileges to complete the operation.";
 *   throttling gives 429 with a `Retry-After` header in seconds;
 * - passwordCredentials carry metadata and `secretText: null` (the value is only returned when it is created).
 *
 * Every other choice is marked ASSUMPTION. Faults on demand per route: a status with an optional Retry-After and error
 * code, or a connection reset; and 403 for named objects (their owners and grants).
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt } from "jose";

export type GraphJson = Record<string, unknown>;

export type GraphRoute = "applications" | "application-owners" | "servicePrincipals" | "servicePrincipal-owners" | "oauth2PermissionGrants";

export type GraphFault = { status: number; retryAfter?: number; code?: string; message?: string } | "reset";

export interface RecordedGraphRequest {
  route: GraphRoute | "unknown";
  path: string;
  /** The decoded query options. */
  query: Record<string, string>;
  consistencyLevel: string | undefined;
  /** Whether the request carried an Authorization header (its value is never recorded). */
  authorized: boolean;
}

/**
 * Properties of each type (Microsoft Graph v1.0 resource pages), for `$select`.
 * ASSUMPTION: `oauth2RequirePostResponse` is selectable in v1.0 and returned under that name. The v1.0 metadata names
 * it so, but the service's JSON has been seen to spell it `oauth2RequiredPostResponse` (msgraph-sdk-dotnet#2890), and
 * terraform-provider-azuread reads it from beta because v1.0 may not return it (msgraph-metadata#273). Not verified
 * on a live tenant; adopt reads either spelling.
 */
const PROPERTIES: Record<"application" | "servicePrincipal" | "directoryObject" | "oAuth2PermissionGrant", readonly string[]> = {
  application: [
    "addIns", "api", "appId", "applicationTemplateId", "appRoles", "certification", "createdDateTime", "deletedDateTime", "description",
    "disabledByMicrosoftStatus", "displayName", "groupMembershipClaims", "id", "identifierUris", "info", "isDeviceOnlyAuthSupported",
    "isFallbackPublicClient", "keyCredentials", "logo", "notes", "oauth2RequirePostResponse", "optionalClaims", "parentalControlSettings",
    "passwordCredentials", "publicClient", "publisherDomain", "requestSignatureVerification", "requiredResourceAccess", "samlMetadataUrl",
    "serviceManagementReference", "servicePrincipalLockConfiguration", "signInAudience", "spa", "tags", "tokenEncryptionKeyId", "uniqueName",
    "verifiedPublisher", "web",
  ],
  servicePrincipal: [
    "accountEnabled", "addIns", "alternativeNames", "appDescription", "appDisplayName", "appId", "applicationTemplateId", "appOwnerOrganizationId",
    "appRoleAssignmentRequired", "appRoles", "deletedDateTime", "description", "disabledByMicrosoftStatus", "displayName", "homepage", "id", "info",
    "keyCredentials", "loginUrl", "logoutUrl", "notes", "notificationEmailAddresses", "oauth2PermissionScopes", "passwordCredentials",
    "preferredSingleSignOnMode", "preferredTokenSigningKeyThumbprint", "replyUrls", "resourceSpecificApplicationPermissions",
    "samlSingleSignOnSettings", "servicePrincipalNames", "servicePrincipalType", "signInAudience", "tags", "tokenEncryptionKeyId", "verifiedPublisher",
  ],
  // ASSUMPTION: a collection of owners accepts the properties of the derived types (user, servicePrincipal) in $select.
  directoryObject: ["id", "deletedDateTime", "displayName", "userPrincipalName", "appId", "mail"],
  oAuth2PermissionGrant: ["id", "clientId", "consentType", "principalId", "resourceId", "scope"],
};

const DEFAULT_PAGE = 100;
const MAX_PAGE = 999;

export class GraphDouble {
  /** `http://127.0.0.1:<port>`: adopt's `--graph-url`, and the audience its tokens must carry. */
  url = "";
  /** Most items in one page, whatever `$top` asks (Graph may return fewer than asked). */
  pageSize = DEFAULT_PAGE;
  readonly applications: GraphJson[] = [];
  readonly servicePrincipals: GraphJson[] = [];
  readonly grants: GraphJson[] = [];
  /** Owners by the object id of the application or service principal they own. */
  readonly owners = new Map<string, GraphJson[]>();
  readonly requests: RecordedGraphRequest[] = [];

  private readonly faults = new Map<GraphRoute, GraphFault[]>();
  private readonly denied = new Set<string>();
  private readonly skipTokens = new Map<string, number>();
  private server: http.Server | undefined;
  private requestCount = 0;

  /** Rewrites every `@odata.nextLink` before it is sent (a test can point it elsewhere). */
  rewriteNextLink: (url: string) => string = (url) => url;

  /** Tokens accepted: by default a JWT for this double's URL that has not expired (the signature is not checked). */
  acceptToken: (token: string) => boolean = (token) => {
    try {
      const claims = decodeJwt(token);
      return claims.aud === this.url && (claims.exp === undefined || claims.exp * 1000 > Date.now());
    } catch {
      return false;
    }
  };

  static async start(): Promise<GraphDouble> {
    const d = new GraphDouble();
    d.server = http.createServer((req, res) => {
      try {
        d.handle(req, res);
      } catch (e) {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(`double error: ${(e as Error).message}`);
      }
    });
    await new Promise<void>((resolve) => d.server?.listen(0, "127.0.0.1", resolve));
    d.url = `http://127.0.0.1:${(d.server.address() as AddressInfo).port}`;
    return d;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** The next requests to `route` get these faults, one each, in order. */
  injectFaults(route: GraphRoute, ...faults: GraphFault[]): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...faults]);
  }

  /** Reading the owners or grants of this object (application or service principal object id) answers 403. */
  deny(objectId: string): void {
    this.denied.add(objectId.toLowerCase());
  }

  // -------------------------------------------------------------------------------------------------------------

  private route(path: string): { route: GraphRoute | "unknown"; id?: string } {
    const m = /^\/v1\.0\/(applications|servicePrincipals|oauth2PermissionGrants)(?:\/([^/]+)\/(owners))?$/.exec(path);
    if (m === null) return { route: "unknown" };
    if (m[3] === "owners") return { route: m[1] === "applications" ? "application-owners" : m[1] === "servicePrincipals" ? "servicePrincipal-owners" : "unknown", id: m[2] };
    if (m[2] !== undefined) return { route: "unknown" };
    return { route: m[1] as GraphRoute };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", this.url);
    const query = Object.fromEntries(url.searchParams);
    const { route, id } = this.route(url.pathname);
    const consistencyLevel = typeof req.headers.consistencylevel === "string" ? req.headers.consistencylevel : undefined;
    const auth = req.headers.authorization;
    this.requests.push({ route, path: url.pathname, query, consistencyLevel, authorized: auth !== undefined });

    if (req.method !== "GET") return this.error(res, 405, "Request_BadRequest", "The adopt double answers GET only.");
    const token = /^Bearer (.+)$/.exec(auth ?? "")?.[1];
    if (token === undefined) return this.error(res, 401, "InvalidAuthenticationToken", "Access token is empty.");
    if (!this.acceptToken(token)) return this.error(res, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
    if (route === "unknown") return this.error(res, 400, "Request_BadRequest", `Unsupported segment in ${url.pathname}.`);

    const fault = this.faults.get(route)?.shift();
    if (fault === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault !== undefined) {
      // ASSUMPTION: the code and message vary; clients may rely only on the status and Retry-After.
      return this.error(res, fault.status, fault.code ?? (fault.status === 429 ? "TooManyRequests" : "UnknownError"), fault.message ?? "Simulated fault.", fault.retryAfter);
    }
    if (id !== undefined && this.denied.has(id.toLowerCase())) return this.insufficient(res);

    switch (route) {
      case "applications":
        return this.applicationList(res, url, query, consistencyLevel);
      case "servicePrincipals":
        return this.servicePrincipalList(res, url, query);
      case "oauth2PermissionGrants":
        return this.grantList(res, url, query);
      case "application-owners":
      case "servicePrincipal-owners":
        return this.page(res, url, query, "directoryObject", this.owners.get((id ?? "").toLowerCase()) ?? [], "directoryObjects");
    }
  }

  private insufficient(res: http.ServerResponse): void {
    this.error(res, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  }

  private applicationList(res: http.ServerResponse, url: URL, query: Record<string, string>, consistencyLevel: string | undefined): void {
    const filter = query.$filter;
    let items = this.applications;
    if (filter !== undefined) {
      const m = /^requiredResourceAccess\/any\((\w+):\1\/resourceAppId eq '([^']*)'\)$/.exec(filter);
      if (m === null) return this.unsupported(res, filter, "Application");
      if (consistencyLevel !== "eventual" || query.$count !== "true") {
        // ASSUMPTION: the message of this advanced-query error (the documented example is for $search).
        return this.error(res, 400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property 'requiredResourceAccess' of resource 'Application'.");
      }
      const wanted = m[2].toLowerCase();
      items = items.filter((a) => ((a.requiredResourceAccess as GraphJson[] | undefined) ?? []).some((r) => String(r.resourceAppId).toLowerCase() === wanted));
    }
    this.page(res, url, query, "application", items, "applications");
  }

  private servicePrincipalList(res: http.ServerResponse, url: URL, query: Record<string, string>): void {
    const filter = query.$filter;
    let items = this.servicePrincipals;
    if (filter !== undefined) {
      const byAppId = /^appId eq '([^']*)'$/.exec(filter);
      const byName = /^servicePrincipalNames\/any\((\w+):\1 eq '([^']*)'\)$/.exec(filter);
      if (byAppId !== null) items = items.filter((s) => String(s.appId).toLowerCase() === byAppId[1].toLowerCase());
      else if (byName !== null) items = items.filter((s) => ((s.servicePrincipalNames as string[] | undefined) ?? []).includes(byName[2]));
      else return this.unsupported(res, filter, "ServicePrincipal");
    }
    this.page(res, url, query, "servicePrincipal", items, "servicePrincipals");
  }

  private grantList(res: http.ServerResponse, url: URL, query: Record<string, string>): void {
    const filter = query.$filter;
    let items = this.grants;
    if (filter !== undefined) {
      const m = /^clientId eq '([^']*)'$/.exec(filter);
      if (m === null) return this.unsupported(res, filter, "OAuth2PermissionGrant");
      const clientId = m[1].toLowerCase();
      if (this.denied.has(clientId)) return this.insufficient(res);
      items = items.filter((g) => String(g.clientId).toLowerCase() === clientId);
    }
    this.page(res, url, query, "oAuth2PermissionGrant", items, "oauth2PermissionGrants");
  }

  private unsupported(res: http.ServerResponse, filter: string, type: string): void {
    this.error(res, 400, "Request_UnsupportedQuery", `Unsupported or invalid query filter clause specified for resource '${type}': ${filter}`);
  }

  /** One page of `items` after `$select`, with `@odata.nextLink` when more follow. */
  private page(res: http.ServerResponse, url: URL, query: Record<string, string>, type: keyof typeof PROPERTIES, items: readonly GraphJson[], set: string): void {
    const select = query.$select?.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const unknown = select?.find((p) => !PROPERTIES[type].includes(p));
    if (unknown !== undefined) return this.error(res, 400, "Request_BadRequest", `Could not find a property named '${unknown}' on type 'microsoft.graph.${type}'.`);
    const top = query.$top === undefined ? DEFAULT_PAGE : Number(query.$top);
    if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE) return this.error(res, 400, "Request_BadRequest", `Invalid page size specified: '${query.$top ?? ""}'. Must be between 1 and ${MAX_PAGE} inclusive.`);
    const size = Math.min(top, this.pageSize);
    let offset = 0;
    if (query.$skiptoken !== undefined) {
      const at = this.skipTokens.get(query.$skiptoken);
      if (at === undefined) return this.error(res, 400, "Request_BadRequest", "The skip token is invalid or expired.");
      offset = at;
    }
    const shown = items.slice(offset, offset + size).map((item) => {
      if (select === undefined) return item;
      const out: GraphJson = {};
      // ASSUMPTION: members of directoryObject collections keep their @odata.type under $select.
      if (item["@odata.type"] !== undefined) out["@odata.type"] = item["@odata.type"];
      for (const p of select) if (p in item) out[p] = item[p];
      return out;
    });
    const body: GraphJson = { "@odata.context": `${this.url}/v1.0/$metadata#${set}` };
    if (query.$count === "true") body["@odata.count"] = items.length;
    body.value = shown;
    if (offset + size < items.length) {
      const token = randomUUID().replace(/-/g, "");
      this.skipTokens.set(token, offset + size);
      const next = new URL(url.toString());
      next.searchParams.set("$skiptoken", token);
      body["@odata.nextLink"] = this.rewriteNextLink(next.toString());
    }
    sendJson(res, 200, body);
  }

  /** The request id of the last error answer (ids count up: `00000000-0000-4000-8000-000000000001`, ...). */
  lastRequestId = "";

  private requestId(): string {
    this.requestCount++;
    this.lastRequestId = `00000000-0000-4000-8000-${String(this.requestCount).padStart(12, "0")}`;
    return this.lastRequestId;
  }

  private error(res: http.ServerResponse, status: number, code: string, message: string, retryAfter?: number): void {
    const headers: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
    sendJson(res, status, { error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ""), "request-id": this.requestId(), "client-request-id": randomUUID() } } }, headers);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
