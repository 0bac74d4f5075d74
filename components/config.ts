/**
 * The stack-config model (namespace `k2-oauth`): a zod schema with defaults and cross-field rules, and a parser whose
 * problems name the full key path, what is expected (with an example) and the value given, all at once
 * (./configMessages.ts words them).
 *
 * Optional sections and values may be left empty (`keyVault:` with nothing under it) or out, alike.
 * Pure: no Pulumi imports, so the CLI can validate a stack file with the same rules the program uses.
 */
import { z } from "zod";
import { describeIssue, dotPath, fallbackMessage, formatConfigPath, namespaceIssues, quoteValue, type ConfigIssue, type SectionKeys } from "./configMessages";
import { audienceSyntaxProblem, resolveAudience, type WellKnownService } from "./audiences";
import { CLOUDS, GUID_PATTERN } from "./entra";
import {
  DEFAULT_APP_ONLY_RESOURCE_TYPE,
  DEFAULT_DELEGATED_RESOURCE_TYPE,
  DEFAULT_OUTBOUND_APP_NAME,
  K2_REDIRECT_PATH,
  k2RedirectUri,
  CLIENT_SECRET_PARAMETER,
  PARAMETER_LEGS,
  parameterProfile,
  parameterValueProblem,
  RESOURCE_PARAMETER,
  resourceValueProblem,
  resourceSlug,
  type MetadataEndpointChoice,
  type ParameterLegs,
  type RefreshEndpointChoice,
} from "./outbound";
import { parseUtcDay } from "./rotation";
import { DEFAULT_AUDIENCE, DEFAULT_SCOPE } from "./contracts";

export { CONFIG_NAMESPACE, formatConfigPath, type ConfigIssue } from "./configMessages";

/** The config keys of the namespace, in the order they are documented. */
export const CONFIG_KEYS = ["tenantId", "cloud", "k2Api", "k2", "keyVault", "clients", "outbound"] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

export { DEFAULT_AUDIENCE, DEFAULT_SCOPE } from "./contracts";
export const DEFAULT_BEARER_TOKEN_RESOURCE_NAME = "K2 API";
export const MAX_SECRET_LIFETIME_DAYS = 730;
export const DEFAULT_SECRET = { lifetimeDays: 180, rotateAfterDays: 150 } as const;

/**
 * The one list of config paths (dot form, without namespace) whose values are secrets: never quoted, wrapped as Pulumi
 * secrets, and refused when written in plain text or left empty (`secure:` with nothing).
 */
export const SECRET_CONFIG_PATHS = ["k2.admin.password"] as const;

const EXAMPLE_GUID = "11111111-2222-3333-4444-555555555555";

/** Left empty in YAML (`key:` with nothing after it) counts as left out. */
function emptyIsAbsent(value: unknown): unknown {
  return value === null ? undefined : value;
}

/** An optional value: absent or empty means the default (or undefined). */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(emptyIsAbsent, schema.optional());
}

function withDefault<T extends z.ZodType>(schema: T, value: z.input<T> & z.output<T>) {
  return z.preprocess(emptyIsAbsent, schema.default(value as never));
}

const guid = (what = "a GUID") =>
  z
    .string({ error: `expected ${what} like ${EXAMPLE_GUID}` })
    .regex(GUID_PATTERN, { error: `expected ${what} like ${EXAMPLE_GUID}` })
    .transform((s) => s.toLowerCase());

function httpsUrl(what: string, example: string) {
  const expected = `expected ${what} as an https URL, like ${example}`;
  return z.string({ error: expected }).superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: expected, input: value });
      return;
    }
    if (url.protocol !== "https:") ctx.addIssue({ code: "custom", message: `${expected} (https, not ${url.protocol.replace(/:$/, "")})`, input: value });
    if (url.hostname.includes("*")) ctx.addIssue({ code: "custom", message: `${expected}, without wildcards`, input: value });
    if (url.username !== "" || url.password !== "") {
      ctx.addIssue({ code: "custom", message: `${expected}, without user name or password in the URL`, input: value });
    }
  });
}

const SLUG = "expected a slug of lower-case letters, digits and single hyphens, at most 40 characters, like power-automate";
const slug = z.string({ error: SLUG }).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: SLUG }).max(40, { error: SLUG });

/** A text value with something in it besides spaces; trimmed (the value given is quoted untrimmed). */
const nonEmpty = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .refine((s) => s.trim() !== "", { error: `expected ${what}` })
    .transform((s) => s.trim());

/** A whole number of days from `min` to `max`. */
function days(min: number, max: number | undefined, example: number, why = "") {
  const expected = `expected a whole number of days ${max === undefined ? `from ${min}` : `from ${min} to ${max}`}${why}, like ${example}`;
  const base = z.number({ error: expected }).int({ error: expected }).min(min, { error: expected });
  return max === undefined ? base : base.max(max, { error: expected });
}

/** A calendar day written `YYYY-MM-DD` (components/rotation.ts parses it), kept as written. */
function calendarDay(what: string, example: string) {
  const expected = `expected ${what}, a calendar day written YYYY-MM-DD, like ${example}`;
  return z.string({ error: expected }).refine((text) => parseUtcDay(text) !== undefined, { error: expected });
}

