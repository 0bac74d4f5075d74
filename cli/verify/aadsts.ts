/**
 * The one map from Entra ID error codes (AADSTSnnnn) to a likely cause and the fix, in this project's terms.
 * Every check that talks to Entra ID (reply URL probe, token requests, device-code polling) explains errors here.
 *
 * Entra ID error bodies follow the OAuth 2.0 error format with Microsoft's additions:
 * `{ error, error_description: "AADSTSnnnn: ...\r\nTrace ID: ...", error_codes: [n], timestamp, trace_id, correlation_id }`.
 * Codes and meanings: https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
import type { Explanation } from "./checks";

/** What the explanations may name. Never secrets. */
export interface AadstsContext {
  /** The client slug from stack config, e.g. power-automate. */
  client: string;
  audience: string;
  scope: string;
  tenantId: string;
}

export interface EntraError {
  /** OAuth error, e.g. invalid_grant. */
  error: string;
  /** The AADSTS code, from error_codes[0] or the description. */
  code: number | undefined;
  /** The first line of error_description (no trace/correlation lines). */
  message: string;
  traceId: string | undefined;
  correlationId: string | undefined;
}

type Explain = (ctx: AadstsContext) => Explanation;

const consentFix = (ctx: AadstsContext): string =>
  `run \`pulumi up\` for this stack with an identity allowed to grant tenant-wide consent: it declares the ` +
  `\`${ctx.client}-consent\` delegated permission grant (scope '${ctx.scope}' on the K2 API service principal); ` +
  `or have a Global, Privileged Role or Cloud Application Administrator click "Grant admin consent" on the app's ` +
  `API permissions page. Right after a new app or grant, wait a few minutes for replication and run verify again`;

/** The map. Keys are AADSTS codes; keep entries short, specific and in this project's vocabulary. */
export const AADSTS_EXPLANATIONS: Readonly<Record<number, Explain>> = {
  90094: (ctx) => ({
    cause: `admin consent is required: the tenant lets only administrators consent to the K2 API permission for the ` +
      `'${ctx.client}' app, and no tenant-wide grant exists yet`,
    fix: consentFix(ctx),
  }),
  65001: (ctx) => ({
    cause: `consent not granted: neither the user nor an administrator has consented to the '${ctx.client}' app using ` +
      `'${ctx.scope}' on K2 API (the grant is missing, was removed, or has not replicated yet)`,
    fix: consentFix(ctx),
  }),
  50011: (ctx) => ({
    cause: `reply URL mismatch: the redirect URI sent is not one of the '${ctx.client}' app's registered reply URLs ` +
      `(they must match exactly: scheme, host, path, trailing slash)`,
    fix: `add the exact URI to \`k2-oauth:clients[].redirectUris\` for '${ctx.client}' and run \`pulumi up\`; a URI ` +
      `added by hand in the portal is removed again by the next \`pulumi up\``,
  }),
  700016: (ctx) => ({
    cause: `application not found: no app with this client id exists in tenant ${ctx.tenantId} (wrong client id, ` +
      `another tenant's app, a deleted app, or one created moments ago and not replicated yet)`,
    fix: `use the clientId from \`pulumi stack output clients --json\` (pass the file with --outputs), check ` +
      `\`k2-oauth:tenantId\` and \`cloud\`; if the app was just created, wait a few minutes and retry`,
  }),
  7000215: (ctx) => ({
    cause: `invalid client secret: the value sent is not a current secret of the '${ctx.client}' app; often the ` +
      `secret's ID (keyId) was used instead of its value, or a secret from another app or an old rotation`,
    fix: `set K2_VERIFY_CLIENT_SECRET (and the consumer's setting) to the secret VALUE of the current slot: the latest ` +
      `version of \`${ctx.client}-client-secret\` in Key Vault, or \`pulumi stack output --show-secrets clientSecrets\``,
  }),
  7000222: (ctx) => ({
    cause: `expired client secret: the secret sent for the '${ctx.client}' app has passed its end date`,
    fix: `run \`pulumi up\` (the rotation schedule declares a fresh secret in the other slot), then give consumers ` +
      `the current slot's value (Key Vault or \`pulumi stack output --show-secrets clientSecrets\`)`,
  }),
  7000218: (ctx) => ({
    cause: `the '${ctx.client}' app is a confidential client and the request carried no client secret (public ` +
      `client flows are disabled for it)`,
    fix: `set K2_VERIFY_CLIENT_SECRET to the current secret value of '${ctx.client}'`,
  }),
  500011: (ctx) => ({
    cause: `resource not found: no app in tenant ${ctx.tenantId} has the identifier '${ctx.audience}' (K2 API was ` +
      `never added to this tenant, or k2Api.audience differs from its Application ID URI)`,
    fix: `set \`k2-oauth:k2Api.audience\` to the K2 API's Application ID URI (default https://api.k2.com/), and have ` +
      `an administrator add K2 API to the tenant with the consent link from KB002784`,
  }),
  650057: (ctx) => ({
    cause: `invalid resource: the '${ctx.client}' app does not list K2 API among its required permissions`,
    fix: `run \`pulumi up\` (the app declares the K2 API permission from \`k2-oauth:k2Api.clientId\`); check that ` +
      `clientId is the K2 API app of this tenant`,
  }),
  70011: (ctx) => ({
    cause: `invalid scope: the requested permission is not offered by the resource '${ctx.audience}'`,
    fix: `check \`k2-oauth:k2Api.scope\` against the K2 API service principal's delegated scopes`,
  }),
  50126: () => ({
    cause: `invalid user name or password for the service account`,
    fix: `check K2_VERIFY_USERNAME (the account's UPN, user@domain) and K2_VERIFY_PASSWORD; federated (ADFS) ` +
      `accounts cannot use the password grant: use --auth device-code or a cloud-only account`,
  }),
  50034: () => ({
    cause: `the service account does not exist in this tenant`,
    fix: `check K2_VERIFY_USERNAME and \`k2-oauth:tenantId\``,
  }),
  50053: () => ({
    cause: `the service account is locked (too many failed sign-ins)`,
    fix: `wait for the lockout to end, then check K2_VERIFY_PASSWORD`,
  }),
  50057: () => ({
    cause: `the service account is disabled`,
    fix: `enable the account in Entra ID or use another K2 service account`,
  }),
  50055: () => ({
    cause: `the service account's password has expired`,
    fix: `reset the password and update K2_VERIFY_PASSWORD in the CI secret store`,
  }),
  50076: () => ({
    cause: `multi-factor authentication is required, and the password grant cannot perform MFA`,
    fix: `run verify interactively (--auth device-code), or exclude the CI service account from the MFA policy ` +
      `for the CI network in Conditional Access`,
  }),
  50079: () => ({
    cause: `the service account must register for multi-factor authentication, which the password grant cannot do`,
    fix: `use --auth device-code, or an account exempt from MFA registration for CI`,
  }),
  53003: () => ({
    cause: `a Conditional Access policy blocked the sign-in`,
    fix: `check the sign-in log entry (trace id above) for the policy; allow the CI network or account`,
  }),
  50105: (ctx) => ({
    cause: `the signed-in user is not assigned to the app and the app requires assignment`,
    fix: `assign the user (or a group) to the '${ctx.client}' app or to K2 API in Enterprise applications`,
  }),
  50020: () => ({
    cause: `the user's account is from another identity provider and not a member or guest of this tenant`,
    fix: `sign in with an account of this tenant, or invite it as a guest`,
  }),
  90002: (ctx) => ({
    cause: `tenant ${ctx.tenantId} was not found in this cloud`,
    fix: `check \`k2-oauth:tenantId\` and \`k2-oauth:cloud\` (public, usgov or china)`,
  }),
  70019: () => ({
    cause: `the device code expired before the sign-in finished`,
    fix: `run verify again and complete the sign-in within the time shown`,
  }),
};

