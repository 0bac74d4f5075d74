// Run by test/plan/sdkLoading.test.ts as `node --require cli/analyzer/deferSdkModules.cjs <this file>`, the way a
// policy pack process starts: reports, as one JSON line, what loading the Pulumi SDK loaded, and that the deferred
// parts still work on first use.
"use strict";
const loaded = (part) => Object.keys(require.cache).some((file) => file.includes(part));
// The real v8Hooks module (it opens the debugger session) is in the module cache once loaded; its getScriptUrl takes
// one parameter, the stand-in's forwards any.
const v8HooksFile = require.resolve("@pulumi/pulumi/runtime/closure/v8Hooks");
const realV8HooksLoaded = () => require.cache[v8HooksFile]?.exports.getScriptUrl?.length === 1;

(async () => {
  require("@pulumi/pulumi");
  const v8Hooks = require("@pulumi/pulumi/runtime/closure/v8Hooks");
  await v8Hooks.isInitializedAsync(); // what run-policy-pack waits for before it loads the pack
  const atStart = { arborist: loaded("@npmcli/arborist"), debuggerSession: realV8HooksLoaded() };
  const session = await v8Hooks.getSessionAsync();
  const codePaths = require("@pulumi/pulumi/runtime/closure/codePaths");
  const workspaceRoot = await codePaths.findWorkspaceRoot(process.cwd());
  process.stdout.write(
    JSON.stringify({
      atStart,
      sessionOnFirstUse: typeof session?.post === "function" && realV8HooksLoaded(),
      arboristOnFirstUse: loaded("@npmcli/arborist"),
      workspaceRootType: workspaceRoot === null ? "null" : typeof workspaceRoot,
    }) + "\n",
  );
  process.exit(0);
})();
