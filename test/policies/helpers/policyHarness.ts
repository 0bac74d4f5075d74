/**
 * Runs policy rule objects in the test process the way the CrossGuard analyzer server does (@pulumi/policy
 * server.js), without constructing a PolicyPack: props wrapped in the SDK's unknown-checking proxy, `getConfig`
 * returning the given config, `notApplicable` throwing, and an `UnknownValueError` surfacing as "undecided" (the
 * server's advisory "can't run policy ... during preview").
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknownValueError } from "../../../policies/lib/values";

/** The SDK's proxy: reading an unknown sentinel through it throws UnknownValueError (untyped SDK export). */
const { unknownCheckingProxy } = require("@pulumi/policy") as { unknownCheckingProxy: <T>(value: T) => T };

export { UNKNOWN_STRING as UNKNOWN } from "../../../policies/lib/values";
export const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
export const UNKNOWN_OBJECT = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";
export const UNKNOWN_BOOL = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
export const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";

export interface RuleRun {
  /** Violation messages (at the policy's level) without the policy description prefix CrossGuard adds on the wire. */
  violations: Array<{ message: string; urn?: string }>;
  /** Findings the rule reported at advisory level whatever its own (exempted findings, notes about exemptions). */
  advisories?: Array<{ message: string; urn?: string }>;
  /** The advisory "undecided" note, when the rule could not decide something. */
  undecided?: string;
  notApplicable?: string;
}

