/**
 * `npm run due -- --stack <name> --outputs <file> [options]`: whether the stack needs a
 * `pulumi up` today although nothing changed on main (cli/due/rule.ts): a rotation is due, a client is not deployed
 * yet, or the newest deployed secret of a client is inside the expiry warning window. Offline: it reads the stack file,
 * the stack's policy config (for the warning window) and the stack outputs (`pulumi stack output --json`) a deployed
 * stack already has. The scheduled deploy workflow runs it for every stack in stacks/.
 *
 * Options and exit codes: DUE_COMMAND below (`--help` prints them).
 */
import { secretOwners } from "../components/secretDeclarations";
import * as path from "node:path";
import { ConfigError } from "../components/config";
import { DEFAULT_WARN_DAYS } from "../policies/lib/config";
import { isoDay, parseUtcDay } from "../components/rotation";
import { defineCommand, EXIT_USAGE, readCommandLine, usageErrorText, UsageError } from "./args";
import { dateOption, readDateOption } from "./dayOption";
import { DUE_KINDS, dueReasons, type DueResult } from "./due/rule";
import { secretChecks, type SecretFinding } from "./secretSafety";
import { loadStackFile, StackFileError, validateLoadedStack } from "./stackFile";
import { deployedSecretsOf, loadStackOutputs } from "./verify/outputs";
import { EXPIRY_ADVISORY_POLICY, expiryWarnDays } from "./warnDays";


/** One row per option (the convention of cli/args.ts). */
export const DUE_COMMAND = defineCommand({
  script: "due",
  description: [
    "Tells whether a deployed stack needs `pulumi up` today although nothing changed: a secret rotation is due or a",
    "configured client is not deployed yet. Says STALE when a rotation has waited since before today while the newest",
    "deployed secret is inside the expiry warning window (the daily deploys did not run), notes a newest secret inside",
    `the window (${EXPIRY_ADVISORY_POLICY}.warnDays in policies/config/<name>.json, default ${DEFAULT_WARN_DAYS}), and lists what the`,
    "deploy gate would refuse today (a new client whose first secret expires inside the window). Offline.",
  ].join("\n"),
  options: [
    { name: "stack", value: "<name>", required: true, help: "the stack (stacks/Pulumi.<name>.yaml)" },
    {
      name: "outputs",
      value: "<file>",
      required: true,
      help: "the stack's deployed outputs: `pulumi stack output --json --stack <name> > <file>`\n(a stack that was never deployed: a file holding {})",
    },
    dateOption("decide as of that UTC day (default: today)"),
    {
      name: "format",
      value: "<format>",
      choices: ["text", "json"],
      help: 'text (default) or json: { "stack", "date", "due", "stale", "warnDays",\n"reasons": [{ "client", "kind", "message" }], "blocked": [{ "client", "kind", "message" }] }',
    },
    { name: "root", value: "<dir>", inSynopsis: false, help: "project directory holding stacks/ and policies/ (default: the current directory)" },
  ],
  exitCodes: [
    [0, "answered (due or not: see the output)"],
    [2, "usage or invalid config"],
    [3, "could not decide"],
  ],
  positionalHint: "name the stack with --stack <name>",
});

interface DueArgs {
  stack: string;
  outputs: string;
  date: string | undefined;
  format: "text" | "json";
  root: string;
}

export interface DueReport extends DueResult {
  stack: string;
  date: string;
  warnDays: number;
  /** What the deploy gate would refuse today (cli/secretSafety.ts): a deploy that is due would then fail there. */
  blocked: SecretFinding[];
}

export function decide(args: { root: string; stack: string; outputs: string; date?: string }): DueReport {
  let loaded;
  try {
    loaded = loadStackFile(args.stack, args.root);
  } catch (err) {
    if (err instanceof StackFileError) throw new UsageError(`stack '${args.stack}': ${err.message}`);
    throw err;
  }
  const parsed = validateLoadedStack(loaded);
  if (!parsed.ok) throw new ConfigError(parsed.issues);
  const deployed = deployedSecretsOf(loadStackOutputs(path.resolve(args.root, args.outputs), args.outputs));
  const date = args.date ?? isoDay(new Date());
  const day = parseUtcDay(date) ?? new Date();
  const { warnDays } = expiryWarnDays(args.root, args.stack, day);
  // The clients and the outbound app alike.
  const owners = secretOwners(parsed.config);
  const result = dueReasons(owners, deployed, day, warnDays);
  const { blockers } = secretChecks({ clients: owners, deployed, day, warnDays, stackFile: path.relative(args.root, loaded.file).split(path.sep).join("/") });
  return { stack: args.stack, date, warnDays, ...result, blocked: blockers };
}

export function renderDue(report: DueReport, format: "text" | "json"): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  const count = report.reasons.filter((r) => DUE_KINDS.includes(r.kind)).length;
  const head = report.due
    ? `${report.stack}: due as of ${report.date} (${count} reason${count === 1 ? "" : "s"})${report.stale ? "; STALE: the scheduled deploys fell behind" : ""}`
    : `${report.stack}: nothing due as of ${report.date}`;
  const lines = [head, ...report.reasons.map((r) => `  - [${r.kind}] ${r.message}`)];
  for (const b of report.blocked) lines.push(`  - [deploy gate would refuse] ${b.message}`);
  return `${lines.join("\n")}\n`;
}

export interface DueIo {
  cwd: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Runs the command; returns the exit code. Never throws. */
export function main(argv: readonly string[], io: DueIo): number {
  try {
    const line = readCommandLine(DUE_COMMAND, argv, { stdout: (t) => io.stdout.write(t), stderr: (t) => io.stderr.write(t) });
    if ("exitCode" in line) return line.exitCode;
    const { stack, outputs, format = "text", root = "." } = line.values;
    const args: DueArgs = { stack, outputs, date: readDateOption(line.values.date), format: format === "json" ? "json" : "text", root: path.resolve(io.cwd, root) };
    io.stdout.write(renderDue(decide({ root: args.root, stack: args.stack, outputs: args.outputs, ...(args.date !== undefined ? { date: args.date } : {}) }), args.format));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(usageErrorText(DUE_COMMAND, err.message));
      return EXIT_USAGE;
    }
    if (err instanceof ConfigError || (err instanceof Error && err.name === "PolicyConfigError")) {
      io.stderr.write(`error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`error: could not decide: ${err instanceof Error ? err.message : String(err)}\n`);
    return 3;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
}
