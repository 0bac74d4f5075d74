/**
 * The analyzer client under load, against the real pack: many Analyze calls at once (the session bounds and paces
 * them, cli/analyzer/callQueue.ts) each get their own resource's findings, the same as one at a time; and resources
 * prepared once (`prepareResource`, as the offline plan does) give the same findings in Analyze and AnalyzeStack.
 */
import { describe, expect, it } from "vitest";
import { prepareResource, resourceUrn, type AnalyzerResource, type PolicyFinding } from "../../cli/analyzer";
import { applicationProps, contracts } from "./helpers/fixtures";
import { usePolicyPack } from "./helpers/usePolicyPack";

const pack = usePolicyPack();

/** An app registration; every third one with a wildcard redirect URI and implicit grant on (mandatory violations). */
function app(i: number): AnalyzerResource {
  const name = `app-${i}`;
  const unsafe = i % 3 === 0;
  return {
    urn: resourceUrn({ stack: "dev", project: "k2-oauth", type: contracts.TYPE_AZUREAD_APPLICATION, name }),
    type: contracts.TYPE_AZUREAD_APPLICATION,
    name,
    properties: applicationProps(
      name,
      unsafe ? { web: { redirectUris: ["https://*.example.com/signin"], implicitGrant: { accessTokenIssuanceEnabled: true, idTokenIssuanceEnabled: false } } } : {},
    ),
  };
}

const summary = (findings: PolicyFinding[]) => findings.map((f) => `${f.level} ${f.policyName} ${f.urn ?? ""}: ${f.message}`).sort();

describe("many Analyze calls at once", () => {
  it("answers each call with its own resource's findings, as calls one at a time do", async () => {
    const resources = Array.from({ length: 600 }, (_, i) => app(i));
    const together = await Promise.all(resources.map((r) => pack.session.analyze(r)));
    const oneByOne: PolicyFinding[][] = [];
    for (const r of resources.slice(0, 12)) oneByOne.push(await pack.session.analyze(r));
    resources.forEach((r, i) => {
      for (const f of together[i]) expect(f.urn, r.name).toBe(r.urn);
      const mandatory = together[i].filter((f) => f.level === "mandatory").map((f) => f.policyName);
      expect(mandatory.sort(), r.name).toEqual(i % 3 === 0 ? ["entra-app-implicit-grant", "entra-app-redirect-uris"] : []);
    });
    expect(together.slice(0, 12).map(summary)).toEqual(oneByOne.map(summary));
  });
});

describe("prepared resources", () => {
  it("give the same findings in Analyze and AnalyzeStack, and cannot be changed afterwards", async () => {
    const resources = Array.from({ length: 9 }, (_, i) => app(i));
    const prepared = resources.map(prepareResource);
    expect(Object.isFrozen(prepared[0])).toBe(true);
    const plain = await Promise.all(resources.map((r) => pack.session.analyze(r)));
    const viaPrepared = await Promise.all(prepared.map((r) => pack.session.analyze(r)));
    expect(viaPrepared.map(summary)).toEqual(plain.map(summary));
    expect(summary(await pack.session.analyzeStack(prepared))).toEqual(summary(await pack.session.analyzeStack(resources)));
  });
});
