/**
 * The offline plan of the example stacks (stacks/Pulumi.dev.yaml, stacks/Pulumi.prod.yaml) end to end: the real
 * program under the mock runtime in a child process, the real policy pack over the CrossGuard analyzer protocol,
 * and all three output formats. One plan per stack, shared by the assertions; one run of the real `npm run plan`.
 */
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { computePlan } from "../../cli/plan/computePlan";
import type { PlanResult } from "../../cli/plan/model";
import { PLACEHOLDER_K2_API_SP_OBJECT_ID, PLACEHOLDER_K2_SCOPE_ID, PLACEHOLDER_OUTBOUND_PERMISSION_PREFIX, PLACEHOLDER_OUTBOUND_SP_OBJECT_ID } from "../../cli/plan/placeholders";
import { planJson } from "../../cli/plan/render/json";
import { renderMarkdown } from "../../cli/plan/render/markdown";
import { renderText } from "../../cli/plan/render/text";
import {
  TYPE_AZUREAD_APPLICATION,
  TYPE_AZUREAD_APPLICATION_PASSWORD,
  TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
  TYPE_AZUREAD_SERVICE_PRINCIPAL,
  TYPE_BEARER_TOKEN_RESOURCE,
  TYPE_CLIENT_APP,
  TYPE_INBOUND_OAUTH,
  TYPE_KEYVAULT_SECRET,
} from "../../components/contracts";
import { REPO_ROOT } from "./project";

