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

/** A `pulumi` that cannot log in (no PULUMI_ACCESS_TOKEN), whatever it is asked. */
function pulumiWithoutToken(): void {
  fake("pulumi", `echo "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions" >&2; exit 255`);
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
  const plan = (code: number, expected = "run --silent plan -- --stack prod --format markdown --deploy-gate --outputs outputs.json") =>
    fake(
      "npm",
      `[ "$*" = "${expected}" ] || { echo "unexpected: $*" >&2; exit 99; }
echo "### Offline plan: stack \\\`prod\\\`"
echo "**:x: 1 mandatory policy violation**"
echo "warning: program: something to know" >&2
exit ${code}`,
    );

  it("shows the findings in the log and the job summary when the plan fails, and fails with its exit code", () => {
    plan(1);
    const r = run("plan-gate.sh", ["prod", "outputs.json"]);
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
    const r = run("plan-gate.sh", ["prod", "outputs.json"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("::error title=Offline plan (prod)::the plan failed (exit code 3)");
    expect(r.summary).toContain(":x: The plan failed (exit code 3):\n\n```\nwarning: program: something to know\n```\n");
  });

  it("passes with the findings shown and no error", () => {
    plan(0);
    const r = run("plan-gate.sh", ["prod", "outputs.json", ""]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("::error");
    expect(r.summary).toContain("**:x: 1 mandatory policy violation**");
  });

  it("passes the clients whose valid secrets may go to --allow-drop, with a warning", () => {
    plan(0, "run --silent plan -- --stack prod --format markdown --deploy-gate --outputs outputs.json --allow-drop power-automate,reporting");
    const r = run("plan-gate.sh", ["prod", "outputs.json", "power-automate,reporting"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      "::warning title=Deploy gate (prod)::valid client secrets of power-automate,reporting may be dropped by this deploy (allow-secret-drop)",
    );
  });
});

describe("stack-outputs.sh", () => {
  it("writes the outputs of the stack, qualified with PULUMI_ORG", () => {
    fake("pulumi", `[ "$*" = "stack output --json --stack acme/dev" ] || exit 98\necho '{"clients":{}}'`);
    const r = run("stack-outputs.sh", ["dev", "out.json"], { PULUMI_ORG: "acme" });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "out.json"), "utf8")).toBe('{"clients":{}}\n');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("out.json"))).toEqual(["out.json"]);
  });

  it("exits 4 with a notice for a stack not created yet, and 1 with the CLI's message for anything else", () => {
    fake("pulumi", `echo "error: no stack named 'qa' found" >&2; exit 255`);
    const missing = run("stack-outputs.sh", ["qa", "out.json"]);
    expect(missing).toMatchObject({ code: 4, stdout: "::notice title=Stack qa not created::qa does not exist in the Pulumi backend yet (README.md, Adding an environment)\n" });
    pulumiWithoutToken();
    const token = run("stack-outputs.sh", ["dev", "out.json"]);
    expect(token.code).toBe(1);
    expect(token.stderr).toContain("PULUMI_ACCESS_TOKEN must be set");
    expect(token.stdout).toBe("::error title=Deployed outputs (dev)::could not read the outputs of dev (see the log above)\n");
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("out.json"))).toEqual([]);
  });
});

