/**
 * The policy step of the plan: starts the pack in policies/ as the Pulumi CLI does and sends it every resource
 * (`Analyze`) and then the whole stack (`AnalyzeStack`) over the CrossGuard analyzer protocol (cli/analyzer.ts),
 * with the stack's policy config from `policies/config/<stack>.json` when there is one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PLAN_DATE_ENV } from "../../components/contracts";
import { loadPolicyConfigFile, prepareResource, providerUrn, startPolicyPack, type AnalyzerResource, type PolicyFinding, type PolicyPackSession } from "../analyzer";
import type { PolicyOutcome, RecordedResource, Violation } from "./model";

export const POLICY_PACK_DIR = "policies";

/** The plan's warning for a stack without its own policy config (shown first, in every format). */
export function defaultsWarning(stack: string): string {
  return `no ${POLICY_PACK_DIR}/config/${stack}.json: the policy pack runs with its defaults (the tenant, cloud, audience and K2 API are the stack's own); add the file to set levels, limits or exemptions for this stack`;
}

export function policyConfigFile(root: string, stack: string): string | undefined {
  const file = path.join(root, POLICY_PACK_DIR, "config", `${stack}.json`);
  return fs.existsSync(file) ? file : undefined;
}

/**
 * A recorded resource as the engine sends it to the pack: its inputs, parent, dependencies, property dependencies and
 * options as the program registered them, and its provider with that provider's inputs (`providerInputs`: the
 * inputs of a provider resource the program registered, by URN). Aliases are not sent (the plan drops them).
 */
export function toAnalyzerResource(r: RecordedResource, providerInputs: (urn: string) => Record<string, unknown> | undefined = () => undefined): AnalyzerResource {
  const provider = r.provider !== undefined ? providerInputs(providerUrn(r.provider)) : undefined;
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    properties: r.wireInputs,
    ...(r.parent !== undefined ? { parent: r.parent } : {}),
    dependencies: r.dependencies,
    ...(r.propertyDependencies !== undefined ? { propertyDependencies: r.propertyDependencies } : {}),
    ...(r.provider !== undefined ? { provider: r.provider } : {}),
    ...(provider !== undefined ? { providerInputs: provider } : {}),
    ...(r.options !== undefined ? { options: r.options } : {}),
  };
}

const PROVIDER_TYPE_PREFIX = "pulumi:providers:";

/**
 * A finding as the plan reports it. A `remediate`-level violation counts as mandatory, as the engine counts it: a
 * violation that remains after remediation (pulumi/pulumi pkg/resource/deploy/analyze_snapshot.go analyzeResource),
 * and any stack policy's (step_generator.go AnalyzeResources), fails the run.
 */
export function toViolation(f: PolicyFinding): Violation | undefined {
  if (f.level === "disabled") return undefined;
  // @pulumi/policy sends "<policy description>\n<violation message>"; the description has its own field.
  const description = f.description ?? "";
  const message = description !== "" && f.message.startsWith(`${description}\n`) ? f.message.slice(description.length + 1) : f.message;
  return {
    policy: f.policyName,
    level: f.level === "mandatory" || f.level === "remediate" ? "mandatory" : "advisory",
    enforcementLevel: f.level,
    policyPack: f.policyPackName,
    ...(f.urn !== undefined && f.urn !== "" ? { urn: f.urn } : {}),
    message,
    ...(f.description !== undefined && f.description !== "" ? { description: f.description } : {}),
  };
}

export interface PolicyPackOptions {
  root: string;
  stack: string;
  project: string;
  /** The UTC day (`YYYY-MM-DD`) the pack's clock is set to (policies/lib/clock.ts); absent: real time. */
  date?: string;
  onLog?: (line: string) => void;
}

