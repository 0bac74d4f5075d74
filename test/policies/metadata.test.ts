/**
 * The pack's metadata and files: every policy documented and configurable as the CLI expects, the README table and
 * docs in step with the code, the per-stack config files in step with the stack files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadPolicyConfigFile, reconcilePolicyConfig } from "../../cli/analyzer/policyConfig";
import { loadStackFile } from "../../cli/stackFile";
import { DEFAULT_AUDIENCE, DEFAULT_SCOPE, MAX_SECRET_LIFETIME_DAYS } from "../../components/config";
import * as packConfig from "../../policies/lib/config";
import { packConfigProblems } from "../../policies/lib/configCheck";
import { settingsOf } from "../../policies/lib/define";
import { POLICIES, POLICY_PACK_NAME } from "../../policies/registry";
import { REPO_ROOT } from "./helpers/usePolicyPack";

const read = (...p: string[]) => fs.readFileSync(path.join(REPO_ROOT, ...p), "utf8");

describe("policy metadata", () => {
  it("gives every policy a unique name, a description, a level, a severity, remediation steps and a documentation link", () => {
    expect(new Set(POLICIES.map((p) => p.name)).size).toBe(POLICIES.length);
    for (const p of POLICIES) {
      expect(p.name, p.name).toMatch(/^[a-z0-9]+(-[a-z0-9.]+)*$/);
      expect(p.description.length, p.name).toBeGreaterThan(40);
      expect(["mandatory", "advisory", "disabled"], p.name).toContain(p.enforcementLevel);
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

  it("reports schemas with only type, enum, bounds, default, description and list items; the strict checks stay in the pack's own schema", () => {
    const keywords = (schema: unknown): string[] =>
      typeof schema !== "object" || schema === null ? [] : Object.entries(schema).flatMap(([k, v]) => [k, ...(k === "items" ? keywords(v) : [])]);
    for (const p of POLICIES) {
      for (const [name, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        for (const k of keywords(schema)) expect(["type", "enum", "minimum", "maximum", "default", "description", "items"], `${p.name}.${name}: ${k}`).toContain(k);
      }
    }
    const internal = packConfig.configSchemaOf(["maxLifetime", "allowedScopes", "exemptions", "tenantId"], "internal").properties;
    expect(internal.maxLifetime).toHaveProperty("pattern");
    expect(internal.tenantId).toHaveProperty("pattern");
    expect(internal.allowedScopes.items).toHaveProperty("pattern");
    expect(internal.exemptions.items).toMatchObject({ additionalProperties: false, required: ["resource", "reason", "expires"] });
  });

  it("docs/policies.md shows the real CLI line and the offline plan's line for a misspelled policy name with settings but no level", () => {
    const docs = read("docs", "policies.md");
    expect(docs).toContain('error: configuring policy pack "k2-oauth" at "<dir>": invalid enforcement level ""');
    const schemas = POLICIES.map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel, configSchema: p.configSchema }));
    let offline = "";
    try {
      reconcilePolicyConfig(schemas as Parameters<typeof reconcilePolicyConfig>[0], { "entra-app-ownrs": { minOwners: 2 } } as Parameters<typeof reconcilePolicyConfig>[1], "dev.json", POLICY_PACK_NAME);
    } catch (e) {
      offline = (e as Error).message;
    }
    const line = offline.split("\n").find((l) => l.includes("entra-app-ownrs"));
    expect(line).toBe('  - "entra-app-ownrs": is not a policy of k2-oauth; did you mean entra-app-owners? (an entry for a name the pack does not have needs an enforcementLevel, and is then the pack\'s to judge)');
    expect(docs).toContain(`\n${line}\n`);
  });

  it("uses the same defaults as the program's config model", () => {
    // The K2 API defaults have one source, components/contracts.ts, that the pack and the program's config model import.
    expect([packConfig.DEFAULT_AUDIENCE, packConfig.DEFAULT_SCOPE]).toEqual([DEFAULT_AUDIENCE, DEFAULT_SCOPE]);
    for (const file of [["policies", "lib", "config.ts"], ["components", "config.ts"]]) {
      expect(read(...file), file.join("/")).not.toMatch(/"https:\/\/api\.k2\.com\/"|"user_impersonation"/);
    }
    expect(packConfig.ENTRA_MAX_LIFETIME).toBe(`P${MAX_SECRET_LIFETIME_DAYS}D`);
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
      // Every policy takes exemptions; the READMEs say so once, not in every row.
      for (const key of Object.keys(p.configSchema?.properties ?? {}).filter((k) => k !== "exemptions")) expect(row, `${p.name} config ${key}`).toContain(`\`${key}\``);
      const docsRow = docs.split("\n").find((l) => l.startsWith(`| \`${p.name}\` |`));
      expect(docsRow, `docs/policies.md row for ${p.name}`).toBeDefined();
      // Level and severity as the pack reports them, then settings, checks and the anchor checks (last column).
      expect(docsRow, p.name).toContain(`| \`${p.name}\` | ${p.enforcementLevel} | ${p.severity} |`);
      expect(docsRow?.split(" | ").length, p.name).toBe(6);
    }
    expect(readme).toContain(POLICY_PACK_NAME);
  });
});

describe("per-stack policy config", () => {
  const schemas = POLICIES.map((p) => ({
    name: p.name,
    enforcementLevel: p.enforcementLevel ?? "mandatory",
    ...(p.configSchema ? { configSchema: { properties: p.configSchema.properties as Record<string, unknown>, required: p.configSchema.required ?? [] } } : {}),
  }));
  const files = fs.readdirSync(path.join(REPO_ROOT, "policies", "config")).filter((f) => f.endsWith(".json"));

  it("holds one config per example stack", () => {
    expect(files.sort()).toEqual(["dev.json", "prod.json"]);
  });

  for (const file of files) {
    const stack = file.replace(/\.json$/, "");
    it(`policies/config/${file} passes the CLI's schema check and the pack's own, for today and a year from now`, () => {
      const { config } = reconcilePolicyConfig(schemas, loadPolicyConfigFile(path.join(REPO_ROOT, "policies", "config", file)), file, POLICY_PACK_NAME);
      const payload = Object.fromEntries(Object.entries(config).map(([name, e]) => [name, { enforcementLevel: e.enforcementLevel, properties: e.properties }]));
      const settings = POLICIES.map((p) => ({ name: p.name, settings: settingsOf(p) }));
      for (const at of [new Date(), new Date(Date.now() + 366 * 86_400_000)]) expect(packConfigProblems(POLICY_PACK_NAME, settings, payload, at), at.toISOString()).toEqual([]);
    });

    it(`policies/config/${file} copies nothing from stacks/Pulumi.${stack}.yaml: the tenant and K2 API come from the stack`, () => {
      const cfg = JSON.parse(read("policies", "config", file)) as Record<string, Record<string, unknown> | string>;
      const entries = Object.values(cfg).filter((entry) => typeof entry === "object");
      expect(entries.length, `${file} configures policies`).toBeGreaterThan(0);
      for (const entry of entries) {
        for (const pin of ["tenantId", "cloud", "audience", "k2ApiClientId", "k2ApiServicePrincipalObjectId", "scope"]) expect(entry, `${file} pins ${pin}`).not.toHaveProperty(pin);
      }
      expect(loadStackFile(stack, REPO_ROOT).config.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    });
  }
});
