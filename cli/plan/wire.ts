/**
 * Pulumi's property wire encoding (the form resource inputs take on the resource-monitor and analyzer protocols),
 * and its conversion to display values with every secret masked.
 *
 * The constants are the SDK's (`@pulumi/pulumi/runtime/rpc`); they are copied (cli/sdkProbe.cjs, WIRE_CONSTANTS)
 * rather than imported because loading that module pulls in most of the SDK, which the plan's parent process never
 * needs. The plan's program process checks at start that the SDK still uses them ("wire-encoding"), and
 * test/plan/units.test.ts compares them with the installed SDK.
 */
import { SECRET_PLACEHOLDER } from "../secretPlaceholder";
import { WIRE_CONSTANTS } from "./sdkInternals";

export const SIG_KEY = WIRE_CONSTANTS.specialSigKey;
export const SECRET_SIG = WIRE_CONSTANTS.specialSecretSig;
export const RESOURCE_SIG = WIRE_CONSTANTS.specialResourceSig;
export const ASSET_SIG = WIRE_CONSTANTS.specialAssetSig;
export const ARCHIVE_SIG = WIRE_CONSTANTS.specialArchiveSig;
export const OUTPUT_VALUE_SIG = WIRE_CONSTANTS.specialOutputValueSig;
export const UNKNOWN_VALUE = WIRE_CONSTANTS.unknownValue;

/** How a secret is shown in every format. Same text as a `secure:` config placeholder. */
export const SECRET_MASK = SECRET_PLACEHOLDER;
/** How a value only the cloud can know (an output of a resource not yet created) is shown. */
export const UNKNOWN_MASK = "(known after apply)";
/** The serialized code of a dynamic provider (`__provider`): never shown, it can capture anything. */
export const DYNAMIC_PROVIDER_KEY = "__provider";
export const DYNAMIC_PROVIDER_MASK = "(dynamic provider code)";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function signatureOf(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const sig = value[SIG_KEY];
  return typeof sig === "string" ? sig : undefined;
}

export function isWireSecret(value: unknown): boolean {
  return signatureOf(value) === SECRET_SIG;
}

/**
 * A wire value made presentable: secrets become `[secret]`, unknowns `(known after apply)`, resource references
 * their URN, output values their (masked) value. Any value under a secret, however deep, is masked with it.
 */
export function displayValue(value: unknown): unknown {
  if (value === UNKNOWN_VALUE) return UNKNOWN_MASK;
  if (Array.isArray(value)) return value.map(displayValue);
  if (!isRecord(value)) return value;
  switch (signatureOf(value)) {
    case SECRET_SIG:
      return SECRET_MASK;
    case RESOURCE_SIG:
      return typeof value.urn === "string" ? value.urn : UNKNOWN_MASK;
    case OUTPUT_VALUE_SIG:
      if (value.secret === true) return SECRET_MASK;
      return "value" in value ? displayValue(value.value) : UNKNOWN_MASK;
    case ASSET_SIG:
    case ARCHIVE_SIG:
      return "(asset)";
    default: {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = displayValue(v);
      return out;
    }
  }
}

/** The display form of a resource's inputs; the dynamic provider's serialized code is replaced by a marker. */
export function displayInputs(wireInputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(wireInputs)) {
    out[k] = k === DYNAMIC_PROVIDER_KEY ? (isWireSecret(v) ? SECRET_MASK : DYNAMIC_PROVIDER_MASK) : displayValue(v);
  }
  return out;
}

/**
 * Inputs as the engine hands them to a dynamic provider's Check during a preview (the dynamic-provider host accepts no
 * secrets and no resource references): secrets unwrapped, unknowns kept as the unknown sentinel, resource references
 * as their id (custom resources) or URN (components), output values as their value or unknown.
 */
export function providerInputs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(providerInputs);
  if (!isRecord(value)) return value;
  switch (signatureOf(value)) {
    case SECRET_SIG:
      return providerInputs(value.value);
    case RESOURCE_SIG:
      return typeof value.id === "string" && value.id !== "" ? value.id : value.urn;
    case OUTPUT_VALUE_SIG:
      return "value" in value ? providerInputs(value.value) : UNKNOWN_VALUE;
    case ASSET_SIG:
    case ARCHIVE_SIG:
      return value;
    default: {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = providerInputs(v);
      return out;
    }
  }
}

function containsSecrets(value: unknown): boolean {
  if (isWireSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecrets);
  if (isRecord(value) && signatureOf(value) === OUTPUT_VALUE_SIG) return value.secret === true || containsSecrets(value.value);
  return isRecord(value) && signatureOf(value) === undefined && Object.values(value).some(containsSecrets);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && signatureOf(value) === undefined;
}

/**
 * The engine's `annotateSecrets` (pulumi/pulumi sdk/go/common/resource/plugin/provider_plugin.go): the inputs a
 * provider returned (`outs`, plain values) with the secretness of the inputs it was given (`ins`, wire form) put back:
 * where both are objects it recurses, otherwise a value whose input held a secret becomes a secret as a whole.
 */
export function annotateSecrets(outs: Record<string, unknown>, ins: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...outs };
  for (const [key, inValue] of Object.entries(ins)) {
    if (!(key in result)) continue;
    const outValue = result[key];
    if (isPlainObject(outValue) && isPlainObject(inValue)) result[key] = annotateSecrets(outValue, inValue);
    else if (!isWireSecret(outValue) && containsSecrets(inValue)) result[key] = { [SIG_KEY]: SECRET_SIG, value: outValue };
  }
  return result;
}

/** Every string held under a secret in a wire value, however deep: what a message about these inputs must not show. */
export function secretStrings(value: unknown, underSecret = false): string[] {
  if (typeof value === "string") return underSecret ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => secretStrings(v, underSecret));
  if (!isRecord(value)) return [];
  const secret = underSecret || isWireSecret(value) || (signatureOf(value) === OUTPUT_VALUE_SIG && value.secret === true);
  return Object.entries(value).flatMap(([k, v]) => (k === SIG_KEY ? [] : secretStrings(v, secret)));
}
