/**
 * The real CLI entry, once as a child process through the npm script (`npm run --silent verify -- ...`), against the
 * doubles served by this test process: exit codes propagate, stdout is clean JSON, nothing secret is printed.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CLIENT_ID, expectNoLeak, useHarness } from "./harness";

const REPO = path.resolve(__dirname, "../..");
// The child process runs on the real clock: so must the doubles' tokens and the outputs' secret dates.
const h = useHarness({ clock: () => new Date(), per: "file" });

function npmVerify(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // The doubles run in this process, so the child must run asynchronously (spawnSync would block them).
    const child = spawn("npm", ["run", "--silent", "verify", "--", ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run verify (child process)", () => {
  it("exits 0 with a JSON report for a healthy stack, and 1 when a check fails", async () => {
    const args = ["--root", h.root, ...h.baseArgs(), "--format", "json"];
    const ok = await npmVerify(args, h.passwordEnv);
    expect(ok.code, ok.stderr).toBe(0);
    const json = JSON.parse(ok.stdout) as { ok: boolean; clientId: string; checks: Array<{ id: string; status: string }> };
    expect(json.ok).toBe(true);
    expect(json.clientId).toBe(CLIENT_ID);
    expect(json.checks.find((c) => c.id === "k2-workflow-api")?.status).toBe("pass");
    expectNoLeak(ok, h.entra);

    h.entra.tokenStyle = "v2";
    const bad = await npmVerify(args, h.passwordEnv);
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.stdout) as { ok: boolean }).ok).toBe(false);
    expectNoLeak(bad, h.entra);
  }, 60_000);

  it("exits 2 on a usage error, naming it on stderr", async () => {
    const r = await npmVerify(["--root", h.root], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("verify: --stack <name> is required");
  }, 60_000);
});