const SecretScheduleShape = {
  lifetimeDays: withDefault(days(1, MAX_SECRET_LIFETIME_DAYS, DEFAULT_SECRET.lifetimeDays, " (Entra ID's 24-month cap)"), DEFAULT_SECRET.lifetimeDays),
  rotateAfterDays: withDefault(days(1, undefined, DEFAULT_SECRET.rotateAfterDays), DEFAULT_SECRET.rotateAfterDays),
  /** The day the client joined: its first secret starts then, with the full lifetime (components/rotation.ts). */
  startDate: optional(calendarDay("the day the client joined", "2026-03-01")),
};

export const SecretScheduleSchema = z.strictObject(SecretScheduleShape).superRefine((s, ctx) => {
  // Compared only when both are valid on their own (a lifetime already reported is not measured against).
  const valid = (n: number, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(n) && n >= 1 && n <= max;
  if (!valid(s.lifetimeDays, MAX_SECRET_LIFETIME_DAYS) || !valid(s.rotateAfterDays)) return;
  if (s.rotateAfterDays >= s.lifetimeDays) {
    ctx.addIssue({
      code: "custom",
      path: ["rotateAfterDays"],
      input: s.rotateAfterDays,
      message: `expected fewer days than lifetimeDays (${s.lifetimeDays}) so that two valid secrets overlap after a rotation`,
    });
  } else if (2 * s.rotateAfterDays < s.lifetimeDays) {
    // Two slots: the previous secret is replaced at the next rotation, so its overlap cannot exceed rotateAfterDays.
    ctx.addIssue({
      code: "custom",
      path: ["rotateAfterDays"],
      input: s.rotateAfterDays,
      message: `expected at least half of lifetimeDays (>= ${Math.ceil(s.lifetimeDays / 2)}): with two secret slots the previous secret is replaced at the next rotation, so an overlap of lifetimeDays - rotateAfterDays = ${s.lifetimeDays - s.rotateAfterDays} days could not be kept`,
    });
  }
});

const REDIRECT_URI = httpsUrl("a redirect URI", "https://global.consent.azure-apim.net/redirect");
const OWNER = guid("an owner's object id, a GUID");
const OWNERS = z.array(OWNER, { error: `expected a list of owner object ids (GUIDs), like [${EXAMPLE_GUID}]` });

/** Microsoft Graph's sign-in audiences (application resource type, `signInAudience`); the first is this project's default. */
export const SIGN_IN_AUDIENCES = ["AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"] as const;
export const DEFAULT_SIGN_IN_AUDIENCE = SIGN_IN_AUDIENCES[0];

const flag = (what: string, example: boolean) => z.boolean({ error: `expected true or false (${what}), like ${String(example)}` });

/** The implicit grant flags of the app's web platform: off unless an adopted app has them on (policies flag access tokens). */
const ImplicitGrantShape = {
  accessTokens: withDefault(flag("whether the app issues access tokens through the implicit grant", false), false),
  idTokens: withDefault(flag("whether the app issues ID tokens through the implicit grant", false), false),
};

/** The service principal's own settings, where they differ from the app's. */
const ServicePrincipalShape = {
  /** Default: the app's owners. */
  owners: optional(OWNERS),
  appRoleAssignmentRequired: withDefault(flag("whether users must be assigned to the app before they can sign in", false), false),
};

const ResourceAccessShape = {
  id: guid("the permission's id (of a delegated scope or an app role of that API), a GUID"),
  type: z.enum(["Scope", "Role"], { error: "expected Scope (a delegated permission) or Role (an application permission)" }),
};

/** A permission of another API than the K2 API (the K2 API's scope is declared from k2Api). */
const RequiredResourceAccessShape = {
  resourceAppId: guid("the API's application (client) id, a GUID"),
  resourceAccess: z
    .array(z.strictObject(ResourceAccessShape), { error: "expected a list of permissions, each a mapping with id and type" })
    .min(1, { error: "expected at least one permission (id and type); leave the API out instead" }),
};

/** Microsoft Graph's oauth2PermissionGrant ids: base64url text (azuread's import ids use them as they are). */
const GRANT_ID = /^[A-Za-z0-9_-]+$/;
const GRANT_ID_EXPECTED = "expected the id of the tenant-wide delegated permission grant (an oauth2PermissionGrant), like kh2sH2sdXkq8x8FMRsU-HLT0qr7O1c9Juz6SXY_hjxM";

const ADOPT_SINCE = ["the adoption day (UTC)", "2026-11-29"] as const;

/**
 * A client taken over from a setup made by hand (`npm run adopt` writes it). `since`, the adoption day, marks the
 * client as adopted for good: its app, service principal and consent are retained on delete and the app is declared
 * without the duplicate-name check. The ids are the existing objects the next `pulumi up` imports; each may be
 * removed once imported (and must be, when its object was deleted outside Pulumi).
 */
const AdoptShape = {
  since: optional(calendarDay(...ADOPT_SINCE)),
  applicationObjectId: optional(guid("the app registration's object id (not its application id), a GUID")),
  servicePrincipalObjectId: optional(guid("the service principal's object id, a GUID")),
  grantId: optional(z.string({ error: GRANT_ID_EXPECTED }).regex(GRANT_ID, { error: GRANT_ID_EXPECTED })),
};
export const AdoptSchema = z.strictObject(AdoptShape).superRefine((adopt, ctx) => {
  if (adopt.since === undefined && adopt.applicationObjectId === undefined) {
    ctx.addIssue({ code: "custom", path: ["since"], input: undefined, message: `is required when applicationObjectId is left out (it keeps the client adopted once its ids are removed); expected ${ADOPT_SINCE[0]}, a calendar day written YYYY-MM-DD, like ${ADOPT_SINCE[1]}` });
  }
  if (adopt.grantId !== undefined && adopt.servicePrincipalObjectId === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["grantId"],
      input: adopt.grantId,
      message: "expected servicePrincipalObjectId too: the grant to import belongs to the app's service principal",
    });
  }
});

