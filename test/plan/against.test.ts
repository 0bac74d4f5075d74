/**
 * `--against <ref>`: the credential-free pull-request preview. A temporary git repository holds the program and the
 * dev stack; a second commit adds a client and changes a secret lifetime, and adds a new stack. The plan of HEAD
 * against HEAD~1 lists the added resources and the changed inputs; the new stack counts as new; the temporary
 * worktree is gone afterwards, also when planning fails.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/plan";
import { computePlan } from "../../cli/plan/computePlan";
import type { PlanResult } from "../../cli/plan/model";
import { planJson } from "../../cli/plan/render/json";
import { renderMarkdown } from "../../cli/plan/render/markdown";
import { renderText } from "../../cli/plan/render/text";
import { withRefTree } from "../../cli/plan/worktree";
import { captureIo, exampleStack, git, gitProject, type TempProject } from "./project";

const NEW_CLIENT = `    - name: forms
      displayName: K2 - Forms (dev)
      redirectUris:
        - https://forms-dev.example.com/signin-oidc
      owners:
        - 33333333-4444-5555-6666-777777777777
      secret:
        lifetimeDays: 120
        rotateAfterDays: 90
`;

let project: TempProject;
let dev: PlanResult;
let staging: PlanResult;
let fixed: PlanResult;

function worktrees(): string[] {
  return git(project.root, "worktree", "list", "--porcelain")
    .split("\n")
    .filter((l) => l.startsWith("worktree "));
}

beforeAll(async () => {
  // "fixed": invalid at the first commit (lifetime over the 730-day cap), valid at the second.
  project = gitProject({ dev: exampleStack("dev"), fixed: exampleStack("dev", [["lifetimeDays: 180", "lifetimeDays: 900"]]) });
  // Second commit: a new client, the reporting client's secret lifetime 90 -> 120 days, and a new stack.
  const changed = exampleStack("dev", [["        lifetimeDays: 90\n        rotateAfterDays: 60\n", "        lifetimeDays: 120\n        rotateAfterDays: 60\n"]]);
  project.writeStack("dev", `${changed.trimEnd()}\n${NEW_CLIENT}`);
  project.writeStack("staging", exampleStack("dev"));
  project.writeStack("fixed", exampleStack("dev"));
  git(project.root, "add", "-A");
  git(project.root, "commit", "--quiet", "-m", "second");
  const [a, b, c] = await Promise.all([
    computePlan({ root: project.root, stack: "dev", against: "HEAD~1" }),
    computePlan({ root: project.root, stack: "staging", against: "HEAD~1" }),
    computePlan({ root: project.root, stack: "fixed", against: "HEAD~1" }),
  ]);
  dev = a.result;
  staging = b.result;
  fixed = c.result;
});

afterAll(() => project.remove());

describe("plan --against HEAD~1", () => {
  it("lists the new client's resources as added, nothing removed", () => {
    const diff = dev.diff;
    expect(diff?.base).toBe("existing");
    expect(diff?.removed).toEqual([]);
    const added = diff?.added.map((r) => r.name) ?? [];
    expect(added).toEqual(expect.arrayContaining(["forms", "forms-app", "forms-sp", "forms-consent"]));
    expect(added.some((name) => /^forms-secret-[ab]$/.test(name))).toBe(true);
    expect(added).toContain("forms-secret-kv");
    // A longer lifetime can also bring the reporting client's previous secret slot back into validity (by date).
    expect(added.filter((name) => !name.startsWith("forms")).every((name) => /^reporting-secret-[ab]$/.test(name))).toBe(true);
  });

  it("shows the changed lifetime as changed inputs of the reporting secret and its Key Vault copy", () => {
    const changed = new Map(dev.diff?.changed.map((r) => [r.name, r.changes]));
    // The ClientApp's record (for the policy pack) and the reporting client's secrets; nothing else.
    expect([...changed.keys()].every((name) => name === "reporting" || name.startsWith("reporting-secret"))).toBe(true);
    expect(changed.get("reporting")).toEqual([{ path: "secret.lifetimeDays", kind: "changed", before: 90, after: 120 }]);
    const secret = [...changed.entries()].find(([name]) => name !== "reporting" && !name.endsWith("-kv"));
    expect(secret).toBeDefined();
    const endDate = secret?.[1].find((c) => c.path === "endDate");
    expect(endDate).toMatchObject({ kind: "changed" });
    // The end date moves by the 30 added days.
    const days = (Date.parse(String(endDate?.after)) - Date.parse(String(endDate?.before))) / 86_400_000;
    expect(days).toBe(30);
    const vault = [...changed.entries()].find(([name]) => name.endsWith("-kv"));
    expect(vault?.[1].map((c) => c.path)).toContain("properties.attributes.expires");
    expect(dev.diff?.unchanged).toBeGreaterThan(0);
  });

  it("renders the diff in every format", () => {
    const text = renderText(dev, { color: false });
    expect(text).toContain("compared with HEAD~1");
    expect(text).toMatch(/^ +\+ azuread:index\/application:Application {2}forms-app$/m);
    expect(text).toMatch(/^ +~ azuread:index\/applicationPassword:ApplicationPassword {2}reporting-secret-\w$/m);
    expect(text).toMatch(/^ +~ endDate: "[\d-]+T00:00:00Z" => "[\d-]+T00:00:00Z"$/m);
    expect(text).toMatch(/against HEAD~1: \d+ added, \d+ changed, 0 removed, \d+ unchanged/);
    const markdown = renderMarkdown(dev);
    expect(markdown).toContain("#### Changes against `HEAD~1`");
    expect(markdown).toMatch(/\| :heavy_plus_sign: add \| `azuread:index\/application:Application` \| `forms-app` \|/);
    expect(markdown).toMatch(/\| :pencil2: change \| `azuread:index\/applicationPassword:ApplicationPassword` \| `reporting-secret-\w` \| `endDate` \|/);
    const json = planJson(dev) as { diff?: { added: unknown[]; changed: unknown[] } };
    expect(json.diff?.added.length).toBe(dev.diff?.added.length);
  });

  it("treats a stack the ref does not have as new: everything added", () => {
    expect(staging.diff).toMatchObject({ base: "new", baseNote: "HEAD~1 has no stacks/Pulumi.staging.yaml", removed: [], changed: [] });
    expect(staging.diff?.added.length).toBe(staging.resources.length);
    expect(renderMarkdown(staging)).toContain("New stack: HEAD~1 has no stacks/Pulumi.staging.yaml; every resource is added.");
  });

  it("says so, and compares nothing, when the ref's program cannot be planned", () => {
    expect(fixed.diff).toMatchObject({ base: "unavailable", added: [], removed: [], changed: [] });
    expect(fixed.diff?.baseNote).toContain("k2-oauth:clients[0].secret.lifetimeDays");
    expect(fixed.policy.resourcesAnalyzed).toBe(fixed.resources.length);
    expect(renderMarkdown(fixed)).toMatch(/Could not compare: the program at HEAD~1 could not be planned: .*lifetimeDays/);
  });

  it("warns about a client new against the base that has no start date, and only about it", () => {
    const startWarnings = (plan: PlanResult) => plan.warnings.filter((w) => w.includes("has no secret.startDate"));
    expect(startWarnings(dev)).toEqual([
      "k2-oauth:clients[2] (forms) is new against HEAD~1 and has no secret.startDate: it would join the fixed schedule mid-generation, and deployed " +
        "during an overlap its first secret would expire within days (the deploy gate refuses that). Add `startDate: <the day it is deployed>` under " +
        `clients[2].secret, like \`startDate: ${dev.date}\`.`,
    ]);
    // A stack the base does not have: every client is new.
    expect(startWarnings(staging).map((w) => w.split(" is new")[0])).toEqual(["k2-oauth:clients[0] (power-automate)", "k2-oauth:clients[1] (reporting)"]);
    // A base that could not be planned tells nothing about what is new.
    expect(startWarnings(fixed)).toEqual([]);
  });

  it("leaves no worktree behind", () => {
    expect(worktrees()).toHaveLength(1);
  });

  it("removes the worktree when planning inside it fails", async () => {
    let inside = "";
    await expect(
      withRefTree(project.root, "HEAD~1", async (tree) => {
        inside = tree.root;
        expect(fs.existsSync(`${tree.root}/stacks/Pulumi.dev.yaml`)).toBe(true);
        expect(fs.lstatSync(`${tree.root}/node_modules`).isSymbolicLink()).toBe(true);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(inside).not.toBe("");
    expect(fs.existsSync(inside)).toBe(false);
    expect(worktrees()).toHaveLength(1);
    expect(fs.existsSync(`${project.root}/node_modules`)).toBe(true);
  });

  it("rejects a ref that names no commit with exit code 2", async () => {
    const io = captureIo(project.root);
    expect(await main(["--stack", "dev", "--against", "no-such-branch"], io.io)).toBe(2);
    expect(io.err()).toContain("--against 'no-such-branch' is not a commit in this repository");
  });
});
