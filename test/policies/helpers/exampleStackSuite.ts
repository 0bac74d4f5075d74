/**
 * "The example stacks' resources pass with no mandatory violation": runs the program for one stacks/Pulumi.<stack>.yaml
 * under mocks, starts the real pack with policies/config/<stack>.json, and sends every declared resource through
 * Analyze (inputs) and AnalyzeStack (state), as `pulumi preview --policy-pack policies` would.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isWireSecret, loadPolicyConfigFile, secret, type PolicyFinding } from "../../../cli/analyzer";
import * as contracts from "../../../components/contracts";
import { asAnalyzeInput, asStackResource, MOCK_SECRET_MARKER, runExampleStack, type RecordedResource } from "./exampleStack";
import { PACK_DIR, PACK_START_TIMEOUT_MS, usePolicyPack } from "./usePolicyPack";

export function exampleStackSuite(stackName: string): void {
  const pack = usePolicyPack({ stack: stackName, project: "k2-oauth", setup: (s) => s.configure(loadPolicyConfigFile(path.join(PACK_DIR, "config", `${stackName}.json`))) });
  let resources: RecordedResource[] = [];
  let perResource: PolicyFinding[] = [];
  let stackFindings: PolicyFinding[] = [];

  beforeAll(async () => {
    ({ resources } = await runExampleStack(stackName));
    perResource = (await Promise.all(resources.map((r) => pack.session.analyze(asAnalyzeInput(r))))).flat();
    stackFindings = await pack.session.analyzeStack(resources.map(asStackResource));
  }, PACK_START_TIMEOUT_MS);

  describe(`stacks/Pulumi.${stackName}.yaml through the policy pack`, () => {
    it("declares the resources the rules inspect", () => {
      const types = new Set(resources.map((r) => r.type));
      for (const t of [
        contracts.TYPE_AZUREAD_APPLICATION,
        contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL,
        contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
        contracts.TYPE_AZUREAD_APPLICATION_PASSWORD,
        contracts.TYPE_KEYVAULT_SECRET,
        contracts.TYPE_BEARER_TOKEN_RESOURCE,
      ]) {
        expect(types, t).toContain(t);
      }
    });

    it("has no mandatory violation, per resource or for the stack", () => {
      const mandatory = [...perResource, ...stackFindings].filter((f) => f.level === "mandatory");
      expect(mandatory).toEqual([]);
    });

    it("leaves nothing undecided: every value the rules need is known after the run", () => {
      const undecided = [...perResource, ...stackFindings].filter((f) => f.message.includes("during preview"));
      expect(undecided).toEqual([]);
    });

    it("checked the consent and Key Vault links rather than skipping them", async () => {
      // Break one link and the same pack reports it: the pass above is not vacuous.
      const broken = resources.map(asStackResource).map((r) =>
        r.type === contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT ? { ...r, properties: { ...r.properties, claimValues: ["openid"] } } : r,
      );
      const findings = await pack.session.analyzeStack(broken);
      const apps = resources.filter((r) => r.type === contracts.TYPE_AZUREAD_APPLICATION).map((r) => r.urn);
      expect(findings.filter((f) => f.level === "mandatory" && f.policyName === "k2-api-admin-consent").map((f) => f.urn).sort()).toEqual(apps.sort());
      // The vault secret's `properties` hold the secret value, so the whole object travels as a Pulumi secret.
      const expireEarly = (p: unknown): unknown =>
        isWireSecret(p) ? secret(expireEarly(p.value)) : { ...(p as object), attributes: { enabled: true, expires: 1 } };
      const shifted = resources
        .map(asStackResource)
        .map((r) => (r.type === contracts.TYPE_KEYVAULT_SECRET ? { ...r, properties: { ...r.properties, properties: expireEarly(r.properties.properties) } } : r));
      const copies = resources.filter((r) => r.type === contracts.TYPE_KEYVAULT_SECRET).length;
      expect((await pack.session.analyzeStack(shifted)).filter((f) => f.policyName === "keyvault-secret-expiry-matches-entra")).toHaveLength(copies);
      const bearer = resources.find((r) => r.type === contracts.TYPE_BEARER_TOKEN_RESOURCE)!;
      const v2 = { ...bearer.inputs, tokenEndpoint: String(bearer.inputs.tokenEndpoint).replace("/oauth2/token", "/oauth2/v2.0/token") };
      const findings2 = await pack.session.analyze({ ...asAnalyzeInput(bearer), properties: v2 });
      expect(findings2.filter((f) => f.level === "mandatory").map((f) => f.policyName)).toEqual(["k2-bearer-token-v1-endpoints"]);
    });

    it("never prints a client secret", () => {
      const text = JSON.stringify([perResource, stackFindings]) + pack.logs.join("\n");
      expect(text).not.toContain(MOCK_SECRET_MARKER);
    });
  });
}
