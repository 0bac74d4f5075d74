import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A temp folder of the run's own, removed at the end; a test that leaves something there fails the run.
    globalSetup: ["test/globalSetup.ts"],
    // Each file in its own process: pulumi.runtime.setMocks is process-global.
    pool: "forks",
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
