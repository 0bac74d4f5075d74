/**
 * The settings a policy accepts in its config (`policies/config/<stack>.json`): for each, the JSON schema the pack
 * publishes (GetAnalyzerInfo; the Pulumi CLI validates a config file against it and fills in its default), what a
 * valid value looks like in words (for messages), checks the schema cannot express (the pack's own, at Configure and
 * in every rule: ./configCheck.ts), and a reader that returns the typed value.
 *
 * Pins (tenantId, cloud, audience, the K2 API) have no default on purpose: the CLI fills in defaults, so a pin with
 * a default could not be told apart from no pin. Without a pin a rule takes the value the stack itself records
 * (./expectations.ts). The K2 API defaults come from components/contracts.ts, which the program's config model uses
 * too (the pack does not import components/config.ts: it would load zod at start-up).
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { CLOUDS, GUID_SCHEMA_PATTERN } from "../../components/entra";
import { isoDay, oneYearAfter, parseUtcDay, utcDay } from "./dates";
import { DURATION_PATTERN, parseDuration, type Duration } from "./duration";
import { GRAPH_SIGN_IN_SCOPES, MICROSOFT_GRAPH_APP_ID } from "./wellKnown";

export { DEFAULT_AUDIENCE, DEFAULT_SCOPE } from "../../components/contracts";
import { DEFAULT_AUDIENCE, DEFAULT_SCOPE } from "../../components/contracts";
/** Entra ID's guidance for credential lifetimes (app management policies use `P180D` in their examples). */
export const DEFAULT_MAX_LIFETIME = "P180D";
/** Entra ID's cap for client secrets: 24 months. */
export const ENTRA_MAX_LIFETIME = "P730D";
/** Entra ID and Key Vault flag credentials expiring within 30 days. */
export const DEFAULT_WARN_DAYS = 30;
export const DEFAULT_MIN_OWNERS = 1;
/** The K2 API scope recorded by the stack, and Microsoft Graph's sign-in scopes. */
export const K2_SCOPE_ENTRY = "k2";
export const DEFAULT_ALLOWED_SCOPES: readonly string[] = [K2_SCOPE_ENTRY, ...Object.keys(GRAPH_SIGN_IN_SCOPES).map((s) => `graph:${s}`)];

const EXAMPLE_GUID = "11111111-2222-3333-4444-555555555555";
const DAY_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
const SCOPE_ENTRY_PATTERN = `^(${K2_SCOPE_ENTRY}|graph:(${Object.keys(GRAPH_SIGN_IN_SCOPES).join("|").replace(/\./g, "\\.")})|${GUID_SCHEMA_PATTERN.slice(1, -1)}/${GUID_SCHEMA_PATTERN.slice(1, -1)})$`;

/** A problem found beyond the JSON schema: where inside the setting (path relative to it) and what is expected. */
export interface RefineProblem {
  path: ReadonlyArray<string | number>;
  expected: string;
}

export interface Setting<T> {
  schema: PolicyConfigJSONSchema;
  /** What a valid value looks like, in words, with an example. */
  expected: string;
  /** Words for the fields of the setting's items (a list of mappings), by field name. */
  fields?: Readonly<Record<string, string>>;
  /** Checks the schema cannot express, given the pack's clock. Runs only on a value the schema accepted. */
  refine?(value: unknown, now: Date): RefineProblem[];
  /** The typed value of a valid setting; `undefined` when it is absent. */
  read(value: unknown): T;
}

/** A time-boxed exemption: a finding on `resource` (name or URN) is reported as advisory until the end of `expires`. */
export interface Exemption {
  resource: string;
  reason: string;
  /** Midnight UTC of the last day the exemption applies. */
  expires: Date;
}

/** An allowed delegated scope: the stack's K2 API scope, or one by API and scope id. */
export type AllowedScope = { kind: "k2" } | { kind: "scope"; resourceAppId: string; scopeId: string; entry: string };

