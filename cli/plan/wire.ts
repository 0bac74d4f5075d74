/**
 * Pulumi's property wire encoding (the form resource inputs take on the resource-monitor and analyzer protocols),
 * and its conversion to display values with every secret masked.
 *
 * The constants are the SDK's (`@pulumi/pulumi/runtime/rpc`); they are copied rather than imported because loading
 * that module pulls in most of the SDK, which the plan's parent process never needs. test/plan/wire.test.ts checks
 * that they still match.
 */
import { SECRET_PLACEHOLDER } from "../stackFile";

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

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
