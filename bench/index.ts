/**
 * `npm run bench -- [--json] [--runs <n>]` (options and exit codes: BENCH_COMMAND in ./args.ts): in one run,
 *   - the baseline: a Node process that only loads `@pulumi/pulumi`;
 *   - the offline plan (`node --require esbuild-register cli/plan.ts --stack <s> --format json`, the command behind
 *     `npm run plan` without npm's own start-up) of generated stacks with 1, 50 and 200 clients;
 *   - the policy pack's throughput over gRPC (Analyze calls per second, resources of the 200-client stack).
 * Each figure is the median of N runs after one warm-up run. Targets (docs/plan.md): plan of 1 client within 2.5x the
 * baseline, of 200 clients within 8x, growth no worse than linear, at least 1,200 resources/s analysed. On Linux each plan's CPU time (all its
 * processes) is reported too: divided by the cores, it is the least wall time that plan could take here.
 */
import * as os from "node:os";
import * as path from "node:path";
import { startPack, toAnalyzerResource } from "../cli/plan/policy";
import { runStackOffline } from "../cli/plan/computePlan";
import { usage, usageErrorText, UsageError } from "../cli/args";
import { BENCH_COMMAND, parseBenchArgs, type BenchArgs } from "./args";
import { createBenchProject, REPO_ROOT } from "./benchProject";
import { median, medianOf, timeProcess, type TimedRun } from "./timing";

const CLIENT_COUNTS = [1, 50, 200] as const;
const MIN_ANALYZE_CALLS = 5_000;

