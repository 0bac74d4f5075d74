/**
 * HTTP to K2 with the project's fault rules: bounded retries with exponential backoff for timeouts, connection
 * resets, 5xx and 429 (only where the caller says retrying is safe); 400/401/403/404/405 fail at once with K2's
 * message and what to check. Credentials travel only in the Authorization header and never appear in an error.
 *
 * Runs inside the serialized dynamic provider: no imports, only globals (fetch, AbortController, Buffer, URL).
 */

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

/** An error talking to K2. `retryable` tells callers that an operation-level retry is safe to try. */
export class K2Error extends Error {
  readonly kind: K2ErrorKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  constructor(kind: K2ErrorKind, message: string, status?: number, retryable = false) {
    super(message);
    this.name = "K2Error";
    this.kind = kind;
    this.status = status;
    this.retryable = retryable;
  }
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

/** Replaces every occurrence of each secret (and its Basic-auth encoding) with "[redacted]". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 3) continue;
    out = out.split(s).join("[redacted]");
  }
  return out;
}

/** K2's error text from a response body (XML, HTML or plain): tags stripped, whitespace collapsed, truncated. */
export function k2MessageFrom(body: string): string {
  const text = body
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  if (text === "") return "(no message in the response body)";
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The URL without query string, for messages (queries only carry ids, but keep messages short). */
function where(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function statusError(req: HttpRequest, status: number, statusText: string, body: string): K2Error {
  const msg = k2MessageFrom(body);
  const head = `K2 SmartObject Services refused to ${req.what}: HTTP ${status}${statusText ? ` ${statusText}` : ""} from ${where(req.url)}. K2 said: ${msg}.`;
  switch (status) {
    case 400:
      return new K2Error(
        "bad-request",
        `${head} Check: the request body uses the property system names of the SmartObject mapping; if K2 names them differently, re-run npm run discover -- --stack <name>.`,
        status,
      );
    case 401:
      return new K2Error(
        "unauthorized",
        `${head} Check: k2-oauth:k2.admin.username and the password (pulumi config set --secret --path 'k2.admin.password'), and that SmartObject Services accept Basic authentication for that account.`,
        status,
      );
    case 403:
      return new K2Error(
        "forbidden",
        `${head} Check: the K2 account needs administrator rights in K2 Management (Authentication > OAuth) and rights to execute the OAuth management SmartObjects.`,
        status,
      );
    case 404:
      return new K2Error(
        "not-found",
        `${head} Check: the SmartObject Services URL (k2-oauth:k2.smartObjectServices.url) and that the SmartObject and method exist on this server${req.notFoundHint ? `; ${req.notFoundHint}` : ""}.`,
        status,
      );
    case 405:
      return new K2Error(
        "method-not-allowed",
        `${head} Check: the mapping names a method of another type for this call (list/create/update/delete); re-run npm run discover -- --stack <name>.`,
        status,
      );
    default:
      if (status >= 500 || status === 429) {
        return new K2Error(
          "unavailable",
          `${head} Check: the K2 server and its SmartObject Services are running (K2 answers 503 when the K2 Server is unreachable).`,
          status,
          true,
        );
      }
      return new K2Error("protocol", `${head}`, status);
  }
}

function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Network failure (reset, refused, DNS) or timeout of one attempt, described without secrets. */
function transportError(req: HttpRequest, error: unknown, timedOut: boolean, timeoutMs: number): K2Error {
  if (timedOut) {
    return new K2Error("timeout", `no answer within ${timeoutMs} ms while trying to ${req.what} at ${where(req.url)}`, undefined, true);
  }
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : "connection failed");
  return new K2Error("network", `connection to ${where(req.url)} failed while trying to ${req.what} (${detail})`, undefined, true);
}

/**
 * An HTTP client for one K2 service with Basic authentication. Idempotent requests are retried within the policy;
 * a non-idempotent request (create) is tried once and its transport errors are reported as retryable, so that the
 * caller can look the resource up before trying again.
 */
export function createHttpClient(credentials: BasicCredentials, policy: RetryPolicy): HttpClient {
  const token = Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64");
  const secrets = [credentials.password, token];

  async function once(
    req: HttpRequest,
  ): Promise<{ response?: HttpResponse & { statusText: string; retryAfter?: number }; error?: K2Error }> {
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
      return { error: transportError(req, e, timedOut, policy.timeoutMs) };
    } finally {
      clearTimeout(timer);
    }
  }

  async function send(req: HttpRequest): Promise<HttpResponse> {
    const attempts = req.idempotent ? Math.max(1, policy.maxAttempts) : 1;
    let last: K2Error | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const { response, error } = await once(req);
      let wait = backoffMs(attempt, policy);
      if (response !== undefined) {
        if (response.status >= 200 && response.status < 300) return { status: response.status, text: response.text };
        if (response.status === 404 && req.allowNotFound) return { status: 404, text: response.text };
        last = statusError(req, response.status, response.statusText, response.text);
        if (!last.retryable) throw new K2Error(last.kind, redact(last.message, secrets), last.status, false);
        if (response.retryAfter !== undefined) wait = Math.min(policy.maxDelayMs, Math.max(wait, response.retryAfter));
      } else {
        last = error as K2Error;
      }
      if (attempt < attempts) await policy.delay(wait);
    }
    const final = last as K2Error;
    const message =
      attempts > 1
        ? `K2 SmartObject Services: could not ${req.what} after ${attempts} attempts; last failure: ${final.message}. Check that the K2 server is reachable from here and running, then run the command again.`
        : final.message;
    throw new K2Error(final.kind, redact(message, secrets), final.status, true);
  }

  return { send };
}
