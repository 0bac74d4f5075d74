/**
 * A stack's expiry warning window: `warnDays` of the policy entra-client-secret-expiry-advisory in
 * `policies/config/<stack>.json`, read and validated the way the policy pack is configured (cli/analyzer/policyConfig.ts
 * with the rule's config schema and default), so that `npm run due`, the deploy gate and the plan's schedule warnings
 * use the window the pack warns with. An invalid value, or a setting the pack does not know (it refuses both at
 * Configure, policies/lib/configCheck.ts), is an error (fail closed), never the default.
 *
 * The rule's name and schema are restated here from policies/lib/config.ts rather than imported with the rule: the
 * rule module loads @pulumi/policy and with it the whole Pulumi SDK, a second the plan's process must not spend.
 * test/cli/warnDays.test.ts pins both to the rule.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { COMMON_SETTINGS, configSchemaOf } from "../policies/lib/config";
import { formatConfigProblems, policyConfigProblems } from "../policies/lib/configCheck";
import { loadPolicyConfigFile, PolicyConfigError, reconcilePolicyConfig, type PolicySchemaInfo } from "./analyzer/policyConfig";

export const EXPIRY_ADVISORY_POLICY = "entra-client-secret-expiry-advisory";
/** The advisory's settings, as policies/rules/clientSecretExpiryAdvisory.ts declares them (and every policy's). */
const ADVISORY_SETTINGS = ["warnDays", ...COMMON_SETTINGS] as const;

export interface WarnDays {
  warnDays: number;
  /** The policy config file it comes from (relative to the root, `/`-separated); undefined: the pack's default. */
  file: string | undefined;
}

/** The advisory as the pack reports it in GetAnalyzerInfo: its name, level and config schema (with the default). */
export function advisorySchema(): PolicySchemaInfo {
  return { name: EXPIRY_ADVISORY_POLICY, enforcementLevel: "advisory", configSchema: { ...configSchemaOf([...ADVISORY_SETTINGS]), required: [] } };
}

/**
 * Throws PolicyConfigError (cli/analyzer/policyConfig.ts) for a file that is not valid, or a warnDays out of range.
 * `at`: the day planned (`--date` of due and the plan; default now), which bounds an exemption's `expires` to one
 * year ahead as the pack's clock does on that day.
 */
export function expiryWarnDays(root: string, stack: string, at: Date = new Date()): WarnDays {
  const file = path.join(root, "policies", "config", `${stack}.json`);
  const given = fs.existsSync(file) ? loadPolicyConfigFile(file, path.relative(root, file).split(path.sep).join("/")) : undefined;
  const label = given === undefined ? undefined : path.relative(root, file).split(path.sep).join("/");
  const entry = given?.[EXPIRY_ADVISORY_POLICY];
  const { config } = reconcilePolicyConfig([advisorySchema()], entry === undefined ? {} : { [EXPIRY_ADVISORY_POLICY]: entry }, label);
  const { properties } = config[EXPIRY_ADVISORY_POLICY];
  const problems = policyConfigProblems({ name: EXPIRY_ADVISORY_POLICY, settings: ADVISORY_SETTINGS }, properties, at);
  if (problems.length > 0) throw new PolicyConfigError(`${label !== undefined ? `${label}: ` : ""}${formatConfigProblems(problems)}`);
  return { warnDays: properties.warnDays as number, file: label };
}
