/** Wall-clock timing of whole processes, as a user experiences them. */
import { spawn } from "node:child_process";

export interface TimedRun {
  ms: number;
  code: number | null;
  stderr: string;
}

export function timeProcess(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, [...args], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    const stderr: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stderr: Buffer.concat(stderr).toString("utf8") });
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
