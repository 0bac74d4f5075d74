/**
 * Date handling for the rules: strict RFC 3339 parsing (what azuread accepts) and day arithmetic. Days, epoch seconds
 * and calendar days are the project's own (components/rotation.ts: one parser for stack config, plan --date and the
 * pack's clock).
 */
import { DAY_MS } from "../../components/rotation";

export { DAY_MS, epochSeconds, isoDay, parseUtcDay, utcDay } from "../../components/rotation";

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 date-time (`2026-01-31T00:00:00Z`); undefined for anything else (a date alone, epoch numbers...). */
export function parseRfc3339(value: string): Date | undefined {
  const m = RFC3339.exec(value.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const ms = Date.parse(value.trim());
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-31 over to March: reject dates that do not exist.
  const probe = new Date(Date.UTC(Number(y), month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return undefined;
  return new Date(ms);
}

/** Days from `from` to `to` (fractional; negative when `to` is earlier). */
export function daysBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / DAY_MS;
}

/** Whole days for messages: 12.4 -> "12 days", 0.5 -> "less than a day". */
export function formatDays(days: number): string {
  if (Math.abs(days) < 1) return "less than a day";
  const n = Math.floor(Math.abs(days));
  return `${n} day${n === 1 ? "" : "s"}`;
}

/** The same calendar day one year later (29 February rolls over to 1 March). */
export function oneYearAfter(day: Date): Date {
  return new Date(Date.UTC(day.getUTCFullYear() + 1, day.getUTCMonth(), day.getUTCDate()));
}
