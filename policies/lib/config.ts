/**
 * Policy configuration: the JSON schemas each policy publishes (`configSchema`, reported by GetAnalyzerInfo and used
 * by the Pulumi CLI to validate `--policy-pack-config` files and fill in defaults), and typed readers that apply the
 * same defaults when a client did not (tests, older CLIs).
 *
 * The pack deliberately does not import components/config.ts (it would load zod into every policy run); the shared
 * defaults below are pinned to it by test/policies/config.test.ts.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { CLOUDS, GUID_PATTERN, type Cloud } from "../../components/entra";

/** Same value as components/config.ts DEFAULT_AUDIENCE (K2 KB002784: Resource Parameter `audience`). */
export const DEFAULT_AUDIENCE = "https://api.k2.com/";
/** Same value as components/config.ts DEFAULT_SCOPE. */
export const DEFAULT_SCOPE = "user_impersonation";
export const DEFAULT_MAX_LIFETIME_DAYS = 365;
/** Entra ID's own cap for client secrets in the portal (24 months). */
export const ENTRA_MAX_LIFETIME_DAYS = 730;
export const DEFAULT_WARN_DAYS = 30;
/** The lifetime the Entra portal suggests for client secrets. */
export const DEFAULT_RECOMMENDED_LIFETIME_DAYS = 180;
export const DEFAULT_MIN_OVERLAP_DAYS = 7;

const GUID_SCHEMA_PATTERN = GUID_PATTERN.source;

export type ConfigPropertyName =
  | "tenantId"
  | "cloud"
  | "audience"
  | "maxLifetimeDays"
  | "warnDays"
  | "recommendedLifetimeDays"
  | "k2ApiClientId"
  | "k2ApiServicePrincipalObjectId"
  | "scope"
  | "minOverlapDays";

/** Reusable property schemas. */
export const CONFIG_PROPERTIES: Readonly<Record<ConfigPropertyName, PolicyConfigJSONSchema>> = {
  tenantId: {
    type: "string",
    pattern: GUID_SCHEMA_PATTERN,
    description: "The Entra ID tenant (GUID) the K2 Bearer Token endpoints must name. Unset: any one specific tenant, the same in all three endpoints.",
  },
  cloud: {
    type: "string",
    enum: [...CLOUDS],
    description: "The Entra ID cloud (public, usgov, china) whose login host the endpoints must use. Unset: any known Entra login host.",
  },
  audience: {
    type: "string",
    minLength: 1,
    default: DEFAULT_AUDIENCE,
    description: "The exact value the K2 Bearer Token resource's `audience` parameter must have (the token's `aud`).",
  },
  maxLifetimeDays: {
    type: "integer",
    minimum: 1,
    maximum: ENTRA_MAX_LIFETIME_DAYS,
    default: DEFAULT_MAX_LIFETIME_DAYS,
    description: "The longest lifetime (start, or now, to end) a client secret may have, in days.",
  },
  warnDays: {
    type: "integer",
    minimum: 0,
    default: DEFAULT_WARN_DAYS,
    description: "Warn when a client secret expires within this many days.",
  },
  recommendedLifetimeDays: {
    type: "integer",
    minimum: 1,
    maximum: ENTRA_MAX_LIFETIME_DAYS,
    default: DEFAULT_RECOMMENDED_LIFETIME_DAYS,
    description: "Warn when a client secret lives longer than this many days (the Entra portal suggests 180).",
  },
  k2ApiClientId: {
    type: "string",
    pattern: GUID_SCHEMA_PATTERN,
    description:
      "Application (client) id of the K2 API resource app in your tenant. Unset: every non-Microsoft API an app requests delegated scopes of is treated as the K2 API.",
  },
  k2ApiServicePrincipalObjectId: {
    type: "string",
    pattern: GUID_SCHEMA_PATTERN,
    description:
      "Object id of the K2 API service principal in your tenant. Set it to check that consent grants name that service principal (it is usually looked up, not declared, so the stack does not show it).",
  },
  scope: {
    type: "string",
    minLength: 1,
    default: DEFAULT_SCOPE,
    description: "The delegated scope value of the K2 API that apps need tenant-wide admin consent for.",
  },
  minOverlapDays: {
    type: "integer",
    minimum: 1,
    default: DEFAULT_MIN_OVERLAP_DAYS,
    description: "After a rotation, the previous client secret should stay valid at least this many days beside the new one.",
  },
};

/** A policy's configSchema made of the named reusable properties. */
export function configSchemaOf(...names: ConfigPropertyName[]): { properties: Record<string, PolicyConfigJSONSchema> } {
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  for (const name of names) {
    properties[name] = { ...CONFIG_PROPERTIES[name] };
  }
  return { properties };
}

/** A config value that failed its schema: reported by the rule as a violation (fail closed), never ignored. */
export class PolicyConfigError extends Error {
  constructor(key: string, expected: string) {
    super(`policy config '${key}' is invalid: expected ${expected}`);
    this.name = "PolicyConfigError";
  }
}

type Raw = Readonly<Record<string, unknown>>;

export function optionalGuid(raw: Raw, key: "tenantId" | "k2ApiClientId" | "k2ApiServicePrincipalObjectId"): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string" || !GUID_PATTERN.test(v)) throw new PolicyConfigError(key, "a GUID like 11111111-2222-3333-4444-555555555555");
  return v.toLowerCase();
}

export function optionalCloud(raw: Raw): Cloud | undefined {
  const v = raw.cloud;
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string" || !(CLOUDS as readonly string[]).includes(v)) throw new PolicyConfigError("cloud", `one of ${CLOUDS.join(", ")}`);
  return v as Cloud;
}

const STRING_DEFAULTS = { audience: DEFAULT_AUDIENCE, scope: DEFAULT_SCOPE } as const;

export function stringOr(raw: Raw, key: keyof typeof STRING_DEFAULTS): string {
  const v = raw[key];
  if (v === undefined || v === null) return STRING_DEFAULTS[key];
  if (typeof v !== "string" || v === "") throw new PolicyConfigError(key, "a non-empty string");
  return v;
}

export function intOr(raw: Raw, key: "maxLifetimeDays" | "warnDays" | "recommendedLifetimeDays" | "minOverlapDays"): number {
  const schema = CONFIG_PROPERTIES[key];
  const v = raw[key];
  if (v === undefined || v === null) return schema.default as number;
  const min = schema.minimum ?? Number.NEGATIVE_INFINITY;
  const max = schema.maximum ?? Number.POSITIVE_INFINITY;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new PolicyConfigError(key, `a whole number${schema.maximum === undefined ? ` >= ${min}` : ` from ${min} to ${max}`}`);
  }
  return v;
}
