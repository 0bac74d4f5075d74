/**
 * The client-secret schedule: deterministic start and end dates in two rotation slots.
 *
 * Time is cut into generations of `rotateAfterDays` days counted from a fixed anchor (UTC midnight). Generation g
 * starts at `anchor + g * rotateAfterDays` and its secret lives `lifetimeDays`. Even generations live in slot "a",
 * odd ones in slot "b": a rotation replaces the older slot only, so after each rotation the previous secret stays
 * valid for `lifetimeDays - rotateAfterDays` days (the overlap) while consumers switch. The config requires
 * `rotateAfterDays < lifetimeDays <= 2 * rotateAfterDays`, which makes that overlap real and bounded.
 *
 * Every date is a whole UTC day, computed from the day of `now` only: two runs on the same day give the same dates,
 * so `pulumi up` does not replace secrets except at a rotation boundary.
 *
 * A client with a `startDate` (the day it joined) counts its generations from that day instead: generation 0 starts
 * on its first day with a fresh secret of the full lifetime, and no generation exists before it (so a new client never
 * gets a previous-generation secret that is about to expire). Without one, the fixed anchor below applies, which keeps
 * the secrets of clients configured before start dates existed exactly where they were.
 */

export const DAY_MS = 86_400_000;

/** Generation 0 starts here. Fixed forever: moving it would rotate every secret of every stack. */
export const ROTATION_ANCHOR = new Date(Date.UTC(2024, 0, 1));

export type SlotName = "a" | "b";
export const SLOT_NAMES: readonly SlotName[] = ["a", "b"];

export interface ScheduleInput {
  lifetimeDays: number;
  rotateAfterDays: number;
  /** The day the client joined (`YYYY-MM-DD`, UTC): generation 0 starts then, none before it. */
  startDate?: string;
}

export interface SecretGeneration {
  slot: SlotName;
  generation: number;
  startDate: Date;
  endDate: Date;
}

export interface SecretSchedule {
  /** The newest generation: the one consumers should use. */
  current: SecretGeneration;
  /** The generation before it, while it is still valid (during the overlap); undefined once expired. */
  previous: SecretGeneration | undefined;
  /** The secrets to declare today, in slot order (a, b). */
  active: SecretGeneration[];
  /** When the next generation starts (the older slot is replaced then). */
  nextRotation: Date;
  /** Days the previous secret stays valid after each rotation. */
  overlapDays: number;
}

/** Midnight UTC of the day that contains `at`. */
export function utcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Midnight UTC of a calendar day written `YYYY-MM-DD`; undefined for anything else, including days that do not exist
 * (`2027-02-30`). One parser for every place that takes a day: `clients[].secret.startDate`, `plan --date`, the policy
 * pack's clock.
 */
