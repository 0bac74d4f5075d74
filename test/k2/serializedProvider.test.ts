/**
 * The Bearer Token provider as the engine runs it: serialized by the SDK's closure serializer from the TypeScript the
 * SDK's program runner compiles (test/helpers/serializeProvider.cjs), then run from that text alone in two ways:
 * - in a plain Node process, loaded the way Pulumi's dynamic-provider host loads it
 *   (test/helpers/runSerializedProvider.cjs): the thrown value is inspected as a whole (an Error? its kind, status,
 *   retryable, stack), and the backoff waits are recorded;
 * - by the dynamic-provider host itself, started as the engine starts it and called over gRPC as the engine calls it
 *   (test/helpers/dynamicProviderHost.ts): what the engine gets (the gRPC error's details) and what the host logs.
 * Every failure path of the provider (check, create, read, update, delete) runs both ways against the K2 double, an
 * unreachable K2 and a 401 server: each must fail with an Error whose message says what went wrong and what to do, and
 * the admin password must appear nowhere (message, stack, properties, the host's answers and log).
 *
 * The failure paths run the "recording" variant: the shipped provider with its backoff waits recorded instead of
 * waited (and, for a server that never answers, a 1 s attempt timeout). The first test proves the variants differ
 * from the shipped provider only by those options; the success paths run the shipped text itself.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SMARTOBJECT_MAPPING, type SmartObjectMapping } from "../../components/k2/mapping";
import { startK2SmartObjectDouble, type K2DoubleOptions, type K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";
import { startDynamicProviderHost, type DynamicProviderHost } from "../helpers/dynamicProviderHost";
import { bearerTokenResourceInputs } from "../helpers/bearerTokenInputs";
import { inputsFor, TENANT } from "./fixtures";

const ROOT = path.resolve(__dirname, "../..");
const PASSWORD = "Ser1alized-Adm1n-Passw0rd";
const USERNAME = "K2DEMO\\svc-k2";
const BASIC = Buffer.from(`${USERNAME}:${PASSWORD}`, "utf8").toString("base64");
const URN = "urn:pulumi:dev::k2-oauth::k2oauth:index:InboundOAuth$pulumi-nodejs:dynamic/k2:BearerTokenResource::k2-bearer-token";
/**
 * Nothing can listen on port 0 (binding it picks another port), so a connection to it is always refused: unlike a
 * port that was free a moment ago, no other test's server can take it in between.
 */
const REFUSING_SERVICE_URL = "http://127.0.0.1:0/SmartObjectServices";

type Which = "shipped" | "recording" | "shortTimeout";
type Mode = "plain Node" | "dynamic-provider host";
const MODES: Mode[] = ["plain Node", "dynamic-provider host"];
type Method = "check" | "diff" | "create" | "read" | "update" | "delete";
type Arg = unknown | { $step: number; path?: string };
interface Step {
  method: Method;
  args: Arg[];
}
/** A thrown value as a user or a log could see it (plain Node), or the gRPC error the engine gets (host). */
interface Failure {
  message: string;
  isError?: boolean;
  name?: string;
  hint?: string;
  kind?: string;
  status?: number;
  retryable?: boolean;
  stack?: string;
  text?: string;
  /** host: the gRPC status code */
  code?: number;
}
interface Run {
  mode: Mode;
  /** The method of each step run (the last one failed when it holds an error). */
  methods: Method[];
  results: Array<{ ok?: unknown; error?: Failure }>;
  /** plain Node only: the recorded backoff waits. */
  delays?: number[];
  /** Everything the run printed or answered besides successful results: where a secret must never be. */
  output: string;
  /** host only: what the host logged during the run. */
  hostLog?: string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-serialized-"));
const files: Record<Which, string> = {
  shipped: path.join(dir, "shipped.js"),
  recording: path.join(dir, "recording.js"),
  shortTimeout: path.join(dir, "short-timeout.js"),
};
const texts = {} as Record<Which, string>;
let host: DynamicProviderHost;
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
  Object.assign(texts, JSON.parse(stdout) as Record<Which, string>);
  for (const which of ["shipped", "recording", "shortTimeout"] as const) fs.writeFileSync(files[which], texts[which]);
  host = await startDynamicProviderHost(ROOT);
});

afterEach(async () => {
  await Promise.all(doubles.map((d) => d.close()));
  doubles = [];
});

