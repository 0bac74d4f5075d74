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

    it("has no mandatory violation, per resource or for the stack, and no advisory noise either", () => {
      // The one advisory by design: a delegated outbound resource (k2-oauth:outbound) and its 90-day token (KB002999).
      const findings = [...perResource, ...stackFindings];
      const delegated = findings.filter((f) => f.policyName === "k2-outbound-delegated-token-expiry");
      expect(findings.filter((f) => !delegated.includes(f))).toEqual([]);
      expect(delegated.map((f) => [f.level, f.urn])).toEqual(
        resources.filter((r) => r.type === contracts.TYPE_OAUTH_RESOURCE && r.inputs.parameters !== undefined).map((r) => ["advisory", r.urn]),
      );
    });

    it("checks this project's resources with the stack (AnalyzeStack), not on their own (Analyze)", () => {
      // The outbound side (k2-oauth:outbound) is checked by stack rules, under its own component.
      const outbound = resources.filter((r) => r.type === contracts.TYPE_OUTBOUND_OAUTH || r.urn.includes(`::${contracts.TYPE_OUTBOUND_OAUTH}$`));
      const managed = resources.filter((r) => r.parent !== undefined && r.type !== contracts.TYPE_CLIENT_APP && !outbound.includes(r));
      // Besides the components themselves, only the stack's pinned providers stand outside InboundOAuth.
      const providers = resources.filter((r) => r.type.startsWith("pulumi:providers:"));
      expect(providers.map((r) => [r.type, r.parent])).toEqual([
        ["pulumi:providers:azuread", undefined],
        ["pulumi:providers:azure-native", undefined],
      ]);
      expect(managed.length).toBe(resources.length - 1 - providers.length - resources.filter((r) => r.type === contracts.TYPE_CLIENT_APP).length - outbound.length);
      for (const r of managed) expect(r.urn, r.name).toMatch(/::k2oauth:index:InboundOAuth\$/);
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
      // The K2 clients' apps (the outbound app requests no K2 API scope).
      const apps = resources.filter((r) => r.type === contracts.TYPE_AZUREAD_APPLICATION && !r.urn.includes(`::${contracts.TYPE_OUTBOUND_OAUTH}$`)).map((r) => r.urn);
      expect(findings.filter((f) => f.level === "mandatory" && f.policyName === "k2-api-admin-consent").map((f) => f.urn).sort()).toEqual(apps.sort());
      // The vault secret's `properties` hold the secret value, so the whole object travels as a Pulumi secret.
      const expireEarly = (p: unknown): unknown =>
        isWireSecret(p) ? secret(expireEarly(p.value)) : { ...(p as object), attributes: { enabled: true, expires: 1 } };
      const shifted = resources
        .map(asStackResource)
        .map((r) => (r.type === contracts.TYPE_KEYVAULT_SECRET ? { ...r, properties: { ...r.properties, properties: expireEarly(r.properties.properties) } } : r));
      const copies = resources.filter((r) => r.type === contracts.TYPE_KEYVAULT_SECRET).length;
      expect((await pack.session.analyzeStack(shifted)).filter((f) => f.policyName === "keyvault-secret-expiry-matches-entra")).toHaveLength(copies);
      const v2 = resources.map(asStackResource).map((r) =>
        r.type === contracts.TYPE_BEARER_TOKEN_RESOURCE ? { ...r, properties: { ...r.properties, tokenEndpoint: String(r.properties.tokenEndpoint).replace("/oauth2/token", "/oauth2/v2.0/token") } } : r,
      );
      const findings2 = (await pack.session.analyzeStack(v2)).filter((f) => f.level === "mandatory");
      expect(findings2.map((f) => [f.policyName, f.message.split("\n")[1]])).toEqual([
        [
          "k2-bearer-token-v1-endpoints",
          "tokenEndpoint is a v2.0 endpoint; K2 needs the v1 form https://<login host>/{tenantId}/oauth2/token (remove the v2.0 segment); change k2-oauth:tenantId and k2-oauth:cloud",
        ],
      ]);
      // The client's redirect URIs, named by their stack config key.
      const client = resources.find((r) => r.type === contracts.TYPE_CLIENT_APP)!;
      const unsafe = resources.map(asStackResource).map((r) =>
        r.type === contracts.TYPE_AZUREAD_APPLICATION && r.parent === client.urn
          ? { ...r, properties: { ...r.properties, web: { ...(r.properties.web as object), redirectUris: ["https://k2-test.azurewebsites.net/signin"] } } }
          : r,
      );
      // Checked in Analyze (before the create), named by the client; AnalyzeStack does not repeat it.
      const app = unsafe.find((r) => r.type === contracts.TYPE_AZUREAD_APPLICATION && r.parent === client.urn)!;
      const redirect = (await pack.session.analyze(app)).filter((f) => f.policyName === "entra-app-redirect-uris");
      expect(redirect.map((f) => [f.level, f.message.split("\n")[1].split("; change ")[1]])).toEqual([["mandatory", `redirectUris[0] of the client named ${String(app.name).replace(/-app$/, "")} in k2-oauth:clients`]]);
      expect((await pack.session.analyzeStack(unsafe)).filter((f) => f.policyName === "entra-app-redirect-uris")).toEqual([]);
    });

    it("through the analyzer protocol, refuses an outbound K2 resource whose redirect_uri differs in case from the app's, or that holds another app's secret", async () => {
      const k2 = resources.filter((r) => r.type === contracts.TYPE_OAUTH_RESOURCE);
      if (k2.length === 0) return; // a stack without k2-oauth:outbound
      const cased = resources.map(asStackResource).map((r) => {
        if (r.type !== contracts.TYPE_OAUTH_RESOURCE) return r;
        const parameters = r.properties.parameters as Record<string, Record<string, string>>;
        const upper = Object.fromEntries(Object.entries(parameters.redirect_uri).map(([leg, v]) => [leg, v.replace("/identity/", "/Identity/")]));
        return { ...r, properties: { ...r.properties, parameters: { ...parameters, redirect_uri: upper } } };
      });
      const found = (await pack.session.analyzeStack(cased)).filter((f) => f.policyName === "k2-outbound-redirect-uri");
      expect(found.map((f) => [f.level, f.urn])).toEqual([
        ["mandatory", k2[0].urn],
        ["mandatory", k2[0].urn],
      ]);
      // A K2 client's secret instead of the outbound app's own.
      const foreign = resources.find((r) => r.type === contracts.TYPE_AZUREAD_APPLICATION_PASSWORD && !r.urn.includes(`::${contracts.TYPE_OUTBOUND_OAUTH}$`))!;
      const stale = resources.map(asStackResource).map((r) => (r.type === contracts.TYPE_OAUTH_RESOURCE ? { ...r, properties: { ...r.properties, clientSecret: foreign.state.value } } : r));
      const secretFindings = (await pack.session.analyzeStack(stale)).filter((f) => f.policyName === "k2-outbound-client-secret-current");
      expect(secretFindings.map((f) => [f.level, f.message.split("\n")[1]])).toEqual([
        ["mandatory", `${k2[0].name}: clientSecret does not come from a client secret (ApplicationPassword) of the outbound app, so it never rotates; let OutboundOAuth set it`],
      ]);
      expect(JSON.stringify(secretFindings)).not.toContain(MOCK_SECRET_MARKER);
    });

    it("never prints a client secret", () => {
      const text = JSON.stringify([perResource, stackFindings]) + pack.logs.join("\n");
      expect(text).not.toContain(MOCK_SECRET_MARKER);
    });
  });
}
