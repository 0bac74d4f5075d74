/** Wall-clock timing of whole processes, as a user experiences them, and the CPU time they used. */
import { spawn } from "node:child_process";
import * as fs from "node:fs";

export interface TimedRun {
  ms: number;
  /**
   * CPU time (user + system) of the process and of every descendant it waited for (the plan's program process and
   * policy pack), where the platform reports it (Linux); otherwise undefined.
   */
  cpuMs?: number;
  code: number | null;
  stderr: string;
}

/** Linux reports /proc times in USER_HZ, which is 100 on every architecture Node supports. */
const USER_HZ = 100;

/**
 * CPU time of this process's waited-for children so far (cutime + cstime, /proc/self/stat fields 16 and 17), in ms;
 * undefined where /proc is not available.
 */
export function waitedChildrenCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync("/proc/self/stat", "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  return Number.isFinite(cutime) && Number.isFinite(cstime) ? ((cutime + cstime) * 1000) / USER_HZ : undefined;
}

export function timeProcess(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const cpuBefore = waitedChildrenCpuMs();
    const child = spawn(command, [...args], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    const stderr: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const cpuAfter = waitedChildrenCpuMs();
      const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
      resolve({ ms, ...(cpuMs !== undefined ? { cpuMs } : {}), code, stderr: Buffer.concat(stderr).toString("utf8") });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `run` once to warm caches (file system, tsx/esbuild), then `runs` times; returns the median. */
export async function medianOf(runs: number, run: () => Promise<number>): Promise<{ median: number; samples: number[] }> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await run());
  return { median: median(samples), samples };
}
