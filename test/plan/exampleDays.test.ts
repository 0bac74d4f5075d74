/**
 * Both example stacks planned (`npm run plan -- --date`) on days across a year: rotation days, the last day of a
 * previous secret's overlap, a day with one secret per client, a leap day. On every one of them the real pack, with the
 * stack's own policies/config/<stack>.json and its clock at that day, reports nothing: no mandatory violation and no
 * advisory either (the expiry advisory sees the newer secret, the rotation rule the whole schedule).
 *
 * The days and the passwords each declares come from the example schedules (dev: power-automate 180/150 days,
 * reporting 90/60; prod: power-automate 180/130, sharepoint-forms 180/120; warning windows 30 and 45 days).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { computePlan } from "../../cli/plan/computePlan";
import type { PlanResult } from "../../cli/plan/model";
import { TYPE_AZUREAD_APPLICATION_PASSWORD, TYPE_KEYVAULT_SECRET } from "../../components/contracts";
import { REPO_ROOT } from "./project";

/** Per stack: each day planned and the client passwords that day declares (both slots during an overlap). */
const DAYS: Record<"dev" | "prod", Array<[day: string, passwords: string[], why: string]>> = {
  dev: [
    ["2027-02-13", ["power-automate-secret-b", "reporting-secret-a"], "the day before reporting rotates: its only secret ends in 31 days, outside the 30-day window"],
    ["2027-04-15", ["power-automate-secret-a", "power-automate-secret-b", "reporting-secret-a", "reporting-secret-b"], "both clients rotate"],
    ["2027-05-14", ["power-automate-secret-a", "power-automate-secret-b", "reporting-secret-a", "reporting-secret-b"], "both previous secrets end tomorrow"],
    ["2027-09-12", ["power-automate-secret-a", "power-automate-secret-b", "reporting-secret-a"], "power-automate rotates, reporting's previous secret ended"],
    ["2027-12-31", ["power-automate-secret-b", "reporting-secret-a", "reporting-secret-b"], "the last day of the year"],
  ],
  prod: [
    ["2027-03-16", ["power-automate-secret-a", "power-automate-secret-b", "sharepoint-forms-secret-b"], "power-automate rotates"],
    ["2027-05-04", ["power-automate-secret-a", "power-automate-secret-b", "sharepoint-forms-secret-a", "sharepoint-forms-secret-b"], "power-automate's previous secret ends tomorrow"],
    ["2027-08-13", ["power-automate-secret-a", "power-automate-secret-b", "sharepoint-forms-secret-a", "sharepoint-forms-secret-b"], "sharepoint-forms rotates"],
    ["2027-10-11", ["power-automate-secret-a", "sharepoint-forms-secret-a", "sharepoint-forms-secret-b"], "sharepoint-forms' previous secret ends tomorrow"],
    ["2028-02-29", ["power-automate-secret-b", "sharepoint-forms-secret-a"], "a leap day, one secret per client"],
  ],
};

const plans = new Map<string, PlanResult>();

beforeAll(async () => {
  const jobs = (Object.keys(DAYS) as Array<keyof typeof DAYS>).flatMap((stack) => DAYS[stack].map(([day]) => ({ stack, day })));
  // Two plans at a time: each starts a program and a policy pack of its own.
  const next = async (): Promise<void> => {
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
      const { result } = await computePlan({ root: REPO_ROOT, stack: job.stack, date: job.day });
      plans.set(`${job.stack} ${job.day}`, result);
    }
  };
  await Promise.all([next(), next()]);
}, 600_000);

describe.each(Object.keys(DAYS) as Array<keyof typeof DAYS>)("the %s example stack across a year", (stack) => {
  it.each(DAYS[stack])("on %s declares that day's secrets and has no finding at all (%j; %s)", (day, passwords) => {
    const plan = plans.get(`${stack} ${day}`)!;
    expect(plan.date).toBe(day);
    // The clients' (the dev stack's outbound app, k2-oauth:outbound, rotates on its own schedule).
    const clients = plan.resources.filter((r) => !r.name.startsWith("k2-outbound-"));
    expect(clients.filter((r) => r.type === TYPE_AZUREAD_APPLICATION_PASSWORD).map((r) => r.name).sort()).toEqual(passwords);
    // One Key Vault secret per client, every day (and the outbound app's).
    expect(clients.filter((r) => r.type === TYPE_KEYVAULT_SECRET)).toHaveLength(2);
    expect(plan.resources.filter((r) => r.type === TYPE_KEYVAULT_SECRET)).toHaveLength(stack === "dev" ? 3 : 2);
    expect(plan.policy.resourcesAnalyzed).toBe(plan.resources.length);
    expect(plan.policy.configFile).toBe(`policies/config/${stack}.json`);
    expect(plan.checks.failures).toEqual([]);
    // No finding but, on dev, the advisory about its delegated outbound resource (the K2 service account's 90-day token).
    expect(plan.policy.violations.map((v) => [v.policy, v.level])).toEqual(stack === "dev" ? [["k2-outbound-delegated-token-expiry", "advisory"]] : []);
  });
});
