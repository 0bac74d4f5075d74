/**
 * Enforcement levels as the engine reads them: a `remediate`-level violation counts as mandatory (it fails the run,
 * pulumi/pulumi analyze_snapshot.go and step_generator.go), and a level the analyzer protocol does not define stops
 * the run instead of passing as advisory (the engine's convertEnforcementLevel errors on it).
 */
import { describe, expect, it } from "vitest";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import { findingsOf, summaryOf, UnknownEnforcementLevelError, type PolicyFinding } from "../../cli/analyzer";
import { toViolation } from "../../cli/plan/policy";
import { renderMarkdown } from "../../cli/plan/render/markdown";
import { renderText } from "../../cli/plan/render/text";
import { thrown } from "../helpers/thrown";
import { planResult } from "./project";

const URN = "urn:pulumi:dev::k2-oauth::azuread:index/application:Application::app";

function response(level: number): proto.AnalyzeResponse {
  const d = new proto.AnalyzeDiagnostic().setPolicyname("entra-app-owners").setPolicypackname("k2-oauth").setEnforcementlevel(level).setMessage("no owner").setUrn(URN);
  return new proto.AnalyzeResponse().setDiagnosticsList([d]);
}

describe("findingsOf (Analyze and AnalyzeStack answers)", () => {
  it.each([
    [proto.EnforcementLevel.ADVISORY, "advisory"],
    [proto.EnforcementLevel.MANDATORY, "mandatory"],
    [proto.EnforcementLevel.REMEDIATE, "remediate"],
    [proto.EnforcementLevel.DISABLED, "disabled"],
  ] as const)("level %i is %s", (level, name) => {
    expect(findingsOf(response(level))).toEqual([{ policyName: "entra-app-owners", policyPackName: "k2-oauth", level: name, urn: URN, message: "no owner" }]);
  });

  it("a level the protocol does not define is an error naming it, never advisory", () => {
    const e = thrown(() => findingsOf(response(7)));
    expect(e).toBeInstanceOf(UnknownEnforcementLevelError);
    expect((e as Error).message).toBe(
      "the policy pack sent enforcement level 7 for a violation of entra-app-owners, which the analyzer protocol does not define (advisory, mandatory, remediate, disabled); the Pulumi CLI stops on it too (invalid enforcement level)",
    );
  });

  it("GetAnalyzerInfo: an unknown level of a policy or of the initial config is an error too", () => {
    const info = new proto.AnalyzerInfo().setName("k2-oauth").setPoliciesList([new proto.PolicyInfo().setName("entra-app-owners").setEnforcementlevel(9 as proto.EnforcementLevel)]);
    expect(thrown(() => summaryOf(info))).toEqual(new UnknownEnforcementLevelError(9, "as the level of entra-app-owners"));
    const initial = new proto.AnalyzerInfo().setName("k2-oauth");
    initial.getInitialconfigMap().set("entra-app-owners", new proto.PolicyConfig().setEnforcementlevel(5 as proto.EnforcementLevel));
    expect(thrown(() => summaryOf(initial))).toEqual(new UnknownEnforcementLevelError(5, "in the initial config of entra-app-owners"));
  });
});

describe("toViolation and what the plan makes of it", () => {
  const finding = (level: PolicyFinding["level"]): PolicyFinding => ({ policyName: "entra-app-owners", policyPackName: "k2-oauth", level, urn: URN, message: "no owner" });

  it("remediate counts as mandatory (the run fails), the level the pack sent kept; disabled is dropped", () => {
    expect(toViolation(finding("remediate"))).toEqual({ policy: "entra-app-owners", level: "mandatory", enforcementLevel: "remediate", policyPack: "k2-oauth", urn: URN, message: "no owner" });
    expect(toViolation(finding("mandatory"))?.level).toBe("mandatory");
    expect(toViolation(finding("advisory"))?.level).toBe("advisory");
    expect(toViolation(finding("disabled"))).toBeUndefined();
  });

  it("text and markdown list it with the mandatory violations, marked remediate", () => {
    const result = planResult({ policy: { packDir: "policies", violations: [toViolation(finding("remediate"))!], resourcesAnalyzed: 1 } });
    expect(renderText(result, { color: false })).toContain("  mandatory (1)\n    x k2-oauth/entra-app-owners [remediate]  app\n        no owner\n");
    expect(renderMarkdown(result)).toContain("| :x: mandatory (remediate) | `k2-oauth/entra-app-owners` | `app` | no owner |");
  });
});
