/**
 * Syntax errors in the files users edit, exactly as users see them: the path from the project root, line and column,
 * our words for the problem, the offending line with a caret. Stack files (YAML), policy config and K2 mapping files
 * (JSON), and Pulumi.yaml.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parsePolicyConfigText } from "../../cli/analyzer/policyConfig";
import { readProject } from "../../cli/plan/project";
import { loadStackFile, StackFileError } from "../../cli/stackFile";
import { loadSmartObjectMappingFile } from "../../components/k2/mapping";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "k2-syntax-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function stackError(text: string): string {
  fs.mkdirSync(path.join(scratch, "stacks"), { recursive: true });
  fs.writeFileSync(path.join(scratch, "stacks", "Pulumi.dev.yaml"), text);
  try {
    loadStackFile("dev", scratch);
  } catch (e) {
    expect(e).toBeInstanceOf(StackFileError);
    return (e as Error).message;
  }
  throw new Error("expected a StackFileError");
}

describe("YAML stack files", () => {
  it.each([
    [
      "a key indented one space less than its siblings",
      "config:\n  k2-oauth:k2:\n    url: https://k2.example.com\n   admin:\n      username: x\n",
      [
        "stacks/Pulumi.dev.yaml is not valid YAML: line 4, column 1: the indentation does not match the lines around it: the keys of one mapping start in the same column, and a [ or { must be closed",
        "    4 |    admin:",
        "      | ^",
      ],
    ],
    [
      "a list not closed",
      "config:\n  k2-oauth:clients: [a, b\n",
      [
        "stacks/Pulumi.dev.yaml is not valid YAML: line 2, column 26: the indentation does not match the lines around it: the keys of one mapping start in the same column, and a [ or { must be closed",
        "    2 |   k2-oauth:clients: [a, b",
        `      | ${" ".repeat(25)}^`,
      ],
    ],
    [
      "a key twice",
      "config:\n  k2-oauth:cloud: public\n  k2-oauth:cloud: usgov\n",
      ["stacks/Pulumi.dev.yaml is not valid YAML: line 3, column 3: this key is already in the same mapping", "    3 |   k2-oauth:cloud: usgov", "      |   ^"],
    ],
    [
      "a tab for indentation",
      "config:\n\tk2-oauth:cloud: public\n",
      ["stacks/Pulumi.dev.yaml is not valid YAML: line 2, column 1: a tab indents this line; YAML indents with spaces only", "    2 |  k2-oauth:cloud: public", "      | ^"],
    ],
    [
      "a backslash in double quotes",
      'config:\n  k2-oauth:k2:\n    admin:\n      username: "DOMAIN\\svc-k2"\n',
      [
        "stacks/Pulumi.dev.yaml is not valid YAML: line 4, column 24: unknown escape in a double-quoted value: write a backslash as \\\\, or use single quotes (like 'DOMAIN\\svc-k2')",
        '    4 |       username: "DOMAIN\\svc-k2"',
        "      |                        ^",
      ],
    ],
  ])("%s", (_label, text, lines) => {
    expect(stackError(text)).toBe(lines.join("\n"));
  });

  it("a file whose top is not a mapping", () => {
    expect(stackError("- a\n- b\n")).toBe("stacks/Pulumi.dev.yaml: expected a YAML mapping with a 'config:' key");
  });

  it("Pulumi.yaml is named the same way", () => {
    const root = path.join(scratch, "project");
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: k2-oauth\nruntime: nodejs\n  main: index.ts\n");
    expect(() => readProject(root)).toThrow(
      [
        "Pulumi.yaml is not valid YAML: line 2, column 10: a value on the same line as its key cannot hold another 'key: value'; put it on indented lines below, or quote it",
        "    2 | runtime: nodejs",
        "      |          ^",
      ].join("\n"),
    );
  });
});

describe("JSON files", () => {
  it.each([
    [
      "a comma before a closing brace",
      '{\n  "entra-client-secret-expiry": {\n    "maxLifetimeDays": 365,\n  }\n}\n',
      [
        "policies/config/dev.json is not valid JSON: line 4, column 3: expected a property name in double quotes (JSON allows no comma before a closing })",
        "    4 |   }",
        "      |   ^",
      ],
    ],
    [
      "a missing comma",
      '{\n  "all": "advisory"\n  "k2-bearer-token-audience": "mandatory"\n}\n',
      ["policies/config/dev.json is not valid JSON: line 3, column 3: expected ',' between two items", '    3 |   "k2-bearer-token-audience": "mandatory"', "      |   ^"],
    ],
    [
      "single quotes",
      "{ 'all': 'advisory' }",
      [
        "policies/config/dev.json is not valid JSON: line 1, column 3: unexpected character: JSON values are strings in double quotes, numbers, true, false, null, { } or [ ]",
        "    1 | { 'all': 'advisory' }",
        "      |   ^",
      ],
    ],
    [
      "a comment",
      '{\n  // stricter in prod\n  "all": "mandatory"\n}\n',
      ["policies/config/dev.json is not valid JSON: line 2, column 3: JSON allows no comments", "    2 |   // stricter in prod", "      |   ^"],
    ],
    [
      "the closing brace missing",
      '{\n  "all": "advisory"\n',
      ["policies/config/dev.json is not valid JSON: line 2, column 20: expected '}' to close the object", '    2 |   "all": "advisory"', "      |                    ^"],
    ],
  ])("policy config: %s", (_label, text, lines) => {
    expect(() => parsePolicyConfigText(text, "policies/config/dev.json")).toThrow(lines.join("\n"));
  });

  it("a K2 mapping file is named from the project root, with line and column", () => {
    const file = path.join(scratch, "k2-mapping.dev.json");
    fs.writeFileSync(file, '{\n  "origin": "discovered",\n  "resource": {\n    "displayName": "OAuth Resource"\n    "systemName": "x"\n  }\n}\n');
    expect(() => loadSmartObjectMappingFile(file, "stacks/k2-mapping.dev.json")).toThrow(
      [
        "stacks/k2-mapping.dev.json is not valid JSON: line 5, column 5: expected ',' between two items",
        '    5 |     "systemName": "x"',
        "      |     ^",
      ].join("\n"),
    );
  });

  it("an empty policy config is no config; an empty mapping file is an error", () => {
    expect(parsePolicyConfigText(" \n", "policies/config/dev.json")).toEqual({});
    const file = path.join(scratch, "empty.json");
    fs.writeFileSync(file, "");
    expect(() => loadSmartObjectMappingFile(file, "stacks/empty.json")).toThrow("stacks/empty.json is not valid JSON: the file is empty; expected a JSON object");
  });
});
