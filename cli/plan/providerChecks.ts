/**
 * Runs each dynamic resource's provider check on its inputs in the plan's program process, as `pulumi preview` does
 * before any policy (pulumi/pulumi pkg/resource/deploy/step_generator.go, continueStepsFromImport): the engine hands
 * the dynamic-provider host the inputs without secrets, the host runs the provider's check (./providerHost.ts, its
 * copy of the host), and the engine takes the inputs it returns (secretness put back) and passes those to the
 * analyzers. Check failures mark the resource invalid: the plan reports them and exits 1.
 *
 * The provider is the one the program registered, found from its `__provider` input: the object itself while the
 * fingerprinting shortcut is on (sdkLoading.ts), otherwise the serialized closure loaded from that text exactly as
 * the host loads it. Nothing is skipped, and nothing the engine would fail on passes: a dynamic resource without a
 * provider that can be loaded, or whose check throws (in the engine a gRPC error that fails the preview at that
 * resource), stops the plan with exit code 3.
 *
 * Failure messages come from provider code and may quote inputs: every secret value among the inputs is masked.
 */
import type { CheckFailure, RecordedResource } from "./model";
import { providerHost, type HostEngine } from "./providerHost";
import { makeScrubber, type Scrubber } from "./scrub";
import { OFFLINE_PROVIDER_PREFIX } from "./providerFingerprint";
import type { DynamicProviderLike, LightSdk } from "./sdkLoading";
import { annotateSecrets, DYNAMIC_PROVIDER_KEY, providerInputs, secretStrings, UNKNOWN_VALUE } from "./wire";

const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";

/** A resource of a dynamic provider (`pulumi.dynamic.Resource`): its type alone says so, as for the engine. */
export function isDynamicResource(resource: Pick<RecordedResource, "type">): boolean {
  return resource.type === DYNAMIC_TYPE_PREFIX || resource.type.startsWith(`${DYNAMIC_TYPE_PREFIX}:`) || resource.type.startsWith(`${DYNAMIC_TYPE_PREFIX}/`);
}

function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return typeof e === "string" ? e : JSON.stringify(e) ?? String(e);
}

/** A check's failures as the engine reads them (property and reason strings). */
function failuresFrom(raw: unknown): CheckFailure[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return [{ property: "", reason: `the provider's check returned failures that are not a list (${typeof raw})` }];
  return raw.map((f: unknown) => {
    const { property, reason } = (typeof f === "object" && f !== null ? f : {}) as { property?: unknown; reason?: unknown };
    return { property: typeof property === "string" ? property : "", reason: typeof reason === "string" ? reason : describeThrown(f) };
  });
}

/** Thrown when the provider of a dynamic resource cannot be found or loaded: the plan stops (exit 3). */
export class ProviderUnavailableError extends Error {
  constructor(urn: string, why: string) {
    super(`the offline plan could not run the provider check of ${urn}: ${why}`);
    this.name = "ProviderUnavailableError";
  }
}

/** Thrown when a provider's check throws (as the host reports it to the engine): the plan stops (exit 3). */
export class ProviderCheckError extends Error {
  constructor(urn: string, thrown: string) {
    super(`the provider check of ${urn} failed with ${thrown}; pulumi preview fails at this resource too (the dynamic-provider host returns the error to the engine, which stops the preview)`);
    this.name = "ProviderCheckError";
  }
}

/**
 * The checked inputs in wire form, keys in the order the host's Struct gives them: the engine's annotateSecrets (the
 * secretness of the inputs put back), and `__provider` as the program registered it.
 */
function checkedWireInputs(checked: Record<string, unknown>, wireInputs: Record<string, unknown>): Record<string, unknown> {
  const { [DYNAMIC_PROVIDER_KEY]: _provider, ...rest } = checked;
  const annotated = annotateSecrets(rest, wireInputs);
  return Object.fromEntries(Object.keys(checked).map((k) => [k, k === DYNAMIC_PROVIDER_KEY ? wireInputs[DYNAMIC_PROVIDER_KEY] : annotated[k]]));
}

/**
 * A `prepare` step for recordRegistrations: dynamic resources get their provider's check (inputs replaced by the
 * checked ones, failures attached); other resources pass unchanged. `engine`: the config and project the host is
 * configured with.
 */
export function providerChecks(sdk: LightSdk, engine: HostEngine): (resource: RecordedResource) => RecordedResource | Promise<RecordedResource> {
  const host = providerHost(sdk.probe.sdkDir, engine);
  const loaded = new Map<string, DynamicProviderLike>();

  const providerFor = (urn: string, text: string): DynamicProviderLike => {
    const captured = sdk.providerFor(text);
    if (captured !== undefined) return captured;
    if (text.startsWith(OFFLINE_PROVIDER_PREFIX)) throw new ProviderUnavailableError(urn, "no provider was seen for its fingerprint (__provider)");
    let provider = loaded.get(text);
    if (provider === undefined) {
      try {
        provider = host.load(text);
      } catch (e) {
        throw new ProviderUnavailableError(urn, `its provider could not be loaded from __provider (${describeThrown(e)})`);
      }
      loaded.set(text, provider);
    }
    return provider;
  };

  const check = async (resource: RecordedResource): Promise<RecordedResource> => {
    if (!(DYNAMIC_PROVIDER_KEY in resource.wireInputs)) {
      throw new ProviderUnavailableError(resource.urn, "it has no __provider input (the serialized provider every dynamic resource carries)");
    }
    const providerText = providerInputs(resource.wireInputs[DYNAMIC_PROVIDER_KEY]);
    if (providerText === UNKNOWN_VALUE) throw new ProviderUnavailableError(resource.urn, "its __provider input is not known before apply");
    if (typeof providerText !== "string" || providerText === "") throw new ProviderUnavailableError(resource.urn, "its __provider input holds no provider code");
    const provider = providerFor(resource.urn, providerText);
    const mask: Scrubber = makeScrubber(secretStrings(resource.wireInputs));
    let result: { inputs: Record<string, unknown>; failures: unknown };
    try {
      // Olds are empty: the offline plan has no state, so every resource is a create (as a preview of a new stack).
      result = await host.check(provider, {}, providerInputs(resource.wireInputs) as Record<string, unknown>);
    } catch (e) {
      throw new ProviderCheckError(resource.urn, mask(describeThrown(e)));
    }
    return {
      ...resource,
      wireInputs: checkedWireInputs(result.inputs, resource.wireInputs),
      checkFailures: failuresFrom(result.failures).map((f) => ({ property: mask(f.property), reason: mask(f.reason) })),
    };
  };

  return (resource) => (isDynamicResource(resource) ? check(resource) : resource);
}
