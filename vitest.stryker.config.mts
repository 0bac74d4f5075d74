/**
 * The tests Stryker runs against each mutant (stryker.config.mjs). A dedicated list, not `vitest related`: the core
 * files are reached from nearly every suite, and the suites that start processes (the plan and the policy pack over
 * the analyzer protocol, the serialized provider, the CLIs through `npm run`) take minutes each and cannot see a
 * mutant anyway (the child processes load the original files, not Stryker's instrumented ones).
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "test/components/*.test.ts",
      "test/k2/*.test.ts",
      "test/plan/units.test.ts",
      "test/verify/aadsts.test.ts",
      "test/verify/tokenFailures.test.ts",
      "test/verify/passing.test.ts",
      "test/policies/*.test.ts",
    ],
    exclude: [
      // Run the provider as the engine does: serialized, in a plain Node process.
      "test/k2/serialization.test.ts",
      "test/k2/serializedProvider.test.ts",
      // Start the policy pack over the analyzer protocol.
      "test/policies/analyzer.test.ts",
      "test/policies/analyzerQueue.test.ts",
      "test/policies/*.e2e.test.ts",
    ],
    globalSetup: ["test/globalSetup.ts"],
    setupFiles: ["test/mutation/workerSetup.ts"],
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