export interface BenchResult {
  baselineMs: number;
  planMs: Record<"1" | "50" | "200", number>;
  analyzeResourcesPerSec: number;
  /** Extra detail: plan resource counts, ratios to the baseline, samples. */
  detail: {
    runs: number;
    resources: Record<string, number>;
    ratios: Record<string, number>;
    analyzeCalls: number;
    /**
     * Median CPU time (user + system, all of the plan's processes) per plan, where the platform reports it (Linux):
     * with `cores`, the least wall time the plan could take.
     */
    planCpuMs?: Record<"1" | "50" | "200", number>;
    cores: number;
    samples: Record<string, number[]>;
  };
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

async function timePlan(root: string, stack: string): Promise<TimedRun> {
  const run = await timeProcess(process.execPath, ["--require", "esbuild-register", path.join(REPO_ROOT, "cli", "plan.ts"), "--stack", stack, "--format", "json"], root);
  // 1 (mandatory findings) is a valid plan outcome; anything else means the plan did not run.
  if (run.code !== 0 && run.code !== 1) throw new Error(`plan of ${stack} exited with ${run.code}:\n${run.stderr}`);
  return run;
}

async function analyzeThroughput(
  root: string,
  stack: string,
  runs: number,
): Promise<{ perSec: number; samples: number[]; warmUpPerSec: number; calls: number; resources: number }> {
  const outcome = await runStackOffline(root, stack);
  if (outcome.kind !== "ok") throw new Error(`the program failed for ${stack}: ${outcome.message}`);
  const resources = outcome.resources.map((r) => toAnalyzerResource(r));
  const session = await startPack({ root, stack, project: "k2-oauth" });
  try {
    const repeats = Math.ceil(MIN_ANALYZE_CALLS / resources.length);
    const work = Array.from({ length: repeats }, () => resources).flat();
    // As the plan does: every resource handed to the session at once; it bounds and paces the calls in flight.
    const pass = async (): Promise<number> => {
      const started = process.hrtime.bigint();
      await Promise.all(work.map((r) => session.analyze(r)));
      return work.length / (Number(process.hrtime.bigint() - started) / 1e9);
    };
    // As the other figures: one warm-up pass (reported too: the pack's code is not optimised yet), then the median of
    // `runs` passes.
    let warmUpPerSec: number | undefined;
    const timed = await medianOf(runs, async () => {
      const perSec = await pass();
      warmUpPerSec ??= perSec;
      return perSec;
    });
    return { perSec: timed.median, samples: timed.samples, warmUpPerSec: warmUpPerSec ?? 0, calls: work.length, resources: resources.length };
  } finally {
    await session.close();
  }
}

export async function runBench(runs: number, log: (line: string) => void): Promise<BenchResult> {
  const project = createBenchProject();
  try {
    log("baseline: node -e 'require(\"@pulumi/pulumi\")'");
    const baseline = await medianOf(runs, async () => (await timeProcess(process.execPath, ["-e", 'require("@pulumi/pulumi")'], REPO_ROOT)).ms);
    const planMs = {} as BenchResult["planMs"];
    const planCpuMs: Partial<BenchResult["planMs"]> = {};
    const samples: Record<string, number[]> = { baseline: baseline.samples.map((ms) => round(ms)) };
    const stacks: Record<string, string> = {};
    for (const n of CLIENT_COUNTS) {
      const stack = project.addStack(n);
      stacks[n] = stack;
      log(`plan: ${n} client${n === 1 ? "" : "s"}`);
      const cpu: Array<number | undefined> = [];
      const timed = await medianOf(runs, async () => {
        const run = await timePlan(project.root, stack);
        cpu.push(run.cpuMs);
        return run.ms;
      });
      planMs[`${n}`] = round(timed.median);
      samples[`plan${n}`] = timed.samples.map((ms) => round(ms));
      const timedCpu = cpu.slice(1); // the first run warmed up
      if (timedCpu.every((ms): ms is number => ms !== undefined)) {
        planCpuMs[`${n}`] = round(median(timedCpu));
        samples[`plan${n}Cpu`] = timedCpu.map((ms) => round(ms));
      }
    }
    log("policy pack throughput");
    const analyze = await analyzeThroughput(project.root, stacks[200], runs);
    samples.analyze = analyze.samples.map((perSec) => round(perSec));
    samples.analyzeWarmUp = [round(analyze.warmUpPerSec)];
    const ratios: Record<string, number> = {};
    for (const n of CLIENT_COUNTS) ratios[`${n}`] = round(planMs[`${n}`] / baseline.median, 2);
    return {
      baselineMs: round(baseline.median),
      planMs,
      analyzeResourcesPerSec: round(analyze.perSec),
      detail: {
        runs,
        resources: { "200": analyze.resources },
        ratios,
        analyzeCalls: analyze.calls,
        ...(CLIENT_COUNTS.every((n) => planCpuMs[`${n}`] !== undefined) ? { planCpuMs: planCpuMs as BenchResult["planMs"] } : {}),
        cores: os.availableParallelism(),
        samples,
      },
    };
  } finally {
    project.remove();
  }
}

/** Cost of each added client, from 1 to 50 and from 1 to 200 clients (ms). */
export function perClientCosts(r: Pick<BenchResult, "planMs">): { perClient50: number; perClient200: number } {
  return { perClient50: (r.planMs["50"] - r.planMs["1"]) / 49, perClient200: (r.planMs["200"] - r.planMs["1"]) / 199 };
}

/**
 * The accepted targets, each judged on this run's own figures: the plan of 1 client within 2.5x the baseline, of 200
 * clients within 8x (about 6x is the mock runtime's floor on 2 cores, see docs/plan.md), growth no worse than linear,
 * and at least 1,200 resources/s through the policy pack.
 */
export function benchVerdicts(r: Pick<BenchResult, "planMs" | "analyzeResourcesPerSec" | "detail">): { target: string; met: boolean }[] {
  const { perClient50, perClient200 } = perClientCosts(r);
  return [
    { target: "plan(1) <= 2.5x baseline", met: r.detail.ratios["1"] <= 2.5 },
    { target: "plan(200) <= 8x baseline", met: r.detail.ratios["200"] <= 8 },
    { target: "growth no worse than linear", met: perClient200 <= perClient50 * 1.25 },
    { target: ">= 1,200 resources/s analysed", met: r.analyzeResourcesPerSec >= 1200 },
  ];
}

function report(r: BenchResult): string {
  const fmt = (n: number): string => n.toFixed(0);
  const { perClient50, perClient200 } = perClientCosts(r);
  const lines = [
    `baseline (load @pulumi/pulumi)   ${fmt(r.baselineMs)} ms`,
    ...(["1", "50", "200"] as const).map(
      (n) =>
        `plan, ${n.padStart(3)} client${n === "1" ? " " : "s"}            ${fmt(r.planMs[n]).padStart(5)} ms  ${r.detail.ratios[n].toFixed(2)}x baseline` +
        (r.detail.planCpuMs !== undefined
          ? `  (CPU ${fmt(r.detail.planCpuMs[n])} ms: at least ${fmt(r.detail.planCpuMs[n] / r.detail.cores)} ms on ${r.detail.cores} cores)`
          : ""),
    ),
    `cost per added client           ${perClient50.toFixed(1)} ms (1→50), ${perClient200.toFixed(1)} ms (1→200)`,
    `policy pack over gRPC           ${fmt(r.analyzeResourcesPerSec)} resources/s (median of passes of ${r.detail.analyzeCalls} Analyze calls over ${r.detail.resources["200"]} distinct resources; warm-up pass ${fmt(r.detail.samples.analyzeWarmUp[0])}/s)`,
    "",
    ...benchVerdicts(r).map((v) => `target: ${v.target.padEnd(40)} ${v.met ? "met" : "MISSED"}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** Runs the command; returns the exit code. */
export async function main(argv: readonly string[], io: { stdout(text: string): void; stderr(text: string): void }): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(usageErrorText(BENCH_COMMAND, err.message));
    return err.exitCode;
  }
  if (args.help) {
    io.stdout(usage(BENCH_COMMAND));
    return 0;
  }
  try {
    const result = await runBench(args.runs, (line) => io.stderr(`bench: ${line}\n`));
    io.stdout(args.json ? `${JSON.stringify(result, null, 2)}\n` : report(result));
    return 0;
  } catch (err) {
    io.stderr(`bench: could not complete: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => {
    process.exitCode = code;
  });
}
