/**
 * CI: a token by the resource owner password grant (ROPC) on the v1 token endpoint, for a K2 service account whose
 * user name and password come from the environment, with `resource=<audience>`. A confidential client adds its
 * client secret (also from the environment). ROPC cannot do MFA or federated sign-in: the AADSTS map says so.
 */
import { pass, type Check } from "../checks";
import { HttpFault, send } from "../http";
import { entraFailure, readTokenAnswer, TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, unexpectedFailure } from "./tokenResponse";
import { faultFailure, type TokenRequestContext, type TokenResult } from "./context";

export async function passwordGrant(ctx: TokenRequestContext, username: string, password: string): Promise<TokenResult> {
  const how = `password grant for ${username}`;
  const form: Record<string, string> = {
    grant_type: "password",
    client_id: ctx.clientId,
    resource: ctx.audience,
    username,
    password,
  };
  if (ctx.clientSecret !== undefined) form.client_secret = ctx.clientSecret;
  try {
    const res = await send({ method: "POST", url: ctx.endpoints.tokenEndpoint, form }, ctx.http);
    const answer = readTokenAnswer(res, ctx.redactor);
    switch (answer.kind) {
      case "token":
        return { check: okCheck(how), token: answer.accessToken };
      case "error":
        return { check: entraFailure(how, answer.entra, ctx.explain) };
      case "unexpected":
        return { check: unexpectedFailure(how, answer.status, ctx.endpoints.tokenEndpoint) };
    }
  } catch (e) {
    if (e instanceof HttpFault) return faultFailure(how, e);
    throw e;
  }
}

function okCheck(how: string): Check {
  return pass(TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, how);
}