const ClientShape = {
  name: slug,
  displayName: nonEmpty("a display name of at most 120 characters, like K2 - Power Automate").pipe(
    z.string().max(120, { error: "expected a display name of at most 120 characters, like K2 - Power Automate" }),
  ),
  redirectUris: withDefault(z.array(REDIRECT_URI, { error: "expected a list of https redirect URIs, like [https://global.consent.azure-apim.net/redirect]" }), []),
  owners: withDefault(OWNERS, []),
  signInAudience: withDefault(z.enum(SIGN_IN_AUDIENCES, { error: `expected one of ${SIGN_IN_AUDIENCES.join(", ")} (single tenant: ${DEFAULT_SIGN_IN_AUDIENCE})` }), DEFAULT_SIGN_IN_AUDIENCE),
  implicitGrant: withDefault(z.strictObject(ImplicitGrantShape), { accessTokens: false, idTokens: false }),
  servicePrincipal: withDefault(z.strictObject(ServicePrincipalShape), { appRoleAssignmentRequired: false }),
  requiredResourceAccess: withDefault(
    z.array(z.strictObject(RequiredResourceAccessShape), { error: "expected a list of other APIs' permissions, each a mapping with resourceAppId and resourceAccess" }),
    [],
  ),
  secret: withDefault(SecretScheduleSchema, { ...DEFAULT_SECRET }),
  adopt: optional(AdoptSchema),
};
export const ClientSchema = z.strictObject(ClientShape);

const K2ApiShape = {
  clientId: guid("the K2 API app's client id, a GUID"),
  scope: withDefault(nonEmpty(`the delegated scope value, like ${DEFAULT_SCOPE}`), DEFAULT_SCOPE),
  audience: withDefault(httpsUrl("the audience (token resource)", DEFAULT_AUDIENCE), DEFAULT_AUDIENCE),
};
export const K2ApiSchema = z.strictObject(K2ApiShape);

const K2AdminShape = {
  username: nonEmpty("the K2 admin user name, like DOMAIN\\svc-k2"),
  password: z
    .string({ error: `expected the password as a secret, set with: pulumi config set --secret --path '${SECRET_CONFIG_PATHS[0]}'` })
    .min(1, { error: `expected a non-empty password, set with: pulumi config set --secret --path '${SECRET_CONFIG_PATHS[0]}'` }),
};
export const K2AdminSchema = z.strictObject(K2AdminShape);

const BearerTokenResourceShape = {
  name: withDefault(nonEmpty(`the K2 OAuth resource name, like ${DEFAULT_BEARER_TOKEN_RESOURCE_NAME}`), DEFAULT_BEARER_TOKEN_RESOURCE_NAME),
};
export const BearerTokenResourceConfigSchema = z.strictObject(BearerTokenResourceShape);

/** Optional: where K2's SmartObject REST services are and which mapping `npm run discover` wrote. */
const SmartObjectServicesShape = {
  /** Default: the K2 site's scheme and host on port 8888, path /SmartObjectServices. */
  url: optional(httpsUrl("the SmartObject Services root", "https://k2.example.com:8888/SmartObjectServices").transform((u) => u.replace(/\/+$/, ""))),
  /** Path (from the project root) of the mapping file, like stacks/k2-mapping.dev.json. */
  mapping: optional(nonEmpty("the path of the mapping file npm run discover wrote, like stacks/k2-mapping.dev.json")),
};
export const SmartObjectServicesConfigSchema = z.strictObject(SmartObjectServicesShape);

const K2Shape = {
  url: httpsUrl("the K2 site URL", "https://k2.example.com").transform((u) => u.replace(/\/+$/, "")),
  edition: withDefault(z.enum(["five", "cloud"], { error: "expected 'five' (K2 Five, on premises) or 'cloud' (K2 Cloud)" }), "five"),
  bearerTokenResource: optional(BearerTokenResourceConfigSchema),
  admin: optional(K2AdminSchema),
  smartObjectServices: optional(SmartObjectServicesConfigSchema),
};
export const K2Schema = z
  .strictObject(K2Shape)
  .superRefine((k2, ctx) => {
    if (k2.edition === "cloud" && k2.bearerTokenResource !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["bearerTokenResource"],
        input: undefined,
        message: "expected no bearerTokenResource with edition 'cloud': K2 Cloud manages its side of the OAuth resource itself",
      });
    }
    if (k2.edition === "five" && k2.admin === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["admin"],
        input: undefined,
        message: "expected K2 admin credentials with edition 'five' (to manage the Bearer Token resource): username, and password set with --secret",
      });
    }
  })
  .transform((k2) =>
    k2.edition === "five" && k2.bearerTokenResource === undefined
      ? { ...k2, bearerTokenResource: { name: DEFAULT_BEARER_TOKEN_RESOURCE_NAME } }
      : k2,
  );

