/** `npm run bench` options (bench/args.ts). */
import { describe, expect, it } from "vitest";
import { UsageError } from "../../cli/args";
import { DEFAULT_RUNS, parseBenchArgs } from "../../bench/args";
import { thrown } from "../helpers/thrown";

describe("parseBenchArgs", () => {
  it("reads --json and --runs, with the documented default", () => {
    expect(parseBenchArgs([])).toEqual({ help: false, json: false, runs: DEFAULT_RUNS });
    expect(DEFAULT_RUNS).toBe(3);
    expect(parseBenchArgs(["--json", "--runs", "5"])).toEqual({ help: false, json: true, runs: 5 });
    expect(parseBenchArgs(["--runs=1"])).toEqual({ help: false, json: false, runs: 1 });
  });

  it.each([["0"], ["-1"], ["2.5"], ["three"], ["1e3"], ["9007199254740993"]])("--runs %s is a usage error (exit 2)", (runs) => {
    const error = thrown(() => parseBenchArgs([`--runs=${runs}`]));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toBe(`--runs: expected a whole number of runs from 1, like 3; got '${runs}'`);
  });
});
