/**
 * The Bearer Token provider as the engine runs it: serialized by the SDK's closure serializer from the TypeScript the
 * SDK's program runner compiles (test/helpers/serializeProvider.cjs), then loaded from that text alone in a plain Node
 * process the way Pulumi's dynamic-provider host loads it (test/helpers/runSerializedProvider.cjs), or by the host
 * itself over gRPC (test/helpers/dynamicProviderHost.ts). Every failure path of the provider is run against the K2
 * double, a closed port and a 401 server; each must fail with an Error whose message says what went wrong and what to
 * do, and the admin password must appear nowhere (message, stack, properties, the host's log).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SMARTOBJECT_MAPPING, type SmartObjectMapping } from "../../components/k2/mapping";
import { startK2SmartObjectDouble, type K2DoubleOptions, type K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";
import { hostError, startDynamicProviderHost } from "../helpers/dynamicProviderHost";
import { bearerTokenResourceInputs } from "../helpers/bearerTokenInputs";
import { inputsFor, TENANT } from "./fixtures";

const ROOT = path.resolve(__dirname, "../..");
const PASSWORD = "Ser1alized-Adm1n-Passw0rd";
const USERNAME = "K2DEMO\\svc-k2";
const BASIC = Buffer.from(`${USERNAME}:${PASSWORD}`, "utf8").toString("base64");
const URN = "urn:pulumi:dev::k2-oauth::k2oauth:index:InboundOAuth$pulumi-nodejs:dynamic/k2:BearerTokenResource::k2-bearer-token";

type Which = "shipped" | "recording";
type Arg = unknown | { $step: number; path?: string };
interface Step {
  method: "check" | "diff" | "create" | "read" | "update" | "delete";
  args: Arg[];
}
interface ThrownValue {
  isError: boolean;
  name: string;
  message: string;
  hint?: string;
  kind?: string;
  status?: number;
  retryable?: boolean;
  stack: string;
  text: string;
  inspected: string;
  own: Record<string, unknown>;
  hostLog: string;
}
interface Run {
  results: Array<{ ok?: unknown; error?: ThrownValue }>;
  delays: number[];
  /** What the process printed besides the results (its stderr), and every error the results hold. */
  output: string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-serialized-"));
const files: Record<Which, string> = { shipped: path.join(dir, "shipped.js"), recording: path.join(dir, "recording.js") };
let doubles: K2SmartObjectDouble[] = [];

async function double(options: K2DoubleOptions = {}): Promise<K2SmartObjectDouble> {
  const d = await startK2SmartObjectDouble({ username: USERNAME, password: PASSWORD, ...options });
  doubles.push(d);
  return d;
}

beforeAll(async () => {
  const d = await double();
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [path.join(ROOT, "test/helpers/serializeProvider.cjs"), ROOT, JSON.stringify(inputsFor(d))], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) =>
      error ? reject(new Error(`serializing failed: ${err}`)) : resolve(out),
    );
  });
  const texts = JSON.parse(stdout) as Record<Which, string>;
  for (const which of ["shipped", "recording"] as const) fs.writeFileSync(files[which], texts[which]);
});

