/**
 * Setup for the tests Stryker runs (vitest.stryker.config.mts). Stryker's vitest runner runs test files in worker
 * threads, not processes. Declaring a dynamic resource serializes its provider, and the SDK's closure serializer
 * `require`s every Node built-in module by name (node:module's `builtinModules`); `trace_events` throws
 * ERR_TRACE_EVENTS_UNAVAILABLE in a worker thread. It is no module a provider captures, so it is left out here.
 */
import Module from "node:module";

// Typed read-only, a writable property of the module object at run time (the array itself is frozen).
(Module as { builtinModules: readonly string[] }).builtinModules = Module.builtinModules.filter((name) => name !== "trace_events");
