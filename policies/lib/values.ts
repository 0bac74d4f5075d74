/**
 * Reading resource properties without tripping over values that are unknown during preview.
 *
 * CrossGuard hands policies a proxy that throws `UnknownValueError` when a value that cannot be known until the
 * update runs is read (`@pulumi/policy` server.js, proxy.js). Plans and tests may also carry the raw unknown
 * sentinels. `read` turns both into `{ known: false }`, so a rule can decide what it can and name what it cannot.
 */

/** The SDK's unknown sentinels (`@pulumi/policy` proxy.js, `@pulumi/pulumi` runtime/rpc). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  UNKNOWN_STRING,
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

export type Read = { known: true; value: unknown } | { known: false; path: string };

export function isUnknownSentinel(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** True for the `UnknownValueError` CrossGuard's proxy throws (recognised by shape: the class is SDK-internal). */
export function isUnknownValueError(e: unknown): boolean {
  return e instanceof Error && "unknownTypeSentinel" in e && Array.isArray((e as { props?: unknown }).props);
}

/** The names under which CrossGuard's proxies answer "am I a proxy" and "what do I wrap" (`@pulumi/policy` proxy.js). */
const IS_SPECIAL_PROXY = "__isSpecialProxy";
const GET_SPECIAL_PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * The value at `key` as the proxy's target holds it, when `obj` is one of CrossGuard's proxies: a proxy reports an
 * unknown value by throwing an `UnknownValueError`, whose stack trace costs far more than the read (stack rules read
 * every candidate's ids for every resource they link, and many ids are unknown during preview). Only the unknown check
 * and primitives are answered from the target; objects are still read through the proxy (below), so everything a rule
 * gets keeps the proxy's behaviour (unknown checks deeper down, secrets unwrapped and kept secret on writes).
 * `undefined`: not a proxy, or the value is an object.
 */
function peekBehindProxy(obj: object, key: string): { unknown: true } | { unknown: false; value: unknown } | undefined {
  const record = obj as Record<string, unknown>;
  if (record[IS_SPECIAL_PROXY] !== true) return undefined;
  const target = record[GET_SPECIAL_PROXY_TARGET];
  if (typeof target !== "object" || target === null) return undefined;
  // When the target is itself a proxy (CrossGuard's secrets-preserving one, in remediations), reading through it
  // gives the unwrapped value, as the outer proxy would.
  const value = (target as Record<string, unknown>)[key];
  if (isUnknownSentinel(value)) return { unknown: true };
  if (typeof value === "object" && value !== null) return undefined;
  return { unknown: false, value };
}

function getField(obj: unknown, key: string): Read & { present: boolean } {
  if (typeof obj !== "object" || obj === null) return { known: true, value: undefined, present: false };
  const peeked = peekBehindProxy(obj, key);
  if (peeked !== undefined) {
    if (peeked.unknown) return { known: false, path: key, present: true };
    return { known: true, value: peeked.value, present: peeked.value !== undefined };
  }
  try {
    const value = (obj as Record<string, unknown>)[key];
    if (isUnknownSentinel(value)) return { known: false, path: key, present: true };
    return { known: true, value, present: value !== undefined };
  } catch (e) {
    if (isUnknownValueError(e)) return { known: false, path: key, present: true };
    throw e;
  }
}

/**
 * Reads `path` (dot-separated keys; array indexes as numbers, e.g. `web.redirectUris.0`) from `obj`.
 * A missing step gives a known `undefined`; an unknown step gives `{ known: false, path }` with the path so far.
 */
export function read(obj: unknown, path: string): Read {
  let current: unknown = obj;
  const walked: string[] = [];
  for (const key of path.split(".")) {
    walked.push(key);
    const step = getField(current, key);
    if (!step.known) return { known: false, path: walked.join(".") };
    current = step.value;
  }
  return { known: true, value: current };
}

/** The elements of a list at `path`: `undefined` when absent, `"unknown"` when the list itself is unknown. */
export function readList(obj: unknown, path: string): { known: false; path: string } | { known: true; items: Read[] | undefined; notAList: boolean } {
  const list = read(obj, path);
  if (!list.known) return list;
  if (list.value === undefined || list.value === null) return { known: true, items: undefined, notAList: false };
  if (!Array.isArray(list.value)) return { known: true, items: undefined, notAList: true };
  const items: Read[] = [];
  const length = list.value.length;
  for (let i = 0; i < length; i++) {
    const item = read(list.value, String(i));
    items.push(item.known ? item : { known: false, path: `${path}.${i}` });
  }
  return { known: true, items, notAList: false };
}

/** The keys of an object at `path` (never values), or undefined when it is not a known object. */
export function keysOf(obj: unknown, path?: string): string[] | undefined {
  const target = path === undefined ? { known: true as const, value: obj } : read(obj, path);
  if (!target.known || typeof target.value !== "object" || target.value === null || Array.isArray(target.value)) return undefined;
  return Object.keys(target.value);
}

/** A short description of a value's type for messages: never the value itself (it may be a secret). */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

/** Case-insensitive equality for identifiers (GUIDs, resource ids). */
export function sameId(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
