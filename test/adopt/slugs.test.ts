/** Client names for adopted apps: the config's slug rule, unique within the stack, the same on every run. */
import { describe, expect, it } from "vitest";
import { MAX_SLUG_LENGTH, slugOf, uniqueSlug } from "../../cli/adopt/slugs";

describe("slugOf", () => {
  it.each([
    ["K2 - Power Automate", "k2-power-automate"],
    ["K2 – Reports (Prod) ", "k2-reports-prod"],
    ["Système de réservation", "systeme-de-reservation"],
    ["__K2__API__client__", "k2-api-client"],
    ["日本語のアプリ", ""],
    ["", ""],
  ])("%j → %j", (name, slug) => {
    expect(slugOf(name)).toBe(slug);
  });

  it("cuts a long name at a hyphen within the 40 characters, not in the middle of a word", () => {
    const slug = slugOf("K2 - Enterprise Reporting Integration for Finance and Controlling");
    expect(slug).toBe("k2-enterprise-reporting-integration-for");
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slugOf("a".repeat(60))).toBe("a".repeat(40));
  });
});

describe("uniqueSlug", () => {
  it("numbers names already taken, in the order asked, and records each name", () => {
    const taken = new Set(["k2-reports"]);
    expect(uniqueSlug("K2 - Reports", "0b-app", taken)).toBe("k2-reports-2");
    expect(uniqueSlug("K2 - Reports", "0c-app", taken)).toBe("k2-reports-3");
    expect(uniqueSlug("K2 - Other", "0d-app", taken)).toBe("k2-other");
    expect([...taken]).toEqual(["k2-reports", "k2-reports-2", "k2-reports-3", "k2-other"]);
  });

  it("keeps a numbered name within 40 characters", () => {
    const taken = new Set<string>();
    const long = "K2 - Enterprise Reporting Integration for Finance";
    expect(uniqueSlug(long, "a", taken)).toBe("k2-enterprise-reporting-integration-for");
    const second = uniqueSlug(long, "b", taken);
    expect(second).toBe("k2-enterprise-reporting-integration-2");
    expect(second.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
  });

  it("names an app whose display name has no letters or digits after its appId", () => {
    const taken = new Set<string>();
    expect(uniqueSlug("日本語のアプリ", "C0FFEE12-0000-4000-8000-000000000001", taken)).toBe("app-c0ffee12");
    expect(uniqueSlug("日本語", "C0FFEE12-0000-4000-8000-000000000002", taken)).toBe("app-c0ffee12-2");
  });
});
