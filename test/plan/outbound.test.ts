/**
 * The outbound side in the offline plan of the dev example stack (`k2-oauth:outbound`): the K2 OAuth resource takes
 * its client_secret from the outbound app's CURRENT password, and depends on it, on every day: on the rotation day the
 * dependency moves to the new slot, so the engine creates the new password before it updates K2 (in the same
 * `pulumi up`), while the previous password is kept (the overlap). No secret value is printed, and no mandatory
 * policy violation is raised.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { computePlan } from "../../cli/plan/computePlan";
import type { PlanResult } from "../../cli/plan/model";
import { renderText } from "../../cli/plan/render/text";
import { TYPE_OAUTH_RESOURCE, TYPE_OUTBOUND_OAUTH } from "../../components/contracts";
import { REPO_ROOT } from "./project";

// The dev stack's outbound app joined on 2026-01-01 with 180/150 days: generation 2 (slot a) from 2026-10-28 until
// 2027-04-26, and generation 3 (slot b) from the rotation day 2027-03-27.
const BEFORE = "2027-03-26";
const ROTATION = "2027-03-27";
const plans: Record<string, PlanResult> = {};

beforeAll(async () => {
  const [before, rotation] = await Promise.all([
    computePlan({ root: REPO_ROOT, stack: "dev", date: BEFORE }),
    computePlan({ root: REPO_ROOT, stack: "dev", date: ROTATION }),
  ]);
  plans[BEFORE] = before.result;
  plans[ROTATION] = rotation.result;
}, 240_000);

const urn = (type: string, name: string) =>
  `urn:pulumi:dev::k2-oauth::${TYPE_OUTBOUND_OAUTH}$${type}::${name}`;
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";

describe.each([
  [BEFORE, "a", ["k2-outbound-secret-a"]],
  [ROTATION, "b", ["k2-outbound-secret-a", "k2-outbound-secret-b"]],
])("the dev stack's outbound side on %s", (date, currentSlot, passwords) => {
  it("declares the outbound component, its passwords and one K2 OAuth resource under it", () => {
    const plan = plans[date];
    const outbound = plan.resources.filter((r) => r.parent === `urn:pulumi:dev::k2-oauth::${TYPE_OUTBOUND_OAUTH}::k2-oauth-outbound`);
    expect(outbound.filter((r) => r.type === PASSWORD).map((r) => r.name)).toEqual(passwords);
    expect(outbound.filter((r) => r.type === TYPE_OAUTH_RESOURCE).map((r) => r.name)).toEqual(["k2-outbound-k2-microsoft-graph"]);
  });

  it(`takes client_secret from the current password (slot ${currentSlot}) and depends on it`, () => {
    const k2 = plans[date].resources.find((r) => r.type === TYPE_OAUTH_RESOURCE)!;
    const current = urn(PASSWORD, `k2-outbound-secret-${currentSlot}`);
    expect(k2.propertyDependencies?.clientSecret).toEqual([current]);
    expect(k2.dependencies).toContain(current);
    expect(k2.inputs.clientSecret).toBe("(known after apply)");
    expect(k2.inputs.resourceName).toBe("Microsoft Graph");
    expect(k2.inputs.parameters).toMatchObject({ resource: { authorization: "https://graph.microsoft.com", token: "https://graph.microsoft.com", refresh: "https://graph.microsoft.com" } });
  });

  it("has no mandatory violation and prints no secret", () => {
    const plan = plans[date];
    expect(plan.policy.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    expect(plan.checks).toMatchObject({ failures: [] });
    const text = renderText(plan, { color: false });
    expect(text).not.toContain("set-with-pulumi-config-set-secret");
    expect(text).toContain("pulumi-nodejs:dynamic/k2:OAuthResource  k2-outbound-k2-microsoft-graph");
  });
});
