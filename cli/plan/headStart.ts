/**
 * The plan's two slow starters, begun by cli/plan.ts before it loads the rest of the plan's code: the program's
 * process, which loads the Pulumi SDK while it waits for its request, and the policy pack (ts-node and the whole SDK:
 * the critical path of small plans). Measured (docs/plan.md "Benchmark"): the plan's own modules take ~0.4 s to load
 * (zod, gRPC, the renderers), which the program and the pack used to wait for.
 *
 * Nothing of the program runs before the stack's config has been checked: the process receives its request from
 * computePlan after validation, and computePlan stops both (`abandon`) when the plan ends before it needs them.
 *
 * Only node built-ins, runProgram.ts, project.ts and the schedule's day helpers (components/rotation.ts, no imports)
 * are imported here; the pack's client (gRPC) is loaded after the program's process has been started.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyPackSession } from "../analyzer";
import { isoDay } from "../../components/rotation";
import { loadLazily } from "./lazyModule";
import { readProject } from "./project";
import { startProgramProcess, type ProgramProcess } from "./runProgram";

export interface HeadStart {
  root: string;
  stack: string;
  /** The day the pack's clock was started with. */
  date: string;
  /** Hands the program's process on (once): `abandon` no longer stops it. */
  takeProgram(): ProgramProcess | undefined;
  /** Hands the pack on (once), with the warnings it logged (policy.ts `packWarnings`). */
  takePack(): { session: Promise<PolicyPackSession>; log: string[] } | undefined;
  /** Stops whatever was started and has not been handed on. */
  abandon(): Promise<void>;
}

/**
 * Starts the program's process and the pack for `stack` in the project at `root`, or returns undefined when the plan
 * would stop anyway before needing them (no such stack file, or a project file the plan will reject).
 */
export async function startHeadStart(root: string, stack: string, date: string = isoDay(new Date())): Promise<HeadStart | undefined> {
  // The same checks as computePlan's, so that a usage error starts nothing.
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !fs.existsSync(path.join(root, "stacks", `Pulumi.${stack}.yaml`))) return undefined;
  let projectName: string;
  try {
    projectName = readProject(root).name;
  } catch {
    return undefined;
  }
  let program: ProgramProcess | undefined = startProgramProcess(root);
  let pack: { session: Promise<PolicyPackSession>; log: string[] } | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { packWarnings, startPack } = await loadLazily(() => require("./policy") as typeof import("./policy"), () => import("./policy"));
    const warnings = packWarnings();
    const session = startPack({ root, stack, project: projectName, date, onLog: warnings.onLog });
    session.catch(() => undefined); // observed by whoever takes it (openPolicyRun) or by abandon
    pack = { session, log: warnings.lines };
  } catch (err) {
    await program.kill();
    throw err;
  }
  return {
    root,
    stack,
    date,
    takeProgram() {
      const taken = program;
      program = undefined;
      return taken;
    },
    takePack() {
      const taken = pack;
      pack = undefined;
      return taken;
    },
    async abandon() {
      const leftProgram = program;
      program = undefined;
      await leftProgram?.kill();
      const left = pack;
      pack = undefined;
      if (left === undefined) return;
      try {
        await (await left.session).close();
      } catch {
        // it did not start
      }
    },
  };
}
