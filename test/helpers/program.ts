/**
 * Runs the Pulumi program (index.ts) under the mock runtime with a stack file's config, as `pulumi up` would hand it.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadStackFile, type LoadedStack } from "../../cli/stackFile";
import { installMocks, type MockOptions, type RecordedResource } from "./pulumiMocks";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface ProgramRun {
  stack: LoadedStack;
  recorded: RecordedResource[];
  exports: Record<string, unknown>;
}

/** Installs mocks, applies the stack's config, imports index.ts. Call once per test file (process). */
export async function runProgram(stackName: string, options: MockOptions & { root?: string; override?: (cfg: Record<string, string>) => void } = {}): Promise<ProgramRun> {
  const stack = loadStackFile(stackName, options.root ?? REPO_ROOT);
  // Signed in to the tenant the providers are pinned to (the mocks' default) unless a test says otherwise.
  const recorded = installMocks(options);
  const engineConfig = { ...stack.engineConfig };
  options.override?.(engineConfig);
  pulumi.runtime.setAllConfig(engineConfig, stack.secretKeys);
  const exports = (await import("../../index")) as Record<string, unknown>;
  return { stack, recorded, exports };
}
