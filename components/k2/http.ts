/**
 * HTTP to K2 with the project's fault rules: bounded retries with exponential backoff for timeouts, connection
 * resets, 5xx and 429 (only where the caller says retrying is safe); 400/401/403/404/405/409 fail at once with K2's
 * message and what to check. Credentials travel only in the Authorization header and never appear in an error.
 *
 * Runs inside the serialized dynamic provider: no imports but this directory's modules, only globals (fetch,
 * AbortController, Buffer, URL), and no class that extends a built-in (see K2Error).
 */
import { k2MessageFrom, redact } from "./redaction";

export interface RetryPolicy {
  /** Attempts in all, the first included (>= 1). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Waits between attempts; tests inject an immediate one. */
  delay: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, "delay"> = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  timeoutMs: 30_000,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    ...DEFAULT_RETRY_POLICY,
    delay: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    ...overrides,
  };
}

/** Exponential backoff for the wait after failed attempt `attempt` (1-based), capped. */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

export interface BasicCredentials {
  username: string;
  password: string;
}

export type K2ErrorKind =
  | "bad-request"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "method-not-allowed"
  | "unavailable"
  | "network"
  | "timeout"
  | "protocol"
  | "conflict";

/** What a K2 error carries besides its message. */
export interface K2ErrorDetails {
  kind: K2ErrorKind;
  /** The HTTP status K2 answered with, when it answered. */
  status: number | undefined;
  /** An operation-level retry is safe to try (the request may not have been carried out, or can be repeated). */
  retryable: boolean;
  /** What to do about it: also the end of the message. Empty when the message says it already. */
  hint: string;
}

/**
 * An error talking to K2: a plain `Error` whose `name` is "K2Error", with the details as own properties.
 *
 * Not a class that extends `Error`: the provider runs as a closure serialized by Pulumi's closure serializer, which
 * rewrites such a class into a function that calls `Error` without `new`. That call returns a new error and leaves
 * `this` untouched, so the instance has no `message` and is not an `Error` at all (test/k2/serializedProvider.test.ts
 * runs the serialized provider as the engine does). A factory and a shape test survive serialization unchanged.
 */
export type K2Error = Error & Readonly<K2ErrorDetails>;

export const K2_ERROR_NAME = "K2Error";

/**
 * Makes a K2 error. The message is `problem` followed by the hint. Callers pass text that holds no credential
 * (createHttpClient redacts K2's answers before they get here).
 */
export function k2Error(kind: K2ErrorKind, problem: string, options: { hint?: string; status?: number; retryable?: boolean } = {}): K2Error {
  const hint = options.hint ?? "";
  const error = new Error(hint === "" ? problem : `${problem} ${hint}`);
  error.name = K2_ERROR_NAME;
  const details: K2ErrorDetails = { kind, status: options.status, retryable: options.retryable ?? false, hint };
  return Object.assign(error, details);
}

/** The message of a K2 error without its hint: what went wrong. */
export function problemOf(e: K2Error): string {
  return e.hint !== "" && e.message.endsWith(` ${e.hint}`) ? e.message.slice(0, -(e.hint.length + 1)) : e.message;
}

/** True for an error made by k2Error, whichever copy of this module (serialized or not) made it. */
export function isK2Error(e: unknown): e is K2Error {
  if (!(e instanceof Error) || e.name !== K2_ERROR_NAME) return false;
  const d = e as Partial<Record<keyof K2ErrorDetails, unknown>>;
  return typeof d.kind === "string" && typeof d.retryable === "boolean" && typeof d.hint === "string";
}

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  body?: string;
  /** What the call does, for messages: "list OAuth resources". */
  what: string;
  /** Safe to repeat automatically (GET, PUT with the same body, DELETE). POST create is not. */
  idempotent: boolean;
  /** Hand 404 back to the caller instead of failing (delete: already gone). */
  allowNotFound?: boolean;
  /** Extra hint for a 404, e.g. which mapping was used. */
  notFoundHint?: string;
}

export interface HttpResponse {
  status: number;
  text: string;
}

export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>;
}

