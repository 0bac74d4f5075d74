import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setClock } from "../../policies/lib/clock";
import { clientSecretExpiry } from "../../policies/rules/clientSecretExpiry";
import { clientSecretExpiryAdvisory } from "../../policies/rules/clientSecretExpiryAdvisory";
import { applicationProps, contracts, daysFromNow, NOW, passwordProps, rfc3339 } from "./helpers/fixtures";
import { messages, runResourceRule, UNKNOWN, UNKNOWN_OBJECT } from "./helpers/policyHarness";

beforeAll(() => setClock(() => NOW));
afterAll(() => setClock(undefined));

const appPassword = (props: Record<string, unknown>) => ({ type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD, props });
const spPassword = (props: Record<string, unknown>) => ({ type: contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD, props: { ...props, servicePrincipalId: "/servicePrincipals/x" } });

describe("entra-client-secret-expiry", () => {
  const run = (r: { type: string; props: Record<string, unknown> }, config: Record<string, unknown> = {}) => runResourceRule(clientSecretExpiry, r, config);

  it("passes an explicit end date within the allowed lifetime, on every kind of secret", async () => {
    expect(await run(appPassword(passwordProps(daysFromNow(-10), daysFromNow(170))))).toEqual({ violations: [] });
    expect(await run(spPassword(passwordProps(daysFromNow(0), daysFromNow(365))))).toEqual({ violations: [] });
    const inline = applicationProps("app", { password: { displayName: "p", endDate: rfc3339(daysFromNow(90)) } });
    expect(await run({ type: contracts.TYPE_AZUREAD_APPLICATION, props: inline })).toEqual({ violations: [] });
  });

  it("requires an explicit end date: the deprecated endDateRelative does not count", async () => {
    const { endDate: _omit, ...noEnd } = passwordProps(daysFromNow(0), daysFromNow(1));
    expect(messages(await run(appPassword({ ...noEnd, endDateRelative: "4320h" })))).toEqual([
      "endDate is not set: the deprecated endDateRelative does not count; set endDate to an explicit RFC 3339 date",
    ]);
    expect(messages(await run(spPassword(noEnd)))).toEqual(["endDate is not set, so the provider picks the expiry; set endDate to an explicit RFC 3339 date"]);
  });

  it("rejects unparseable dates", async () => {
    for (const endDate of ["2027-02-30T00:00:00Z", "2027-01-01", "next year", "1790000000"]) {
      expect(messages(await run(appPassword(passwordProps(NOW, NOW, { endDate }))))).toEqual([
        `endDate '${endDate}' is not an RFC 3339 date-time like 2026-06-30T00:00:00Z`,
      ]);
    }
    expect(messages(await run(appPassword(passwordProps(NOW, NOW, { endDate: 1790000000 }))))).toEqual(["endDate must be an RFC 3339 date string, got a number"]);
    expect(messages(await run(appPassword(passwordProps(NOW, daysFromNow(30), { startDate: "soon" }))))).toEqual([
      "startDate 'soon' is not an RFC 3339 date-time like 2026-01-01T00:00:00Z",
    ]);
  });

  it("rejects an expired secret and an end before the start", async () => {
    expect(messages(await run(appPassword(passwordProps(daysFromNow(-200), daysFromNow(-1)))))).toEqual([
      "the client secret expired on 2026-11-22 (endDate); rotate it: declare a new secret with a future endDate",
    ]);
    expect(messages(await run(appPassword(passwordProps(daysFromNow(20), daysFromNow(10)))))).toEqual([
      "endDate (2026-12-03) is not after startDate (2026-12-13)",
    ]);
  });

  it("limits the lifetime from the start, or from now without a start, to maxLifetimeDays", async () => {
    const long = await run(appPassword(passwordProps(daysFromNow(-1), daysFromNow(400))));
    expect(messages(long)).toEqual([
      "the client secret lives 401 days (from 2026-11-22 to 2027-12-28), more than the allowed 365 days; shorten endDate",
    ]);
    expect(await run(appPassword(passwordProps(daysFromNow(-1), daysFromNow(400))), { maxLifetimeDays: 730 })).toEqual({ violations: [] });
    const { startDate: _omit, ...noStart } = passwordProps(NOW, daysFromNow(100));
    expect(messages(await run(appPassword(noStart), { maxLifetimeDays: 90 }))).toEqual([
      "the client secret lives 100 days (from now to 2027-03-03), more than the allowed 90 days; shorten endDate",
    ]);
    const inline = applicationProps("app", { password: { displayName: "p", endDate: rfc3339(daysFromNow(500)) } });
    expect(messages(await run({ type: contracts.TYPE_AZUREAD_APPLICATION, props: inline }))[0]).toContain("shorten password.endDate");
  });

  it("reports invalid maxLifetimeDays config as a violation", async () => {
    expect(messages(await run(appPassword(passwordProps(NOW, daysFromNow(10))), { maxLifetimeDays: 1000 }))).toEqual([
      "policy config 'maxLifetimeDays' is invalid: expected a whole number from 1 to 730",
    ]);
  });

  it("does not apply to an Application without an inline password", async () => {
    const r = await run({ type: contracts.TYPE_AZUREAD_APPLICATION, props: applicationProps("app") });
    expect(r.notApplicable).toBe("the application declares no inline password");
  });

  it("reports unknown dates (preview) as undecided, never as a pass", async () => {
    const r = await run(appPassword(passwordProps(NOW, NOW, { endDate: UNKNOWN })));
    expect(r).toEqual({ violations: [], undecided: expect.stringContaining("endDate (expiry and lifetime of the client secret)") });
    const s = await run(appPassword(passwordProps(NOW, daysFromNow(10), { startDate: UNKNOWN })));
    expect(s.undecided).toContain("startDate (lifetime of the client secret)");
    const inline = await run({ type: contracts.TYPE_AZUREAD_APPLICATION, props: applicationProps("app", { password: UNKNOWN_OBJECT }) });
    expect(inline.undecided).toContain("password.endDate");
  });
});

