/**
 * How a stack-config problem is said: one table from each kind of problem to a message that names what is expected
 * (with an example), quotes the value given (never a secret one) and, for a mistyped key or namespace, the right one.
 * No zod wording reaches a user: the schema's own messages are the "expected …" phrases of components/config.ts, and
 * anything the schema did not word gets one here.
 *
 * | problem                                   | message                                                         |
 * | ----------------------------------------- | --------------------------------------------------------------- |
 * | key missing                               | `is required; expected …`                                       |
 * | key present, no value (`k2Api:` alone)    | `is empty; expected …` (a section lists the keys it needs)      |
 * | wrong value                               | `expected …, like …; got '<value>'` (secret: value not shown)   |
 * | unknown key                               | `unknown key; did you mean …?` or `…; expected one of …`        |
 * | unknown namespace (`k2oauth:tenantId`)    | `unknown namespace 'k2oauth'; did you mean k2-oauth:tenantId?`  |
 * | key without namespace (`tenantId`)        | `a config key needs a namespace; did you mean k2-oauth:…?`      |
 *
 * Pure: no Pulumi imports.
 */
import type { z } from "zod";
import { closestName } from "./similarNames";

export const CONFIG_NAMESPACE = "k2-oauth";

/** A config problem: the full key path (`k2-oauth:clients[1].secret.lifetimeDays`) and what is wrong. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** `["clients", 1, "secret", "lifetimeDays"]` → `clients[1].secret.lifetimeDays` (no namespace). */
export function dotPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : `${out === "" ? "" : "."}${String(part)}`;
  return out;
}

/** `["clients", 1, "secret", "lifetimeDays"]` → `k2-oauth:clients[1].secret.lifetimeDays`. */
export function formatConfigPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? CONFIG_NAMESPACE : `${CONFIG_NAMESPACE}:${dotPath(path)}`;
}

const MAX_QUOTED = 80;

/** A value as a message shows it: strings quoted (long ones cut), numbers and booleans as written, structures named. */
export function quoteValue(value: unknown): string {
  if (typeof value === "string") {
    const shown = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
    return `'${shown.replace(/\n/g, "\\n")}'`;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object" && value !== null) return Object.keys(value).length === 0 ? "an empty mapping" : "a mapping";
  return String(value);
}

/** Why a message does not quote a value: it is (or is inside) a secret. */
export const SECRET_NOT_SHOWN = "the value given is not shown: it is stored as a secret";

/**
 * `expected …` with the value given: `; got '<value>'`, or, when the value must not be shown (`notShown` says why),
 * the reason in parentheses instead.
 */
export function withValueGiven(expected: string, value: unknown, notShown?: string): string {
  return notShown !== undefined ? `${expected} (${notShown})` : `${expected}; got ${quoteValue(value)}`;
}

/** The keys of a config section (a mapping): those it needs and those it may have. */
export interface SectionKeys {
  required: readonly string[];
  optional: readonly string[];
}

/** `clientId (optional: scope, audience)`. */
export function describeKeys(keys: SectionKeys): string {
  const required = keys.required.length > 0 ? keys.required.join(", ") : "no required key";
  return keys.optional.length > 0 ? `${required} (optional: ${keys.optional.join(", ")})` : required;
}

export interface DescribeContext {
  /** The keys of the section (mapping) at a path, if the path names one. */
  sectionAt(path: ReadonlyArray<PropertyKey>): SectionKeys | undefined;
  /** Why the value at this path is not quoted (it is secret, or inside a secret), or undefined to quote it. */
  secretNote(path: ReadonlyArray<PropertyKey>): string | undefined;
}

function hasInput(issue: z.core.$ZodIssue): boolean {
  return "input" in issue && issue.input !== undefined;
}

/**
 * One zod issue (parsed with `reportInput: true`, so that `input` is there when a value was given) as the messages
 * users see: one per unknown key, else one.
 */
export function describeIssue(issue: z.core.$ZodIssue, ctx: DescribeContext): ConfigIssue[] {
  if (issue.code === "unrecognized_keys") {
    const known = ctx.sectionAt(issue.path);
    const allowed = known === undefined ? [] : [...known.required, ...known.optional];
    return issue.keys.map((key) => {
      const near = closestName(key, allowed);
      const path = formatConfigPath([...issue.path, key]);
      const hint = near !== undefined ? `did you mean ${issue.path.length === 0 ? formatConfigPath([near]) : near}?` : `expected one of ${allowed.join(", ")}`;
      return { path, message: `unknown key; ${hint}` };
    });
  }
  const path = formatConfigPath(issue.path);
  const input: unknown = "input" in issue ? issue.input : undefined;
  const section = ctx.sectionAt(issue.path);
  // A section (mapping) of the wrong type, or empty: what it needs, from its keys.
  const expected =
    section !== undefined && issue.code === "invalid_type" ? `expected a mapping with ${describeKeys(section)}` : issue.message;
  if (input === null) return [{ path, message: `is empty; ${expected}` }];
  if (!hasInput(issue)) return [{ path, message: issue.code === "invalid_type" ? `is required; ${expected}` : expected }];
  const note = ctx.secretNote(issue.path);
  return [{ path, message: withValueGiven(expected, input, note) }];
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a text value",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
};

/**
 * Words for any issue the schema did not word itself (a safety net: every field of the schema has its own message).
 * Given to zod as the parse's error map.
 */
export function fallbackMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "too_small":
      return `expected at least ${String(issue.minimum)}`;
    case "too_big":
      return `expected at most ${String(issue.maximum)}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => String(v)).join(", ")}`;
    default:
      return "expected a different value";
  }
}

