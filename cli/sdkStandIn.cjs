// Deferred loading of Pulumi SDK modules a process never uses, for the offline plan's program process
// (cli/plan/sdkLoading.ts) and every policy pack process cli/analyzer.ts starts (preloaded as deferSdkModules.cjs).
// Plain CommonJS: in the pack it runs before run-policy-pack registers its TypeScript loader. Callers install a
// stand-in only after cli/sdkProbe.cjs found the module in the shape the stand-in copies.
"use strict";
const Module = require("node:module");

/** Puts `exports` into the module cache under `file`, so that `require(file)` returns it without loading the file. */
function cacheStandIn(file, exports) {
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = exports;
  require.cache[file] = standIn;
}

/**
 * A stand-in for `file` whose functions `names` load the real module on their first call and forward to it: nothing
 * changes for a caller, only the load moves from start-up to first use.
 */
function lazyStandIn(file, names) {
  const load = realModule(file);
  cacheStandIn(file, Object.fromEntries(names.map((name) => [name, (...args) => load()[name](...args)])));
}

/** Loads the real module behind a stand-in for `file`, once. */
function realModule(file) {
  let real;
  return () => {
    if (real === undefined) {
      delete require.cache[file];
      real = require(file);
    }
    return real;
  };
}

/**
 * Loads the real module behind the stand-in cached under `file`, once, and leaves the stand-in in the cache: for a
 * stand-in that handles the calls it knows and hands every other call to the real module.
 */
function realModuleBeside(file) {
  let real;
  return () => {
    if (real === undefined) {
      const standIn = require.cache[file];
      delete require.cache[file];
      try {
        real = require(file);
      } finally {
        if (standIn !== undefined) require.cache[file] = standIn;
      }
    }
    return real;
  };
}

/**
 * `@pulumi/pulumi/runtime/closure/codePaths` loads npm's Arborist (about 0.4 s) when the SDK loads, for packaging
 * function code; neither a plan's program nor a policy pack packages code. `fromDir`: where the SDK is resolved from.
 */
function deferCodePaths(fromDir) {
  const file = require.resolve("@pulumi/pulumi/runtime/closure/codePaths", { paths: [fromDir] });
  lazyStandIn(file, ["computeCodePaths", "findWorkspaceRoot"]);
}

/**
 * `@pulumi/pulumi/runtime/closure/v8Hooks` opens a V8 inspector session with the debugger enabled, which
 * run-policy-pack waits for before it loads the pack (cmd/run-policy-pack/index.js): closure serialization reads
 * function locations through it. A pack never serializes a closure, but with a debugger attached every script load
 * reports to it and every exception thrown goes through the debugger's catch prediction: CrossGuard's "not applicable"
 * is an exception, thrown per policy per resource. The stand-in opens the session on first use instead (the real
 * module's getSessionAsync does), and the wait at start-up returns at once.
 */
function deferInspectorSession(fromDir) {
  const file = require.resolve("@pulumi/pulumi/runtime/closure/v8Hooks", { paths: [fromDir] });
  const load = realModule(file);
  cacheStandIn(file, {
    isInitializedAsync: async () => undefined,
    getSessionAsync: (...args) => load().getSessionAsync(...args),
    getScriptUrl: (...args) => load().getScriptUrl(...args),
  });
}

module.exports = { cacheStandIn, realModuleBeside, deferCodePaths, deferInspectorSession };
