// Preloaded (node --require) into every policy pack process cli/analyzer.ts starts, before run-policy-pack
// (process.argv[1]) loads the Pulumi SDK: two parts of the SDK that a policy pack never uses, npm's Arborist (for
// packaging function code) and a V8 inspector session with the debugger enabled (for serializing closures), start on
// first use instead of at start-up (cli/sdkStandIn.cjs). Measured (docs/plan.md "Benchmark"): the pack starts in
// ~0.7 s instead of ~1.4 s, and a "not applicable" answer costs less than half. The pack's code, argv, environment and
// working directory are unchanged; what it reports is the same.
//
// Each deferral is used only when cli/sdkProbe.cjs finds the SDK's module in the shape the stand-in copies; otherwise
// the pack starts as usual and says so on stdout as a warning line (the plan shows it among its warnings).
"use strict";
const path = require("node:path");
const { probeSdk, sdkDirFrom, shortcutOffWarning } = require("../sdkProbe.cjs");
const { deferCodePaths, deferInspectorSession } = require("../sdkStandIn.cjs");

// run-policy-pack's own copy of the SDK (the one it loads), resolved from its directory.
const sdkFrom = process.argv[1] !== undefined ? path.dirname(process.argv[1]) : undefined;
const deferrals = { "defer-code-paths": deferCodePaths, "defer-inspector": deferInspectorSession };

if (sdkFrom !== undefined) {
  let probe;
  try {
    probe = probeSdk(sdkDirFrom(sdkFrom), Object.keys(deferrals));
  } catch {
    // No SDK found from there: nothing to defer; run-policy-pack reports what is missing.
  }
  if (probe !== undefined) {
    for (const [id, defer] of Object.entries(deferrals)) {
      const problem = probe.problems[id];
      if (problem === undefined) defer(sdkFrom);
      else process.stdout.write(`warning: ${shortcutOffWarning(id, problem, probe.version)}\n`);
    }
  }
}
