/**
 * Microsoft Graph v1.0, read only, for `npm run adopt`: GET requests with the signed-in identity's token, bounded
 * retries (cli/verify/http.ts: timeouts, resets, 5xx, and 429 waiting as `Retry-After` asks), collections followed
 * through `@odata.nextLink` up to a bounded number of pages, and Graph's error format turned into a message that
 * says what adopt was reading and what to do.
 *
 * Wire formats (Microsoft Learn, Microsoft Graph): a collection is `{ "value": [...], "@odata.nextLink"? }`, the next
 * page's URL taken as it is ("Paging Microsoft Graph data in your app"); an error is `{ "error": { "code",
 * "message", "innerError": { "request-id", "date" } } }` ("Microsoft Graph error responses"; the schema spells it
 * `innererror`, both are read); a throttled request gets 429 with `Retry-After` ("Microsoft Graph throttling
 * guidance"). Every request is a read: repeating one never changes anything.
 *
 * The token travels only in the Authorization header, and only to the Graph root it was issued for: a next-page link
 * to another origin is refused. No message carries a URL's query string or a header.
 */
import { describeEndpoint, HttpFault, send, type HttpPolicy } from "../verify/http";
import { GRAPH_VERSION } from "../../components/entra";

export interface GraphSettings {
  /** Graph's root without version: `https://graph.microsoft.com` (components/entra.ts GRAPH_ROOTS) or a double's. */
  root: string;
  /** The signed-in identity's access token for `root`. Never printed. */
  token: string;
  http: HttpPolicy;
  /** The most pages one collection may take; more is an error, never a silent cut. */
  maxPages: number;
}

export const DEFAULT_MAX_PAGES = 200;

/** Microsoft Graph answered with an error, or could not be read. `status` is Graph's HTTP status, when it answered. */
export class GraphError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "GraphError";
  }
}

export interface GraphRequest {
  /** Path below `/v1.0/`, like `applications` or `servicePrincipals/<id>/owners`. */
  path: string;
  /** OData query options (`$filter`, `$select`, `$top`, `$count`), sent percent-encoded. */
  query?: Readonly<Record<string, string>>;
  /**
   * An advanced query (Microsoft Learn, "Advanced query capabilities on Microsoft Entra ID objects"): sends
   * `ConsistencyLevel: eventual`; the caller adds `$count=true`.
   */
  advanced?: boolean;
}

/** A Graph object: JSON as Graph sent it, read with the helpers below. */
export type GraphObject = Readonly<Record<string, unknown>>;

export interface GraphReader {
  /** One object. `what` says what adopt was reading, for messages (`read the owners of app 'X'`). */
  get(what: string, request: GraphRequest): Promise<GraphObject>;
  /** Every item of a collection, all pages. */
  list(what: string, request: GraphRequest): Promise<GraphObject[]>;
}

const PERMISSIONS_HINT =
  "adopt needs the Microsoft Graph permissions Application.Read.All and Directory.Read.All (read only), consented for the app you sign in with, " +
  "and, signed in as a user, a directory role that may read applications (for example Global Reader); see README.md, \"Adopting an existing setup\"";

/** What to do about a Graph error status. */
function hintFor(status: number, root: string): string {
  switch (status) {
    case 401:
      return `the token was not accepted: it expired, or was issued for another resource than ${root}; sign in again`;
    case 403:
      return PERMISSIONS_HINT;
    case 404:
      return "it was not found: deleted meanwhile, or created moments ago and not replicated yet; run adopt again";
    case 400:
      return "Graph rejected the request itself: check --graph-url and the cloud (k2-oauth:cloud)";
    default:
      return "run adopt again; if it keeps failing, check Microsoft Graph's service health";
  }
}

interface GraphErrorBody {
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** Graph's error body, or nothing when the body is not one. */
export function readGraphError(body: string): GraphErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { code: undefined, message: undefined, requestId: undefined };
  }
  const error = typeof json === "object" && json !== null ? (json as { error?: unknown }).error : undefined;
  if (typeof error !== "object" || error === null) return { code: undefined, message: undefined, requestId: undefined };
  const e = error as Record<string, unknown>;
  const inner = (e.innerError ?? e.innererror) as Record<string, unknown> | undefined;
  return { code: str(e.code), message: str(e.message), requestId: typeof inner === "object" && inner !== null ? str(inner["request-id"]) : undefined };
}