class NotApplicable extends Error {
  constructor(readonly reason: string | undefined) {
    super(reason ?? "not applicable");
  }
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The object form of reportViolation (@pulumi/policy server.js): a level of the policy's choosing. */
interface ReportArgs {
  message: string;
  urn?: string;
  description?: string;
  enforcementLevel?: string;
}

async function collect(run: (report: ReportViolation) => unknown): Promise<RuleRun> {
  const result: RuleRun = { violations: [] };
  const report = ((message: string | ReportArgs, urn?: string) => {
    if (typeof message === "string") {
      result.violations.push(urn === undefined ? { message } : { message, urn });
      return;
    }
    // As the server: the object's own message (this pack puts the description first, as the string form does).
    const text = message.description !== undefined && message.message.startsWith(`${message.description}\n`) ? message.message.slice(message.description.length + 1) : message.message;
    const entry = message.urn === undefined ? { message: text } : { message: text, urn: message.urn };
    if (message.enforcementLevel === "advisory") (result.advisories ??= []).push(entry);
    else result.violations.push(entry);
  }) as ReportViolation;
  try {
    await run(report);
  } catch (e) {
    if (e instanceof NotApplicable) result.notApplicable = e.reason ?? "";
    else if (isUnknownValueError(e)) result.undecided = (e as Error).message;
    else throw e;
  }
  return result;
}

export interface ResourceInput {
  type: string;
  props: Record<string, unknown>;
  name?: string;
  urn?: string;
}

function resourceArgs(r: ResourceInput, config: Record<string, unknown>, props: Record<string, unknown>): ResourceValidationArgs {
  const name = r.name ?? "res";
  return {
    type: r.type,
    props,
    urn: r.urn ?? `urn:pulumi:test::k2-oauth::${r.type}::${name}`,
    name,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => clone(config) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

/** Validates one resource with a resource policy. The input props are not modified. */
export function runResourceRule(policy: ResourceValidationPolicy, r: ResourceInput, config: Record<string, unknown> = {}): Promise<RuleRun> {
  const validations = policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  return collect(async (report) => {
    for (const validate of validations) await validate(resourceArgs(r, config, unknownCheckingProxy(clone(r.props))), report);
  });
}

/** Runs a policy's remediation; returns the remediated props (a plain copy) or undefined when nothing changed. */
export async function runRemediation(
  policy: ResourceValidationPolicy,
  r: ResourceInput,
  config: Record<string, unknown> = {},
): Promise<Record<string, unknown> | undefined> {
  if (policy.remediateResource === undefined) throw new Error(`${policy.name} has no remediation`);
  const raw = clone(r.props);
  const proxied = unknownCheckingProxy(raw);
  const result = await policy.remediateResource(resourceArgs(r, config, proxied));
  if (result === undefined || result === null) return undefined;
  // The server serializes the proxy's target; a remediation must have changed the props in place (secrets stay secret).
  if (result !== proxied) throw new Error(`${policy.name} returned a new object instead of remediating the props in place`);
  return clone(raw);
}

export interface StackInput {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** Name of the parent resource (for URNs and this project's component records). */
  parent?: string;
  /** Names of resources this one depends on. */
  dependencies?: string[];
  /** Per top-level property, names of the resources its value came from. */
  propertyDependencies?: Record<string, string[]>;
}

/** The URN of a resource; `ancestors` are the types of its parents, outermost first (as the engine writes them). */
export function urnOf(r: { type: string; name: string }, ancestors: readonly string[] = []): string {
  return `urn:pulumi:test::k2-oauth::${[...ancestors, r.type].join("$")}::${r.name}`;
}

/**
 * Runs a policy over a stack as the engine does on `pulumi up`: Analyze on each resource (before its step; the
 * policy's validateResource, if any) and then AnalyzeStack, merged into one run. A finding of Analyze is attributed to
 * the resource analysed (as the engine does); `notApplicable` is kept only when every call said so (AnalyzeStack's
 * reason); the undecided notes of the calls are joined with " | ".
 */
export async function runRule(policy: ResourceValidationPolicy & Partial<StackValidationPolicy>, inputs: StackInput[], config: Record<string, unknown> = {}): Promise<RuleRun> {
  const urns = stackUrns(inputs);
  const runs: RuleRun[] = [];
  for (const [i, r] of inputs.entries()) {
    const run = policy.validateResource === undefined ? { violations: [], notApplicable: "no validateResource" } : await runResourceRule(policy, { type: r.type, props: r.props, name: r.name, urn: urns[i] }, config);
    const attribute = (f: { message: string; urn?: string }) => ({ message: f.message, urn: f.urn ?? urns[i] });
    runs.push({ ...run, violations: run.violations.map(attribute), ...(run.advisories ? { advisories: run.advisories.map(attribute) } : {}) });
  }
  const stack = policy.validateStack === undefined ? { violations: [], notApplicable: "no validateStack" } : await runStackRule(policy as StackValidationPolicy, inputs, config);
  runs.push(stack);
  const merged: RuleRun = { violations: runs.flatMap((r) => r.violations) };
  const advisories = runs.flatMap((r) => r.advisories ?? []);
  if (advisories.length > 0) merged.advisories = advisories;
  const undecided = runs.flatMap((r) => (r.undecided === undefined ? [] : [r.undecided]));
  if (undecided.length > 0) merged.undecided = undecided.join(" | ");
  if (runs.every((r) => r.notApplicable !== undefined)) merged.notApplicable = stack.notApplicable;
  return merged;
}

function stackUrns(inputs: StackInput[]): string[] {
  const inputsByName = new Map(inputs.map((r) => [r.name, r]));
  const ancestors = (r: StackInput): string[] => {
    const parent = r.parent === undefined ? undefined : inputsByName.get(r.parent);
    return parent === undefined ? [] : [...ancestors(parent), parent.type];
  };
  return inputs.map((r) => urnOf(r, ancestors(r)));
}

/** Validates a stack with a stack policy. Dependencies are given by resource name. */
export function runStackRule(policy: StackValidationPolicy, inputs: StackInput[], config: Record<string, unknown> = {}): Promise<RuleRun> {
  const byName = new Map<string, PolicyResource>();
  const urns = stackUrns(inputs);
  const resources: PolicyResource[] = inputs.map((r, i) => {
    const res: PolicyResource = {
      type: r.type,
      name: r.name,
      urn: urns[i],
      props: unknownCheckingProxy(clone(r.props)),
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byName.set(r.name, res);
    return res;
  });
  const find = (name: string): PolicyResource => {
    const found = byName.get(name);
    if (found === undefined) throw new Error(`test setup: no resource named ${name}`);
    return found;
  };
  inputs.forEach((r, i) => {
    if (r.parent !== undefined) resources[i].parent = find(r.parent);
    resources[i].dependencies = (r.dependencies ?? []).map(find);
    resources[i].propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, names]) => [k, names.map(find)]));
  });
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => clone(config) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  return collect((report) => policy.validateStack(args, report));
}

/** Only the messages, for compact assertions. */
export function messages(run: RuleRun): string[] {
  return run.violations.map((v) => v.message);
}
