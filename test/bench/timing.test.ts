/**
 * The benchmark's process timing (bench/timing.ts): the CPU time of a timed process includes its descendants, which
 * is what makes the plan's CPU figure (its program process and policy pack included) meaningful. No wall-clock
 * assertions: the processes here count their own CPU time and stop once they have used enough.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { median, timeProcess } from "../../bench/timing";

/** A node script that spins until it has used `ms` of CPU time itself. */
const spin = (ms: number): string => `const t = process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) / 1000 < ${ms}) {}`;

describe("timeProcess", () => {
  it("reports the CPU time of the process and of a child it waited for (Linux), and no CPU time where /proc is missing", async () => {
    // The parent spins 200 ms, starts a child that spins 300 ms, and waits for it (as the plan waits for its program
    // process and pack).
    const script = `${spin(200)}; require("node:child_process").spawnSync(process.execPath, ["-e", ${JSON.stringify(spin(300))}]);`;
    const run = await timeProcess(process.execPath, ["-e", script], process.cwd());
    expect(run.code).toBe(0);
    if (fs.existsSync("/proc/self/stat")) {
      // /proc reports in 10 ms ticks; node's own start-up adds a little.
      expect(run.cpuMs).toBeGreaterThanOrEqual(480);
    } else {
      // The bench then prints no CPU figure rather than a wrong one.
      expect(run).not.toHaveProperty("cpuMs");
    }
  });

  it("reports the exit code and stderr", async () => {
    const run = await timeProcess(process.execPath, ["-e", 'process.stderr.write("nope"); process.exit(3)'], process.cwd());
    expect(run.code).toBe(3);
    expect(run.stderr).toBe("nope");
  });
});

describe("median", () => {
  it("takes the middle value, or the mean of the two middle values", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