export function parseUtcDay(text: string): Date | undefined {
  const m = CALENDAR_DAY.exec(text);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2027-02-30 over into March: a day that does not exist does not come back unchanged.
  // Stryker disable next-line ConditionalExpression: a day that rolls over always changes the month, so the month and
  // the day check each catch it alone (the year check is needed on its own: Date.UTC maps years 0-99 to 1900-1999).
  if (at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return undefined;
  return at;
}

/** `2027-02-14` for a date (its UTC day). */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Where generation 0 starts for this schedule, and whether generations before it exist. */
export function scheduleAnchor(input: ScheduleInput): { anchor: Date; earlierGenerations: boolean } {
  if (input.startDate === undefined) return { anchor: ROTATION_ANCHOR, earlierGenerations: true };
  const anchor = parseUtcDay(input.startDate);
  if (anchor === undefined) throw new Error(`invalid secret schedule: startDate must be a calendar day like 2026-03-01, got '${input.startDate}'`);
  return { anchor, earlierGenerations: false };
}

function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

export function slotOf(generation: number): SlotName {
  // Stryker disable next-line ArithmeticOperator: (g % 2 - 2) % 2 is 0 or -0 exactly when g is even, as well.
  return ((generation % 2) + 2) % 2 === 0 ? "a" : "b";
}

export function generationAt(input: ScheduleInput, now: Date, anchor: Date = ROTATION_ANCHOR): number {
  const day = Math.floor((utcDay(now).getTime() - utcDay(anchor).getTime()) / DAY_MS);
  return Math.floor(day / input.rotateAfterDays);
}

export function generationDates(input: ScheduleInput, generation: number, anchor: Date = ROTATION_ANCHOR): SecretGeneration {
  const startDate = addDays(utcDay(anchor), generation * input.rotateAfterDays);
  return { slot: slotOf(generation), generation, startDate, endDate: addDays(startDate, input.lifetimeDays) };
}

function assertValid(input: ScheduleInput): void {
  const { lifetimeDays: l, rotateAfterDays: r } = input;
  // Stryker disable next-line ConditionalExpression: for whole numbers, r < 1 implies r >= l or 2 * r < l as well.
  if (!Number.isInteger(l) || !Number.isInteger(r) || r < 1 || r >= l || 2 * r < l) {
    throw new Error(
      `invalid secret schedule: expected whole days with rotateAfterDays < lifetimeDays <= 2 * rotateAfterDays, got lifetimeDays=${l}, rotateAfterDays=${r}`,
    );
  }
}

/** Thrown when the day planned is before a client's `startDate`: the client has no secret yet. */
export class ScheduleNotStartedError extends Error {
  constructor(
    readonly startDate: string,
    readonly day: Date,
  ) {
    super(`startDate ${startDate} is after the day being planned (${isoDay(day)}): no secret exists before a client's start date`);
    this.name = "ScheduleNotStartedError";
  }
}

/** The schedule as of `now` (only its UTC day matters). */
export function secretSchedule(input: ScheduleInput, now: Date): SecretSchedule {
  assertValid(input);
  const { anchor, earlierGenerations } = scheduleAnchor(input);
  const today = utcDay(now);
  // Stryker disable next-line StringLiteral: without earlier generations there is a startDate.
  if (today.getTime() < anchor.getTime() && !earlierGenerations) throw new ScheduleNotStartedError(input.startDate ?? "", today);
  const g = generationAt(input, now, anchor);
  const current = generationDates(input, g, anchor);
  const before = g > 0 || earlierGenerations ? generationDates(input, g - 1, anchor) : undefined;
  // Valid through today when it ends after today's midnight (ends are whole days, so it ends tomorrow or later).
  const previous = before !== undefined && before.endDate.getTime() > today.getTime() ? before : undefined;
  const active = [current, ...(previous ? [previous] : [])].sort((x, y) => x.slot.localeCompare(y.slot));
  return {
    current,
    previous,
    active,
    nextRotation: generationDates(input, g + 1, anchor).startDate,
    overlapDays: input.lifetimeDays - input.rotateAfterDays,
  };
}

/**
 * The first generation of the schedule that starts after `after` (for a schedule with a `startDate`, generation 0 at
 * the earliest): the one a deploy should have brought first after a secret that started on `after`.
 */
export function firstGenerationAfter(input: ScheduleInput, after: Date): SecretGeneration {
  const { anchor, earlierGenerations } = scheduleAnchor(input);
  const g = generationAt(input, after, anchor) + 1;
  return generationDates(input, earlierGenerations ? g : Math.max(0, g), anchor);
}

/** RFC 3339 form that azuread expects for start/end dates. */
export function rfc3339(at: Date): string {
  // Stryker disable next-line Regex: toISOString always ends in .sssZ, so the anchor changes nothing.
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

/** A client secret as the stack outputs describe it (`clients.<name>.secrets[]`, besides its keyId). */
export interface SecretDescription {
  slot: SlotName;
  generation: number;
  /** The newest secret: the one consumers should use. */
  current: boolean;
  startDate: string;
  /** End date, RFC 3339. */
  expires: string;
}

/** The stack-output form of declared secrets (index.ts exports it; `npm run due` reads it back from a deployed stack). */
export function describeSecrets(secrets: ReadonlyArray<{ slot: SlotName; generation: number; current: boolean; startDate: string; endDate: string }>): SecretDescription[] {
  return secrets.map((s) => ({ slot: s.slot, generation: s.generation, current: s.current, startDate: s.startDate, expires: s.endDate }));
}
