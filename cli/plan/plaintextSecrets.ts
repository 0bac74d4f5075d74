/**
 * A last line of defence for plaintext secrets. A secret that a user wrote into the stack file without `--secret` makes
 * the plan stop (invalid config), and loadStackFile masks it, so the program never sees it; it can still be in the
 * base of `--against`, which is planned as it is. The plan removes any occurrence of such a value from everything it
 * prints (every format, warnings, error messages; ./scrub.ts), whatever path it might have taken.
 */
import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { CONFIG_NAMESPACE, SECRET_CONFIG_PATHS } from "../../components/config";

function at(value: unknown, dotPath: string): unknown {
  let cur = value;
  for (const part of dotPath.split(".")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Plaintext values found at secret config paths of a stack file (never `secure:` ciphertexts, never decrypted). */
export function plaintextSecrets(stackFile: string): string[] {
  if (!fs.existsSync(stackFile)) return [];
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(stackFile, "utf8"));
  } catch {
    return [];
  }
  const config = at(doc, "config");
  if (typeof config !== "object" || config === null) return [];
  const found: string[] = [];
  for (const secretPath of SECRET_CONFIG_PATHS) {
    const [key, ...rest] = secretPath.split(".");
    const top = (config as Record<string, unknown>)[`${CONFIG_NAMESPACE}:${key}`];
    const value = rest.length === 0 ? top : at(top, rest.join("."));
    if (typeof value === "string" && value.length > 0) found.push(value);
  }
  return found;
}
