/** Command line of `npm run plan` (the convention of cli/args.ts). */
import { defineCommand, parseCommandLine } from "../args";

export const FORMATS = ["text", "markdown", "json"] as const;
export type PlanFormat = (typeof FORMATS)[number];

export interface PlanArgs {
  stack: string;
  format: PlanFormat;
  against?: string;
  help: boolean;
}

/** One row per option: add an option here and it is parsed, typed and documented in `--help`. */
export const PLAN_COMMAND = defineCommand({
  script: "plan",
  description: [
    "Evaluates stacks/Pulumi.<name>.yaml offline (Pulumi SDK mock runtime: no cloud, no credentials), runs the",
    "policy pack in policies/ over the CrossGuard analyzer protocol, and prints the resources and findings.",
  ].join("\n"),
  options: [
    { name: "stack", value: "<name>", required: true, help: "the stack to plan (stacks/Pulumi.<name>.yaml)" },
    { name: "format", value: "<format>", choices: FORMATS, help: "text (default), markdown (pull-request comment, job summary) or json" },
    { name: "against", value: "<git-ref>", help: "also plan the same stack at a git ref and show what changes (added, removed, changed inputs)" },
  ],
  exitCodes: [
    [0, "no mandatory policy violation"],
    [1, "mandatory policy violations or provider check failures"],
    [2, "invalid config (stack file or policy config) or usage"],
    [3, "the plan could not be completed (the program crashed, the policy pack did not start, a dynamic provider could not be loaded or its check threw, an SDK internal the plan relies on changed)"],
  ],
  positionalHint: "name the stack with --stack <name>",
});

function isFormat(value: string): value is PlanFormat {
  return (FORMATS as readonly string[]).includes(value);
}

/** Throws UsageError (cli/args.ts). */
export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  const line = parseCommandLine(PLAN_COMMAND, argv);
  if (line.kind === "help") return { stack: "", format: "text", help: true };
  const { stack, format = "text", against } = line.values;
  // parseCommandLine already checked the choices; the guard only narrows the type.
  return { stack, format: isFormat(format) ? format : "text", ...(against !== undefined ? { against } : {}), help: false };
}
