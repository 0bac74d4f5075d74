import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretSchedule } from "../../components/rotation";
import { setClock } from "../../policies/lib/clock";
import { clientSecretRotationOverlap } from "../../policies/rules/rotationOverlap";
import { applicationProps, clientApp, contracts, daysFromNow, guidFor, inboundOAuth, NOW, passwordProps, rfc3339 } from "./helpers/fixtures";
import { messages, runStackRule, UNKNOWN, urnOf, type StackInput } from "./helpers/policyHarness";

beforeAll(() => setClock(() => NOW));
afterAll(() => setClock(undefined));

const app: StackInput = { type: contracts.TYPE_AZUREAD_APPLICATION, name: "pa-app", props: applicationProps("pa") };
const appUrn = urnOf(app);
const appId = `/applications/${String(app.props.objectId)}`;
const secret = (name: string, start: Date, end: Date, extra: Record<string, unknown> = {}): StackInput => ({
  type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD,
  name,
  props: passwordProps(start, end, { applicationId: appId, ...extra }),
});
const run = (resources: StackInput[], config: Record<string, unknown> = {}) => runStackRule(clientSecretRotationOverlap, resources, config);

/** A ClientApp's app and its secrets as the program declares them, with the client's recorded schedule. */
function client(schedule: { lifetimeDays: number; rotateAfterDays: number }, now: Date): StackInput[] {
  const managedApp: StackInput = { ...app, parent: "pa" };
  return [
    inboundOAuth(),
    clientApp("pa", 1, { secret: schedule }),
    managedApp,
    ...secretSchedule(schedule, now).active.map((g) => ({ ...secret(`pa-secret-${g.slot}`, g.startDate, g.endDate), parent: "pa" })),
  ];
}

