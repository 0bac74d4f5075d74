import { describe, expect, it } from "vitest";
import { DAY_MS, ROTATION_ANCHOR, generationDates, secretSchedule } from "../../components/rotation";

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
