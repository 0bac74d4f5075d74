/** The text format: resource tree (with changes when diffing), policy findings by severity, summary. */
import { SECRET_NOT_SHOWN, withValueGiven } from "../../../components/configMessages";
import type { CheckFinding, InputChange, PlanResult, Violation } from "../model";
import { SECRET_MASK } from "../wire";
import { painter, type Paint } from "./style";
import { resourceTree, walkTree } from "./tree";
import { formatValue, leaves } from "./values";

function changeLine(change: InputChange, paint: Paint): string {
  switch (change.kind) {
    case "added":
      return paint("added", `+ ${change.path}: ${formatValue(change.after)}`);
    case "removed":
      return paint("removed", `- ${change.path}: ${formatValue(change.before)}`);
    default:
      return paint("changed", `~ ${change.path}: ${formatValue(change.before)} => ${formatValue(change.after)}`);
  }
}

export function countViolations(violations: readonly Violation[]): { mandatory: number; advisory: number } {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  return { mandatory, advisory: violations.length - mandatory };
}

/** A check failure's reason with the value given, as config messages put it (`…; got '<value>'`; a secret not shown). */
export function checkFailureText(f: CheckFinding): string {
  if (f.given === undefined) return f.reason;
  return withValueGiven(f.reason, f.given, f.given === SECRET_MASK ? SECRET_NOT_SHOWN : undefined);
}

/** The dynamic providers' checks, printed like policy findings: resource, input, reason and value given, what to change. */
function checkLines(result: PlanResult, paint: Paint): string[] {
  const { resourcesChecked, failures } = result.checks;
  const out = [paint("heading", `Provider checks (${resourcesChecked} dynamic resource${resourcesChecked === 1 ? "" : "s"}; pulumi preview runs them before any policy)`)];
  if (failures.length === 0) {
    out.push(paint("ok", resourcesChecked === 0 ? "  no dynamic resources" : "  no check failures"));
    return out;
  }
  out.push(paint("mandatory", `  failed (${failures.length})`));
  for (const f of failures) {
    out.push(paint("mandatory", `    x ${f.name}  ${f.property === "" ? "(no input named)" : f.property}`));
    for (const line of checkFailureText(f).split("\n")) out.push(`        ${line}`);
    if (f.configKeys.length > 0) out.push(`        change: ${f.configKeys.join(" or ")}`);
  }
  return out;
}

/**
 * ` (3 to import)`: resources whose `import` option makes `pulumi up` take over an existing resource instead of
 * creating one (clients adopted with `npm run adopt`); nothing when there are none.
 */
export function importsText(result: Pick<PlanResult, "resources">): string {
  const imports = result.resources.filter((r) => r.importId !== undefined).length;
  return imports === 0 ? "" : ` (${imports} to import)`;
}