const KeyVaultShape = {
  resourceGroupName: nonEmpty("a resource group name of 1-90 letters, digits, '-', '_', '.', '(' or ')', like rg-k2").pipe(
    z.string().regex(/^[-\w._()]{1,90}$/, { error: "expected a resource group name of 1-90 letters, digits, '-', '_', '.', '(' or ')', like rg-k2" }),
  ),
  vaultName: z
    .string({ error: "expected a Key Vault name of 3-24 letters, digits and hyphens, starting with a letter, like kv-k2-dev" })
    .regex(/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/, {
      error: "expected a Key Vault name of 3-24 letters, digits and hyphens, starting with a letter, like kv-k2-dev",
    })
    .refine((s) => !s.includes("--"), { error: "expected a Key Vault name without consecutive hyphens, like kv-k2-dev" }),
};
export const KeyVaultSchema = z.strictObject(KeyVaultShape);

/** An outbound parameter's values per request (`authorization`, `token`, `refresh`); a request left out is not set. */
const PARAMETER_LEGS_EXPECTED = `expected the parameter's values per request, a mapping with ${PARAMETER_LEGS.join(", ")} (each optional), like { token: "{audience}" }, or null to leave the parameter out`;
const ParameterLegsShape = Object.fromEntries(
  PARAMETER_LEGS.map((leg) => [leg, optional(z.string({ error: `expected the ${leg} request's value as text, like {clientId}` }))]),
) as Record<(typeof PARAMETER_LEGS)[number], ReturnType<typeof optional<z.ZodString>>>;
const ParameterLegsSchema = z.strictObject(ParameterLegsShape, { error: PARAMETER_LEGS_EXPECTED }).superRefine((legs, ctx) => {
  const given = PARAMETER_LEGS.filter((leg) => legs[leg] !== undefined);
  if (given.length === 0) ctx.addIssue({ code: "custom", input: legs, message: `${PARAMETER_LEGS_EXPECTED} (none given)` });
});

const OutboundAppShape = {
  /** Slug used in Pulumi resource names and the Key Vault secret name (`<name>-client-secret`). */
  name: withDefault(slug, DEFAULT_OUTBOUND_APP_NAME),
  displayName: nonEmpty("a display name of at most 120 characters, like K2 outbound (dev)").pipe(
    z.string().max(120, { error: "expected a display name of at most 120 characters, like K2 outbound (dev)" }),
  ),
  owners: withDefault(z.array(OWNER, { error: `expected a list of owner object ids (GUIDs), like [${EXAMPLE_GUID}]` }), []),
  secret: withDefault(SecretScheduleSchema, { ...DEFAULT_SECRET }),
  /**
   * The redirect URI K2 sends, registered on the app and set as K2's redirect_uri value (one string for both: Entra ID
   * compares the path with case). Default: `https://<k2 host>${K2_REDIRECT_PATH}` from k2.url.
   */
  redirectUri: optional(httpsUrl("K2's OAuth redirect URI", `https://k2.example.com${K2_REDIRECT_PATH}`)),
};
export const OutboundAppSchema = z.strictObject(OutboundAppShape);

const PERMISSION = nonEmpty("a permission value, like User.Read (a delegated scope) or Sites.Read.All (an app role)");
const OutboundResourceShape = {
  /** The K2 OAuth resource's name in K2 Management. */
  name: nonEmpty("the K2 OAuth resource name (at most 100 characters), like Microsoft Graph").pipe(
    z.string().max(100, { error: "expected the K2 OAuth resource name (at most 100 characters), like Microsoft Graph" }),
  ),
  /** The audience: the v1 `resource` value, e.g. https://graph.microsoft.com or https://contoso.sharepoint.com. */
  audience: z.string({ error: "expected the audience as an https URL (the resource the tokens are for), like https://graph.microsoft.com" }).superRefine((value, ctx) => {
    const problem = audienceSyntaxProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", input: value, message: problem });
  }),
  /** The application (client) id of the service; default: the well-known service's (components/audiences.ts). */
  resourceAppId: optional(guid("the application (client) id of the service the audience belongs to, a GUID")),
  /** Delegated scope values (default), or app role values with appOnly. */
  permissions: z
    .array(PERMISSION, { error: "expected a list of permission values, like [User.Read, Group.Read.All]" })
    .min(1, { error: "expected at least one permission value, like [User.Read]" }),
  /** App-only (client credentials, K2 KB002814): app roles instead of delegated scopes; tokens do not lapse after 90 days. */
  appOnly: withDefault(z.boolean({ error: "expected true (app-only: app roles, client credentials) or false (delegated scopes)" }), false),
  /** Default: Microsoft Online (delegated) or Client Credentials (app-only). */
  resourceType: optional(nonEmpty(`the K2 resource type name, like ${DEFAULT_DELEGATED_RESOURCE_TYPE}`)),
  /** `token` (the token endpoint, as K2's connector guides set it) or `none`; default token (delegated), none (app-only). */
  refreshTokenEndpoint: optional(z.enum(["token", "none"], { error: "expected 'token' (the v1 token endpoint) or 'none' (left empty)" })),
  /** `v1` (the tenant's v1 OpenID metadata) or `none` (default, left empty as K2 KB002814 does). */
  metadataEndpoint: withDefault(z.enum(["v1", "none"], { error: "expected 'v1' (the tenant's v1 metadata document) or 'none' (left empty)" }), "none"),
  /** Changes to the parameter profile of the flow (components/outbound.ts): a parameter given replaces the default one; null leaves it out. */
  parameters: withDefault(
    z.record(
      z.string().refine((k) => k.trim() !== "" && k === k.trim(), { error: "expected a parameter name without blanks, like resource" }),
      z.union([z.null(), ParameterLegsSchema], { error: PARAMETER_LEGS_EXPECTED }),
      { error: 'expected a mapping of parameter name to its values per request, like { scope: { authorization: "https://graph.microsoft.com/.default" } }' },
    ),
    {},
  ),
};

