/** Command line of `npm run plan -- --stack <name> [--format text|markdown|json] [--against <git-ref>]`. */
import { parseArgs } from "node:util";
import { UsageError } from "./errors";

export const FORMATS = ["text", "markdown", "json"] as const;
export type PlanFormat = (typeof FORMATS)[number];

export interface PlanArgs {
  stack: string;
  format: PlanFormat;
  against?: string;
  help: boolean;
}

export const USAGE = `usage: npm run plan -- --stack <name> [--format text|markdown|json] [--against <git-ref>]

Evaluates stacks/Pulumi.<name>.yaml offline (Pulumi SDK mock runtime: no cloud, no credentials), runs the
policy pack in policies/ over the CrossGuard analyzer protocol, and prints the resources and findings.

  --stack <name>      the stack to plan (stacks/Pulumi.<name>.yaml)
  --format <format>   text (default), markdown (pull-request comment, job summary) or json
  --against <ref>     also plan the same stack at a git ref and show what changes (added, removed, changed inputs)
  --help              this text

Exit codes: 0 no mandatory policy violation, 1 mandatory violations or provider check failures, 2 invalid config
or usage, 3 the plan could not be completed.`;

function isFormat(value: string): value is PlanFormat {
  return (FORMATS as readonly string[]).includes(value);
}

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  let values: { stack?: string; format?: string; against?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string", short: "s" },
        format: { type: "string", short: "f" },
        against: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help === true) return { stack: "", format: "text", help: true };
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; name the stack with --stack <name>`);
  if (values.stack === undefined || values.stack.trim() === "") throw new UsageError("--stack <name> is required (a stack file stacks/Pulumi.<name>.yaml)");
  const format = values.format ?? "text";
  if (!isFormat(format)) throw new UsageError(`unknown --format '${format}'; expected one of ${FORMATS.join(", ")}`);
  if (values.against !== undefined && values.against.trim() === "") throw new UsageError("--against needs a git ref, like origin/main");
  return { stack: values.stack, format, ...(values.against !== undefined ? { against: values.against } : {}), help: false };
}
