/**
 * Fail-closed policy config: an unknown setting or policy name, a wrong type or a value out of range is refused with
 * a message that names the policy and setting, what is expected (with an example) and the value given, in this
 * project's words (components/configMessages.ts).
 *
 * Why the pack checks this itself: the Pulumi CLI validates a policy's config only against the properties of its
 * schema (it never sees `additionalProperties`, so a typo such as `maxLifetimeDay` passes and the default applies), and
 * passes config for policy names the pack does not have on silently. The whole Configure payload is checked by
 * ./configGate.ts; every rule also checks its own config before it runs (./define.ts), so no path skips it.
 *
 * The JSON schemas the pack publishes are the source; zod (loaded on first use: the pack's start-up does not need it)
 * validates values against them, and ./config.ts adds what a schema cannot say.
 */
import type { z as zod } from "zod";
import { dotPath, quoteValue } from "../../components/configMessages";
import { closestName } from "../../components/similarNames";
import { configSchemaOf, SETTINGS, type Setting, type SettingName } from "./config";

function loadZod(): typeof zod {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("zod") as typeof import("zod")).z;
}

/** Settings and policies of earlier versions of the pack, with what replaced them. */
const RENAMED_SETTINGS: Readonly<Record<string, string>> = {
  maxLifetimeDays: "replaced by maxLifetime, an ISO 8601 duration like P180D",
  recommendedLifetimeDays: "removed: the default maxLifetime (P180D) is the recommended lifetime",
  minOverlapDays: "replaced by warnDays: after each rotation the previous secret must stay valid through the warning window",
};
const RENAMED_POLICIES: Readonly<Record<string, string>> = {
  "keyvault-client-secret-expires": "renamed keyvault-secret-expires (it now checks every Key Vault secret)",
};

/** One policy as the check sees it: its name and the settings its config accepts. */
export interface PolicySettings {
  name: string;
  settings: readonly SettingName[];
}

const validators = new Map<string, zod.ZodType>();

function validatorFor(policy: PolicySettings): zod.ZodType {
  const key = `${policy.name}\u0000${policy.settings.join(",")}`;
  let validator = validators.get(key);
  if (validator === undefined) {
    const schema = { type: "object" as const, additionalProperties: false, properties: configSchemaOf(policy.settings, "internal").properties };
    validator = loadZod().fromJSONSchema(schema as Parameters<typeof zod.fromJSONSchema>[0]);
    validators.set(key, validator);
  }
  return validator;
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let at: unknown = value;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** What the value at `path` (inside setting `name`) should be, in words. */
function expectedAt(name: SettingName, path: ReadonlyArray<PropertyKey>): string {
  const setting: Setting<unknown> = SETTINGS[name];
  if (path.length === 0) return setting.expected;
  const field = path.length >= 2 ? String(path[path.length - 1]) : "";
  return setting.fields?.[field] ?? setting.fields?.[""] ?? setting.expected;
}

function at(policy: string, path: ReadonlyArray<PropertyKey>): string {
  return `"${policy}"${path.length > 0 ? `.${dotPath(path)}` : ""}`;
}

function unknownSetting(policy: PolicySettings, key: string): string {
  const lower = key.toLowerCase();
  const near = closestName(key, policy.settings) ?? policy.settings.find((s) => lower.startsWith(s.toLowerCase()) || s.toLowerCase().startsWith(lower));
  const others = policy.settings.filter((s) => s !== "exemptions");
  const hint =
    RENAMED_SETTINGS[key] ??
    (near !== undefined
      ? `did you mean ${near}?`
      : others.length > 0
        ? `${policy.name} takes ${others.join(", ")} and exemptions`
        : `${policy.name} takes only exemptions (and an enforcementLevel)`);
  return `${at(policy.name, [key])}: unknown setting; ${hint}`;
}

/**
 * Whether every property is one of the policy's settings at its schema default, as the CLI fills them in for a stack
 * without config: valid by construction (test/policies/config.test.ts checks every default), so zod need not load.
 */
function onlyDefaults(policy: PolicySettings, raw: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(raw).every(([key, value]) => {
    if (!(policy.settings as readonly string[]).includes(key)) return false;
    const fallback = (SETTINGS[key as SettingName].schema as { default?: unknown }).default;
    return fallback !== undefined && JSON.stringify(value) === JSON.stringify(fallback);
  });
}

/** The problems of one policy's config properties (enforcementLevel excluded), in the order found; empty when valid. */
export function policyConfigProblems(policy: PolicySettings, raw: Readonly<Record<string, unknown>>, now: Date): string[] {
  if (onlyDefaults(policy, raw)) return [];
  const result = validatorFor(policy).safeParse(raw, { reportInput: true });
  const problems: string[] = [];
  const invalid = new Set<string>();
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          if (path.length === 0) problems.push(unknownSetting(policy, key));
          else problems.push(`${at(policy.name, [...path, key])}: unknown field; expected ${expectedAt(path[0] as SettingName, path.slice(1))}`);
        }
        continue;
      }
      const [name, ...inner] = path as [string, ...Array<string | number>];
      invalid.add(name);
      const expected = `expected ${expectedAt(name as SettingName, inner)}`;
      const given = valueAt(raw, path);
      problems.push(`${at(policy.name, path)}: ${given === undefined ? `is required; ${expected}` : given === null ? `is empty; ${expected}` : `${expected}; got ${quoteValue(given)}`}`);
    }
  }
  for (const name of policy.settings) {
    const setting: Setting<unknown> = SETTINGS[name];
    if (setting.refine === undefined || invalid.has(name) || raw[name] === undefined || raw[name] === null) continue;
    for (const p of setting.refine(raw[name], now)) {
      problems.push(`${at(policy.name, [name, ...p.path])}: expected ${p.expected}; got ${quoteValue(valueAt(raw[name], p.path))}`);
    }
  }
  return problems;
}