function pin(schema: PolicyConfigJSONSchema, expected: string, read: (v: string) => string): Setting<string | undefined> {
  return { schema, expected, read: (v) => (typeof v === "string" && v !== "" ? read(v) : undefined) };
}

const guidPin = (description: string): Setting<string | undefined> =>
  pin({ type: "string", pattern: GUID_SCHEMA_PATTERN, description }, `a GUID like ${EXAMPLE_GUID}`, (v) => v.toLowerCase());

function count(schema: PolicyConfigJSONSchema & { default: number }, expected: string): Setting<number> {
  return { schema, expected, read: (v) => (typeof v === "number" ? v : schema.default) };
}

const duration = (value: string): Duration => {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new Error(`unchecked duration setting: ${parsed.problem}`);
  return parsed.duration;
};

const MAX_LIFETIME_EXPECTED = `an ISO 8601 duration in days like ${DEFAULT_MAX_LIFETIME}, at most ${ENTRA_MAX_LIFETIME} (Entra ID's 24-month cap for client secrets)`;

export const SETTINGS = {
  tenantId: pin(
    {
      type: "string",
      pattern: GUID_SCHEMA_PATTERN,
      description: "Pins the Entra ID tenant (GUID) the K2 Bearer Token endpoints must name. Unset: the stack's k2-oauth:tenantId (a resource outside this project's components: any one specific tenant).",
    },
    `a GUID like ${EXAMPLE_GUID}`,
    (v) => v.toLowerCase(),
  ),
  cloud: pin(
    {
      type: "string",
      enum: [...CLOUDS],
      description: "Pins the Entra ID cloud (public, usgov, china) whose login host the endpoints must use. Unset: the stack's k2-oauth:cloud (outside this project's components: any known Entra login host).",
    },
    `one of ${CLOUDS.join(", ")}`,
    (v) => v,
  ),
  audience: pin(
    {
      type: "string",
      minLength: 1,
      description: `Pins the exact value the K2 Bearer Token resource's audience parameter must have. Unset: the stack's k2-oauth:k2Api.audience (outside this project's components: ${DEFAULT_AUDIENCE}).`,
    },
    `a non-empty text value, like ${DEFAULT_AUDIENCE}`,
    (v) => v,
  ),
  k2ApiClientId: guidPin(
    "Pins the application (client) id of the K2 API in your tenant. Unset: the stack's k2-oauth:k2Api.clientId (with neither, every non-Microsoft API an app requests delegated scopes of is taken for the K2 API).",
  ),
  k2ApiServicePrincipalObjectId: guidPin(
    "Pins the object id of the K2 API service principal in your tenant, which consent grants must name. Unset: the one the stack looked up.",
  ),
  scope: pin(
    {
      type: "string",
      minLength: 1,
      description: `Pins the delegated scope value of the K2 API that apps need tenant-wide admin consent for. Unset: the stack's k2-oauth:k2Api.scope (else ${DEFAULT_SCOPE}).`,
    },
    `a non-empty text value, like ${DEFAULT_SCOPE}`,
    (v) => v,
  ),
  maxLifetime: {
    schema: {
      type: "string",
      pattern: DURATION_PATTERN,
      default: DEFAULT_MAX_LIFETIME,
      description: `The longest lifetime (start, or now, to end) a client secret may have, as an ISO 8601 duration in days like Entra ID's app management policy (passwordLifetime maxLifetime); at most ${ENTRA_MAX_LIFETIME}.`,
    },
    expected: MAX_LIFETIME_EXPECTED,
    refine(value) {
      const parsed = parseDuration(String(value));
      if (!parsed.ok) return [{ path: [], expected: `${MAX_LIFETIME_EXPECTED}: ${parsed.problem}` }];
      if (parsed.duration.ms > duration(ENTRA_MAX_LIFETIME).ms) return [{ path: [], expected: MAX_LIFETIME_EXPECTED }];
      return [];
    },
    read: (v) => duration(typeof v === "string" ? v : DEFAULT_MAX_LIFETIME),
  } satisfies Setting<Duration>,
  warnDays: count(
    {
      type: "integer",
      minimum: 0,
      maximum: 365,
      default: DEFAULT_WARN_DAYS,
      description: "The warning window: a client secret that expires within this many days needs a newer one beside it (Entra ID and Key Vault flag credentials 30 days ahead).",
    },
    `a whole number of days from 0 to 365, like ${DEFAULT_WARN_DAYS}`,
  ),
  allowLoopback: {
    schema: {
      type: "boolean",
      default: false,
      description: "Allow redirect URIs on localhost or the loopback address (for a development stack; public clients may then use http).",
    },
    expected: "true or false",
    read: (v) => v === true,
  } satisfies Setting<boolean>,
  minOwners: count(
    {
      type: "integer",
      minimum: 1,
      maximum: 100,
      default: DEFAULT_MIN_OWNERS,
      description: "The fewest owners an app registration may have (Application.owners and ApplicationOwner resources together).",
    },
    `a whole number from 1 to 100, like ${DEFAULT_MIN_OWNERS}`,
  ),
  allowedScopes: {
    schema: {
      type: "array",
      items: {
        type: "string",
        pattern: SCOPE_ENTRY_PATTERN,
        description: `One allowed delegated scope: "${K2_SCOPE_ENTRY}", "graph:<scope>" or "<API application id>/<scope id>", like graph:openid.`,
      },
      default: [...DEFAULT_ALLOWED_SCOPES],
      description: `The delegated permissions an app may request or be granted: "${K2_SCOPE_ENTRY}" (the K2 API scope the stack requests), "graph:<scope>" for Microsoft Graph's ${Object.keys(GRAPH_SIGN_IN_SCOPES).join(", ")}, or "<API application id>/<scope id>".`,
    },
    expected: `a list of "${K2_SCOPE_ENTRY}", "graph:<scope>" (${Object.keys(GRAPH_SIGN_IN_SCOPES).join(", ")}) or "<API application id>/<scope id>" entries, like ["${K2_SCOPE_ENTRY}", "graph:openid"]`,
    fields: {
      "": `one allowed delegated scope: "${K2_SCOPE_ENTRY}", "graph:<scope>" (${Object.keys(GRAPH_SIGN_IN_SCOPES).join(", ")}) or "<API application id>/<scope id>", like graph:openid`,
    },
    read: (v) => (Array.isArray(v) ? v : DEFAULT_ALLOWED_SCOPES).map((entry) => allowedScope(String(entry))),
  } satisfies Setting<AllowedScope[]>,
  exemptions: {
    schema: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["resource", "reason", "expires"],
        properties: {
          resource: { type: "string", minLength: 1, description: "The resource's name or URN, like power-automate-app." },
          reason: { type: "string", minLength: 1, description: "Why the finding is accepted for now (shown with it), like 'vendor fix due in March'." },
          expires: { type: "string", pattern: DAY_PATTERN, description: "The last UTC day the exemption applies, written YYYY-MM-DD and at most one year ahead, like 2027-03-31." },
        },
      },
      description: "Time-boxed exemptions: a finding on the named resource is reported as advisory, with the reason, until the end of the expires day (at most one year ahead).",
    },
    expected: 'a list of exemptions like [{ "resource": "power-automate-app", "reason": "vendor fix due in March", "expires": "2027-03-31" }]',
    fields: {
      "": 'an exemption: a mapping with resource, reason and expires, like { "resource": "power-automate-app", "reason": "vendor fix due in March", "expires": "2027-03-31" }',
      resource: "the resource's name or URN, like power-automate-app",
      reason: "why the finding is accepted for now, like 'vendor fix due in March'",
      expires: "a UTC day written YYYY-MM-DD, at most one year ahead, like 2027-03-31",
    },
    refine(value, now) {
      const problems: RefineProblem[] = [];
      const latest = oneYearAfter(utcDay(now));
      (Array.isArray(value) ? value : []).forEach((item: { reason?: unknown; expires?: unknown }, i) => {
        if (typeof item.reason === "string" && item.reason.trim() === "") problems.push({ path: [i, "reason"], expected: "a reason that says why, not only blanks" });
        if (typeof item.expires !== "string") return;
        const day = parseUtcDay(item.expires);
        if (day === undefined) problems.push({ path: [i, "expires"], expected: "a calendar day that exists, written YYYY-MM-DD, like 2027-03-31" });
        else if (day.getTime() > latest.getTime()) {
          problems.push({ path: [i, "expires"], expected: `a day at most one year ahead (${isoDay(latest)} or earlier): exemptions are time-boxed; renew one when it runs out` });
        }
      });
      return problems;
    },
    read: (v) =>
      (Array.isArray(v) ? (v as Array<{ resource: string; reason: string; expires: string }>) : []).map((e) => ({
        resource: e.resource,
        reason: e.reason.trim(),
        expires: parseUtcDay(e.expires) ?? new Date(Number.NaN),
      })),
  } satisfies Setting<Exemption[]>,
} as const;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<N extends SettingName> = ReturnType<(typeof SETTINGS)[N]["read"]>;
export type SettingValues<N extends SettingName> = { readonly [P in N]: SettingValue<P> };

