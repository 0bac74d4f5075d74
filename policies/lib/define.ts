/**
 * Builders that turn a rule's metadata and check function into a CrossGuard policy object, with the behaviour every
 * rule shares:
 * - its config is checked before anything else (./configCheck.ts): an invalid config is reported as violations of
 *   the rule, never ignored (the pack also refuses it at Configure: ./configGate.ts);
 * - resource rules filter by type token (the pack never loads provider SDKs: loading @pulumi/azuread or
 *   @pulumi/azure-native would cost seconds on every run) and say "not applicable" for other types;
 * - a resource rule checks every resource of its types in Analyze, which the engine calls before it creates or updates
 *   the resource (on preview and on `pulumi up --skip-preview` alike), except where the rule needs the record of this
 *   project's components (./components.ts: the stack's expectations, `needsRecords`): those resources of the
 *   components are checked with the stack (AnalyzeStack), which sees the records. Each resource is checked once, in
 *   one of the two;
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
import type { CLIENT_CONFIG_KEYS } from "../../components/contracts";
import { clientConfigKey, clientNamed, componentsOf, isComponentManaged, NO_COMPONENTS, type Components } from "./components";
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
  /** The components the resource belongs to (checked with the stack); NO_COMPONENTS in Analyze. */
  components: Components;
  /**
   * Where to change a client setting of this project's ClientApp behind the resource (`index`: an entry of a list
   * setting; `within`: a path inside that entry, like `.resourceAccess[0]`): the stack config key with the stack's records (`k2-oauth:clients[0].redirectUris[1]`), the client's name
   * in Analyze (`redirectUris[1] of the client named pa in k2-oauth:clients`); undefined outside a ClientApp.
   */
  clientSetting(key: keyof typeof CLIENT_CONFIG_KEYS, index?: number, within?: string): string | undefined;
}

export interface StackContext<S extends SettingName> extends CommonContext<S> {
  resources: readonly PolicyResource[];
}

export interface ResourceRuleSpec<S extends SettingName> extends RuleDocs {
  settings: readonly S[];
  /** Type tokens the rule inspects. */
  appliesTo: readonly string[];
  /**
   * The check reads the records of this project's components (ctx.components): their resources are checked in
   * AnalyzeStack only (after the update when the preview is skipped). Leave unset for a check of the resource's own
   * values, which runs in Analyze for every resource, before the engine creates or updates it.
   */
  needsRecords?: true;
  check(ctx: ResourceContext<S>): void;
}

export interface StackRuleSpec<S extends SettingName> extends RuleDocs {
  settings: readonly S[];
  check(ctx: StackContext<S>): void;
  /**
   * The part of the rule that needs only a resource's own values, checked in Analyze (before the engine creates or
   * updates the resource) for every resource of `appliesTo`; `check` above then leaves those findings alone.
   */
  resourcePart?: { appliesTo: readonly string[]; check(ctx: ResourceContext<S>): void };
}

/** A `needsRecords` rule's answer in Analyze for a resource of this project's components. */
export const CHECKED_WITH_THE_STACK = "checked with the stack (AnalyzeStack), where this project's components record what the stack expects";

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

/** The Analyze half of a rule: `check` on one resource of `types`, with the context every rule gets. */
function validateResourceOf<S extends SettingName>(
  spec: RuleDocs & { settings: readonly S[] },
  types: readonly string[],
  skipManaged: boolean,
  check: (ctx: ResourceContext<S>) => void,
): NonNullable<ResourceValidationPolicy["validateResource"]> {
  const otherType = `applies only to ${types.join(", ")}`;
  const validate = (args: ResourceValidationArgs, report: ReportViolation): void => {
    if (!types.includes(args.type)) throwWithoutStack(() => args.notApplicable(otherType));
    if (skipManaged && isComponentManaged(args.urn)) throwWithoutStack(() => args.notApplicable(CHECKED_WITH_THE_STACK));
    const clientSetting = (key: keyof typeof CLIENT_CONFIG_KEYS, index?: number, within = "") => clientNamed(args.type, args.urn, args.name, key, index, within);
    evaluate(spec, spec.settings, { ...args, report, subject: args.urn }, (common) =>
      check({ ...common, type: args.type, urn: args.urn, name: args.name, props: args.props as Props, components: NO_COMPONENTS, clientSetting }),
    );
  };
  if (types.length === 1) {
    // CrossGuard's own type filter (what validateResourceOfType attaches): the analyzer server skips the policy for
    // other types before it deserializes the properties and builds the arguments (@pulumi/policy server.js). Rules of
    // several types filter above.
    (validate as { __pulumiType?: string }).__pulumiType = types[0];
  }
  return validate;
}

/**
 * A rule that checks resources one at a time, in Analyze, before the engine creates or updates them. A rule that
 * needs the records of this project's components (`needsRecords`) checks their resources in AnalyzeStack instead,
 * with the records. The policy object carries both validateResource and validateStack (which also reviews the
 * exemptions); the analyzer server runs each in its own call (@pulumi/policy server.js: a policy with a validateStack
 * function takes part in AnalyzeStack whatever else it has), and GetAnalyzerInfo lists it as a resource policy.
 */
export function resourceRule<S extends SettingName>(spec: ResourceRuleSpec<S>): ResourceValidationPolicy & StackValidationPolicy {
  const types = spec.appliesTo;
  const withRecords = spec.needsRecords === true;
  const policy: ResourceValidationPolicy & StackValidationPolicy = {
    ...docsOf(spec, spec.settings),
    validateResource: validateResourceOf(spec, types, withRecords, (ctx) => spec.check(ctx)),
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const managed = withRecords ? args.resources.filter((r) => types.includes(r.type) && isComponentManaged(r.urn)) : [];
      evaluate(spec, spec.settings, { ...args, report }, (common, outcome) => {
        reviewExemptions(common.exemptions, args.resources, common.now, outcome);
        if (managed.length === 0 && outcome.notes.length === 0) {
          notApplicable(withRecords ? `the stack has no resource of ${types.join(", ")} in this project's components` : "checked resource by resource (Analyze); no exemption to review");
        }
        for (const r of managed) {
          const about = outcome.about(r.urn, r.name);
          const components = componentsOf(r);
          const clientSetting = (key: keyof typeof CLIENT_CONFIG_KEYS, index?: number, within = "") => {
            const at = clientConfigKey(components, key);
            return at === undefined ? undefined : `${at}${index === undefined ? "" : `[${index}]`}${within}`;
          };
          runCheck(spec, about, () => spec.check({ ...common, outcome: about, type: r.type, urn: r.urn, name: r.name, props: r.props as Props, components, clientSetting }));
        }
      });
    },
  };
  policySettings.set(policy, [...spec.settings, ...COMMON_SETTINGS]);
  return policy;
}

/** A rule over the whole stack (AnalyzeStack). */
export function stackRule<S extends SettingName>(spec: StackRuleSpec<S>): StackValidationPolicy {
  const part = spec.resourcePart;
  const policy: StackValidationPolicy & Partial<ResourceValidationPolicy> = {
    ...docsOf(spec, spec.settings),
    ...(part === undefined ? {} : { validateResource: validateResourceOf(spec, part.appliesTo, false, (ctx) => part.check(ctx)) }),
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
