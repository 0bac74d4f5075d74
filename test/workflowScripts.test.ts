/**
 * The shell scripts the workflows run (.github/scripts/), run with bash as GitHub Actions would, with stand-ins for
 * `npm` and `pulumi` on PATH (each prints what the real command would and exits with a chosen code) and the files
 * GitHub provides ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY) in a temp directory.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const SCRIPTS = path.resolve(__dirname, "..", ".github", "scripts");

let dir: string;
let bin: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-workflow-script-"));
  bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.mkdirSync(path.join(dir, "stacks"));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stand-in command: a bash script body that sees the real arguments in "$@". */
function fake(name: string, body: string): void {
  fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
}

function stacks(...names: string[]): void {
  for (const n of names) fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${n}.yaml`), "config: {}\n");
}

function run(script: string, args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string; output: string; summary: string } {
  const output = path.join(dir, "github-output");
  const summary = path.join(dir, "github-summary");
  fs.writeFileSync(output, "");
  fs.writeFileSync(summary, "");
  const r = spawnSync("bash", [path.join(SCRIPTS, script), ...args], {
    cwd: dir,
    encoding: "utf8",
    // TMPDIR: the run's own temp folder (test/globalSetup.ts), as every process a test starts gets it.
    env: { PATH: `${bin}:${process.env.PATH ?? ""}`, HOME: dir, TMPDIR: os.tmpdir(), GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, output: fs.readFileSync(output, "utf8"), summary: fs.readFileSync(summary, "utf8") };
}

describe("every script", () => {
  it.each(fs.readdirSync(SCRIPTS))("%s parses as bash", (file) => {
    expect(spawnSync("bash", ["-n", path.join(SCRIPTS, file)]).status).toBe(0);
  });
});

describe("list-stacks.sh", () => {
  it("lists stacks/Pulumi.<stack>.yaml as a sorted JSON array", () => {
    stacks("prod", "dev", "qa-east");
    fs.writeFileSync(path.join(dir, "stacks", "k2-mapping.dev.json"), "{}");
    expect(run("list-stacks.sh", []).stdout).toBe('["dev","prod","qa-east"]\n');
  });

  it("gives an empty array without stacks", () => {
    expect(run("list-stacks.sh", []).stdout).toBe("[]\n");
  });
});

describe("plan-gate.sh (the deploy gate)", () => {
  const plan = (code: number) =>
    fake(
      "npm",
      `[ "$*" = "run --silent plan -- --stack prod --format markdown --deploy-gate" ] || { echo "unexpected: $*" >&2; exit 99; }
echo "### Offline plan: stack \\\`prod\\\`"
echo "**:x: 1 mandatory policy violation**"
echo "warning: program: something to know" >&2
exit ${code}`,
    );

  it("shows the findings in the log and the job summary when the plan fails, and fails with its exit code", () => {
    plan(1);
    const r = run("plan-gate.sh", ["prod"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      "### Offline plan: stack `prod`\n**:x: 1 mandatory policy violation**\n" +
        "::error title=Deploy gate (prod)::mandatory policy violations or a deploy blocker: see the plan above and the job summary\n",
    );
    expect(r.stderr).toBe("warning: program: something to know\n");
    expect(r.summary).toBe("### Offline plan: stack `prod`\n**:x: 1 mandatory policy violation**\n");
  });

  it("adds the plan's error output to the summary when the plan could not run", () => {
    plan(3);
    const r = run("plan-gate.sh", ["prod"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("::error title=Offline plan (prod)::the plan failed (exit code 3)");
    expect(r.summary).toContain(":x: The plan failed (exit code 3):\n\n```\nwarning: program: something to know\n```\n");
  });

  it("passes with the findings shown and no error", () => {
    plan(0);
    const r = run("plan-gate.sh", ["prod"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("::error");
    expect(r.summary).toContain("**:x: 1 mandatory policy violation**");
  });
});

describe("due-stacks.sh (which stacks the deploy workflow deploys)", () => {
  beforeEach(() => {
    stacks("dev", "prod", "qa");
    // `pulumi stack output`: dev and prod are deployed, qa cannot be read (e.g. never created).
    fake(
      "pulumi",
      `[ "$1 $2 $3 $4" = "stack output --json --stack" ] || exit 98
case "$5" in
  acme/dev|acme/prod) echo '{"clients":{"a":{}}}' ;;
  *) echo "error: no stack named '$5' found" >&2; exit 255 ;;
esac`,
    );
    // `npm run due`: prod is due (rotation), dev is not, a stack without outputs ({}) is due as not deployed.
    fake(
      "npm",
      `stack=$6; outputs=$8
