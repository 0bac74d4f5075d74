/**
 * Step 5: days until each client secret expires, from the deployed dates in the stack outputs (--outputs) and from
 * the schedule components/rotation.ts computes from config. Inside 30 days (the window in which Entra ID flags
 * credentials and Key Vault emits near-expiry events) a secret is a warning; past its end date, a failure.
 */
import type { SecretOwner } from "../../components/secretDeclarations";
import { DAY_MS, rfc3339, secretSchedule } from "../../components/rotation";
import { fail, pass, warn, type Check } from "./checks";
import type { StackOutputs } from "./outputs";

export const EXPIRY_WARNING_DAYS = 30;

export interface SecretExpiry {
  client: string;
  slot: string;
  current: boolean | undefined;
  endDate: string;
  daysLeft: number;
  source: "outputs" | "schedule";
}

export interface SecretsResult {
  checks: Check[];
  secrets: SecretExpiry[];
}

/** Days left of each secret of the clients and the outbound app (`outputs.outbound`, read under its name). */
export function checkSecrets(clients: readonly SecretOwner[], outputs: StackOutputs | undefined, now: Date): SecretsResult {
  const checks: Check[] = [];
  const secrets: SecretExpiry[] = [];
  for (const client of clients) {
    const schedule = secretSchedule(client.secret, now);
    const deployed = outputs?.clients[client.name]?.secrets ?? (outputs?.outbound?.name === client.name ? outputs.outbound.secrets : undefined);
    const source: SecretExpiry["source"] = deployed === undefined ? "schedule" : "outputs";
    const list =
      deployed ??
      schedule.active.map((g) => ({ slot: g.slot, current: g === schedule.current, endDate: g.endDate }));

    if (deployed !== undefined && !deployed.some((s) => s.endDate.getTime() === schedule.current.endDate.getTime())) {
      checks.push(
        warn("secret-schedule", `secrets of ${client.name} follow the schedule`, `the stack outputs lack the current secret (slot ${schedule.current.slot}, until ${rfc3339(schedule.current.endDate).slice(0, 10)})`, {
          cause: "the stack was not updated since the last rotation date (or the outputs file is old)",
          fix: "run `pulumi up` for this stack (it declares the new secret), then export the outputs again",
        }),
      );
    }

    for (const s of list) {
      const daysLeft = Math.floor((s.endDate.getTime() - now.getTime()) / DAY_MS);
      const endDate = rfc3339(s.endDate);
      secrets.push({ client: client.name, slot: s.slot, current: s.current, endDate, daysLeft, source });
      const title = `secret ${client.name}/${s.slot}`;
      const role = s.current === true ? "current" : s.current === false ? "previous" : "slot";
      const detail = `${role}, expires ${endDate.slice(0, 10)} (${daysLeft} day${daysLeft === 1 ? "" : "s"}; from ${source === "outputs" ? "stack outputs" : "the schedule"})`;
      if (s.endDate.getTime() <= now.getTime()) {
        checks.push(
          fail("secret-expiry", title, detail.replace(/\(-?\d+ days?/, "(expired"), {
            cause: "expired secret: consumers still using it get AADSTS7000222",
            fix: "run `pulumi up` (it declares a fresh secret and drops expired ones), then give consumers the current slot's value",
          }),
        );
      } else if (daysLeft < EXPIRY_WARNING_DAYS) {
        checks.push(
          warn("secret-expiry", title, detail, s.current === false
            ? {
                cause: "the previous rotation slot: it expires by design at the end of the overlap",
                fix: `switch every consumer of ${client.name} to the current slot (slot ${schedule.current.slot}) before then`,
              }
            : {
                cause: "the rotation is overdue or the secret's lifetime is short",
                fix: "run `pulumi up` to rotate (the schedule adds a new secret), then give consumers the new value",
              }),
        );
      } else {
        checks.push(pass("secret-expiry", title, detail));
      }
    }
  }
  return { checks, secrets };
}
