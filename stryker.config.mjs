// @ts-check
/**
 * Mutation testing of the core logic (`npm run mutate`; README.md, "Tests"). Not part of `npm test` or CI.
 *
 * One file: `npm run mutate -- --mutate components/rotation.ts` (the tests that cover it still come from the list in
 * vitest.stryker.config.mts). Results are kept in reports/mutation/ (git-ignored): the HTML report, and the
 * incremental file that lets the next run re-test only mutants whose code or covering tests changed.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.mts", related: false },
  // The tests that cover each mutant, learnt in the first run, are the only ones re-run for it.
  coverageAnalysis: "perTest",
  mutate: [
    // The config model and its messages.
    "components/config.ts",
    "components/configMessages.ts",
    // The Entra endpoint rules and the rotation schedule.
    "components/entra.ts",
    "components/rotation.ts",
    "components/secretDeclarations.ts",
    // The components.
    "components/clientApp.ts",
    "components/bearerToken.ts",
    "components/inboundOAuth.ts",
    // The K2 transport, its redaction, the operations and the Bearer Token resource's checks.
    "components/k2/http.ts",
    "components/k2/redaction.ts",
    "components/k2/operations.ts",
    "components/k2/smartObjectRest.ts",
    "components/k2/bearerTokenChecks.ts",
    // The plan's secret scrubbing.
    "cli/plan/scrub.ts",
    // verify: the token's claims and the AADSTS map.
    "cli/verify/claims.ts",
    "cli/verify/aadsts.ts",
    // The policy rules and their library.
    "policies/rules/*.ts",
    "policies/lib/*.ts",
  ],
  // A static mutant (module-level code run once at import: the zod schema's construction, message tables) cannot be
  // traced to the tests that cover it, so each would re-run every listed test: ~90 s apiece, 8 hours for the core
  // files on two cores. They are left out (reported as ignored); the values they hold are asserted through the
  // functions that use them.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: "reports/mutation/incremental.json",
  reporters: ["progress", "clear-text", "html"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  // Two cores: one test process per core. Lower it (`--concurrency 1`) when the machine is shared.
  concurrency: 2,
  // The machine is loaded at times: a mutant is a timeout only when it runs far longer than its tests did.
  timeoutMS: 20000,
  timeoutFactor: 3,
  thresholds: { high: 90, low: 85, break: null },
};