/** Every policy accepts exemptions. */
export const COMMON_SETTINGS = ["exemptions"] as const satisfies readonly SettingName[];

function allowedScope(entry: string): AllowedScope {
  if (entry === K2_SCOPE_ENTRY) return { kind: "k2" };
  if (entry.startsWith("graph:")) {
    return { kind: "scope", resourceAppId: MICROSOFT_GRAPH_APP_ID, scopeId: GRAPH_SIGN_IN_SCOPES[entry.slice("graph:".length)] ?? "", entry };
  }
  const [resourceAppId, scopeId] = entry.toLowerCase().split("/");
  return { kind: "scope", resourceAppId, scopeId, entry };
}

/** Schema keywords the pack reports to the CLI (GetAnalyzerInfo): what it can check and word without raw text. */
const REPORTED_KEYWORDS = new Set(["type", "enum", "minimum", "maximum", "default", "description", "items"]);

/**
 * A setting's schema as the pack reports it: only type, enum, bounds, default, description (and list items the same
 * way). The CLI validates a stack's policy config against the reported schema before Configure and prints its
 * validator's own text: for `pattern` the raw regular expression, for a nested `additionalProperties` or `required`
 * "Additional property x is not allowed". Those checks stay in the pack's own schema (`configSchemaOf(names,
 * "internal")`), which its Configure gate (./configGate.ts) applies with the pack's wording.
 */
function reported(schema: PolicyConfigJSONSchema): PolicyConfigJSONSchema {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!REPORTED_KEYWORDS.has(key)) continue;
    out[key] = key === "items" && typeof value === "object" && value !== null && !Array.isArray(value) ? reported(value as PolicyConfigJSONSchema) : structuredClone(value);
  }
  return out as PolicyConfigJSONSchema;
}

/**
 * The JSON schema of a policy's config: its settings and the common ones; as reported to the CLI (the default), or
 * the pack's own strict one (`internal`: patterns, lengths, nested strictness) that its config check applies.
 */
export function configSchemaOf(names: readonly SettingName[], which: "reported" | "internal" = "reported"): { properties: Record<string, PolicyConfigJSONSchema> } {
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  for (const name of names) properties[name] = which === "internal" ? structuredClone(SETTINGS[name].schema) : reported(SETTINGS[name].schema);
  return { properties };
}

/** The typed values of a validated config (./configCheck.ts) for the named settings. */
export function readSettings<N extends SettingName>(names: readonly N[], raw: Readonly<Record<string, unknown>>): SettingValues<N> {
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = (SETTINGS[name] as Setting<unknown>).read(raw[name] ?? undefined);
  return out as SettingValues<N>;
}
