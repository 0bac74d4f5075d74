/**
 * Throw-away projects for the plan's end-to-end tests. The program, components and node_modules come from this
 * checkout; a test supplies its own stack files (and policy config). The policy pack's files are linked, not copied,
 * so the pack's compiled TypeScript stays cached (ts-node caches by real path and content).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PlanResult } from "../../cli/plan/model";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface TempProject {
  root: string;
  writeStack(name: string, text: string): void;
  remove(): void;
}

function link(from: string, to: string): void {
  fs.symlinkSync(from, to, fs.statSync(from).isDirectory() ? "dir" : "file");
}

/**
 * A project whose stacks/ and policies/config/ are its own; everything else links to this checkout. With `main`, its
 * Pulumi.yaml runs that program (a path relative to this checkout) instead of index.ts.
 */
export function linkedProject(policyConfig: Record<string, unknown> = {}, options: { main?: string } = {}): TempProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "k2-plan-test-"));
  for (const entry of ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts", "components", "node_modules"]) {
    if (entry === "Pulumi.yaml" && options.main !== undefined) {
      fs.writeFileSync(path.join(root, entry), `name: k2-oauth\nruntime: nodejs\nmain: ${path.join(REPO_ROOT, options.main)}\n`);
      continue;
    }
    link(path.join(REPO_ROOT, entry), path.join(root, entry));
  }
  fs.mkdirSync(path.join(root, "stacks"));
  const policies = path.join(root, "policies");
  fs.mkdirSync(policies);
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, "policies"))) {
    if (entry !== "config" && entry !== "node_modules") link(path.join(REPO_ROOT, "policies", entry), path.join(policies, entry));
  }
  fs.mkdirSync(path.join(policies, "config"));
  for (const [stack, config] of Object.entries(policyConfig)) {
    fs.writeFileSync(path.join(policies, "config", `${stack}.json`), JSON.stringify(config, null, 2));
  }
  return {
    root,
    writeStack(name, text) {
      fs.writeFileSync(path.join(root, "stacks", `Pulumi.${name}.yaml`), text);
    },
    remove() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A linked project with its own copy of @pulumi/pulumi, edited to simulate a changed SDK (each edit replaces `from`,
 * which must occur, in a file of the SDK). Every other package links to this checkout's node_modules; run the plan in
 * it with NODE_PRESERVE_SYMLINKS=1, so that the linked packages (@pulumi/azuread, @pulumi/policy...) load the copy.
 */
export function sdkVariantProject(edits: Array<[file: string, from: string, to: string]>): TempProject {
  const project = linkedProject();
  const modules = path.join(project.root, "node_modules");
  fs.unlinkSync(modules);
  fs.mkdirSync(path.join(modules, "@pulumi"), { recursive: true });
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
    if (entry !== "@pulumi") link(path.join(REPO_ROOT, "node_modules", entry), path.join(modules, entry));
  }
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules", "@pulumi"))) {
    if (entry !== "pulumi") link(path.join(REPO_ROOT, "node_modules", "@pulumi", entry), path.join(modules, "@pulumi", entry));
  }
  const sdk = path.join(modules, "@pulumi", "pulumi");
  fs.cpSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), sdk, { recursive: true });
  for (const [file, from, to] of edits) {
    const text = fs.readFileSync(path.join(sdk, file), "utf8");
    if (!text.includes(from)) throw new Error(`sdkVariantProject: '${from}' not found in ${file}`);
    fs.writeFileSync(path.join(sdk, file), text.replace(from, to));
  }
  return project;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "test", GIT_AUTHOR_EMAIL: "test@example.com", GIT_COMMITTER_NAME: "test", GIT_COMMITTER_EMAIL: "test@example.com" },
  }).trim();
}

/**
 * A git repository holding a copy of the program (index.ts, components/, Pulumi.yaml...) and the given stacks; the
 * policy pack is a committed symbolic link to this checkout's policies/, node_modules an ignored link.
 */
export function gitProject(stacks: Record<string, string>): TempProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "k2-plan-git-"));
  for (const entry of ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts", "components"]) {
    fs.cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
  }
  link(path.join(REPO_ROOT, "policies"), path.join(root, "policies"));
  link(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
  fs.writeFileSync(path.join(root, ".gitignore"), "node_modules\n");
  fs.mkdirSync(path.join(root, "stacks"));
  const project: TempProject = {
    root,
    writeStack(name, text) {
      fs.writeFileSync(path.join(root, "stacks", `Pulumi.${name}.yaml`), text);
    },
    remove() {
      try {
        git(root, "worktree", "prune");
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
  for (const [name, text] of Object.entries(stacks)) project.writeStack(name, text);
  git(root, "init", "--quiet", "--initial-branch=main");
  git(root, "add", "-A");
  git(root, "commit", "--quiet", "-m", "first");
  return project;
}

/** The example stack file with edits: plain text replacements, each of which must match. */
export function exampleStack(name: "dev" | "prod", replacements: Array<[string, string]> = []): string {
  let text = fs.readFileSync(path.join(REPO_ROOT, "stacks", `Pulumi.${name}.yaml`), "utf8");
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`exampleStack(${name}): '${from}' not found`);
    text = text.replace(from, to);
  }
  return text;
}

/** Captures what `main` writes. */
export function captureIo(cwd: string): {
  io: { cwd: string; stdout: { write(t: string): boolean; isTTY: boolean }; stderr: { write(t: string): boolean }; env: NodeJS.ProcessEnv };
  out(): string;
  err(): string;
} {
  let out = "";
  let err = "";
  return {
    io: {
      cwd,
      stdout: {
        write: (t: string) => {
          out += t;
          return true;
        },
        isTTY: false,
      },
      stderr: {
        write: (t: string) => {
          err += t;
          return true;
        },
      },
      env: {},
    },
    out: () => out,
    err: () => err,
  };
}

/** A plan result with nothing in it but what `parts` gives: for the renderers' tests. */
export function planResult(parts: Partial<PlanResult> = {}): PlanResult {
  return {
    stack: "dev",
    project: "k2-oauth",
    date: "2027-02-14",
    stackFile: "stacks/Pulumi.dev.yaml",
    resources: [],
    checks: { resourcesChecked: 0, failures: [] },
    policy: { packDir: "policies", violations: [], resourcesAnalyzed: 0 },
    warnings: [],
    placeholders: [],
    ...parts,
  };
}
