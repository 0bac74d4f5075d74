/**
 * The offline plan, end to end: stack file → config check → program under the mock runtime (child process) →
 * policy pack over the analyzer protocol, and with `against`, the same stack at a git ref and the diff between them.
 * The policy pack and the ref's program start at once and load while the program runs.
 */
import { secretOwners } from "../../components/secretDeclarations";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, DEFAULT_SCOPE } from "../../components/config";
import { DYNAMIC_INPUT_CONFIG_KEYS } from "../../components/contracts";
import { isoDay, parseUtcDay } from "../../components/rotation";
import { loadStackFile, stackFilePath, StackFileError, validateLoadedStack, type LoadedStack } from "../stackFile";
import type { DeployedSecrets } from "../secretSafety";
import { deployedSecretsOf, loadStackOutputs } from "../verify/outputs";
import { expiryWarnDays, type WarnDays } from "../warnDays";
import { deployGate } from "./deployGate";
import { newClientWarnings, overlapWarnings } from "./scheduleWarnings";
import { diffPlans } from "./diff";
import { PlanConfigError, PlanFailedError, UsageError } from "./errors";
import type { CheckOutcome, PlanDiff, PlanResult, PolicyOutcome, ProgramOutcome, RecordedResource } from "./model";
import type { OfflineLookupContext } from "./offlineMocks";
import type { ProgramRequest } from "./programChild";
import { placeholdersUsed } from "./placeholders";
import type { HeadStart } from "./headStart";
import { defaultsWarning, openPolicyRun, packWarnings } from "./policy";
import { readProject, type ProjectInfo } from "./project";
import { DEFAULT_PROGRAM_TIMEOUT_MS, ProgramRunError, runProgramOffline, type ProgramProcess } from "./runProgram";
import { plaintextSecrets } from "./plaintextSecrets";
import { makeScrubber, scrubDeep, type Scrubber } from "./scrub";
import { displayInputs, SECRET_MASK, UNKNOWN_MASK } from "./wire";
import { resolveCommit, withRefTree } from "./worktree";

export interface PlanOptions {
  /** Project root (holds Pulumi.yaml, stacks/, policies/). */
  root: string;
  stack: string;
  /** The UTC day to plan as of (`YYYY-MM-DD`, already validated); default today. */
  date?: string;
  /** A git ref to diff against. */
  against?: string;
  /** Also judge what must not reach `pulumi up` (deployGate.ts), against the stack's deployed outputs. */
  deployGate?: { outputs: { file: string; label: string }; allowDrop?: readonly string[] };
  programTimeoutMs?: number;
  /** The program's process and the pack, started early for this root and stack (headStart.ts, by cli/plan.ts). */
  headStart?: HeadStart;
}

export interface PlanRun {
  result: PlanResult;
  /** Removes plaintext secrets of the stack files involved from any text about to be printed. */
  scrub: Scrubber;
}

function loadStack(stack: string, root: string): LoadedStack {
  try {
    return loadStackFile(stack, root);
  } catch (err) {
    if (!(err instanceof StackFileError)) throw err;
    // A missing file or an invalid stack name is a usage error; a file that does not parse is a config error.
    const exists = /^[A-Za-z0-9_.-]+$/.test(stack) && fs.existsSync(stackFilePath(stack, root));
    throw exists ? new PlanConfigError(err.message) : new UsageError(`unknown stack '${stack}': ${err.message}`);
  }
}

/** The offline answers to the program's lookups for a stack: its K2 API scope, and its own tenant as the signed-in one. */
export function lookupContext(stack: Pick<LoadedStack, "config">): OfflineLookupContext {
  const k2Api = stack.config.k2Api;
  const scope = typeof k2Api === "object" && k2Api !== null ? (k2Api as { scope?: unknown }).scope : undefined;
  const clientId = typeof k2Api === "object" && k2Api !== null ? (k2Api as { clientId?: unknown }).clientId : undefined;
  const tenantId = stack.config.tenantId;
  return {
    k2ApiScope: typeof scope === "string" ? scope : DEFAULT_SCOPE,
    ...(typeof tenantId === "string" ? { tenantId } : {}),
    ...(typeof clientId === "string" ? { k2ApiClientId: clientId } : {}),
    outboundPermissions: outboundPermissionValues(stack.config.outbound),
  };
}

