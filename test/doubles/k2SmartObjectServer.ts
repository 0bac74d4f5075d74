/**
 * A test double of K2's (legacy) SmartObject REST services holding K2's OAuth Resources and their parameters, served
 * on 127.0.0.1 with a random port.
 *
 * Documented behaviour it follows (K2 Developer Reference, "SmartObject REST Services", "URIs for REST Services",
 * List/Create/Update/Delete pages, help.nintex.com):
 * - URL form `{root}/SmartObjectServices/REST/{CategoryPath}/{SmartObject display name}/{Method display name}`,
 *   spaces as %20; discovery document at `{root}/SmartObjectServices/endpoints/endpoints.xml`;
 * - List: GET, `$format=json`; Create: POST with an XML body whose root element is the SmartObject system name and
 *   whose children are property system names; Update: PUT `?{key}={value}` with the changed properties; Delete:
 *   DELETE `?{key}={value}`; status codes 200/400/404/405/500/503; Basic authentication.
 * - Resource parameters come from the Resource Type and are edited per resource; encrypted values read back masked.
 *
 * Which SmartObjects manage OAuth resources is NOT documented: the double serves the names of the mapping it is
 * given (by default the project's placeholder mapping). Every other choice is marked `// ASSUMPTION:`.
 *
 * Faults on demand: latency, hang (no answer), N failures with a status (5xx, 429, 401, 403...), connection reset,
 * and "lost response" (the request is carried out, then the connection is dropped before the answer).
 *
 * Echoes, so that a leak would show: error answers quote what the request carried where K2 and IIS do (the requested
 * URL with its query string on 404/405, the offending body on 400), and with `reflectAuthorization` every error answer
 * starts with the request's Authorization header, as a server with detailed errors or request tracing on may do. A
 * provider that put a credential into a URL or body, or failed to redact K2's answer, would carry it into its errors.
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { XMLParser } from "fast-xml-parser";
import type { OAuthResourceRecord } from "../../components/k2/management";
import { DEFAULT_SMARTOBJECT_MAPPING, RESOURCE_PROPERTY_ROLES, type SmartObjectMapping, type SmartObjectRef } from "../../components/k2/mapping";

export interface DoubleResourceType {
  name: string;
  parameters: Array<{ name: string; encrypted?: boolean }>;
}

/** A resource as K2 Management shows it: its id and the OAuth Resource fields (components/k2/management.ts). */
export type StoredResource = OAuthResourceRecord;

export interface StoredParameter {
  id: string;
  resourceId: string;
  name: string;
  tokenValue: string;
  /** The Authorization and Refresh Values (served where the mapping names their properties). */
  authorizationValue: string;
  refreshValue: string;
  encrypted: boolean;
}

export type Operation = "list" | "create" | "update" | "delete" | "discovery";
export type Target = "resource" | "parameter" | "other";

export interface FaultMatch {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  operation?: Operation;
  target?: Target;
}

export type Fault =
  | { kind: "status"; status: number; times?: number; body?: string; headers?: Record<string, string>; match?: FaultMatch }
  | { kind: "reset"; times?: number; match?: FaultMatch }
  | { kind: "hang"; times?: number; match?: FaultMatch }
  | { kind: "latency"; ms: number; times?: number; match?: FaultMatch }
  | { kind: "lose-response"; times?: number; match?: FaultMatch };

export interface RecordedRequest {
  method: string;
  path: string;
  operation: Operation | undefined;
  target: Target | undefined;
  /** Status sent, or "dropped" / "hung" for faults without an answer. */
  outcome: number | "dropped" | "hung";
  /** The Authorization header was present (its value is never recorded). */
  authenticated: boolean;
  body: string;
}

export interface K2DoubleOptions {
  username?: string;
  password?: string;
  /** The SmartObject names the double serves (default: the project's placeholder mapping). */
  mapping?: SmartObjectMapping;
  resourceTypes?: DoubleResourceType[];
  /** Include the OAuth management SmartObjects in endpoints.xml (default true). */
  discoveryIncludesOAuth?: boolean;
  /** Describe properties in endpoints.xml (default true); false makes discover probe the list methods. */
  discoveryListsProperties?: boolean;
  /**
   * Start every error answer with the request's Authorization header (default false). ASSUMPTION: IIS detailed errors
   * and ASP.NET request tracing can show request headers; K2 itself is not known to.
   */
  reflectAuthorization?: boolean;
}

