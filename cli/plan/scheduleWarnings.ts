/**
 * Warnings the plan adds about clients' secret schedules (they never fail a plan; the deploy gate refuses what must
 * not be deployed):
 * - an overlap (lifetimeDays - rotateAfterDays) shorter than the stack's expiry warning window: the newest secret is
 *   flagged as expiring before every rotation, and a deploy cannot help;
 * - with `--against`, a client that is new in the change and has no `secret.startDate`: deployed on a day inside the
 *   fixed schedule's overlap, its first secret would expire within days (the deploy gate refuses that deploy).
 */
import type { ClientConfig } from "../../components/config";
import { TYPE_CLIENT_APP } from "../../components/contracts";
import type { PlanDiff } from "./model";

export function overlapWarnings(clients: readonly ClientConfig[], warnDays: number, warnDaysFrom: string): string[] {
  return clients.flatMap((client, i) => {
    const { lifetimeDays, rotateAfterDays } = client.secret;
    const overlap = lifetimeDays - rotateAfterDays;
    if (overlap >= warnDays) return [];
    // The same bound as the pack's rotation rule: an overlap equal to the window is enough (the successor exists on
    // the rotation day and outlives the window), so rotateAfterDays may equal lifetimeDays - warnDays.
    const most = lifetimeDays - warnDays;
    const least = Math.ceil(lifetimeDays / 2);
    return [
      `k2-oauth:clients[${i}].secret (${client.name}): the overlap after a rotation, lifetimeDays - rotateAfterDays = ${overlap} days, is shorter than ` +
        `the ${warnDays}-day expiry warning window (${warnDaysFrom}): the newest secret is flagged as expiring ${warnDays - overlap} days before every ` +
        `rotation, and no deploy can help. Keep rotateAfterDays at most ${most} (lifetimeDays - warnDays) and at least ${least}` +
        `${most < least ? " (not possible with this lifetime: lower warnDays or raise lifetimeDays)" : ""}, or lower warnDays; ` +
        `on a deployed client a schedule change replaces its secrets (README.md, "Changing a deployed client's schedule").`,
    ];
  });
}

/** Clients the diff adds (a ClientApp absent from the base, or a stack absent from the base) that have no start date. */
export function newClientWarnings(clients: readonly ClientConfig[], diff: PlanDiff | undefined, date: string): string[] {
  if (diff === undefined || diff.base === "unavailable") return [];
  const added = new Set(diff.added.filter((r) => r.type === TYPE_CLIENT_APP).map((r) => r.name));
  return clients.flatMap((client, i) =>
    (diff.base === "new" || added.has(client.name)) && client.secret.startDate === undefined
      ? [
          `k2-oauth:clients[${i}] (${client.name}) is new against ${diff.against} and has no secret.startDate: it would join the fixed schedule ` +
            `mid-generation, and deployed during an overlap its first secret would expire within days (the deploy gate refuses that). ` +
            `Add \`startDate: <the day it is deployed>\` under clients[${i}].secret, like \`startDate: ${date}\`.`,
        ]
      : [],
  );
}