/** Parameters a stack cannot leave out (`null`), with why. */
const KEPT_PARAMETERS: Readonly<Record<string, string>> = {
  [CLIENT_SECRET_PARAMETER]: "expected client_secret to stay: it carries the app's current secret, which this project rotates in Entra ID and K2 together",
  [RESOURCE_PARAMETER]:
    "expected resource to stay: on Entra ID's v1 endpoints it names the audience K2 asks a token for (without it K2 keeps no refresh token; the policy k2-outbound-resource-v1 requires it)",
};

export const OutboundResourceSchema = z.strictObject(OutboundResourceShape).superRefine((r, ctx) => {
  const seen = new Map<string, number>();
  r.permissions.forEach((p, i) => {
    const before = seen.get(p.toLowerCase());
    if (before !== undefined) ctx.addIssue({ code: "custom", path: ["permissions", i], input: p, message: `expected each permission once (permissions[${before}] is the same)` });
    else seen.set(p.toLowerCase(), i);
  });
  for (const [name, legs] of Object.entries(r.parameters)) {
    if (legs === null) {
      const kept = KEPT_PARAMETERS[name];
      if (kept !== undefined) ctx.addIssue({ code: "custom", path: ["parameters", name], input: undefined, message: kept });
      continue;
    }
    for (const leg of PARAMETER_LEGS) {
      const value = legs[leg];
      const problem = value === undefined ? undefined : (parameterValueProblem(name, value) ?? (name === RESOURCE_PARAMETER ? resourceValueProblem(value) : undefined));
      if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["parameters", name, leg], input: value, message: problem });
    }
  }
});

const OutboundShape = {
  app: OutboundAppSchema,
  resources: z
    .array(OutboundResourceSchema, { error: "expected a list of K2 OAuth resources, each a mapping with name, audience and permissions" })
    .min(1, { error: "expected at least one K2 OAuth resource, a mapping with name, audience and permissions" }),
};
export const OutboundSchema = z.strictObject(OutboundShape);

const StackConfigShape = {
  tenantId: guid("your Entra ID tenant id, a GUID"),
  cloud: withDefault(z.enum(CLOUDS, { error: `expected one of ${CLOUDS.join(", ")}` }), "public"),
  k2Api: K2ApiSchema,
  k2: K2Schema,
  keyVault: optional(KeyVaultSchema),
  clients: z
    .array(ClientSchema, { error: "expected a list of client apps, each a mapping with name and displayName" })
    .min(1, { error: "expected at least one client app, a mapping with name and displayName" }),
  outbound: optional(OutboundSchema),
};

export const StackConfigSchema = z
  .strictObject(StackConfigShape)
  .superRefine((cfg, ctx) => {
    const firstIndex = new Map<string, number>();
    cfg.clients.forEach((client, i) => {
      const before = firstIndex.get(client.name);
      if (before !== undefined) {
        ctx.addIssue({ code: "custom", path: ["clients", i, "name"], input: client.name, message: duplicateNameMessage(before) });
      } else {
        firstIndex.set(client.name, i);
      }
    });
    for (const issue of [...otherApiIssues(cfg), ...adoptedTwiceIssues(cfg.clients)]) ctx.addIssue({ code: "custom", ...issue });
    if (cfg.outbound !== undefined) for (const issue of outboundIssues(cfg)) ctx.addIssue({ code: "custom", ...issue });
  })
  .transform(({ outbound, ...cfg }) => ({ ...cfg, outbound: outbound === undefined ? undefined : resolveOutbound(outbound, cfg) }));

type RawOutbound = z.output<typeof OutboundSchema>;
type RawOutboundResource = RawOutbound["resources"][number];

/** The K2 resource type a resource gets when the stack names none. */
function defaultResourceType(appOnly: boolean): string {
  return appOnly ? DEFAULT_APP_ONLY_RESOURCE_TYPE : DEFAULT_DELEGATED_RESOURCE_TYPE;
}

/** Whether two URLs share scheme, host and port (the host without regard to case); a URL that does not parse was reported by its own rule. */
function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return true;
  }
}

