/** Command line of `npm run plan -- --stack <name> [--format text|markdown|json] [--against <git-ref>] [--date YYYY-MM-DD]`. */
import { parseArgs } from "node:util";
import { parseUtcDay } from "../../components/rotation";
import { UsageError } from "./errors";

export const FORMATS = ["text", "markdown", "json"] as const;
export type PlanFormat = (typeof FORMATS)[number];

export interface PlanArgs {
  stack: string;
  format: PlanFormat;
  against?: string;
  /** The UTC day to plan as of (`YYYY-MM-DD`, validated); absent: today. */
  date?: string;
  /** Fail on what must not reach `pulumi up` (the deploy workflow's gate). */
  deployGate: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run plan -- --stack <name> [--format text|markdown|json] [--against <git-ref>] [--date YYYY-MM-DD] [--deploy-gate]

Evaluates stacks/Pulumi.<name>.yaml offline (Pulumi SDK mock runtime: no cloud, no credentials), runs the
policy pack in policies/ over the CrossGuard analyzer protocol, and prints the resources and findings.

  --stack <name>      the stack to plan (stacks/Pulumi.<name>.yaml)
  --format <format>   text (default), markdown (pull-request comment, job summary) or json
  --against <ref>     also plan the same stack at a git ref and show what changes (added, removed, changed inputs)
  --date <day>        plan as of that UTC day, YYYY-MM-DD (default: today): the secret schedule and the policy
                      pack's clock both use it, e.g. to see a rotation day before it comes
  --deploy-gate       also fail (exit 1) on what must not be deployed although a pull-request plan only warns:
                      a K2 Five stack still using the placeholder K2 SmartObject mapping (run npm run discover)
  --help              this text

Exit codes: 0 no mandatory policy violation, 1 mandatory violations (or, with --deploy-gate, a deploy blocker),
2 invalid config or usage, 3 the plan could not be completed.`;

function isFormat(value: string): value is PlanFormat {
  return (FORMATS as readonly string[]).includes(value);
}

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  let values: { stack?: string; format?: string; against?: string; date?: string; "deploy-gate"?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string", short: "s" },
        format: { type: "string", short: "f" },
        against: { type: "string" },
        date: { type: "string" },
        "deploy-gate": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help === true) return { stack: "", format: "text", deployGate: false, help: true };
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; name the stack with --stack <name>`);
  if (values.stack === undefined || values.stack.trim() === "") throw new UsageError("--stack <name> is required (a stack file stacks/Pulumi.<name>.yaml)");
  const format = values.format ?? "text";
  if (!isFormat(format)) throw new UsageError(`unknown --format '${format}'; expected one of ${FORMATS.join(", ")}`);
  if (values.against !== undefined && values.against.trim() === "") throw new UsageError("--against needs a git ref, like origin/main");
  if (values.date !== undefined && parseUtcDay(values.date) === undefined) {
    throw new UsageError(
      values.date.trim() === ""
        ? "--date needs a day written YYYY-MM-DD, like 2027-02-14"
        : `--date '${values.date}' is not a calendar day written YYYY-MM-DD, like 2027-02-14 (a UTC day)`,
    );
  }
  return {
    stack: values.stack,
    format,
    ...(values.against !== undefined ? { against: values.against } : {}),
    ...(values.date !== undefined ? { date: values.date } : {}),
    deployGate: values["deploy-gate"] === true,
    help: false,
  };
}