/** The `secure:` value in both example stack files: a ciphertext placeholder that must never be printed. */
const SECURE_TEXT = "v1:PLACEHOLDER:set-with-pulumi-config-set-secret";
const ANSI = /\u001b\[/;

interface JsonPlan {
  stack: string;
  resources: Array<{ urn: string; type: string; name: string; parent: string | null; inputs: Record<string, unknown> }>;
  policy: { violations: Array<{ policy: string; level: string; urn: string | null; message: string }>; resourcesAnalyzed: number; configFile: string | null };
  placeholders: Array<{ value: string; meaning: string }>;
}

const plans: Record<string, PlanResult> = {};

beforeAll(async () => {
  const [dev, prod] = await Promise.all([computePlan({ root: REPO_ROOT, stack: "dev" }), computePlan({ root: REPO_ROOT, stack: "prod" })]);
  plans.dev = dev.result;
  plans.prod = prod.result;
});

function byName(plan: PlanResult, name: string) {
  const r = plan.resources.find((x) => x.name === name);
  if (r === undefined) throw new Error(`no resource named ${name}`);
  return r;
}

describe.each(["dev", "prod"])("the %s example stack", (stack) => {
  const clients = stack === "dev" ? ["power-automate", "reporting"] : ["power-automate", "sharepoint-forms"];

  it("declares the component tree and every client's resources", () => {
    const plan = plans[stack];
    const root = plan.resources.find((r) => r.type === TYPE_INBOUND_OAUTH);
    expect(root?.parent).toBe(`urn:pulumi:${stack}::k2-oauth::pulumi:pulumi:Stack::k2-oauth-${stack}`);
    for (const client of clients) {
      const app = byName(plan, client);
      expect(app.type).toBe(TYPE_CLIENT_APP);
      expect(app.parent).toBe(root?.urn);
      for (const [suffix, type] of [
        ["app", TYPE_AZUREAD_APPLICATION],
        ["sp", TYPE_AZUREAD_SERVICE_PRINCIPAL],
        ["consent", TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT],
      ]) {
        const r = byName(plan, `${client}-${suffix}`);
        expect(r.type).toBe(type);
        expect(r.parent).toBe(app.urn);
        expect(r.urn).toBe(`urn:pulumi:${stack}::k2-oauth::${TYPE_INBOUND_OAUTH}$${TYPE_CLIENT_APP}$${type}::${client}-${suffix}`);
      }
      const secrets = plan.resources.filter((r) => r.type === TYPE_AZUREAD_APPLICATION_PASSWORD && r.parent === app.urn);
      expect(secrets.length).toBeGreaterThanOrEqual(1);
      const vaulted = plan.resources.filter((r) => r.type === TYPE_KEYVAULT_SECRET && r.parent === app.urn);
      // One Key Vault secret per client: its latest version is the current client secret.
      expect(vaulted.map((r) => [r.name, r.inputs.secretName])).toEqual([[`${client}-secret-kv`, `${client}-client-secret`]]);
    }
    expect(plan.resources.filter((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE)).toHaveLength(1);
  });

  it("answers the K2 API lookup with labelled placeholders and leaves cloud-assigned values unknown", () => {
    const plan = plans[stack];
    const consent = byName(plan, `${clients[0]}-consent`);
    expect(consent.inputs.resourceServicePrincipalObjectId).toBe(PLACEHOLDER_K2_API_SP_OBJECT_ID);
    expect(consent.inputs.servicePrincipalObjectId).toBe("(known after apply)");
    expect(consent.inputs.claimValues).toEqual(["user_impersonation"]);
    expect(JSON.stringify(byName(plan, `${clients[0]}-app`).inputs)).toContain(PLACEHOLDER_K2_SCOPE_ID);
    // The dev stack also has an outbound app: its service's service principal and permission ids are placeholders too.
    const outbound = stack === "dev" ? [PLACEHOLDER_OUTBOUND_SP_OBJECT_ID, `${PLACEHOLDER_OUTBOUND_PERMISSION_PREFIX}…`] : [];
    expect(plan.placeholders.map((p) => p.value)).toEqual([PLACEHOLDER_K2_API_SP_OBJECT_ID, PLACEHOLDER_K2_SCOPE_ID, ...outbound]);
    for (const p of plan.placeholders) expect(p.meaning).toMatch(/^placeholder: /);
  });

  it("masks secrets: the K2 admin credentials and the dynamic provider's code", () => {
    const bearer = plans[stack].resources.find((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE);
    expect(bearer?.inputs.__provider).toBe("(dynamic provider code)");
    expect(JSON.stringify(bearer?.inputs)).toContain('"[secret]"');
  });

  it("sends every resource to the policy pack with the stack's policy config", () => {
    const { policy, resources } = plans[stack];
    expect(policy.resourcesAnalyzed).toBe(resources.length);
    expect(policy.configFile).toBe(`policies/config/${stack}.json`);
    expect(policy.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    for (const v of policy.violations) {
      expect(v.policyPack).toBe("k2-oauth");
      expect(v.message).not.toBe("");
    }
  });

  it("renders json with the documented fields", () => {
    const json = JSON.parse(JSON.stringify(planJson(plans[stack]))) as JsonPlan;
    expect(json.stack).toBe(stack);
    expect(json.resources.length).toBe(plans[stack].resources.length);
    for (const r of json.resources) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["urn", "type", "name", "parent", "inputs"]));
      expect(r.urn).toMatch(new RegExp(`^urn:pulumi:${stack}::k2-oauth::`));
    }
    for (const v of json.policy.violations) {
      expect(["mandatory", "advisory"]).toContain(v.level);
      expect(Object.keys(v)).toEqual(expect.arrayContaining(["policy", "level", "urn", "message"]));
    }
  });

  it("renders text and markdown, and no format shows the secure: value", () => {
    const plan = plans[stack];
    const text = renderText(plan, { color: false });
    const markdown = renderMarkdown(plan);
    const json = JSON.stringify(planJson(plan));
    expect(text).toContain(`Offline plan: stack ${stack} (project k2-oauth)`);
    expect(text).toContain(`${TYPE_CLIENT_APP}  ${clients[1]}`);
    expect(text).toContain(`resourceServicePrincipalObjectId: "${PLACEHOLDER_K2_API_SP_OBJECT_ID}" (placeholder)`);
    expect(text).toMatch(/^Policy findings \(policies, config policies\/config\/\w+\.json; \d+ resources analysed\)$/m);
    expect(text).toMatch(/^Summary: \d+ resources; 0 mandatory and \d+ advisory policy violations\.$/m);
    expect(text).not.toMatch(ANSI);
    expect(renderText(plan, { color: true })).toMatch(ANSI);
    expect(markdown).toContain(`### Offline plan: stack \`${stack}\``);
    expect(markdown).toContain(":white_check_mark: No mandatory policy violations");
    expect(markdown).toContain("#### Policy findings");
    expect(markdown).toContain(`<details><summary>All ${plan.resources.length} resources (desired state)</summary>`);
    for (const out of [text, markdown, json]) expect(out).not.toContain(SECURE_TEXT);
  });
});

describe("npm run plan", () => {
  it("plans the dev stack from the command line and exits 0", () => {
    const run = spawnSync("npm", ["run", "--silent", "plan", "--", "--stack", "dev"], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Offline plan: stack dev (project k2-oauth)");
    expect(run.stdout).toMatch(/^Summary: \d+ resources; 0 mandatory/m);
    expect(run.stdout).not.toContain(SECURE_TEXT);
  });
});
