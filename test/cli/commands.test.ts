/**
 * Every command of package.json follows the convention of cli/args.ts, run the way a user runs it: `npm run <script>
 * -- --help` prints the full usage to stdout and exits 0; a bad option prints the problem and the synopsis to stderr
 * and exits 2. And every `npm run …` the README and docs show works when taken literally.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCommandLine, synopsis, usage, usageErrorText, UsageError, type CommandSpec } from "../../cli/args";
import { BUILD_POLICIES_COMMAND, main as buildPoliciesMain } from "../../cli/buildPolicies";
import { DISCOVER_COMMAND, runDiscover } from "../../cli/discover";
import { DUE_COMMAND, main as dueMain } from "../../cli/due";
import { PLAN_COMMAND } from "../../cli/plan/args";
import { main as planMain } from "../../cli/plan";
import { VERIFY_COMMAND } from "../../cli/verify/options";
import { ADOPT_COMMAND } from "../../cli/adopt/options";
import { runAdopt } from "../../cli/adopt/run";
import { runVerify } from "../../cli/verify/run";
import { BENCH_COMMAND } from "../../bench/args";
import { main as benchMain } from "../../bench/index";
import { readMarkdown } from "../helpers/markdown";
import { REPO_ROOT } from "../helpers/program";

/** The commands, by npm script. A new command script must be added here, which makes it follow the convention. */
const COMMANDS: Record<string, CommandSpec> = {
  plan: PLAN_COMMAND,
  due: DUE_COMMAND,
  verify: VERIFY_COMMAND,
  discover: DISCOVER_COMMAND,
  bench: BENCH_COMMAND,
  adopt: ADOPT_COMMAND,
  "build:policies": BUILD_POLICIES_COMMAND,
};

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Each command's entry function in this process, with its output captured. */
const IN_PROCESS: Record<string, (argv: string[]) => Promise<Captured>> = {
  async plan(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await planMain(argv, { cwd: REPO_ROOT, env: {}, stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } });
    return { code, stdout: out.join(""), stderr: err.join("") };
  },
  async due(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = dueMain(argv, { cwd: REPO_ROOT, stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } });
    return { code, stdout: out.join(""), stderr: err.join("") };
  },
  async verify(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const { exitCode } = await runVerify(argv, { cwd: REPO_ROOT, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
    return { code: exitCode, stdout: out.join(""), stderr: err.join("") };
  },
  async discover(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runDiscover(argv, { root: REPO_ROOT, env: {}, now: () => new Date(0), out: (l) => out.push(`${l}\n`), err: (l) => err.push(`${l}\n`) });
    return { code, stdout: out.join(""), stderr: err.join("") };
  },
  async adopt(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const { exitCode } = await runAdopt(argv, { cwd: REPO_ROOT, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
    return { code: exitCode, stdout: out.join(""), stderr: err.join("") };
  },
  async "build:policies"(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await buildPoliciesMain(argv, { root: REPO_ROOT, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
    return { code, stdout: out.join(""), stderr: err.join("") };
  },
  async bench(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await benchMain(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
    return { code, stdout: out.join(""), stderr: err.join("") };
  },
};

const scripts = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
/** Scripts that run one of this project's commands (a TypeScript file under cli/ or bench/). */
const commandScripts = Object.keys(scripts).filter((name) => /\b(cli|bench)\/[\w/.-]+\.ts\b/.test(scripts[name]));

function npmRun(script: string, args: string[]): Promise<Captured> {
  return new Promise((resolve) => {
    execFile("npm", ["run", script, "--", ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

/** stdout without npm's own banner (`> k2-oauth@0.1.0 plan` and the command line). */
function withoutNpmBanner(stdout: string): string {
  return stdout.replace(/^\n?> [^\n]*\n> [^\n]*\n\n/, "");
}

describe("every command script", () => {
  it("is known here (so that it is tested below)", () => {
    expect(commandScripts.sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  describe.each(Object.keys(COMMANDS))("npm run %s", (script) => {
    const spec = COMMANDS[script];
    let help: Captured;
    let bad: Captured;
    beforeAll(async () => {
      [help, bad] = await Promise.all([npmRun(script, ["--help"]), npmRun(script, ["--no-such-option"])]);
    });

    it("-- --help: the full usage on stdout, exit code 0", () => {
      expect(help.code).toBe(0);
      expect(withoutNpmBanner(help.stdout)).toBe(usage(spec));
      expect(help.stderr).toBe("");
    });

    it("-- --no-such-option: the problem and the synopsis on stderr, exit code 2", () => {
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(usageErrorText(spec, "unknown option '--no-such-option'"));
      expect(withoutNpmBanner(bad.stdout)).toBe("");
    });

    it.each([
      [["-h"], 0],
      [["--help", "--no-such-option"], 0],
      [["-s", "dev"], 2],
      [["dev"], 2],
      [["--", "--help-me"], 2],
    ])("in process, %j exits %i with the usage or the usage error", async (argv, code) => {
      const r = await IN_PROCESS[script](argv);
      expect(r.code).toBe(code);
      if (code === 0) {
        expect(r.stdout).toBe(usage(spec));
        expect(r.stderr).toBe("");
      } else {
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(new RegExp(`^${script}: .+\\nusage: ${synopsis(spec).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`));
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The README's and docs' `npm run …` lines, taken literally
// ---------------------------------------------------------------------------------------------------------------

const DOCS = ["README.md", ...fs.readdirSync(path.join(REPO_ROOT, "docs")).map((f) => `docs/${f}`), "policies/README.md"];

/**
 * Every `npm run …` command the docs show: code spans that hold arguments (a bare `npm run plan` in a sentence names
 * the command) and every line of code blocks, cut at shell comments and operators.
 */
function npmRunsIn(text: string): string[] {
  const { codeSpans, codeLines } = readMarkdown(text);
  const found: string[] = [];
  for (const [candidate, isSpan] of [...codeSpans.map((c) => [c, true] as const), ...codeLines.map((c) => [c, false] as const)]) {
    const at = candidate.indexOf("npm run ");
    if (at < 0) continue;
    if (!isSpan && candidate.lastIndexOf("#", at) >= 0) continue; // in a shell or YAML comment: words, not a command
    const command = candidate.slice(at).split(/\s(?:#|&&|\|\||;|\||>|2>)\s|`/)[0].trim();
    if (isSpan && /^npm run [\w-]+$/.test(command)) continue;
    found.push(command);
  }
  return found;
}

/**
 * Reads a documented command as a user would type it: placeholders (`<name>`) filled in, the first of alternatives
 * (`a|b`) taken, optional parts (`[…]`) included, `[options]` left out. Returns the script, what stands between it and
 * the first `--` (npm's, not the command's) and what npm passes to the command.
 */
function literally(command: string): { script: string; beforeDashes: string[]; args: string[] } {
  const tokens = command
    .replace(/\[options\]/g, "")
    .replace(/[[\]]/g, " ")
    .replace(/<[^>\s]+>/g, "x")
    .replace(/'[^']*'/g, "x")
    .split(/\s+/)
    .filter((t) => t !== "" && t !== "…" && t !== "...")
    .map((t) => t.split("|")[0]);
  // npm's own flags may stand before the script's name (`npm run --silent verify`).
  const rest = tokens.slice(2);
  while (rest.length > 0 && rest[0].startsWith("-")) rest.shift();
  const [script, ...after] = rest;
  const dashes = after.indexOf("--");
  return { script, beforeDashes: dashes < 0 ? after : after.slice(0, dashes), args: dashes < 0 ? [] : after.slice(dashes + 1) };
}

describe("the README's and docs' commands", () => {
  const all = DOCS.flatMap((file) => npmRunsIn(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")).map((command) => ({ file, command })));

  it("are found (the check below is not empty)", () => {
    expect(all.filter((c) => c.file === "README.md").length).toBeGreaterThan(5);
  });

  it.each(Object.keys(COMMANDS))("README.md shows the synopsis of %s as --help prints it", (script) => {
    expect(fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8")).toContain(`\`${synopsis(COMMANDS[script])}\``);
  });

  it("name existing scripts and parse as written", () => {
    const problems: string[] = [];
    for (const { file, command } of all) {
      const { script, beforeDashes, args } = literally(command);
      if (scripts[script] === undefined) {
        problems.push(`${file}: ${command}: no npm script '${script}'`);
        continue;
      }
      if (beforeDashes.length > 0) problems.push(`${file}: ${command}: ${beforeDashes.join(" ")} before '--' goes to npm, not to the command`);
      const spec = COMMANDS[script];
      if (spec === undefined) continue;
      try {
        parseCommandLine(spec, args);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        problems.push(`${file}: ${command}: ${e.message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("the literal reading catches the forms that do not work", () => {
    const wrong = ["npm run bench [-- --json] [-- --runs N]", "npm run plan --stack dev", "npm run verify -- --stack <name> --format xml"];
    const verdicts = wrong.map((command) => {
      const { beforeDashes, args, script } = literally(command);
      if (beforeDashes.length > 0) return "before --";
      try {
        parseCommandLine(COMMANDS[script], args);
        return "ok";
      } catch (e) {
        return (e as Error).message.split(":")[0];
      }
    });
    expect(verdicts).toEqual(["'--' is not needed here", "before --", "--format"]);
  });
});
