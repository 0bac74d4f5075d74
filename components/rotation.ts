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
 */

export const DAY_MS = 86_400_000;

/** Generation 0 starts here. Fixed forever: moving it would rotate every secret of every stack. */
export const ROTATION_ANCHOR = new Date(Date.UTC(2024, 0, 1));

export type SlotName = "a" | "b";
export const SLOT_NAMES: readonly SlotName[] = ["a", "b"];

export interface ScheduleInput {
  lifetimeDays: number;
  rotateAfterDays: number;
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

function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

export function slotOf(generation: number): SlotName {
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
  if (!Number.isInteger(l) || !Number.isInteger(r) || r < 1 || r >= l || 2 * r < l) {
    throw new Error(
      `invalid secret schedule: expected whole days with rotateAfterDays < lifetimeDays <= 2 * rotateAfterDays, got lifetimeDays=${l}, rotateAfterDays=${r}`,
    );
  }
}

/** The schedule as of `now` (only its UTC day matters). */
export function secretSchedule(input: ScheduleInput, now: Date, anchor: Date = ROTATION_ANCHOR): SecretSchedule {
  assertValid(input);
  const today = utcDay(now);
  const g = generationAt(input, now, anchor);
  const current = generationDates(input, g, anchor);
  const before = generationDates(input, g - 1, anchor);
  // Valid through today when it ends after today's midnight (ends are whole days, so it ends tomorrow or later).
  const previous = before.endDate.getTime() > today.getTime() ? before : undefined;
  const active = [current, ...(previous ? [previous] : [])].sort((x, y) => x.slot.localeCompare(y.slot));
  return {
    current,
    previous,
    active,
    nextRotation: generationDates(input, g + 1, anchor).startDate,
    overlapDays: input.lifetimeDays - input.rotateAfterDays,
  };
}

/** RFC 3339 form that azuread expects for start/end dates. */
export function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
