/** Command line of `npm run plan` (the convention of cli/args.ts). */
import { defineCommand, parseCommandLine, UsageError } from "../args";
import { dateOption, readDateOption } from "../dayOption";
import { ALLOW_DROP_OPTION } from "../secretSafety";

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
  /** With deployGate: the stack's deployed outputs (`pulumi stack output --json`). */
  outputs?: string;
  /** With deployGate: clients whose valid secrets this deploy may drop. */
  allowDrop?: string[];
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
    dateOption("plan as of that UTC day (default: today): the secret schedule and the policy pack's clock\nboth use it, e.g. to see a rotation day before it comes"),
    {
      name: "deploy-gate",
      help: [
        "also fail (exit 1) on what must not be deployed although a pull-request plan only warns: a K2 Five",
        "stack on the placeholder K2 SmartObject mapping (run npm run discover), a deploy that would delete or",
        "replace a client secret that is still valid, a new client whose first secret expires inside the",
        "warning window. Needs --outputs",
      ].join("\n"),
    },
    {
      name: "outputs",
      value: "<file>",
      help: [
        "with --deploy-gate: the stack's deployed outputs, `pulumi stack output --json --stack <name> > <file>`",
        "(a stack never deployed: a file holding {})",
      ].join("\n"),
    },
    {
      name: ALLOW_DROP_OPTION,
      value: "<clients>",
      inSynopsis: false,
      help: [
        "with --deploy-gate: let this deploy delete or replace still-valid secrets of these clients (names,",
        "comma-separated), on purpose: a leaked secret, a schedule change; their consumers lose them at once",
      ].join("\n"),
    },
  ],
  exitCodes: [
    [0, "no mandatory policy violation"],
    [1, "mandatory policy violations or provider check failures (or, with --deploy-gate, a deploy blocker)"],
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
  if (line.kind === "help") return { stack: "", format: "text", deployGate: false, help: true };
  const { stack, format = "text", against, outputs } = line.values;
  const date = readDateOption(line.values.date);
  const deployGate = line.values["deploy-gate"];
  const allowDrop = line.values[ALLOW_DROP_OPTION]?.split(",").map((c) => c.trim());
  if (deployGate && outputs === undefined) {
    throw new UsageError("--deploy-gate needs --outputs <file>: the stack's deployed outputs (`pulumi stack output --json`; a file holding {} for a stack never deployed)");
  }
  if (!deployGate && (outputs !== undefined || allowDrop !== undefined)) {
    throw new UsageError(`--${outputs !== undefined ? "outputs" : ALLOW_DROP_OPTION} is read by the deploy gate only: add --deploy-gate`);
  }
  if (allowDrop !== undefined && allowDrop.some((c) => c === "")) {
    throw new UsageError(`--${ALLOW_DROP_OPTION} '${line.values[ALLOW_DROP_OPTION] ?? ""}': expected client names separated by commas, like power-automate,reporting`);
  }
  // parseCommandLine already checked the choices; the guard only narrows the type.
  return {
    stack,
    format: isFormat(format) ? format : "text",
    ...(against !== undefined ? { against } : {}),
    ...(date !== undefined ? { date } : {}),
    deployGate,
    ...(outputs !== undefined ? { outputs } : {}),
    ...(allowDrop !== undefined ? { allowDrop } : {}),
    help: false,
  };
}