/** Every permission value of the raw `k2-oauth:outbound.resources`, each once (the config is validated elsewhere). */
function outboundPermissionValues(outbound: unknown): string[] {
  const resources = typeof outbound === "object" && outbound !== null ? (outbound as { resources?: unknown }).resources : undefined;
  if (!Array.isArray(resources)) return [];
  const values = resources.flatMap((r: unknown) => {
    const permissions = typeof r === "object" && r !== null ? (r as { permissions?: unknown }).permissions : undefined;
    return Array.isArray(permissions) ? permissions.filter((p): p is string => typeof p === "string").map((p) => p.trim()) : [];
  });
  return values.filter((v, i) => values.indexOf(v) === i);
}

/** The deployed secrets the deploy gate judges against; a problem with the file or `--allow-drop` is a usage error. */
function readDeployed(gate: NonNullable<PlanOptions["deployGate"]>, clients: readonly string[], stack: string): DeployedSecrets {
  const unknown = (gate.allowDrop ?? []).filter((c) => !clients.includes(c));
  if (unknown.length > 0) {
    throw new UsageError(`--allow-drop names ${unknown.map((c) => `'${c}'`).join(", ")}, not an app of stack ${stack}; its clients and outbound app: ${clients.join(", ")}`);
  }
  return deployedSecretsOf(loadStackOutputs(gate.outputs.file, gate.outputs.label));
}

/** What the program's process needs to run the project's program for a stack, as of `date` (default: today). */
export function programRequest(project: ProjectInfo, stack: LoadedStack, date?: string): ProgramRequest {
  return {
    programDir: project.root,
    main: project.main,
    project: project.name,
    stack: stack.stack,
    engineConfig: stack.engineConfig,
    secretKeys: stack.secretKeys,
    lookups: lookupContext(stack),
    ...(date !== undefined ? { planDate: date } : {}),
  };
}

/** The program of the project at `root` run offline for the stack `stack` (its stack file unchecked), as the plan runs it. */
export function runStackOffline(root: string, stack: string, timeoutMs: number = DEFAULT_PROGRAM_TIMEOUT_MS): Promise<ProgramOutcome> {
  return runProgramOffline(programRequest(readProject(root), loadStackFile(stack, root)), timeoutMs);
}

function runStackProgram(
  project: ProjectInfo,
  stack: LoadedStack,
  date: string,
  timeoutMs: number,
  onResource?: (resource: RecordedResource) => void,
  started?: ProgramProcess,
): Promise<ProgramOutcome> {
  const request = programRequest(project, stack, date);
  return started !== undefined ? started.run(request, timeoutMs, onResource) : runProgramOffline(request, timeoutMs, onResource);
}

/** The program's console output, one warning per line (the SDK's own `warning: [runtime] ` prefix dropped). */
function programLog(outcome: ProgramOutcome, label: string): string[] {
  return outcome.log
    .flatMap((entry) => entry.split("\n"))
    .filter((l) => l.trim() !== "")
    .map((l) => `${label}: ${l.replace(/^warning: \[runtime\] /, "")}`);
}

/** The stack config keys an input comes from: those of the property itself, or of the nearest listed parent of it. */
function configKeysOf(type: string, property: string): readonly string[] {
  const keys = DYNAMIC_INPUT_CONFIG_KEYS[type];
  if (keys === undefined) return [];
  for (let p = property; p !== ""; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
    if (keys[p] !== undefined) return keys[p];
  }
  return [];
}

