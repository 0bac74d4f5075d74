/**
 * entra-client-secret-expiry: every client secret has an explicit, parseable end date, is not already expired and
 * lives at most `maxLifetime` (an ISO 8601 duration as in Entra ID's app management policy, default P180D, at most
 * P730D) from its start (or now). Expired secrets are the most common cause of broken integrations: a client secret
 * stops working on its end date (Microsoft Learn, "Add and manage app credentials",
 * learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials).
 */
import { changeHint } from "../lib/components";
import { ENTRA_MAX_LIFETIME } from "../lib/config";
import { DAY_MS, formatDays } from "../lib/dates";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { CLIENT_SECRET_TYPES, clientSecretsOf, fieldName, secretWindow } from "../lib/secrets";

export const clientSecretExpiry = resourceRule({
  name: "entra-client-secret-expiry",
  displayName: "Client secrets have an explicit, bounded expiry",
  description: `Every Entra ID client secret (ApplicationPassword, ServicePrincipalPassword, Application.password) must have an explicit RFC 3339 endDate, must not be expired, and must live at most maxLifetime (an ISO 8601 duration, default P180D, at most ${ENTRA_MAX_LIFETIME}) from its start (or now).`,
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set endDate explicitly (not endDateRelative) to a date in the future at most maxLifetime after startDate, and rotate secrets before they expire. This project's ClientApp does it for you: configure clients[].secret.lifetimeDays and rotateAfterDays.",
  url: DOCS.clientSecrets,
  settings: ["maxLifetime"],
  tags: ["entra-id", "secrets"],
  appliesTo: CLIENT_SECRET_TYPES,
  check({ type, props, settings, now, outcome, notApplicable, clientSetting }) {
    const max = settings.maxLifetime;
    const secrets = clientSecretsOf(type, props);
    if (secrets.length === 0) notApplicable("the application declares no inline password");
    const lifetimeKey = clientSetting("lifetimeDays");
    for (const secret of secrets) {
      const window = secretWindow(secret, now, outcome, (m) => outcome.fail(m));
      if (window === undefined) continue;
      const endField = fieldName(secret, "endDate");
      if (window.end.getTime() <= now.getTime()) {
        outcome.fail(`the client secret expired ${formatDays((now.getTime() - window.end.getTime()) / DAY_MS)} ago (${endField}); rotate it: declare a new secret with a future endDate`);
        continue;
      }
      if (window.end.getTime() <= window.start.getTime()) {
        outcome.fail(`${endField} is not after ${fieldName(secret, "startDate")}`);
        continue;
      }
      const lifetime = window.end.getTime() - window.start.getTime();
      if (lifetime > max.ms) {
        const from = window.startsNow ? "from now" : `from its ${fieldName(secret, "startDate")}`;
        outcome.fail(
          `the client secret lives ${formatDays(lifetime / DAY_MS)} (${from} to its ${endField}), longer than maxLifetime ${max.text} allows${lifetimeKey !== undefined ? changeHint(lifetimeKey) : `; shorten ${endField}`}`,
        );
      }
    }
  },
});
