/**
 * The data an offline plan produces, shared by the program runner (child process), the policy step, the diff and
 * the renderers. Plain JSON-compatible values only: results cross a process boundary.
 */

/** A resource as the program declared it under the mock runtime. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource; absent for the stack's root. */
  parent?: string;
  /** Custom (provider-managed) resource, as opposed to a component. */
  custom: boolean;
  /** Provider reference (`urn::id`) when the program passed one explicitly. */
  provider?: string;
  /** URNs this resource depends on (explicit `dependsOn` and inputs that came from other resources). */
  dependencies: string[];
  /** Per input property, the URNs its value came from (as the engine passes them to AnalyzeStack). Set by the recording. */
  propertyDependencies?: Record<string, string[]>;
  /** The resource options the engine passes to the policy pack, as the program registered them. Set by the recording. */
  options?: RecordedOptions;
  /**
   * Inputs in Pulumi's wire encoding (secrets wrapped in signature objects, unknowns as the unknown sentinel):
   * the form the policy pack receives. Never render these directly: use `displayValue` (wire.ts). For a dynamic
   * resource, the inputs its provider's check returned (as the engine passes them on), secrets kept.
   */
  wireInputs: Record<string, unknown>;
  /** Dynamic resources only: what their provider's check reported (empty: it passed). Secrets already masked. */
  checkFailures?: CheckFailure[];
  /** The `import` option's id: `pulumi up` imports the existing resource instead of creating one. */
  importId?: string;
}

/**
 * The options of a registration that the engine passes on to analyzers (AnalyzerResourceOptions; aliases are not
 * recorded: the plan drops them, sdkLoading.ts withoutAliases).
 */
export interface RecordedOptions {
  protect: boolean;
  ignoreChanges: string[];
  /** Absent when the program left it unset. */
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs: string[];
  /** In seconds, as the engine parses the program's durations (`5m`); 0 when not set. */
  customTimeouts: { create: number; update: number; delete: number; read: number };
}

/** A provider's check failure: the input property and why it is rejected (the provider's own words). */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** The result of running the program. */
export type ProgramOutcome =
  | { kind: "ok"; resources: RecordedResource[]; log: string[]; sdkWarnings: string[] }
  | { kind: "config-error"; message: string; log: string[] }
  | { kind: "program-error"; message: string; log: string[] }
  /** The plan's own machinery failed (an SDK internal changed, a dynamic provider that cannot be loaded). */
  | { kind: "plan-error"; message: string; log: string[] };

/** The child process's messages: each resource as it registers, then how the run ended. */
export type ProgramMessage =
  | { kind: "resource"; resource: RecordedResource }
  | { kind: "done"; log: string[]; sdkWarnings: string[] }
  | Exclude<ProgramOutcome, { kind: "ok" }>;

export type ViolationLevel = "mandatory" | "advisory";

export interface Violation {
  policy: string;
  /** What the finding means for the run: `remediate` counts as mandatory, as the engine counts it. */
  level: ViolationLevel;
  /** The enforcement level the pack reported (`mandatory`, `advisory` or `remediate`). */
  enforcementLevel: string;
  policyPack: string;
  /** Absent for stack-level findings that name no resource. */
  urn?: string;
  message: string;
  description?: string;
}

export interface PolicyOutcome {
  packDir: string;
  /** The policy config file applied, relative to the project root; absent when the stack has none. */
  configFile?: string;
  violations: Violation[];
  resourcesAnalyzed: number;
}

/** One changed input leaf, both sides already masked for display. */
export interface InputChange {
  path: string;
  before?: unknown;
  after?: unknown;
  /** `added`/`removed` when the key exists on one side only. */
  kind: "added" | "removed" | "changed";
}

export interface ResourceRef {
  urn: string;
  type: string;
  name: string;
}

export interface PlanDiff {
  against: string;
  /**
   * `new`: the ref has no such stack (or no program), so everything is added. `unavailable`: the ref's program could
   * not be planned (e.g. its config was invalid); no changes are listed.
   */
  base: "existing" | "new" | "unavailable";
  /** Why the base is new or unavailable. */
  baseNote?: string;
  added: ResourceRef[];
  removed: ResourceRef[];
  changed: Array<ResourceRef & { changes: InputChange[] }>;
  unchanged: number;
}

export interface PlannedResource extends RecordedResource {
  /** Inputs for display: secrets `[secret]`, unknowns `(known after apply)`. */
  inputs: Record<string, unknown>;
}

/** One failure of a dynamic provider's check, with the resource and what to change. */
export interface CheckFinding extends ResourceRef, CheckFailure {
  /**
   * The stack config keys the input comes from (`k2-oauth:tenantId`), the one that decides most first; empty when the
   * program sets the input or the resource type is not one of this project's (components/contracts.ts).
   */
  configKeys: string[];
  /**
   * The input's value as the plan shows it (secrets `[secret]`), quoted after the reason as config messages quote a
   * value; absent when the failure names no input or the input has no known value.
   */
  given?: unknown;
}

export interface CheckOutcome {
  /** Dynamic resources whose provider's check ran. */
  resourcesChecked: number;
  failures: CheckFinding[];
}

export interface PlaceholderNote {
  value: string;
  meaning: string;
}

/** Something that must not reach `pulumi up` (`--deploy-gate`). */
export interface GateBlocker {
  urn?: string;
  /** What it is about, for the text output: a resource name, or `client <name>`. */
  subject: string;
  message: string;
}

export interface GateResult {
  /** Empty: the gate passes. */
  blockers: GateBlocker[];
  /** Valid secrets this deploy drops because `--allow-drop` names their client: shown, not blocking. */
  allowed: GateBlocker[];
}

export interface PlanResult {
  stack: string;
  project: string;
  /** The UTC day planned as of (`YYYY-MM-DD`): the schedule and the policy pack's clock used it. */
  date: string;
  stackFile: string;
  resources: PlannedResource[];
  /** The dynamic providers' checks, which `pulumi preview` runs before any policy. */
  checks: CheckOutcome;
  policy: PolicyOutcome;
  /** Warnings about the stack file and the program's own log output (already scrubbed). */
  warnings: string[];
  /** Offline stand-ins for values only the cloud knows. */
  placeholders: PlaceholderNote[];
  diff?: PlanDiff;
  /** With `--deploy-gate`: what blocks a deploy (empty: the gate passes). */
  gate?: GateResult;
}
