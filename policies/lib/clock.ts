/**
 * The instant rules evaluate dates against (secret expiry, lifetimes, rotation overlap): real time, or midnight UTC of
 * the day K2_OAUTH_PLAN_DATE names (`npm run plan -- --date`, which starts the pack with it; the program's schedule
 * follows the same variable). Tests fix it with `setClock` so no result depends on when the suite runs.
 */
import { PLAN_DATE_ENV } from "../../components/contracts";
import { parseUtcDay } from "../../components/rotation";

/**
 * The clock the environment asks for; an unreadable day stops the pack instead of silently using today.
 *
 * No preview-only guard here, unlike the program's (components/planDay.ts): @pulumi/policy does not tell a policy
 * whether it runs in a preview or an update. None is needed: in an update with the variable set, the program stops
 * before it registers any resource, so the pack never judges a deploy by another day's clock.
 */
export function clockFromEnvironment(env: NodeJS.ProcessEnv = process.env): () => Date {
  const text = env[PLAN_DATE_ENV];
  if (text === undefined || text === "") return () => new Date();
  const day = parseUtcDay(text);
  if (day === undefined) {
    throw new Error(`${PLAN_DATE_ENV} is '${text}': expected a calendar day written YYYY-MM-DD, like 2027-02-14 (the day the policies evaluate dates against)`);
  }
  return () => new Date(day.getTime());
}

let source: () => Date = clockFromEnvironment();

export function now(): Date {
  return source();
}

/** Fixes the clock (tests). `undefined` restores the environment's clock. */
export function setClock(clock: (() => Date) | undefined): void {
  source = clock ?? clockFromEnvironment();
}