/** Likely cause and fix of an Entra ID error by its AADSTS code (undefined: none was sent), in a command's own terms. */
export type ExplainAadsts = (code: number | undefined, entraMessage?: string) => Explanation;

export function explainAadsts(code: number | undefined, ctx: AadstsContext, entraMessage?: string): Explanation {
  // Stryker disable next-line ConditionalExpression: indexing the map with undefined gives undefined as well.
  const known = code === undefined ? undefined : AADSTS_EXPLANATIONS[code];
  if (known !== undefined) return known(ctx);
  return unexplainedAadsts(code, entraMessage);
}

/** What is said about an AADSTS code no command explains: Entra's own message and where to look the code up. */
export function unexplainedAadsts(code: number | undefined, entraMessage?: string): Explanation {
  const said = entraMessage === undefined || entraMessage === "" ? "" : `: ${entraMessage}`;
  if (code === undefined) {
    return { cause: `Entra ID rejected the request without an AADSTS code${said}`, fix: `check the request settings named in the message` };
  }
  return {
    cause: `Entra ID rejected the request with AADSTS${code}${said}`,
    fix: `look the code up at https://login.microsoftonline.com/error?code=${code}`,
  };
}

const AADSTS_IN_TEXT = /AADSTS(\d{5,8})/;

/** The first AADSTS code found in a text (an error page, a redirect URL), if any. */
export function aadstsInText(text: string): number | undefined {
  const m = AADSTS_IN_TEXT.exec(text);
  return m === null ? undefined : Number(m[1]);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Parses an Entra OAuth error body; undefined when the body is not one. */
export function parseEntraError(body: string): EntraError | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  // Stryker disable next-line BlockStatement: without it json stays undefined, which the next line turns away too.
  } catch {
    return undefined;
  }
  // Stryker disable next-line ConditionalExpression: a primitive has no string `error` property either.
  if (typeof json !== "object" || json === null) return undefined;
  const o = json as Record<string, unknown>;
  const error = str(o.error);
  if (error === undefined) return undefined;
  const description = str(o.error_description) ?? "";
  const firstLine = description.split(/\r?\n/)[0].trim();
  const codes = Array.isArray(o.error_codes) ? o.error_codes.filter((c): c is number => typeof c === "number") : [];
  return {
    error,
    code: codes[0] ?? aadstsInText(description),
    message: firstLine,
    traceId: str(o.trace_id),
    correlationId: str(o.correlation_id),
  };
}

/** One line for the table: `AADSTS65001 invalid_grant: The user or administrator ... (trace id ...)`. */
export function describeEntraError(e: EntraError): string {
  const trace = e.traceId === undefined ? "" : ` (trace id ${e.traceId})`;
  const message = e.message.replace(/^AADSTS\d+:\s*/, "");
  return `${e.code === undefined ? "" : `AADSTS${e.code} `}${e.error}: ${message}${trace}`;
}
