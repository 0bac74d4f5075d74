import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretSchedule } from "../../components/rotation";
import { setClock } from "../../policies/lib/clock";
import { clientSecretExpiry } from "../../policies/rules/clientSecretExpiry";
import { clientSecretExpiryAdvisory } from "../../policies/rules/clientSecretExpiryAdvisory";
import { applicationProps, clientApp, contracts, daysFromNow, guidFor, inboundOAuth, NOW, passwordProps, rfc3339 } from "./helpers/fixtures";
import { messages, runResourceRule, runRule, runStackRule, UNKNOWN, UNKNOWN_OBJECT, urnOf, type StackInput } from "./helpers/policyHarness";

beforeAll(() => setClock(() => NOW));
afterAll(() => setClock(undefined));

const appPassword = (props: Record<string, unknown>) => ({ type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD, props });
const spPassword = (props: Record<string, unknown>) => ({ type: contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD, props: { ...props, servicePrincipalId: "/servicePrincipals/x" } });

describe("entra-client-secret-expiry", () => {
  const run = (r: { type: string; props: Record<string, unknown> }, config: Record<string, unknown> = {}) => runResourceRule(clientSecretExpiry, r, config);

  it("passes an explicit end date within the allowed lifetime (default P180D), on every kind of secret", async () => {
    expect(await run(appPassword(passwordProps(daysFromNow(-10), daysFromNow(170))))).toEqual({ violations: [] });
    expect(await run(spPassword(passwordProps(daysFromNow(0), daysFromNow(180))))).toEqual({ violations: [] });
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

  it("rejects unparseable dates without quoting them", async () => {
    for (const endDate of ["2027-02-30T00:00:00Z", "2027-01-01", "next year", "1790000000"]) {
      expect(messages(await run(appPassword(passwordProps(NOW, NOW, { endDate }))))).toEqual(["endDate is not an RFC 3339 date-time like 2026-06-30T00:00:00Z"]);
    }
    expect(messages(await run(appPassword(passwordProps(NOW, NOW, { endDate: 1790000000 }))))).toEqual(["endDate must be an RFC 3339 date string, got a number"]);
    expect(messages(await run(appPassword(passwordProps(NOW, daysFromNow(30), { startDate: "soon" }))))).toEqual(["startDate is not an RFC 3339 date-time like 2026-01-01T00:00:00Z"]);
  });

  it("rejects an expired secret and an end before the start", async () => {
    expect(messages(await run(appPassword(passwordProps(daysFromNow(-200), daysFromNow(-1)))))).toEqual([
      "the client secret expired 1 day ago (endDate); rotate it: declare a new secret with a future endDate",
    ]);
    expect(messages(await run(appPassword(passwordProps(daysFromNow(20), daysFromNow(10)))))).toEqual(["endDate is not after startDate"]);
  });

  it("limits the lifetime from the start, or from now without a start, to maxLifetime (an ISO 8601 duration)", async () => {
    const long = await run(appPassword(passwordProps(daysFromNow(-1), daysFromNow(180))));
    expect(messages(long)).toEqual(["the client secret lives 181 days (from its startDate to its endDate), longer than maxLifetime P180D allows; shorten endDate"]);
    expect(await run(appPassword(passwordProps(daysFromNow(-1), daysFromNow(400))), { maxLifetime: "P730D" })).toEqual({ violations: [] });
    expect(await run(appPassword(passwordProps(NOW, new Date(NOW.getTime() + 36 * 3_600_000))), { maxLifetime: "PT36H" })).toEqual({ violations: [] });
    expect(messages(await run(appPassword(passwordProps(NOW, new Date(NOW.getTime() + 37 * 3_600_000))), { maxLifetime: "P1DT12H" }))).toEqual([
      "the client secret lives 1 day (from its startDate to its endDate), longer than maxLifetime P1DT12H allows; shorten endDate",
    ]);
    const { startDate: _omit, ...noStart } = passwordProps(NOW, daysFromNow(100));
    expect(messages(await run(appPassword(noStart), { maxLifetime: "P90D" }))).toEqual([
      "the client secret lives 100 days (from now to its endDate), longer than maxLifetime P90D allows; shorten endDate",
    ]);
    const inline = applicationProps("app", { password: { displayName: "p", endDate: rfc3339(daysFromNow(500)) } });
    expect(messages(await run({ type: contracts.TYPE_AZUREAD_APPLICATION, props: inline }))).toEqual([
      "the client secret lives 500 days (from now to its password.endDate), longer than maxLifetime P180D allows; shorten password.endDate",
    ]);
  });

  it("checks a ClientApp's secret in Analyze, before the create, naming the client's lifetimeDays; once", async () => {
    const secret: StackInput = { type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD, name: "pa-secret-b", parent: "pa", props: passwordProps(daysFromNow(-1), daysFromNow(200)) };
    const urn = urnOf({ type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD, name: "pa-secret-b" }, [contracts.TYPE_INBOUND_OAUTH, contracts.TYPE_CLIENT_APP]);
    const message = "the client secret lives 201 days (from its startDate to its endDate), longer than maxLifetime P180D allows; change secret.lifetimeDays of the client named pa in k2-oauth:clients";
    expect(await runResourceRule(clientSecretExpiry, { type: secret.type, props: secret.props, name: secret.name, urn })).toEqual({ violations: [{ message }] });
    expect(await runRule(clientSecretExpiry, [inboundOAuth(), clientApp("pa", 2), secret])).toEqual({ violations: [{ message, urn }] });
  });

  it("refuses a maxLifetime above P730D, in months or years, or that is not a duration", async () => {
    const secret = appPassword(passwordProps(NOW, daysFromNow(10)));
    const expected = "expected an ISO 8601 duration in days like P180D, at most P730D (Entra ID's 24-month cap for client secrets)";
    expect(messages(await run(secret, { maxLifetime: "P731D" }))).toEqual([`"entra-client-secret-expiry".maxLifetime: ${expected}; got 'P731D'`]);
    expect(messages(await run(secret, { maxLifetime: "P6M" }))).toEqual([
      `"entra-client-secret-expiry".maxLifetime: ${expected}: years, months and weeks have no fixed length: write the duration in days (P180D for about six months); got 'P6M'`,
    ]);
    expect(messages(await run(secret, { maxLifetime: "P0D" }))).toEqual([`"entra-client-secret-expiry".maxLifetime: ${expected}: a duration of zero; got 'P0D'`]);
    expect(messages(await run(secret, { maxLifetime: 180 }))).toEqual([`"entra-client-secret-expiry".maxLifetime: ${expected}; got 180`]);
    expect(messages(await run(secret, { maxLifetimeDays: 180 }))).toEqual([
      '"entra-client-secret-expiry".maxLifetimeDays: unknown setting; replaced by maxLifetime, an ISO 8601 duration like P180D',
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

describe("entra-client-secret-expiry-advisory (slot-aware)", () => {
  const app: StackInput = { type: contracts.TYPE_AZUREAD_APPLICATION, name: "pa-app", props: applicationProps("pa") };
  const appId = `/applications/${String(app.props.objectId)}`;
  const secret = (name: string, start: Date, end: Date, extra: Record<string, unknown> = {}): StackInput => ({
    type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD,
    name,
    props: passwordProps(start, end, { applicationId: appId, ...extra }),
  });
  const run = (resources: StackInput[], config: Record<string, unknown> = {}) => runStackRule(clientSecretExpiryAdvisory, resources, config);
  const urn = (name: string) => urnOf({ type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD, name });

  it("is quiet for a secret far from expiry", async () => {
    expect(await run([app, secret("a", daysFromNow(-30), daysFromNow(150))])).toEqual({ violations: [] });
  });

  it("is quiet during a normal overlap: the old slot expires soon but the newer one stays valid beyond the window", async () => {
    expect(await run([app, secret("a", daysFromNow(-150), daysFromNow(12)), secret("b", daysFromNow(-2), daysFromNow(178))])).toEqual({ violations: [] });
  });

  it("warns when the secret expires within warnDays and no newer secret outlives the window (configurable)", async () => {
    const lone = await run([app, secret("a", daysFromNow(-150), daysFromNow(12))]);
    expect(lone.violations).toEqual([
      {
        message: "a of pa-app expires in 12 days and no newer secret of pa-app stays valid beyond the 30-day warning window; add the next secret and move its consumers to it before then",
        urn: urn("a"),
      },
    ]);
    expect(await run([app, secret("a", daysFromNow(-150), daysFromNow(12))], { warnDays: 7 })).toEqual({ violations: [] });
    // A newer secret that itself ends inside the window does not help.
    const both = await run([app, secret("a", daysFromNow(-150), daysFromNow(12)), secret("b", daysFromNow(-10), daysFromNow(20))]);
    expect(messages(both)).toEqual([
      "a of pa-app expires in 12 days and no newer secret of pa-app stays valid beyond the 30-day warning window; add the next secret and move its consumers to it before then",
      "b of pa-app expires in 20 days and no newer secret of pa-app stays valid beyond the 30-day warning window; add the next secret and move its consumers to it before then",
    ]);
  });

  it("an older secret does not count as a successor", async () => {
    expect(messages(await run([app, secret("old", daysFromNow(-300), daysFromNow(60)), secret("new", daysFromNow(-170), daysFromNow(10))]))).toEqual([
      "new of pa-app expires in 10 days and no newer secret of pa-app stays valid beyond the 30-day warning window; add the next secret and move its consumers to it before then",
    ]);
  });

  it("stays quiet on every day of the project's own schedule when the overlap covers the window", async () => {
    const schedule = { lifetimeDays: 90, rotateAfterDays: 60 };
    for (let day = 0; day < 120; day++) {
      const now = daysFromNow(day);
      setClock(() => now);
      const resources = [app, ...secretSchedule(schedule, now).active.map((g) => secret(`slot-${g.slot}`, g.startDate, g.endDate))];
      expect(await run(resources), `day ${day}`).toEqual({ violations: [] });
    }
    setClock(() => NOW);
  });

  it("judges a password whose application is not in the stack on its own", async () => {
    const orphan = secret("far", daysFromNow(-100), daysFromNow(5), { applicationId: "/applications/elsewhere" });
    expect(messages(await run([app, orphan]))).toEqual([
      "far expires in 5 days and no newer secret stays valid beyond the 30-day warning window; add the next secret and move its consumers to it before then",
    ]);
  });

  it("leaves expired and malformed dates to the mandatory rule, and reports unknowns as undecided", async () => {
    expect(await run([app, secret("a", daysFromNow(-100), daysFromNow(-1))])).toEqual({ violations: [] });
    expect(await run([app, secret("a", NOW, NOW, { endDate: "soon" })])).toEqual({ violations: [], notApplicable: "the stack declares no dated client secrets" });
    expect((await run([app, secret("a", NOW, NOW, { endDate: UNKNOWN })])).undecided).toContain("endDate");
    const sp: StackInput = { type: contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL, name: "sp", props: { clientId: app.props.clientId, objectId: guidFor("sp") } };
    expect((await run([app, sp, secret("a", daysFromNow(-1), daysFromNow(10), { applicationId: UNKNOWN })])).undecided).toContain(
      "client secrets of pa-app",
    );
  });
});
