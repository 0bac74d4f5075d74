/**
 * A lighter start of the Pulumi SDK for the offline plan (child process only). Measured with `node --cpu-prof`
 * (docs/plan.md "Benchmark"), two parts of `@pulumi/pulumi` took most of the plan's time without serving it:
 *
 * - `runtime/closure/serializeClosure` loads the TypeScript compiler and the V8 inspector at start-up, and
 *   `pulumi.dynamic.Resource` then uses them to serialize its provider's closure into the `__provider` input.
 *   The plan never shows that code (`__provider` is displayed as "(dynamic provider code)"), so a stand-in makes
 *   `__provider` a fingerprint of the provider's method sources instead: it still changes when the provider's code
 *   changes, so the diff reports it. Whether the closure serializes is checked where it matters: the dynamic
 *   provider's own tests and `pulumi preview` in CI.
 * - `runtime/closure/codePaths` loads npm's Arborist at start-up, for packaging function code, which a plan never
 *   does. Its stand-in (cli/sdkStandIn.cjs, shared with the policy pack's start) loads the real module on first use,
 *   so nothing changes if something does call it.
 *
 * Both stand-ins go into the module cache under the real modules' paths (resolved from the program's directory)
 * before the SDK loads. Once the SDK has loaded, `lightenLoadedSdk` and the `withoutAliases` transformation remove
 * per-resource costs that only serve the engine.
 */
import { createHash } from "node:crypto";

// Shared with the policy pack's preload (cli/analyzer/deferSdkModules.cjs): plain CommonJS, typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheStandIn, deferCodePaths } = require("../sdkStandIn.cjs") as {
  cacheStandIn(file: string, exports: Record<string, unknown>): void;
  deferCodePaths(fromDir: string): void;
};

export const OFFLINE_PROVIDER_PREFIX = "offline-plan:dynamic-provider-fingerprint:";

/** The subset of the SDK's SerializedFunction that `pulumi.dynamic` reads. */
interface SerializedFunction {
  text: string;
  exportName: string;
  containsSecrets: boolean;
}

/** sha256 over the provider's method names and sources: stable for unchanged code, different after any edit. */
export function providerFingerprint(provider: unknown): string {
  const hash = createHash("sha256");
  if (typeof provider === "object" && provider !== null) {
    for (const key of Object.keys(provider).sort()) {
      const value = (provider as Record<string, unknown>)[key];
      hash.update(`${key}\n${typeof value === "function" ? value.toString() : typeof value}\n`);
    }
  } else {
    hash.update(String(provider));
  }
  return `${OFFLINE_PROVIDER_PREFIX}${hash.digest("hex")}`;
}

async function serializeFunction(func: () => unknown): Promise<SerializedFunction> {
  // pulumi.dynamic passes `() => provider`.
  return { text: providerFingerprint(func()), exportName: "handler", containsSecrets: false };
}

/** Installs both stand-ins for the SDK that `programDir` resolves. Call before loading the SDK. */
export function installLightSdk(programDir: string): void {
  const resolve = (id: string): string => require.resolve(id, { paths: [programDir] });
  cacheStandIn(resolve("@pulumi/pulumi/runtime/closure/serializeClosure"), { serializeFunction, serializeFunctionAsync: serializeFunction });
  deferCodePaths(programDir);
}

/**
 * After the SDK has loaded, two per-resource debugging aids go, both pure overhead offline and together the largest
 * cost left at a few thousand resources (stack traces, and the garbage they leave):
 * - `debuggablePromise` (runtime/debuggable) wraps every internal promise to capture a stack trace for leak reports
 *   at process exit; the plan disconnects explicitly and never reports leaks, so promises pass through unchanged.
 * - `Resource.stackTrace` captures an unbounded stack trace per resource for the engine's source positions; the
 *   plan has no engine, so it returns none.
 */
export function lightenLoadedSdk(programDir: string): void {
  const load = <T>(id: string): T =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(require.resolve(id, { paths: [programDir] })) as T;
  const debuggable = load<{ debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T> }>("@pulumi/pulumi/runtime/debuggable");
  debuggable.debuggablePromise = (p) => p;
  const resource = load<{ Resource: { stackTrace: (skip: number) => unknown[] } }>("@pulumi/pulumi/resource");
  resource.Resource.stackTrace = () => [];
}

/** The parts of a legacy stack transformation's argument and result that withoutAliases reads and returns. */
interface TransformationArgs<P, O extends { aliases?: unknown }> {
  props: P;
  opts: O;
}

/**
 * A stack transformation (registered by the plan's child before the program runs) that drops every resource's
 * `aliases`. Alias URNs only serve the engine, to match a resource against state recorded under an earlier name or
 * type; the offline plan has no state and records no aliases. They are the largest cost of a plan: each Key Vault
 * secret carries one alias per older API version of `azure-native:keyvault` (20 in 3.28.0), and the SDK turns each
 * into a chain of Outputs (collapseAliasToUrn, createUrn) — about 8,000 alias URNs for 200 clients, measured at more
 * than half of the program's run time (docs/plan.md "Benchmark").
 */
export function withoutAliases<P, O extends { aliases?: unknown }>(args: TransformationArgs<P, O>): TransformationArgs<P, O> {
  if (args.opts.aliases === undefined) return args;
  const { aliases: _dropped, ...opts } = args.opts;
  return { props: args.props, opts: opts as O };
}