/** The URL without query string, for messages (queries only carry ids, but keep messages short). */
function where(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** `text` ending with a full stop (unless it ends with punctuation already). */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

/** One failed attempt, before it becomes an error: plain data, redacted once when the error is made. */
interface AttemptFailure {
  kind: K2ErrorKind;
  /** What went wrong, with K2's own words when it answered. */
  problem: string;
  /** What to check or do. */
  hint: string;
  status?: number;
  retryable: boolean;
}

const RUN_AGAIN = "then run the command again.";

/** `secrets`: the credentials of the request, removed from K2's answer in every form before it is quoted. */
function statusFailure(req: HttpRequest, status: number, statusText: string, body: string, secrets: readonly string[]): AttemptFailure {
  const problem = `K2 SmartObject Services refused to ${req.what}: HTTP ${status}${statusText ? ` ${statusText}` : ""} from ${where(req.url)}. K2 said: ${sentence(k2MessageFrom(body, secrets))}`;
  const fail = (kind: K2ErrorKind, hint: string, retryable = false): AttemptFailure => ({ kind, problem, hint, status, retryable });
  switch (status) {
    case 400:
      return fail(
        "bad-request",
        "Check: the request body uses the property system names of the SmartObject mapping; if K2 names them differently, re-run npm run discover -- --stack <name>.",
      );
    case 401:
      return fail(
        "unauthorized",
        "Check: k2-oauth:k2.admin.username and the password (pulumi config set --secret --path 'k2.admin.password'), and that SmartObject Services accept Basic authentication for that account.",
      );
    case 403:
      return fail(
        "forbidden",
        "Check: the K2 account needs administrator rights in K2 Management (Authentication > OAuth) and rights to execute the OAuth management SmartObjects.",
      );
    case 404:
      return fail(
        "not-found",
        `Check: the SmartObject Services URL (k2-oauth:k2.smartObjectServices.url) and that the SmartObject and method exist on this server${req.notFoundHint ? `; ${req.notFoundHint}` : ""}.`,
      );
    case 405:
      return fail(
        "method-not-allowed",
        "Check: the mapping names a method of another type for this call (list/create/update/delete); re-run npm run discover -- --stack <name>.",
      );
    case 409:
      return fail(
        "conflict",
        `Check: someone may be changing the same OAuth resource in K2 Management (or another deployment runs); run pulumi refresh, ${RUN_AGAIN}`,
      );
    default:
      if (status >= 500 || status === 429) {
        return fail(
          "unavailable",
          `Check: the K2 server and its SmartObject Services are running (K2 answers 503 when the K2 Server is unreachable) and reachable from here, ${RUN_AGAIN}`,
          true,
        );
      }
      return fail(
        "protocol",
        "Check: k2-oauth:k2.smartObjectServices.url points at K2's SmartObject Services themselves (not a proxy, a sign-in page or another site).",
      );
  }
}

function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * What went wrong with a connection, in words, from the error code Node's fetch (undici) or the operating system gives
 * (`error.cause.code`): the codes themselves are library wording.
 */
const CONNECTION_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: "the connection was refused (nothing accepts connections on that host and port)",
  ECONNRESET: "the connection was reset before K2 answered",
  UND_ERR_SOCKET: "the connection was reset before K2 answered",
  EPIPE: "the connection was closed while the request was being sent",
  UND_ERR_CLOSED: "the connection was closed before K2 answered",
  ENOTFOUND: "the host name could not be resolved",
  EAI_AGAIN: "the host name could not be resolved (the name server did not answer in time)",
  ETIMEDOUT: "the connection attempt timed out",
  UND_ERR_CONNECT_TIMEOUT: "the connection attempt timed out",
  UND_ERR_HEADERS_TIMEOUT: "the server accepted the request but stopped answering",
  UND_ERR_BODY_TIMEOUT: "the server accepted the request but stopped answering",
  EHOSTUNREACH: "the host is unreachable from here",
  ENETUNREACH: "the network of that host is unreachable from here",
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is not trusted here (self-signed)",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate is not trusted here (issued by a certificate authority this machine does not trust)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate is not trusted here (issued by a certificate authority this machine does not trust)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's TLS certificate is not trusted here (issued by a certificate authority this machine does not trust)",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate is for another host name",
};

