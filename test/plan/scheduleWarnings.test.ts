/**
 * The plan's schedule warnings (cli/plan/scheduleWarnings.ts): an overlap shorter than the stack's expiry warning
 * window, one day off either way, and the example stacks (whose overlaps all cover their windows).
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { overlapWarnings } from "../../cli/plan/scheduleWarnings";
import { loadStackFile } from "../../cli/stackFile";
import { expiryWarnDays } from "../../cli/warnDays";
import { ClientSchema, validateStackConfig, type ClientConfig } from "../../components/config";

const REPO_ROOT = path.resolve(__dirname, "../..");
const client = (lifetimeDays: number, rotateAfterDays: number): ClientConfig => ClientSchema.parse({ name: "c", displayName: "c", secret: { lifetimeDays, rotateAfterDays } });

describe("overlapWarnings", () => {
  it("warns when the overlap is shorter than the window, with the rotateAfterDays range that fits", () => {
    expect(overlapWarnings([client(180, 150)], 45, "warnDays in policies/config/prod.json")).toEqual([
      "k2-oauth:clients[0].secret (c): the overlap after a rotation, lifetimeDays - rotateAfterDays = 30 days, is shorter than the 45-day expiry warning " +
        "window (warnDays in policies/config/prod.json): the newest secret is flagged as expiring 15 days before every rotation, and no deploy can help. " +
        "Keep rotateAfterDays at most 135 (lifetimeDays - warnDays) and at least 90, or lower warnDays; on a deployed client a schedule change replaces its " +
        'secrets (README.md, "Changing a deployed client\'s schedule").',
    ]);
  });

  it("is silent from an overlap as long as the window on, and one day shorter warns", () => {
    expect(overlapWarnings([client(180, 150)], 30, "x")).toEqual([]);
    expect(overlapWarnings([client(180, 150)], 31, "x").length).toBe(1);
  });

  it("says when no rotateAfterDays can fit the window with that lifetime", () => {
    expect(overlapWarnings([client(60, 40)], 45, "x")[0]).toContain("Keep rotateAfterDays at most 15 (lifetimeDays - warnDays) and at least 30 (not possible with this lifetime: lower warnDays or raise lifetimeDays)");
  });

  it("agrees with the pack's rotation rule: an overlap equal to the window is enough, so the bounds are inclusive", () => {
    // lifetimeDays 90, warnDays 45: rotateAfterDays 45 fits exactly (at most 45 and at least 45).
    expect(overlapWarnings([client(90, 45)], 45, "x")).toEqual([]);
    const warning = overlapWarnings([client(90, 50)], 45, "x")[0];
    expect(warning).toContain("Keep rotateAfterDays at most 45 (lifetimeDays - warnDays) and at least 45, or lower warnDays;");
    expect(warning).not.toContain("not possible");
    expect(overlapWarnings([client(90, 50)], 46, "x")[0]).toContain("Keep rotateAfterDays at most 44 (lifetimeDays - warnDays) and at least 45 (not possible with this lifetime");
  });

  it.each(["dev", "prod"])("has nothing to say about the %s example stack", (stack) => {
    const config = validateStackConfig(loadStackFile(stack, REPO_ROOT).config);
    expect(overlapWarnings(config.clients, expiryWarnDays(REPO_ROOT, stack).warnDays, "x")).toEqual([]);
  });
});
