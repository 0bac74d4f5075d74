/**
 * The command-line convention every command of this project follows (`npm run plan|verify|discover|bench`, and any
 * command added later): options are declared once, in a CommandSpec, and that declaration drives the parser, the
 * usage text and the error messages.
 *
 * - `--help` or `-h` prints the full usage (synopsis, description, options, exit codes) to stdout; exit code 0.
 * - A usage error prints the problem, the synopsis and how to see the full usage to stderr; exit code 2.
 * - Options are `--name value` or `--name=value`; flags take no value. Only documented short forms exist (`-h`).
 * - Every message is written here, in this project's words: no argument parser's wording reaches a user.
 */
import { closestName } from "../components/similarNames";

/** Exit code of every usage error, whatever the command. */
export const EXIT_USAGE = 2;

export interface OptionSpec {
  /** Long name, without dashes: `stack` for `--stack`. */
  readonly name: string;
  /** The value's placeholder in the usage, like `<name>`; absent for a flag (an option that takes no value). */
  readonly value?: string;
  /** The option must be given. */
  readonly required?: boolean;
  /** The values allowed; the usage shows them as `a|b|c` and the parser rejects any other, naming them. */
  readonly choices?: readonly string[];
  /** What the option does, for the usage; one line, or lines joined by `\n`. */
  readonly help: string;
  /** Shown in the synopsis (the one-line `usage:`); default true. Options with false are summed up as `[options]`. */
  readonly inSynopsis?: boolean;
}

export interface CommandSpec<O extends readonly OptionSpec[] = readonly OptionSpec[]> {
  /** The npm script: `plan` for `npm run plan`. */
  readonly script: string;
  /** What the command does: one paragraph, lines joined by `\n`. */
  readonly description: string;
  readonly options: O;
  /** Exit codes and what each means, in order. */
  readonly exitCodes: ReadonlyArray<readonly [code: number, meaning: string]>;
  /** More paragraphs after the options (environment variables, examples). */
  readonly notes?: string;
  /** Said after "unexpected argument 'x'" (the commands take no positional arguments), like `name the stack with --stack <name>`. */
  readonly positionalHint?: string;
}

type OptionValue<T extends OptionSpec> = T extends { readonly value: string }
  ? T extends { readonly required: true }
    ? string
    : string | undefined
  : boolean;

/** The parsed values, keyed by option name: strings for options with a value (trimmed), booleans for flags. */
export type OptionValues<O extends readonly OptionSpec[]> = { [T in O[number] as T["name"]]: OptionValue<T> };

export type CommandLine<O extends readonly OptionSpec[]> = { kind: "help" } | { kind: "run"; values: OptionValues<O> };

/** A wrong command line: the message says what is wrong in this project's words (the synopsis is added when printed). */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Declares a command; the `const` type parameter keeps each option's name and kind for typed values. */
export function defineCommand<const O extends readonly OptionSpec[]>(spec: CommandSpec<O>): CommandSpec<O> {
  const names = new Set<string>();
  for (const o of spec.options) {
    if (o.name === "help" || names.has(o.name)) throw new Error(`command ${spec.script}: option --${o.name} is declared twice`);
    names.add(o.name);
  }
  return spec;
}

const HELP = { name: "help", help: "print this usage and exit" } as const;

function flagOf(o: OptionSpec): string {
  return `--${o.name}`;
}

function valueShown(o: OptionSpec): string {
  return o.choices !== undefined ? o.choices.join("|") : (o.value ?? "");
}

function optionForm(o: OptionSpec): string {
  return o.value === undefined ? flagOf(o) : `${flagOf(o)} ${valueShown(o)}`;
}

function shownInSynopsis(o: OptionSpec): boolean {
  return o.inSynopsis ?? true;
}

/** `npm run plan -- --stack <name> [--format text|markdown|json] [--against <git-ref>]`. */
export function synopsis(spec: CommandSpec): string {
  const parts = spec.options.filter(shownInSynopsis).map((o) => (o.required === true ? optionForm(o) : `[${optionForm(o)}]`));
  if (spec.options.some((o) => !shownInSynopsis(o))) parts.push("[options]");
  return `npm run ${spec.script} --${parts.length > 0 ? ` ${parts.join(" ")}` : ""}`;
}

/** The full usage `--help` prints. */
export function usage(spec: CommandSpec): string {
  const rows = [...spec.options.map((o) => [optionForm(o), o.help] as const), [`-h, ${flagOf(HELP)}`, HELP.help] as const];
  const width = Math.min(Math.max(...rows.map(([form]) => form.length)) + 2, 30);
  const lines = [`usage: ${synopsis(spec)}`, "", spec.description, "", "Options:"];
  for (const [form, help] of rows) {
    const [first, ...rest] = help.split("\n");
    if (form.length + 2 > width) lines.push(`  ${form}`, `  ${" ".repeat(width)}${first}`);
    else lines.push(`  ${form.padEnd(width)}${first}`);
    for (const line of rest) lines.push(`  ${" ".repeat(width)}${line}`);
  }
  if (spec.notes !== undefined) lines.push("", spec.notes);
  lines.push("", "Exit codes:", ...spec.exitCodes.map(([code, meaning]) => `  ${code}  ${meaning}`));
  return `${lines.join("\n")}\n`;
}

