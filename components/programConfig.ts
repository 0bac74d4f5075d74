/**
 * Reads the `k2-oauth` namespace from the Pulumi runtime's config and validates it with components/config.ts.
 * Invalid config stops the program before any resource is declared, with every problem named by its key path and
 * no stack trace (pulumi.RunError).
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigError, formatConfigPath, parseStackConfig, type ConfigIssue, type StackConfig } from "./config";

/** Keys whose values are mappings or lists: the engine passes them JSON-encoded. */
const STRUCTURED_KEYS: ReadonlySet<string> = new Set(["k2Api", "k2", "keyVault", "clients"]);

export interface ProgramConfig {
  config: StackConfig;
  /** The K2 admin password as a Pulumi secret, when configured. */
  k2AdminPassword: pulumi.Output<string> | undefined;
}

/** Raw values of the namespace as the engine holds them, decoded; problems for undecodable or unknown keys. */
export function readRawConfig(all: Readonly<Record<string, string>> = pulumi.runtime.allConfig()): {
  raw: Record<string, unknown>;
  issues: ConfigIssue[];
} {
  const raw: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      issues.push({ path: formatConfigPath([key]), message: `unknown key; expected one of ${CONFIG_KEYS.join(", ")}` });
      continue;
    }
    if (STRUCTURED_KEYS.has(key)) {
      try {
        raw[key] = JSON.parse(text);
      } catch {
        issues.push({ path: formatConfigPath([key]), message: `expected a ${key === "clients" ? "list" : "mapping"} (set it in the stack file or with --path)` });
      }
    } else {
      raw[key] = text;
    }
  }
  return { raw, issues };
}

/** Validates the stack's config; throws pulumi.RunError listing every problem. */
export function loadProgramConfig(all?: Readonly<Record<string, string>>): ProgramConfig {
  const { raw, issues } = readRawConfig(all);
  const parsed = parseStackConfig(raw);
  const allIssues = [...issues, ...(parsed.ok ? [] : parsed.issues)];
  if (!parsed.ok || allIssues.length > 0) {
    throw new pulumi.RunError(new ConfigError(allIssues).message);
  }
  const password = parsed.config.k2.admin?.password;
  // Strip the password from the plain config object: it travels only as a Pulumi secret.
  const config: StackConfig =
    parsed.config.k2.admin === undefined
      ? parsed.config
      : { ...parsed.config, k2: { ...parsed.config.k2, admin: { ...parsed.config.k2.admin, password: "" } } };
  return { config, k2AdminPassword: password === undefined ? undefined : pulumi.secret(password) };
}