/** Cross-field rules of `outbound`: names unique against the clients and K2's other resources; audiences per cloud. */
function outboundIssues(cfg: {
  cloud: (typeof CLOUDS)[number];
  clients: ReadonlyArray<{ name: string }>;
  k2: { url: string; bearerTokenResource?: { name: string } };
  outbound?: RawOutbound;
}): Array<{ path: Array<string | number>; input: unknown; message: string }> {
  const out: Array<{ path: Array<string | number>; input: unknown; message: string }> = [];
  const outbound = cfg.outbound as RawOutbound;
  const clientIndex = cfg.clients.findIndex((c) => c.name === outbound.app.name);
  if (clientIndex >= 0) {
    out.push({
      path: ["outbound", "app", "name"],
      input: outbound.app.name,
      message: `expected a name no client has (clients[${clientIndex}] is named the same; the Key Vault secret ${outbound.app.name}-client-secret would be shared), like ${DEFAULT_OUTBOUND_APP_NAME}`,
    });
  }
  const redirect = outbound.app.redirectUri;
  if (redirect !== undefined && !sameOrigin(redirect, cfg.k2.url)) {
    out.push({
      path: ["outbound", "app", "redirectUri"],
      input: redirect,
      message: `expected a redirect URI on the K2 site of k2-oauth:k2.url, like ${k2RedirectUri(cfg.k2.url)}: Entra ID sends the code back to K2 there (another host fails with AADSTS50011; the policy k2-outbound-redirect-uri requires the K2 host)`,
    });
  }
  const names = new Map<string, number>();
  const slugs = new Map<string, number>();
  const bearer = cfg.k2.bearerTokenResource?.name;
  outbound.resources.forEach((r, i) => {
    const key = r.name.toLowerCase();
    const before = names.get(key) ?? slugs.get(resourceSlug(r.name));
    if (before !== undefined) {
      out.push({ path: ["outbound", "resources", i, "name"], input: r.name, message: `expected a unique name (resources[${before}] has the same one, or one K2 or a resource name cannot tell apart)` });
    } else if (resourceSlug(r.name) === "") {
      out.push({ path: ["outbound", "resources", i, "name"], input: r.name, message: "expected a name with at least one letter or digit, like Microsoft Graph" });
    } else if (bearer !== undefined && bearer.toLowerCase() === key) {
      out.push({ path: ["outbound", "resources", i, "name"], input: r.name, message: `expected a name other than the Bearer Token resource's (k2-oauth:k2.bearerTokenResource.name): K2 resource names are unique` });
    }
    names.set(key, names.get(key) ?? i);
    slugs.set(resourceSlug(r.name), slugs.get(resourceSlug(r.name)) ?? i);
    // An audience that is not an https URL was reported by its own field rule.
    if (audienceSyntaxProblem(r.audience) !== undefined) return;
    const resolved = resolveAudience(r.audience, cfg.cloud);
    if (!resolved.ok) {
      out.push({ path: ["outbound", "resources", i, "audience"], input: r.audience, message: resolved.expected });
    } else if (resolved.service === undefined && r.resourceAppId === undefined) {
      out.push({
        path: ["outbound", "resources", i, "resourceAppId"],
        input: undefined,
        message: `is required; expected the application (client) id of the service whose audience is ${resolved.audience}, a GUID like ${EXAMPLE_GUID}: it is not one of the well-known services (Microsoft Graph, SharePoint Online, Exchange Online), whose ids are known`,
      });
    }
  });
  return out;
}

function resolveResource(r: RawOutboundResource, cloud: (typeof CLOUDS)[number]): OutboundResourceConfig {
  const resolved = resolveAudience(r.audience, cloud);
  // outboundIssues refused every audience that does not resolve and every unknown service without resourceAppId.
  if (!resolved.ok) throw new Error(`unreachable: audience ${r.audience} was validated`);
  const service: WellKnownService | undefined = resolved.service;
  return {
    name: r.name,
    slug: resourceSlug(r.name),
    audience: resolved.audience,
    ...(resolved.mappedFrom !== undefined ? { audienceAsWritten: resolved.mappedFrom } : {}),
    service: service?.key,
    resourceAppId: r.resourceAppId ?? (service as WellKnownService).appId,
    permissions: r.permissions,
    appOnly: r.appOnly,
    resourceType: r.resourceType ?? defaultResourceType(r.appOnly),
    refreshTokenEndpoint: r.refreshTokenEndpoint ?? (r.appOnly ? "none" : "token"),
    metadataEndpoint: r.metadataEndpoint,
    parameters: parameterProfile(r.appOnly, r.parameters),
  };
}

function resolveOutbound(outbound: RawOutbound, cfg: { cloud: (typeof CLOUDS)[number]; k2: { url: string } }): OutboundConfig {
  return {
    app: { ...outbound.app, redirectUri: outbound.app.redirectUri ?? k2RedirectUri(cfg.k2.url) },
    resources: outbound.resources.map((r) => resolveResource(r, cfg.cloud)),
  };
}

