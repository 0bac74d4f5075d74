/**
 * What every way of getting a token needs, and what it returns. One place for signing in to Entra ID's v1 endpoints:
 * `verify` asks for a token for the K2 audience, `adopt` for one for Microsoft Graph; each explains Entra's AADSTS
 * codes in its own terms (`explain`).
 */
import type { V1Endpoints } from "../../../components/entra";
import type { ExplainAadsts } from "../aadsts";
import { fail, type Check } from "../checks";
import type { HttpFault, HttpPolicy } from "../http";
import type { Redactor } from "../redact";
import { TOKEN_CHECK_ID, TOKEN_CHECK_TITLE } from "./tokenResponse";

export interface TokenRequestContext {
  endpoints: V1Endpoints;
  clientId: string;
  clientSecret: string | undefined;
  /** The v1 `resource` the token is for (its `aud`). */
  audience: string;
  http: HttpPolicy;
  redactor: Redactor;
  /** Likely cause and fix of an Entra ID error, by AADSTS code (undefined: Entra sent none), in the caller's terms. */
  explain: ExplainAadsts;
  /** Progress for the person at the terminal (stderr). */
  notify: (line: string) => void;
}

export interface TokenResult {
  check: Check;
  /** The access token; only ever passed to the validator and the K2 call, never printed. */
  token?: string;
}

export function faultFailure(how: string, e: HttpFault): TokenResult {
  return {
    check: fail(TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, `${how}: ${e.message}`, {
      cause: "Entra ID's token endpoint could not be reached or kept failing (network, proxy or an Entra ID outage)",
      fix: "check outbound HTTPS to the login host, then run the command again",
    }),
  };
}