export function renderText(result: PlanResult, opts: { color: boolean }): string {
  const paint = painter(opts.color);
  const out: string[] = [];
  const { diff } = result;
  out.push(paint("heading", `Offline plan: stack ${result.stack} (project ${result.project}) as of ${result.date} (UTC)`));
  out.push(
    paint("muted", `${result.stackFile}; mock runtime, no cloud and no credentials: values only the cloud knows show as (known after apply)`),
  );
  for (const w of result.warnings) out.push(paint("advisory", `warning: ${w}`));
  out.push("");

  const added = new Set(diff?.added.map((r) => r.urn));
  const changed = new Map(diff?.changed.map((r) => [r.urn, r.changes]));
  const imports = result.resources.filter((r) => r.importId !== undefined).length;
  const count = `${result.resources.length}${imports === 0 ? "" : `, ${imports} to import`}`;
  const title = diff === undefined ? `Resources (${count})` : `Resources (${count}), compared with ${diff.against}`;
  out.push(paint("heading", title));
  if (diff?.baseNote !== undefined) out.push(paint("muted", `  ${diff.base === "new" ? "new stack" : "no comparison"}: ${diff.baseNote}`));
  walkTree(resourceTree(result.resources), (node, depth) => {
    const r = node.resource;
    const indent = "  ".repeat(depth + 1);
    const changes = changed.get(r.urn);
    const mark = diff === undefined || diff.base === "unavailable" ? "" : added.has(r.urn) ? "+ " : changes !== undefined ? "~ " : "= ";
    const style = mark === "+ " ? "added" : mark === "~ " ? "changed" : undefined;
    const line = `${indent}${mark}${r.type}  ${r.name}${r.importId !== undefined ? `  (import ${r.importId})` : ""}`;
    out.push(style !== undefined ? paint(style, line) : line);
    const detailIndent = `${indent}${" ".repeat(mark.length)}    `;
    if (changes !== undefined) {
      for (const c of changes) out.push(`${detailIndent}${changeLine(c, paint)}`);
    } else if (mark !== "= ") {
      for (const [p, v] of leaves(r.inputs)) if (p !== "") out.push(paint("muted", `${detailIndent}${p}: ${formatValue(v)}`));
    }
  });
  if (diff !== undefined && diff.removed.length > 0) {
    out.push("");
    out.push(paint("heading", `Removed (${diff.removed.length})`));
    for (const r of diff.removed) out.push(paint("removed", `  - ${r.type}  ${r.name}`));
  }
  out.push("");

  out.push(...checkLines(result, paint), "");

  const counts = countViolations(result.policy.violations);
  const pack = `${result.policy.packDir}, ${result.policy.configFile !== undefined ? `config ${result.policy.configFile}` : "its defaults (no config file)"}`;
  out.push(paint("heading", `Policy findings (${pack}; ${result.policy.resourcesAnalyzed} resources analysed)`));
  if (result.policy.violations.length === 0) out.push(paint("ok", "  no policy violations"));
  for (const level of ["mandatory", "advisory"] as const) {
    const group = result.policy.violations.filter((v) => v.level === level);
    if (group.length === 0) continue;
    out.push(paint(level, `  ${level} (${group.length})`));
    for (const v of group) {
      const where = v.urn !== undefined ? `  ${v.urn.split("::").pop() ?? v.urn}` : "  (stack)";
      const remediate = v.enforcementLevel === "remediate" ? " [remediate]" : "";
      out.push(paint(level, `    ${level === "mandatory" ? "x" : "!"} ${v.policyPack}/${v.policy}${remediate}${where}`));
      for (const line of v.message.split("\n")) out.push(`        ${line}`);
    }
  }
  out.push("");

  if (result.placeholders.length > 0) {
    out.push(paint("heading", "Placeholders (offline stand-ins for values only the tenant knows; not real ids)"));
    for (const p of result.placeholders) out.push(paint("muted", `  ${p.value}  ${p.meaning}`));
    out.push("");
  }

  if (result.gate !== undefined) {
    const { blockers } = result.gate;
    out.push(paint("heading", "Deploy gate"));
    if (blockers.length === 0) out.push(paint("ok", "  passed: nothing blocks a deploy"));
    for (const b of blockers) out.push(paint("mandatory", `  x ${b.subject}`), `      ${b.message}`);
    for (const b of result.gate.allowed) out.push(paint("advisory", `  ! ${b.subject} (allowed by --allow-drop)`), `      ${b.message}`);
    out.push("");
  }

  const failures = result.checks.failures.length;
  const summary = [
    `${result.resources.length} resources${importsText(result)}`,
    ...(failures > 0 ? [`${failures} provider check failure${failures === 1 ? "" : "s"}`] : []),
    `${counts.mandatory} mandatory and ${counts.advisory} advisory policy violations`,
  ];
  if (result.gate !== undefined) summary.push(result.gate.blockers.length === 0 ? "deploy gate passed" : `deploy gate blocked (${result.gate.blockers.length})`);
  if (diff !== undefined && diff.base !== "unavailable") {
    summary.push(`against ${diff.against}: ${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed, ${diff.unchanged} unchanged`);
  }
  const failed = counts.mandatory > 0 || failures > 0 || (result.gate?.blockers.length ?? 0) > 0;
  out.push(paint(failed ? "mandatory" : "ok", `Summary: ${summary.join("; ")}.`));
  return `${out.join("\n")}\n`;
}
