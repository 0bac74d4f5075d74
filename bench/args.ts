/** Command line of `npm run bench` (the convention of cli/args.ts). */
import { defineCommand, parseCommandLine, UsageError } from "../cli/args";

export const DEFAULT_RUNS = 3;

export const BENCH_COMMAND = defineCommand({
  script: "bench",
  description: [
    "Measures, in one run: a baseline (a Node process that only loads @pulumi/pulumi), the offline plan of generated",
    "stacks with 1, 50 and 200 clients, and the policy pack's Analyze throughput over gRPC. Each figure is the median",
    "of N runs after one warm-up run. Progress goes to stderr, the figures to stdout.",
  ].join("\n"),
  options: [
    { name: "json", help: "print the figures as JSON instead of a table" },
    { name: "runs", value: "<n>", help: `timed runs per figure, a whole number from 1 (default ${DEFAULT_RUNS})` },
  ],
  exitCodes: [
    [0, "the figures were printed"],
    [1, "the bench could not complete (a plan or the policy pack failed)"],
    [2, "usage error"],
  ],
});

export interface BenchArgs {
  help: boolean;
  json: boolean;
  runs: number;
}

/** Throws UsageError (cli/args.ts). */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const line = parseCommandLine(BENCH_COMMAND, argv);
  if (line.kind === "help") return { help: true, json: false, runs: DEFAULT_RUNS };
  const { json, runs: runsText } = line.values;
  const runs = runsText === undefined ? DEFAULT_RUNS : Number(runsText);
  if (!/^\d+$/.test(runsText ?? "1") || !Number.isSafeInteger(runs) || runs < 1) {
    throw new UsageError(`--runs: expected a whole number of runs from 1, like 3; got '${runsText}'`);
  }
  return { help: false, json, runs };
}
