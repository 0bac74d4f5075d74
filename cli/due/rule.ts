/**
 * When a stack needs a `pulumi up` although nothing changed on main: the rule the scheduled deploy applies every day
 * (`npm run due`), and the lifecycle tests replay. It compares what the stack would declare as of a day (the secret
 * schedule, components/rotation.ts) with what is deployed (the stack outputs, `clients.<name>.secrets[]`):
 *
 * - `new-client` (due): a configured client has no deployed secrets yet;
 * - `rotation` (due): the schedule's current secret for the day is not among the deployed ones (a rotation day came,
 *   or deploys were missed since);
 * - `stale` (due, and loud): a rotation has been waiting since before the day while the newest deployed secret is
 *   already inside the warning window: the daily deploys did not run (a disabled schedule, failing runs, a deploy
 *   waiting for approval) and consumers are about to lose their last valid secret;
 * - `expiring` (a note, not a reason to deploy): the newest deployed secret ends within `warnDays` while no rotation
 *   is waiting (a deploy would change nothing: the schedule's overlap is shorter than the warning window), or on a
 *   rotation's first day.
 *
 * Pure: no I/O, so the same function decides in CI and in the tests.
 */
import type { SecretOwner } from "../../components/secretDeclarations";
import { DAY_MS, firstGenerationAfter, isoDay, secretSchedule, utcDay } from "../../components/rotation";
import { daysLeft, isGeneration, type DeployedSecret, type DeployedSecrets } from "../secretSafety";

export type DueKind = "new-client" | "rotation" | "stale" | "expiring";

/** The kinds that make a stack due; `expiring` alone does not. */
export const DUE_KINDS: readonly DueKind[] = ["new-client", "rotation", "stale"];

export interface DueReason {
  client: string;
  kind: DueKind;
  message: string;
}

export interface DueResult {
  due: boolean;
  /** A client's rotation has waited since before the day with its newest secret inside the warning window. */
  stale: boolean;
  reasons: DueReason[];
}

/** The newest deployed secret: the one marked current, else the one that ends last. */
function newestDeployed(secrets: readonly DeployedSecret[]): DeployedSecret | undefined {
  const marked = secrets.find((s) => s.current === true);
  if (marked !== undefined) return marked;
  return [...secrets].sort((a, b) => b.endDate.getTime() - a.endDate.getTime())[0];
}

function expiresText(secret: DeployedSecret, left: number): string {
  return left <= 0 ? `expired on ${isoDay(secret.endDate)}` : `expires in ${left} day${left === 1 ? "" : "s"} (on ${isoDay(secret.endDate)})`;
}

export function dueReasons(clients: readonly SecretOwner[], deployed: DeployedSecrets, day: Date, warnDays: number): DueResult {
  const reasons: DueReason[] = [];
  for (const client of clients) {
    const secrets = deployed[client.name] ?? [];
    if (secrets.length === 0) {
      reasons.push({ client: client.name, kind: "new-client", message: `${client.name}: no deployed secret yet (a new client, or a stack not deployed)` });
      continue;
    }
    const current = secretSchedule(client.secret, day).current;
    const pending = !secrets.some((s) => isGeneration(s, current));
    if (pending) {
      reasons.push({
        client: client.name,
        kind: "rotation",
        message:
          `${client.name}: generation ${current.generation} (slot ${current.slot}) started on ${isoDay(current.startDate)} and is not deployed; ` +
          `the deployed secrets end on ${secrets.map((s) => isoDay(s.endDate)).join(", ")}`,
      });
    }
    const newest = newestDeployed(secrets);
    if (newest === undefined) continue;
    const left = daysLeft(day, newest.endDate);
    if (left > warnDays) continue;
    // Waiting since the first generation after the newest deployed secret started (deploys may have missed several).
    const since = newest.startDate === undefined ? current.startDate : firstGenerationAfter(client.secret, newest.startDate).startDate;
    const waitingSince = since.getTime() < current.startDate.getTime() ? since : current.startDate;
    const waiting = Math.round((utcDay(day).getTime() - waitingSince.getTime()) / DAY_MS);
    if (pending && waiting > 0) {
      reasons.push({
        client: client.name,
        kind: "stale",
        message:
          `${client.name}: a rotation has waited ${waiting} day${waiting === 1 ? "" : "s"} (since ${isoDay(waitingSince)}; generation ${current.generation} is the current one) ` +
          `and the newest deployed secret (slot ${newest.slot}) ${expiresText(newest, left)}, within the ${warnDays}-day warning window: the daily deploys did not run. ` +
          "Check the Deploy workflow's recent runs and that its schedule is enabled (GitHub disables scheduled workflows after 60 days without repository activity)",
      });
    } else {
      reasons.push({
        client: client.name,
        kind: "expiring",
        message: `${client.name}: the newest deployed secret (slot ${newest.slot}) ${expiresText(newest, left)}, within the ${warnDays}-day warning window`,
      });
    }
  }
  return { due: reasons.some((r) => DUE_KINDS.includes(r.kind)), stale: reasons.some((r) => r.kind === "stale"), reasons };
}
