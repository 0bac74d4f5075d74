import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  ROTATION_ANCHOR,
  ScheduleNotStartedError,
  describeSecrets,
  firstGenerationAfter,
  generationDates,
  isoDay,
  parseUtcDay,
  rfc3339,
  scheduleAnchor,
  secretSchedule,
} from "../../components/rotation";

const day = (n: number, hour = 0) => new Date(ROTATION_ANCHOR.getTime() + n * DAY_MS + hour * 3_600_000);
const S = { lifetimeDays: 180, rotateAfterDays: 150 };

describe("secret schedule", () => {
  it("gives the same dates for every run on one UTC day", () => {
    const morning = secretSchedule(S, day(1000, 0));
    const night = secretSchedule(S, new Date(day(1001).getTime() - 1));
    expect(night).toEqual(morning);
  });

  it("moves only at a rotation boundary, into the other slot", () => {
    const before = secretSchedule(S, day(1049));
    const at = secretSchedule(S, day(1050));
    expect(before.current.generation).toBe(6);
    expect(at.current.generation).toBe(7);
    expect(before.current.slot).toBe("a");
    expect(at.current.slot).toBe("b");
    expect(at.current.startDate).toEqual(day(1050));
    expect(at.current.endDate).toEqual(day(1050 + 180));
  });

  it("keeps the previous secret valid for lifetimeDays - rotateAfterDays after each rotation", () => {
    for (const rotation of [150, 300, 1050]) {
      const g = rotation / 150;
      const prevEnd = generationDates(S, g - 1).endDate;
      expect(prevEnd.getTime() - day(rotation).getTime()).toBe((S.lifetimeDays - S.rotateAfterDays) * DAY_MS);
      // during the overlap both secrets are declared, in distinct slots
      for (let d = rotation; d < rotation + 30; d++) {
        const s = secretSchedule(S, day(d, 12));
        expect(s.active.map((x) => x.generation).sort()).toEqual([g - 1, g].sort());
        expect(new Set(s.active.map((x) => x.slot)).size).toBe(2);
        expect(s.previous!.endDate.getTime()).toBeGreaterThan(day(d, 12).getTime());
      }
      // after it, the expired previous secret is no longer declared
      const after = secretSchedule(S, day(rotation + 30));
      expect(after.active.map((x) => x.generation)).toEqual([g]);
    }
  });

  it("never declares an expired secret and always declares the current one", () => {
    const s = { lifetimeDays: 90, rotateAfterDays: 60 };
    for (let d = 0; d < 400; d++) {
      const sch = secretSchedule(s, day(d, 23));
      expect(sch.active).toContain(sch.current);
      for (const gen of sch.active) expect(gen.endDate.getTime()).toBeGreaterThan(day(d, 23).getTime());
      expect(sch.nextRotation.getTime()).toBeGreaterThan(day(d, 23).getTime());
      expect(sch.overlapDays).toBe(30);
    }
  });

  it("rejects schedules without a real overlap", () => {
    expect(() => secretSchedule({ lifetimeDays: 100, rotateAfterDays: 100 }, day(0))).toThrow(/rotateAfterDays < lifetimeDays/);
    expect(() => secretSchedule({ lifetimeDays: 365, rotateAfterDays: 100 }, day(0))).toThrow(/2 \* rotateAfterDays/);
  });
});

describe("a client's start date", () => {
  const joined = "2026-11-29";
  const T = { lifetimeDays: 90, rotateAfterDays: 60, startDate: joined };
  const at = (isoDay: string, hour = 12) => new Date(Date.parse(`${isoDay}T00:00:00Z`) + hour * 3_600_000);

  it("starts generation 0 on that day with a secret of the full lifetime and no previous one", () => {
    const s = secretSchedule(T, at(joined));
    expect(s.current).toEqual({ slot: "a", generation: 0, startDate: at(joined, 0), endDate: at("2027-02-27", 0) });
    expect(s.previous).toBeUndefined();
    expect(s.active).toEqual([s.current]);
    expect(s.nextRotation).toEqual(at("2027-01-28", 0));
  });

  it("rotates every rotateAfterDays from that day and then keeps the overlap as usual", () => {
    const s = secretSchedule(T, at("2027-01-28"));
    expect(s.current).toMatchObject({ slot: "b", generation: 1, startDate: at("2027-01-28", 0) });
    expect(s.previous).toMatchObject({ slot: "a", generation: 0, endDate: at("2027-02-27", 0) });
    expect(secretSchedule(T, at("2027-02-27")).previous).toBeUndefined();
  });

  it("has no schedule before that day", () => {
    expect(() => secretSchedule(T, at("2026-11-28", 23))).toThrow(ScheduleNotStartedError);
    expect(() => secretSchedule(T, at("2026-11-28", 23))).toThrow(
      "startDate 2026-11-29 is after the day being planned (2026-11-28): no secret exists before a client's start date",
    );
  });

  it("keeps clients without one on the fixed anchor, previous generation included", () => {
    const withoutStart = secretSchedule({ lifetimeDays: 90, rotateAfterDays: 60 }, at(joined));
    expect(withoutStart.current.startDate.getTime()).toBeLessThan(at(joined, 0).getTime());
    expect(scheduleAnchor({ lifetimeDays: 90, rotateAfterDays: 60 })).toEqual({ anchor: ROTATION_ANCHOR, earlierGenerations: true });
    expect(scheduleAnchor(T)).toEqual({ anchor: at(joined, 0), earlierGenerations: false });
  });
});

