/**
 * Policy pack configuration as the Pulumi CLI handles it (pkg/resource/analyzer/config.go):
 * - the `--policy-pack-config` file: a JSON object keyed by policy name (or "all"), each value an enforcement level
 *   string or an object of config properties with an optional `enforcementLevel`;
 * - reconciliation: every policy starts from its schema defaults and default level, "all" sets every level, then
 *   each policy's entry is applied on top;
 * - validation of each policy's properties against the JSON schema it reported in GetAnalyzerInfo.
 */
import * as fs from "node:fs";
import type { z as zod } from "zod";
import { dotPath, quoteValue } from "../../components/configMessages";
import { GUID_PATTERN, GUID_SCHEMA_PATTERN } from "../../components/entra";
import { parseJsonText } from "../../components/fileSyntax";
import { closestName } from "../../components/similarNames";

/**
 * zod, loaded on the first validation: starting a pack (the offline plan's critical path, cli/plan/headStart.ts) does
 * not need it, and it takes ~0.1 s to load.
 */
function loadZod(): typeof zod {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("zod") as typeof import("zod")).z;
}

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

/** One policy's entry: its enforcement level (optional) and config properties. */
export type PolicyConfigEntry = { enforcementLevel?: EnforcementLevel } & Record<string, unknown>;
export type PolicyPackConfig = Record<string, PolicyConfigEntry>;

export interface PolicySchemaInfo {
  name: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

function isLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

/** Parses the text of a `--policy-pack-config` file. `label` names the file in errors. */
export function parsePolicyConfigText(text: string, label: string): PolicyPackConfig {
  if (text.trim() === "") return {};
  const parsed = parseJsonText(text, label);
  if (!parsed.ok) throw new PolicyConfigError(parsed.message);
  const doc = parsed.value;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new PolicyConfigError(`${label}: expected a JSON object keyed by policy name (or "all")`);
  }
  const out: PolicyPackConfig = {};
  for (const [policy, value] of Object.entries(doc)) {
    if (typeof value === "string") {
      if (!isLevel(value)) throw new PolicyConfigError(`${label}: "${policy}": '${value}' is not an enforcement level; expected one of ${ENFORCEMENT_LEVELS.join(", ")}`);
      out[policy] = { enforcementLevel: value };
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const entry = { ...(value as Record<string, unknown>) };
      if ("enforcementLevel" in entry && !isLevel(entry.enforcementLevel)) {
        throw new PolicyConfigError(`${label}: "${policy}".enforcementLevel: expected one of ${ENFORCEMENT_LEVELS.join(", ")}`);
      }
      out[policy] = entry as PolicyConfigEntry;
    } else {
      throw new PolicyConfigError(`${label}: "${policy}": expected an enforcement level string or an object of config properties`);
    }
  }
  return out;
}