/** `applications?$filter=a%20eq%20'b'` below the root's `/v1.0/`. */
export function graphUrl(root: string, request: GraphRequest): string {
  const query = Object.entries(request.query ?? {})
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");
  return `${root.replace(/\/+$/, "")}/${GRAPH_VERSION}/${request.path}${query === "" ? "" : `?${query}`}`;
}

export function createGraphReader(settings: GraphSettings): GraphReader {
  const origin = new URL(settings.root).origin;

  async function getJson(what: string, url: string, advanced: boolean): Promise<GraphObject> {
    const headers: Record<string, string> = { authorization: `Bearer ${settings.token}` };
    if (advanced) headers.consistencylevel = "eventual";
    let res;
    try {
      res = await send({ method: "GET", url, headers }, settings.http);
    } catch (e) {
      if (!(e instanceof HttpFault)) throw e;
      const throttled =
        e.lastStatus === 429
          ? "; Microsoft Graph kept throttling (HTTP 429) although adopt waited as its Retry-After asked: wait a few minutes and run adopt again"
          : "";
      throw new GraphError(`could not ${what}: ${e.message}${throttled}. Nothing was written.`, e.lastStatus, undefined);
    }
    if (res.status !== 200) {
      const error = readGraphError(res.body);
      const said = [error.code, error.message].filter((s) => s !== undefined).join(": ");
      throw new GraphError(
        `could not ${what}: ${describeEndpoint("GET", url)} answered HTTP ${res.status}${said === "" ? "" : ` (${said})`}` +
          `${error.requestId === undefined ? "" : ` [request-id ${error.requestId}]`}; ${hintFor(res.status, settings.root)}`,
        res.status,
        error.code,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new GraphError(`could not ${what}: ${describeEndpoint("GET", url)} answered 200 without a JSON object (a proxy page, or not Microsoft Graph: check --graph-url)`, 200, undefined);
    }
    return json as GraphObject;
  }

  return {
    get(what, request) {
      return getJson(what, graphUrl(settings.root, request), request.advanced === true);
    },
    async list(what, request) {
      const items: GraphObject[] = [];
      let url: string | undefined = graphUrl(settings.root, request);
      for (let page = 1; url !== undefined; page++) {
        if (page > settings.maxPages) {
          throw new GraphError(`could not ${what}: more than ${settings.maxPages} pages; adopt stops rather than read part of the list. Nothing was written.`, undefined, undefined);
        }
        const body = await getJson(what, url, request.advanced === true);
        const value = body.value;
        if (!Array.isArray(value) || value.some((v) => typeof v !== "object" || v === null || Array.isArray(v))) {
          throw new GraphError(`could not ${what}: ${describeEndpoint("GET", url)} answered without a 'value' list of objects`, 200, undefined);
        }
        items.push(...(value as GraphObject[]));
        const next = body["@odata.nextLink"];
        if (next === undefined || next === null) url = undefined;
        else {
          let nextUrl: URL | undefined;
          try {
            nextUrl = typeof next === "string" ? new URL(next) : undefined;
          } catch {
            nextUrl = undefined;
          }
          if (nextUrl === undefined || nextUrl.origin !== origin) {
            throw new GraphError(`could not ${what}: the next page's link does not point to ${origin}; adopt does not send the token elsewhere`, 200, undefined);
          }
          url = nextUrl.toString();
        }
      }
      return items;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading fields of Graph objects (JSON as sent: anything may be missing or null)
// ---------------------------------------------------------------------------------------------------------------

export function text(o: GraphObject | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === "string" ? v : undefined;
}

export function flag(o: GraphObject | undefined, key: string): boolean | undefined {
  const v = o?.[key];
  return typeof v === "boolean" ? v : undefined;
}

export function object(o: GraphObject | undefined, key: string): GraphObject | undefined {
  const v = o?.[key];
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as GraphObject) : undefined;
}

export function objects(o: GraphObject | undefined, key: string): GraphObject[] {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter((x): x is GraphObject => typeof x === "object" && x !== null && !Array.isArray(x)) : [];
}

export function texts(o: GraphObject | undefined, key: string): string[] {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
