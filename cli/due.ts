/**
 * `npm run due -- --stack <name> --outputs <file> [options]`: whether the stack needs a
 * `pulumi up` today although nothing changed on main (cli/due/rule.ts): a rotation is due, a client is not deployed
 * yet, or the newest deployed secret of a client is inside the expiry warning window. Offline: it reads the stack file,
 * the stack's policy config (for the warning window) and the stack outputs (`pulumi stack output --json`) a deployed
 * stack already has. The scheduled deploy workflow runs it for every stack in stacks/.
 *
 * Options and exit codes: DUE_COMMAND below (`--help` prints them).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../components/config";
import { isoDay, parseUtcDay } from "../components/rotation";
import { parsePolicyConfigText } from "./analyzer/policyConfig";
import { defineCommand, EXIT_USAGE, readCommandLine, usageErrorText, UsageError } from "./args";
import { dateOption, readDateOption } from "./dayOption";
import { dueReasons, type DeployedSecrets, type DueResult } from "./due/rule";
import { loadStackFile, StackFileError, validateLoadedStack } from "./stackFile";
import { parseStackOutputs } from "./verify/outputs";

export const DEFAULT_WARN_DAYS = 30;
const ADVISORY_POLICY = "entra-client-secret-expiry-advisory";

/** One row per option (the convention of cli/args.ts). */
export const DUE_COMMAND = defineCommand({
  script: "due",
  description: [
    "Tells whether a deployed stack needs `pulumi up` today although nothing changed: a secret rotation is due, a",
    "configured client is not deployed yet, or the newest deployed secret of a client expires within the warning window",
    `(${ADVISORY_POLICY}.warnDays in policies/config/<name>.json, default ${DEFAULT_WARN_DAYS} days). Offline.`,
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
    { name: "format", value: "<format>", choices: ["text", "json"], help: 'text (default) or json: { "stack", "date", "due", "warnDays", "reasons": [{ "client", "kind", "message" }] }' },
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

/** The warning window the stack's policy config sets for the expiry advisory, else the pack's default. */
function warnDaysOf(root: string, stack: string): number {
  const file = path.join(root, "policies", "config", `${stack}.json`);
  if (!fs.existsSync(file)) return DEFAULT_WARN_DAYS;
  const entry = parsePolicyConfigText(fs.readFileSync(file, "utf8"), path.relative(root, file))[ADVISORY_POLICY];
  const warnDays = entry?.warnDays;
  return typeof warnDays === "number" && Number.isInteger(warnDays) && warnDays >= 0 ? warnDays : DEFAULT_WARN_DAYS;
}

export interface DueReport extends DueResult {
  stack: string;
  date: string;
  warnDays: number;
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
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(args.root, args.outputs), "utf8");
  } catch (err) {
    throw new UsageError(`--outputs ${args.outputs}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let deployed: DeployedSecrets;
  try {
    const outputs = parseStackOutputs(text, args.outputs);
    deployed = Object.fromEntries(Object.entries(outputs.clients).map(([name, c]) => [name, c.secrets]));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const date = args.date ?? isoDay(new Date());
  const warnDays = warnDaysOf(args.root, args.stack);
  const result = dueReasons(parsed.config.clients, deployed, parseUtcDay(date) ?? new Date(), warnDays);
  return { stack: args.stack, date, warnDays, ...result };
}

export function renderDue(report: DueReport, format: "text" | "json"): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  const head = report.due
    ? `${report.stack}: due as of ${report.date} (${report.reasons.length} reason${report.reasons.length === 1 ? "" : "s"})`
    : `${report.stack}: nothing due as of ${report.date}`;
  return `${[head, ...report.reasons.map((r) => `  - [${r.kind}] ${r.message}`)].join("\n")}\n`;
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
