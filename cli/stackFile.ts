/**
 * Reads `stacks/Pulumi.<stack>.yaml` the way the Pulumi CLI would hand it to the program, without the CLI:
 * a real YAML parser, `secure:` values replaced by a secret placeholder (never decrypted), and the config in the
 * two forms callers need: raw values per key (for validation) and the engine's `ns:key -> string` map (for the
 * mock runtime's `setAllConfig`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, YAMLError } from "yaml";
import { CONFIG_NAMESPACE, parseStackConfig, SECRET_CONFIG_PATHS, type ConfigIssue, type ParseResult } from "../components/config";
import { emptySecureIssue, plaintextSecretIssue, SECRET_NOT_SHOWN } from "../components/configMessages";
import { yamlSyntaxMessage } from "../components/fileSyntax";
import { SECRET_PLACEHOLDER } from "./secretPlaceholder";

/** What a `secure:` value becomes offline. Never a real secret: the stack's secrets are never decrypted here. */
export { SECRET_PLACEHOLDER };

export interface LoadedStack {
  stack: string;
  file: string;
  /** The file's path as messages show it: relative to the project root. */
  label: string;
  /** Values of the `k2-oauth` namespace, keyed without namespace; `secure:` values replaced by SECRET_PLACEHOLDER. */
  config: Record<string, unknown>;
  /** Every config key (`ns:key`) with its value as the engine passes it: strings as-is, others JSON-encoded. */
  engineConfig: Record<string, string>;
  /** `ns:key` keys that hold a secret anywhere inside (the engine marks the whole top-level key secret). */
  secretKeys: string[];
  /** Dot paths below the namespace (`k2.admin.password`) that held `secure:` values or are secret by contract. */
  secretPaths: string[];
  /**
   * Problems found while reading that make the config invalid (a secret written in plain text, an empty `secure:`);
   * validateLoadedStack reports them with the others. Never include a value.
   */
  issues: ConfigIssue[];
  /**
   * Values written in plain text at secret config paths (masked in `config` and `engineConfig`), for scrubbing output
   * only. A function, so that the values never travel with the object's data (JSON, logs, IPC).
   */
  plaintextSecrets(): string[];
}

export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

export function stackFilePath(stack: string, root: string = process.cwd()): string {
  return path.join(root, "stacks", `Pulumi.${stack}.yaml`);
}

function isSecure(value: unknown): value is { secure: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces `secure:` values with the placeholder, collecting their dot paths (and those with nothing in them). */
function replaceSecure(value: unknown, at: string, found: string[], empty: string[]): unknown {
  if (isSecure(value)) {
    found.push(at);
    if (typeof value.secure !== "string" || value.secure.trim() === "") empty.push(at);
    return SECRET_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, `${at}[${i}]`, found, empty));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = replaceSecure(v, at === "" ? k : `${at}.${k}`, found, empty);
    return out;
  }
  return value;
}

function getPath(obj: unknown, dotPath: string): unknown {
  let cur: unknown = obj;
  for (const part of dotPath.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, dotPath: string, value: unknown): void {
  const parts = dotPath.split(".");
  let cur: Record<string, unknown> = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (typeof next !== "object" || next === null) return;
    cur = next as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** Parses stack-file text. `stack` and `label` (the file's path from the project root) only label messages. */
export function parseStackText(text: string, stack: string, file: string, label: string = path.basename(file)): LoadedStack {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    if (e instanceof YAMLError) throw new StackFileError(yamlSyntaxMessage(e, text, label));
    throw e;
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new StackFileError(`${label}: expected a YAML mapping with a 'config:' key`);
  const rawConfig = (doc as Record<string, unknown>).config ?? {};
  if (typeof rawConfig !== "object" || rawConfig === null || Array.isArray(rawConfig)) {
    throw new StackFileError(`${label}: expected 'config:' to be a mapping of '<namespace>:<key>' to values`);
  }

  const config: Record<string, unknown> = {};
  const engineConfig: Record<string, string> = {};
  const secretKeys: string[] = [];
  const secretPaths: string[] = [];
  const issues: ConfigIssue[] = [];
  const plaintextSecrets: string[] = [];
  for (const [fullKey, value] of Object.entries(rawConfig as Record<string, unknown>)) {
    const colon = fullKey.indexOf(":");
    const ns = colon < 0 ? "" : fullKey.slice(0, colon);
    const key = colon < 0 ? fullKey : fullKey.slice(colon + 1);
    const found: string[] = [];
    const empty: string[] = [];
    let clean = replaceSecure(value, key, found, empty);
    if (ns === CONFIG_NAMESPACE) {
      for (const emptyPath of empty) issues.push(emptySecureIssue(emptyPath, stack));
      for (const secretPath of SECRET_CONFIG_PATHS) {
        if (!secretPath.startsWith(`${key}.`) && secretPath !== key) continue;
        const inner = secretPath === key ? clean : getPath(clean, secretPath.slice(key.length + 1));
        if (typeof inner === "string" && inner !== SECRET_PLACEHOLDER) {
          // Refused (the plan stops), and masked all the same: the value never travels further.
          if (inner !== "") plaintextSecrets.push(inner);
          issues.push(plaintextSecretIssue(secretPath, stack, label));
          if (secretPath === key) clean = SECRET_PLACEHOLDER;
          else setPath(clean as Record<string, unknown>, secretPath.slice(key.length + 1), SECRET_PLACEHOLDER);
          found.push(secretPath);
        }
      }
      config[key] = clean;
      secretPaths.push(...found);
    }
    if (found.length > 0) secretKeys.push(fullKey);
    engineConfig[fullKey] = typeof clean === "string" ? clean : JSON.stringify(clean);
  }
  return { stack, file, label, config, engineConfig, secretKeys, secretPaths, issues, plaintextSecrets: () => [...plaintextSecrets] };
}

/**
 * The stack's config checked as the program checks it (components/config.ts), plus what only the file shows: keys
 * under a mistyped namespace, plaintext secrets, empty `secure:` values. Values at `secure:` paths are never quoted.
 */
export function validateLoadedStack(stack: LoadedStack): ParseResult {
  const secret = (dotted: string) => stack.secretPaths.some((p) => dotted === p || dotted.startsWith(`${p}.`) || dotted.startsWith(`${p}[`));
  return parseStackConfig(stack.config, {
    fullKeys: Object.keys(stack.engineConfig),
    secretNote: (dotted) => (secret(dotted) ? SECRET_NOT_SHOWN : undefined),
    issues: stack.issues,
  });
}

/** Loads `stacks/Pulumi.<stack>.yaml` below `root` (default: the working directory). */
export function loadStackFile(stack: string, root: string = process.cwd()): LoadedStack {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new StackFileError(`invalid stack name '${stack}': expected letters, digits, '-', '_' or '.'`);
  }
  const file = stackFilePath(stack, root);
  if (!fs.existsSync(file)) {
    const dir = path.dirname(file);
    const known = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
          .filter((s): s is string => s !== undefined)
      : [];
    throw new StackFileError(`no stack file ${path.relative(root, file)}; known stacks: ${known.length ? known.join(", ") : "none"}`);
  }
  return parseStackText(fs.readFileSync(file, "utf8"), stack, file, path.relative(root, file).split(path.sep).join("/"));
}
