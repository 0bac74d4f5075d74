/**
 * The pack refuses an invalid config at Configure, before it analyses anything: names that are not policies of the
 * pack, unknown settings, wrong types and values out of range (./configCheck.ts). The Pulumi CLI prints the refusal
 * as `configuring policy pack "k2-oauth" at "<dir>": <problems>` and stops the preview; `npm run plan` exits 2 with it.
 *
 * Why here: @pulumi/policy 1.21.0 stores the Configure payload in a module-private variable and gives each policy
 * only its own entry, so no policy can see a misspelled policy name, and a policy that is disabled never runs. The
 * analyzer server registers its handlers with `@grpc/grpc-js`'s `Server.prototype.addService` while the PolicyPack
 * constructor runs (@pulumi/policy server.js `serve`); for that one call the gate wraps the `configure` handler. If
 * the SDK ever registers its service differently, the pack stops at start-up instead of accepting config unchecked.
 */
import { createRequire } from "node:module";
import type { Policy } from "@pulumi/policy";
import { now } from "./clock";
import { packConfigProblems, formatConfigProblems, type ConfiguredPolicy, type PolicySettings } from "./configCheck";
import { settingsOf } from "./define";

/** What the gate uses of a Configure request (`pulumirpc.ConfigureAnalyzerRequest`). */
interface ConfigureRequest {
  getPolicyconfigMap(): { entries(): Iterable<[string, { getEnforcementlevel(): number; getProperties(): { toJavaScript(): Record<string, unknown> } | undefined }]> };
}
type Handler = (this: unknown, call: { request: ConfigureRequest }, callback: (error: { code: number; details: string } | null, value?: unknown) => void) => unknown;
interface Grpc {
  Server: { prototype: { addService(this: unknown, service: unknown, implementation: Record<string, unknown>): void } };
  status: { INVALID_ARGUMENT: number; INTERNAL: number };
}

/** pulumirpc.EnforcementLevel (analyzer.proto). */
const LEVELS: Readonly<Record<number, string>> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };

function payloadOf(request: ConfigureRequest): Record<string, ConfiguredPolicy> {
  const payload: Record<string, ConfiguredPolicy> = {};
  for (const [name, config] of request.getPolicyconfigMap().entries()) {
    payload[name] = { enforcementLevel: LEVELS[config.getEnforcementlevel()] ?? "unknown", properties: config.getProperties()?.toJavaScript() ?? {} };
  }
  return payload;
}

/** The Configure handler, checking the payload first. */
function gated(configure: Handler, packName: string, policies: readonly PolicySettings[], grpc: Grpc): Handler {
  return function (this: unknown, call, callback) {
    let problems: string[];
    try {
      problems = packConfigProblems(packName, policies, payloadOf(call.request), now());
    } catch (e) {
      callback({ code: grpc.status.INTERNAL, details: `${packName} could not check its config (${e instanceof Error ? e.message : typeof e}); refusing it rather than running unchecked` });
      return undefined;
    }
    if (problems.length > 0) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: formatConfigProblems(problems) });
      return undefined;
    }
    return configure.call(this, call, callback);
  };
}

/**
 * Runs `construct` (which constructs the PolicyPack and with it the analyzer server) with the Configure handler
 * gated. Throws when the server was not registered as expected.
 */
export function withConfigGate(packName: string, policies: readonly Policy[], construct: () => void): void {
  // The @grpc/grpc-js that @pulumi/policy itself loads (not a copy this pack might resolve elsewhere).
  const grpc = createRequire(require.resolve("@pulumi/policy"))("@grpc/grpc-js") as Grpc;
  const settings: PolicySettings[] = policies.map((p) => ({ name: p.name, settings: settingsOf(p) }));
  const prototype = grpc.Server.prototype;
  const addService = prototype.addService;
  let gatedServices = 0;
  prototype.addService = function (this: unknown, service: unknown, implementation: Record<string, unknown>) {
    if (typeof implementation?.configure === "function" && typeof implementation.analyze === "function") {
      gatedServices++;
      return addService.call(this, service, { ...implementation, configure: gated(implementation.configure as Handler, packName, settings, grpc) });
    }
    return addService.call(this, service, implementation);
  };
  try {
    construct();
  } finally {
    prototype.addService = addService;
  }
  if (gatedServices !== 1) {
    throw new Error(
      `${packName}: @pulumi/policy registered ${gatedServices} analyzer services instead of one, so the pack cannot check its config at Configure; it stops rather than accept config unchecked (this pack is made for @pulumi/policy 1.21.0)`,
    );
  }
}
