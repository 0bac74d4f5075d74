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
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PolicyConfigError(`${label} is not valid JSON: ${(e as Error).message}`);
  }
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

/** Loads a `--policy-pack-config` file (the CLI's format). */
export function loadPolicyConfigFile(file: string): PolicyPackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new PolicyConfigError(`cannot read policy config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parsePolicyConfigText(text, file);
}

export interface ReconciledConfig {
  /** Per policy: the level to use and its properties (defaults filled in). */
  config: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;
  /** Names in the given config that match no policy (the CLI ignores them; so do we, but we say so). */
  unknownPolicies: string[];
}

/** Applies defaults, "all" and the given config, then validates every policy's properties against its schema. */
export function reconcilePolicyConfig(policies: readonly PolicySchemaInfo[], given: PolicyPackConfig): ReconciledConfig {
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
    } catch (e) {
      problems.push(`${p.name}: the pack reported a config schema that cannot be read (${(e as Error).message})`);
      continue;
    }
    const result = validator.safeParse(config[p.name].properties);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push(`${p.name}${issue.path.length > 0 ? `.${issue.path.join(".")}` : ""}: ${issue.message}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new PolicyConfigError(`invalid policy pack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
  }
  return { config, unknownPolicies };
}
