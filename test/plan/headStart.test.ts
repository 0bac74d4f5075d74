/**
 * The plan's head start (cli/plan/headStart.ts): the program's process and the policy pack start before the plan has
 * loaded the rest of its code, and nothing is left running when the plan ends before it needs them. Processes are
 * observed as children of this test process (in /proc, or through `ps` where there is no /proc), after awaiting their
 * end: no timing.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computePlan } from "../../cli/plan/computePlan";
import { PlanConfigError } from "../../cli/plan/errors";
import { startHeadStart } from "../../cli/plan/headStart";
import { startProgramProcess } from "../../cli/plan/runProgram";
import { exampleStack, linkedProject, type TempProject } from "./project";

/** Command lines of this process's live child processes: from /proc where there is one (Linux), else from POSIX `ps`. */
function children(): string[] {
  return fs.existsSync("/proc/self/stat") ? childrenFromProc() : childrenFromPs();
}

function childrenFromProc(): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) !== process.pid || fields[0] === "Z") continue;
      found.push(fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim());
    } catch {
      // it ended meanwhile
    }
  }
  return found;
}

function childrenFromPs(): string[] {
  const rows = execFileSync("ps", ["-A", "-ww", "-o", "ppid=,stat=,args="], { encoding: "utf8" }).split("\n");
  return rows.flatMap((row) => {
    const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(row);
    return match !== null && Number(match[1]) === process.pid && !match[2]!.startsWith("Z") ? [match[3]!] : [];
  });
}

const ofPlan = (commands: string[]): string[] => commands.filter((c) => c.includes("programChild.ts") || c.includes("run-policy-pack"));
const planProcesses = (): string[] => ofPlan(children());

let project: TempProject;

beforeAll(() => {
  project = linkedProject();
  project.writeStack("dev", exampleStack("dev"));
  project.writeStack("broken", exampleStack("dev", [["lifetimeDays: 180", "lifetimeDays: 900"]]));
});

afterAll(() => project.remove());

describe("head start", () => {
  it("starts nothing for a stack the plan will reject as unknown", async () => {
    expect(await startHeadStart(project.root, "no-such-stack")).toBeUndefined();
    expect(await startHeadStart(project.root, "../dev")).toBeUndefined();
    expect(planProcesses()).toEqual([]);
  });

  it("starts the program's process and the pack, and stops both when abandoned", async () => {
    const head = await startHeadStart(project.root, "dev");
    expect(head).toBeDefined();
    const pack = await head!.takePack()!.session;
    expect(planProcesses().some((c) => c.includes("programChild.ts"))).toBe(true);
    expect(planProcesses().some((c) => c.includes("run-policy-pack"))).toBe(true);
    // Both ways of listing children see the same two processes (here, where both are available).
    expect(ofPlan(childrenFromPs())).toHaveLength(2);
    expect(ofPlan(childrenFromPs()).sort()).toEqual(planProcesses().sort());
    await pack.close();
    await head!.abandon();
    expect(planProcesses()).toEqual([]);
  });

  it("stops what it started when the stack's config turns out to be invalid: no resource declared, nothing left", async () => {
    const head = await startHeadStart(project.root, "broken");
    expect(head).toBeDefined();
    const plan = computePlan({ root: project.root, stack: "broken", headStart: head! });
    await expect(plan).rejects.toBeInstanceOf(PlanConfigError);
    await expect(plan).rejects.toThrow("lifetimeDays");
    expect(planProcesses()).toEqual([]);
  });

  it("plans with the head start as without it", async () => {
    const head = await startHeadStart(project.root, "dev");
    const [early, plain] = await Promise.all([computePlan({ root: project.root, stack: "dev", headStart: head! }), computePlan({ root: project.root, stack: "dev" })]);
    expect(early.result).toEqual(plain.result);
    expect(early.result.resources.length).toBeGreaterThan(5);
    expect(planProcesses()).toEqual([]);
  });
});

describe("program process started ahead of its request", () => {
  it("can be stopped before it runs anything; a later run says it ended", async () => {
    const started = startProgramProcess(project.root);
    await started.kill();
    await expect(
      started.run({ programDir: project.root, main: "index.ts", project: "k2-oauth", stack: "dev", engineConfig: {}, secretKeys: [], lookups: { k2ApiScope: "user_impersonation" } }),
    ).rejects.toThrow("ended (SIGKILL) without a result");
  });
});
