/** The command-line convention (cli/args.ts), on a command declared for the test. */
import { describe, expect, it } from "vitest";
import { defineCommand, parseCommandLine, readCommandLine, synopsis, usage, usageErrorText, UsageError } from "../../cli/args";
import { thrown } from "../helpers/thrown";

const SAMPLE = defineCommand({
  script: "sample",
  description: "Does a sample thing.\nOn two lines.",
  options: [
    { name: "stack", value: "<name>", required: true, help: "the stack" },
    { name: "format", value: "<format>", choices: ["text", "json"], help: "output format" },
    { name: "dry-run", help: "change nothing" },
    { name: "timeout-ms", value: "<n>", inSynopsis: false, help: "per-request timeout\nin milliseconds" },
  ],
  notes: "Environment: SAMPLE_TOKEN.",
  exitCodes: [
    [0, "done"],
    [2, "usage error"],
  ],
  positionalHint: "name the stack with --stack <name>",
});

function usageError(argv: string[]): string {
  const e = thrown(() => parseCommandLine(SAMPLE, argv));
  expect(e).toBeInstanceOf(UsageError);
  expect((e as UsageError).exitCode).toBe(2);
  return (e as Error).message;
}

describe("parseCommandLine", () => {
  it("reads values in both forms, flags, and leaves options not given undefined or false", () => {
    expect(parseCommandLine(SAMPLE, ["--stack", "dev"])).toEqual({
      kind: "run",
      values: { stack: "dev", format: undefined, "dry-run": false, "timeout-ms": undefined },
    });
    expect(parseCommandLine(SAMPLE, ["--format=json", "--dry-run", "--stack= prod ", "--timeout-ms", "500"])).toEqual({
      kind: "run",
      values: { stack: "prod", format: "json", "dry-run": true, "timeout-ms": "500" },
    });
  });

  it("--help and -h win wherever they are, even after a mistake", () => {
    expect(parseCommandLine(SAMPLE, ["--help"])).toEqual({ kind: "help" });
    expect(parseCommandLine(SAMPLE, ["--bogus", "-h"])).toEqual({ kind: "help" });
    expect(parseCommandLine(SAMPLE, ["--stack", "dev", "--help"])).toEqual({ kind: "help" });
  });

  it.each([
    [["--stack", "dev", "--verbose"], "unknown option '--verbose'"],
    [["--stack", "dev", "--formt", "json"], "unknown option '--formt'; did you mean --format?"],
    [["--stack", "dev", "--dry"], "unknown option '--dry'; did you mean --dry-run?"],
    [["-s", "dev"], "unknown option '-s'; did you mean --stack?"],
    [["-x"], "unknown option '-x'"],
    [["--stack"], "--stack needs a value: --stack <name>"],
    [["--stack", "--dry-run"], "--stack needs a value: --stack <name>"],
    [["--stack="], "--stack needs a value: --stack <name>"],
    [["--stack", "  "], "--stack needs a value: --stack <name>"],
    [["--stack", "dev", "--dry-run=yes"], "--dry-run takes no value, got '--dry-run=yes'"],
    [["--stack", "dev", "--stack", "prod"], "--stack is given more than once"],
    [["dev"], "unexpected argument 'dev'; name the stack with --stack <name>"],
    [["--format", "json"], "--stack <name> is required"],
    [["--stack", "dev", "--format", "yaml"], "--format: expected 'text', 'json', got 'yaml'"],
    [
      ["--stack", "dev", "--", "--dry-run"],
      "'--' is not needed here: npm passes everything after its first '--' to the command, so write all options after one '--', like npm run sample -- --stack <name> --format text|json",
    ],
  ])("%j is a usage error in our words", (argv, message) => {
    expect(usageError(argv)).toBe(message);
  });
});

describe("usage texts", () => {
  it("the synopsis shows required options bare, optional ones in brackets, the rest as [options]", () => {
    expect(synopsis(SAMPLE)).toBe("npm run sample -- --stack <name> [--format text|json] [--dry-run] [options]");
  });

  it("--help prints synopsis, description, every option with -h, notes and exit codes", () => {
    expect(usage(SAMPLE)).toBe(
      [
        "usage: npm run sample -- --stack <name> [--format text|json] [--dry-run] [options]",
        "",
        "Does a sample thing.",
        "On two lines.",
        "",
        "Options:",
        "  --stack <name>      the stack",
        "  --format text|json  output format",
        "  --dry-run           change nothing",
        "  --timeout-ms <n>    per-request timeout",
        "                      in milliseconds",
        "  -h, --help          print this usage and exit",
        "",
        "Environment: SAMPLE_TOKEN.",
        "",
        "Exit codes:",
        "  0  done",
        "  2  usage error",
        "",
      ].join("\n"),
    );
  });

  it("an option form longer than the column goes on its own line", () => {
    const wide = defineCommand({
      script: "wide",
      description: "d",
      options: [{ name: "a-very-long-option-name-indeed", value: "<some-long-value>", help: "explained" }],
      exitCodes: [[0, "ok"]],
    });
    expect(usage(wide).split("\n").slice(5, 8)).toEqual([
      "  --a-very-long-option-name-indeed <some-long-value>",
      `  ${" ".repeat(30)}explained`,
      `  ${"-h, --help".padEnd(30)}print this usage and exit`,
    ]);
  });

  it("a usage error names the problem, the synopsis and where the full usage is", () => {
    expect(usageErrorText(SAMPLE, "unknown option '--x'")).toBe(
      "sample: unknown option '--x'\nusage: npm run sample -- --stack <name> [--format text|json] [--dry-run] [options]\nRun `npm run sample -- --help` for every option and the exit codes.\n",
    );
  });

  it("declaring an option twice, or one named help, is a programming error", () => {
    expect(() => defineCommand({ script: "x", description: "", options: [{ name: "a", help: "" }, { name: "a", help: "" }], exitCodes: [] })).toThrow(
      "command x: option --a is declared twice",
    );
    expect(() => defineCommand({ script: "x", description: "", options: [{ name: "help", help: "" }], exitCodes: [] })).toThrow(
      "command x: option --help is declared twice",
    );
  });
});

describe("readCommandLine", () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, output: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } };
  }

  it("help: the usage on stdout, exit code 0, nothing on stderr", () => {
    const c = capture();
    expect(readCommandLine(SAMPLE, ["-h"], c.output)).toEqual({ exitCode: 0 });
    expect(c.out).toEqual([usage(SAMPLE)]);
    expect(c.err).toEqual([]);
  });

  it("usage error: the problem and the synopsis on stderr, exit code 2, nothing on stdout", () => {
    const c = capture();
    expect(readCommandLine(SAMPLE, ["--stack"], c.output)).toEqual({ exitCode: 2 });
    expect(c.err).toEqual([usageErrorText(SAMPLE, "--stack needs a value: --stack <name>")]);
    expect(c.out).toEqual([]);
  });

  it("a good command line: the values, nothing printed", () => {
    const c = capture();
    expect(readCommandLine(SAMPLE, ["--stack", "dev"], c.output)).toEqual({
      values: { stack: "dev", format: undefined, "dry-run": false, "timeout-ms": undefined },
    });
    expect([...c.out, ...c.err]).toEqual([]);
  });
});
