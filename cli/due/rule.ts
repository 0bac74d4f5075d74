/**
 * When a stack needs a `pulumi up` although nothing changed on main: the rule the scheduled deploy applies every day
 * (`npm run due`), and the lifecycle tests replay. It compares what the stack would declare as of a day (the secret
 * schedule, components/rotation.ts) with what is deployed (the stack outputs, `clients.<name>.secrets[]`):
 *
 * - `new-client`: a configured client has no deployed secrets yet;
 * - `rotation`: the schedule's current secret for the day is not among the deployed ones (a rotation day came, or
 *   deploys were missed since);
 * - `expiring`: the newest deployed secret of a client ends within `warnDays` (or has ended): consumers are about to
 *   lose their last valid secret; a deploy then brings the schedule's current secret, or the warning shows that the
 *   schedule's overlap is shorter than the warning window.
 *
 * Pure: no I/O, so the same function decides in CI and in the tests.
 */
import type { ClientConfig } from "../../components/config";
import { DAY_MS, isoDay, secretSchedule, utcDay } from "../../components/rotation";

/** A deployed client secret as the stack outputs give it. */
export interface DeployedSecret {
  slot: string;
  current: boolean | undefined;
  endDate: Date;
}

/** Deployed secrets per client name (clients absent from the outputs are not deployed). */
export type DeployedSecrets = Readonly<Record<string, readonly DeployedSecret[] | undefined>>;

export type DueKind = "new-client" | "rotation" | "expiring";

export interface DueReason {
  client: string;
  kind: DueKind;
  message: string;
}

export interface DueResult {
  due: boolean;
  reasons: DueReason[];
}

/** Whole days from the start of `day` to `end` (end dates are whole UTC days). */
function daysLeft(day: Date, end: Date): number {
  return Math.round((end.getTime() - utcDay(day).getTime()) / DAY_MS);
}

/** The newest deployed secret: the one marked current, else the one that ends last. */
function newestDeployed(secrets: readonly DeployedSecret[]): DeployedSecret | undefined {
  const marked = secrets.find((s) => s.current === true);
  if (marked !== undefined) return marked;
  return [...secrets].sort((a, b) => b.endDate.getTime() - a.endDate.getTime())[0];
}

export function dueReasons(clients: readonly ClientConfig[], deployed: DeployedSecrets, day: Date, warnDays: number): DueResult {
  const reasons: DueReason[] = [];
  for (const client of clients) {
    const secrets = deployed[client.name] ?? [];
    if (secrets.length === 0) {
      reasons.push({ client: client.name, kind: "new-client", message: `${client.name}: no deployed secret yet (a new client, or a stack not deployed)` });
      continue;
    }
    const schedule = secretSchedule(client.secret, day);
    const current = schedule.current;
    if (!secrets.some((s) => s.endDate.getTime() === current.endDate.getTime())) {
      reasons.push({
        client: client.name,
        kind: "rotation",
        message:
          `${client.name}: generation ${current.generation} (slot ${current.slot}) started on ${isoDay(current.startDate)} and is not deployed; ` +
          `the deployed secrets end on ${secrets.map((s) => isoDay(s.endDate)).join(", ")}`,
      });
    }
    const newest = newestDeployed(secrets);
    if (newest !== undefined) {
      const left = daysLeft(day, newest.endDate);
      if (left <= warnDays) {
        reasons.push({
          client: client.name,
          kind: "expiring",
          message:
            left <= 0
              ? `${client.name}: the newest deployed secret (slot ${newest.slot}) expired on ${isoDay(newest.endDate)}`
              : `${client.name}: the newest deployed secret (slot ${newest.slot}) expires in ${left} day${left === 1 ? "" : "s"} (on ${isoDay(newest.endDate)}), within the ${warnDays}-day warning window`,
        });
      }
    }
  }
  return { due: reasons.length > 0, reasons };
}