[ "$1 $2 $3 $4 $5 $7 $9 \${10}" = "run --silent due -- --stack --outputs --format json" ] || { echo "unexpected: $*" >&2; exit 99; }
if [ "$(cat "$outputs")" = "{}" ]; then
  echo '{"due":true,"reasons":[{"client":"a","kind":"new-client","message":"a: no deployed secret yet"}]}'
elif [ "$stack" = "prod" ]; then
  echo '{"due":true,"reasons":[{"client":"a","kind":"rotation","message":"a: generation 7 is not deployed"}]}'
else
  echo '{"due":false,"reasons":[]}'
fi`,
    );
  });

  it("picks every stack for a push or a manual run", () => {
    const r = run("due-stacks.sh", ["all"]);
    expect(r.code).toBe(0);
    expect(r.output).toBe('stacks=["dev","prod","qa"]\n');
  });

  it("on the schedule picks the due stacks, with their reasons in the log and the summary", () => {
    const r = run("due-stacks.sh", ["due"], { PULUMI_ORG: "acme" });
    expect(r.code).toBe(0);
    expect(r.output).toBe('stacks=["prod","qa"]\n');
    expect(r.stdout).toContain("::notice title=Deployed outputs (qa)::could not read the outputs of acme/qa: counted as not deployed");
    expect(r.stdout).toContain("  - [rotation] a: generation 7 is not deployed\n");
    expect(r.summary).toBe(
      [
        "### Scheduled deploy: stacks due today",
        "- `dev`: nothing due",
        "- `prod`: due",
        "  - [rotation] a: generation 7 is not deployed",
        "- `qa`: due",
        "  - [new-client] a: no deployed secret yet",
        "",
      ].join("\n"),
    );
  });

  it("picks nothing on a day with nothing due", () => {
    fake("npm", `echo '{"due":false,"reasons":[]}'`);
    const r = run("due-stacks.sh", ["due"], { PULUMI_ORG: "acme" });
    expect(r.code).toBe(0);
    expect(r.output).toBe("stacks=[]\n");
  });

  it("fails when the due check itself fails, and on an unknown mode", () => {
    fake("npm", `echo "error: k2-oauth:clients[0].secret.lifetimeDays: expected at most 730 days" >&2; exit 2`);
    const r = run("due-stacks.sh", ["due"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("::error title=Due check (dev)::npm run due failed (exit code 2)");
    expect(r.stderr).toContain("expected at most 730 days");
    expect(r.output).toBe("");
    expect(run("due-stacks.sh", ["sometimes"]).code).toBe(2);
  });
});

describe("stack-exists.sh", () => {
  it("says a stack exists", () => {
    fake("pulumi", `[ "$*" = "stack select acme/dev --non-interactive" ] || exit 98`);
    const r = run("stack-exists.sh", ["dev"], { PULUMI_ORG: "acme" });
    expect(r).toMatchObject({ code: 0, output: "exists=true\n" });
  });

  it("for a missing stack, says what to do: a notice for previews, an error for deploys", () => {
    fake("pulumi", `echo "error: no stack named 'staging' found" >&2; exit 255`);
    const what =
      "Stack staging does not exist in the Pulumi backend yet. Create it once: pulumi stack init staging, then set its secrets " +
      "(pulumi config set --secret --path 'k2.admin.password' --stack staging); see README.md, Adding an environment.";
    const preview = run("stack-exists.sh", ["staging"]);
    expect(preview).toMatchObject({ code: 0, output: "exists=false\n" });
    expect(preview.stdout).toBe(`::notice title=Pulumi preview skipped (staging)::${what} The offline plan covers this change meanwhile.\n`);
    expect(preview.summary).toBe(`### Pulumi preview skipped (staging): ${what}\n`);
    const deploy = run("stack-exists.sh", ["staging", "--required"]);
    expect(deploy.code).toBe(1);
    expect(deploy.stdout).toBe(`::error title=Stack staging not found::${what}\n`);
  });

  it("fails on any other problem, with the CLI's message", () => {
    fake("pulumi", `echo "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions" >&2; exit 255`);
    const r = run("stack-exists.sh", ["dev"]);
    expect(r.code).toBe(1);
    expect(r.output).toBe("");
    expect(r.stderr).toContain("PULUMI_ACCESS_TOKEN must be set");
    expect(r.stdout).toBe("::error title=Pulumi stack (dev)::could not look up dev in the Pulumi backend\n");
  });
});
