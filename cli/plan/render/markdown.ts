/**
 * The markdown format: a summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: verdict, changes against the
 * base, policy findings, and the full resource list folded away.
 */
import type { InputChange, PlanResult } from "../model";
import { checkFailureText, countViolations, importsText } from "./text";
import { formatValue } from "./values";

/** Rows beyond this are summarised: a GitHub comment holds at most 65,536 characters. */
export const MAX_TABLE_ROWS = 150;

/**
 * Splits text into plain parts and code spans (CommonMark: a run of n backticks opens a span that the next run of
 * exactly n backticks closes; an unmatched run is literal text). Code spans keep their backticks.
 */
export function codeSpanParts(text: string): Array<{ code: boolean; text: string }> {
  const parts: Array<{ code: boolean; text: string }> = [];
  let plain = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "`") {
      plain += text[i++];
      continue;
    }
    let n = 0;
    while (text[i + n] === "`") n++;
    const fence = "`".repeat(n);
    let close = -1;
    for (let j = text.indexOf(fence, i + n); j >= 0; j = text.indexOf(fence, j + 1)) {
      let run = 0;
      while (text[j + run] === "`") run++;
      if (run === n && text[j - 1] !== "`") {
        close = j;
        break;
      }
      j += run - 1;
    }
    if (close < 0) {
      plain += fence;
      i += n;
      continue;
    }
    if (plain !== "") parts.push({ code: false, text: plain });
    plain = "";
    parts.push({ code: true, text: text.slice(i, close + n) });
    i = close + n;
  }
  if (plain !== "") parts.push({ code: false, text: plain });
  return parts;
}

/**
 * Text made safe for a paragraph or blockquote: raw HTML escaped and line breaks kept (`<br>`) outside code spans;
 * inside code spans nothing is escaped, because markdown shows a code span's text literally (an entity there would be
 * printed as `&lt;`), and line breaks become spaces.
 */
export function inline(text: string): string {
  return codeSpanParts(text)
    .map((p) => (p.code ? p.text.replace(/\r?\n/g, " ") : p.text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, "<br>")))
    .join("");
}

/** Text made safe for a table cell: as `inline`, and every pipe escaped (GFM reads `\|` as a pipe, in code spans too). */
export function cell(text: string): string {
  return inline(text).replace(/\|/g, "\\|");
}

/**
 * Inline code for a table cell, whatever the text holds: the fence is one backtick longer than any run of backticks
 * inside (with a space inside each end when the text starts or ends with a backtick), pipes escaped.
 */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || (text.startsWith(" ") && text.endsWith(" ") && text.trim() !== "") ? " " : "";
  return `${fence}${pad}${text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|")}${pad}${fence}`;
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
  const checkFailures = result.checks.failures.length;
  const failedChecks = checkFailures > 0 ? `**:x: ${checkFailures} provider check failure${checkFailures === 1 ? "" : "s"}**, ` : "";
  out.push(
    counts.mandatory > 0
      ? `${failedChecks}**:x: ${counts.mandatory} mandatory policy violation${counts.mandatory === 1 ? "" : "s"}**${counts.advisory > 0 ? `, ${counts.advisory} advisory` : ""}`
      : checkFailures > 0
        ? `${failedChecks}no mandatory policy violations${counts.advisory > 0 ? ` (${counts.advisory} advisory)` : ""}`
        : `:white_check_mark: No mandatory policy violations${counts.advisory > 0 ? ` (${counts.advisory} advisory)` : ""}`,
  );
  if (result.gate !== undefined) {
    const { blockers } = result.gate;
    out.push("");
    out.push(blockers.length === 0 ? ":white_check_mark: Deploy gate passed" : `**:no_entry: Deploy blocked** (${blockers.length}):`);
    for (const b of blockers) out.push(`- ${cell(b.message)}`);
    if (result.gate.allowed.length > 0) {
      out.push("", `**:warning: Valid secrets dropped on purpose** (\`--allow-drop\`, ${result.gate.allowed.length}):`);
      for (const b of result.gate.allowed) out.push(`- ${cell(b.message)}`);
    }
  }
  out.push("");
  out.push(
    `_${result.resources.length} resources${importsText(result)} from \`${result.stackFile}\`, evaluated offline with the Pulumi SDK's mock runtime (no cloud, no credentials); ` +
      "values only the cloud knows show as `(known after apply)`._",
  );
  out.push("");
  for (const w of result.warnings) out.push(`> :warning: ${inline(w)}`, "");

  if (diff !== undefined) {
    out.push(`#### Changes against \`${diff.against}\``, "");
    if (diff.base === "unavailable") {
      out.push(`Could not compare: ${inline(diff.baseNote ?? "the base could not be planned")}`, "");
    } else {
      if (diff.base === "new") out.push(`New stack: ${inline(diff.baseNote ?? "not in the base")}; every resource is added.`, "");
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

  out.push("#### Provider checks", "");
  const checked = result.checks.resourcesChecked;
  out.push(`_${checked} dynamic resource${checked === 1 ? "" : "s"} checked by ${checked === 1 ? "its provider" : "their providers"}, as \`pulumi preview\` does before any policy._`, "");
  if (checkFailures === 0) {
    out.push(checked === 0 ? "No dynamic resources." : "No check failures.", "");
  } else {
    out.push(
      ...table(
        ["", "Resource", "Input", "Reason", "Change"],
        result.checks.failures.map((f) => [
          ":x: failed",
          code(f.name),
          f.property === "" ? "_(no input named)_" : code(f.property),
          cell(checkFailureText(f)),
          f.configKeys.map(code).join(" or "),
        ]),
      ),
      "",
    );
  }

  out.push("#### Policy findings", "");
  const config = result.policy.configFile !== undefined ? ` with \`${result.policy.configFile}\`` : " with its defaults (no config file for this stack)";
  out.push(`_Pack \`${result.policy.packDir}\`${config}; ${result.policy.resourcesAnalyzed} resources analysed over the CrossGuard analyzer protocol._`, "");
  if (result.policy.violations.length === 0) {
    out.push("No policy violations.", "");
  } else {
    const ordered = [...result.policy.violations].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1));
    out.push(
      ...table(
        ["Level", "Policy", "Resource", "Message"],
        ordered.map((v) => [
          v.level === "mandatory" ? `:x: mandatory${v.enforcementLevel === "remediate" ? " (remediate)" : ""}` : ":warning: advisory",
          code(`${v.policyPack}/${v.policy}`),
          v.urn !== undefined ? code(v.urn.split("::").pop() ?? v.urn) : "_(stack)_",
          cell(v.message),
        ]),
      ),
      "",
    );
  }

  out.push(`<details><summary>All ${result.resources.length} resources${importsText(result)} (desired state)</summary>`, "");
  const imports = result.resources.some((r) => r.importId !== undefined);
  out.push(
    ...table(
      ["Type", "Name", "Parent", ...(imports ? ["Import"] : [])],
      result.resources.map((r) => [
        code(r.type),
        code(r.name),
        r.parent !== undefined ? code(r.parent.split("::").pop() ?? r.parent) : "",
        ...(imports ? [r.importId !== undefined ? code(r.importId) : ""] : []),
      ]),
    ),
    "",
    "</details>",
    "",
  );
  if (result.placeholders.length > 0) {
    out.push("<details><summary>Placeholders (offline stand-ins, not real ids)</summary>", "");
    for (const p of result.placeholders) out.push(`- \`${p.value}\`: ${inline(p.meaning)}`);
    out.push("", "</details>", "");
  }
  return `${out.join("\n")}\n`;
}