afterEach(async () => {
  await Promise.all(doubles.map((d) => d.close()));
  doubles = [];
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the steps against the serialized text in a plain Node process; fails the test if a secret shows anywhere. */
function run(which: Which, steps: Step[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Nothing of the test's environment but PATH, and the run's own temp folder (test/globalSetup.ts).
    const env = { PATH: process.env.PATH ?? "", TMPDIR: os.tmpdir() };
    const child = execFile(process.execPath, [path.join(ROOT, "test/helpers/runSerializedProvider.cjs"), files[which]], { cwd: ROOT, env }, (error, out, err) => {
      if (error) return reject(new Error(`the provider process failed: ${err}`));
      const parsed = JSON.parse(out) as Omit<Run, "output">;
      // The results of successful steps hold the inputs, credentials included (as the engine's do); errors must not.
      resolve({ ...parsed, output: `${JSON.stringify(parsed.results.map((x) => x.error ?? null))}\n${err}` });
    });
    child.stdin?.end(JSON.stringify(steps));
  });
}

/** A create as the engine makes it: Check (olds empty for a new resource), then Create with the checked inputs. */
function createSteps(inputs: unknown): Step[] {
  return [
    { method: "check", args: [{}, inputs] },
    { method: "create", args: [{ $step: 0, path: "inputs" }] },
  ];
}

function noSecret(r: { output: string }): void {
  expect(r.output.includes(PASSWORD)).toBe(false);
  expect(r.output.includes(BASIC)).toBe(false);
}

/**
 * The one failure of a run: an Error (a K2Error with this hint, the end of its message; or, with hint undefined, a plain
 * Error), and no secret anywhere in the run.
 */
function failureOf(r: Run, hint: string | undefined): ThrownValue {
  noSecret(r);
  const e = r.results.at(-1)?.error;
  expect(e).toBeDefined();
  const name = hint === undefined ? "Error" : "K2Error";
  expect(e!.isError).toBe(true);
  expect(e!.name).toBe(name);
  expect(e!.text).toBe(`${name}: ${e!.message}`);
  expect(e!.stack.startsWith(`${name}: ${e!.message}\n    at `)).toBe(true);
  expect(e!.hint).toBe(hint);
  if (hint !== undefined) expect(e!.message.endsWith(` ${hint}`)).toBe(true);
  return e!;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const LIST = "/REST/System/Management/OAuth/OAuth%20Resource/Get%20List";
const CREATE = "/REST/System/Management/OAuth/OAuth%20Resource/Create";
const UPDATE = "/REST/System/Management/OAuth/OAuth%20Resource/Update";
const BAD_REQUEST_HINT =
  "Check: the request body uses the property system names of the SmartObject mapping; if K2 names them differently, re-run npm run discover -- --stack <name>.";
const FORBIDDEN_HINT =
  "Check: the K2 account needs administrator rights in K2 Management (Authentication > OAuth) and rights to execute the OAuth management SmartObjects.";
const METHOD_HINT = "Check: the mapping names a method of another type for this call (list/create/update/delete); re-run npm run discover -- --stack <name>.";
const CONFLICT_HINT =
  "Check: someone may be changing the same OAuth resource in K2 Management (or another deployment runs); run pulumi refresh, then run the command again.";
const TIMEOUT_HINT = "Check: the K2 server is running and not overloaded, then run the command again.";
const NOT_LISTED_HINT =
  "Check the resource list in K2 Management and the mapping's list method, then run pulumi up again (an identical resource is adopted, not duplicated).";
const EXISTING_HINT = "Make it match in K2 Management, delete it there, or choose another k2-oauth:k2.bearerTokenResource.name.";
const AUTH_HINT =
  "Check: k2-oauth:k2.admin.username and the password (pulumi config set --secret --path 'k2.admin.password'), and that SmartObject Services accept Basic authentication for that account.";
const UNAVAILABLE_HINT =
  "Check: the K2 server and its SmartObject Services are running (K2 answers 503 when the K2 Server is unreachable) and reachable from here, then run the command again.";
const NETWORK_HINT =
  "Check: k2-oauth:k2.smartObjectServices.url (host and port), that the K2 server is reachable from here (name resolution, firewall) and its SmartObject Services are running, then run the command again.";
const NOT_FOUND_HINT =
  "Check: the SmartObject Services URL (k2-oauth:k2.smartObjectServices.url) and that the SmartObject and method exist on this server; " +
  "the SmartObject mapping in use is the built-in PLACEHOLDER mapping (names not verified on any K2 server): run npm run discover -- --stack <name> and set k2-oauth:k2.smartObjectServices.mapping to the file it writes.";

function withMapping(change: (m: SmartObjectMapping) => void): SmartObjectMapping {
  const m = structuredClone(DEFAULT_SMARTOBJECT_MAPPING);
  change(m);
  return m;
}

describe("what the serialized provider captures", () => {
  it("no class that extends a built-in (the closure serializer rewrites those into functions that lose the message)", () => {
    for (const which of ["shipped", "recording"] as const) {
      const text = fs.readFileSync(files[which], "utf8");
      expect(text).toContain("exports.handler");
      expect(text.includes("__super")).toBe(false);
      expect(text.includes(PASSWORD)).toBe(false);
    }
  });

  it("the recording variant differs from the shipped one only by its retry options", () => {
    const shipped = fs.readFileSync(files.shipped, "utf8");
    const recording = fs.readFileSync(files.recording, "utf8");
    expect(shipped.includes("k2Delays")).toBe(false);
    expect(recording).toContain("k2Delays");
    expect(recording).toContain("createOrAdopt");
  });
});

describe("K2 answers with an HTTP error: fails at once with K2's message and what to check", () => {
  it("400 (a property K2's SmartObject does not have): K2's answer quotes the body; no retry, nothing created", async () => {
    const d = await double();
    const mapping = withMapping((m) => (m.resource.properties.tokenEndpoint = "TokenURL"));
    const r = await run("recording", createSteps(inputsFor(d, {}, mapping)));
    const e = failureOf(r, BAD_REQUEST_HINT);
    const fields = bearerTokenResourceInputs();
    const body =
      `<OAuth_Resource><Name>K2 API</Name><ResourceType>Bearer Token</ResourceType><AuthorizationEndpoint>${fields.authorizationEndpoint}</AuthorizationEndpoint>` +
      `<TokenURL>${fields.tokenEndpoint}</TokenURL><RefreshTokenEndpoint></RefreshTokenEndpoint><MetadataEndpoint>${fields.metadataEndpoint}</MetadataEndpoint>` +
      "<UseHostServerAuthorizationEndpoint>false</UseHostServerAuthorizationEndpoint></OAuth_Resource>";
    const said = `The SmartObject 'OAuth_Resource' has no property 'TokenURL'. Request body: ${body}`;
    expect(e.message).toBe(
      `K2 SmartObject Services refused to create the OAuth resource 'K2 API': HTTP 400 Bad Request from ${d.serviceUrl}${CREATE}. K2 said: ${said.slice(0, 300)}… ${BAD_REQUEST_HINT}`,
    );
    expect([e.kind, e.status, e.retryable]).toEqual(["bad-request", 400, false]);
    expect(r.delays).toEqual([]);
    expect(d.count("create")).toBe(1);
    expect(d.resources()).toEqual([]);
  });

  it("401 (wrong password, from K2 itself): the user name and password to check, never the password", async () => {
    const d = await double();
    const r = await run("recording", createSteps(inputsFor(d, { credentials: { username: USERNAME, password: `${PASSWORD}-old` } })));
    const e = failureOf(r, AUTH_HINT);
    expect(r.output.includes(`${PASSWORD}-old`)).toBe(false);
    expect(e.message).toBe(
      `K2 SmartObject Services refused to list OAuth resources: HTTP 401 Unauthorized from ${d.serviceUrl}${LIST}. K2 said: 401 - Unauthorized: Access is denied due to invalid credentials. ${AUTH_HINT}`,
    );
    expect([e.kind, e.status, e.retryable]).toEqual(["unauthorized", 401, false]);
    expect(d.requests).toHaveLength(1);
  });

  it("403", async () => {
    const d = await double();
    d.inject({ kind: "status", status: 403, match: { operation: "list" } });
    const e = failureOf(await run("recording", createSteps(inputsFor(d))), FORBIDDEN_HINT);
    expect(e.message).toBe(
      `K2 SmartObject Services refused to list OAuth resources: HTTP 403 Forbidden from ${d.serviceUrl}${LIST}. K2 said: 403 - Forbidden: the account may not execute this SmartObject method. ${FORBIDDEN_HINT}`,
    );
    expect([e.kind, e.status, e.retryable]).toEqual(["forbidden", 403, false]);
  });

  it("404 on a server without the placeholder SmartObjects: the hint says to run discover", async () => {
    // The server has the OAuth SmartObjects under other names (as discover would find them); the stack has no mapping.
    const d = await double({ mapping: withMapping((m) => (m.resource.displayName = "OAuthResource")) });
    const e = failureOf(await run("recording", createSteps(inputsFor(d))), NOT_FOUND_HINT);
    expect(e.message).toBe(
      `K2 SmartObject Services refused to list OAuth resources: HTTP 404 Not Found from ${d.serviceUrl}${LIST}. ` +
        `K2 said: The requested SmartObject or method is not available. Requested URL: /SmartObjectServices${LIST}?$format=json. ${NOT_FOUND_HINT}`,
    );
    expect([e.kind, e.status, e.retryable]).toEqual(["not-found", 404, false]);
  });

  it("405 (the mapping's create method is a list method)", async () => {
    const d = await double();
    const e = failureOf(await run("recording", createSteps(inputsFor(d, {}, withMapping((m) => (m.resource.methods.create = "Get List"))))), METHOD_HINT);
    expect(e.message).toBe(
      `K2 SmartObject Services refused to create the OAuth resource 'K2 API': HTTP 405 Method Not Allowed from ${d.serviceUrl}${LIST}. ` +
        `K2 said: The method does not accept POST. Requested URL: /SmartObjectServices${LIST}. ${METHOD_HINT}`,
    );
    expect([e.kind, e.status, e.retryable]).toEqual(["method-not-allowed", 405, false]);
    expect(d.resources()).toEqual([]);
  });

  it("409 on an update: not retried, nothing changed", async () => {
    const d = await double();
    const inputs = inputsFor(d);
    const changed = inputsFor(d, { tokenEndpoint: bearerTokenResourceInputs().tokenEndpoint.replace("login.", "LOGIN.") });
    d.inject({ kind: "status", status: 409, body: "The resource was modified by another user.", match: { operation: "update", target: "resource" } });
    const r = await run("recording", [
      ...createSteps(inputs),
      { method: "update", args: [{ $step: 1, path: "id" }, { $step: 1, path: "outs" }, changed] },
    ]);
    const e = failureOf(r, CONFLICT_HINT);
    const id = d.resources()[0].id;
    expect(e.message).toBe(
      `K2 SmartObject Services refused to update the OAuth resource ${id}: HTTP 409 Conflict from ${d.serviceUrl}${UPDATE}. K2 said: The resource was modified by another user. ${CONFLICT_HINT}`,
    );
    expect([e.kind, e.status, e.retryable]).toEqual(["conflict", 409, false]);
    expect(d.count("update", "resource")).toBe(1);
    expect(d.resources()[0].tokenEndpoint).toBe(inputs.tokenEndpoint);
  });

  it("a server that reflects the Authorization header into its errors: redacted before the error is made", async () => {
    const d = await double({ reflectAuthorization: true });
    d.inject({ kind: "status", status: 400, body: `bad request for user ${USERNAME} with password ${PASSWORD}`, match: { operation: "list" } });
    const e = failureOf(await run("recording", createSteps(inputsFor(d))), BAD_REQUEST_HINT);
    expect(e.message).toBe(
      `K2 SmartObject Services refused to list OAuth resources: HTTP 400 Bad Request from ${d.serviceUrl}${LIST}. ` +
        `K2 said: Authorization: Basic [redacted] bad request for user ${USERNAME} with password [redacted]. ${BAD_REQUEST_HINT}`,
    );
  });
});

describe("faults that are retried: bounded attempts with backoff, then a clear final error", () => {
  it("5xx until the retries run out", async () => {
    const d = await double();
    d.inject({ kind: "status", status: 500, times: 100, match: { operation: "list" } });
    const r = await run("recording", createSteps(inputsFor(d)));
    const e = failureOf(r, UNAVAILABLE_HINT);
    expect(e.message).toBe(
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: K2 SmartObject Services refused to list OAuth resources: HTTP 500 Internal Server Error from ${d.serviceUrl}${LIST}. ` +
        `K2 said: An internal server error occurred. ${UNAVAILABLE_HINT}`,
    );
    expect([e.kind, e.status, e.retryable]).toEqual(["unavailable", 500, true]);
    expect(r.delays).toEqual([500, 1000, 2000]);
    expect(d.count("list")).toBe(4);
  });

  it("429 with Retry-After: waits what K2 asks (within the cap), then gives up", async () => {
    const d = await double();
    d.inject({ kind: "status", status: 429, times: 100, headers: { "Retry-After": "3" }, match: { operation: "list" } });
    const r = await run("recording", createSteps(inputsFor(d)));
    const e = failureOf(r, UNAVAILABLE_HINT);
    expect(e.message).toBe(
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: K2 SmartObject Services refused to list OAuth resources: HTTP 429 Too Many Requests from ${d.serviceUrl}${LIST}. ` +
        `K2 said: Too many requests. ${UNAVAILABLE_HINT}`,
    );
    expect(r.delays).toEqual([3000, 3000, 3000]);
  });

  it("429 once with a long Retry-After: capped at 8 s, then it succeeds", async () => {
    const d = await double();
    d.inject({ kind: "status", status: 429, headers: { "Retry-After": "120" }, match: { operation: "list" } });
    const r = await run("recording", createSteps(inputsFor(d)));
    noSecret(r);
    expect(r.results.map((x) => x.error)).toEqual([undefined, undefined]);
    expect(r.delays).toEqual([8000]);
    expect(d.resources()).toHaveLength(1);
  });

  it("connection refused (nothing listens on the port)", async () => {
    const port = await closedPort();
    const d = await double();
    const inputs = inputsFor(d);
    const serviceUrl = `http://127.0.0.1:${port}/SmartObjectServices`;
    const r = await run("recording", createSteps({ ...inputs, management: { ...inputs.management, serviceUrl } }));
    const e = failureOf(r, NETWORK_HINT);
    expect(e.message).toBe(
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: connection to ${serviceUrl}${LIST} failed while trying to list OAuth resources (ECONNREFUSED). ${NETWORK_HINT}`,
    );
    expect([e.kind, e.status, e.retryable]).toEqual(["network", undefined, true]);
    expect(r.delays).toEqual([500, 1000, 2000]);
  });

  it("connection reset on every attempt", async () => {
    const d = await double();
    d.inject({ kind: "reset", times: 100, match: { operation: "list" } });
    const r = await run("recording", createSteps(inputsFor(d)));
    const e = failureOf(r, NETWORK_HINT);
    expect(e.message).toBe(
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: connection to ${d.serviceUrl}${LIST} failed while trying to list OAuth resources (UND_ERR_SOCKET). ${NETWORK_HINT}`,
    );
    expect(r.delays).toEqual([500, 1000, 2000]);
    expect(d.count("list")).toBe(4);
  });

  it("no answer within the timeout, on every attempt", async () => {
    const d = await double();
    d.inject({ kind: "hang", times: 4, match: { operation: "list" } });
    const r = await run("recording", createSteps(inputsFor(d)));
    const e = failureOf(r, TIMEOUT_HINT);
    expect(e.message).toBe(
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: no answer within 1000 ms while trying to list OAuth resources at ${d.serviceUrl}${LIST}. ${TIMEOUT_HINT}`,
    );
    expect([e.kind, e.retryable]).toEqual(["timeout", true]);
    expect(d.requests.map((q) => q.outcome)).toEqual(["hung", "hung", "hung", "hung"]);
  });
});

describe("create: a lost answer never makes a second resource", () => {
  it("the answer to the create is lost: the next lookup finds the resource and adopts it", async () => {
    const d = await double();
    d.inject({ kind: "lose-response", match: { operation: "create" } });
    const r = await run("recording", createSteps(inputsFor(d)));
    noSecret(r);
    expect(r.results.map((x) => x.error)).toEqual([undefined, undefined]);
    expect((r.results[1].ok as { id: string }).id).toBe(d.resources()[0].id);
    expect(d.resources()).toHaveLength(1);
    expect(d.count("create")).toBe(1);
  });

  it("every create attempt is cut off before K2 carries it out: gives up after the bounded attempts, none created", async () => {
    const d = await double();
    d.inject({ kind: "reset", times: 100, match: { operation: "create" } });
    const r = await run("recording", createSteps(inputsFor(d)));
    const e = failureOf(r, NETWORK_HINT);
    expect(e.message).toBe(
      "could not create OAuth resource 'K2 API' after 4 attempts (each preceded by a lookup, so no duplicate was made); " +
        `last failure: connection to ${d.serviceUrl}${CREATE} failed while trying to create the OAuth resource 'K2 API' (UND_ERR_SOCKET). ${NETWORK_HINT}`,
    );
    expect([e.kind, e.retryable]).toEqual(["network", true]);
    expect(d.count("create")).toBe(4);
    expect(d.resources()).toEqual([]);
  });

  it("K2 accepts the create but never lists the resource", async () => {
    const d = await double();
    d.inject({ kind: "status", status: 200, match: { operation: "create" } });
    const e = failureOf(await run("recording", createSteps(inputsFor(d))), NOT_LISTED_HINT);
    expect(e.message).toBe(
      `K2 accepted the create of OAuth resource 'K2 API' but does not list it after 4 lookups. ${NOT_LISTED_HINT}`,
    );
    expect(d.count("create")).toBe(1);
  });

  it("a different resource of the same name exists: not adopted, nothing changed", async () => {
    const d = await double();
    const fields = bearerTokenResourceInputs();
    d.management.createResource({ name: "K2 API", resourceType: "Bearer Token", authorizationEndpoint: fields.authorizationEndpoint, tokenEndpoint: "https://login.microsoftonline.com/common/oauth2/token", refreshTokenEndpoint: "", metadataEndpoint: fields.metadataEndpoint, useHostServerAuthorizationEndpoint: false });
    const id = d.resources()[0].id;
    const e = failureOf(await run("recording", createSteps(inputsFor(d))), EXISTING_HINT);
    expect(e.message).toBe(
      `an OAuth resource named 'K2 API' already exists in K2 (id ${id}) and differs from the declared one (tokenEndpoint: K2 has 'https://login.microsoftonline.com/common/oauth2/token', wanted '${fields.tokenEndpoint}'). It was not adopted and nothing was changed. ${EXISTING_HINT}`,
    );
    expect([e.kind, e.retryable]).toEqual(["conflict", false]);
    expect(d.count("create")).toBe(0);
  });
});

describe("other failures", () => {
  it("an update of a resource deleted in K2 Management says to refresh", async () => {
    const d = await double();
    const changed = inputsFor(d, { tokenEndpoint: bearerTokenResourceInputs().tokenEndpoint.replace("login.", "LOGIN.") });
    const r = await run("recording", [...createSteps(inputsFor(d)), { method: "delete", args: [{ $step: 1, path: "id" }, { $step: 1, path: "outs" }] }, { method: "update", args: [{ $step: 1, path: "id" }, { $step: 1, path: "outs" }, changed] }]);
    const e = failureOf(r, undefined);
    const id = (r.results[1].ok as { id: string }).id;
    expect(e.message).toBe(
      `the K2 OAuth resource 'K2 API' (id ${id}) no longer exists in K2 (deleted in K2 Management?). Run pulumi refresh to record that, then pulumi up to create it again.`,
    );
  });

  it("check reports invalid inputs as failures naming the property, without any secret", async () => {
    const d = await double();
    const inputs = inputsFor(d, { tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`, parameters: { audience: "https://api.k2.com" } });
    const r = await run("recording", [{ method: "check", args: [{}, inputs] }]);
    noSecret(r);
    expect((r.results[0].ok as { failures: unknown }).failures).toEqual([
      { property: "tokenEndpoint", reason: `tokenEndpoint is a v2.0 endpoint (https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token); K2 needs the v1 form https://login.microsoftonline.com/${TENANT}/oauth2/token` },
      { property: "parameters.audience", reason: "expected exactly https://api.k2.com/ (with the trailing slash): a v1 token's aud is the requested resource string, so K2 compares it character by character" },
    ]);
  });
});

describe("as shipped, through Pulumi's dynamic-provider host", () => {
  it("the provider a program registers: check, create, read, diff, update and delete against the double", async () => {
    const d = await double();
    const inputs = inputsFor(d);
    const changed = inputsFor(d, { parameters: { audience: "https://k2-api.example.com/" } });
    const id = { $step: 1, path: "id" };
    const outs = { $step: 1, path: "outs" };
    const r = await run("shipped", [
      ...createSteps(inputs),
      { method: "read", args: [id, outs] },
      { method: "diff", args: [id, outs, changed] },
      { method: "update", args: [id, outs, changed] },
      { method: "delete", args: [id, { $step: 4, path: "outs" }] },
    ]);
    noSecret(r);
    expect(r.results.map((x) => x.error)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    const created = r.results[1].ok as { id: string; outs: { resourceId: string; maskedParameters: string[] } };
    expect(created.outs.resourceId).toBe(created.id);
    expect(created.outs.maskedParameters).toEqual([]);
    expect((r.results[2].ok as { props: { parameters: unknown } }).props.parameters).toEqual({ audience: "https://api.k2.com/" });
    expect(r.results[3].ok).toEqual({ changes: true, replaces: [], stables: [], deleteBeforeReplace: false });
    expect((r.results[4].ok as { outs: { parameters: unknown } }).outs.parameters).toEqual({ audience: "https://k2-api.example.com/" });
    expect(d.resources()).toEqual([]);
    expect(d.count("create")).toBe(1);
    expect(d.count("delete")).toBe(1);
  });

  it("the provider a program registers fails a 401 with the same Error (plain Node, loaded as the host loads it)", async () => {
    const d = await double();
    const r = await run("shipped", createSteps(inputsFor(d, { credentials: { username: USERNAME, password: "not-the-password" } })));
    const e = failureOf(r, AUTH_HINT);
    expect(e.message).toBe(
      `K2 SmartObject Services refused to list OAuth resources: HTTP 401 Unauthorized from ${d.serviceUrl}${LIST}. K2 said: 401 - Unauthorized: Access is denied due to invalid credentials. ${AUTH_HINT}`,
    );
    expect(r.output.includes("not-the-password")).toBe(false);
  });

  it("the host's create against a 401 server: the engine gets the message and the hint; the host logs no secret", async () => {
    const d = await double({ reflectAuthorization: true });
    const host = await startDynamicProviderHost(ROOT);
    try {
      const news = { ...inputsFor(d, { credentials: { username: USERNAME, password: "Wrong-Passw0rd-42" } }), __provider: fs.readFileSync(files.shipped, "utf8") };
      const checked = await host.check(URN, news);
      expect(checked.failures).toEqual([]);
      const failure = await hostError(host.create(URN, checked.inputs));
      expect(failure.details).toBe(
        `K2 SmartObject Services refused to list OAuth resources: HTTP 401 Unauthorized from ${d.serviceUrl}${LIST}. K2 said: Authorization: Basic [redacted] 401 - Unauthorized: Access is denied due to invalid credentials. ${AUTH_HINT}`,
      );
      const wrongBasic = Buffer.from(`${USERNAME}:Wrong-Passw0rd-42`).toString("base64");
      for (const text of [failure.details, host.stderr()]) {
        expect(text.includes("Wrong-Passw0rd-42")).toBe(false);
        expect(text.includes(wrongBasic)).toBe(false);
      }
    } finally {
      await host.close();
    }
  });

  it("the host's read (pulumi refresh) of an unreachable K2: the engine gets the message; the host logs the K2Error without secrets", async () => {
    const port = await closedPort();
    const d = await double();
    const inputs = inputsFor(d);
    const serviceUrl = `http://127.0.0.1:${port}/SmartObjectServices`;
    const host = await startDynamicProviderHost(ROOT);
    try {
      const props = { ...inputs, management: { ...inputs.management, serviceUrl }, resourceId: "r-1", maskedParameters: [], __provider: fs.readFileSync(files.shipped, "utf8") };
      const failure = await hostError(host.read(URN, "r-1", props));
      const message = `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: connection to ${serviceUrl}${LIST} failed while trying to list OAuth resources (ECONNREFUSED). ${NETWORK_HINT}`;
      expect(failure.details).toBe(message);
      expect(host.stderr()).toContain(`K2Error: ${message}: K2Error: ${message}\n    at `);
      expect(host.stderr().includes(PASSWORD)).toBe(false);
      expect(host.stderr().includes(BASIC)).toBe(false);
    } finally {
      await host.close();
    }
  });

  it("the host's check of v2 endpoints: the failures the engine prints, before anything reaches K2", async () => {
    const d = await double();
    const host = await startDynamicProviderHost(ROOT);
    try {
      const inputs = inputsFor(d, { authorizationEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize` });
      const checked = await host.check(URN, { ...inputs, __provider: fs.readFileSync(files.shipped, "utf8") });
      expect(checked.failures).toEqual([
        {
          property: "authorizationEndpoint",
          reason: `authorizationEndpoint is a v2.0 endpoint (https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize); K2 needs the v1 form https://login.microsoftonline.com/${TENANT}/oauth2/authorize`,
        },
      ]);
      expect(d.requests).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
