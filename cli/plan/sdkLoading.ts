/**
 * A lighter start of the Pulumi SDK for the offline plan (child process only). Measured with `node --cpu-prof`
 * (docs/plan.md "Benchmark"), two parts of `@pulumi/pulumi` took most of the plan's time without serving it:
 *
 * - `runtime/closure/serializeClosure` loads the TypeScript compiler and the V8 inspector at start-up, and
 *   `pulumi.dynamic.Resource` then uses them to serialize its provider's closure into the `__provider` input.
 *   The plan never shows that code (`__provider` is displayed as "(dynamic provider code)"), so a stand-in makes
 *   `__provider` a fingerprint of the code the provider reaches instead (./providerFingerprint.ts: its methods and the
 *   project modules it uses): it changes when that code changes, so the diff reports it. The stand-in keeps the provider object it was given, so that the plan runs the
 *   provider's check on the resource's inputs as a preview does (providerChecks.ts). Whether the closure serializes is
 *   checked where it matters: test/k2/serializedProvider.test.ts and `pulumi preview` in CI.
 * - `runtime/closure/codePaths` loads npm's Arborist at start-up, for packaging function code, which a plan never
 *   does. Its stand-in (cli/sdkStandIn.cjs, shared with the policy pack's start) loads the real module on first use,
 *   so nothing changes if something does call it.
 *
 * Both stand-ins go into the module cache under the real modules' paths (resolved from the program's directory)
 * before the SDK loads. Once the SDK has loaded, `lightenLoadedSdk` and the `withoutAliases` transformation remove
 * per-resource costs that only serve the engine.
 *
 * No silent fall-back: every internal these shortcuts rely on is checked first (cli/sdkProbe.cjs). A shortcut whose
 * check fails is not used (the SDK's own code runs: slower, same results) and the plan says so in its warnings; a
 * required internal that fails stops the plan (SdkInternalsError, exit code 3).
 */
import { providerFingerprint } from "./providerFingerprint";
import { probeSdk, sdkDirFrom, SdkInternalsError, shortcutOffWarning, type InternalId, type SdkProbe } from "./sdkInternals";

// Shared with the policy pack's preload (cli/analyzer/deferSdkModules.cjs): plain CommonJS, typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheStandIn, realModuleBeside, deferCodePaths } = require("../sdkStandIn.cjs") as {
  cacheStandIn(file: string, exports: Record<string, unknown>): void;
  realModuleBeside(file: string): () => Record<string, unknown>;
  deferCodePaths(fromDir: string): void;
};

/** A dynamic provider object, as `pulumi.dynamic.Resource` receives it (only what the plan calls is typed). */
export interface DynamicProviderLike {
  configure?(req: { config: unknown }): Promise<void>;
  check?(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs?: Record<string, unknown>; failures?: unknown[] }>;
  create(inputs: Record<string, unknown>): Promise<unknown>;
}

/** The subset of the SDK's SerializedFunction that `pulumi.dynamic` reads. */
interface SerializedFunction {
  text: string;
  exportName: string;
  containsSecrets: boolean;
}

/**
 * The provider, when `serializeFunction` is called as `pulumi.dynamic.Resource` calls it (checked by sdkProbe.cjs):
 * `serializeFunction(() => provider, { allowSecrets: true })`. Any other call goes to the SDK's own serializer.
 */
function dynamicProviderOf(func: unknown, args: unknown): DynamicProviderLike | undefined {
  if (typeof func !== "function" || func.length !== 0) return undefined;
  if (typeof args !== "object" || args === null || Object.keys(args).join(",") !== "allowSecrets" || (args as { allowSecrets?: unknown }).allowSecrets !== true) {
    return undefined;
  }
  const provider: unknown = (func as () => unknown)();
  return typeof provider === "object" && provider !== null && typeof (provider as { create?: unknown }).create === "function" ? (provider as DynamicProviderLike) : undefined;
}

/** The program process's SDK set-up: what the probe found, what was said about it, and the providers seen. */
export interface LightSdk {
  probe: SdkProbe;
  /** One line per shortcut that is off, for the plan's warnings. */
  warnings: string[];
  /** The provider object behind a `__provider` fingerprint (only while the "serialize-closure" shortcut is on). */
  providerFor(text: string): DynamicProviderLike | undefined;
}

/** Stops on a required internal that fails its check. */
function requireInternal(probe: SdkProbe, id: InternalId): void {
  const problem = probe.problems[id];
  if (problem !== undefined) throw new SdkInternalsError(id, problem, probe.version);
}

