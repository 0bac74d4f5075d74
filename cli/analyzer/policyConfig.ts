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
import { quoteValue } from "../../components/configMessages";
import { GUID_PATTERN } from "../../components/entra";
import { parseJsonText } from "../../components/fileSyntax";

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
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  examples?: unknown[];
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
    if (schema.pattern === GUID_PATTERN.source) return "a GUID like 11111111-2222-3333-4444-555555555555";
    if (schema.pattern !== undefined) return `a text value in the documented form${like}`;
    return `${schema.minLength !== undefined && schema.minLength > 0 ? "a non-empty text value" : "a text value"}${like}`;
  }
  if (schema.type === "boolean") return "true or false";
  if (schema.type === "array") return "a list";
  if (schema.type === "object") return "a mapping";
  return `a value as the policy documents it${like}`;
}

/** One validation problem of a policy's config, in this project's words (never the validator's). */
function describePolicyIssue(policy: string, issue: zod.core.$ZodIssue, properties: Readonly<Record<string, unknown>>, given: Readonly<Record<string, unknown>>): string {
  const [property, ...rest] = issue.path.map(String);
  const where = `"${policy}"${property !== undefined ? `.${property}${rest.map((p) => `.${p}`).join("")}` : ""}`;
  const schema = property !== undefined ? (properties[property] as PropertySchema | undefined) : undefined;
  if (schema === undefined) return `${where}: expected the properties the policy documents`;
  const expected = `expected ${expectedByProperty(schema)}`;
  if (!(property in given)) return `${where}: is required; ${expected}`;
  const value = given[property];
  return `${where}: ${value === null ? `is empty; ${expected}` : `${expected}; got ${quoteValue(value)}`}`;
}

export interface ReconciledConfig {
  /** Per policy: the level to use and its properties (defaults filled in). */
  config: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;
  /** Names in the given config that match no policy (the CLI ignores them; so do we, but we say so). */
  unknownPolicies: string[];
}

/**
 * Applies defaults, "all" and the given config, then validates every policy's properties against its schema.
 * `source` (the config file, as messages show it) heads the error.
 */
export function reconcilePolicyConfig(policies: readonly PolicySchemaInfo[], given: PolicyPackConfig, source?: string): ReconciledConfig {
  const config: ReconciledConfig["config"] = {};
  for (const p of policies) {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (typeof schema === "object" && schema !== null && "default" in schema) properties[key] = (schema as { default: unknown }).default;
    }
    config[p.name] = { enforcementLevel: p.enforcementLevel, properties };
  }
  const all = given.all?.enforcementLevel;
  if (all !== undefined) for (const entry of Object.values(config)) entry.enforcementLevel = all;
  const unknownPolicies: string[] = [];
  for (const [name, entry] of Object.entries(given)) {
    if (name === "all") continue;
    const target = config[name];
    if (target === undefined) {
      unknownPolicies.push(name);
      continue;
    }
    const { enforcementLevel, ...properties } = entry;
    if (enforcementLevel !== undefined) target.enforcementLevel = enforcementLevel;
    Object.assign(target.properties, properties);
  }

  const problems: string[] = [];
  const z = policies.some((p) => p.configSchema !== undefined) ? loadZod() : undefined;
  for (const p of policies) {
    if (p.configSchema === undefined || z === undefined) continue;
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
      for (const issue of result.error.issues) problems.push(describePolicyIssue(p.name, issue, p.configSchema.properties, properties));
    }
  }
  if (problems.length > 0) {
    throw new PolicyConfigError(
      `${source !== undefined ? `${source}: ` : ""}invalid policy config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`,
    );
  }
  return { config, unknownPolicies };
}