/** One K2 OAuth resource of the outbound side, resolved: defaults filled, the audience that of the stack's cloud. */
export interface OutboundResourceConfig {
  name: string;
  /** Slug of the name, used in Pulumi resource names: `Microsoft Graph` → `microsoft-graph`. */
  slug: string;
  /** The audience requested (the `resource` value), in the stack's cloud. */
  audience: string;
  /** The public audience as written, when it was mapped to the stack's cloud. */
  audienceAsWritten?: string;
  /** The well-known service, if the audience is one. */
  service: WellKnownService["key"] | undefined;
  /** The service's application (client) id: its service principal offers the permissions. */
  resourceAppId: string;
  permissions: string[];
  appOnly: boolean;
  resourceType: string;
  refreshTokenEndpoint: RefreshEndpointChoice;
  metadataEndpoint: MetadataEndpointChoice;
  /** The whole parameter profile (the flow's default with the stack's changes), with placeholders. */
  parameters: Record<string, ParameterLegs>;
}

export interface OutboundConfig {
  app: Omit<RawOutbound["app"], "redirectUri"> & { redirectUri: string };
  resources: OutboundResourceConfig[];
}

interface CrossFieldIssue {
  path: PropertyKey[];
  input: unknown;
  message: string;
}

/** `requiredResourceAccess` names other APIs, each once: the K2 API's scope is declared from `k2Api`. */
function otherApiIssues(cfg: { k2Api: { clientId: string }; clients: ReadonlyArray<{ requiredResourceAccess: ReadonlyArray<{ resourceAppId: string }> }> }): CrossFieldIssue[] {
  const out: CrossFieldIssue[] = [];
  cfg.clients.forEach((client, i) => {
    const seen = new Map<string, number>();
    client.requiredResourceAccess.forEach((entry, j) => {
      const path = ["clients", i, "requiredResourceAccess", j, "resourceAppId"];
      const first = seen.get(entry.resourceAppId);
      if (entry.resourceAppId === cfg.k2Api.clientId) {
        out.push({ path, input: entry.resourceAppId, message: "expected another API than the K2 API (k2-oauth:k2Api.clientId): its delegated scope is declared from k2-oauth:k2Api.scope" });
      } else if (first !== undefined) {
        out.push({ path, input: entry.resourceAppId, message: `expected each API once (requiredResourceAccess[${first}] lists the same one)` });
      } else seen.set(entry.resourceAppId, j);
    });
  });
  return out;
}

/** No two clients adopt the same object: the engine would import it twice into one stack. */
function adoptedTwiceIssues(clients: ReadonlyArray<{ adopt?: { applicationObjectId?: string; servicePrincipalObjectId?: string; grantId?: string } }>): CrossFieldIssue[] {
  const out: CrossFieldIssue[] = [];
  for (const key of ["applicationObjectId", "servicePrincipalObjectId", "grantId"] as const) {
    const first = new Map<string, number>();
    clients.forEach((client, i) => {
      const id = client.adopt?.[key];
      if (id === undefined) return;
      const before = first.get(id);
      if (before === undefined) first.set(id, i);
      else out.push({ path: ["clients", i, "adopt", key], input: id, message: `expected a unique id (clients[${before}] adopts the same object)` });
    });
  }
  return out;
}

/** Which keys a section takes: from its shape; a key is optional when the section accepts it left out. */
function keysOf(shape: Readonly<Record<string, z.ZodType>>): SectionKeys {
  const keys = Object.keys(shape);
  const optionalKeys = keys.filter((k) => shape[k].safeParse(undefined).success);
  return { required: keys.filter((k) => !optionalKeys.includes(k)), optional: optionalKeys };
}

/** The sections (mappings) of the config by path pattern (`clients[]` for every client), for their messages. */
const SECTIONS: ReadonlyMap<string, SectionKeys> = new Map([
  ["", keysOf(StackConfigShape)],
  ["k2Api", keysOf(K2ApiShape)],
  ["k2", keysOf(K2Shape)],
  ["k2.bearerTokenResource", keysOf(BearerTokenResourceShape)],
  ["k2.admin", keysOf(K2AdminShape)],
  ["k2.smartObjectServices", keysOf(SmartObjectServicesShape)],
  ["keyVault", keysOf(KeyVaultShape)],
  ["clients[]", keysOf(ClientShape)],
  ["clients[].implicitGrant", keysOf(ImplicitGrantShape)],
  ["clients[].servicePrincipal", keysOf(ServicePrincipalShape)],
  ["clients[].requiredResourceAccess[]", keysOf(RequiredResourceAccessShape)],
  ["clients[].requiredResourceAccess[].resourceAccess[]", keysOf(ResourceAccessShape)],
  ["clients[].secret", keysOf(SecretScheduleShape)],
  ["clients[].adopt", keysOf(AdoptShape)],
  ["outbound", keysOf(OutboundShape)],
  ["outbound.app", keysOf(OutboundAppShape)],
  ["outbound.app.secret", keysOf(SecretScheduleShape)],
  ["outbound.resources[]", keysOf(OutboundResourceShape)],
  ["outbound.resources[].parameters.*", keysOf(ParameterLegsShape)],
]);

function sectionAt(path: ReadonlyArray<PropertyKey>): SectionKeys | undefined {
  // A parameter's legs sit under a name of the user's choosing: outbound.resources[i].parameters.<name>.
  const generic = path.map((p, i) => (typeof p === "number" ? 0 : i === 4 && path[0] === "outbound" && path[3] === "parameters" ? "*" : p));
  return SECTIONS.get(dotPath(generic).replace(/\[0\]/g, "[]"));
}

