/**
 * `npm run plan -- --stack <name> [options]`: the offline plan (docs/plan.md). Runs the program for a stack with the
 * Pulumi SDK's mock runtime and the policy pack over the CrossGuard analyzer protocol: no Pulumi CLI, no cloud, no
 * credentials. Options and exit codes: PLAN_COMMAND in ./plan/args.ts (`--help` prints them).
 */
import * as path from "node:path";
import { isoDay } from "../components/rotation";
import { usage, usageErrorText } from "./args";
import { parsePlanArgs, PLAN_COMMAND } from "./plan/args";
import { EXIT_MANDATORY_VIOLATIONS, EXIT_OK, EXIT_PLAN_FAILED, isPlanError, UsageError } from "./plan/errors";
import { startHeadStart } from "./plan/headStart";
import { loadLazily } from "./plan/lazyModule";
import { findProjectRoot } from "./plan/project";

export interface PlanIo {
  cwd: string;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Runs the command; returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: PlanIo): Promise<number> {
  try {
    const args = parsePlanArgs(argv);
    if (args.help) {
      io.stdout.write(usage(PLAN_COMMAND));
      return EXIT_OK;
    }
    const root = findProjectRoot(io.cwd);
    if (root === undefined) throw new UsageError(`no Pulumi.yaml in ${io.cwd} or above: run the plan from the project folder`);
    // The day planned: one day for the schedule, the pack's clock and the output alike.
    const date = args.date ?? isoDay(new Date());
    // The program's process and the pack start first and load while the rest of the plan's code does (headStart.ts).
    const headStart = await startHeadStart(root, args.stack, date);
    const [{ computePlan }, { renderPlan }, { useColor }] = await Promise.all([
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loadLazily(() => require("./plan/computePlan") as typeof import("./plan/computePlan"), () => import("./plan/computePlan")),
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loadLazily(() => require("./plan/render") as typeof import("./plan/render"), () => import("./plan/render")),
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loadLazily(() => require("./plan/render/style") as typeof import("./plan/render/style"), () => import("./plan/render/style")),
    ]).catch(async (err: unknown) => {
      await headStart?.abandon();
      throw err;
    });
    const { result, scrub } = await computePlan({
      root,
      stack: args.stack,
      date,
      ...(args.deployGate && args.outputs !== undefined
        ? {
            deployGate: {
              outputs: { file: path.resolve(io.cwd, args.outputs), label: args.outputs },
              ...(args.allowDrop !== undefined ? { allowDrop: args.allowDrop } : {}),
            },
          }
        : {}),
      ...(args.against !== undefined ? { against: args.against } : {}),
      ...(headStart !== undefined ? { headStart } : {}),
    });
    if (args.format !== "text") for (const w of result.warnings) io.stderr.write(scrub(`warning: ${w}\n`));
    io.stdout.write(scrub(renderPlan(result, args.format, { color: useColor(io.stdout, io.env) })));
    // A failed provider check fails `pulumi preview` as a mandatory violation does; a deploy gate's blocker fails the gate.
    const blocked = (result.gate?.blockers.length ?? 0) > 0;
    const fails = blocked || result.checks.failures.length > 0 || result.policy.violations.some((v) => v.level === "mandatory");
    return fails ? EXIT_MANDATORY_VIOLATIONS : EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(usageErrorText(PLAN_COMMAND, err.message));
      return err.exitCode;
    }
    if (isPlanError(err)) {
      io.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`error: the plan could not be completed: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_PLAN_FAILED;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, env: process.env }).then((code) => {
    process.exitCode = code;
  });
}