describe("due-stacks.sh (which stacks the deploy workflow deploys)", () => {
  const due = (json: Record<string, unknown>) => JSON.stringify({ due: false, stale: false, reasons: [], blocked: [], ...json });

  beforeEach(() => {
    stacks("dev", "prod", "qa");
    // `pulumi stack output`: dev and prod are deployed, qa does not exist in the backend.
    fake(
      "pulumi",
      `[ "$1 $2 $3 $4" = "stack output --json --stack" ] || exit 98
case "$5" in
  acme/dev|acme/prod) echo '{"clients":{"a":{}}}' ;;
  *) echo "error: no stack named '$5' found" >&2; exit 255 ;;
esac`,
    );
    // `npm run due`: prod is due (rotation), dev is not.
    fake(
      "npm",
      `stack=$6
[ "$1 $2 $3 $4 $5 $7 $8 $9 \${10}" = "run --silent due -- --stack --outputs .due/$stack.outputs.json --format json" ] || { echo "unexpected: $*" >&2; exit 99; }
if [ "$stack" = "prod" ]; then
  echo '${due({ due: true, reasons: [{ client: "a", kind: "rotation", message: "a: generation 7 is not deployed" }] })}'
else
  echo '${due({ reasons: [{ client: "a", kind: "expiring", message: "a: expires in 20 days" }] })}'
fi`,
    );
  });

  it("picks every stack for a push or a manual run, a missing one included (its deploy says what to do)", () => {
    const r = run("due-stacks.sh", ["all"], { PULUMI_ORG: "acme" });
    expect(r.code).toBe(0);
    expect(r.output).toBe('stacks=["dev","prod","qa"]\nstale=[]\n');
  });

  it("on the schedule picks the due stacks, skips a missing one with a notice, with the reasons and notes in the log and the summary", () => {
    const r = run("due-stacks.sh", ["due"], { PULUMI_ORG: "acme" });
    expect(r.code).toBe(0);
    expect(r.output).toBe('stacks=["prod"]\nstale=[]\n');
    expect(r.stdout).toContain("::notice title=Stack qa not created::acme/qa does not exist in the Pulumi backend yet");
    expect(r.stdout).toContain("  - [rotation] a: generation 7 is not deployed\n");
    expect(r.summary).toBe(
      [
        "### Stacks (due): what is due today",
        "- `dev`: nothing due",
        "  - [expiring] a: expires in 20 days",
        "- `prod`: due",
        "  - [rotation] a: generation 7 is not deployed",
        "- `qa`: not created in the Pulumi backend yet",
        "",
      ].join("\n"),
    );
  });

  it("reports a stale stack loudly in every mode, and check fails for it", () => {
    fake(
      "npm",
      `echo '${due({ due: true, stale: true, reasons: [{ client: "a", kind: "rotation", message: "a: waiting" }, { client: "a", kind: "stale", message: "a: the daily deploys did not run." }], blocked: [{ client: "b", kind: "new-client-expires-early", message: "b: add startDate" }] })}'`,
    );
    for (const mode of ["all", "due"]) {
      const r = run("due-stacks.sh", [mode], { PULUMI_ORG: "acme", ONLY_STACK: "prod" });
      expect(r.code).toBe(0);
      expect(r.output).toBe('stacks=["prod"]\nstale=["prod"]\n');
      expect(r.stdout).toContain("::error title=Rotations fell behind (prod)::a: the daily deploys did not run.\n");
      expect(r.summary).toContain("- `prod`: :x: STALE: the scheduled deploys did not run\n  - [rotation] a: waiting\n  - [stale] a: the daily deploys did not run.\n  - [deploy gate would refuse] b: add startDate\n");
    }
    const check = run("due-stacks.sh", ["check"], { PULUMI_ORG: "acme", ONLY_STACK: "prod" });
    expect(check.code).toBe(1);
    expect(check.output).toBe("");
    fake("npm", `echo '${due({})}'`);
    expect(run("due-stacks.sh", ["check"], { PULUMI_ORG: "acme", ONLY_STACK: "prod" }).code).toBe(0);
  });

  it("counts a stack whose due check fails as due, with an error, and goes on with the others", () => {
    fake(
      "npm",
      `if [ "$6" = "dev" ]; then echo "error: k2-oauth:clients[0].secret.lifetimeDays: expected a whole number of days from 1 to 730" >&2; exit 2; fi
echo '${due({})}'`,
    );
    const r = run("due-stacks.sh", ["due"], { PULUMI_ORG: "acme" });
    expect(r.code).toBe(0);
    expect(r.output).toBe('stacks=["dev"]\nstale=[]\n');
    expect(r.stdout).toContain("::error title=Due check (dev)::npm run due failed (exit code 2): counted as due, so that its deploy shows the problem");
    expect(r.stderr).toContain("expected a whole number of days from 1 to 730");
  });

  it("fails the pick when outputs cannot be read for another reason than a missing stack (no token: never 'deploy everything')", () => {
    pulumiWithoutToken();
    const r = run("due-stacks.sh", ["due"]);
    expect(r.code).toBe(1);
    expect(r.output).toBe("");
    expect(r.stdout).toContain("::error title=Deployed outputs (dev)::could not read the outputs of dev");
  });

  it("takes one stack with ONLY_STACK, refuses an unknown one, and refuses allow-secret-drop without it", () => {
    expect(run("due-stacks.sh", ["all"], { PULUMI_ORG: "acme", ONLY_STACK: "dev" }).output).toBe('stacks=["dev"]\nstale=[]\n');
    const unknown = run("due-stacks.sh", ["all"], { ONLY_STACK: "staging" });
    expect(unknown).toMatchObject({ code: 2, output: "", stdout: `::error title=Unknown stack::'staging' is not one of ["dev","prod","qa"] (stacks/Pulumi.<stack>.yaml)\n` });
    const drop = run("due-stacks.sh", ["all"], { ALLOW_SECRET_DROP: "a" });
    expect(drop).toMatchObject({
      code: 2,
      output: "",
      stdout: "::error title=allow-secret-drop::allow-secret-drop lets valid secrets go: name the one stack it is for in only-stack\n",
    });
  });

  it("picks nothing on a day with nothing due, and rejects an unknown mode", () => {
    fake("npm", `echo '${due({})}'`);
    const r = run("due-stacks.sh", ["due"], { PULUMI_ORG: "acme" });
    expect(r.code).toBe(0);
    expect(r.output).toBe("stacks=[]\nstale=[]\n");
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
    pulumiWithoutToken();
    const r = run("stack-exists.sh", ["dev"]);
    expect(r.code).toBe(1);
    expect(r.output).toBe("");
    expect(r.stderr).toContain("PULUMI_ACCESS_TOKEN must be set");
    expect(r.stdout).toBe("::error title=Pulumi stack (dev)::could not look up dev in the Pulumi backend\n");
  });
});
