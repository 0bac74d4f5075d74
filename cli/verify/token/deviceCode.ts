/**
 * Interactive: the v1 device code flow (what ADAL used). POST `/oauth2/devicecode` with client_id and resource gives
 * `{ user_code, device_code, verification_url, expires_in, interval, message }`; the user code and URL are shown;
 * then `/oauth2/token` is polled with `grant_type=device_code&code=<device_code>` every `interval` seconds:
 * `authorization_pending` waits, `slow_down` adds 5 s to the interval (RFC 8628 section 3.5), `expired_token`
 * (or v1's `code_expired`) and `authorization_declined` end it. Polling is bounded by `expires_in` counted from the
 * waits themselves (not the wall clock), and by MAX_POLLS.
 */
import { fail, pass } from "../checks";
import { HttpFault, send } from "../http";
import { entraFailure, readTokenAnswer, TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, unexpectedFailure, type TokenAnswer } from "./tokenResponse";
import { faultFailure, type TokenRequestContext, type TokenResult } from "./context";

export const DEFAULT_INTERVAL_S = 5;
export const DEFAULT_EXPIRES_IN_S = 900;
export const SLOW_DOWN_STEP_S = 5;
export const MAX_POLLS = 400;

export interface DeviceCodeTiming {
  /** Waits between polls; injected in tests so they do not wait. */
  sleep: (ms: number) => Promise<void>;
}

function seconds(v: unknown, fallback: number): number {
  const n = typeof v === "string" ? Number(v) : typeof v === "number" ? v : NaN;
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

const HOW = "device code sign-in";

export async function deviceCodeGrant(ctx: TokenRequestContext, timing: DeviceCodeTiming): Promise<TokenResult> {
  let start: Record<string, unknown>;
  try {
    const res = await send(
      { method: "POST", url: ctx.endpoints.deviceCodeEndpoint, form: { client_id: ctx.clientId, resource: ctx.audience } },
      ctx.http,
    );
    const answer = readTokenAnswer(res, ctx.redactor);
    if (answer.kind === "error") return { check: entraFailure(HOW, answer.entra, ctx.explain) };
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    const o = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
    if (res.status !== 200 || typeof o.device_code !== "string" || typeof o.user_code !== "string") {
      return { check: unexpectedFailure(HOW, res.status, ctx.endpoints.deviceCodeEndpoint) };
    }
    start = o;
  } catch (e) {
    if (e instanceof HttpFault) return faultFailure(HOW, e);
    throw e;
  }

  const deviceCode = start.device_code as string;
  ctx.redactor.add(deviceCode);
  const userCode = start.user_code as string;
  const verificationUrl = String(start.verification_url ?? start.verification_uri ?? "https://microsoft.com/devicelogin");
  const expiresIn = seconds(start.expires_in, DEFAULT_EXPIRES_IN_S);
  let interval = seconds(start.interval, DEFAULT_INTERVAL_S);
  ctx.notify(`To sign in, open ${verificationUrl} and enter the code ${userCode} (valid for ${Math.round(expiresIn / 60)} minutes).`);

  const form: Record<string, string> = { grant_type: "device_code", client_id: ctx.clientId, resource: ctx.audience, code: deviceCode };
  if (ctx.clientSecret !== undefined) form.client_secret = ctx.clientSecret;

  let waited = 0;
  for (let poll = 1; poll <= MAX_POLLS && waited < expiresIn; poll++) {
    await timing.sleep(interval * 1000);
    waited += interval;
    let answer: TokenAnswer;
    try {
      answer = readTokenAnswer(await send({ method: "POST", url: ctx.endpoints.tokenEndpoint, form }, ctx.http), ctx.redactor);
    } catch (e) {
      if (e instanceof HttpFault) return faultFailure(HOW, e);
      throw e;
    }
    if (answer.kind === "token") return { check: pass(TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, `${HOW} (after ${poll} poll${poll === 1 ? "" : "s"})`), token: answer.accessToken };
    if (answer.kind === "unexpected") return { check: unexpectedFailure(HOW, answer.status, ctx.endpoints.tokenEndpoint) };
    switch (answer.entra.error) {
      case "authorization_pending":
        continue;
      case "slow_down":
        interval += SLOW_DOWN_STEP_S;
        continue;
      case "expired_token":
      case "code_expired":
        return { check: fail(TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, `${HOW}: the code expired before sign-in finished`, ctx.explain(70019), answer.entra.code) };
      case "authorization_declined":
        return {
          check: fail(TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, `${HOW}: the user declined`, {
            cause: "the person signing in cancelled or declined the request",
            fix: "run verify again and accept the sign-in",
          }),
        };
      default:
        return { check: entraFailure(HOW, answer.entra, ctx.explain) };
    }
  }
  return {
    check: fail(TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, `${HOW}: no sign-in within ${Math.round(waited)} s`, ctx.explain(70019)),
  };
}
