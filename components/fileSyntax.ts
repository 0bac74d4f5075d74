/**
 * Syntax errors in the files users edit (stack files in YAML; policy config and K2 mapping files in JSON), said the
 * same way for both: the file's path relative to the project, the line and column, what is wrong in this project's
 * words, and the offending line with a caret under the spot. The parsers' own wording never reaches a user.
 *
 *   stacks/Pulumi.dev.yaml is not valid YAML: line 4, column 4: the indentation does not match ...
 *      4 |    admin:
 *        |    ^
 */
import type { ParseError, printParseErrorCode } from "jsonc-parser";
import type { YAMLError } from "yaml";

type JsonErrorName = ReturnType<typeof printParseErrorCode>;

/** What each JSON syntax error means, in our words (jsonc-parser's error codes, by name). */
const JSON_PROBLEMS: Readonly<Record<JsonErrorName, string>> = {
  InvalidSymbol: "unexpected character: JSON values are strings in double quotes, numbers, true, false, null, { } or [ ]",
  InvalidNumberFormat: "not a valid number",
  PropertyNameExpected: "expected a property name in double quotes (JSON allows no comma before a closing })",
  ValueExpected: "expected a value (JSON allows no comma before a closing ] or })",
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ',' between two items",
  CloseBraceExpected: "expected '}' to close the object",
  CloseBracketExpected: "expected ']' to close the list",
  EndOfFileExpected: "expected nothing after the top-level value",
  InvalidCommentToken: "JSON allows no comments",
  UnexpectedEndOfComment: "JSON allows no comments",
  UnexpectedEndOfString: "a string is not closed: its closing double quote is missing",
  UnexpectedEndOfNumber: "a number is cut short",
  InvalidUnicode: "a \\u escape needs four hexadecimal digits",
  InvalidEscapeCharacter: "unknown escape in a string: write a backslash as \\\\",
  InvalidCharacter: "a tab or line break inside a string must be escaped (\\t, \\n)",
  "<unknown ParseErrorCode>": "the file is not valid JSON here",
};

/** What each YAML syntax error means, in our words (the yaml package's error codes). */
const YAML_PROBLEMS: Readonly<Record<YAMLError["code"], string>> = {
  BAD_INDENT: "the indentation does not match the lines around it: the keys of one mapping start in the same column, and a [ or { must be closed",
  MULTILINE_IMPLICIT_KEY: "a key must be on one line and followed by ':'",
  BLOCK_AS_IMPLICIT_KEY: "a value on the same line as its key cannot hold another 'key: value'; put it on indented lines below, or quote it",
  DUPLICATE_KEY: "this key is already in the same mapping",
  TAB_AS_INDENT: "a tab indents this line; YAML indents with spaces only",
  MISSING_CHAR: "a closing quote or bracket is missing",
  BAD_SCALAR_START: "a value cannot start with this character unless it is quoted",
  BAD_DQ_ESCAPE: "unknown escape in a double-quoted value: write a backslash as \\\\, or use single quotes (like 'DOMAIN\\svc-k2')",
  UNEXPECTED_TOKEN: "unexpected text here: check the indentation and the characters before it",
  BLOCK_IN_FLOW: "an indented block cannot stand inside [ ] or { }",
  BAD_COLLECTION_TYPE: "a list and a mapping are mixed at this level",
  MULTIPLE_DOCS: "a second YAML document starts here (a line with ---); the file holds one document",
  NON_STRING_KEY: "a key must be plain text",
  KEY_OVER_1024_CHARS: "a key is longer than 1024 characters",
  ALIAS_PROPS: "an alias (*name) cannot have an anchor or tag; quote the value if it starts with * & or !",
  BAD_ALIAS: "an alias (*name) names no anchor; quote the value if it starts with *",
  MULTIPLE_ANCHORS: "a value has two anchors (&name); quote the value if it starts with &",
  MULTIPLE_TAGS: "a value has two tags (!tag); quote the value if it starts with !",
  BAD_PROP_ORDER: "an anchor or tag is misplaced; quote the value if it starts with & or !",
  TAG_RESOLVE_FAILED: "a tag (!tag) cannot be resolved; quote the value if it starts with !",
  BAD_DIRECTIVE: "a line starting with % is a YAML directive; quote the value",
  RESOURCE_EXHAUSTION: "the file is nested too deeply or expands too much to be read",
  IMPOSSIBLE: "the file is not valid YAML here",
};

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** `<label> is not valid <kind>: line L, column C: <problem>` and the offending line with a caret under the column. */
export function syntaxMessage(kind: "YAML" | "JSON", label: string, text: string, line: number, column: number, problem: string): string {
  const lines = text.split(/\r?\n/);
  // Something missing at the end of the file is reported after the last line: show the end of the last line instead.
  while (line > 1 && (lines[line - 1] ?? "").trim() === "" && column === 1) {
    line--;
    column = (lines[line - 1] ?? "").length + 1;
  }
  const source = (lines[line - 1] ?? "").replace(/\t/g, " ");
  const number = String(line).padStart(5);
  const gutter = " ".repeat(number.length);
  return `${label} is not valid ${kind}: line ${line}, column ${column}: ${problem}\n${number} | ${source}\n${gutter} | ${" ".repeat(Math.max(0, column - 1))}^`;
}

/** A YAML parse error (the yaml package's) as syntaxMessage says it. */
export function yamlSyntaxMessage(error: YAMLError, text: string, label: string): string {
  const position = error.linePos?.[0] ?? (({ line, column }) => ({ line, col: column }))(lineAndColumn(text, error.pos[0]));
  return syntaxMessage("YAML", label, text, position.line, position.col, YAML_PROBLEMS[error.code] ?? YAML_PROBLEMS.IMPOSSIBLE);
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Parses JSON exactly as JSON.parse does; on a syntax error, says where and what (syntaxMessage), located with
 * jsonc-parser in strict mode (no comments, no trailing commas).
 */
export function parseJsonText(text: string, label: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // Loaded only for a file that does not parse: reading valid files (the plan's hot path) never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jsonc = require("jsonc-parser") as typeof import("jsonc-parser");
    const errors: ParseError[] = [];
    jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (text.trim() === "") return { ok: false, message: `${label} is not valid JSON: the file is empty; expected a JSON object` };
    if (first === undefined) return { ok: false, message: `${label} is not valid JSON` };
    const { line, column } = lineAndColumn(text, first.offset);
    return { ok: false, message: syntaxMessage("JSON", label, text, line, column, JSON_PROBLEMS[jsonc.printParseErrorCode(first.error)]) };
  }
}
