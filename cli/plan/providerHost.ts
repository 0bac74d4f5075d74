/**
 * What Pulumi's dynamic-provider host (@pulumi/pulumi cmd/dynamic-provider/index.js, the process the engine starts for
 * `pulumi-nodejs:dynamic` resources) does when the engine asks it to check a resource's inputs, copied for the offline
 * plan's program process. The copy is checked against the installed SDK at start-up ("dynamic-provider-host" in
 * cli/sdkProbe.cjs; a change stops the plan with exit code 3):
 *
 * - a provider is loaded from its serialized text with the host's own `require-from-string`, as
 *   `requireFromString(__provider).handler()`, and, if it has `configure`, configured once with
 *   `{ config: new Config(<the engine's config>, <project>) }` (the host's Config class) before its first call;
 * - `check(olds, news)` gets both as the host reads them from the engine's protobuf Structs (JSON values only, keys
 *   sorted at every level); the inputs it returns (or `news`, when it returns none or has no check) get `__provider`
 *   back and go to the engine as a protobuf Struct, which takes JSON values only: a check that returns anything else
 *   fails, as it fails in the host (and so the preview).
 *
 * Everything is resolved from the SDK's own directory, as the host resolves it.
 */
import * as path from "node:path";
import type { DynamicProviderLike } from "./sdkLoading";
import { DYNAMIC_PROVIDER_KEY } from "./wire";

type JsonObject = Record<string, unknown>;

/** The parts of the SDK's protobuf Struct (google-protobuf, as the SDK's generated code loads it) used here. */
interface StructModule {
  Struct: { fromJavaScript(value: JsonObject): { toJavaScript(): JsonObject } };
}

/** The engine's side of a preview that the host sees: the stack's config (namespaced keys) and the project. */
export interface HostEngine {
  config: Record<string, string>;
  project: string;
}

export interface ProviderHost {
  /** The provider serialized in `text`, loaded as the host loads it (not configured yet). */
  load(text: string): DynamicProviderLike;
  /** The host's Check: configures the provider on its first call, then checks. Throws what the host would fail with. */
  check(provider: DynamicProviderLike, olds: JsonObject, news: JsonObject): Promise<{ inputs: JsonObject; failures: unknown }>;
}

/** `value` through a protobuf Struct and back, as it travels between the engine and the host. */
function viaStruct(structs: StructModule, value: JsonObject, what: string): JsonObject {
  try {
    return structs.Struct.fromJavaScript(value).toJavaScript();
  } catch (e) {
    throw new Error(`${what} cannot travel as a protobuf Struct, which holds JSON values only (not undefined, functions or class instances): ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function providerHost(sdkDir: string, engine: HostEngine): ProviderHost {
  // The host's own modules, resolved from the SDK as the host resolves them; loaded on first use.
  const load = <T>(id: string): T =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(require.resolve(id, { paths: [sdkDir] })) as T;
  let structs: StructModule | undefined;
  const configured = new WeakMap<DynamicProviderLike, Promise<void>>();

  const configure = (provider: DynamicProviderLike): Promise<void> => {
    let done = configured.get(provider);
    if (done === undefined) {
      done = (async () => {
        if (typeof provider.configure !== "function") return;
        const { Config } = load<{ Config: new (rawConfig: Record<string, string>, projectName: string) => unknown }>(path.join(sdkDir, "cmd", "dynamic-provider", "config.js"));
        await provider.configure({ config: new Config({ ...engine.config }, engine.project) });
      })();
      configured.set(provider, done);
    }
    return done;
  };

  return {
    load(text) {
      const requireFromString = load<(code: string) => { handler?: unknown }>("require-from-string");
      const module = requireFromString(text);
      if (typeof module.handler !== "function") throw new Error("its serialized code exports no handler");
      return (module.handler as () => DynamicProviderLike)();
    },

    async check(provider, oldsIn, newsIn) {
      structs ??= load<StructModule>("google-protobuf/google/protobuf/struct_pb");
      const olds = viaStruct(structs, oldsIn, "the old inputs");
      const news = viaStruct(structs, newsIn, "the inputs");
      await configure(provider);
      let inputs = news;
      let failures: unknown = [];
      if (provider.check) {
        const result = await provider.check(olds, news);
        if (result.inputs) inputs = result.inputs;
        if (result.failures) failures = result.failures;
      }
      inputs[DYNAMIC_PROVIDER_KEY] = news[DYNAMIC_PROVIDER_KEY];
      return { inputs: viaStruct(structs, inputs, "the inputs its check returned"), failures };
    },
  };
}
