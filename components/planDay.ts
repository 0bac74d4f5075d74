/**
 * The day the program computes the secret schedule for: today, or in a preview the day named by K2_OAUTH_PLAN_DATE
 * (`npm run plan -- --date`, or `pulumi preview` to see a rotation day before it comes). An update (`pulumi up`) never
 * deploys another day's schedule: with the variable set it stops before declaring anything.
 */
import * as pulumi from "@pulumi/pulumi";
import { PLAN_DATE_ENV } from "./contracts";
import { parseUtcDay } from "./rotation";

export function planDay(env: NodeJS.ProcessEnv = process.env, dryRun: boolean = pulumi.runtime.isDryRun(), now: Date = new Date()): Date {
  const text = env[PLAN_DATE_ENV];
  if (text === undefined || text === "") return now;
  const day = parseUtcDay(text);
  if (day === undefined) {
    throw new pulumi.RunError(`${PLAN_DATE_ENV} is '${text}': expected a calendar day written YYYY-MM-DD, like 2027-02-14 (the day to plan as of)`);
  }
  if (!dryRun) {
    throw new pulumi.RunError(
      `${PLAN_DATE_ENV} is set (${text}): it plans as of another day and is for previews only; unset it to deploy today's schedule`,
    );
  }
  return day;
}
