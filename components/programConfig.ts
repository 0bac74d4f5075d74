/**
 * Reads the `k2-oauth` namespace from the Pulumi runtime's config and validates it with components/config.ts, as the
 * offline plan validates a stack file (cli/stackFile.ts): same messages, mistyped namespaces and plaintext secrets
 * included. Invalid config stops the program before any resource is declared, with every problem named by its key
 * path and no stack trace (pulumi.RunError).
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, ConfigError, parseStackConfig, SECRET_CONFIG_PATHS, type ConfigIssue, type StackConfig } from "./config";
import { plaintextSecretIssue } from "./configMessages";

/** Keys whose values are mappings or lists: the engine passes them JSON-encoded. */
const STRUCTURED_KEYS: ReadonlySet<string> = new Set(["k2Api", "k2", "keyVault", "clients", "outbound"]);

export interface ProgramConfig {
  config: StackConfig;
  /** The K2 admin password as a Pulumi secret, when configured. */
  k2AdminPassword: pulumi.Output<string> | undefined;
}

/**
 * Raw values of the namespace as the engine holds them, decoded. A key left empty in the stack file reaches the
 * program as `null` (the engine encodes it as JSON); unknown keys are kept, for the config check to name them.
 */
export function readRawConfig(all: Readonly<Record<string, string>> = pulumi.runtime.allConfig()): {
  raw: Record<string, unknown>;
  issues: ConfigIssue[];
} {
  const raw: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    // The engine JSON-encodes mappings, lists and empty values, and passes text as it is.
    if (text === "null") raw[key] = null;
    else if (!STRUCTURED_KEYS.has(key) || !/^\s*[[{]/.test(text)) raw[key] = text;
    else {
      try {
        raw[key] = JSON.parse(text);
      } catch {
        issues.push({ path: fullKey, message: `expected a ${key === "clients" ? "list" : "mapping"} (set it in the stack file, or with pulumi config set --path)` });
      }
    }
  }
  return { raw, issues };
}

/** The SDK's own answer to "was this config key set as a secret?" (the engine passes the secret keys to programs). */
type IsConfigSecret = (fullKey: string) => boolean;

/**
 * `pulumi.runtime.isConfigSecret` of @pulumi/pulumi 3.x: exported at run time but not in the type declarations. Without
 * it a plaintext secret could not be told from an encrypted one, so config fails closed.
 */
export function configSecretCheck(runtime: object = pulumi.runtime): IsConfigSecret {
  const candidate = (runtime as { isConfigSecret?: unknown }).isConfigSecret;
  if (typeof candidate !== "function") {
    throw new pulumi.RunError(
      `cannot tell whether ${SECRET_CONFIG_PATHS.map((p) => `${CONFIG_NAMESPACE}:${p}`).join(", ")} is stored as a secret: this version of @pulumi/pulumi has no runtime.isConfigSecret (the project pins 3.248.0)`,
    );
  }
  return (fullKey) => (candidate as IsConfigSecret)(fullKey) === true;
}

/** Secret config values the engine did not receive as secrets: written in plain text in the stack's config. */
function plaintextSecretIssues(raw: Readonly<Record<string, unknown>>, isSecret: IsConfigSecret, stack: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const secretPath of SECRET_CONFIG_PATHS) {
    const [top, ...rest] = secretPath.split(".");
    let value: unknown = raw[top];
    for (const part of rest) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    if (typeof value === "string" && value !== "" && !isSecret(`${CONFIG_NAMESPACE}:${top}`)) {
      issues.push(plaintextSecretIssue(secretPath, stack, "the stack's configuration"));
    }
  }
  return issues;
}

/** Validates the stack's config; throws pulumi.RunError listing every problem. */
export function loadProgramConfig(all: Readonly<Record<string, string>> = pulumi.runtime.allConfig(), isSecret: IsConfigSecret = configSecretCheck()): ProgramConfig {
  const { raw, issues } = readRawConfig(all);
  // The engine marks whole top-level keys secret: every value under such a key is treated as secret (never quoted).
  const parsed = parseStackConfig(raw, {
    fullKeys: Object.keys(all),
    secretNote: (dotted) => {
      const key = `${CONFIG_NAMESPACE}:${dotted.split(/[.[]/)[0]}`;
      return isSecret(key) ? `the value given is not shown: ${key} holds secret values` : undefined;
    },
    issues: [...issues, ...plaintextSecretIssues(raw, isSecret, pulumi.getStack())],
  });
  if (!parsed.ok) throw new pulumi.RunError(new ConfigError(parsed.issues).message);
  const password = parsed.config.k2.admin?.password;
  // Strip the password from the plain config object: it travels only as a Pulumi secret.
  const config: StackConfig =
    parsed.config.k2.admin === undefined
      ? parsed.config
      : { ...parsed.config, k2: { ...parsed.config.k2, admin: { ...parsed.config.k2.admin, password: "" } } };
  return { config, k2AdminPassword: password === undefined ? undefined : pulumi.secret(password) };
}
