/**
 * Desired-state diff between two offline plans of the same stack: resources added and removed (by URN), and for
 * resources in both, the input leaves that changed. Values are compared in wire form, so a changed secret is
 * detected, but every value is reported in display form: a secret shows as `[secret]` on both sides.
 */
import { isDeepStrictEqual } from "node:util";
import type { InputChange, PlanDiff, RecordedResource, ResourceRef } from "./model";
import { DYNAMIC_PROVIDER_KEY, DYNAMIC_PROVIDER_MASK, SECRET_MASK, displayValue, isWireSecret, signatureOf } from "./wire";

function ref(r: RecordedResource): ResourceRef {
  return { urn: r.urn, type: r.type, name: r.name };
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && signatureOf(value) === undefined;
}

function childPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
  if (base === "") return plain ? key : `[${JSON.stringify(key)}]`;
  return plain ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

function shown(path: string, value: unknown): unknown {
  if (path === DYNAMIC_PROVIDER_KEY) return isWireSecret(value) ? SECRET_MASK : DYNAMIC_PROVIDER_MASK;
  return displayValue(value);
}

/** Appends the changed leaves between two wire values to `out`. */
export function diffInputs(before: unknown, after: unknown, path: string, out: InputChange[]): void {
  if (isDeepStrictEqual(before, after)) return;
  if (path !== DYNAMIC_PROVIDER_KEY && Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      const p = childPath(path, i);
      if (i >= before.length) out.push({ path: p, kind: "added", after: displayValue(after[i]) });
      else if (i >= after.length) out.push({ path: p, kind: "removed", before: displayValue(before[i]) });
      else diffInputs(before[i], after[i], p, out);
    }
    return;
  }
  if (path !== DYNAMIC_PROVIDER_KEY && isPlainRecord(before) && isPlainRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const p = childPath(path, key);
      if (!(key in before)) out.push({ path: p, kind: "added", after: shown(p, after[key]) });
      else if (!(key in after)) out.push({ path: p, kind: "removed", before: shown(p, before[key]) });
      else diffInputs(before[key], after[key], p, out);
    }
    return;
  }
  out.push({ path: path === "" ? "(inputs)" : path, kind: "changed", before: shown(path, before), after: shown(path, after) });
}

/** The pseudo-input `(import id)` that names a change of a resource's `import` option. */
export const IMPORT_ID_PATH = "(import id)";

function importIdChange(before: string | undefined, after: string | undefined): InputChange {
  if (before === undefined) return { path: IMPORT_ID_PATH, kind: "added", after };
  if (after === undefined) return { path: IMPORT_ID_PATH, kind: "removed", before };
  return { path: IMPORT_ID_PATH, kind: "changed", before, after };
}

export function diffPlans(
  against: string,
  base: readonly RecordedResource[] | undefined,
  head: readonly RecordedResource[],
  baseNote?: string,
): PlanDiff {
  const baseByUrn = new Map((base ?? []).map((r) => [r.urn, r]));
  const headUrns = new Set(head.map((r) => r.urn));
  const diff: PlanDiff = {
    against,
    base: base === undefined ? "new" : "existing",
    ...(baseNote !== undefined ? { baseNote } : {}),
    added: [],
    removed: [],
    changed: [],
    unchanged: 0,
  };
  for (const r of head) {
    const before = baseByUrn.get(r.urn);
    if (before === undefined) {
      diff.added.push(ref(r));
      continue;
    }
    const changes: InputChange[] = [];
    diffInputs(before.wireInputs, r.wireInputs, "", changes);
    // Another import id on a resource the stack has: the engine imports that object and drops the one it managed.
    if (before.importId !== r.importId) changes.push(importIdChange(before.importId, r.importId));
    if (changes.length > 0) diff.changed.push({ ...ref(r), changes });
    else diff.unchanged++;
  }
  for (const r of base ?? []) if (!headUrns.has(r.urn)) diff.removed.push(ref(r));
  return diff;
}
