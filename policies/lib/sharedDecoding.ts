/**
 * One decoding of a resource's properties per analyzer call, shared by every policy.
 *
 * The analyzer server (@pulumi/policy server.js) decodes a resource's properties from protobuf for each policy it runs:
 * in AnalyzeStack, the whole stack once per stack policy. Every policy of this pack takes part in AnalyzeStack (the
 * resource rules check this project's components there, and every policy reviews its exemptions), so a 200-client
 * stack was decoded fifteen times per call, most of AnalyzeStack's time (measured with --cpu-prof: docs/plan.md,
 * "Benchmark"). The server calls `deserializeProperties` through its module object, so it can be given one that
 * remembers its result per protobuf Struct: the same Struct object stands for the same resource throughout one call
 * (protobuf message wrappers are cached), and a new call brings new objects (held weakly: nothing outlives the call).
 *
 * Only the decoding the analysis uses (without secret proxies) is shared: Remediate's, which keeps secrets wrapped
 * for the values it writes back, is not. The shared object is read only: the server wraps it in a fresh read-only
 * proxy for each policy, and no rule of this pack writes to a resource's properties. If the SDK ever stops exposing
 * the function this way, nothing is shared and nothing changes but the speed.
 */
type Decode = (this: unknown, struct: unknown, proxySecrets: boolean) => unknown;

let installed = false;

export function shareDecodedProperties(): boolean {
  if (installed) return true;
  const decoding = require("@pulumi/policy/deserialize") as { deserializeProperties?: Decode };
  const original = decoding.deserializeProperties;
  if (typeof original !== "function" || original.length !== 2) return false;
  const decoded = new WeakMap<object, unknown>();
  decoding.deserializeProperties = function (this: unknown, struct: unknown, proxySecrets: boolean): unknown {
    if (proxySecrets || typeof struct !== "object" || struct === null) return original.call(this, struct, proxySecrets);
    if (decoded.has(struct)) return decoded.get(struct);
    const value = original.call(this, struct, proxySecrets);
    decoded.set(struct, value);
    return value;
  };
  installed = true;
  return true;
}
