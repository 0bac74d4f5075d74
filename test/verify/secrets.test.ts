/**
 * Client-secret expiry: from the stack outputs (--outputs) and from the rotation schedule in components/rotation.ts.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { CLIENT_ID, expectExplained, stackOutputs, useHarness } from "./harness";

const h = useHarness();

function writeOutputs(secrets: Array<{ slot: string; current: boolean; expires: string }>): void {
  fs.writeFileSync(h.outputsFile, JSON.stringify(stackOutputs(secrets)));
}

describe("verify: client secret expiry", () => {
  it("warns inside 30 days for the current secret (rotation overdue), without failing the run", async () => {
    writeOutputs([{ slot: "a", current: true, expires: "2026-12-10T00:00:00Z" }]);
    const r = await h.run(["--client", "power-automate"]);
    expect(r.exitCode, r.stdout).toBe(0);
    const c = r.check("secret-expiry", "power-automate/a");
    expect(c).toMatchObject({ status: "warn", detail: "current, expires 2026-12-10 (16 days; from stack outputs)" });
    expect(c.cause).toBe("the rotation is overdue or the secret's lifetime is short");
    expect(c.fix).toContain("pulumi up");
    expectExplained(r, c);
    expect(r.stdout).toContain("WARN      secret power-automate/a");
    // The outputs lack the schedule's current secret: the stack was not updated since the rotation date.
    expect(r.check("secret-schedule").status).toBe("warn");
  });

  it("warns for the previous slot near the end of its overlap, telling consumers to switch", async () => {
    const r = await h.run(["--client", "power-automate"]);
    const previous = r.check("secret-expiry", "power-automate/a");
    expect(previous).toMatchObject({ status: "warn", detail: "previous, expires 2026-12-16 (22 days; from stack outputs)" });
    expect(previous.fix).toBe("switch every consumer of power-automate to the current slot (slot b) before then");
    expect(r.check("secret-expiry", "power-automate/b")).toMatchObject({ status: "pass", detail: "current, expires 2027-05-15 (172 days; from stack outputs)" });
    expect(r.report?.checks.some((c) => c.id === "secret-schedule")).toBe(false);
    expect(r.exitCode).toBe(0);
  });

  it("fails for an expired secret still in the outputs", async () => {
    writeOutputs([
      { slot: "a", current: false, expires: "2026-11-20T00:00:00Z" },
      { slot: "b", current: true, expires: "2027-05-15T00:00:00Z" },
    ]);
    const r = await h.run(["--client", "power-automate", "--format", "json"]);
    expect(r.exitCode).toBe(1);
    const c = r.check("secret-expiry", "power-automate/a");
    expect(c).toMatchObject({ status: "fail", detail: "previous, expires 2026-11-20 (expired; from stack outputs)" });
    expect(c.cause).toContain("AADSTS7000222");
    expect((r.json as { secrets: unknown[] }).secrets).toContainEqual({
      client: "power-automate",
      slot: "a",
      current: false,
      endDate: "2026-11-20T00:00:00Z",
      daysLeft: -4,
      source: "outputs",
    });
  });

  it("without --outputs, reports the schedule computed from config for every client", async () => {
    const base = h.baseArgs().filter((a, i, all) => a !== "--outputs" && all[i - 1] !== "--outputs");
    const r = await h.run(["--client-id", CLIENT_ID, "--format", "json"], { baseArgs: base });
    expect(r.exitCode, r.stdout).toBe(0);
    const secrets = (r.json as { secrets: Array<{ client: string; slot: string; source: string; daysLeft: number }> }).secrets;
    expect(secrets.map((s) => `${s.client}/${s.slot}:${s.source}:${s.daysLeft}`)).toEqual([
      "power-automate/a:schedule:22",
      "power-automate/b:schedule:172",
      "reporting/a:schedule:22",
      "reporting/b:schedule:172",
    ]);
  });
});
