/** What every way of getting a token needs, and what it returns. */
import type { V1Endpoints } from "../../../components/entra";
import type { AadstsContext } from "../aadsts";
import { fail, type Check } from "../checks";
import type { HttpFault, HttpPolicy } from "../http";
import type { Redactor } from "../redact";
import { TOKEN_CHECK_ID, TOKEN_CHECK_TITLE } from "./tokenResponse";

export interface TokenRequestContext {
  endpoints: V1Endpoints;
  clientId: string;
  clientSecret: string | undefined;
  audience: string;
  http: HttpPolicy;
  redactor: Redactor;
  aadsts: AadstsContext;
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
      fix: "check outbound HTTPS to the login host, then run verify again",
    }),
  };
}
