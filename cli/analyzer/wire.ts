/**
 * Property values in Pulumi's wire encoding, as the engine sends them to an analyzer: plain JSON in a
 * `google.protobuf.Struct`, with secrets as signature objects and unknown values as sentinel strings
 * (@pulumi/pulumi runtime/rpc.ts: specialSigKey, specialSecretSig, unknownValue; the one copy of these constants is
 * WIRE_CONSTANTS in cli/sdkProbe.cjs, checked against the installed SDK).
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { WIRE_CONSTANTS } from "../plan/sdkInternals";

export const SIG_KEY = WIRE_CONSTANTS.specialSigKey;
export const SECRET_SIG = WIRE_CONSTANTS.specialSecretSig;
/** The engine's unknown value (preview): the pack reports any rule that reads it as undecided. */
export const UNKNOWN = WIRE_CONSTANTS.unknownValue;

/** A Pulumi secret in wire form: `{ [SIG_KEY]: SECRET_SIG, value }`. */
export interface WireSecret {
  readonly [key: string]: unknown;
  value: unknown;
}

/** Marks a value as a Pulumi secret for the pack (the pack sees it as secret; nothing here prints it). */
export function secret(value: unknown): WireSecret {
  return { [SIG_KEY]: SECRET_SIG, value };
}

export function isWireSecret(value: unknown): value is WireSecret {
  return typeof value === "object" && value !== null && !Array.isArray(value) && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** An error about a property value that names its path and what is wrong, never the value. */
export class WireValueError extends Error {
  constructor(path: string, problem: string) {
    super(`property ${path === "" ? "(root)" : path}: ${problem}`);
    this.name = "WireValueError";
  }
}

type PathPart = string | number;

/** `properties.value` / `redirectUris[0]` / `tags["entra-key-id"]` style paths into parts. */
export function parsePropertyPath(path: string): PathPart[] {
  const parts: PathPart[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else parts.push(m[3]);
  }
  return parts;
}

function formatPath(parts: readonly PathPart[]): string {
  return parts.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function matches(a: readonly PathPart[], b: readonly PathPart[]): boolean {
  return a.length === b.length && a.every((p, i) => String(p) === String(b[i]));
}

/**
 * Converts property values to their wire form: drops `undefined` object members (absent), keeps secrets and unknown
 * sentinels as they are, wraps the values at `secretPaths` as secrets, and rejects what JSON cannot carry.
 */
export function toWireProperties(properties: Readonly<Record<string, unknown>>, secretPaths: readonly string[] = []): Record<string, unknown> {
  const secrets = secretPaths.map(parsePropertyPath);
  const convert = (value: unknown, at: PathPart[]): unknown => {
    const inner = ((): unknown => {
      if (value === null || typeof value === "string" || typeof value === "boolean") return value;
      if (typeof value === "number") {
        if (!Number.isFinite(value)) throw new WireValueError(formatPath(at), "expected a finite number");
        return value;
      }
      if (Array.isArray(value)) return value.map((v, i) => (v === undefined ? null : convert(v, [...at, i])));
      if (typeof value === "object" && value !== null) {
        const proto = Object.getPrototypeOf(value) as unknown;
        if (proto !== Object.prototype && proto !== null) {
          throw new WireValueError(formatPath(at), `expected plain JSON data, got an instance of ${(value as object).constructor?.name ?? "a class"}`);
        }
        if (isWireSecret(value)) return { [SIG_KEY]: SECRET_SIG, value: convert(value.value, at) };
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = convert(v, [...at, k]);
        return out;
      }
      throw new WireValueError(formatPath(at), `expected JSON data, got a ${typeof value}`);
    })();
    if (at.length > 0 && secrets.some((s) => matches(s, at)) && !isWireSecret(inner)) return secret(inner);
    return inner;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(properties)) if (v !== undefined) out[k] = convert(v, [k]);
  return out;
}

export function toStruct(properties: Readonly<Record<string, unknown>>, secretPaths?: readonly string[]): Struct {
  // Struct.fromJavaScript's parameter type is narrower than what it accepts (any JSON value).
  return Struct.fromJavaScript(toWireProperties(properties, secretPaths) as Parameters<typeof Struct.fromJavaScript>[0]);
}

export function fromStruct(struct: Struct | undefined): Record<string, unknown> {
  return struct === undefined ? {} : (struct.toJavaScript() as Record<string, unknown>);
}