/** Starts the pack (call early: it loads while the program runs). */
export function startPack(opts: PolicyPackOptions): Promise<PolicyPackSession> {
  return startPolicyPack({
    packDir: path.join(opts.root, POLICY_PACK_DIR),
    cwd: opts.root,
    stack: opts.stack,
    project: opts.project,
    dryRun: true,
    ...(opts.date !== undefined ? { env: { [PLAN_DATE_ENV]: opts.date } } : {}),
    ...(opts.onLog !== undefined ? { onLog: opts.onLog } : {}),
  });
}

/**
 * The policy step of one plan. Resources are analysed as the program registers them (`add`), so the pack works on
 * one core while the program runs on the other; `finish` then sends the whole stack and closes the pack.
 */
export interface PolicyRun {
  add(resource: RecordedResource): void;
  finish(resources: readonly RecordedResource[]): Promise<PolicyOutcome>;
  /** Stops the pack without results (the plan failed elsewhere). */
  abort(): Promise<void>;
}

/** The pack's warnings and errors, for the plan's warnings; its debug and info lines are noise in a plan. */
export function packWarnings(): { lines: string[]; onLog: (line: string) => void } {
  const lines: string[] = [];
  return {
    lines,
    onLog: (line) => {
      if (/^(warning|error):/.test(line)) lines.push(line);
    },
  };
}

/**
 * Starts the pack (it loads while the program runs), or takes one started earlier with the same options (`started`,
 * see headStart.ts), and configures it for the stack.
 */
export function openPolicyRun(opts: PolicyPackOptions, started?: Promise<PolicyPackSession>): PolicyRun {
  const configFile = policyConfigFile(opts.root, opts.stack);
  const ready = (started ?? startPack(opts)).then(async (session) => {
    try {
      // As the CLI: Configure always runs, with the pack's defaults when the stack has no config file.
      if (configFile !== undefined) {
        const label = path.relative(opts.root, configFile).split(path.sep).join("/");
        await session.configure(loadPolicyConfigFile(configFile, label), label);
      } else {
        await session.configure({}, "the policy pack's defaults");
      }
      return session;
    } catch (err) {
      await session.close();
      throw err;
    }
  });
  ready.catch(() => undefined); // observed by finish/abort; never an unhandled rejection meanwhile

  const pending: Array<Promise<PolicyFinding[]>> = [];
  // Each resource in wire form, converted once as it registers, for Analyze now and AnalyzeStack at the end.
  const prepared = new Map<RecordedResource, AnalyzerResource>();
  // Provider resources by URN: a provider registers before the resources that use it.
  const providers = new Map<string, Record<string, unknown>>();
  const providerInputs = (urn: string) => providers.get(urn);
  const prepare = (resource: RecordedResource): AnalyzerResource => {
    let r = prepared.get(resource);
    if (r === undefined) {
      if (resource.type.startsWith(PROVIDER_TYPE_PREFIX)) providers.set(resource.urn, resource.wireInputs);
      try {
        r = prepareResource(toAnalyzerResource(resource, providerInputs));
      } catch {
        r = toAnalyzerResource(resource, providerInputs); // the call reports what cannot be converted
      }
      prepared.set(resource, r);
    }
    return r;
  };

  return {
    add(resource) {
      const r = prepare(resource);
      // The session bounds and paces the calls in flight (cli/analyzer/callQueue.ts).
      const analysis = ready.then((session) => session.analyze(r));
      analysis.catch(() => undefined); // observed by finish
      pending.push(analysis);
    },
    async finish(resources) {
      const session = await ready;
      try {
        const perResource = await Promise.all(pending);
        const stackFindings = await session.analyzeStack(resources.map(prepare));
        const violations = [...perResource.flat(), ...stackFindings].map(toViolation).filter((v): v is Violation => v !== undefined);
        return {
          packDir: POLICY_PACK_DIR,
          ...(configFile !== undefined ? { configFile: path.relative(opts.root, configFile) } : {}),
          violations,
          resourcesAnalyzed: resources.length,
        };
      } finally {
        await session.close();
      }
    },
    async abort() {
      try {
        await (await ready).close();
      } catch {
        // it did not start, or is closed already
      }
    },
  };
}