describe("entra-client-secret-rotation-overlap", () => {
  it("is mandatory by default, and never flags a single secret (a client just created has one)", async () => {
    expect(clientSecretRotationOverlap.enforcementLevel).toBe("mandatory");
    expect(await run([app, secret("a", daysFromNow(-2), daysFromNow(178))])).toEqual({
      violations: [],
      notApplicable: "no application has a recorded secret schedule or more than one client secret",
    });
    const { startDate: _omit, ...startsNow } = passwordProps(NOW, daysFromNow(90), { applicationId: appId });
    expect((await run([app, { ...secret("new", NOW, NOW), props: startsNow }])).violations).toEqual([]);
  });

  it("passes two slots that overlap through the warning window", async () => {
    expect(await run([app, secret("a", daysFromNow(-2), daysFromNow(178)), secret("b", daysFromNow(-150), daysFromNow(30))])).toEqual({ violations: [] });
  });

  it("flags an overlap shorter than the warning window, for secrets without a recorded schedule (configurable)", async () => {
    const resources = [app, secret("b", daysFromNow(-178), daysFromNow(2)), secret("a", daysFromNow(-1), daysFromNow(179))];
    expect(messages(await run(resources))).toEqual([
      "pa-app: b ends 3 days after a starts, less than the 30-day warning window; start each new secret at least 30 days before the previous one expires",
    ]);
    expect(await run(resources, { warnDays: 3 })).toEqual({ violations: [] });
  });

  it("flags a gap, comparing each secret with the latest end of all before it", async () => {
    const gap = await run([app, secret("old", daysFromNow(-300), daysFromNow(-120)), secret("new", daysFromNow(-100), daysFromNow(80))]);
    expect(gap.violations).toEqual([
      { message: "pa-app: new starts 20 days after old (the latest valid secret before it) ends: consumers have no valid secret in between; start the new secret before the old one expires", urn: appUrn },
    ]);
    // A neighbour ends early, but an older, longer secret still covers the period: no gap.
    const covered = [app, secret("long", daysFromNow(-300), daysFromNow(60)), secret("short", daysFromNow(-200), daysFromNow(-150)), secret("next", daysFromNow(-100), daysFromNow(200))];
    expect(await run(covered, { warnDays: 10 })).toEqual({ violations: [] });
  });

  it("for this project's clients requires rotateAfterDays <= lifetimeDays - warnDays, naming the config key", async () => {
    expect(await run(client({ lifetimeDays: 180, rotateAfterDays: 150 }, NOW))).toEqual({ violations: [] });
    const tight = await run(client({ lifetimeDays: 180, rotateAfterDays: 160 }, NOW));
    expect(tight.violations).toEqual([
      {
        message:
          "pa-app: each rotation leaves the previous secret valid 20 days (lifetimeDays 180 - rotateAfterDays 160), less than the 30-day warning window, so the expiry advisory would fire before every rotation; set rotateAfterDays to at most 150 (k2-oauth:clients[1].secret.rotateAfterDays)",
        urn: urnOf(app, [contracts.TYPE_INBOUND_OAUTH, contracts.TYPE_CLIENT_APP]),
      },
    ]);
    expect(await run(client({ lifetimeDays: 180, rotateAfterDays: 150 }, NOW), { warnDays: 31 })).toEqual({
      violations: [expect.objectContaining({ message: expect.stringContaining("valid 30 days (lifetimeDays 180 - rotateAfterDays 150), less than the 31-day warning window") })],
    });
  });

  it("judges the recorded schedule also while a client has one secret (between rotations, or just created)", async () => {
    const day = new Date(Date.UTC(2024, 0, 1) + 175 * 86_400_000);
    setClock(() => day);
    const resources = client({ lifetimeDays: 90, rotateAfterDays: 80 }, day);
    expect(resources.filter((r) => r.type === contracts.TYPE_AZUREAD_APPLICATION_PASSWORD)).toHaveLength(1);
    expect(messages(await run(resources))).toEqual([expect.stringContaining("set rotateAfterDays to at most 60 (k2-oauth:clients[1].secret.rotateAfterDays)")]);
    setClock(() => NOW);
  });

  it("passes the project's own two-slot schedule on every day of two cycles", async () => {
    const schedule = { lifetimeDays: 90, rotateAfterDays: 60 };
    for (let day = 0; day < 120; day++) {
      const now = daysFromNow(day);
      setClock(() => now);
      expect(await run(client(schedule, now)), `day ${day}`).toEqual({ violations: [] });
      // And without the record, read from the secrets themselves.
      const plain = secretSchedule(schedule, now).active.map((g) => secret(`slot-${g.slot}`, g.startDate, g.endDate));
      expect((await run([app, ...plain])).violations, `day ${day}`).toEqual([]);
    }
    setClock(() => NOW);
  });

  it("counts service principal passwords and inline application passwords", async () => {
    const spObjectId = guidFor("pa/sp");
    const sp: StackInput = { type: contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL, name: "pa-sp", props: { clientId: app.props.clientId, objectId: spObjectId } };
    const spSecret: StackInput = {
      type: contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD,
      name: "sp-secret",
      props: { servicePrincipalId: `/servicePrincipals/${spObjectId}`, ...passwordProps(daysFromNow(-150), daysFromNow(30)) },
    };
    expect(await run([app, sp, spSecret, secret("a", daysFromNow(-2), daysFromNow(178))])).toEqual({ violations: [] });
    const inline: StackInput = { ...app, props: { ...app.props, password: { displayName: "p", startDate: rfc3339(daysFromNow(-200)), endDate: rfc3339(daysFromNow(-20)) } } };
    expect(messages(await run([inline, secret("a", daysFromNow(-2), daysFromNow(178))]))).toEqual([expect.stringContaining("pa-app: a starts 18 days after pa-app.password")]);
  });

  it("reports secrets it cannot link or date (preview) as undecided", async () => {
    const previewApp: StackInput = { ...app, props: { ...app.props, objectId: UNKNOWN } };
    const r = await run([previewApp, secret("a", daysFromNow(-2), daysFromNow(178), { applicationId: UNKNOWN }), secret("b", daysFromNow(-150), daysFromNow(2), { applicationId: UNKNOWN })]);
    expect(r.violations).toEqual([]);
    expect(r.undecided).toContain("client secrets of pa-app");
    const linked = await run([
      previewApp,
      { ...secret("a", daysFromNow(-2), daysFromNow(178), { applicationId: UNKNOWN }), propertyDependencies: { applicationId: ["pa-app"] } },
      { ...secret("b", daysFromNow(-150), daysFromNow(2), { applicationId: UNKNOWN }), propertyDependencies: { applicationId: ["pa-app"] } },
    ]);
    expect(messages(linked)).toEqual([expect.stringContaining("pa-app: b ends 4 days after a starts")]);
    const undated = await run([app, secret("a", daysFromNow(-2), daysFromNow(178), { endDate: UNKNOWN })]);
    expect(undated.undecided).toContain("endDate");
  });
});
