/**
 * entra-client-secret-rotation-overlap (stack): rotations leave consumers time to switch. For every application:
 * - no gap: each secret, in order of start, starts before the latest end of the secrets before it;
 * - the overlap covers the warning window: after each rotation the previous secret stays valid at least `warnDays`
 *   (the expiry advisory's window; the pack refuses a config where the two differ). For this project's clients the
 *   recorded schedule says it for every future rotation too: `rotateAfterDays` must be at most
 *   `lifetimeDays - warnDays`. For other applications it is read from the secrets declared: each one must start at
 *   least `warnDays` before the latest end of those before it.
 * A single secret has nothing to compare with and is never flagged (a client just created has one), so the rule is
 * safe as mandatory.
 */
import type { PolicyResource } from "@pulumi/policy";
import { TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION } from "../../components/contracts";
import { clientConfigKey, componentsOf, recorded } from "../lib/components";
import { daysBetween, DAY_MS, formatDays } from "../lib/dates";
import { stackRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import type { Findings } from "../lib/outcome";
import { secretGroups } from "../lib/secrets";
import { ofType } from "../lib/stack";

/** A ClientApp's recorded schedule, when the app belongs to one. */
function recordedSchedule(app: PolicyResource, findings: Findings): { lifetimeDays: number; rotateAfterDays: number; key: string | undefined } | undefined {
  const components = componentsOf(app);
  if (components.client === undefined) return undefined;
  const lifetime = recorded(components.client, "secret.lifetimeDays");
  const rotate = recorded(components.client, "secret.rotateAfterDays");
  if (!lifetime.known || !rotate.known) {
    findings.undecidable(`the secret schedule ${app.name}'s client records`);
    return undefined;
  }
  if (typeof lifetime.value !== "number" || typeof rotate.value !== "number") return undefined;
  return { lifetimeDays: lifetime.value, rotateAfterDays: rotate.value, key: clientConfigKey(components, "rotateAfterDays") };
}

export const clientSecretRotationOverlap = stackRule({
  name: "entra-client-secret-rotation-overlap",
  displayName: "Client secret rotations overlap through the warning window",
  description:
    "An application's successive client secrets must leave no gap, and after each rotation the previous secret must stay valid at least warnDays (default 30, the expiry advisory's warning window): with this project, clients[].secret.rotateAfterDays at most lifetimeDays - warnDays.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Rotate with two secret slots: add the new secret while the old one still has more than the warning window to live, and remove the old one only after consumers switched. With this project: lower clients[].secret.rotateAfterDays (or raise lifetimeDays) so that lifetimeDays - rotateAfterDays >= warnDays.",
  url: DOCS.clientSecrets,
  settings: ["warnDays"],
  tags: ["entra-id", "secrets", "rotation"],
  check({ resources, settings, now, outcome, notApplicable }) {
    const warnDays = settings.warnDays;
    let judged = 0;
    for (const app of ofType(resources, TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION)) {
      const schedule = recordedSchedule(app, outcome);
      if (schedule === undefined) continue;
      judged++;
      const overlap = schedule.lifetimeDays - schedule.rotateAfterDays;
      if (overlap < warnDays) {
        outcome.fail(
          `${app.name}: each rotation leaves the previous secret valid ${formatDays(overlap)} (lifetimeDays ${schedule.lifetimeDays} - rotateAfterDays ${schedule.rotateAfterDays}), less than the ${warnDays}-day warning window, so the expiry advisory would fire before every rotation; set rotateAfterDays to at most ${schedule.lifetimeDays - warnDays}${schedule.key !== undefined ? ` (${schedule.key})` : ""}`,
          app.urn,
        );
      }
    }
    for (const { app, secrets } of secretGroups(resources, now, outcome)) {
      if (secrets.length < 2) continue;
      judged++;
      const scheduled = app !== undefined && componentsOf(app).client !== undefined;
      let latest = secrets[0];
      for (const secret of secrets.slice(1)) {
        const at = (app ?? secret.holder).urn;
        const owner = app !== undefined ? `${app.name}: ` : "";
        if (secret.start.getTime() >= latest.end.getTime()) {
          const gap = daysBetween(latest.end, secret.start);
          outcome.fail(
            `${owner}${secret.name} starts ${gap < 1 / 24 ? "only when" : `${formatDays(gap)} after`} ${latest.name} (the latest valid secret before it) ends: consumers have no valid secret in between; start the new secret before the old one expires`,
            at,
          );
        } else if (!scheduled && latest.end.getTime() - secret.start.getTime() < warnDays * DAY_MS) {
          outcome.fail(
            `${owner}${latest.name} ends ${formatDays(daysBetween(secret.start, latest.end))} after ${secret.name} starts, less than the ${warnDays}-day warning window; start each new secret at least ${warnDays} days before the previous one expires`,
            at,
          );
        }
        if (secret.end.getTime() > latest.end.getTime()) latest = secret;
      }
    }
    if (judged === 0 && outcome.undecided.length === 0) notApplicable("no application has a recorded secret schedule or more than one client secret");
  },
});