afterAll(async () => {
  await host?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function at(value: unknown, dotted: string): unknown {
  return dotted === "" ? value : dotted.split(".").reduce<unknown>((v, k) => (v === undefined || v === null ? undefined : (v as Record<string, unknown>)[k]), value);
}

/** Runs the steps against the serialized text in a plain Node process. */
function runPlain(which: Which, steps: Step[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Nothing of the test's environment but PATH, and the run's own temp folder (test/globalSetup.ts).
    const env = { PATH: process.env.PATH ?? "", TMPDIR: os.tmpdir() };
    const child = execFile(process.execPath, [path.join(ROOT, "test/helpers/runSerializedProvider.cjs"), files[which]], { cwd: ROOT, env }, (error, out, err) => {
      if (error) return reject(new Error(`the provider process failed: ${err}`));
      const parsed = JSON.parse(out) as { results: Run["results"]; delays: number[] };
      const methods = steps.slice(0, parsed.results.length).map((s) => s.method);
      // The results of successful steps hold the inputs, credentials included (as the engine's do); errors must not.
      resolve({ mode: "plain Node", methods, ...parsed, output: `${JSON.stringify(parsed.results.map((x) => x.error ?? null))}\n${err}` });
    });
    child.stdin?.end(JSON.stringify(steps));
  });
}

/** Where each method's inputs go among its arguments: those carry `__provider` to the host, as the engine's do. */
const PROVIDER_ARGS: Record<Method, number[]> = { check: [1], create: [0], read: [1], diff: [1, 2], update: [1, 2], delete: [1] };

/** Runs the steps through the dynamic-provider host, as the engine calls it; results take the provider's shapes. */
async function runHost(which: Which, steps: Step[]): Promise<Run> {
  const logStart = host.stderr().length;
  const results: Run["results"] = [];
  for (const step of steps) {
    const args = step.args.map((a, i) => {
      const value = typeof a === "object" && a !== null && typeof (a as { $step?: unknown }).$step === "number" ? at(results[(a as { $step: number }).$step].ok, (a as { path?: string }).path ?? "") : a;
      return PROVIDER_ARGS[step.method].includes(i) ? { __provider: texts[which], ...(value as Record<string, unknown>) } : value;
    });
    const props = (i: number) => args[i] as Record<string, unknown>;
    try {
      switch (step.method) {
        case "check":
          results.push({ ok: await host.check(URN, props(1)) });
          break;
        case "create": {
          const created = await host.create(URN, props(0));
          results.push({ ok: { id: created.id, outs: created.properties } });
          break;
        }
        case "read": {
          const read = await host.read(URN, args[0] as string, props(1));
          results.push({ ok: { id: read.id, props: read.properties } });
          break;
        }
        case "diff":
          results.push({ ok: await host.diff(URN, args[0] as string, props(1), props(2)) });
          break;
        case "update":
          results.push({ ok: { outs: (await host.update(URN, args[0] as string, props(1), props(2))).properties } });
          break;
        case "delete":
          await host.delete(URN, args[0] as string, props(1));
          results.push({ ok: null });
          break;
      }
    } catch (e) {
      const { code, details } = e as { code: number; details: string };
      results.push({ error: { message: details, code } });
      break;
    }
  }
  const hostLog = host.stderr().slice(logStart);
  const methods = steps.slice(0, results.length).map((s) => s.method);
  return { mode: "dynamic-provider host", methods, results, hostLog, output: `${JSON.stringify(results.map((x) => x.error ?? null))}\n${hostLog}` };
}

function run(mode: Mode, which: Which, steps: Step[]): Promise<Run> {
  return mode === "plain Node" ? runPlain(which, steps) : runHost(which, steps);
}

/** A create as the engine makes it: Check (olds empty for a new resource), then Create with the checked inputs. */
function createSteps(inputs: unknown): Step[] {
  return [
    { method: "check", args: [{}, inputs] },
    { method: "create", args: [{ $step: 0, path: "inputs" }] },
  ];
}

function noSecret(r: { output: string }, ...more: string[]): void {
  for (const secret of [PASSWORD, BASIC, ...more]) expect(r.output.includes(secret)).toBe(false);
}

/** The host logs a failed check, diff, read or delete as `${e}: ${e.stack}` (create and update only answer). */
const LOGGED: Method[] = ["check", "diff", "read", "delete"];

/**
 * The one failure of a run: an Error (a K2Error with this hint at the end of its message; or, with hint undefined, a
 * plain Error), and no secret anywhere in the run. Plain Node: the thrown value itself. Host: the engine gets the
 * message as the gRPC error's details, and a logged failure is logged as the same Error.
 */
function failureOf(r: Run, hint: string | undefined): Failure {
  noSecret(r);
  const e = r.results.at(-1)?.error;
  expect(e).toBeDefined();
  const name = hint === undefined ? "Error" : "K2Error";
  if (hint !== undefined) expect(e!.message.endsWith(` ${hint}`)).toBe(true);
  if (r.mode === "plain Node") {
    expect(e!.isError).toBe(true);
    expect(e!.name).toBe(name);
    expect(e!.text).toBe(`${name}: ${e!.message}`);
    expect(e!.stack!.startsWith(`${name}: ${e!.message}\n    at `)).toBe(true);
    expect(e!.hint).toBe(hint);
  } else {
    expect(e!.code).toBe(2); // UNKNOWN: the engine prints the details as the error
    const method = r.methods.at(-1)!;
    if (LOGGED.includes(method)) expect(r.hostLog).toContain(`${name}: ${e!.message}: ${name}: ${e!.message}\n    at `);
    else expect(r.hostLog).toBe("");
  }
  return e!;
}

const LIST = "/REST/System/Management/OAuth/OAuth%20Resource/Get%20List";
const CREATE = "/REST/System/Management/OAuth/OAuth%20Resource/Create";
const UPDATE = "/REST/System/Management/OAuth/OAuth%20Resource/Update";
const DELETE = "/REST/System/Management/OAuth/OAuth%20Resource/Delete";
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
  "Check: k2-oauth:k2.smartObjectServices.url (host and port), that the K2 server is reachable from here (name resolution, firewall, TLS certificate) and its SmartObject Services are running, then run the command again.";
const NOT_FOUND_HINT =
  "Check: the SmartObject Services URL (k2-oauth:k2.smartObjectServices.url) and that the SmartObject and method exist on this server; " +
  "the SmartObject mapping in use is the built-in PLACEHOLDER mapping (names not verified on any K2 server): run npm run discover -- --stack <name> and set k2-oauth:k2.smartObjectServices.mapping to the file it writes.";
const REFUSED = "the connection was refused (nothing accepts connections on that host and port)";
const RESET = "the connection was reset before K2 answered";
const AUTH_SAID = "K2 said: 401 - Unauthorized: Access is denied due to invalid credentials.";
const FORBIDDEN_SAID = "K2 said: 403 - Forbidden: the account may not execute this SmartObject method.";

function withMapping(change: (m: SmartObjectMapping) => void): SmartObjectMapping {
  const m = structuredClone(DEFAULT_SMARTOBJECT_MAPPING);
  change(m);
  return m;
}

/** Inputs of a resource created earlier, as the engine holds them in state, with other management settings. */
function stateOf(d: K2SmartObjectDouble, change: { serviceUrl?: string; password?: string } = {}): Record<string, unknown> {
  const inputs = inputsFor(d);
  return {
    ...inputs,
    credentials: { username: USERNAME, password: change.password ?? PASSWORD },
    management: { ...inputs.management, serviceUrl: change.serviceUrl ?? inputs.management.serviceUrl },
    resourceId: "r-1",
    maskedParameters: [],
  };
}

const ID = { $step: 1, path: "id" };
const OUTS = { $step: 1, path: "outs" };
const changedToken = () => bearerTokenResourceInputs().tokenEndpoint.replace("login.", "LOGIN.");

/** One failure path: the steps against a double, and what must come of them. */
interface FailureCase {
  title: string;
  variant?: Which;
  double?: K2DoubleOptions;
  /** Injects the double's faults and returns the steps. */
  steps(d: K2SmartObjectDouble): Step[];
  /** The K2Error's hint, or undefined for a plain Error. */
  hint: string | undefined;
  /** The whole message; `ok`: the results of the steps that succeeded. */
  message(d: K2SmartObjectDouble, ok: unknown[]): string;
  /** Plain Node only (the engine sees the message alone): the K2Error's kind, status and retryable. */
  details?: [kind: string, status: number | undefined, retryable: boolean];
  /** Plain Node only: the backoff waits recorded. */
  delays?: number[];
  /** What the double shows afterwards (no duplicate, nothing changed). */
  after?(d: K2SmartObjectDouble): void;
}

const createdId = (ok: unknown[]) => (ok[1] as { id: string }).id;

const FAILURES: FailureCase[] = [
  {
    title: "create, 400 (a property K2's SmartObject does not have): K2's answer quotes the body; no retry, nothing created",
    steps: (d) => createSteps(inputsFor(d, {}, withMapping((m) => (m.resource.properties.tokenEndpoint = "TokenURL")))),
    hint: BAD_REQUEST_HINT,
    message: (d) => {
      const fields = bearerTokenResourceInputs();
      const body =
        `<OAuth_Resource><Name>K2 API</Name><ResourceType>Bearer Token</ResourceType><AuthorizationEndpoint>${fields.authorizationEndpoint}</AuthorizationEndpoint>` +
        `<TokenURL>${fields.tokenEndpoint}</TokenURL><RefreshTokenEndpoint></RefreshTokenEndpoint><MetadataEndpoint>${fields.metadataEndpoint}</MetadataEndpoint>` +
        "<UseHostServerAuthorizationEndpoint>false</UseHostServerAuthorizationEndpoint></OAuth_Resource>";
      const said = `The SmartObject 'OAuth_Resource' has no property 'TokenURL'. Request body: ${body}`;
      return `K2 SmartObject Services refused to create the OAuth resource 'K2 API': HTTP 400 Bad Request from ${d.serviceUrl}${CREATE}. K2 said: ${said.slice(0, 300)}… ${BAD_REQUEST_HINT}`;
    },
    details: ["bad-request", 400, false],
    delays: [],
    after: (d) => {
      expect(d.count("create")).toBe(1);
      expect(d.resources()).toEqual([]);
    },
  },
  {
    title: "create, 401 (a password K2 rejects): the user name and password to check, never the password",
    steps: (d) => createSteps(inputsFor(d, { credentials: { username: USERNAME, password: `${PASSWORD}-old` } })),
    hint: AUTH_HINT,
    message: (d) => `K2 SmartObject Services refused to list OAuth resources: HTTP 401 Unauthorized from ${d.serviceUrl}${LIST}. ${AUTH_SAID} ${AUTH_HINT}`,
    details: ["unauthorized", 401, false],
    after: (d) => expect(d.requests).toHaveLength(1),
  },
  {
    title: "create, 401 from a server that reflects the Authorization header into its answer: redacted",
    double: { reflectAuthorization: true },
    steps: (d) => createSteps(inputsFor(d, { credentials: { username: USERNAME, password: "Wrong-Passw0rd-42" } })),
    hint: AUTH_HINT,
    message: (d) => `K2 SmartObject Services refused to list OAuth resources: HTTP 401 Unauthorized from ${d.serviceUrl}${LIST}. K2 said: Authorization: Basic [redacted] 401 - Unauthorized: Access is denied due to invalid credentials. ${AUTH_HINT}`,
    details: ["unauthorized", 401, false],
  },
  {
    title: "create, 403",
    steps: (d) => {
      d.inject({ kind: "status", status: 403, match: { operation: "list" } });
      return createSteps(inputsFor(d));
    },
    hint: FORBIDDEN_HINT,
    message: (d) => `K2 SmartObject Services refused to list OAuth resources: HTTP 403 Forbidden from ${d.serviceUrl}${LIST}. ${FORBIDDEN_SAID} ${FORBIDDEN_HINT}`,
    details: ["forbidden", 403, false],
  },
  {
    title: "create, 404 on a server without the placeholder SmartObjects: the hint says to run discover",
    // The server has the OAuth SmartObjects under other names (as discover would find them); the stack has no mapping.
    double: { mapping: withMapping((m) => (m.resource.displayName = "OAuthResource")) },
    steps: (d) => createSteps(inputsFor(d)),
    hint: NOT_FOUND_HINT,
    message: (d) =>
      `K2 SmartObject Services refused to list OAuth resources: HTTP 404 Not Found from ${d.serviceUrl}${LIST}. ` +
      `K2 said: The requested SmartObject or method is not available. Requested URL: /SmartObjectServices${LIST}?$format=json. ${NOT_FOUND_HINT}`,
    details: ["not-found", 404, false],
  },
  {
    title: "create, 405 (the mapping's create method is a list method)",
    steps: (d) => createSteps(inputsFor(d, {}, withMapping((m) => (m.resource.methods.create = "Get List")))),
    hint: METHOD_HINT,
    message: (d) =>
      `K2 SmartObject Services refused to create the OAuth resource 'K2 API': HTTP 405 Method Not Allowed from ${d.serviceUrl}${LIST}. ` +
      `K2 said: The method does not accept POST. Requested URL: /SmartObjectServices${LIST}. ${METHOD_HINT}`,
    details: ["method-not-allowed", 405, false],
    after: (d) => expect(d.resources()).toEqual([]),
  },
  {
    title: "a server that reflects the password into a 400: redacted before the error is made",
    double: { reflectAuthorization: true },
    steps: (d) => {
      d.inject({ kind: "status", status: 400, body: `bad request for user ${USERNAME} with password ${PASSWORD}`, match: { operation: "list" } });
      return createSteps(inputsFor(d));
    },
    hint: BAD_REQUEST_HINT,
    message: (d) =>
      `K2 SmartObject Services refused to list OAuth resources: HTTP 400 Bad Request from ${d.serviceUrl}${LIST}. ` +
      `K2 said: Authorization: Basic [redacted] bad request for user ${USERNAME} with password [redacted]. ${BAD_REQUEST_HINT}`,
    details: ["bad-request", 400, false],
  },
  {
    title: "create, 5xx until the retries run out",
    steps: (d) => {
      d.inject({ kind: "status", status: 500, times: 100, match: { operation: "list" } });
      return createSteps(inputsFor(d));
    },
    hint: UNAVAILABLE_HINT,
    message: (d) =>
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: K2 SmartObject Services refused to list OAuth resources: HTTP 500 Internal Server Error from ${d.serviceUrl}${LIST}. ` +
      `K2 said: An internal server error occurred. ${UNAVAILABLE_HINT}`,
    details: ["unavailable", 500, true],
    delays: [500, 1000, 2000],
    after: (d) => expect(d.count("list")).toBe(4),
  },
  {
    title: "create, 429 with Retry-After: waits what K2 asks (within the cap), then gives up",
    steps: (d) => {
      d.inject({ kind: "status", status: 429, times: 100, headers: { "Retry-After": "3" }, match: { operation: "list" } });
      return createSteps(inputsFor(d));
    },
    hint: UNAVAILABLE_HINT,
    message: (d) =>
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: K2 SmartObject Services refused to list OAuth resources: HTTP 429 Too Many Requests from ${d.serviceUrl}${LIST}. ` +
      `K2 said: Too many requests. ${UNAVAILABLE_HINT}`,
    details: ["unavailable", 429, true],
    delays: [3000, 3000, 3000],
  },
  {
    title: "create, connection refused (nothing listens on the port)",
    steps: (d) => {
      const inputs = inputsFor(d);
      return createSteps({ ...inputs, management: { ...inputs.management, serviceUrl: REFUSING_SERVICE_URL } });
    },
    hint: NETWORK_HINT,
    message: () =>
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: connection to ${REFUSING_SERVICE_URL}${LIST} failed while trying to list OAuth resources: ${REFUSED}. ${NETWORK_HINT}`,
    details: ["network", undefined, true],
    delays: [500, 1000, 2000],
  },
  {
    title: "create, connection reset on every attempt",
    steps: (d) => {
      d.inject({ kind: "reset", times: 100, match: { operation: "list" } });
      return createSteps(inputsFor(d));
    },
    hint: NETWORK_HINT,
    message: (d) =>
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: connection to ${d.serviceUrl}${LIST} failed while trying to list OAuth resources: ${RESET}. ${NETWORK_HINT}`,
    details: ["network", undefined, true],
    delays: [500, 1000, 2000],
    after: (d) => expect(d.count("list")).toBe(4),
  },
  {
    title: "create, no answer within the attempt timeout, on every attempt",
    // The server never answers these requests, so each attempt ends by the timeout whatever the machine's load.
    variant: "shortTimeout",
    steps: (d) => {
      d.inject({ kind: "hang", times: 4, match: { operation: "list" } });
      return createSteps(inputsFor(d));
    },
    hint: TIMEOUT_HINT,
    message: (d) =>
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: no answer within 1000 ms while trying to list OAuth resources at ${d.serviceUrl}${LIST}. ${TIMEOUT_HINT}`,
    details: ["timeout", undefined, true],
    delays: [500, 1000, 2000],
    after: (d) => expect(d.requests.map((q) => q.outcome)).toEqual(["hung", "hung", "hung", "hung"]),
  },
  {
    title: "create, every attempt cut off before K2 carries it out: gives up after the bounded attempts, none created",
    steps: (d) => {
      d.inject({ kind: "reset", times: 100, match: { operation: "create" } });
      return createSteps(inputsFor(d));
    },
    hint: NETWORK_HINT,
    message: (d) =>
      "could not create OAuth resource 'K2 API' after 4 attempts (each preceded by a lookup, so no duplicate was made); " +
      `last failure: connection to ${d.serviceUrl}${CREATE} failed while trying to create the OAuth resource 'K2 API': ${RESET}. ${NETWORK_HINT}`,
    details: ["network", undefined, true],
    // After the last attempt, one more wait and lookup: a create that was cut off may still have been carried out.
    delays: [500, 1000, 2000, 4000],
    after: (d) => {
      expect(d.count("create")).toBe(4);
      expect(d.resources()).toEqual([]);
    },
  },
  {
    title: "create, K2 accepts the create but never lists the resource",
    steps: (d) => {
      d.inject({ kind: "status", status: 200, match: { operation: "create" } });
      return createSteps(inputsFor(d));
    },
    hint: NOT_LISTED_HINT,
    message: () => `K2 accepted the create of OAuth resource 'K2 API' but does not list it after 4 lookups. ${NOT_LISTED_HINT}`,
    details: ["protocol", undefined, false],
    delays: [1000, 2000, 4000],
    after: (d) => expect(d.count("create")).toBe(1),
  },
  {
    title: "create, a different resource of the same name exists: not adopted, nothing changed",
    steps: (d) => {
      const fields = bearerTokenResourceInputs();
      d.management.createResource({
        name: "K2 API",
        resourceType: "Bearer Token",
        authorizationEndpoint: fields.authorizationEndpoint,
        tokenEndpoint: "https://login.microsoftonline.com/common/oauth2/token",
        refreshTokenEndpoint: "",
        metadataEndpoint: fields.metadataEndpoint,
        useHostServerAuthorizationEndpoint: false,
      });
      return createSteps(inputsFor(d));
    },
    hint: EXISTING_HINT,
    message: (d) =>
      `an OAuth resource named 'K2 API' already exists in K2 (id ${d.resources()[0].id}) and differs from the declared one (tokenEndpoint: K2 has 'https://login.microsoftonline.com/common/oauth2/token', wanted '${bearerTokenResourceInputs().tokenEndpoint}'). It was not adopted and nothing was changed. ${EXISTING_HINT}`,
    details: ["conflict", undefined, false],
    after: (d) => expect(d.count("create")).toBe(0),
  },
  {
    title: "read (pulumi refresh), K2 unreachable",
    steps: (d) => [{ method: "read", args: ["r-1", stateOf(d, { serviceUrl: REFUSING_SERVICE_URL })] }],
    hint: NETWORK_HINT,
    message: () =>
      `K2 SmartObject Services: could not list OAuth resources after 4 attempts; last failure: connection to ${REFUSING_SERVICE_URL}${LIST} failed while trying to list OAuth resources: ${REFUSED}. ${NETWORK_HINT}`,
    details: ["network", undefined, true],
    delays: [500, 1000, 2000],
  },
  {
    title: "read (pulumi refresh), 401: the password in state is no longer K2's",
    steps: (d) => [{ method: "read", args: ["r-1", stateOf(d, { password: "Rotated-Away-Passw0rd" })] }],
    hint: AUTH_HINT,
    message: (d) => `K2 SmartObject Services refused to list OAuth resources: HTTP 401 Unauthorized from ${d.serviceUrl}${LIST}. ${AUTH_SAID} ${AUTH_HINT}`,
    details: ["unauthorized", 401, false],
  },
  {
    title: "update, 409: not retried, nothing changed",
    steps: (d) => {
      d.inject({ kind: "status", status: 409, body: "The resource was modified by another user.", match: { operation: "update", target: "resource" } });
      return [...createSteps(inputsFor(d)), { method: "update", args: [ID, OUTS, inputsFor(d, { tokenEndpoint: changedToken() })] }];
    },
    hint: CONFLICT_HINT,
    message: (d, ok) =>
      `K2 SmartObject Services refused to update the OAuth resource ${createdId(ok)}: HTTP 409 Conflict from ${d.serviceUrl}${UPDATE}. K2 said: The resource was modified by another user. ${CONFLICT_HINT}`,
    details: ["conflict", 409, false],
    after: (d) => {
      expect(d.count("update", "resource")).toBe(1);
      expect(d.resources()[0].tokenEndpoint).toBe(bearerTokenResourceInputs().tokenEndpoint);
    },
  },
  {
    title: "update of a resource deleted in K2 Management: says to refresh",
    steps: (d) => [...createSteps(inputsFor(d)), { method: "delete", args: [ID, OUTS] }, { method: "update", args: [ID, OUTS, inputsFor(d, { tokenEndpoint: changedToken() })] }],
    hint: undefined,
    message: (_d, ok) =>
      `the K2 OAuth resource 'K2 API' (id ${createdId(ok)}) no longer exists in K2 (deleted in K2 Management?). Run pulumi refresh to record that, then pulumi up to create it again.`,
  },
  {
    title: "delete, 403: nothing deleted",
    steps: (d) => {
      d.inject({ kind: "status", status: 403, match: { operation: "delete" } });
      return [...createSteps(inputsFor(d)), { method: "delete", args: [ID, OUTS] }];
    },
    hint: FORBIDDEN_HINT,
    message: (d, ok) => `K2 SmartObject Services refused to delete the OAuth resource ${createdId(ok)}: HTTP 403 Forbidden from ${d.serviceUrl}${DELETE}. ${FORBIDDEN_SAID} ${FORBIDDEN_HINT}`,
    details: ["forbidden", 403, false],
    after: (d) => expect(d.resources()).toHaveLength(1),
  },
  {
    title: "delete, 503 until the retries run out: nothing deleted",
    steps: (d) => {
      d.inject({ kind: "status", status: 503, times: 100, match: { operation: "delete" } });
      return [...createSteps(inputsFor(d)), { method: "delete", args: [ID, OUTS] }];
    },
    hint: UNAVAILABLE_HINT,
    message: (d, ok) =>
      `K2 SmartObject Services: could not delete the OAuth resource ${createdId(ok)} after 4 attempts; last failure: K2 SmartObject Services refused to delete the OAuth resource ${createdId(ok)}: HTTP 503 Service Unavailable from ${d.serviceUrl}${DELETE}. ` +
      `K2 said: The K2 Server is unreachable. ${UNAVAILABLE_HINT}`,
    details: ["unavailable", 503, true],
    delays: [500, 1000, 2000],
    after: (d) => {
      expect(d.count("delete")).toBe(4);
      expect(d.resources()).toHaveLength(1);
    },
  },
  {
    title: "delete, K2 unreachable",
    steps: (d) => [{ method: "delete", args: ["r-1", stateOf(d, { serviceUrl: REFUSING_SERVICE_URL })] }],
    hint: NETWORK_HINT,
    message: () =>
      `K2 SmartObject Services: could not delete the OAuth resource r-1 after 4 attempts; last failure: connection to ${REFUSING_SERVICE_URL}${DELETE} failed while trying to delete the OAuth resource r-1: ${REFUSED}. ${NETWORK_HINT}`,
    details: ["network", undefined, true],
    delays: [500, 1000, 2000],
  },
  {
    title: "delete, 401: the password in state is no longer K2's",
    steps: (d) => [{ method: "delete", args: ["r-1", stateOf(d, { password: "Rotated-Away-Passw0rd" })] }],
    hint: AUTH_HINT,
    message: (d) => `K2 SmartObject Services refused to delete the OAuth resource r-1: HTTP 401 Unauthorized from ${d.serviceUrl}${DELETE}. ${AUTH_SAID} ${AUTH_HINT}`,
    details: ["unauthorized", 401, false],
  },
];

describe("what the serialized provider captures", () => {
  it("no class that extends a built-in (the closure serializer rewrites those into functions that lose the message), no password", () => {
    for (const which of ["shipped", "recording", "shortTimeout"] as const) {
      expect(texts[which]).toContain("exports.handler");
      expect(texts[which].includes("__super")).toBe(false);
      expect(texts[which].includes(PASSWORD)).toBe(false);
    }
  });

  /**
   * A serialized text with the captured retry options taken out: their lines in the options object and the functions
   * only they reference removed, and the serializer's function numbers (`__f5`) renumbered in order of appearance.
   */
  function withoutRetryOptions(text: string): string {
    const optionLines = text.match(/^var __options_retry = \{(.*)\};\n__options\.retry = __options_retry;\n/m);
    let out = text;
    if (optionLines !== null) {
      out = out.replace(optionLines[0], "");
      for (const [, fn] of optionLines[1].matchAll(/: (__f\d+)/g)) {
        const block = out.match(new RegExp(`^function ${fn}\\([^)]*\\) \\{\\n[\\s\\S]*?^\\}\\n\\n`, "m"));
        if (block === null) throw new Error(`no function ${fn} in the serialized text`);
        out = out.replace(block[0], "");
      }
    }
    const numbers = new Map<string, string>();
    return out.replace(/__f\d+\b/g, (name) => {
      if (!numbers.has(name)) numbers.set(name, `__f${numbers.size}`);
      return numbers.get(name)!;
    });
  }

  it("the recording variants differ from the shipped provider only by their retry options", () => {
    expect(texts.recording).toMatch(/^var __options_retry = \{delay: __f\d+\};$/m);
    expect(texts.shortTimeout).toMatch(/^var __options_retry = \{timeoutMs: 1000, delay: __f\d+\};$/m);
    expect(texts.shipped.includes("__options_retry")).toBe(false);
    expect(withoutRetryOptions(texts.recording)).toBe(withoutRetryOptions(texts.shipped));
    expect(withoutRetryOptions(texts.shortTimeout)).toBe(withoutRetryOptions(texts.shipped));
    // The comparison can fail: a change anywhere else in the text shows.
    expect(withoutRetryOptions(texts.recording.replace("maxAttempts: 4", "maxAttempts: 5"))).not.toBe(withoutRetryOptions(texts.shipped));
  });
});

describe.each(MODES)("every failure path, %s", (mode) => {
  for (const c of FAILURES) {
    it(c.title, async () => {
      const d = await double(c.double);
      const r = await run(mode, c.variant ?? "recording", c.steps(d));
      const e = failureOf(r, c.hint);
      const ok = r.results.slice(0, -1).map((x) => x.ok);
      expect(e.message).toBe(c.message(d, ok));
      if (mode === "plain Node") {
        if (c.details !== undefined) expect([e.kind, e.status, e.retryable]).toEqual(c.details);
        if (c.delays !== undefined) expect(r.delays).toEqual(c.delays);
      }
      c.after?.(d);
    });
  }
});

describe.each(MODES)("paths that recover, and the checks, %s", (mode) => {
  it("the shipped provider: check, create, read, diff, update and delete against the double; a second delete of what is gone succeeds", async () => {
    const d = await double();
    const changed = inputsFor(d, { parameters: { audience: "https://k2-api.example.com/" } });
    const r = await run(mode, "shipped", [
      ...createSteps(inputsFor(d)),
      { method: "read", args: [ID, OUTS] },
      { method: "diff", args: [ID, OUTS, changed] },
      { method: "update", args: [ID, OUTS, changed] },
      { method: "delete", args: [ID, { $step: 4, path: "outs" }] },
      { method: "delete", args: [ID, { $step: 4, path: "outs" }] },
    ]);
    noSecret(r);
    expect(r.results.map((x) => x.error)).toEqual(Array(7).fill(undefined));
    const created = r.results[1].ok as { id: string; outs: { resourceId: string; maskedParameters: string[] } };
    expect(created.outs.resourceId).toBe(created.id);
    expect(created.outs.maskedParameters).toEqual([]);
    expect((r.results[2].ok as { props: { parameters: unknown } }).props.parameters).toEqual({ audience: "https://api.k2.com/" });
    const diff = r.results[3].ok as { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean };
    expect([diff.changes, diff.replaces, diff.deleteBeforeReplace]).toEqual([true, [], false]);
    expect((r.results[4].ok as { outs: { parameters: unknown } }).outs.parameters).toEqual({ audience: "https://k2-api.example.com/" });
    expect(d.resources()).toEqual([]);
    expect(d.count("create")).toBe(1);
    expect(d.count("delete")).toBe(2);
  });

  it("429 once with a long Retry-After: capped at 8 s, then it succeeds", async () => {
    const d = await double();
    d.inject({ kind: "status", status: 429, headers: { "Retry-After": "120" }, match: { operation: "list" } });
    const r = await run(mode, "recording", createSteps(inputsFor(d)));
    noSecret(r);
    expect(r.results.map((x) => x.error)).toEqual([undefined, undefined]);
    if (mode === "plain Node") expect(r.delays).toEqual([8000]);
    expect(d.requests[0].outcome).toBe(429);
    expect(d.resources()).toHaveLength(1);
  });

  it("the answer to the create is lost: the next lookup finds the resource and adopts it", async () => {
    const d = await double();
    d.inject({ kind: "lose-response", match: { operation: "create" } });
    const r = await run(mode, "recording", createSteps(inputsFor(d)));
    noSecret(r);
    expect(r.results.map((x) => x.error)).toEqual([undefined, undefined]);
    expect((r.results[1].ok as { id: string }).id).toBe(d.resources()[0].id);
    expect(d.resources()).toHaveLength(1);
    expect(d.count("create")).toBe(1);
  });

  it("check reports invalid inputs as failures naming the property, before anything reaches K2, without any secret", async () => {
    const d = await double();
    const inputs = inputsFor(d, {
      authorizationEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize`,
      parameters: { audience: "https://api.k2.com" },
    });
    const r = await run(mode, "shipped", [{ method: "check", args: [{}, inputs] }]);
    noSecret(r);
    expect((r.results[0].ok as { failures: unknown }).failures).toEqual([
      {
        property: "authorizationEndpoint",
        reason: `authorizationEndpoint is a v2.0 endpoint (https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize); K2 needs the v1 form https://login.microsoftonline.com/${TENANT}/oauth2/authorize`,
      },
      {
        property: "parameters.audience",
        reason: "expected exactly https://api.k2.com/ (with the trailing slash): a v1 token's aud is the requested resource string, so K2 compares it character by character",
      },
    ]);
    expect(d.requests).toEqual([]);
  });
});
