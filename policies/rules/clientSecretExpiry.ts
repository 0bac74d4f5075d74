/**
 * entra-client-secret-expiry: every client secret has an explicit, parseable end date, is not already expired and
 * lives at most `maxLifetimeDays` (default 365) from its start (or now). Expired secrets are the most common cause
 * of broken integrations: a client secret stops working on its end date (Microsoft Learn, "Add and manage app
 * credentials", learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials).
 */
import { configSchemaOf, intOr } from "../lib/config";
import { daysBetween, formatDays, isoDay, parseRfc3339 } from "../lib/dates";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { CLIENT_SECRET_TYPES, clientSecretsOf, fieldName, type ClientSecretView } from "../lib/secrets";
import type { Outcome } from "../lib/outcome";
import { describeType } from "../lib/values";

/** The dates of one secret once known and valid, or undefined after reporting why they are not. */
export interface SecretWindow {
  start: Date;
  /** True when startDate was not given: the secret starts when it is created (now). */
  startsNow: boolean;
  end: Date;
}

/**
 * Reads a secret's start and end. Reports (through `onProblem`) a missing, relative-only or unparseable end date and
 * an unparseable start date; records unknown values as undecided.
 */
export function secretWindow(
  secret: ClientSecretView,
  now: Date,
  outcome: Outcome,
  onProblem: (message: string) => void,
): SecretWindow | undefined {
  const endField = fieldName(secret, "endDate");
  const startField = fieldName(secret, "startDate");
  if (!secret.endDate.known) {
    outcome.undecidable(`${endField} (expiry and lifetime of the client secret)`);
    return undefined;
  }
  const endRaw = secret.endDate.value;
  if (endRaw === undefined || endRaw === null || endRaw === "") {
    const relative = secret.endDateRelative.known && typeof secret.endDateRelative.value === "string" && secret.endDateRelative.value !== "";
    onProblem(
      relative
        ? `${endField} is not set: the deprecated endDateRelative does not count; set ${endField} to an explicit RFC 3339 date`
        : `${endField} is not set, so the provider picks the expiry; set ${endField} to an explicit RFC 3339 date`,
    );
    return undefined;
  }
  const end = parseDateField(endField, endRaw, "2026-06-30T00:00:00Z", onProblem);
  if (end === undefined) return undefined;
  if (!secret.startDate.known) {
    outcome.undecidable(`${startField} (lifetime of the client secret)`);
    return undefined;
  }
  const startRaw = secret.startDate.value;
  if (startRaw === undefined || startRaw === null || startRaw === "") return { start: now, startsNow: true, end };
  const start = parseDateField(startField, startRaw, "2026-01-01T00:00:00Z", onProblem);
  return start === undefined ? undefined : { start, startsNow: false, end };
}

/** A set date field's value as a Date, or undefined after reporting that it is not an RFC 3339 string. */
function parseDateField(field: string, raw: unknown, example: string, onProblem: (message: string) => void): Date | undefined {
  if (typeof raw !== "string") {
    onProblem(`${field} must be an RFC 3339 date string, got ${describeType(raw)}`);
    return undefined;
  }
  const at = parseRfc3339(raw);
  if (at === undefined) onProblem(`${field} '${raw}' is not an RFC 3339 date-time like ${example}`);
  return at;
}

export const clientSecretExpiry = resourceRule({
  name: "entra-client-secret-expiry",
  displayName: "Client secrets have an explicit, bounded expiry",
  description:
    "Every Entra ID client secret (ApplicationPassword, ServicePrincipalPassword, Application.password) must have an explicit RFC 3339 endDate, must not be expired, and must live at most maxLifetimeDays (default 365) from its start (or now).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set endDate explicitly (not endDateRelative) to a date in the future at most maxLifetimeDays after startDate, and rotate secrets before they expire. This project's ClientApp does it for you: configure clients[].secret.lifetimeDays and rotateAfterDays.",
  url: DOCS.clientSecrets,
  configSchema: configSchemaOf("maxLifetimeDays"),
  tags: ["entra-id", "secrets"],
  appliesTo: CLIENT_SECRET_TYPES,
  check({ type, props, config, now, outcome, notApplicable }) {
    const maxDays = intOr(config, "maxLifetimeDays");
    const secrets = clientSecretsOf(type, props);
    if (secrets.length === 0) notApplicable("the application declares no inline password");
    for (const secret of secrets) {
      const window = secretWindow(secret, now, outcome, (m) => outcome.fail(m));
      if (window === undefined) continue;
      const endField = fieldName(secret, "endDate");
      if (window.end.getTime() <= now.getTime()) {
        outcome.fail(`the client secret expired on ${isoDay(window.end)} (${endField}); rotate it: declare a new secret with a future endDate`);
        continue;
      }
      if (window.end.getTime() <= window.start.getTime()) {
        outcome.fail(`${endField} (${isoDay(window.end)}) is not after ${fieldName(secret, "startDate")} (${isoDay(window.start)})`);
        continue;
      }
      const lifetime = daysBetween(window.start, window.end);
      if (lifetime > maxDays) {
        outcome.fail(
          `the client secret lives ${formatDays(lifetime)} (${window.startsNow ? "from now" : `from ${isoDay(window.start)}`} to ${isoDay(window.end)}), more than the allowed ${maxDays} days; shorten ${endField}`,
        );
      }
    }
  },
});