/** Installs the fingerprinting stand-in for serializeClosure (its other export goes to the real module). */
function installFingerprinting(file: string, providers: Map<string, DynamicProviderLike>): void {
  const real = realModuleBeside(file);
  const byFingerprint = new Map<string, DynamicProviderLike[]>();
  const serializeFunction = async (func: unknown, args?: unknown): Promise<SerializedFunction> => {
    const provider = dynamicProviderOf(func, args);
    const base = provider === undefined ? undefined : providerFingerprint(provider);
    // Anything else, and a provider whose code cannot be located, goes to the SDK's own serializer.
    if (provider === undefined || base === undefined) return (real().serializeFunction as (f: unknown, a: unknown) => Promise<SerializedFunction>)(func, args);
    // Providers with the same code but different captured state (options) stay apart: #1, #2... after the first.
    const seen = byFingerprint.get(base) ?? [];
    let index = seen.indexOf(provider);
    if (index < 0) {
      index = seen.push(provider) - 1;
      byFingerprint.set(base, seen);
    }
    const text = index === 0 ? base : `${base}#${index}`;
    providers.set(text, provider);
    return { text, exportName: "handler", containsSecrets: false };
  };
  const serializeFunctionAsync = (...args: unknown[]): unknown => (real().serializeFunctionAsync as (...a: unknown[]) => unknown)(...args);
  cacheStandIn(file, { serializeFunction, serializeFunctionAsync });
}

/**
 * Checks the SDK that `programDir` resolves and installs the stand-ins whose checks pass. Call before loading the
 * SDK. Throws SdkInternalsError when a required internal fails its check.
 */
export function installLightSdk(programDir: string): LightSdk {
  const probe = probeSdk(sdkDirFrom(programDir));
  requireInternal(probe, "recording-monitor");
  requireInternal(probe, "wire-encoding");
  requireInternal(probe, "dynamic-provider-host");
  const warnings: string[] = [];
  const isOn = (id: InternalId): boolean => {
    const problem = probe.problems[id];
    if (problem !== undefined) warnings.push(shortcutOffWarning(id, problem, probe.version));
    return problem === undefined;
  };
  const providers = new Map<string, DynamicProviderLike>();
  if (isOn("serialize-closure")) installFingerprinting(require.resolve("@pulumi/pulumi/runtime/closure/serializeClosure", { paths: [programDir] }), providers);
  if (isOn("defer-code-paths")) deferCodePaths(programDir);
  return { probe, warnings, providerFor: (text) => providers.get(text) };
}

/**
 * After the SDK has loaded, two per-resource debugging aids go, both pure overhead offline and together the largest
 * cost left at a few thousand resources (stack traces, and the garbage they leave):
 * - `debuggablePromise` (runtime/debuggable) wraps every internal promise to capture a stack trace for leak reports
 *   at process exit; the plan disconnects explicitly and never reports leaks, so promises pass through unchanged.
 * - `Resource.stackTrace` captures an unbounded stack trace per resource for the engine's source positions; the
 *   plan has no engine, so it returns none.
 * Each is replaced only when the probe's check passed and the loaded function has the checked shape; otherwise a
 * warning is added to `sdk.warnings`.
 */
export function lightenLoadedSdk(programDir: string, sdk: LightSdk): void {
  const load = <T>(id: string): T =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(require.resolve(id, { paths: [programDir] })) as T;
  const replace = (id: InternalId, loaded: () => { current: unknown; arity: number; set: () => void }): void => {
    let problem = sdk.probe.problems[id];
    if (problem === undefined) {
      const target = loaded();
      if (typeof target.current !== "function" || target.current.length !== target.arity) problem = `the loaded function does not take ${target.arity} parameter${target.arity === 1 ? "" : "s"}`;
      else target.set();
    }
    if (problem !== undefined) sdk.warnings.push(shortcutOffWarning(id, problem, sdk.probe.version));
  };
  replace("no-promise-debugging", () => {
    const debuggable = load<{ debuggablePromise: unknown }>("@pulumi/pulumi/runtime/debuggable");
    return { current: debuggable.debuggablePromise, arity: 2, set: () => (debuggable.debuggablePromise = <T>(p: Promise<T>) => p) };
  });
  replace("no-resource-stack-traces", () => {
    const resource = load<{ Resource: { stackTrace: unknown } }>("@pulumi/pulumi/resource").Resource;
    return { current: resource.stackTrace, arity: 1, set: () => (resource.stackTrace = () => []) };
  });
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
