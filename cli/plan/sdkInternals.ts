/**
 * Typed access to cli/sdkProbe.cjs (the Pulumi SDK internals the plan relies on and their start-up checks; plain
 * CommonJS because the policy pack's preload uses it before any TypeScript loader), and the error that stops a plan
 * when a required internal is missing or changed (exit code 3, cli/plan/errors.ts).
 */

export type InternalId =
  | "serialize-closure"
  | "defer-code-paths"
  | "defer-inspector"
  | "no-promise-debugging"
  | "no-resource-stack-traces"
  | "recording-monitor"
  | "wire-encoding"
  | "dynamic-provider-host";

export interface SdkProbe {
  sdkDir: string;
  version: string;
  /** Why an internal cannot be relied on; absent when its check passed. */
  problems: Partial<Record<InternalId, string>>;
}

interface SdkProbeModule {
  VALIDATED_SDK_VERSION: string;
  INTERNALS: Record<InternalId, { process: string; does: string; required?: boolean }>;
  WIRE_CONSTANTS: {
    specialSigKey: string;
    specialSecretSig: string;
    specialResourceSig: string;
    specialAssetSig: string;
    specialArchiveSig: string;
    specialOutputValueSig: string;
    unknownValue: string;
  };
  sdkDirFrom(fromDir: string): string;
  sdkVersion(sdkDir: string): string;
  probeSdk(sdkDir: string, ids?: readonly InternalId[]): SdkProbe;
  shortcutOffWarning(id: InternalId, problem: string, version: string): string;
  requiredInternalMessage(id: InternalId, problem: string, version: string): string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const probe = require("../sdkProbe.cjs") as SdkProbeModule;

export const { VALIDATED_SDK_VERSION, INTERNALS, WIRE_CONSTANTS, sdkDirFrom, sdkVersion, probeSdk, shortcutOffWarning, requiredInternalMessage } = probe;

/** A required SDK internal is missing or has changed: the plan stops (exit 3) instead of giving a wrong result. */
export class SdkInternalsError extends Error {
  constructor(id: InternalId, problem: string, version: string) {
    super(requiredInternalMessage(id, problem, version));
    this.name = "SdkInternalsError";
  }
}
