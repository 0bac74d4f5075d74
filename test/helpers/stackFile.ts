/**
 * Stack files for the tests of CLI commands that read `stacks/Pulumi.<stack>.yaml` below a project root (verify,
 * discover): the test tenant's config in the stack file format (README.md, "Filling a stack"), in a temp directory.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { K2_API_CLIENT_ID, K2_URL, TENANT } from "./testTenant";

export interface TestStackOptions {
  /** `k2-oauth:cloud`; left out when undefined (the config default applies). */
  cloud?: string;
  /** k2Api settings besides clientId (scope, audience); the config defaults apply to those left out. */
  k2Api?: Record<string, unknown>;
  edition?: "five" | "cloud";
  /** K2 admin user name (default `EXAMPLE\svc-k2`); the password is always a `secure:` placeholder. */
  adminUsername?: string;
  clients: Array<Record<string, unknown>>;
}

/** The text of a stack file for TENANT with K2 at K2_URL. */
export function testStackYaml(options: TestStackOptions): string {
  return stringify({
    config: {
      "k2-oauth:tenantId": TENANT,
      ...(options.cloud === undefined ? {} : { "k2-oauth:cloud": options.cloud }),
      "k2-oauth:k2Api": { clientId: K2_API_CLIENT_ID, ...options.k2Api },
      "k2-oauth:k2": {
        url: K2_URL,
        edition: options.edition ?? "five",
        admin: { username: options.adminUsername ?? "EXAMPLE\\svc-k2", password: { secure: "v1:PLACEHOLDER" } },
      },
      "k2-oauth:clients": options.clients,
    },
  });
}

/** A new temp project root holding `stacks/Pulumi.<name>.yaml` for each entry of `stacks` (stack name → file text). */
export function tempProjectRoot(prefix: string, stacks: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(root, "stacks"));
  for (const [name, text] of Object.entries(stacks)) fs.writeFileSync(path.join(root, "stacks", `Pulumi.${name}.yaml`), text);
  return root;
}
