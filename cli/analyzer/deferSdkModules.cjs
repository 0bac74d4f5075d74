// Preloaded (node --require) into every policy pack process cli/analyzer.ts starts, before run-policy-pack
// (process.argv[1]) loads the Pulumi SDK: two parts of the SDK that a policy pack never uses, npm's Arborist (for
// packaging function code) and a V8 inspector session with the debugger enabled (for serializing closures), start on
// first use instead of at start-up (cli/sdkStandIn.cjs). Measured (docs/plan.md "Benchmark"): the pack starts in
// ~0.7 s instead of ~1.4 s, and a "not applicable" answer costs less than half. The pack's code, argv, environment and
// working directory are unchanged; what it reports is the same.
"use strict";
const path = require("node:path");
const { deferCodePaths, deferInspectorSession } = require("../sdkStandIn.cjs");

// run-policy-pack's own copy of the SDK (the one it loads), resolved from its directory.
const sdkFrom = process.argv[1] !== undefined ? path.dirname(process.argv[1]) : undefined;
for (const defer of [deferCodePaths, deferInspectorSession]) {
  try {
    if (sdkFrom !== undefined) defer(sdkFrom);
  } catch {
    // An SDK without that module: nothing to defer, the pack starts as usual.
  }
}
