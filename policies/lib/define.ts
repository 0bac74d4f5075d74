/**
 * Builders that turn a rule's metadata and check function into a CrossGuard policy object, with the behaviour every
 * rule shares:
 * - its config is checked before anything else (./configCheck.ts): an invalid config is reported as violations of
 *   the rule, never ignored (the pack also refuses it at Configure: ./configGate.ts);
 * - resource rules filter by type token (the pack never loads provider SDKs: loading @pulumi/azuread or
 *   @pulumi/azure-native would cost seconds on every run) and say "not applicable" for other types;
 * - a resource of this project's components (./components.ts) is checked with the stack (AnalyzeStack), where the
 *   rule sees the component's record: the stack's expectations and the config key to name. Every other resource is
 *   checked on its own (Analyze). Each resource is checked once, in one of the two;
 * - every decided violation is reported at the policy's level, unless a time-boxed exemption names its resource
 *   (then advisory: ./exemptions.ts); every undecided check as one advisory note (./outcome.ts); the stack part of
 *   every policy reviews its exemptions;
 * - an unexpected error inside a rule is reported as a violation naming the policy instead of failing the whole
 *   preview (fail closed, never crash).
 */
import type {
  EnforcementLevel,
  Policy,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { now as clockNow } from "./clock";
import { COMMON_SETTINGS, configSchemaOf, readSettings, type SettingName, type SettingValues } from "./config";
import { policyConfigProblems } from "./configCheck";
import { componentsOf, isComponentManaged, NO_COMPONENTS, type Components } from "./components";
import { utcDay } from "./dates";
import { activeExemption, exemptedMessage, reviewExemptions } from "./exemptions";
import { Outcome, reportAdvisory, throwUndecided, type Findings } from "./outcome";
import { throwWithoutStack } from "./signal";
import { isUnknownValueError } from "./values";

export interface RuleDocs {
  name: string;
  displayName: string;
  /** One sentence: what the rule requires. Shown with every violation. */
  description: string;
  /** `disabled`: off unless a stack's config sets a level. */
  enforcementLevel: Extract<EnforcementLevel, "mandatory" | "advisory" | "disabled">;
  severity: Severity;
  /** What to change when the rule fires. */
  remediationSteps: string;
  /** K2 or Microsoft documentation behind the rule. */
  url: string;
  tags?: string[];
}

export type Props = Readonly<Record<string, unknown>>;

interface CommonContext<S extends SettingName> {
  /** The rule's settings, validated, defaults applied (exemptions are handled here, not by the rule). */
  settings: SettingValues<S>;
  now: Date;
  outcome: Findings;
  /** Ends the check: the rule does not apply (reported to the engine as "not applicable"). */
  notApplicable(reason: string): never;
}

export interface ResourceContext<S extends SettingName> extends CommonContext<S> {
  type: string;
  urn: string;
  name: string;
  props: Props;
  /** The components the resource belongs to (checked with the stack); NO_COMPONENTS for a resource outside them. */
  components: Components;
}

export interface StackContext<S extends SettingName> extends CommonContext<S> {
  resources: readonly PolicyResource[];
}

export interface ResourceRuleSpec<S extends SettingName> extends RuleDocs {
  settings: readonly S[];
  /** Type tokens the rule inspects. */
  appliesTo: readonly string[];
  check(ctx: ResourceContext<S>): void;
}

export interface StackRuleSpec<S extends SettingName> extends RuleDocs {
  settings: readonly S[];
  check(ctx: StackContext<S>): void;
}

/** A resource rule's answer in Analyze for a resource of this project's components. */
export const CHECKED_WITH_THE_STACK = "checked with the stack (AnalyzeStack), where this project's components record the stack config key to name";

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

/** Every policy's settings (its own and the common ones), for the Configure check (./configGate.ts). */
const policySettings = new WeakMap<Policy, readonly SettingName[]>();

export function settingsOf(policy: Policy): readonly SettingName[] {
  return policySettings.get(policy) ?? COMMON_SETTINGS;
}

type Settled<S extends SettingName> = { ok: true; settings: SettingValues<S | "exemptions"> } | { ok: false; problems: string[] };

const settledConfigs = new Map<string, Settled<SettingName>>();

/** The rule's config, checked and read once per distinct config and day (every Analyze call asks for it). */
function settle<S extends SettingName>(docs: RuleDocs, names: readonly (S | "exemptions")[], raw: Readonly<Record<string, unknown>>, now: Date): Settled<S> {
  const key = `${docs.name}\u0000${utcDay(now).getTime()}\u0000${JSON.stringify(raw)}`;
  let settled = settledConfigs.get(key);
  if (settled === undefined) {
    const problems = policyConfigProblems({ name: docs.name, settings: names }, raw, now);
    settled = (problems.length > 0 ? { ok: false, problems } : { ok: true, settings: readSettings(names, raw) }) as Settled<SettingName>;
    if (settledConfigs.size > 100) settledConfigs.clear();
    settledConfigs.set(key, settled);
  }
  return settled as Settled<S>;
}

/** Runs a check, sorting what it throws into the findings; returns a not-applicable reason if it gave one. */
function runCheck(docs: RuleDocs, findings: Findings, body: () => void): string | undefined {
  try {
    body();
  } catch (e) {
    if (e instanceof NotApplicableSignal) return e.reason;
    if (isUnknownValueError(e)) findings.undecidable((e as Error).message);
    else findings.fail(`policy ${docs.name} could not evaluate this input (${errorSummary(e)}); treat it as a violation and report the problem with the policy pack`);
  }
  return undefined;
}

interface Call {
  getConfig: StackValidationArgs["getConfig"];
  notApplicable: StackValidationArgs["notApplicable"];
  report: ReportViolation;
  /** The resource a violation without URN is about (Analyze: the resource analysed). */
  subject?: string;
}

/**
 * Evaluates a rule for one call from the analyzer: checks the config, runs `body` with the context every rule gets,
 * then reports: violations (advisory when exempted), notes, undecided checks; or "not applicable" when the check said
 * so and found nothing.
 */
function evaluate<S extends SettingName>(
  docs: RuleDocs,
  names: readonly S[],
  call: Call,
  body: (common: CommonContext<S> & { exemptions: SettingValues<"exemptions">["exemptions"] }, outcome: Outcome) => void,
): void {
  const now = clockNow();
  const settled = settle(docs, [...names, ...COMMON_SETTINGS], call.getConfig<Record<string, unknown>>(), now);
  if (!settled.ok) {
    // Only reachable when Configure did not check the config (./configGate.ts): still never ignored.
    for (const problem of settled.problems) call.report(problem);
    return;
  }
  const outcome = new Outcome();
  const { exemptions } = settled.settings;
  const skip = runCheck(docs, outcome, () => body({ settings: settled.settings, exemptions, now, outcome, notApplicable }, outcome));
  if (skip !== undefined && outcome.violations.length === 0 && outcome.notes.length === 0 && outcome.undecided.length === 0) {
    throwWithoutStack(() => call.notApplicable(skip));
  }
  for (const v of outcome.violations) {
    const urn = v.urn ?? call.subject;
    const exemption = urn === undefined ? undefined : activeExemption(exemptions, urn, now);
    if (exemption !== undefined) reportAdvisory(call.report, docs.description, exemptedMessage(exemption, v.message), v.urn);
    else call.report(v.message, v.urn);
  }
  for (const n of outcome.notes) reportAdvisory(call.report, docs.description, n.message, n.urn);
  throwUndecided(outcome);
}

function docsOf(spec: RuleDocs, names: readonly SettingName[]): RuleDocs & { configSchema: { properties: ReturnType<typeof configSchemaOf>["properties"] } } {
  const { name, displayName, description, enforcementLevel, severity, remediationSteps, url, tags } = spec;
  return {
    name,
    displayName,
    description,
    enforcementLevel,
    severity,
    remediationSteps,
    url,
    configSchema: configSchemaOf([...names, ...COMMON_SETTINGS]),
    ...(tags ? { tags } : {}),
  };
}

/**
 * A rule that checks resources one at a time: in Analyze for resources outside this project's components, in
 * AnalyzeStack (with their components' records) for the others. The policy object carries both validateResource and
 * validateStack; the analyzer server runs each in its own call (@pulumi/policy server.js: a policy with a
 * validateStack function takes part in AnalyzeStack whatever else it has), and GetAnalyzerInfo lists it as a
 * resource policy.
 */
export function resourceRule<S extends SettingName>(spec: ResourceRuleSpec<S>): ResourceValidationPolicy & StackValidationPolicy {
  const types = spec.appliesTo;
  const otherType = `applies only to ${types.join(", ")}`;
  const policy: ResourceValidationPolicy & StackValidationPolicy = {
    ...docsOf(spec, spec.settings),
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (!types.includes(args.type)) throwWithoutStack(() => args.notApplicable(otherType));
      if (isComponentManaged(args.urn)) throwWithoutStack(() => args.notApplicable(CHECKED_WITH_THE_STACK));
      evaluate(spec, spec.settings, { ...args, report, subject: args.urn }, (common) =>
        spec.check({ ...common, type: args.type, urn: args.urn, name: args.name, props: args.props as Props, components: NO_COMPONENTS }),
      );
    },
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const managed = args.resources.filter((r) => types.includes(r.type) && isComponentManaged(r.urn));
      evaluate(spec, spec.settings, { ...args, report }, (common, outcome) => {
        reviewExemptions(common.exemptions, args.resources, common.now, outcome);
        if (managed.length === 0 && outcome.notes.length === 0) notApplicable(`the stack has no resource of ${types.join(", ")} in this project's components`);
        for (const r of managed) {
          const about = outcome.about(r.urn, r.name);
          runCheck(spec, about, () =>
            spec.check({ ...common, outcome: about, type: r.type, urn: r.urn, name: r.name, props: r.props as Props, components: componentsOf(r) }),
          );
        }
      });
    },
  };
  if (types.length === 1 && policy.validateResource !== undefined) {
    // CrossGuard's own type filter (what validateResourceOfType attaches): the analyzer server skips the policy for
    // other types before it deserializes the properties and builds the arguments (@pulumi/policy server.js). Rules of
    // several types filter in validateResource above. (validateStack carries none: it also reviews exemptions.)
    (policy.validateResource as { __pulumiType?: string }).__pulumiType = types[0];
  }
  policySettings.set(policy, [...spec.settings, ...COMMON_SETTINGS]);
  return policy;
}

/** A rule over the whole stack (AnalyzeStack). */
export function stackRule<S extends SettingName>(spec: StackRuleSpec<S>): StackValidationPolicy {
  const policy: StackValidationPolicy = {
    ...docsOf(spec, spec.settings),
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      evaluate(spec, spec.settings, { ...args, report }, (common, outcome) => {
        reviewExemptions(common.exemptions, args.resources, common.now, outcome);
        spec.check({ ...common, resources: args.resources });
      });
    },
  };
  policySettings.set(policy, [...spec.settings, ...COMMON_SETTINGS]);
  return policy;
}