export type StackConfig = z.output<typeof StackConfigSchema>;
export type ClientConfig = StackConfig["clients"][number];
export type SecretScheduleConfig = ClientConfig["secret"];
export type AdoptConfig = NonNullable<ClientConfig["adopt"]>;
export type K2Config = StackConfig["k2"];
export type K2ApiConfig = StackConfig["k2Api"];
export type KeyVaultConfig = NonNullable<StackConfig["keyVault"]>;
export type OutboundAppConfig = OutboundConfig["app"];

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(
      `Invalid stack configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
    this.issues = issues;
  }
}

export type ParseResult = { ok: true; config: StackConfig } | { ok: false; issues: ConfigIssue[] };

export interface ParseOptions {
  /**
   * Every key of the stack's config (`ns:key`, all namespaces): keys meant for `k2-oauth` under a mistyped namespace
   * or none are reported.
   */
  fullKeys?: Iterable<string>;
  /**
   * For a path (dot form, without namespace) whose value is secret besides SECRET_CONFIG_PATHS: why it is not quoted
   * (like "the value given is not shown: it is stored as a secret"); undefined for a value that may be quoted.
   */
  secretNote?: (dotted: string) => string | undefined;
  /** Problems found before parsing (a plaintext secret, an empty `secure:`), reported with the others. */
  issues?: readonly ConfigIssue[];
}

/** True when `dotted` is, or is inside, one of SECRET_CONFIG_PATHS (or is a prefix of one: the whole section). */
export function isSecretConfigPath(dotted: string): boolean {
  return SECRET_CONFIG_PATHS.some((p) => dotted === p || dotted.startsWith(`${p}.`) || dotted.startsWith(`${p}[`));
}

/**
 * Validates raw config values, keyed by the key without namespace (`tenantId`, `clients`, ...).
 * Returns every problem at once. A value at a secret path is never part of a message.
 */
export function parseStackConfig(raw: Readonly<Record<string, unknown>>, options: ParseOptions = {}): ParseResult {
  const before = [...(options.issues ?? []), ...namespaceIssues(options.fullKeys ?? [], CONFIG_KEYS)];
  const result = StackConfigSchema.safeParse(raw, { reportInput: true, error: (issue) => fallbackMessage(issue) });
  if (result.success && before.length === 0) return { ok: true, config: result.data };
  const ctx = {
    sectionAt,
    secretNote: (path: ReadonlyArray<PropertyKey>) => {
      const dotted = dotPath(path);
      return isSecretConfigPath(dotted) ? "the value given is not shown: it is secret" : options.secretNote?.(dotted);
    },
  };
  const issues = [...before, ...(result.success ? [] : result.error.issues.flatMap((issue) => describeIssue(issue, ctx)))];
  // zod skips object-level refinements once a field fails, so duplicate names are also checked on the raw input:
  // every problem is reported in one run.
  for (const dup of duplicateClientNames(raw.clients, ctx.secretNote)) {
    if (!issues.some((i) => i.path === dup.path)) issues.push(dup);
  }
  return { ok: false, issues };
}

function duplicateClientNames(clients: unknown, secretNote: (path: ReadonlyArray<PropertyKey>) => string | undefined): ConfigIssue[] {
  if (!Array.isArray(clients)) return [];
  const firstIndex = new Map<string, number>();
  const out: ConfigIssue[] = [];
  clients.forEach((client: unknown, i) => {
    const name = typeof client === "object" && client !== null ? (client as { name?: unknown }).name : undefined;
    if (typeof name !== "string") return;
    const before = firstIndex.get(name);
    if (before === undefined) firstIndex.set(name, i);
    else {
      const path = ["clients", i, "name"];
      const note = secretNote(path);
      out.push({ path: formatConfigPath(path), message: `${duplicateNameMessage(before)}${note !== undefined ? ` (${note})` : `; got ${quoteValue(name)}`}` });
    }
  });
  return out;
}

function duplicateNameMessage(firstIndex: number): string {
  return `expected a unique name (clients[${firstIndex}] has the same one)`;
}

/**
 * The problems of one client entry, reported as `clients[index]` would be: the rules of a client alone (not those
 * across clients or against k2Api). `npm run adopt` checks each app with them before it writes it as a client.
 */
export function clientProblems(raw: unknown, index: number): ConfigIssue[] {
  const result = ClientSchema.safeParse(raw, { reportInput: true, error: (issue) => fallbackMessage(issue) });
  if (result.success) return [];
  const at = (path: ReadonlyArray<PropertyKey>) => ["clients", index, ...path];
  const ctx = { sectionAt: (path: ReadonlyArray<PropertyKey>) => sectionAt(path), secretNote: () => undefined };
  return result.error.issues.flatMap((issue) => describeIssue({ ...issue, path: at(issue.path) }, ctx));
}

/** As parseStackConfig, throwing a ConfigError that lists every problem. */
export function validateStackConfig(raw: Readonly<Record<string, unknown>>, options: ParseOptions = {}): StackConfig {
  const result = parseStackConfig(raw, options);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}
