/**
 * Builders that turn a rule's metadata and check function into a CrossGuard policy object, with the behaviour every
 * rule shares:
 * - resource rules filter by type token (the pack never loads provider SDKs: loading @pulumi/azuread or
 *   @pulumi/azure-native would cost seconds on every run) and say "not applicable" for other types;
 * - every decided violation is reported at the policy's level, every undecided check as one advisory note
 *   (see outcome.ts), an invalid policy config value as a violation;
 * - an unexpected error inside a rule is reported as a violation naming the policy instead of failing the whole
 *   preview (fail closed, never crash).
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { now } from "./clock";
import { PolicyConfigError } from "./config";
import { finish, Outcome } from "./outcome";
import { throwWithoutStack } from "./signal";
import { isUnknownValueError } from "./values";

export interface RuleDocs {
  name: string;
  displayName: string;
  /** One sentence: what the rule requires. Shown with every violation. */
  description: string;
  enforcementLevel: Extract<EnforcementLevel, "mandatory" | "advisory">;
  severity: Severity;
  /** What to change when the rule fires. */
  remediationSteps: string;
  /** K2 or Microsoft documentation behind the rule. */
  url: string;
  configSchema?: PolicyConfigSchema;
  tags?: string[];
}

export type Props = Readonly<Record<string, unknown>>;
export type PolicyConfigValues = Readonly<Record<string, unknown>>;

interface CommonContext {
  /** Policy config as the analyzer received it (defaults are applied by the rule's readers). */
  config: PolicyConfigValues;
  now: Date;
  outcome: Outcome;
  /** Ends the check: the rule does not apply (reported to the engine as "not applicable"). */
  notApplicable(reason: string): never;
}

export interface ResourceContext extends CommonContext {
  type: string;
  urn: string;
  name: string;
  props: Props;
}

export interface StackContext extends CommonContext {
  resources: readonly PolicyResource[];
}

export interface RemediationContext {
  type: string;
  urn: string;
  name: string;
  /**
   * The resource's properties: assign to them to remediate. They must be changed in place, not copied: CrossGuard's
   * proxy keeps secret values secret only on in-place writes.
   */
  props: Record<string, unknown>;
  config: PolicyConfigValues;
}

export interface ResourceRuleSpec extends RuleDocs {
  /** Type tokens the rule inspects. */
  appliesTo: readonly string[];
  check(ctx: ResourceContext): void;
  /** Safe automatic fix; returns true when it changed `props`. */
  remediate?(ctx: RemediationContext): boolean;
}

export interface StackRuleSpec extends RuleDocs {
  check(ctx: StackContext): void;
}

class NotApplicableSignal extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function notApplicable(reason: string): never {
  return throwWithoutStack(() => {
    throw new NotApplicableSignal(reason);
  });
}

/** A short, value-free summary of an unexpected error for the violation message. */
function errorSummary(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split("\n")[0].slice(0, 200)}`;
  return typeof e;
}

/**
 * Evaluates a rule for one call from the analyzer: runs `check` with the context every rule gets, then reports the
 * outcome, or "not applicable" when the check said so and decided nothing.
 */
function evaluate(
  docs: RuleDocs,
  args: Pick<StackValidationArgs, "getConfig" | "notApplicable">,
  reportViolation: ReportViolation,
  check: (common: CommonContext) => void,
): void {
  const outcome = new Outcome();
  const skip = runCheck(docs, outcome, () => check({ config: args.getConfig<Record<string, unknown>>(), now: now(), outcome, notApplicable }));
  if (skip !== undefined && outcome.violations.length === 0 && outcome.undecided.length === 0) throwWithoutStack(() => args.notApplicable(skip));
  finish(outcome, reportViolation);
}

/** Runs a check, sorting what it throws into the outcome; returns a not-applicable reason if it gave one. */
function runCheck(docs: RuleDocs, outcome: Outcome, body: () => void): string | undefined {
  try {
    body();
  } catch (e) {
    if (e instanceof NotApplicableSignal) return e.reason;
    if (isUnknownValueError(e)) outcome.undecidable((e as Error).message);
    else if (e instanceof PolicyConfigError) outcome.fail(e.message);
    else outcome.fail(`policy ${docs.name} could not evaluate this input (${errorSummary(e)}); treat it as a violation and report the problem with the policy pack`);
  }
  return undefined;
}

function docsOf(spec: RuleDocs): RuleDocs {
  const { name, displayName, description, enforcementLevel, severity, remediationSteps, url, configSchema, tags } = spec;
  return { name, displayName, description, enforcementLevel, severity, remediationSteps, url, ...(configSchema ? { configSchema } : {}), ...(tags ? { tags } : {}) };
}

export function resourceRule(spec: ResourceRuleSpec): ResourceValidationPolicy {
  const types = spec.appliesTo;
  const otherType = `applies only to ${types.join(", ")}`;
  const policy: ResourceValidationPolicy = {
    ...docsOf(spec),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!types.includes(args.type)) throwWithoutStack(() => args.notApplicable(otherType));
      evaluate(spec, args, reportViolation, (common) => spec.check({ ...common, type: args.type, urn: args.urn, name: args.name, props: args.props as Props }));
    },
  };
  if (types.length === 1 && policy.validateResource !== undefined) {
    // CrossGuard's own type filter (what validateResourceOfType attaches): the analyzer server skips the policy for
    // other types before it deserializes the properties and builds the arguments (@pulumi/policy server.js). Rules of
    // several types filter in validateResource above.
    (policy.validateResource as { __pulumiType?: string }).__pulumiType = types[0];
  }
  const remediate = spec.remediate;
  if (remediate !== undefined) {
    policy.remediateResource = (args: ResourceValidationArgs) => {
      if (!types.includes(args.type)) return undefined;
      const props = args.props as Record<string, unknown>;
      let changed = false;
      try {
        changed = remediate({ type: args.type, urn: args.urn, name: args.name, props, config: args.getConfig<Record<string, unknown>>() });
      } catch {
        // A remediation must never break the run (unknown values included): validateResource still reports the problem.
        return undefined;
      }
      return changed ? props : undefined;
    };
  }
  return policy;
}

export function stackRule(spec: StackRuleSpec): StackValidationPolicy {
  return {
    ...docsOf(spec),
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      evaluate(spec, args, reportViolation, (common) => spec.check({ ...common, resources: args.resources }));
    },
  };
}
