/**
 * The tests Stryker runs against each mutant (stryker.config.mjs). A dedicated list, not `vitest related`: the core
 * files are reached from nearly every suite, and the suites that start processes (the plan and the policy pack over
 * the analyzer protocol, the serialized provider, the CLIs through `npm run`) take minutes each and cannot see a
 * mutant anyway (the child processes load the original files, not Stryker's instrumented ones). verify's claims and
 * AADSTS map are mutated against their unit tests (claims.test.ts, aadstsMap.test.ts), not against the runs of the
 * whole command with its Entra ID and K2 doubles.
 *
 * Every test file gets a fresh module graph (`isolate: true`), as in `npm test`: with a shared one, module-level code
 * (constants, tables) would run once and keep the first value it computed, so its mutants would survive falsely.
 * The tests that install Pulumi's mock runtime are listed apart (PULUMI_MOCKS) so that a quick run can leave them out.
 */
import { defineConfig } from "vitest/config";

const PULUMI_MOCKS = [
  "test/components/clientApp.test.ts",
  "test/components/configMessages.test.ts",
  "test/components/providerSettings.test.ts",
  "test/components/providers.test.ts",
  "test/components/secretStartDate.test.ts",
  "test/k2/inboundOAuth.test.ts",
  "test/k2/inputConfigKeys.test.ts",
];

const UNIT = [
  "test/components/*.test.ts",
  "test/k2/*.test.ts",
  "test/plan/units.test.ts",
  "test/verify/claims.test.ts",
  "test/verify/aadstsMap.test.ts",
  "test/policies/*.test.ts",
];

const NOT_FOR_MUTANTS = [
  // Run the provider as the engine does: serialized, in a plain Node process.
  "test/k2/serialization.test.ts",
  "test/k2/serializedProvider.test.ts",
  // Start the policy pack over the analyzer protocol.
  "test/policies/analyzer.test.ts",
  "test/policies/analyzerQueue.test.ts",
  "test/policies/*.e2e.test.ts",
];

const common = {
  globalSetup: ["test/globalSetup.ts"],
  setupFiles: ["test/mutation/workerSetup.ts"],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

/**
 * MUTATE_QUICK=1 leaves the PULUMI_MOCKS tests out: each of them loads the Pulumi SDK afresh for every mutant it covers,
 * which on a loaded machine is most of a run's time. Mutants only they can kill (in the components) then survive.
 */
const quick = process.env.MUTATE_QUICK === "1";

export default defineConfig({
  test: {
    projects: [
      { test: { ...common, name: "unit", include: UNIT, exclude: [...NOT_FOR_MUTANTS, ...PULUMI_MOCKS], isolate: true } },
      ...(quick ? [] : [{ test: { ...common, name: "pulumi", include: PULUMI_MOCKS, isolate: true } }]),
    ],
  },
});
