/**
 * Renders a verify run: a text table with each problem's cause and fix, or JSON for scripts. Both are built from the
 * same VerifyReport; neither ever holds a token or secret (run.ts also passes all output through the Redactor).
 */
import type { Check, CheckStatus } from "./checks";
import type { ShownClaims } from "./claims";
import type { SecretExpiry } from "./secrets";

/** Version of the JSON shape; bump on incompatible changes. */
export const REPORT_SCHEMA_VERSION = 1;

export interface VerifyReport {
  schemaVersion: number;
  stack: string;
  client: string;
  clientId: string | undefined;
  tenantId: string;
  cloud: string;
  loginHost: string;
  metadataUrl: string;
  k2Url: string;
  auth: string;
  ok: boolean;
  exitCode: 0 | 1;
  summary: Record<CheckStatus, number>;
  checks: Check[];
  /** The token's claims, when a token was obtained. */
  claims: ShownClaims | undefined;
  secrets: SecretExpiry[];
  warnings: string[];
}

export function summarise(checks: readonly Check[]): Record<CheckStatus, number> {
  const s: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0, undecided: 0 };
  for (const c of checks) s[c.status]++;
  return s;
}

const LABEL: Record<CheckStatus, string> = { pass: "PASS", fail: "FAIL", warn: "WARN", skip: "SKIP", undecided: "UNDECIDED" };

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

export function renderText(r: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`k2-oauth verify: stack ${r.stack}, client ${r.client}${r.clientId === undefined ? "" : ` (${r.clientId})`}, tenant ${r.tenantId} (${r.cloud})`);
  lines.push(`  login host ${r.loginHost}, K2 ${r.k2Url}, token by ${r.auth}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  lines.push("");

  const titleWidth = Math.min(Math.max(...r.checks.map((c) => c.title.length), 5), 40);
  lines.push(`${pad("RESULT", 10)}${pad("CHECK", titleWidth + 2)}DETAIL`);
  for (const c of r.checks) lines.push(`${pad(LABEL[c.status], 10)}${pad(c.title, titleWidth + 2)}${c.detail}`);

  if (r.claims !== undefined) {
    lines.push("", "Token claims (the token itself is never shown):");
    for (const [k, v] of Object.entries(r.claims)) lines.push(`  ${pad(k, 12)}${Array.isArray(v) ? v.join(", ") : String(v)}`);
  }

  const problems = r.checks.filter((c) => c.status === "fail" || c.status === "warn" || c.status === "undecided");
  if (problems.length > 0) {
    lines.push("", "Problems, likely causes and fixes:");
    for (const c of problems) {
      lines.push(`  ${LABEL[c.status]} ${c.title}: ${c.detail}`);
      if (c.cause !== undefined) lines.push(`       cause: ${c.cause}`);
      if (c.fix !== undefined) lines.push(`       fix:   ${c.fix}`);
    }
  }

  const s = r.summary;
  const parts = [`${s.fail} failed`, `${s.warn} warning${s.warn === 1 ? "" : "s"}`, `${s.undecided} undecided`, `${s.pass} passed`, `${s.skip} skipped`];
  lines.push("", `Result: ${r.ok ? "OK" : "FAILED"}: ${parts.join(", ")} (exit code ${r.exitCode})`);
  return lines.join("\n") + "\n";
}

export function renderJson(r: VerifyReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}

/** JSON for a run that could not produce a report (usage or config error, or an internal failure). */
export function renderErrorJson(exitCode: 1 | 2, error: string): string {
  return JSON.stringify({ schemaVersion: REPORT_SCHEMA_VERSION, ok: false, exitCode, error }, null, 2) + "\n";
}
