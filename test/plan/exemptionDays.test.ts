/**
 * A time-boxed exemption through `npm run plan -- --date`: the pack's clock is the day planned, so the exemption hides
 * its finding (advisory, with its day and reason) through the end of its `expires` day, and from the next day the
 * finding is back at its full level with the expired exemption reported; an `expires` more than a year after the day
 * planned is refused (exit 2).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computePlan } from "../../cli/plan/computePlan";
import type { PlanResult } from "../../cli/plan/model";
import { exampleStack, linkedProject, type TempProject } from "./project";

const EXEMPTION = { resource: "reporting-app", reason: "custom domain ordered", expires: "2027-03-31" };
const SHARED_HOST = "https://reports-dev.azurewebsites.net/signin-oidc";

let project: TempProject;
const plans: Record<string, PlanResult> = {};
let tooEarly: unknown;

beforeAll(async () => {
  project = linkedProject({ dev: { "entra-app-redirect-uris": { exemptions: [EXEMPTION] } } });
  project.writeStack("dev", exampleStack("dev", [["https://reports-dev.example.com/signin-oidc", SHARED_HOST]]));
  const plan = (date: string) => computePlan({ root: project.root, stack: "dev", date });
  const [lastDay, nextDay] = await Promise.all([plan("2027-03-31"), plan("2027-04-01")]);
  plans.lastDay = lastDay.result;
  plans.nextDay = nextDay.result;
  tooEarly = await plan("2026-03-30").then(
    () => undefined,
    (err: unknown) => err,
  );
}, 300_000);
afterAll(() => project.remove());

const redirectFindings = (plan: PlanResult) =>
  plan.policy.violations.filter((v) => v.policy === "entra-app-redirect-uris").map((v) => [v.level, v.urn?.split("::").pop(), v.message.split(". The finding: ")[0]]);

describe("an exemption planned with --date", () => {
  it("hides the finding through the end of its day: advisory, with the day and the reason", () => {
    expect(redirectFindings(plans.lastDay)).toEqual([["advisory", "reporting-app", "exempted until 2027-03-31: custom domain ordered"]]);
    const [finding] = plans.lastDay.policy.violations;
    expect(finding.message).toContain("is on the shared hosting domain");
    expect(plans.lastDay.policy.violations.filter((v) => v.level === "mandatory")).toEqual([]);
  });

  it("no longer hides it the next day, and reports the expired exemption", () => {
    const findings = redirectFindings(plans.nextDay);
    expect(findings).toHaveLength(2);
    expect(findings[0][0]).toBe("mandatory");
    expect(findings[0][1]).toBe("reporting-app");
    expect(findings[0][2]).toContain("is on the shared hosting domain");
    expect(findings[0][2]).toContain("; change redirectUris[0] of the client named reporting in k2-oauth:clients");
    expect(findings[1]).toEqual([
      "advisory",
      "reporting-app",
      'the exemption for "reporting-app" expired on 2027-03-31 (custom domain ordered): its findings are reported again; renew it with a new expires day or remove it',
    ]);
  });

  it("is refused when it ends more than a year after the day planned", () => {
    expect(tooEarly).toBeInstanceOf(Error);
    expect((tooEarly as Error).name).toBe("PlanConfigError");
    expect((tooEarly as Error).message).toMatch(/"entra-app-redirect-uris"\.exemptions\[0\]\.expires: expected a day at most one year ahead \(2027-03-30 or earlier\)/);
  });
});