describe("entra-client-secret-expiry-advisory", () => {
  const run = (r: { type: string; props: Record<string, unknown> }, config: Record<string, unknown> = {}) => runResourceRule(clientSecretExpiryAdvisory, r, config);

  it("is quiet for a secret well within its lifetime and far from expiry", async () => {
    expect(await run(appPassword(passwordProps(daysFromNow(-30), daysFromNow(150))))).toEqual({ violations: [] });
  });

  it("warns within warnDays of expiry (configurable)", async () => {
    expect(messages(await run(appPassword(passwordProps(daysFromNow(-150), daysFromNow(12)))))).toEqual([
      "the client secret expires in 12 days (on 2026-12-05); make sure a newer secret exists and its consumers use it before then",
    ]);
    expect(await run(appPassword(passwordProps(daysFromNow(-150), daysFromNow(12))), { warnDays: 7 })).toEqual({ violations: [] });
  });

  it("warns about lifetimes longer than the recommended 180 days (configurable)", async () => {
    expect(messages(await run(appPassword(passwordProps(daysFromNow(0), daysFromNow(365)))))).toEqual([
      "the client secret lives 365 days, longer than the recommended 180 days; prefer shorter lifetimes with rotation",
    ]);
    expect(await run(appPassword(passwordProps(daysFromNow(0), daysFromNow(365))), { recommendedLifetimeDays: 365 })).toEqual({ violations: [] });
  });

  it("leaves missing, expired and malformed dates to the mandatory rule", async () => {
    expect(await run(appPassword(passwordProps(daysFromNow(-100), daysFromNow(-1))))).toEqual({ violations: [] });
    expect(await run(appPassword(passwordProps(NOW, NOW, { endDate: "soon" })))).toEqual({ violations: [] });
  });

  it("reports an unknown end date as undecided", async () => {
    expect((await run(spPassword(passwordProps(NOW, NOW, { endDate: UNKNOWN })))).undecided).toContain("endDate");
  });
});
