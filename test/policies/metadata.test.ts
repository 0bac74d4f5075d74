/**
 * The pack's metadata and files: every policy documented and configurable as the CLI expects, the README table and
 * docs in step with the code, the per-stack config files in step with the stack files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadStackFile } from "../../cli/stackFile";
import { DEFAULT_AUDIENCE, DEFAULT_SCOPE } from "../../components/config";
import * as packConfig from "../../policies/lib/config";
import { POLICIES, POLICY_PACK_NAME } from "../../policies/registry";
import { REPO_ROOT } from "./helpers/usePolicyPack";

const read = (...p: string[]) => fs.readFileSync(path.join(REPO_ROOT, ...p), "utf8");

describe("policy metadata", () => {
  it("gives every policy a unique name, a description, a level, a severity, remediation steps and a documentation link", () => {
    expect(new Set(POLICIES.map((p) => p.name)).size).toBe(POLICIES.length);
    for (const p of POLICIES) {
      expect(p.name, p.name).toMatch(/^[a-z0-9]+(-[a-z0-9.]+)*$/);
      expect(p.description.length, p.name).toBeGreaterThan(40);
      expect(["mandatory", "advisory"], p.name).toContain(p.enforcementLevel);
      expect(["low", "medium", "high", "critical"], p.name).toContain(p.severity);
      expect(p.remediationSteps?.length ?? 0, p.name).toBeGreaterThan(40);
      expect(p.url, p.name).toMatch(/^https:\/\/(help\.k2\.com|learn\.microsoft\.com)\//);
      expect(p.displayName, p.name).toBeTruthy();
    }
  });

  it("publishes config schemas that are valid JSON Schema and accept their own defaults", () => {
    for (const p of POLICIES.filter((x) => x.configSchema !== undefined)) {
      const schema = { type: "object", properties: p.configSchema!.properties, required: p.configSchema!.required ?? [] };
      expect(Object.keys(schema.properties), p.name).not.toContain("enforcementLevel");
      const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
      const defaults = Object.fromEntries(
        Object.entries(p.configSchema!.properties).flatMap(([k, v]) => (typeof v === "object" && v.default !== undefined ? [[k, v.default]] : [])),
      );
      expect(validator.safeParse(defaults).success, p.name).toBe(true);
      for (const [key, v] of Object.entries(p.configSchema!.properties)) expect(typeof v === "object" && v.description, `${p.name}.${key}`).toBeTruthy();
    }
  });

  it("uses the same defaults as the program's config model", () => {
    expect(packConfig.DEFAULT_AUDIENCE).toBe(DEFAULT_AUDIENCE);
    expect(packConfig.DEFAULT_SCOPE).toBe(DEFAULT_SCOPE);
  });
});

describe("pack files", () => {
  it("has its own versioned package.json whose dependencies match the repository's pins", () => {
    const pkg = JSON.parse(read("policies", "package.json")) as { name: string; version: string; dependencies: Record<string, string> };
    const root = JSON.parse(read("package.json")) as { dependencies: Record<string, string> };
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const [dep, version] of Object.entries(pkg.dependencies)) expect(version, dep).toBe(root.dependencies[dep]);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["@pulumi/policy", "@pulumi/pulumi"]);
  });

  it("declares a nodejs PulumiPolicy.yaml and a thin index.ts", () => {
    expect(parseYaml(read("policies", "PulumiPolicy.yaml"))).toMatchObject({ runtime: "nodejs" });
    const index = read("policies", "index.ts");
    expect(index).toContain(`new PolicyPack(POLICY_PACK_NAME`);
    expect(index.split("\n").length).toBeLessThan(25);
  });

  it("lists every policy with its default level in policies/README.md and docs/policies.md", () => {
    const readme = read("policies", "README.md");
    const docs = read("docs", "policies.md");
    for (const p of POLICIES) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${p.name}\``));
      expect(row, `README row for ${p.name}`).toBeDefined();
      expect(row, p.name).toContain(`| ${p.enforcementLevel} |`);
      for (const key of Object.keys(p.configSchema?.properties ?? {})) expect(row, `${p.name} config ${key}`).toContain(`\`${key}\``);
      expect(docs, p.name).toContain(`\`${p.name}\``);
    }
    expect(readme).toContain(POLICY_PACK_NAME);
  });
});

describe("per-stack policy config", () => {
  for (const stack of ["dev", "prod"]) {
    it(`policies/config/${stack}.json names the tenant and K2 API of stacks/Pulumi.${stack}.yaml`, () => {
      const cfg = JSON.parse(read("policies", "config", `${stack}.json`)) as Record<string, Record<string, unknown>>;
      const { config } = loadStackFile(stack, REPO_ROOT);
      expect(cfg["k2-bearer-token-v1-endpoints"].tenantId).toBe(config.tenantId);
      expect(cfg["k2-bearer-token-v1-endpoints"].cloud).toBe(config.cloud ?? "public");
      const k2Api = config.k2Api as Record<string, unknown>;
      expect(cfg["k2-api-admin-consent"].k2ApiClientId).toBe(k2Api.clientId);
      expect(cfg["entra-app-least-privilege"].k2ApiClientId).toBe(k2Api.clientId);
      expect(cfg["k2-api-admin-consent"].scope).toBe(k2Api.scope ?? DEFAULT_SCOPE);
      expect(cfg["k2-bearer-token-audience"].audience).toBe(k2Api.audience ?? DEFAULT_AUDIENCE);
    });
  }
});