/**
 * Keys of the stack's config outside the `k2-oauth` namespace that were meant for it: a mistyped namespace
 * (`k2oauth:`, `k2_oauth:`, `K2-OAuth:`) or none at all. Other namespaces (`azure-native:location`) are left alone.
 */
export function namespaceIssues(fullKeys: Iterable<string>, knownKeys: readonly string[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const fullKey of fullKeys) {
    const colon = fullKey.indexOf(":");
    const ns = colon < 0 ? undefined : fullKey.slice(0, colon);
    const key = colon < 0 ? fullKey : fullKey.slice(colon + 1);
    if (ns === CONFIG_NAMESPACE) continue;
    const meant = closestName(key, knownKeys) ?? key;
    if (ns === undefined) {
      issues.push({ path: fullKey, message: `a config key needs a namespace; did you mean ${CONFIG_NAMESPACE}:${meant}?` });
    } else if (ns.toLowerCase().replace(/[^a-z0-9]/g, "") === CONFIG_NAMESPACE.replace(/[^a-z0-9]/g, "")) {
      issues.push({ path: fullKey, message: `unknown namespace '${ns}'; did you mean ${CONFIG_NAMESPACE}:${meant}?` });
    }
  }
  return issues;
}

/** The command that stores a secret config value encrypted. */
export function setSecretCommand(dotted: string, stack: string): string {
  return `pulumi config set --secret --path '${dotted}' --stack ${stack}`;
}

/** A secret config value written in plain text (the value itself is never part of the message). */
export function plaintextSecretIssue(dotted: string, stack: string, where: string): ConfigIssue {
  return {
    path: `${CONFIG_NAMESPACE}:${dotted}`,
    message:
      `is a secret but ${where} holds it in plain text; remove it there, then store it encrypted with: ${setSecretCommand(dotted, stack)}` +
      " (a password once committed in plain text should also be changed)",
  };
}

/** A `secure:` value with nothing in it. */
export function emptySecureIssue(dotted: string, stack: string): ConfigIssue {
  return {
    path: `${CONFIG_NAMESPACE}:${dotted}`,
    message: `is an empty secure: value; set the secret with: ${setSecretCommand(dotted, stack)}`,
  };
}