// ASSUMPTION: K2 shows an encrypted value as a run of asterisks; the exact mask is not documented.
export const MASK = "********";

export const DEFAULT_RESOURCE_TYPES: DoubleResourceType[] = [
  // ASSUMPTION: the built-in "Bearer Token" Resource Type defines an `audience` parameter (KB002784 edits its Token
  // Value); a second, encrypted parameter is added here to exercise masking.
  { name: "Bearer Token", parameters: [{ name: "audience" }, { name: "client_assertion", encrypted: true }] },
  // ASSUMPTION: the parameters of the shipped "Microsoft Online" type are not publicly documented. K2's connector
  // guides fill client_id, client_secret, redirect_uri, response_type, grant_type and scope on it, and the K2 user
  // guide's Resource Types page names resource and an encrypted client secret for the Azure AD implementation; the
  // double offers those, with client_secret stored encrypted.
  {
    name: "Microsoft Online",
    parameters: [
      { name: "client_id" },
      { name: "client_secret", encrypted: true },
      { name: "redirect_uri" },
      { name: "response_type" },
      { name: "grant_type" },
      { name: "resource" },
      { name: "scope" },
    ],
  },
  // The administrator-made type of K2 KB002814 (client credentials extension): resource, grant_type, client_id,
  // redirect_uri and client_secret. ASSUMPTION: client_secret is stored encrypted.
  {
    name: "Client Credentials",
    parameters: [{ name: "resource" }, { name: "grant_type" }, { name: "client_id" }, { name: "redirect_uri" }, { name: "client_secret", encrypted: true }],
  },
];

