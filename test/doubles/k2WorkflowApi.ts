/**
 * A K2 Workflow REST API double on 127.0.0.1 (random port). It is configured like K2's "Bearer Token" OAuth resource
 * (K2 KB002784 step 3): a Metadata Endpoint and the `audience` Resource Parameter. It accepts a bearer
 * token only when it is signed by a key from the metadata's `jwks_uri`, its `iss` equals the metadata's `issuer`,
 * its `aud` equals the audience, and it is not expired; otherwise it answers 401.
 *
 * Routes: `GET /api/workflow/v1/workflows` → `{"itemCount": n, "workflows": [{id, defaultVersionId, name, folder,
 * systemName}]}`; `GET /api/odatav4/v4/` → an OData v4 JSON service document.
 */
import { closeServer, serveOnLoopback } from "./loopback";
import * as http from "node:http";
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";

export interface K2Workflow {
  id: number;
  defaultVersionId: number;
  name: string;
  folder: string;
  systemName: string;
}

export interface K2WorkflowApiOptions {
  /** The Bearer Token resource's Metadata Endpoint. */
  metadataEndpoint: string;
  /** The Bearer Token resource's `audience` parameter. */
  audience: string;
  workflows?: K2Workflow[];
  /** SmartObjects published to OData v4 (entity set names). */
  odataEntitySets?: string[];
  /** Clock for token lifetime. Default: the system clock. */
  now?: () => Date;
}

export interface K2Request {
  method: string;
  path: string;
  /** Whether an Authorization header came with it (the header itself is not recorded). */
  hadBearer: boolean;
  status: number;
}

export const DEFAULT_WORKFLOWS: K2Workflow[] = [
  { id: 1, defaultVersionId: 3, name: "Leave Approval", folder: "HR", systemName: "HR\\Leave Approval" },
  { id: 2, defaultVersionId: 1, name: "Expense Claim", folder: "Finance", systemName: "Finance\\Expense Claim" },
];

export class K2WorkflowApiDouble {
  url = "";
  readonly requests: K2Request[] = [];
  /** Answer the next requests with these statuses (faults), one each. */
  readonly faults: number[] = [];
  /** Change to simulate a reconfigured Bearer Token resource. */
  metadataEndpoint: string;
  audience: string;
  private readonly workflows: K2Workflow[];
  private readonly entitySets: string[];
  private readonly now: () => Date;
  private server: http.Server | undefined;
  private trust: { metadataEndpoint: string; issuer: string; keys: JWTVerifyGetKey } | undefined;

  private constructor(options: K2WorkflowApiOptions) {
    this.metadataEndpoint = options.metadataEndpoint;
    this.audience = options.audience;
    this.workflows = options.workflows ?? DEFAULT_WORKFLOWS;
    this.entitySets = options.odataEntitySets ?? ["Employee", "Department"];
    this.now = options.now ?? (() => new Date());
  }

  static async start(options: K2WorkflowApiOptions): Promise<K2WorkflowApiDouble> {
    const d = new K2WorkflowApiDouble(options);
    const { server, host } = await serveOnLoopback((req, res) => d.handle(req, res));
    d.server = server;
    d.url = `http://${host}`;
    return d;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  /**
   * What the Bearer Token resource trusts, read from its Metadata Endpoint (and cached until that changes).
   * ASSUMPTION: K2 takes `issuer` and `jwks_uri` from the metadata document, as OpenID Connect discovery clients do.
   */
  private async trusted(): Promise<{ issuer: string; keys: JWTVerifyGetKey }> {
    if (this.trust?.metadataEndpoint === this.metadataEndpoint) return this.trust;
    const res = await fetch(this.metadataEndpoint);
    if (!res.ok) throw new Error(`metadata endpoint answered HTTP ${res.status}`);
    const doc = (await res.json()) as { issuer?: string; jwks_uri?: string };
    if (typeof doc.issuer !== "string" || typeof doc.jwks_uri !== "string") throw new Error("metadata without issuer or jwks_uri");
    this.trust = { metadataEndpoint: this.metadataEndpoint, issuer: doc.issuer, keys: createRemoteJWKSet(new URL(doc.jwks_uri)) };
    return this.trust;
  }

  /**
   * ASSUMPTION (inferred, no public source states it): K2 validates signature, `iss`, `aud` and lifetime; it does not check `scp`
   * or `ver` itself. A rejected token gets 401 with a Bearer challenge.
   */
  private async authorised(header: string | undefined): Promise<boolean> {
    const m = /^Bearer (\S+)$/.exec(header ?? "");
    if (m === null) return false;
    try {
      const trust = await this.trusted();
      await jwtVerify(m[1], trust.keys, {
        issuer: trust.issuer,
        audience: this.audience,
        algorithms: ["RS256"],
        currentDate: this.now(),
      });
      return true;
    } catch {
      return false;
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", this.url).pathname;
    const method = req.method ?? "GET";
    const record = (status: number) => this.requests.push({ method, path, hadBearer: req.headers.authorization !== undefined, status });
    const fault = this.faults.shift();
    if (fault !== undefined) {
      record(fault);
      res.writeHead(fault, { "content-type": "text/plain" });
      res.end("simulated fault");
      return;
    }
    const known = method === "GET" && (path === "/api/workflow/v1/workflows" || path === "/api/odatav4/v4/" || path === "/api/odatav4/v4");
    if (!known) {
      record(404);
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "Not found" }));
      return;
    }
    if (!(await this.authorised(req.headers.authorization))) {
      record(401);
      // ASSUMPTION: the challenge format follows RFC 6750; K2's exact body text is unknown.
      res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer error="invalid_token"' });
      res.end(JSON.stringify({ message: "Authorization has been denied for this request." }));
      return;
    }
    record(200);
    if (path.startsWith("/api/workflow/")) {
      sendJson(res, { itemCount: this.workflows.length, workflows: this.workflows });
    } else {
      // ASSUMPTION: K2's OData v4 service document lists each published SmartObject as an EntitySet.
      sendJson(res, {
        "@odata.context": `${this.url}/api/odatav4/v4/$metadata`,
        value: this.entitySets.map((name) => ({ name, kind: "EntitySet", url: name })),
      });
    }
  }
}

function sendJson(res: http.ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
