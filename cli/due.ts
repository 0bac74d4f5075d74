/**
 * `npm run due -- --stack <name> --outputs <file> [--date YYYY-MM-DD] [--format text|json]`: whether the stack needs a
 * `pulumi up` today although nothing changed on main (cli/due/rule.ts): a rotation is due, a client is not deployed
 * yet, or the newest deployed secret of a client is inside the expiry warning window. Offline: it reads the stack file,
 * the stack's policy config (for the warning window) and the stack outputs (`pulumi stack output --json`) a deployed
 * stack already has. The scheduled deploy workflow runs it for every stack in stacks/.
 *
 * Exit codes: 0 answered (due or not: see the output), 2 usage or invalid config, 3 could not decide.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, parseStackConfig } from "../components/config";
import { isoDay, parseUtcDay } from "../components/rotation";
import { parsePolicyConfigText } from "./analyzer/policyConfig";
import { dueReasons, type DeployedSecrets, type DueResult } from "./due/rule";
import { loadStackFile, StackFileError } from "./stackFile";
import { parseStackOutputs } from "./verify/outputs";

export const USAGE = `usage: npm run due -- --stack <name> --outputs <file> [--date YYYY-MM-DD] [--format text|json]

Tells whether a deployed stack needs \`pulumi up\` today although nothing changed: a secret rotation is due, a
configured client is not deployed yet, or the newest deployed secret of a client expires within the warning window
(entra-client-secret-expiry-advisory.warnDays in policies/config/<name>.json, default 30 days). Offline.

  --stack <name>      the stack (stacks/Pulumi.<name>.yaml)
  --outputs <file>    the stack's deployed outputs: \`pulumi stack output --json --stack <name> > <file>\`
                      (a stack that was never deployed: a file holding {})
  --date <day>        decide as of that UTC day, YYYY-MM-DD (default: today)
  --format <format>   text (default) or json: { "stack", "date", "due", "warnDays", "reasons": [{ "client", "kind", "message" }] }
  --root <dir>        project directory holding stacks/ and policies/ (default: the current directory)
  -h, --help          this text

Exit codes: 0 answered (due or not), 2 usage or invalid config, 3 could not decide.`;

export const DEFAULT_WARN_DAYS = 30;
const ADVISORY_POLICY = "entra-client-secret-expiry-advisory";

class UsageError extends Error {}

interface DueArgs {
  stack: string;
  outputs: string;
  date: string | undefined;
  format: "text" | "json";
  root: string;
}

/** Node's argument parser, with its wording replaced by ours. */
function parseDueArgs(argv: readonly string[], cwd: string): DueArgs | "help" {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        outputs: { type: "string" },
        date: { type: "string" },
        format: { type: "string" },
        root: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    const code = (err as { code?: string }).code;
    const option = /'(-[^']*)'/.exec((err as Error).message)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw new UsageError(`${option.split(" ")[0].replace(/,$/, "")} needs a value`);
    throw new UsageError(`unknown option '${option}'`);
  }
  if (values.help === true) return "help";
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; name the stack with --stack <name>`);
  const text = (key: string): string | undefined => (typeof values[key] === "string" ? (values[key] as string) : undefined);
  const stack = text("stack");
  if (stack === undefined || stack.trim() === "") throw new UsageError("--stack <name> is required (a stack file stacks/Pulumi.<name>.yaml)");
  const outputs = text("outputs");
  if (outputs === undefined || outputs.trim() === "") {
    throw new UsageError("--outputs <file> is required: the output of `pulumi stack output --json --stack <name>` (a file holding {} for a stack never deployed)");
  }
  const date = text("date");
  if (date !== undefined && parseUtcDay(date) === undefined) throw new UsageError(`--date '${date}' is not a calendar day written YYYY-MM-DD, like 2027-02-14 (a UTC day)`);
  const format = text("format") ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError(`unknown --format '${format}'; expected one of text, json`);
  return { stack, outputs, date, format, root: path.resolve(cwd, text("root") ?? ".") };
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
  const parsed = parseStackConfig(loaded.config);
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
    const args = parseDueArgs(argv, io.cwd);
    if (args === "help") {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    io.stdout.write(renderDue(decide({ root: args.root, stack: args.stack, outputs: args.outputs, ...(args.date !== undefined ? { date: args.date } : {}) }), args.format));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof ConfigError || (err instanceof Error && err.name === "PolicyConfigError")) {
      io.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`error: could not decide: ${err instanceof Error ? err.message : String(err)}\n`);
    return 3;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
}
