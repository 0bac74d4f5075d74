/** Display helpers shared by the text and markdown formats: flattened input leaves and value rendering. */
import { placeholderMeaning } from "../placeholders";
import { DYNAMIC_PROVIDER_MASK, SECRET_MASK, UNKNOWN_MASK } from "../wire";

const MARKERS = new Set([SECRET_MASK, UNKNOWN_MASK, DYNAMIC_PROVIDER_MASK]);

/** `{ web: { redirectUris: ["x"] } }` → `[["web.redirectUris[0]", "x"]]`; empty objects and arrays stay leaves. */
export function leaves(value: unknown, prefix = ""): Array<[string, unknown]> {
  if (Array.isArray(value)) {
    if (value.length === 0) return [[prefix, value]];
    return value.flatMap((v, i) => leaves(v, `${prefix}[${i}]`));
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return [[prefix, value]];
    return entries.flatMap(([k, v]) => leaves(v, prefix === "" ? k : `${prefix}.${k}`));
  }
  return [[prefix, value]];
}

/** A leaf value as text: markers bare, strings quoted, placeholders labelled. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "(none)";
  if (typeof value === "string") {
    if (MARKERS.has(value)) return value;
    return placeholderMeaning(value) !== undefined ? `${JSON.stringify(value)} (placeholder)` : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

/** The last segment of a type token: `azuread:index/application:Application` → `Application`. */
export function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}