/** One entry of the Configure payload: a policy's (or "all"'s) level and properties. */
export interface ConfiguredPolicy {
  enforcementLevel: string;
  properties: Readonly<Record<string, unknown>>;
}

/** Settings two policies must agree on: the rotation schedule leaves room for the expiry advisory's warning window. */
const SHARED_SETTINGS: ReadonlyArray<{ setting: SettingName; owner: string; follower: string; why: string }> = [
  {
    setting: "warnDays",
    owner: "entra-client-secret-expiry-advisory",
    follower: "entra-client-secret-rotation-overlap",
    why: "the rotation rule requires each rotation to leave the previous secret valid through the advisory's warning window",
  },
];

/**
 * The problems of a whole Configure payload: names that are not policies of the pack, properties under "all", each
 * policy's config, and settings two policies must agree on. Empty when the payload is valid.
 */
export function packConfigProblems(packName: string, policies: readonly PolicySettings[], payload: Readonly<Record<string, ConfiguredPolicy>>, now: Date): string[] {
  const byName = new Map(policies.map((p) => [p.name, p]));
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(payload)) {
    if (name === "all") {
      const keys = Object.keys(entry.properties);
      if (keys.length > 0) problems.push(`"all": sets only the enforcement level of every policy; move ${keys.join(", ")} under the policy ${keys.length === 1 ? "it belongs" : "they belong"} to`);
      continue;
    }
    const policy = byName.get(name);
    if (policy === undefined) {
      const near = closestName(name, [...byName.keys()], (k) => Math.max(2, Math.floor(k.length / 6)));
      const hint = RENAMED_POLICIES[name] ?? (near !== undefined ? `did you mean ${near}?` : "docs/policies.md lists the policies");
      problems.push(`"${name}": is not a policy of ${packName}; ${hint}`);
      continue;
    }
    problems.push(...policyConfigProblems(policy, entry.properties, now));
  }
  for (const shared of SHARED_SETTINGS) {
    const owner = payload[shared.owner];
    const follower = payload[shared.follower];
    if (owner === undefined || follower === undefined || owner.enforcementLevel === "disabled" || follower.enforcementLevel === "disabled") continue;
    const [a, b] = [owner.properties[shared.setting], follower.properties[shared.setting]];
    const fallback = (SETTINGS[shared.setting].schema as { default?: unknown }).default;
    if ((a ?? fallback) !== (b ?? fallback)) {
      problems.push(`"${shared.follower}".${shared.setting}: expected the same value as "${shared.owner}".${shared.setting} (${quoteValue(a ?? fallback)}): ${shared.why}; got ${quoteValue(b ?? fallback)}`);
    }
  }
  return problems;
}

/** The problems as one message, like the offline plan and the CLI show it. */
export function formatConfigProblems(problems: readonly string[]): string {
  return `invalid policy config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`;
}
