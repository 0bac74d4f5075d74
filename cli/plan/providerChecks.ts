/**
 * Runs each dynamic resource's provider check on its inputs in the plan's program process, as `pulumi preview` does
 * before any policy (pulumi/pulumi pkg/resource/deploy/step_generator.go, continueStepsFromImport): the engine hands
 * the provider the inputs without secrets, takes the inputs its check returns (secretness put back), and passes those
 * to the analyzers. A check that fails marks the resource invalid; the plan reports the failures and exits 1.
 *
 * The provider is the one the program registered, found from its `__provider` input: the object itself while the
 * fingerprinting shortcut is on (sdkLoading.ts), otherwise the serialized closure loaded from that text exactly as
 * Pulumi's dynamic-provider host loads it (`require-from-string`, `.handler()`). A provider that cannot be found or
 * loaded stops the plan (exit 3): no dynamic resource is ever skipped.
 *
 * Failure messages come from provider code and may quote inputs: every secret value among the inputs is masked.
 */
import type { CheckFailure, RecordedResource } from "./model";
import { OFFLINE_PROVIDER_PREFIX, type DynamicProviderLike, type LightSdk } from "./sdkLoading";
import { annotateSecrets, DYNAMIC_PROVIDER_KEY, providerInputs, SECRET_MASK, secretStrings } from "./wire";

const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";

/** A resource of a dynamic provider (`pulumi.dynamic.Resource`): its type and the serialized provider it carries. */
export function isDynamicResource(resource: Pick<RecordedResource, "type" | "wireInputs">): boolean {
  return (resource.type === DYNAMIC_TYPE_PREFIX || resource.type.startsWith(`${DYNAMIC_TYPE_PREFIX}:`) || resource.type.startsWith(`${DYNAMIC_TYPE_PREFIX}/`)) && DYNAMIC_PROVIDER_KEY in resource.wireInputs;
}

/** Replaces every secret value in `text` by the mask (longest first, so that no part of a longer one stays). */
function masker(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s !== "" && s !== SECRET_MASK))].sort((a, b) => b.length - a.length);
  return (text) => values.reduce((out, secret) => out.split(secret).join(SECRET_MASK), text);
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

/** Thrown when the provider of a dynamic resource cannot be found or loaded: the plan stops. */
export class ProviderUnavailableError extends Error {
  constructor(urn: string, why: string) {
    super(`the offline plan could not run the provider check of ${urn}: ${why}`);
    this.name = "ProviderUnavailableError";
  }
}

/**
 * A `prepare` step for recordRegistrations: dynamic resources get their provider's check (inputs replaced by the
 * checked ones, failures attached); other resources pass unchanged.
 */
export function providerChecks(sdk: LightSdk): (resource: RecordedResource) => RecordedResource | Promise<RecordedResource> {
  const loaded = new Map<string, DynamicProviderLike>();
  let requireFromString: ((code: string) => { handler?: () => DynamicProviderLike }) | undefined;

  const providerFor = (urn: string, text: string): DynamicProviderLike => {
    const captured = sdk.providerFor(text);
    if (captured !== undefined) return captured;
    if (text.startsWith(OFFLINE_PROVIDER_PREFIX)) throw new ProviderUnavailableError(urn, "no provider was seen for its fingerprint (__provider)");
    let provider = loaded.get(text);
    if (provider === undefined) {
      try {
        // The dynamic-provider host's own loader, resolved from the SDK as the host resolves it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        requireFromString ??= require(require.resolve("require-from-string", { paths: [sdk.probe.sdkDir] })) as typeof requireFromString;
        const module = requireFromString!(text);
        if (typeof module.handler !== "function") throw new Error("its serialized code exports no handler");
        provider = module.handler();
      } catch (e) {
        throw new ProviderUnavailableError(urn, `its provider could not be loaded from __provider (${describeThrown(e)})`);
      }
      loaded.set(text, provider);
    }
    return provider;
  };

  const check = async (resource: RecordedResource): Promise<RecordedResource> => {
    const providerText = providerInputs(resource.wireInputs[DYNAMIC_PROVIDER_KEY]);
    if (typeof providerText !== "string" || providerText === "") {
      throw new ProviderUnavailableError(resource.urn, "its __provider input holds no provider code");
    }
    const provider = providerFor(resource.urn, providerText);
    const news = providerInputs(resource.wireInputs) as Record<string, unknown>;
    const mask = masker(secretStrings(resource.wireInputs));
    let wireInputs = resource.wireInputs;
    let failures: CheckFailure[];
    try {
      // Olds are empty: the offline plan has no state, so every resource is a create (as a preview of a new stack).
      const result = typeof provider.check === "function" ? await provider.check({}, news) : {};
      const { [DYNAMIC_PROVIDER_KEY]: _provider, ...checked } = (result?.inputs ?? news) as Record<string, unknown>;
      const merged = { ...annotateSecrets(checked, resource.wireInputs), [DYNAMIC_PROVIDER_KEY]: resource.wireInputs[DYNAMIC_PROVIDER_KEY] };
      // Keys in the order a protobuf Struct gives them (sorted), as the program's own inputs arrive.
      wireInputs = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      failures = failuresFrom(result?.failures);
    } catch (e) {
      failures = [{ property: "", reason: `the provider's check failed with ${describeThrown(e)}` }];
    }
    return { ...resource, wireInputs, checkFailures: failures.map((f) => ({ property: mask(f.property), reason: mask(f.reason) })) };
  };

  return (resource) => (isDynamicResource(resource) ? check(resource) : resource);
}
