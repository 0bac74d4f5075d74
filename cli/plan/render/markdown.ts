/**
 * The markdown format: a summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: verdict, changes against the
 * base, policy findings, and the full resource list folded away.
 */
import type { InputChange, PlanResult } from "../model";
import { countViolations } from "./text";
import { formatValue } from "./values";

/** Rows beyond this are summarised: a GitHub comment holds at most 65,536 characters. */
export const MAX_TABLE_ROWS = 150;

/** Text made safe for a table cell: no pipes, no raw HTML, no line breaks. */
export function cell(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/** Inline code, unless the text holds a backtick (then escaped plain text). */
export function code(text: string): string {
  return text.includes("`") ? cell(text) : `\`${text.replace(/\|/g, "\\|")}\``;
}

function table(header: string[], rows: string[][]): string[] {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const out = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...shown.map((r) => `| ${r.join(" | ")} |`)];
  if (rows.length > shown.length) out.push("", `_… and ${rows.length - shown.length} more (run the plan locally, or use --format json, for all)._`);
  return out;
}

function changeCells(c: InputChange): [string, string] {
  return [c.kind === "added" ? "_(none)_" : code(formatValue(c.before)), c.kind === "removed" ? "_(none)_" : code(formatValue(c.after))];
}

export function renderMarkdown(result: PlanResult): string {
  const out: string[] = [];
  const counts = countViolations(result.policy.violations);
  const { diff } = result;
  out.push(`### Offline plan: stack \`${result.stack}\` as of ${result.date}`, "");
  out.push(
    counts.mandatory > 0
      ? `**:x: ${counts.mandatory} mandatory policy violation${counts.mandatory === 1 ? "" : "s"}**${counts.advisory > 0 ? `, ${counts.advisory} advisory` : ""}`
      : `:white_check_mark: No mandatory policy violations${counts.advisory > 0 ? ` (${counts.advisory} advisory)` : ""}`,
  );
  if (result.gate !== undefined) {
    const { blockers } = result.gate;
    out.push("");
    out.push(blockers.length === 0 ? ":white_check_mark: Deploy gate passed" : `**:no_entry: Deploy blocked** (${blockers.length}):`);
    for (const b of blockers) out.push(`- ${cell(b.message)}`);
  }
  out.push("");
  out.push(
    `_${result.resources.length} resources from \`${result.stackFile}\`, evaluated offline with the Pulumi SDK's mock runtime (no cloud, no credentials); ` +
      "values only the cloud knows show as `(known after apply)`._",
  );
  out.push("");
  for (const w of result.warnings) out.push(`> :warning: ${cell(w)}`, "");

  if (diff !== undefined) {
    out.push(`#### Changes against \`${diff.against}\``, "");
    if (diff.base === "unavailable") {
      out.push(`Could not compare: ${cell(diff.baseNote ?? "the base could not be planned")}`, "");
    } else {
      if (diff.base === "new") out.push(`New stack: ${cell(diff.baseNote ?? "not in the base")}; every resource is added.`, "");
      out.push(`**${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed**, ${diff.unchanged} unchanged.`, "");
      const rows: string[][] = [];
      for (const r of diff.added) rows.push([":heavy_plus_sign: add", code(r.type), code(r.name), "", "", ""]);
      for (const r of diff.changed) {
        for (const c of r.changes) rows.push([":pencil2: change", code(r.type), code(r.name), code(c.path), ...changeCells(c)]);
      }
      for (const r of diff.removed) rows.push([":heavy_minus_sign: remove", code(r.type), code(r.name), "", "", ""]);
      if (rows.length > 0) out.push(...table(["", "Type", "Name", "Input", "Before", "After"], rows), "");
    }
  }

  out.push("#### Policy findings", "");
  const config = result.policy.configFile !== undefined ? ` with \`${result.policy.configFile}\`` : "";
  out.push(`_Pack \`${result.policy.packDir}\`${config}; ${result.policy.resourcesAnalyzed} resources analysed over the CrossGuard analyzer protocol._`, "");
  if (result.policy.violations.length === 0) {
    out.push("No policy violations.", "");
  } else {
    const ordered = [...result.policy.violations].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1));
    out.push(
      ...table(
        ["Level", "Policy", "Resource", "Message"],
        ordered.map((v) => [
          v.level === "mandatory" ? ":x: mandatory" : `:warning: ${v.enforcementLevel === "remediate" ? "remediate" : "advisory"}`,
          code(`${v.policyPack}/${v.policy}`),
          v.urn !== undefined ? code(v.urn.split("::").pop() ?? v.urn) : "_(stack)_",
          cell(v.message),
        ]),
      ),
      "",
    );
  }

  out.push(`<details><summary>All ${result.resources.length} resources (desired state)</summary>`, "");
  out.push(
    ...table(
      ["Type", "Name", "Parent"],
      result.resources.map((r) => [code(r.type), code(r.name), r.parent !== undefined ? code(r.parent.split("::").pop() ?? r.parent) : ""]),
    ),
    "",
    "</details>",
    "",
  );
  if (result.placeholders.length > 0) {
    out.push("<details><summary>Placeholders (offline stand-ins, not real ids)</summary>", "");
    for (const p of result.placeholders) out.push(`- \`${p.value}\`: ${cell(p.meaning)}`);
    out.push("", "</details>", "");
  }
  return `${out.join("\n")}\n`;
}
