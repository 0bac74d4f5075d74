/**
 * entra-client-secret-rotation-overlap (stack, advisory): after a rotation, an app keeps two valid client secrets for
 * a while, so its consumers can switch to the new one before the old one stops working.
 *
 * From one snapshot of the stack this shows as:
 * - a gap: a newer secret that starts only after the previous one ended;
 * - no overlap after a rotation: the newest secret started less than `minOverlapDays` ago (or starts now) and no
 *   older secret stays valid until `minOverlapDays` after that start. A single secret that was just created is
 *   flagged the same way: its next rotation would leave no overlap either.
 * A single secret that has been in use longer than `minOverlapDays` is not flagged: a two-slot schedule shows exactly
 * that between the end of one overlap and the next rotation.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  TYPE_AZUREAD_APPLICATION,
  TYPE_AZUREAD_APPLICATION_PASSWORD,
  TYPE_AZUREAD_APPLICATION_REGISTRATION,
  TYPE_AZUREAD_SERVICE_PRINCIPAL,
  TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD,
} from "../../components/contracts";
import { configSchemaOf, intOr } from "../lib/config";
import { DAY_MS, daysBetween, formatDays, isoDay } from "../lib/dates";
import { stackRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import type { Outcome } from "../lib/outcome";
import { clientSecretsOf } from "../lib/secrets";
import { applicationIdKeys, clientIdKeys, ofType, referrers, servicePrincipalKeys } from "../lib/stack";
import { secretWindow, type SecretWindow } from "./clientSecretExpiry";

interface NamedWindow extends SecretWindow {
  name: string;
}

function windowsOf(r: PolicyResource, now: Date, outcome: Outcome): NamedWindow[] {
  const out: NamedWindow[] = [];
  for (const secret of clientSecretsOf(r.type, r.props)) {
    // Date problems are entra-client-secret-expiry's findings; unknown dates are undecided here too.
    const w = secretWindow(secret, now, outcome, () => undefined);
    if (w !== undefined && w.end.getTime() > w.start.getTime()) out.push({ ...w, name: secret.at === "" ? r.name : `${r.name}.${secret.at}` });
  }
  return out;
}

export const clientSecretRotationOverlap = stackRule({
  name: "entra-client-secret-rotation-overlap",
  displayName: "Client secret rotations keep an overlap",
  description:
    "After a client secret rotation, the previous secret should stay valid at least minOverlapDays (default 7) beside the new one, and successive secrets must not leave a gap.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Rotate with two secret slots: add the new secret while the old one is still valid and remove the old one only after consumers switched. With this project: clients[].secret.rotateAfterDays < lifetimeDays keeps lifetimeDays - rotateAfterDays days of overlap.",
  url: DOCS.clientSecrets,
  configSchema: configSchemaOf("minOverlapDays"),
  tags: ["entra-id", "secrets", "rotation"],
  check({ resources, config, now, outcome, notApplicable }) {
    const minOverlapDays = intOr(config, "minOverlapDays");
    const apps = ofType(resources, TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION);
    const appPasswords = ofType(resources, TYPE_AZUREAD_APPLICATION_PASSWORD);
    const spPasswords = ofType(resources, TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD);
    const sps = ofType(resources, TYPE_AZUREAD_SERVICE_PRINCIPAL);
    let judged = 0;
    for (const app of apps) {
      const holders: PolicyResource[] = [];
      if (app.type === TYPE_AZUREAD_APPLICATION) holders.push(app);
      const direct = referrers(app, appPasswords, "applicationId", applicationIdKeys);
      holders.push(...direct.linked);
      const undecided = [...direct.undecided];
      if (spPasswords.length > 0) {
        const appSps = referrers(app, sps, "clientId", clientIdKeys);
        undecided.push(...appSps.undecided);
        for (const sp of appSps.linked) {
          const viaSp = referrers(sp, spPasswords, "servicePrincipalId", servicePrincipalKeys);
          holders.push(...viaSp.linked);
          undecided.push(...viaSp.undecided);
        }
      }
      if (undecided.length > 0) {
        outcome.undecidable(`client secrets of ${app.name} (${undecided.join("; ")})`);
        continue;
      }
      const windows = holders.flatMap((h) => windowsOf(h, now, outcome)).sort((a, b) => a.start.getTime() - b.start.getTime());
      if (windows.length === 0) continue;
      judged++;

      for (let i = 1; i < windows.length; i++) {
        const older = windows[i - 1];
        const newer = windows[i];
        if (newer.start.getTime() > older.start.getTime() && newer.start.getTime() >= older.end.getTime()) {
          outcome.fail(
            `${app.name}: ${newer.name} starts on ${isoDay(newer.start)}, after ${older.name} ended on ${isoDay(older.end)}: consumers have no valid secret in between; start the new secret before the old one expires`,
            app.urn,
          );
        }
      }

      const started = windows.filter((w) => w.start.getTime() <= now.getTime());
      if (started.length === 0) continue;
      const newest = started[started.length - 1];
      const age = daysBetween(newest.start, now);
      if (age >= minOverlapDays) continue;
      const needed = newest.start.getTime() + minOverlapDays * DAY_MS;
      const previous = windows.filter((w) => w !== newest && w.start.getTime() < newest.start.getTime() && w.end.getTime() > now.getTime());
      const longest = previous.reduce<NamedWindow | undefined>((best, w) => (best === undefined || w.end > best.end ? w : best), undefined);
      if (longest === undefined) {
        outcome.fail(
          `${app.name}: ${newest.name} ${newest.startsNow ? "starts now" : `started ${formatDays(age)} ago`} and no older client secret is still valid, so consumers get no overlap to switch; keep the previous secret valid at least ${minOverlapDays} days after each rotation (two secret slots)`,
          app.urn,
        );
      } else if (longest.end.getTime() < needed) {
        outcome.fail(
          `${app.name}: the previous secret ${longest.name} ends ${formatDays(daysBetween(newest.start, longest.end))} after ${newest.name} started, less than ${minOverlapDays} days of overlap`,
          app.urn,
        );
      }
    }
    if (judged === 0 && outcome.undecided.length === 0) notApplicable("the stack declares no client secrets of app registrations");
  },
});