/** What a usage error prints: the problem, the synopsis, and where the full usage is. */
export function usageErrorText(spec: CommandSpec, message: string): string {
  return `${spec.script}: ${message}\nusage: ${synopsis(spec)}\nRun \`npm run ${spec.script} -- --help\` for every option and the exit codes.\n`;
}

/** `--stak` → `--stack`; `-s` → `--stack` (short forms other than -h do not exist; the long one is suggested). */
function unknownOption(spec: CommandSpec, token: string): UsageError {
  const name = token.replace(/^-+/, "").split("=")[0].toLowerCase();
  const names = [...spec.options, HELP].map((o) => o.name);
  const short = !token.startsWith("--") && name.length === 1;
  const close =
    name === ""
      ? undefined
      : short || name.length >= 3
        ? (names.find((n) => n.startsWith(name)) ?? (short ? undefined : closestName(name, names, (n) => Math.max(1, Math.floor(n.length / 4)))))
        : closestName(name, names, (n) => Math.max(1, Math.floor(n.length / 4)));
  return new UsageError(`unknown option '${token}'${close !== undefined ? `; did you mean --${close}?` : ""}`);
}

function isOptionLike(token: string): boolean {
  return token.startsWith("-") && token !== "-";
}

/**
 * Reads a command line. `--help`/`-h` anywhere wins; otherwise every token must be a declared option (with its
 * value), each given at most once, every required option present and every value among its choices.
 * Throws UsageError.
 */
export function parseCommandLine<O extends readonly OptionSpec[]>(spec: CommandSpec<O>, argv: readonly string[]): CommandLine<O> {
  if (argv.some((a) => a === "--help" || a === "-h")) return { kind: "help" };
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const values = new Map<string, string | boolean>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") {
      throw new UsageError(
        `'--' is not needed here: npm passes everything after its first '--' to the command, so write all options after one '--', like npm run ${spec.script} -- ${spec.options
          .slice(0, 2)
          .map((o) => optionForm(o))
          .join(" ")}`,
      );
    }
    if (!token.startsWith("--")) {
      if (isOptionLike(token)) throw unknownOption(spec, token);
      throw new UsageError(`unexpected argument '${token}'${spec.positionalHint !== undefined ? `; ${spec.positionalHint}` : ""}`);
    }
    const eq = token.indexOf("=");
    const name = token.slice(2, eq < 0 ? undefined : eq);
    const option = byName.get(name);
    if (option === undefined) throw unknownOption(spec, token);
    if (values.has(name)) throw new UsageError(`${flagOf(option)} is given more than once`);
    if (option.value === undefined) {
      if (eq >= 0) throw new UsageError(`${flagOf(option)} takes no value, got '${token}'`);
      values.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = token.slice(eq + 1);
    else if (i + 1 < argv.length && !isOptionLike(argv[i + 1])) value = argv[++i];
    if (value === undefined || value.trim() === "") throw new UsageError(`${flagOf(option)} needs a value: ${optionForm(option)}`);
    value = value.trim();
    if (option.choices !== undefined && !option.choices.includes(value)) {
      throw new UsageError(`${flagOf(option)}: expected ${option.choices.map((c) => `'${c}'`).join(", ")}, got '${value}'`);
    }
    values.set(name, value);
  }
  for (const o of spec.options) {
    if (o.required === true && !values.has(o.name)) throw new UsageError(`${optionForm(o)} is required`);
  }
  const out: Record<string, string | boolean | undefined> = {};
  for (const o of spec.options) out[o.name] = values.get(o.name) ?? (o.value === undefined ? false : undefined);
  return { kind: "run", values: out as OptionValues<O> };
}

export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * The convention in one call: parses `argv`; on `--help` prints the usage to stdout and returns exit code 0; on a usage
 * error prints it (usageErrorText) to stderr and returns exit code 2; otherwise returns the values.
 */
export function readCommandLine<O extends readonly OptionSpec[]>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  output: CommandOutput,
): { values: OptionValues<O> } | { exitCode: number } {
  try {
    const line = parseCommandLine(spec, argv);
    if (line.kind === "help") {
      output.stdout(usage(spec));
      return { exitCode: 0 };
    }
    return { values: line.values };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    output.stderr(usageErrorText(spec, err.message));
    return { exitCode: EXIT_USAGE };
  }
}
