/**
 * HTTP for verify: global fetch with a per-attempt timeout and bounded retries with exponential backoff for faults
 * that are safe to retry (timeouts, connection resets, HTTP 5xx, 429). Every request verify sends is a read or a
 * token request: repeating one never creates anything. The final error names the endpoint (never its query string
 * or body, which may hold credentials) and what went wrong.
 */

export interface HttpPolicy {
  /** Total attempts per request, at least 1. */
  attempts: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Delay before retry n (1-based). */
  backoffMs: (retry: number) => number;
  /** Upper bound for a server's Retry-After. */
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  fetch: typeof fetch;
}

export const DEFAULT_ATTEMPTS = 4;
export const DEFAULT_TIMEOUT_MS = 15_000;

export function defaultBackoffMs(retry: number): number {
  return Math.min(500 * 2 ** (retry - 1), 8_000);
}

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** "manual" to see redirects instead of following them. */
  redirect?: "follow" | "manual";
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  /** How many attempts it took. */
  attempts: number;
}

/** A request that could not get a usable answer within the retries. */
export class HttpFault extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly lastStatus: number | undefined,
  ) {
    super(message);
    this.name = "HttpFault";
  }
}

/** `POST http://host/path` without query or fragment. */
export function describeEndpoint(method: string, url: string): string {
  try {
    const u = new URL(url);
    return `${method} ${u.origin}${u.pathname}`;
  } catch {
    return `${method} (invalid URL)`;
  }
}

function retryable(status: number): boolean {
  return status >= 500 || status === 429;
}

function retryAfterMs(headers: Headers, max: number): number | undefined {
  const v = headers.get("retry-after");
  if (v === null) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, max);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(at - Date.now(), 0), max);
}

/** A network-level failure in words: timeout, reset, refused, unknown host. */
export function describeNetworkError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) return `no answer within ${timeoutMs} ms (timeout)`;
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  switch (code) {
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "the connection was reset";
    case "ECONNREFUSED":
      return "the connection was refused (nothing listening)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name did not resolve";
    case "UND_ERR_CONNECT_TIMEOUT":
      return "the connection timed out";
    case "CERT_HAS_EXPIRED":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return `the TLS certificate was rejected (${String(code)})`;
    default:
      return typeof code === "string" ? `network error ${code}` : "network error";
  }
}

/**
 * Sends the request, retrying faults. Returns the first non-retryable answer (2xx, 3xx, 4xx other than 429);
 * throws HttpFault when every attempt failed.
 */
export async function send(req: HttpRequest, policy: HttpPolicy): Promise<HttpResponse> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  const where = describeEndpoint(req.method, req.url);
  let last = "";
  let lastStatus: number | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let delay: number | undefined;
    try {
      const headers: Record<string, string> = { accept: "application/json", ...req.headers };
      let body: string | undefined;
      if (req.form !== undefined) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        body = new URLSearchParams(req.form).toString();
      }
      const res = await policy.fetch(req.url, {
        method: req.method,
        headers,
        body,
        redirect: req.redirect ?? "follow",
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      const text = await res.text();
      if (!retryable(res.status)) return { status: res.status, headers: res.headers, body: text, attempts: attempt };
      lastStatus = res.status;
      last = `HTTP ${res.status}`;
      delay = retryAfterMs(res.headers, policy.maxRetryAfterMs);
    } catch (e) {
      lastStatus = undefined;
      last = describeNetworkError(e, policy.timeoutMs);
    }
    if (attempt < attempts) await policy.sleep(delay ?? policy.backoffMs(attempt));
  }
  throw new HttpFault(
    `${where} failed ${attempts} time${attempts === 1 ? "" : "s"} in a row; last: ${last}`,
    attempts,
    lastStatus,
  );
}

/** Parses a JSON body, or undefined. */
export function jsonBody(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    return undefined;
  }
}