/** The display value at a check failure's property (`parameters.audience`); a secret anywhere on the way is `[secret]`. */
function givenAt(inputs: Record<string, unknown>, property: string): unknown {
  if (property === "") return undefined;
  let value: unknown = inputs;
  for (const key of property.split(".")) {
    if (value === SECRET_MASK) return SECRET_MASK;
    if (typeof value !== "object" || value === null || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value === UNKNOWN_MASK ? undefined : value;
}

/** The dynamic providers' check results over the recorded resources. */
export function checkOutcome(resources: readonly RecordedResource[]): CheckOutcome {
  const checked = resources.filter((r) => r.checkFailures !== undefined);
  return {
    resourcesChecked: checked.length,
    failures: checked.flatMap((r) => {
      const inputs = displayInputs(r.wireInputs);
      return (r.checkFailures ?? []).map((f) => {
        const given = givenAt(inputs, f.property);
        return {
          urn: r.urn,
          type: r.type,
          name: r.name,
          property: f.property,
          reason: f.reason,
          configKeys: [...configKeysOf(r.type, f.property)],
          ...(given !== undefined ? { given } : {}),
        };
      });
    }),
  };
}

interface BasePlan {
  resources?: RecordedResource[];
  base: PlanDiff["base"];
  note?: string;
  secrets: string[];
}

async function planAtRef(root: string, stack: string, ref: string, date: string, timeoutMs: number): Promise<BasePlan> {
  return withRefTree(root, ref, async (tree) => {
    if (!fs.existsSync(path.join(tree.root, "Pulumi.yaml"))) {
      return { base: "new", note: `${ref} has no Pulumi project at this path`, secrets: [] };
    }
    const file = stackFilePath(stack, tree.root);
    if (!fs.existsSync(file)) return { base: "new", note: `${ref} has no stacks/Pulumi.${stack}.yaml`, secrets: [] };
    const secrets = plaintextSecrets(file);
    let project: ProjectInfo;
    let loaded: LoadedStack;
    try {
      project = readProject(tree.root);
      loaded = loadStackFile(stack, tree.root);
    } catch (err) {
      return { base: "unavailable", note: `${ref}: ${(err as Error).message}`, secrets };
    }
    if (!fs.existsSync(path.join(tree.root, project.main))) {
      return { base: "new", note: `${ref} has no program (${project.main})`, secrets };
    }
    const outcome = await runStackProgram(project, loaded, date, timeoutMs).catch(
      (err: Error): ProgramOutcome => ({ kind: "program-error", message: err.message, log: [] }),
    );
    if (outcome.kind !== "ok") return { base: "unavailable", note: `the program at ${ref} could not be planned: ${outcome.message}`, secrets };
    return { base: "existing", resources: outcome.resources, secrets };
  });
}

export async function computePlan(opts: PlanOptions): Promise<PlanRun> {
  const date = opts.date ?? isoDay(new Date());
  const started = opts.headStart;
  const head = started !== undefined && started.root === opts.root && started.stack === opts.stack && started.date === date ? started : undefined;
  try {
    return await planStack(opts, date, head);
  } finally {
    // Whatever was started early and not handed on (the plan ended before it needed it).
    await opts.headStart?.abandon();
  }
}

async function planStack(opts: PlanOptions, date: string, head: HeadStart | undefined): Promise<PlanRun> {
  const timeoutMs = opts.programTimeoutMs ?? DEFAULT_PROGRAM_TIMEOUT_MS;
  let project: ProjectInfo;
  try {
    project = readProject(opts.root);
  } catch (err) {
    // Pulumi.yaml is there (cli/plan.ts found it) but cannot be read: the project's own configuration is invalid.
    throw new PlanConfigError((err as Error).message);
  }
  const stack = loadStack(opts.stack, opts.root);

  // Config problems (plaintext secrets included) end the plan before any resource is declared (a program process
  // started early only waits for its request; computePlan stops it).
  const parsed = validateLoadedStack(stack);
  if (!parsed.ok) throw new PlanConfigError(makeScrubber(stack.plaintextSecrets())(new ConfigError(parsed.issues).message));

  // A bad ref is a usage error: found before anything starts.
  if (opts.against !== undefined) resolveCommit(opts.root, opts.against);
  // So are an unreadable outputs file and a client --allow-drop names that the stack does not have.
  const deployed = opts.deployGate !== undefined ? readDeployed(opts.deployGate, secretOwners(parsed.config).map((c) => c.name), stack.stack) : undefined;

  // The pack's warnings and errors; its debug and info lines are noise in a plan.
  const startedPack = head?.takePack();
  const warnings = startedPack === undefined ? packWarnings() : undefined;
  const packLog = startedPack?.log ?? warnings?.lines ?? [];
  const packOpts = { root: opts.root, stack: opts.stack, project: project.name, date, ...(warnings !== undefined ? { onLog: warnings.onLog } : {}) };
  const policyRun = openPolicyRun(packOpts, startedPack?.session);
  const base = opts.against !== undefined ? planAtRef(opts.root, opts.stack, opts.against, date, timeoutMs) : undefined;
  base?.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  const settleOthers = async (): Promise<void> => {
    await policyRun.abort();
    await base?.catch(() => undefined);
  };

  const programRun = (async () => runStackProgram(project, stack, date, timeoutMs, (resource) => policyRun.add(resource), head?.takeProgram()))();
  // Values the stack file holds in plain text at secret paths (found as it was parsed): removed from all output.
  const secrets = stack.plaintextSecrets();
  let scrub = makeScrubber(secrets);
  let outcome: ProgramOutcome;
  try {
    outcome = await programRun;
  } catch (err) {
    await settleOthers();
    throw new PlanFailedError(scrub(err instanceof ProgramRunError ? err.message : String(err)));
  }
  if (outcome.kind !== "ok") {
    await settleOthers();
    if (outcome.kind === "config-error") throw new PlanConfigError(scrub(outcome.message));
    if (outcome.kind === "plan-error") throw new PlanFailedError(scrub(outcome.message));
    throw new PlanFailedError(scrub(`the program failed: ${outcome.message}`));
  }

  let policy: PolicyOutcome;
  try {
    policy = await policyRun.finish(outcome.resources);
  } catch (err) {
    await settleOthers();
    // An invalid policies/config/<stack>.json is invalid config, like an invalid stack file.
    if (err instanceof Error && err.name === "PolicyConfigError") throw new PlanConfigError(scrub(err.message));
    throw new PlanFailedError(scrub(`the policy pack in policies/ failed: ${(err as Error).message}`));
  }

  let diff: PlanDiff | undefined;
  if (base !== undefined && opts.against !== undefined) {
    let basePlan: BasePlan;
    try {
      basePlan = await base;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new PlanFailedError(scrub(`could not check out ${opts.against}: ${(err as Error).message}`));
    }
    scrub = makeScrubber([...secrets, ...basePlan.secrets]);
    diff =
      basePlan.base === "unavailable"
        ? { against: opts.against, base: "unavailable", ...(basePlan.note ? { baseNote: basePlan.note } : {}), added: [], removed: [], changed: [], unchanged: 0 }
        : diffPlans(opts.against, basePlan.resources, outcome.resources, basePlan.note);
  }

  const resources = outcome.resources.map((r) => ({ ...r, inputs: displayInputs(r.wireInputs) }));
  let warnWindow: WarnDays;
  try {
    warnWindow = expiryWarnDays(opts.root, opts.stack, parseUtcDay(date) ?? new Date());
  } catch (err) {
    // The pack has read the same file by now: this is only reached for a problem it did not see.
    throw new PlanConfigError(scrub((err as Error).message));
  }
  const clients = parsed.config.clients;
  const stackFile = path.relative(opts.root, stack.file).split(path.sep).join("/");
  const day = parseUtcDay(date) ?? new Date();
  const result: PlanResult = {
    stack: opts.stack,
    project: project.name,
    date,
    stackFile: path.relative(opts.root, stack.file),
    resources,
    checks: checkOutcome(outcome.resources),
    policy,
    warnings: [
      ...(policy.configFile === undefined ? [`policy config: ${defaultsWarning(opts.stack)}`] : []),
      ...outcome.sdkWarnings.map((w) => `offline plan: ${w}`),
      ...programLog(outcome, "program"),
      ...packLog.map((l) => `policy pack: ${l.replace(/^warning: /, "")}`),
      ...overlapWarnings(clients, warnWindow.warnDays, warnWindow.file !== undefined ? `warnDays in ${warnWindow.file}` : "the policy pack's default warnDays"),
      ...newClientWarnings(clients, diff, date),
    ],
    placeholders: placeholdersUsed(resources.map((r) => r.inputs)),
    ...(diff !== undefined ? { diff } : {}),
    ...(opts.deployGate !== undefined && deployed !== undefined
      ? {
          gate: deployGate(opts.stack, resources, {
            // The clients and the outbound app: no deploy drops a valid secret of either.
            clients: secretOwners(parsed.config),
            deployed,
            day,
            warnDays: warnWindow.warnDays,
            stackFile,
            ...(opts.deployGate.allowDrop !== undefined ? { allowDrop: opts.deployGate.allowDrop } : {}),
          }),
        }
      : {}),
  };
  return { result: scrubDeep(result, scrub), scrub };
}