/** Loads a `--policy-pack-config` file (the CLI's format); `label` names it in messages (default: the path given). */
export function loadPolicyConfigFile(file: string, label: string = file): PolicyPackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new PolicyConfigError(`cannot read policy config ${label}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parsePolicyConfigText(text, label);
}

/** A JSON-schema property as the pack declares it (the subset its rules use). */
interface PropertySchema {
  type?: string;
  items?: PropertySchema;
  properties?: Record<string, PropertySchema>;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  examples?: unknown[];
  description?: string;
}

/** What a property expects, in words, from its schema: `a whole number from 1 to 730, like 365`. */
export function expectedByProperty(schema: PropertySchema): string {
  const example = schema.examples?.[0] ?? schema.default;
  const like = example === undefined ? "" : `, like ${typeof example === "string" ? example : JSON.stringify(example)}`;
  if (schema.enum !== undefined) return `one of ${schema.enum.map((v) => String(v)).join(", ")}`;
  if (schema.type === "integer" || schema.type === "number") {
    const what = schema.type === "integer" ? "a whole number" : "a number";
    const { minimum: min, maximum: max } = schema;
    const range = min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` of at least ${min}` : max !== undefined ? ` of at most ${max}` : "";
    return `${what}${range}${like}`;
  }
  if (schema.type === "string") {
    if (schema.pattern === GUID_PATTERN.source || schema.pattern === GUID_SCHEMA_PATTERN) return "a GUID like 11111111-2222-3333-4444-555555555555";
    if (schema.pattern !== undefined) {
      // A pattern says nothing to a user: the schema's description does ("The last UTC day ..., like 2027-03-31.").
      const described = schema.description?.trim().replace(/\.$/, "");
      return described !== undefined && described !== "" ? `${described[0].toLowerCase()}${described.slice(1)}` : `a text value in the documented form${like}`;
    }
    return `${schema.minLength !== undefined && schema.minLength > 0 ? "a non-empty text value" : "a text value"}${like}`;
  }
  if (schema.type === "boolean") return "true or false";
  if (schema.type === "array") return `a list${like}`;
  if (schema.type === "object") return schema.required !== undefined && schema.required.length > 0 ? `a mapping with ${schema.required.join(", ")}` : "a mapping";
  return `a value as the policy documents it${like}`;
}

/** The schema at `path` inside a property's schema (list items, mapping properties). */
function schemaAt(schema: PropertySchema | undefined, path: ReadonlyArray<PropertyKey>): PropertySchema | undefined {
  let at = schema;
  for (const key of path) at = typeof key === "number" ? at?.items : at?.properties?.[String(key)];
  return at;
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let at = value;
  for (const key of path) at = typeof at === "object" && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

/** One validation problem of a policy's config, in this project's words (never the validator's). */
function describePolicyIssue(policy: string, issue: zod.core.$ZodIssue, properties: Readonly<Record<string, unknown>>, given: Readonly<Record<string, unknown>>): string[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const where = (p: ReadonlyArray<PropertyKey>) => `"${policy}"${p.length > 0 ? `.${dotPath(p)}` : ""}`;
  if (issue.code === "unrecognized_keys") return issue.keys.map((key) => `${where([...path, key])}: unknown key`);
  const schema = schemaAt(properties[String(path[0])] as PropertySchema | undefined, path.slice(1));
  if (schema === undefined) return [`${where(path)}: expected the properties the policy documents`];
  const expected = `expected ${expectedByProperty(schema)}`;
  const value = valueAt(given, path);
  if (value === undefined) return [`${where(path)}: is required; ${expected}`];
  return [`${where(path)}: ${value === null ? `is empty; ${expected}` : `${expected}; got ${quoteValue(value)}`}`];
}

export interface ReconciledConfig {
  /**
   * What Configure sends: per policy, the level to use and its properties (defaults filled in); and, as the CLI does,
   * every other name the config gives ("all", and names that are not policies of the pack) with its own level and
   * properties, for the pack to judge.
   */
  config: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;
  /** Names in the given config that match no policy (sent on to the pack, which may refuse them). */
  unknownPolicies: string[];
}

/** Whether `properties` hold only the policy's schema defaults, and its schema requires nothing. */
function onlyDefaults(policy: PolicySchemaInfo, properties: Readonly<Record<string, unknown>>): boolean {
  if ((policy.configSchema?.required ?? []).length > 0) return false;
  const schemas = policy.configSchema?.properties ?? {};
  return Object.entries(properties).every(([key, value]) => {
    const schema = schemas[key];
    return typeof schema === "object" && schema !== null && "default" in schema && JSON.stringify(value) === JSON.stringify((schema as { default: unknown }).default);
  });
}

/**
 * Applies defaults, "all" and the given config, then validates every policy's properties against its schema, as the
 * CLI's ReconcilePolicyPackConfig does (pkg/resource/analyzer/config.go). `source` (the config file, as messages show
 * it) heads the error; `packName` names the pack in it.
 */
export function reconcilePolicyConfig(policies: readonly PolicySchemaInfo[], given: PolicyPackConfig, source?: string, packName = "the policy pack"): ReconciledConfig {
  const config: ReconciledConfig["config"] = {};
  for (const p of policies) {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (typeof schema === "object" && schema !== null && "default" in schema) properties[key] = structuredClone((schema as { default: unknown }).default);
    }
    config[p.name] = { enforcementLevel: p.enforcementLevel, properties };
  }
  const all = given.all?.enforcementLevel;
  if (all !== undefined) for (const entry of Object.values(config)) entry.enforcementLevel = all;
  const unknownPolicies: string[] = [];
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(given)) {
    const { enforcementLevel, ...properties } = entry;
    const target = config[name];
    if (target === undefined) {
      if (name !== "all") unknownPolicies.push(name);
      // The CLI sends such an entry to the pack with its own level, and fails on one that has none.
      if (enforcementLevel === undefined && name === "all") {
        problems.push(`"all": expected an enforcement level (${ENFORCEMENT_LEVELS.join(", ")}): "all" sets the level of every policy`);
      } else if (enforcementLevel === undefined) {
        const near = closestName(name, policies.map((p) => p.name), (k) => Math.max(2, Math.floor(k.length / 6)));
        problems.push(`"${name}": is not a policy of ${packName}${near !== undefined ? `; did you mean ${near}?` : ""} (an entry for a name the pack does not have needs an enforcementLevel, and is then the pack's to judge)`);
      } else {
        config[name] = { enforcementLevel, properties };
      }
      continue;
    }
    if (enforcementLevel !== undefined) target.enforcementLevel = enforcementLevel;
    Object.assign(target.properties, properties);
  }

  // A policy whose properties are all its schema's defaults (the config gives none of its own) has nothing to check
  // that its schema did not already accept: zod loads only for the others (a tenth of a second the plan need not wait).
  const toCheck = new Set(policies.filter((p) => p.configSchema !== undefined && !onlyDefaults(p, config[p.name].properties)).map((p) => p.name));
  const z = toCheck.size > 0 ? loadZod() : undefined;
  for (const p of policies) {
    if (p.configSchema === undefined || z === undefined || !toCheck.has(p.name)) continue;
    const schema = { type: "object" as const, properties: p.configSchema.properties, required: p.configSchema.required };
    let validator: zod.ZodType;
    try {
      validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch {
      problems.push(`"${p.name}": the policy pack reported a config schema this plan cannot read; check the pack's configSchema`);
      continue;
    }
    const properties = config[p.name].properties;
    const result = validator.safeParse(properties);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(...describePolicyIssue(p.name, issue, p.configSchema.properties, properties));
    }
  }
  if (problems.length > 0) {
    throw new PolicyConfigError(
      `${source !== undefined ? `${source}: ` : ""}invalid policy config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`,
    );
  }
  return { config, unknownPolicies };
}
