/**
 * Signing in for `npm run adopt`: a token for Microsoft Graph from Entra ID's v1 token endpoint (`resource=<Graph
 * root>`), by device code or by an account's password, through the same requests `verify` makes
 * (cli/verify/token/), or a token obtained elsewhere (`--token-file`, e.g. `az account get-access-token
 * --resource-type ms-graph`). Entra ID's errors are explained here in adopt's terms. The token never leaves this
 * process except in the Authorization header of Graph requests to the root it is for.
 */
import { decodeJwt } from "jose";
import type { V1Endpoints } from "../../components/entra";
import { unexplainedAadsts, type ExplainAadsts } from "../verify/aadsts";
import type { Explanation } from "../verify/checks";
import type { HttpPolicy } from "../verify/http";
import type { Redactor } from "../verify/redact";
import type { TokenRequestContext, TokenResult } from "../verify/token/context";
import { deviceCodeGrant } from "../verify/token/deviceCode";
import { passwordGrant } from "../verify/token/passwordGrant";
import * as path from "node:path";
import { readTokenFile } from "../verify/token/tokenFile";
import { ADOPT_ENV, type AdoptOptions } from "./options";
import { AdoptError } from "./tenant";

/** Microsoft Graph's application id: the `aud` of v2 tokens for Graph (Azure CLI tokens may carry it). */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

const PERMISSIONS = "Microsoft Graph's delegated permissions Application.Read.All and Directory.Read.All";

/** Entra ID's errors when signing in to read the tenant, in adopt's terms. */
export const ADOPT_AADSTS: Readonly<Record<number, (tenantId: string) => Explanation>> = {
  65001: () => ({
    cause: `the app you sign in with has no consent for ${PERMISSIONS}`,
    fix: "have an administrator grant admin consent for them on that app (App registrations > the app > API permissions > Grant admin consent), then run adopt again",
  }),
  90094: () => ({
    cause: `only an administrator may consent to ${PERMISSIONS} for the app you sign in with`,
    fix: "have an administrator grant admin consent for them on that app (App registrations > the app > API permissions > Grant admin consent), then run adopt again",
  }),
  700016: (tenantId) => ({
    cause: `no app with the client id given exists in tenant ${tenantId}`,
    fix: `check --client-id (or ${ADOPT_ENV.clientId}) and the tenant; or pass a Microsoft Graph token with --token-file`,
  }),
  7000218: () => ({
    cause: "the app you sign in with is a confidential client and no client secret was sent",
    fix: `turn on "Allow public client flows" for that app (Authentication), or set ${ADOPT_ENV.clientSecret}`,
  }),
  7000215: () => ({ cause: "the sign-in app's client secret is wrong (its value is needed, not its id)", fix: `set ${ADOPT_ENV.clientSecret} to a current secret value of that app` }),
  7000222: () => ({ cause: "the sign-in app's client secret has expired", fix: `set ${ADOPT_ENV.clientSecret} to a current secret value of that app` }),
  50126: () => ({
    cause: "wrong user name or password",
    fix: `check ${ADOPT_ENV.username} and ${ADOPT_ENV.password}; federated accounts cannot use the password grant: use --auth device-code`,
  }),
  50034: (tenantId) => ({ cause: `the account does not exist in tenant ${tenantId}`, fix: `check ${ADOPT_ENV.username} and the tenant` }),
  50076: () => ({ cause: "multi-factor authentication is required, which the password grant cannot do", fix: "run adopt with --auth device-code" }),
  50079: () => ({ cause: "the account must register for multi-factor authentication, which the password grant cannot do", fix: "run adopt with --auth device-code" }),
  53003: () => ({ cause: "a Conditional Access policy blocked the sign-in", fix: "check the sign-in log entry (trace id above) for the policy" }),
  90002: (tenantId) => ({ cause: `tenant ${tenantId} was not found in this cloud`, fix: "check the tenant id and the cloud (k2-oauth:cloud, or --cloud for a new stack file)" }),
  500011: () => ({ cause: "Entra ID does not know the Microsoft Graph root as a resource", fix: "check --graph-url and the cloud" }),
  70019: () => ({ cause: "the device code expired before the sign-in finished", fix: "run adopt again and finish signing in within the time shown" }),
};