describe("parseUtcDay", () => {
  it("reads calendar days written YYYY-MM-DD as UTC midnight", () => {
    expect(parseUtcDay("2027-02-14")).toEqual(new Date(Date.UTC(2027, 1, 14)));
    expect(parseUtcDay("2028-02-29")).toEqual(new Date(Date.UTC(2028, 1, 29)));
    expect(isoDay(parseUtcDay("2026-12-31")!)).toBe("2026-12-31");
  });

  it.each(["0050-01-01", "2027-02-30", "2027-02-29", "2027-13-01", "2027-00-10", "2027-2-14", "tomorrow", "", " 2027-02-14", "2027-02-14T00:00:00Z"])(
    "rejects %j",
    (text) => {
      expect(parseUtcDay(text)).toBeUndefined();
    },
  );
});

describe("the schedule's edges", () => {
  const invalid = (l: number, r: number) =>
    `invalid secret schedule: expected whole days with rotateAfterDays < lifetimeDays <= 2 * rotateAfterDays, got lifetimeDays=${l}, rotateAfterDays=${r}`;

  it("accepts a lifetime of exactly twice the rotation interval, and a one-day interval", () => {
    const twice = secretSchedule({ lifetimeDays: 180, rotateAfterDays: 90 }, day(95));
    expect(twice.overlapDays).toBe(90);
    // The previous secret ends on the next rotation day itself.
    expect(twice.previous).toEqual({ slot: "a", generation: 0, startDate: day(0), endDate: day(180) });
    expect(twice.nextRotation).toEqual(day(180));
    const daily = secretSchedule({ lifetimeDays: 2, rotateAfterDays: 1 }, day(10));
    expect(daily.active.map((g) => [g.generation, g.endDate])).toEqual([
      [10, day(12)],
      [9, day(11)],
    ]);
  });

  it("rejects one day past twice the interval, an interval of the lifetime or 0 days, and fractions, naming both values", () => {
    for (const [l, r] of [
      [181, 90],
      [90, 90],
      [1, 0],
      [180.5, 150],
      [180, 150.5],
    ]) {
      expect(() => secretSchedule({ lifetimeDays: l!, rotateAfterDays: r! }, day(0)), `${l}/${r}`).toThrow(new Error(invalid(l!, r!)));
    }
  });

  it("rejects a start date that is no calendar day, quoting it", () => {
    expect(() => secretSchedule({ ...S, startDate: "2027-02-30" }, day(2000))).toThrow(
      new Error("invalid secret schedule: startDate must be a calendar day like 2026-03-01, got '2027-02-30'"),
    );
  });

  it("names its error for what it is", () => {
    const e = (() => {
      try {
        secretSchedule({ ...S, startDate: "2030-01-01" }, day(0));
      } catch (thrown) {
        return thrown as ScheduleNotStartedError;
      }
      return undefined;
    })();
    expect(e?.name).toBe("ScheduleNotStartedError");
    expect([e?.startDate, e?.day]).toEqual(["2030-01-01", day(0)]);
  });

  it("lists the active secrets in slot order, whichever slot is current", () => {
    const odd = secretSchedule(S, day(155));
    expect(odd.current.slot).toBe("b");
    expect(odd.active.map((g) => g.slot)).toEqual(["a", "b"]);
  });

  it("writes RFC 3339 dates without milliseconds", () => {
    expect(rfc3339(new Date("2027-02-14T00:00:00.000Z"))).toBe("2027-02-14T00:00:00Z");
    expect(rfc3339(new Date("2027-02-14T08:30:15.123Z"))).toBe("2027-02-14T08:30:15Z");
  });

  it("finds the first generation after a day: the next one, or generation 0 before a start date", () => {
    expect(firstGenerationAfter(S, day(10))).toEqual(generationDates(S, 1));
    expect(firstGenerationAfter(S, day(-400))).toEqual(generationDates(S, -2));
    const started = { ...S, startDate: "2026-03-01" };
    const anchor = parseUtcDay("2026-03-01")!;
    expect(firstGenerationAfter(started, new Date("2025-01-01T00:00:00Z"))).toEqual(generationDates(S, 0, anchor));
    expect(firstGenerationAfter(started, new Date("2026-03-01T00:00:00Z"))).toEqual(generationDates(S, 1, anchor));
  });

  it("describes secrets for the stack outputs field by field", () => {
    expect(
      describeSecrets([
        { slot: "b", generation: 7, current: true, startDate: "2026-11-01T00:00:00Z", endDate: "2027-04-30T00:00:00Z" },
        { slot: "a", generation: 6, current: false, startDate: "2026-06-04T00:00:00Z", endDate: "2026-12-01T00:00:00Z" },
      ]),
    ).toEqual([
      { slot: "b", generation: 7, current: true, startDate: "2026-11-01T00:00:00Z", expires: "2027-04-30T00:00:00Z" },
      { slot: "a", generation: 6, current: false, startDate: "2026-06-04T00:00:00Z", expires: "2026-12-01T00:00:00Z" },
    ]);
  });
});
