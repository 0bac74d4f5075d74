/**
 * entra-client-secret-expiry-advisory (stack): an early warning when an application's client secrets are about to
 * run out: a secret expires within `warnDays` (default 30, when Entra ID and Key Vault start flagging it too) and no
 * newer secret of the same application stays valid beyond that window. During a normal rotation overlap the newer
 * secret is there, so the warning stays quiet; it speaks when a rotation is due and has not happened (with this
 * project: `pulumi up` was not run on the rotation day) or was never set up.
 * Missing, expired or unparseable dates are the mandatory entra-client-secret-expiry rule's job, not repeated here.
 */
import { daysBetween, DAY_MS, formatDays } from "../lib/dates";
import { stackRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { secretGroups, type DatedSecret } from "../lib/secrets";

/** True when `newer` is a later secret than `older` (started later, or at the same time and ends later). */
function isNewer(newer: DatedSecret, older: DatedSecret): boolean {
  return newer.start.getTime() > older.start.getTime() || (newer.start.getTime() === older.start.getTime() && newer.end.getTime() > older.end.getTime());
}

export const clientSecretExpiryAdvisory = stackRule({
  name: "entra-client-secret-expiry-advisory",
  displayName: "Client secrets about to run out",
  description:
    "Warns when an Entra ID client secret expires within warnDays (default 30) and no newer secret of the same application stays valid beyond that window.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Add the next secret and move its consumers to it before the old one expires. With this project: run pulumi up (the schedule adds the next secret on its rotation day; the daily scheduled deploy does it for you) and keep clients[].secret.lifetimeDays - rotateAfterDays at least warnDays.",
  url: DOCS.clientSecrets,
  settings: ["warnDays"],
  tags: ["entra-id", "secrets"],
  check({ resources, settings, now, outcome, notApplicable }) {
    const groups = secretGroups(resources, now, outcome);
    if (groups.length === 0 && outcome.undecided.length === 0) notApplicable("the stack declares no dated client secrets");
    const horizon = now.getTime() + settings.warnDays * DAY_MS;
    for (const { app, secrets } of groups) {
      for (const secret of secrets) {
        if (secret.end.getTime() <= now.getTime() || secret.end.getTime() > horizon) continue;
        const successor = secrets.find((other) => other !== secret && isNewer(other, secret) && other.end.getTime() > horizon);
        if (successor !== undefined) continue;
        const owner = app !== undefined ? ` of ${app.name}` : "";
        outcome.fail(
          `${secret.name}${owner} expires in ${formatDays(daysBetween(now, secret.end))} and no newer secret${owner} stays valid beyond the ${settings.warnDays}-day warning window; add the next secret and move its consumers to it before then`,
          secret.holder.urn,
        );
      }
    }
  },
});
