import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretSchedule } from "../../components/rotation";
import { setClock } from "../../policies/lib/clock";
import { clientSecretRotationOverlap } from "../../policies/rules/rotationOverlap";
import { applicationProps, contracts, daysFromNow, guidFor, NOW, passwordProps, rfc3339 } from "./helpers/fixtures";
import { messages, runStackRule, UNKNOWN, urnOf, type StackInput } from "./helpers/policyHarness";

beforeAll(() => setClock(() => NOW));
afterAll(() => setClock(undefined));

const app: StackInput = { type: contracts.TYPE_AZUREAD_APPLICATION, name: "pa-app", props: applicationProps("pa") };
const appId = `/applications/${String(app.props.objectId)}`;
const secret = (name: string, start: Date, end: Date, extra: Record<string, unknown> = {}): StackInput => ({
  type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD,
  name,
  props: passwordProps(start, end, { applicationId: appId, ...extra }),
});
const run = (resources: StackInput[], config: Record<string, unknown> = {}) => runStackRule(clientSecretRotationOverlap, resources, config);

describe("entra-client-secret-rotation-overlap", () => {
  it("passes two overlapping slots right after a rotation", async () => {
    expect(await run([app, secret("a", daysFromNow(-2), daysFromNow(178)), secret("b", daysFromNow(-150), daysFromNow(30))])).toEqual({ violations: [] });
  });

  it("passes a single secret that has been in use longer than minOverlapDays (between rotations)", async () => {
    expect(await run([app, secret("a", daysFromNow(-40), daysFromNow(140))])).toEqual({ violations: [] });
  });

  it("passes the project's own two-slot schedule on every day of a cycle", async () => {
    const schedule = { lifetimeDays: 90, rotateAfterDays: 60 };
    for (let day = 0; day < 60; day++) {
      const now = daysFromNow(day);
      setClock(() => now);
      const resources: StackInput[] = [app, ...secretSchedule(schedule, now).active.map((g) => secret(`slot-${g.slot}`, g.startDate, g.endDate))];
      expect(await run(resources), `day ${day}`).toEqual({ violations: [] });
    }
    setClock(() => NOW);
  });

  it("advises when a rotation left no older secret valid", async () => {
    const r = await run([app, secret("a", daysFromNow(-2), daysFromNow(178))]);
    expect(r.violations).toEqual([
      {
        message:
          "pa-app: a started 2 days ago and no older client secret is still valid, so consumers get no overlap to switch; keep the previous secret valid at least 7 days after each rotation (two secret slots)",
        urn: urnOf(app),
      },
    ]);
    const { startDate: _omit, ...startsNow } = passwordProps(NOW, daysFromNow(90), { applicationId: appId });
    expect(messages(await run([app, { ...secret("new", NOW, NOW), props: startsNow }]))[0]).toContain("new starts now");
  });

  it("advises when the previous secret ends too soon after the rotation (configurable)", async () => {
    const resources = [app, secret("a", daysFromNow(-1), daysFromNow(179)), secret("b", daysFromNow(-178), daysFromNow(2))];
    expect(messages(await run(resources))).toEqual(["pa-app: the previous secret b ends 3 days after a started, less than 7 days of overlap"]);
    expect(await run(resources, { minOverlapDays: 1 })).toEqual({ violations: [] });
  });

  it("advises on a gap between successive secrets", async () => {
    const r = await run([app, secret("old", daysFromNow(-300), daysFromNow(-120)), secret("new", daysFromNow(-100), daysFromNow(80))]);
    expect(messages(r)).toEqual([
      `pa-app: new starts on ${rfc3339(daysFromNow(-100)).slice(0, 10)}, after old ended on ${rfc3339(daysFromNow(-120)).slice(0, 10)}: consumers have no valid secret in between; start the new secret before the old one expires`,
    ]);
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
    const inline: StackInput = { ...app, props: { ...app.props, password: { displayName: "p", startDate: rfc3339(daysFromNow(-1)), endDate: rfc3339(daysFromNow(100)) } } };
    expect(messages(await run([inline]))[0]).toContain("pa-app: pa-app.password started 1 day ago");
  });

  it("reports secrets it cannot link or date (preview) as undecided", async () => {
    const previewApp: StackInput = { ...app, props: { ...app.props, objectId: UNKNOWN } };
    const r = await run([previewApp, secret("a", daysFromNow(-2), daysFromNow(178), { applicationId: UNKNOWN })]);
    expect(r.violations).toEqual([]);
    expect(r.undecided).toContain("client secrets of pa-app");
    const linked = await run([previewApp, { ...secret("a", daysFromNow(-2), daysFromNow(178), { applicationId: UNKNOWN }), propertyDependencies: { applicationId: ["pa-app"] } }]);
    expect(messages(linked)).toEqual([expect.stringContaining("no older client secret is still valid")]);
    const undated = await run([app, secret("a", daysFromNow(-2), daysFromNow(178), { endDate: UNKNOWN })]);
    expect(undated.undecided).toContain("endDate");
  });

  it("does not apply when no app has client secrets", async () => {
    expect((await run([app])).notApplicable).toBe("the stack declares no client secrets of app registrations");
  });
});