/** An unrelated SmartObject, so that discovery has to pick the OAuth ones out of a longer list. */
const EMPLOYEE: SmartObjectRef = { categoryPath: "K2 Examples", displayName: "Employee", systemName: "Employee" };

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export class K2SmartObjectDouble {
  readonly username: string;
  readonly password: string;
  readonly mapping: SmartObjectMapping;
  readonly resourceTypes: DoubleResourceType[];
  readonly requests: RecordedRequest[] = [];
  /** e.g. http://127.0.0.1:PORT/SmartObjectServices */
  serviceUrl = "";
  private readonly options: K2DoubleOptions;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private faults: Array<Fault & { remaining: number }> = [];
  private store = { resources: [] as StoredResource[], parameters: [] as StoredParameter[] };
  private readonly xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false });

  constructor(options: K2DoubleOptions = {}) {
    this.options = options;
    this.username = options.username ?? "K2DEMO\\svc-k2";
    this.password = options.password ?? `pw-${randomUUID()}`;
    this.mapping = options.mapping ?? DEFAULT_SMARTOBJECT_MAPPING;
    this.resourceTypes = options.resourceTypes ?? DEFAULT_RESOURCE_TYPES;
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.serviceUrl = `http://127.0.0.1:${port}/SmartObjectServices`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- state, as an administrator sees it in K2 Management --------------------------------------------------

  resources(): StoredResource[] {
    return this.store.resources.map((r) => ({ ...r }));
  }

  parameters(resourceId: string): StoredParameter[] {
    return this.store.parameters.filter((p) => p.resourceId === resourceId).map((p) => ({ ...p }));
  }

  /** The stored (unmasked) Token Value of a resource's parameter. */
  parameterValue(resourceName: string, parameter: string): string | undefined {
    const r = this.findByName(resourceName);
    return r === undefined ? undefined : this.store.parameters.find((p) => p.resourceId === r.id && p.name === parameter)?.tokenValue;
  }

  /** The stored (unmasked) values of a resource's parameter per request. */
  parameterLegs(resourceName: string, parameter: string): { authorization: string; token: string; refresh: string } | undefined {
    const r = this.findByName(resourceName);
    const p = r && this.store.parameters.find((x) => x.resourceId === r.id && x.name === parameter);
    return p === undefined ? undefined : { authorization: p.authorizationValue, token: p.tokenValue, refresh: p.refreshValue };
  }

  /** What an administrator can do in K2 Management > Authentication > OAuth > Resources. */
  readonly management = {
    createResource: (fields: Omit<StoredResource, "id">, values: Record<string, string> = {}): StoredResource => {
      const r = this.insertResource(fields);
      for (const [name, value] of Object.entries(values)) {
        const p = this.store.parameters.find((x) => x.resourceId === r.id && x.name === name);
        if (p === undefined) throw new Error(`double: resource type ${fields.resourceType} has no parameter ${name}`);
        p.tokenValue = value;
      }
      return { ...r };
    },
    editResource: (name: string, patch: Partial<Omit<StoredResource, "id">>): void => {
      const r = this.findByName(name);
      if (r === undefined) throw new Error(`double: no resource ${name}`);
      Object.assign(r, patch);
    },
    setParameter: (resourceName: string, parameter: string, value: string): void => {
      const r = this.findByName(resourceName);
      const p = r && this.store.parameters.find((x) => x.resourceId === r.id && x.name === parameter);
      if (p === undefined) throw new Error(`double: no parameter ${parameter} on ${resourceName}`);
      p.tokenValue = value;
    },
    deleteResource: (name: string): void => {
      const r = this.findByName(name);
      if (r === undefined) throw new Error(`double: no resource ${name}`);
      this.removeResource(r.id);
    },
  };

  // ---- faults -----------------------------------------------------------------------------------------------

  /** Queues a fault for the next matching requests (`times`, default 1). */
  inject(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Requests that reached a given operation (faulted ones included). */
  count(operation: Operation, target?: Target): number {
    return this.requests.filter((r) => r.operation === operation && (target === undefined || r.target === target)).length;
  }

  // ---- HTTP -------------------------------------------------------------------------------------------------

  private findByName(name: string): StoredResource | undefined {
    return this.store.resources.find((r) => r.name.toLowerCase() === name.toLowerCase());
  }

  private insertResource(fields: Omit<StoredResource, "id">): StoredResource {
    const type = this.resourceTypes.find((t) => t.name === fields.resourceType);
    if (type === undefined) throw new DoubleHttpError(400, `The resource type '${fields.resourceType}' does not exist.`);
    // ASSUMPTION: K2 refuses a second resource with the same name (compared without regard to case).
    if (this.findByName(fields.name) !== undefined) throw new DoubleHttpError(400, `A resource named '${fields.name}' already exists.`);
    // ASSUMPTION: resources and parameter rows are keyed by GUIDs.
    const r: StoredResource = { ...fields, id: randomUUID() };
    this.store.resources.push(r);
    // Documented: a resource's parameter rows come from its Resource Type. ASSUMPTION: they start with empty values.
    for (const p of type.parameters) {
      this.store.parameters.push({
        id: randomUUID(),
        resourceId: r.id,
        name: p.name,
        tokenValue: "",
        authorizationValue: "",
        refreshValue: "",
        encrypted: p.encrypted ?? false,
      });
    }
    return r;
  }

  private removeResource(id: string): void {
    this.store.resources = this.store.resources.filter((r) => r.id !== id);
    this.store.parameters = this.store.parameters.filter((p) => p.resourceId !== id);
  }

  private classify(pathname: string): { operation?: Operation; target?: Target; so?: SmartObjectRef; role?: string } {
    if (pathname === "/SmartObjectServices/endpoints/endpoints.xml") return { operation: "discovery" };
    const prefix = "/SmartObjectServices/REST/";
    if (!pathname.startsWith(prefix)) return {};
    const segments = pathname.slice(prefix.length).split("/").filter((s) => s !== "").map(decodeURIComponent);
    if (segments.length < 2) return {};
    const methodName = segments[segments.length - 1];
    const soName = segments[segments.length - 2];
    const category = segments.slice(0, -2).join("/");
    const candidates: Array<[Target, SmartObjectRef & { methods: Record<string, string> }]> = [
      ["resource", this.mapping.resource],
      ["parameter", this.mapping.resourceParameter],
      ["other", { ...EMPLOYEE, methods: { list: "Get List" } }],
    ];
    for (const [target, so] of candidates) {
      if (so.displayName !== soName || so.categoryPath !== category) continue;
      const role = Object.entries(so.methods).find(([, display]) => display === methodName)?.[0];
      if (role === undefined) return { target, so };
      return { operation: role as Operation, target, so, role };
    }
    return {};
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await new Promise<string>((resolve) => {
      let data = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (data += c));
      req.on("end", () => resolve(data));
    });
    const method = req.method ?? "GET";
    const route = this.classify(url.pathname);
    const record: RecordedRequest = {
      method,
      path: url.pathname + url.search,
      operation: route.operation,
      target: route.target,
      outcome: 0,
      authenticated: typeof req.headers.authorization === "string",
      body,
    };
    this.requests.push(record);

    const fault = this.takeFault(method, route);
    if (fault?.kind === "reset") {
      record.outcome = "dropped";
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "hang") {
      record.outcome = "hung";
      return; // never answers; the socket is destroyed on close()
    }
    if (fault?.kind === "latency") await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === "status") {
      const body = fault.status >= 400 ? this.reflect(req, fault.body ?? defaultStatusBody(fault.status)) : (fault.body ?? "");
      this.send(res, record, fault.status, body, "text/plain", fault.headers);
      return;
    }

    let status = 200;
    let payload = "";
    let type = "text/plain";
    try {
      // ASSUMPTION: the discovery document needs the same Basic sign-in as the methods.
      if (req.headers.authorization !== basic(this.username, this.password)) {
        // ASSUMPTION: the services answer a failed Basic sign-in with 401 and a Basic challenge.
        this.send(res, record, 401, this.reflect(req, "401 - Unauthorized: Access is denied due to invalid credentials."), "text/plain", {
          "WWW-Authenticate": 'Basic realm="K2"',
        });
        return;
      }
      ({ status, payload, type } = this.execute(method, url, body, route));
    } catch (e) {
      if (!(e instanceof DoubleHttpError)) {
        this.send(res, record, 500, `double bug: ${(e as Error).message}`, "text/plain");
        return;
      }
      status = e.status;
      // ASSUMPTION: errors come back as a short XML document with the K2 message. IIS error pages quote the requested
      // URL (query string included) for 404/405; K2's 400 answers quote the offending value (here: the body).
      const quoted = status === 404 || status === 405 ? ` Requested URL: ${url.pathname}${url.search}` : status === 400 && body !== "" ? ` Request body: ${body}` : "";
      payload = this.reflect(req, `<Error><Message>${xmlEscape(`${e.message}${quoted}`)}</Message></Error>`);
      type = "application/xml";
    }
    if (fault?.kind === "lose-response") {
      record.outcome = "dropped";
      req.socket.destroy(); // carried out, answer lost
      return;
    }
    this.send(res, record, status, payload, type);
  }

  /** An error answer, with the request's Authorization header in front when `reflectAuthorization` is on. */
  private reflect(req: http.IncomingMessage, body: string): string {
    if (!this.options.reflectAuthorization) return body;
    return `Authorization: ${req.headers.authorization ?? "(none)"} ${body}`;
  }

  private takeFault(method: string, route: { operation?: Operation; target?: Target }): Fault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        f.remaining > 0 &&
        (f.match?.method === undefined || f.match.method === method) &&
        (f.match?.operation === undefined || f.match.operation === route.operation) &&
        (f.match?.target === undefined || f.match.target === route.target),
    );
    if (i < 0) return undefined;
    const f = this.faults[i];
    f.remaining -= 1;
    return f;
  }

  private send(res: http.ServerResponse, record: RecordedRequest, status: number, payload: string, type: string, headers: Record<string, string> = {}): void {
    record.outcome = status;
    res.writeHead(status, { "Content-Type": `${type}; charset=utf-8`, ...headers });
    res.end(payload);
  }

  private execute(method: string, url: URL, body: string, route: ReturnType<K2SmartObjectDouble["classify"]>): { status: number; payload: string; type: string } {
    if (route.operation === "discovery") {
      if (method !== "GET") throw new DoubleHttpError(405, "Method not allowed.");
      return { status: 200, payload: this.discoveryDocument(), type: "application/xml" };
    }
    if (route.so === undefined) throw new DoubleHttpError(404, "The requested SmartObject or method is not available.");
    if (route.operation === undefined) throw new DoubleHttpError(404, `The method is not available on SmartObject '${route.so.displayName}'.`);
    const expected: Record<string, string> = { list: "GET", create: "POST", update: "PUT", delete: "DELETE" };
    if (expected[route.operation] !== method) throw new DoubleHttpError(405, `The method does not accept ${method}.`);
    if (route.target === "other") return { status: 200, payload: "[]", type: "application/json" }; // not modelled
    const isResource = route.target === "resource";
    switch (route.operation) {
      case "list":
        // ASSUMPTION: `$format=json` returns a top-level JSON array of records keyed by property system names,
        // with YesNo properties as JSON booleans. Without it the documented default is XML (not needed here).
        if (url.searchParams.get("$format") !== "json") throw new DoubleHttpError(400, "This double only serves $format=json.");
        return { status: 200, payload: JSON.stringify(isResource ? this.resourceRows() : this.parameterRows()), type: "application/json" };
      case "create":
        // ASSUMPTION: the parameter SmartObject has no create method (rows come from the Resource Type: documented).
        if (!isResource) throw new DoubleHttpError(405, "Parameters come from the Resource Type and cannot be created.");
        this.createFromXml(body);
        // Documented: a successful POST may return nothing.
        return { status: 200, payload: "", type: "text/plain" };
      case "update":
        return isResource ? this.updateResourceFromXml(url, body) : this.updateParameterFromXml(url, body);
      case "delete": {
        // ASSUMPTION: nor a delete method; rows go with their resource.
        if (!isResource) throw new DoubleHttpError(405, "Parameters come from the Resource Type and cannot be deleted.");
        const id = this.keyValue(url, this.mapping.resource.properties.id);
        // ASSUMPTION: deleting a record that is gone answers 404 (documented: 404 when no longer available).
        if (!this.store.resources.some((r) => r.id === id)) throw new DoubleHttpError(404, `No resource with ID ${id}.`);
        this.removeResource(id);
        return { status: 200, payload: "", type: "text/plain" };
      }
      default:
        throw new DoubleHttpError(404, "Unknown method.");
    }
  }

  private keyValue(url: URL, property: string): string {
    const value = url.searchParams.get(property);
    if (value === null) throw new DoubleHttpError(400, `The key property '${property}' is required in the query string.`);
    return value;
  }

  private parseBody(body: string, systemName: string, allowed: readonly string[]): Record<string, string> {
    let doc: Record<string, unknown>;
    try {
      doc = this.xml.parse(body, true) as Record<string, unknown>;
    } catch {
      throw new DoubleHttpError(400, "The request body is not well-formed XML.");
    }
    const roots = Object.keys(doc).filter((k) => k !== "?xml");
    if (roots.length !== 1 || roots[0] !== systemName) {
      throw new DoubleHttpError(400, `The root element must be the SmartObject system name '${systemName}'.`);
    }
    const content = doc[systemName];
    const props = typeof content === "object" && content !== null ? (content as Record<string, unknown>) : {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) {
      // ASSUMPTION: K2 rejects a property the SmartObject does not have.
      if (!allowed.includes(k)) throw new DoubleHttpError(400, `The SmartObject '${systemName}' has no property '${k}'.`);
      out[k] = typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
    }
    return out;
  }

  private resourceRows(): Array<Record<string, unknown>> {
    const p = this.mapping.resource.properties;
    // Every role of the mapping under its property system name, with the stored value.
    return this.store.resources.map((r) => Object.fromEntries(RESOURCE_PROPERTY_ROLES.map((role) => [p[role], r[role]])));
  }

  private parameterRows(): Array<Record<string, unknown>> {
    const p = this.mapping.resourceParameter.properties;
    // Documented: values stored encrypted read back masked.
    const shown = (x: StoredParameter, value: string) => (x.encrypted && value !== "" ? MASK : value);
    return this.store.parameters.map((x) => ({
      [p.id]: x.id,
      [p.resourceId]: x.resourceId,
      [p.name]: x.name,
      [p.tokenValue]: shown(x, x.tokenValue),
      ...(p.authorizationValue !== undefined ? { [p.authorizationValue]: shown(x, x.authorizationValue) } : {}),
      ...(p.refreshValue !== undefined ? { [p.refreshValue]: shown(x, x.refreshValue) } : {}),
    }));
  }

  private resourceFields(props: Record<string, string>): Partial<Omit<StoredResource, "id">> {
    const p = this.mapping.resource.properties;
    const out: Partial<Omit<StoredResource, "id">> = {};
    const str = (key: string) => props[key];
    if (str(p.name) !== undefined) out.name = str(p.name);
    if (str(p.resourceType) !== undefined) out.resourceType = str(p.resourceType);
    if (str(p.authorizationEndpoint) !== undefined) out.authorizationEndpoint = str(p.authorizationEndpoint);
    if (str(p.tokenEndpoint) !== undefined) out.tokenEndpoint = str(p.tokenEndpoint);
    if (str(p.refreshTokenEndpoint) !== undefined) out.refreshTokenEndpoint = str(p.refreshTokenEndpoint);
    if (str(p.metadataEndpoint) !== undefined) out.metadataEndpoint = str(p.metadataEndpoint);
    const flag = str(p.useHostServerAuthorizationEndpoint);
    if (flag !== undefined) {
      // ASSUMPTION: YesNo properties are written as true/false in XML bodies.
      if (flag !== "true" && flag !== "false") throw new DoubleHttpError(400, `'${flag}' is not a valid YesNo value.`);
      out.useHostServerAuthorizationEndpoint = flag === "true";
    }
    return out;
  }

  private createFromXml(body: string): void {
    const so = this.mapping.resource;
    const allowed = Object.entries(so.properties)
      .filter(([role]) => role !== "id")
      .map(([, name]) => name);
    const fields = this.resourceFields(this.parseBody(body, so.systemName, allowed));
    if (fields.name === undefined || fields.name.trim() === "") throw new DoubleHttpError(400, "Resource Name is required.");
    if (fields.resourceType === undefined) throw new DoubleHttpError(400, "Resource Type is required.");
    this.insertResource({
      name: fields.name,
      resourceType: fields.resourceType,
      authorizationEndpoint: fields.authorizationEndpoint ?? "",
      tokenEndpoint: fields.tokenEndpoint ?? "",
      refreshTokenEndpoint: fields.refreshTokenEndpoint ?? "",
      metadataEndpoint: fields.metadataEndpoint ?? "",
      useHostServerAuthorizationEndpoint: fields.useHostServerAuthorizationEndpoint ?? false,
    });
  }

  private updateResourceFromXml(url: URL, body: string): { status: number; payload: string; type: string } {
    const so = this.mapping.resource;
    const id = this.keyValue(url, so.properties.id);
    const r = this.store.resources.find((x) => x.id === id);
    // Documented: 404 when something requested is no longer available.
    if (r === undefined) throw new DoubleHttpError(404, `No resource with ID ${id}.`);
    // ASSUMPTION: a resource's type cannot be changed by an update (the provider replaces instead).
    const allowed = Object.entries(so.properties)
      .filter(([role]) => role !== "id" && role !== "resourceType")
      .map(([, name]) => name);
    const fields = this.resourceFields(this.parseBody(body, so.systemName, allowed));
    if (fields.name !== undefined && fields.name.toLowerCase() !== r.name.toLowerCase() && this.findByName(fields.name) !== undefined) {
      throw new DoubleHttpError(400, `A resource named '${fields.name}' already exists.`);
    }
    Object.assign(r, fields);
    return { status: 200, payload: "", type: "text/plain" };
  }

  private updateParameterFromXml(url: URL, body: string): { status: number; payload: string; type: string } {
    const so = this.mapping.resourceParameter;
    const id = this.keyValue(url, so.properties.id);
    const p = this.store.parameters.find((x) => x.id === id);
    if (p === undefined) throw new DoubleHttpError(404, `No resource parameter with ID ${id}.`);
    // Documented: parameter rows are edited (their values), not renamed or moved.
    const { tokenValue, authorizationValue, refreshValue } = so.properties;
    const allowed = [tokenValue, authorizationValue, refreshValue].filter((x): x is string => x !== undefined);
    const props = this.parseBody(body, so.systemName, allowed);
    if (props[tokenValue] !== undefined) p.tokenValue = props[tokenValue];
    if (authorizationValue !== undefined && props[authorizationValue] !== undefined) p.authorizationValue = props[authorizationValue];
    if (refreshValue !== undefined && props[refreshValue] !== undefined) p.refreshValue = props[refreshValue];
    return { status: 200, payload: "", type: "text/plain" };
  }

  /**
   * ASSUMPTION: the shape of endpoints.xml. K2 documents only where it is and that it lists the available endpoint
   * URIs (shown as a screenshot). This double lists each SmartObject with its system name, display name, category,
   * methods with their REST URL, and (optionally) properties. Discover relies on the REST URLs (documented form) and
   * uses the attributes only when present.
   */
  private discoveryDocument(): string {
    const rest = `${this.serviceUrl}/REST`;
    const sos: Array<{ so: SmartObjectRef; methods: Array<[string, string]>; properties: string[] }> = [
      { so: EMPLOYEE, methods: [["List", "Get List"]], properties: ["ID", "Username", "First_Name", "Last_Name", "Email"] },
    ];
    if (this.options.discoveryIncludesOAuth ?? true) {
      const r = this.mapping.resource;
      const p = this.mapping.resourceParameter;
      sos.push(
        {
          so: r,
          methods: [
            ["List", r.methods.list],
            ["Create", r.methods.create],
            ["Update", r.methods.update],
            ["Delete", r.methods.delete],
          ],
          properties: Object.values(r.properties),
        },
        { so: p, methods: [["List", p.methods.list], ["Update", p.methods.update]], properties: Object.values(p.properties) },
        // ASSUMPTION: Resource Types are exposed next to Resources; discover must not mistake them for Resources.
        {
          so: { categoryPath: r.categoryPath, displayName: "OAuth Resource Types", systemName: "OAuth_Resource_Type" },
          methods: [["List", "Get List"]],
          properties: ["Name"],
        },
      );
    }
    const listProps = this.options.discoveryListsProperties ?? true;
    const seg = (s: string) => encodeURIComponent(s);
    const body = sos
      .map(({ so, methods, properties }) => {
        const base = `${rest}/${[...so.categoryPath.split("/"), so.displayName].map(seg).join("/")}`;
        const m = methods
          .map(([type, display]) => `    <Method DisplayName="${xmlEscape(display)}" Type="${type}">\n      <Rest>${xmlEscape(`${base}/${seg(display)}`)}</Rest>\n    </Method>`)
          .join("\n");
        const props = listProps ? `\n${properties.map((n) => `    <Property Name="${xmlEscape(n)}"/>`).join("\n")}` : "";
        return `  <SmartObject Name="${xmlEscape(so.systemName)}" DisplayName="${xmlEscape(so.displayName)}" Category="${xmlEscape(so.categoryPath)}">\n${m}${props}\n  </SmartObject>`;
      })
      .join("\n");
    return `<?xml version="1.0" encoding="utf-8"?>\n<Endpoints>\n${body}\n</Endpoints>\n`;
  }
}

class DoubleHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function defaultStatusBody(status: number): string {
  // ASSUMPTION: short plain-text bodies for injected failures (IIS/WCF pages in reality).
  const text: Record<number, string> = {
    401: "401 - Unauthorized: Access is denied due to invalid credentials.",
    403: "403 - Forbidden: the account may not execute this SmartObject method.",
    429: "Too many requests.",
    500: "An internal server error occurred.",
    503: "The K2 Server is unreachable.",
  };
  return text[status] ?? `HTTP ${status}`;
}

export async function startK2SmartObjectDouble(options: K2DoubleOptions = {}): Promise<K2SmartObjectDouble> {
  return new K2SmartObjectDouble(options).start();
}
