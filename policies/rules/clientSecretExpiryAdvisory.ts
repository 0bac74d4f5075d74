/**
 * entra-client-secret-expiry-advisory: early warnings for client secrets that are valid but need attention: one that
 * expires within `warnDays` (default 30, when Entra ID and Key Vault start flagging it too) or one that lives longer
 * than the recommended `recommendedLifetimeDays` (default 180, what the Entra portal suggests).
 * Missing, expired or unparseable dates are the mandatory entra-client-secret-expiry rule's job, not repeated here.
 */
import { configSchemaOf, intOr } from "../lib/config";
import { daysBetween, formatDays, isoDay } from "../lib/dates";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { CLIENT_SECRET_TYPES, clientSecretsOf } from "../lib/secrets";
import { secretWindow } from "./clientSecretExpiry";

export const clientSecretExpiryAdvisory = resourceRule({
  name: "entra-client-secret-expiry-advisory",
  displayName: "Client secrets close to expiry or long-lived",
  description:
    "Warns when an Entra ID client secret expires within warnDays (default 30) or lives longer than recommendedLifetimeDays (default 180, the Entra portal's suggestion).",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Rotate a secret that expires soon (with this project: run pulumi up; the schedule adds the next generation before the current one expires) and update its consumers. Prefer lifetimes of 180 days or less with rotation.",
  url: DOCS.clientSecrets,
  configSchema: configSchemaOf("warnDays", "recommendedLifetimeDays"),
  tags: ["entra-id", "secrets"],
  appliesTo: CLIENT_SECRET_TYPES,
  check({ type, props, config, now, outcome, notApplicable }) {
    const warnDays = intOr(config, "warnDays");
    const recommended = intOr(config, "recommendedLifetimeDays");
    const secrets = clientSecretsOf(type, props);
    if (secrets.length === 0) notApplicable("the application declares no inline password");
    for (const secret of secrets) {
      // Date problems are reported by the mandatory rule; this rule only warns about valid secrets.
      const window = secretWindow(secret, now, outcome, () => undefined);
      if (window === undefined || window.end.getTime() <= now.getTime() || window.end.getTime() <= window.start.getTime()) continue;
      const left = daysBetween(now, window.end);
      if (left <= warnDays) {
        outcome.fail(`the client secret expires in ${formatDays(left)} (on ${isoDay(window.end)}); make sure a newer secret exists and its consumers use it before then`);
      }
      const lifetime = daysBetween(window.start, window.end);
      if (lifetime > recommended) {
        outcome.fail(`the client secret lives ${formatDays(lifetime)}, longer than the recommended ${recommended} days; prefer shorter lifetimes with rotation`);
      }
    }
  },
});
