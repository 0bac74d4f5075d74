/**
 * `npm run plan -- --date YYYY-MM-DD`: the plan as of a UTC day. The program's secret schedule (components/planDay.ts,
 * through K2_OAUTH_PLAN_DATE in its process), the policy pack's clock (policies/lib/clock.ts, the same variable in the
 * pack's process) and the output all follow it; a day that is not a calendar day is a usage error naming --date.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/plan";
import { synopsis, usageErrorText } from "../../cli/args";
import { parsePlanArgs, PLAN_COMMAND } from "../../cli/plan/args";
import { computePlan } from "../../cli/plan/computePlan";
import { UsageError } from "../../cli/plan/errors";
import type { PlanResult } from "../../cli/plan/model";
import { planJson } from "../../cli/plan/render/json";
import { renderMarkdown } from "../../cli/plan/render/markdown";
import { renderText } from "../../cli/plan/render/text";
import { planDay } from "../../components/planDay";
import { clockFromEnvironment } from "../../policies/lib/clock";
import { thrown } from "../helpers/thrown";
import { captureIo, exampleStack, linkedProject, REPO_ROOT, type TempProject } from "./project";

describe("--date on the command line", () => {
  it("is read as given", () => {
    expect(parsePlanArgs(["--stack", "dev", "--date", "2027-02-14"])).toEqual({ stack: "dev", format: "text", date: "2027-02-14", deployGate: false, help: false });
    expect(parsePlanArgs(["--stack", "dev", "--date", "2028-02-29"]).date).toBe("2028-02-29");
  });

  it.each([
    ["2027-02-30", "--date '2027-02-30' is not a calendar day written YYYY-MM-DD, like 2027-02-14 (a UTC day)"],
    ["tomorrow", "--date 'tomorrow' is not a calendar day written YYYY-MM-DD, like 2027-02-14 (a UTC day)"],
    ["2027-2-14", "--date '2027-2-14' is not a calendar day written YYYY-MM-DD, like 2027-02-14 (a UTC day)"],
    ["", "--date needs a value: --date <YYYY-MM-DD>"],
  ])("rejects %j as a usage error naming --date", (date, message) => {
    const error = thrown(() => parsePlanArgs(["--stack", "dev", "--date", date]));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message);
  });

  it("exits 2 with the problem and the usage on stderr, and starts nothing", async () => {
    const io = captureIo(REPO_ROOT);
    expect(await main(["--stack", "dev", "--date", "2027-02-30"], io.io)).toBe(2);
    expect(io.out()).toBe("");
    expect(io.err()).toBe(usageErrorText(PLAN_COMMAND, "--date '2027-02-30' is not a calendar day written YYYY-MM-DD, like 2027-02-14 (a UTC day)"));
    expect(synopsis(PLAN_COMMAND)).toBe(
      "npm run plan -- --stack <name> [--format text|markdown|json] [--against <git-ref>] [--date <YYYY-MM-DD>] [--deploy-gate] [--outputs <file>] [options]",
    );
  });
});

const EXPIRES_IN_31_DAYS =
  "reporting-secret-a of reporting-app expires in 31 days and no newer secret of reporting-app stays valid beyond the 31-day warning window; add the next secret and move its consumers to it before then";

describe("the dev example stack planned as of two days", () => {
  // 2027-02-14 is a rotation day of the dev stack's reporting client (90/60 days): generation 19 starts in slot b.
  // The expiry advisory warns 31 days ahead here (the example's 30 plus one, and the rotation rule's window with it), so that the day before the rotation the
  // expiring secret is inside the window with no newer secret: a finding only a clock at that day can produce (from
  // today's clock that secret is months away from its end).
  let rotationDay: PlanResult;
  let dayBefore: PlanResult;
  let project: TempProject;

  beforeAll(async () => {
    const devConfig = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policies", "config", "dev.json"), "utf8")) as Record<string, unknown>;
    const window31 = { warnDays: 31 };
    project = linkedProject({ dev: { ...devConfig, "entra-client-secret-expiry-advisory": window31, "entra-client-secret-rotation-overlap": window31 } });
    project.writeStack("dev", exampleStack("dev"));
    const [a, b] = await Promise.all([
      computePlan({ root: project.root, stack: "dev", date: "2027-02-14" }),
      computePlan({ root: project.root, stack: "dev", date: "2027-02-13" }),
    ]);
    rotationDay = a.result;
    dayBefore = b.result;
  }, 180_000);
  afterAll(() => project.remove());

  const inputsOf = (plan: PlanResult, name: string) => plan.resources.find((r) => r.name === name)?.inputs;

  it("declares that day's secrets", () => {
    const passwords = (plan: PlanResult) =>
      plan.resources.filter((r) => r.name.startsWith("reporting-secret-") && r.type.endsWith("ApplicationPassword")).map((r) => [r.name, r.inputs.startDate, r.inputs.endDate]);
    expect(passwords(dayBefore)).toEqual([["reporting-secret-a", "2026-12-16T00:00:00Z", "2027-03-16T00:00:00Z"]]);
    expect(passwords(rotationDay)).toEqual([
      ["reporting-secret-a", "2026-12-16T00:00:00Z", "2027-03-16T00:00:00Z"],
      ["reporting-secret-b", "2027-02-14T00:00:00Z", "2027-05-15T00:00:00Z"],
    ]);
    // The client's Key Vault secret moves to the new generation under the same name.
    expect(inputsOf(dayBefore, "reporting-secret-kv")).toMatchObject({ secretName: "reporting-client-secret", tags: { "k2-oauth-generation": "18", "k2-oauth-slot": "a" } });
    expect(inputsOf(rotationDay, "reporting-secret-kv")).toMatchObject({ secretName: "reporting-client-secret", tags: { "k2-oauth-generation": "19", "k2-oauth-slot": "b" } });
  });

  it("has the policy pack count days from that day", () => {
    const expiry = (plan: PlanResult) => plan.policy.violations.filter((v) => v.policy === "entra-client-secret-expiry-advisory").map((v) => [v.urn?.split("::").pop(), v.message]);
    expect(expiry(dayBefore)).toEqual([["reporting-secret-a", EXPIRES_IN_31_DAYS]]);
    // On the rotation day the expiring secret has a newer one that outlives the window: nothing to warn about.
    expect(expiry(rotationDay)).toEqual([]);
  });

  it("says which day in every format, and the program warns that it is not today", () => {
    expect(rotationDay.date).toBe("2027-02-14");
    // (Today's date is not fixed in the pattern: the suite may run across midnight.)
    expect(rotationDay.warnings).toContainEqual(
      expect.stringMatching(/^program: planning as of 2027-02-14 \(K2_OAUTH_PLAN_DATE\), not today \(\d{4}-\d{2}-\d{2}\): the secret schedule shown is that day's$/),
    );
    expect(renderText(rotationDay, { color: false }).split("\n")[0]).toBe("Offline plan: stack dev (project k2-oauth) as of 2027-02-14 (UTC)");
    expect(renderMarkdown(rotationDay).split("\n")[0]).toBe("### Offline plan: stack `dev` as of 2027-02-14");
    expect(planJson(rotationDay)).toMatchObject({ stack: "dev", date: "2027-02-14" });
  });
});

describe("the program's day (components/planDay.ts)", () => {
  const now = new Date(Date.UTC(2026, 10, 29, 16, 52));

  it("is now unless K2_OAUTH_PLAN_DATE names a day, and says so when that is not today", () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    expect(planDay({}, true, now, warn)).toBe(now);
    expect(planDay({ K2_OAUTH_PLAN_DATE: "" }, false, now, warn)).toBe(now);
    expect(planDay({ K2_OAUTH_PLAN_DATE: "2026-11-29" }, true, now, warn)).toEqual(new Date(Date.UTC(2026, 10, 29)));
    expect(warnings).toEqual([]);
    expect(planDay({ K2_OAUTH_PLAN_DATE: "2027-02-14" }, true, now, warn)).toEqual(new Date(Date.UTC(2027, 1, 14)));
    expect(warnings).toEqual(["planning as of 2027-02-14 (K2_OAUTH_PLAN_DATE), not today (2026-11-29): the secret schedule shown is that day's"]);
  });

  it("refuses another day's schedule in an update, and a day that does not exist", () => {
    expect(() => planDay({ K2_OAUTH_PLAN_DATE: "2027-02-14" }, false, now)).toThrow(
      "K2_OAUTH_PLAN_DATE is set (2027-02-14): it plans as of another day and is for previews only; unset it to deploy today's schedule",
    );
    expect(() => planDay({ K2_OAUTH_PLAN_DATE: "2027-02-30" }, true, now)).toThrow(
      "K2_OAUTH_PLAN_DATE is '2027-02-30': expected a calendar day written YYYY-MM-DD, like 2027-02-14 (the day to plan as of)",
    );
  });
});

describe("the policy pack's clock (policies/lib/clock.ts)", () => {
  it("is midnight UTC of K2_OAUTH_PLAN_DATE, or real time", () => {
    expect(clockFromEnvironment({ K2_OAUTH_PLAN_DATE: "2027-02-14" })()).toEqual(new Date(Date.UTC(2027, 1, 14)));
    const before = Date.now();
    const real = clockFromEnvironment({})().getTime();
    expect(real).toBeGreaterThanOrEqual(before);
    expect(real).toBeLessThanOrEqual(Date.now());
  });

  it("stops the pack on a day it cannot read", () => {
    expect(() => clockFromEnvironment({ K2_OAUTH_PLAN_DATE: "soon" })).toThrow(
      "K2_OAUTH_PLAN_DATE is 'soon': expected a calendar day written YYYY-MM-DD, like 2027-02-14 (the day the policies evaluate dates against)",
    );
  });
});
