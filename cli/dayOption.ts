/**
 * The `--date YYYY-MM-DD` option that the commands working "as of a day" share (`plan`, `due`): one row for the option
 * table (cli/args.ts) and one reading of its value, so that both say the same thing about a day that does not exist.
 */
import { parseUtcDay } from "../components/rotation";
import { UsageError, type OptionSpec } from "./args";

export function dateOption(help: string): OptionSpec & { readonly name: "date"; readonly value: "<YYYY-MM-DD>" } {
  return { name: "date", value: "<YYYY-MM-DD>", help } as const;
}

/** The day given to `--date` (already trimmed by the parser), checked; undefined when the option was not given. Throws UsageError. */
export function readDateOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (parseUtcDay(value) === undefined) throw new UsageError(`--date '${value}' is not a calendar day written YYYY-MM-DD, like 2027-02-14 (a UTC day)`);
  return value;
}