export function explainForAdopt(tenantId: string): ExplainAadsts {
  return (code, entraMessage) => {
    const known = code === undefined ? undefined : ADOPT_AADSTS[code];
    return known !== undefined ? known(tenantId) : unexplainedAadsts(code, entraMessage);
  };
}

export interface SignInContext {
  tenantId: string;
  endpoints: V1Endpoints;
  /** The Graph root the token is for (its v1 `resource`). */
  graphRoot: string;
  http: HttpPolicy;
  redactor: Redactor;
  notify: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** The directory a relative --token-file is read from (the run's working directory, not the process's). */
  cwd: string;
}

function failed(result: TokenResult): AdoptError {
  const { detail, cause, fix } = result.check;
  return new AdoptError(`sign-in failed: ${detail}${cause === undefined ? "" : `\n  cause: ${cause}`}${fix === undefined ? "" : `\n  fix: ${fix}`}`);
}

/** Checks a token from a file: for Microsoft Graph at `graphRoot`, for the stack's tenant, not expired. */
export function checkGraphToken(token: string, ctx: Pick<SignInContext, "tenantId" | "graphRoot" | "now">, file: string): void {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new AdoptError(`--token-file ${file}: the token is not a JWT; expected a Microsoft Graph access token (az account get-access-token --resource-type ms-graph)`);
  }
  const aud = typeof claims.aud === "string" ? claims.aud.replace(/\/+$/, "") : undefined;
  if (aud !== ctx.graphRoot && aud !== MICROSOFT_GRAPH_APP_ID) {
    throw new AdoptError(
      `--token-file ${file}: the token is for '${String(claims.aud)}', not Microsoft Graph (${ctx.graphRoot}); get one with az account get-access-token --resource-type ms-graph`,
    );
  }
  const tid = typeof claims.tid === "string" ? claims.tid.toLowerCase() : undefined;
  if (tid !== ctx.tenantId) {
    throw new AdoptError(`--token-file ${file}: the token is for tenant ${tid ?? "(none)"}, the stack's tenant is ${ctx.tenantId}; sign in to that tenant (az login --tenant ${ctx.tenantId})`);
  }
  if (typeof claims.exp === "number" && claims.exp * 1000 <= ctx.now().getTime()) {
    throw new AdoptError(`--token-file ${file}: the token expired at ${new Date(claims.exp * 1000).toISOString()}; get a fresh one`);
  }
}

/** A Microsoft Graph access token for the tenant, or an AdoptError saying why sign-in failed and what to do. */
export async function signIn(options: Pick<AdoptOptions, "auth" | "tokenFile" | "clientId" | "credentials">, ctx: SignInContext): Promise<string> {
  if (options.auth === "token-file" && options.tokenFile !== undefined) {
    const { token } = readTokenFile(path.resolve(ctx.cwd, options.tokenFile), ctx.redactor);
    if (token === undefined) throw new AdoptError(`--token-file ${options.tokenFile}: no token`);
    checkGraphToken(token, ctx, options.tokenFile);
    return token;
  }
  const request: TokenRequestContext = {
    endpoints: ctx.endpoints,
    clientId: options.clientId ?? "",
    clientSecret: options.credentials.clientSecret,
    audience: ctx.graphRoot,
    http: ctx.http,
    redactor: ctx.redactor,
    explain: explainForAdopt(ctx.tenantId),
    notify: ctx.notify,
  };
  const { username, password } = options.credentials;
  const result =
    options.auth === "password" && username !== undefined && password !== undefined
      ? await passwordGrant(request, username, password)
      : await deviceCodeGrant(request, { sleep: ctx.sleep });
  if (result.token === undefined) throw failed(result);
  return result.token;
}
