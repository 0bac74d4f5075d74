/**
 * The day the program computes the secret schedule for: today, or in a preview the day named by K2_OAUTH_PLAN_DATE
 * (`npm run plan -- --date`, or `pulumi preview` to see a rotation day before it comes). An update (`pulumi up`) never
 * deploys another day's schedule: with the variable set it stops before declaring anything.
 */
import * as pulumi from "@pulumi/pulumi";
import { PLAN_DATE_ENV } from "./contracts";
import { isoDay, parseUtcDay } from "./rotation";

export function planDay(
  env: NodeJS.ProcessEnv = process.env,
  dryRun: boolean = pulumi.runtime.isDryRun(),
  now: Date = new Date(),
  warn: (message: string) => void = (message) => void pulumi.log.warn(message),
): Date {
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
  // Said in the preview's output, so that nobody takes another day's plan for today's.
  if (isoDay(day) !== isoDay(now)) warn(`planning as of ${isoDay(day)} (${PLAN_DATE_ENV}), not today (${isoDay(now)}): the secret schedule shown is that day's`);
  return day;
}