/** Why a connection failed, in words (see CONNECTION_FAILURES); an unknown code is named as a system error code. */
export function connectionFailureWords(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  if (code === undefined) return "the connection failed";
  return CONNECTION_FAILURES[code] ?? `the connection failed (system error code ${code})`;
}

/** Network failure (reset, refused, DNS, TLS) or timeout of one attempt. */
function transportFailure(req: HttpRequest, error: unknown, timedOut: boolean, timeoutMs: number): AttemptFailure {
  if (timedOut) {
    return {
      kind: "timeout",
      problem: `no answer within ${timeoutMs} ms while trying to ${req.what} at ${where(req.url)}.`,
      hint: `Check: the K2 server is running and not overloaded, ${RUN_AGAIN}`,
      retryable: true,
    };
  }
  return {
    kind: "network",
    problem: `connection to ${where(req.url)} failed while trying to ${req.what}: ${connectionFailureWords(error)}.`,
    hint: `Check: k2-oauth:k2.smartObjectServices.url (host and port), that the K2 server is reachable from here (name resolution, firewall, TLS certificate) and its SmartObject Services are running, ${RUN_AGAIN}`,
    retryable: true,
  };
}

/**
 * An HTTP client for one K2 service with Basic authentication. Idempotent requests are retried within the policy;
 * a non-idempotent request (create) is tried once and its transport errors are reported as retryable, so that the
 * caller can look the resource up before trying again. Every error it throws is a K2Error whose message, hint and
 * stack hold no credential: K2's answers are redacted before the error is made.
 */
export function createHttpClient(credentials: BasicCredentials, policy: RetryPolicy, extraSecrets: readonly string[] = []): HttpClient {
  const token = Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64");
  const secrets = [credentials.password, token, ...extraSecrets.filter((s) => s !== "")];
  const toError = (f: AttemptFailure, problem: string, retryable: boolean): K2Error =>
    k2Error(f.kind, redact(problem, secrets), { hint: redact(f.hint, secrets), retryable, ...(f.status !== undefined ? { status: f.status } : {}) });

  async function once(
    req: HttpRequest,
  ): Promise<{ response?: HttpResponse & { statusText: string; retryAfter?: number }; failure?: AttemptFailure }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, policy.timeoutMs);
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: {
          Authorization: `Basic ${token}`,
          Accept: "application/json, application/xml;q=0.9, */*;q=0.5",
          // K2's SmartObject REST reference asks for this content type on every method, GET included.
          "Content-Type": "application/xml; charset=utf-8",
        },
        body: req.body,
        signal: controller.signal,
        redirect: "manual",
      });
      const text = await res.text();
      return {
        response: { status: res.status, statusText: res.statusText, text, retryAfter: retryAfterMs(res.headers.get("retry-after")) },
      };
    } catch (e) {
      return { failure: transportFailure(req, e, timedOut, policy.timeoutMs) };
    } finally {
      clearTimeout(timer);
    }
  }

  async function send(req: HttpRequest): Promise<HttpResponse> {
    const attempts = req.idempotent ? Math.max(1, policy.maxAttempts) : 1;
    let last: AttemptFailure | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const { response, failure } = await once(req);
      let wait = backoffMs(attempt, policy);
      if (response !== undefined) {
        if (response.status >= 200 && response.status < 300) return { status: response.status, text: response.text };
        if (response.status === 404 && req.allowNotFound) return { status: 404, text: response.text };
        last = statusFailure(req, response.status, response.statusText, response.text, secrets);
        if (!last.retryable) throw toError(last, last.problem, false);
        if (response.retryAfter !== undefined) wait = Math.min(policy.maxDelayMs, Math.max(wait, response.retryAfter));
      } else {
        last = failure as AttemptFailure;
      }
      if (attempt < attempts) await policy.delay(wait);
    }
    const final = last as AttemptFailure;
    // A single attempt (create) keeps the failure as it is: the caller looks the resource up and decides.
    const problem = attempts > 1 ? `K2 SmartObject Services: could not ${req.what} after ${attempts} attempts; last failure: ${final.problem}` : final.problem;
    throw toError(final, problem, true);
  }

  return { send };
}
