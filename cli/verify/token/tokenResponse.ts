/**
 * The v1 token endpoint's answers: `{ token_type, access_token, refresh_token?, id_token?, expires_in, resource, ... }`
 * on success, the Entra OAuth error format otherwise. Every token-like value is handed to the Redactor at once.
 */
import { describeEntraError, parseEntraError, type EntraError, type ExplainAadsts } from "../aadsts";
import { fail, type Check } from "../checks";
import type { HttpResponse } from "../http";
import type { Redactor } from "../redact";

export const TOKEN_CHECK_ID = "token";
export const TOKEN_CHECK_TITLE = "v1 token for the K2 audience";

export type TokenAnswer =
  | { kind: "token"; accessToken: string }
  | { kind: "error"; entra: EntraError; status: number }
  | { kind: "unexpected"; status: number };

export function readTokenAnswer(res: HttpResponse, redactor: Redactor): TokenAnswer {
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    json = undefined;
  }
  if (typeof json === "object" && json !== null) {
    const o = json as Record<string, unknown>;
    for (const field of ["access_token", "refresh_token", "id_token"]) {
      if (typeof o[field] === "string") redactor.add(o[field]);
    }
    if (res.status === 200 && typeof o.access_token === "string" && o.access_token !== "") {
      return { kind: "token", accessToken: o.access_token };
    }
  }
  const entra = parseEntraError(res.body);
  if (entra !== undefined) return { kind: "error", entra, status: res.status };
  return { kind: "unexpected", status: res.status };
}

/** A failed token check from an Entra error, explained by its AADSTS code. */
export function entraFailure(how: string, entra: EntraError, explain: ExplainAadsts): Check {
  return fail(TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, `${how}: ${describeEntraError(entra)}`, explain(entra.code, entra.message), entra.code);
}

export function unexpectedFailure(how: string, status: number, tokenEndpoint: string): Check {
  return fail(TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, `${how}: HTTP ${status} without a token or an OAuth error`, {
    cause: "the token endpoint did not answer as Entra ID does (a proxy page, or a wrong login host)",
    fix: `check the login host and any proxy; the v1 token endpoint is ${tokenEndpoint}`,
  });
}
