/**
 * ISO 8601 durations as Entra ID's app management policy writes a password lifetime (`passwordLifetime.maxLifetime`,
 * Microsoft Graph `passwordCredentialConfiguration`: "days, hours, minutes or seconds ... in ISO 8601 format for
 * Durations", with examples like `P180D`). Only day-time durations are accepted: years, months and weeks
 * (`P1Y`, `P6M`, `P26W`) have no fixed length in days and are refused with a message saying so.
 */
import { DAY_MS } from "./dates";

/**
 * The JSON-schema pattern the CLI checks (RE2: no lookahead): the shape of an ISO 8601 duration. It admits years,
 * months and weeks, and `P` alone, which `parseDuration` refuses with a message that says why.
 */
export const DURATION_PATTERN = "^P([0-9]+[YMWD])*(T([0-9]+[HMS])*)?$";

const DAY_TIME = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const CALENDAR_PARTS = /^P(?:\d+[YMWD])+(?:T.*)?$/;

export interface Duration {
  /** The text as written, like `P180D`. */
  text: string;
  ms: number;
}

export type DurationResult = { ok: true; duration: Duration } | { ok: false; problem: string };

/** Parses `P180D`, `P90DT12H`, `PT36H`; explains why anything else is not accepted. */
export function parseDuration(text: string): DurationResult {
  const m = DAY_TIME.exec(text);
  if (m === null || text === "P" || text.endsWith("T")) {
    if (CALENDAR_PARTS.test(text) && /[YMW]/.test(text.split("T")[0])) {
      return { ok: false, problem: "years, months and weeks have no fixed length: write the duration in days (P180D for about six months)" };
    }
    return { ok: false, problem: "not an ISO 8601 duration in days, hours, minutes or seconds" };
  }
  const [days, hours, minutes, seconds] = m.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  const ms = ((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000;
  if (ms <= 0) return { ok: false, problem: "a duration of zero" };
  return { ok: true, duration: { text, ms } };
}

/** The duration in whole days when it is one, like 180 for `P180D`. */
export function wholeDays(d: Duration): number | undefined {
  return d.ms % DAY_MS === 0 ? d.ms / DAY_MS : undefined;
}
