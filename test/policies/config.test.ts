/**
 * Fail-closed policy config (policies/lib/configCheck.ts, config.ts, duration.ts): every setting and policy name is
 * checked, in this project's words, by each rule and for the whole Configure payload.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_ALLOWED_SCOPES, readSettings, SETTINGS } from "../../policies/lib/config";
import { formatConfigProblems, packConfigProblems, policyConfigProblems, type ConfiguredPolicy } from "../../policies/lib/configCheck";
import { settingsOf } from "../../policies/lib/define";
import { parseDuration } from "../../policies/lib/duration";
import { POLICIES, POLICY_PACK_NAME } from "../../policies/registry";
import { NOW } from "./helpers/fixtures";

const policies = POLICIES.map((p) => ({ name: p.name, settings: settingsOf(p) }));
const expiry = policies.find((p) => p.name === "entra-client-secret-expiry")!;
const endpoints = policies.find((p) => p.name === "k2-bearer-token-v1-endpoints")!;
const check = (policy: typeof expiry, raw: Record<string, unknown>) => policyConfigProblems(policy, raw, NOW);

describe("ISO 8601 durations (maxLifetime)", () => {
  it("reads days, hours, minutes and seconds", () => {
    expect(parseDuration("P180D")).toEqual({ ok: true, duration: { text: "P180D", ms: 180 * 86_400_000 } });
    expect(parseDuration("P1DT12H30M5S")).toEqual({ ok: true, duration: { text: "P1DT12H30M5S", ms: ((36 * 60 + 30) * 60 + 5) * 1000 } });
    expect(parseDuration("PT36H")).toEqual({ ok: true, duration: { text: "PT36H", ms: 36 * 3_600_000 } });
  });

  it("explains what it refuses", () => {
    const calendar = "years, months and weeks have no fixed length: write the duration in days (P180D for about six months)";
    for (const text of ["P6M", "P1Y", "P26W", "P1Y2D"]) expect(parseDuration(text), text).toEqual({ ok: false, problem: calendar });
    for (const text of ["P", "PT", "180D", "P180", "p180d", "P-1D", "P1.5D"]) {
      expect(parseDuration(text), text).toEqual({ ok: false, problem: "not an ISO 8601 duration in days, hours, minutes or seconds" });
    }
    expect(parseDuration("PT0S")).toEqual({ ok: false, problem: "a duration of zero" });
  });
});

describe("one policy's config", () => {
  it("accepts its own settings, its defaults and exemptions", () => {
    expect(check(expiry, {})).toEqual([]);
    expect(check(expiry, { maxLifetime: "P730D", exemptions: [{ resource: "pa-secret-a", reason: "vendor fix", expires: "2027-11-23" }] })).toEqual([]);
    for (const p of POLICIES) {
      const defaults = Object.fromEntries(Object.entries(p.configSchema?.properties ?? {}).flatMap(([k, v]) => (typeof v === "object" && v.default !== undefined ? [[k, v.default]] : [])));
      expect(policyConfigProblems({ name: p.name, settings: settingsOf(p) }, defaults, NOW), p.name).toEqual([]);
    }
  });

  it("refuses a misspelled or unknown setting, naming the one meant", () => {
    expect(check(expiry, { maxLifetme: "P90D" })).toEqual(['"entra-client-secret-expiry".maxLifetme: unknown setting; did you mean maxLifetime?']);
    expect(check(expiry, { warnDays: 10 })).toEqual(['"entra-client-secret-expiry".warnDays: unknown setting; entra-client-secret-expiry takes maxLifetime and exemptions']);
    const settingsFree = policies.find((p) => p.name === "k2-bearer-token-settings")!;
    expect(check(settingsFree, { audience: "x" })).toEqual(['"k2-bearer-token-settings".audience: unknown setting; k2-bearer-token-settings takes only exemptions (and an enforcementLevel)']);
  });

  it("quotes the value given, says what is expected with an example, and never uses the validator's words", () => {
    const problems = check(endpoints, { tenantId: 42, cloud: "azure", exemptions: "none" });
    expect(problems).toEqual([
      '"k2-bearer-token-v1-endpoints".tenantId: expected a GUID like 11111111-2222-3333-4444-555555555555; got 42',
      '"k2-bearer-token-v1-endpoints".cloud: expected one of public, usgov, china; got \'azure\'',
      '"k2-bearer-token-v1-endpoints".exemptions: expected a list of exemptions like [{ "resource": "power-automate-app", "reason": "vendor fix due in March", "expires": "2027-03-31" }]; got \'none\'',
    ]);
    expect(problems.join("\n")).not.toMatch(/Invalid|received|regex|pattern/);
    expect(check(endpoints, { tenantId: null })).toEqual(['"k2-bearer-token-v1-endpoints".tenantId: is empty; expected a GUID like 11111111-2222-3333-4444-555555555555']);
  });

  it("checks each exemption: its fields, a real day at most one year ahead, and a reason that says something", () => {
    const problems = check(expiry, {
      exemptions: [
        { resource: "a", reason: "ok", expires: "2027-11-23" },
        { resource: "", reason: "  ", expires: "2027-11-24", note: "x" },
        { reason: "r", expires: "2027-02-30" },
        { resource: "b", reason: "r", expires: "23.11.2027" },
        "pa-app",
      ],
    });
    expect(problems).toEqual([
      '"entra-client-secret-expiry".exemptions[1].resource: expected the resource\'s name or URN, like power-automate-app; got \'\'',
      '"entra-client-secret-expiry".exemptions[1].note: unknown field; expected an exemption: a mapping with resource, reason and expires, like { "resource": "power-automate-app", "reason": "vendor fix due in March", "expires": "2027-03-31" }',
      '"entra-client-secret-expiry".exemptions[2].resource: is required; expected the resource\'s name or URN, like power-automate-app',
      '"entra-client-secret-expiry".exemptions[3].expires: expected a UTC day written YYYY-MM-DD, at most one year ahead, like 2027-03-31; got \'23.11.2027\'',
      '"entra-client-secret-expiry".exemptions[4]: expected an exemption: a mapping with resource, reason and expires, like { "resource": "power-automate-app", "reason": "vendor fix due in March", "expires": "2027-03-31" }; got \'pa-app\'',
    ]);
    // The schema accepted exemptions [1] and [2] apart from the above; what it cannot say is checked after it.
    expect(check(expiry, { exemptions: [{ resource: "a", reason: "  ", expires: "2027-11-24" }, { resource: "b", reason: "r", expires: "2027-02-30" }] })).toEqual([
      '"entra-client-secret-expiry".exemptions[0].reason: expected a reason that says why, not only blanks; got \'  \'',
      '"entra-client-secret-expiry".exemptions[0].expires: expected a day at most one year ahead (2027-11-23 or earlier): exemptions are time-boxed; renew one when it runs out; got \'2027-11-24\'',
      '"entra-client-secret-expiry".exemptions[1].expires: expected a calendar day that exists, written YYYY-MM-DD, like 2027-03-31; got \'2027-02-30\'',
    ]);
    // A day in the past is fine (the exemption is then reported as expired, not refused: the config stays valid).
    expect(check(expiry, { exemptions: [{ resource: "a", reason: "r", expires: "2020-01-01" }] })).toEqual([]);
  });

  it("reads valid settings into typed values", () => {
    const s = readSettings(["maxLifetime", "warnDays", "allowedScopes", "exemptions", "tenantId"], {
      maxLifetime: "P90D",
      warnDays: 0,
      allowedScopes: ["k2", "graph:User.Read", "AAAAAAAA-0000-0000-0000-000000000000/BBBBBBBB-0000-0000-0000-000000000000"],
      exemptions: [{ resource: "x", reason: " why ", expires: "2027-01-31" }],
      tenantId: "ABCDEF00-0000-0000-0000-000000000000",
    });
    expect(s).toEqual({
      maxLifetime: { text: "P90D", ms: 90 * 86_400_000 },
      warnDays: 0,
      allowedScopes: [
        { kind: "k2" },
        { kind: "scope", resourceAppId: "00000003-0000-0000-c000-000000000000", scopeId: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", entry: "graph:User.Read" },
        { kind: "scope", resourceAppId: "aaaaaaaa-0000-0000-0000-000000000000", scopeId: "bbbbbbbb-0000-0000-0000-000000000000", entry: "AAAAAAAA-0000-0000-0000-000000000000/BBBBBBBB-0000-0000-0000-000000000000" },
      ],
      exemptions: [{ resource: "x", reason: "why", expires: new Date("2027-01-31T00:00:00Z") }],
      tenantId: "abcdef00-0000-0000-0000-000000000000",
    });
    expect(readSettings(["maxLifetime", "warnDays", "allowLoopback", "minOwners", "allowedScopes", "audience"], {})).toEqual({
      maxLifetime: { text: "P180D", ms: 180 * 86_400_000 },
      warnDays: 30,
      allowLoopback: false,
      minOwners: 1,
      allowedScopes: DEFAULT_ALLOWED_SCOPES.map((e) => (e === "k2" ? { kind: "k2" } : expect.objectContaining({ entry: e }))),
      audience: undefined,
    });
  });

  it("keeps pins out of the schema defaults, so that no pin is told from the CLI's filled-in defaults", () => {
    for (const pin of ["tenantId", "cloud", "audience", "k2ApiClientId", "k2ApiServicePrincipalObjectId", "scope"] as const) {
      expect(SETTINGS[pin].schema, pin).not.toHaveProperty("default");
    }
  });
});

describe("the whole Configure payload", () => {
  const level = (enforcementLevel: string, properties: Record<string, unknown> = {}): ConfiguredPolicy => ({ enforcementLevel, properties });
  const payload = (extra: Record<string, ConfiguredPolicy>): Record<string, ConfiguredPolicy> => ({
    ...Object.fromEntries(POLICIES.map((p) => [p.name, level(p.enforcementLevel ?? "mandatory")])),
    ...extra,
  });
  const problems = (extra: Record<string, ConfiguredPolicy>) => packConfigProblems(POLICY_PACK_NAME, policies, payload(extra), NOW);

  it("accepts the pack's defaults and an 'all' level", () => {
    expect(problems({})).toEqual([]);
    expect(problems({ all: level("advisory") })).toEqual([]);
  });

  it("refuses a name that is not a policy of the pack, naming the closest or the renamed one", () => {
    expect(problems({ "entra-client-secret-expiri": level("mandatory") })).toEqual(['"entra-client-secret-expiri": is not a policy of k2-oauth; did you mean entra-client-secret-expiry?']);
    expect(problems({ "keyvault-client-secret-expires": level("mandatory") })).toEqual([
      '"keyvault-client-secret-expires": is not a policy of k2-oauth; renamed keyvault-secret-expires (it now checks every Key Vault secret)',
    ]);
    expect(problems({ "no-such-rule": level("disabled") })).toEqual(['"no-such-rule": is not a policy of k2-oauth; docs/policies.md lists the policies']);
  });

  it("refuses settings under 'all', and every policy's own problems, also of a disabled policy", () => {
    expect(problems({ all: level("mandatory", { warnDays: 5, minOwners: 2 }) })).toEqual(['"all": sets only the enforcement level of every policy; move warnDays, minOwners under the policy they belong to']);
    expect(problems({ "entra-app-owners": level("disabled", { minOwner: 2 }) })).toEqual(['"entra-app-owners".minOwner: unknown setting; did you mean minOwners?']);
  });

  it("requires the rotation rule and the expiry advisory to share one warning window", () => {
    const warn = (advisory: number | undefined, rotation: number | undefined) => ({
      "entra-client-secret-expiry-advisory": level("advisory", advisory === undefined ? {} : { warnDays: advisory }),
      "entra-client-secret-rotation-overlap": level("mandatory", rotation === undefined ? {} : { warnDays: rotation }),
    });
    expect(problems(warn(45, 45))).toEqual([]);
    expect(problems(warn(30, undefined))).toEqual([]);
    expect(problems(warn(45, 30))).toEqual([
      '"entra-client-secret-rotation-overlap".warnDays: expected the same value as "entra-client-secret-expiry-advisory".warnDays (45): the rotation rule requires each rotation to leave the previous secret valid through the advisory\'s warning window; got 30',
    ]);
    expect(problems(warn(45, undefined))[0]).toContain("(45)");
    expect(problems({ ...warn(45, 30), "entra-client-secret-expiry-advisory": level("disabled", { warnDays: 45 }) })).toEqual([]);
  });

  it("words every problem as one message, like the CLI and the offline plan show it", () => {
    expect(formatConfigProblems(["a", "b"])).toBe("invalid policy config (2 problems):\n  - a\n  - b");
    expect(formatConfigProblems(["a"])).toBe("invalid policy config (1 problem):\n  - a");
  });
});
