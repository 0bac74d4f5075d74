/**
 * Child-process entry of the offline plan: runs one tree's Pulumi program under the SDK's mock runtime
 * (`pulumi.runtime.setMocks`, preview mode) with a stack's config, and reports every registered resource to the
 * parent over the IPC channel. A fresh process per program keeps the SDK's process-global runtime state clean and
 * lets `--against` run another tree's program. Started by runProgram.ts (TypeScript loaded by esbuild-register).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { format } from "node:util";
import type * as pulumiTypes from "@pulumi/pulumi";
import { PLAN_DATE_ENV } from "../../components/contracts";
import type { ProgramMessage, ProgramOutcome, RecordedResource } from "./model";
import { offlineMocks, type OfflineLookupContext } from "./offlineMocks";
import { recordRegistrations, type MockMonitorLike } from "./recordingMonitor";
import { installLightSdk, lightenLoadedSdk, withoutAliases } from "./sdkLoading";

export interface ProgramRequest {
  /** Root of the tree whose program runs (holds Pulumi.yaml and node_modules). */
  programDir: string;
  /** The program's entry file, relative to programDir (Pulumi.yaml `main`, default index.ts). */
  main: string;
  project: string;
  stack: string;
  /** `ns:key` → value as the engine passes config; secrets are placeholders, never real values. */
  engineConfig: Record<string, string>;
  secretKeys: string[];
  lookups: OfflineLookupContext;
  /** The UTC day (`YYYY-MM-DD`) to plan as of: the program's schedule follows it (components/planDay.ts). */
  planDate?: string;
}

function loadPulumi(programDir: string): typeof pulumiTypes {
  // The program's own copy of the SDK: the mock runtime must be the one its resources register with.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve("@pulumi/pulumi", { paths: [programDir] })) as typeof pulumiTypes;
}

/** The SDK loaded (lightened, sdkLoading.ts) for one program directory: loaded once, at start-up or on request. */
let loadedSdk: { programDir: string; pulumi: typeof pulumiTypes } | undefined;

function sdkFor(programDir: string): typeof pulumiTypes {
  if (loadedSdk !== undefined) {
    if (fs.realpathSync(loadedSdk.programDir) === fs.realpathSync(programDir)) return loadedSdk.pulumi;
    throw new Error(`this process loaded the Pulumi SDK for ${loadedSdk.programDir}, not ${programDir}`);
  }
  installLightSdk(programDir);
  const pulumi = loadPulumi(programDir);
  lightenLoadedSdk(programDir);
  loadedSdk = { programDir, pulumi };
  return pulumi;
}

/**
 * Errors meant for the user (the config model's ConfigError, the SDK's RunError: "no stack trace") report their
 * message alone; anything else is a defect in the program, reported with its first frames. RunError is recognised by
 * the SDK's own brand (`RunError.isInstance` checks the same property), which also works for a copy of the SDK loaded
 * from another tree.
 */
function describeError(err: unknown): { kind: "config-error" | "program-error"; message: string } {
  if (err instanceof Error) {
    const userFacing = err.name === "ConfigError" || (err as { __pulumiRunError?: unknown }).__pulumiRunError === true;
    if (userFacing) return { kind: "config-error", message: err.message };
    const frames = (err.stack ?? "").split("\n").slice(1, 6).join("\n");
    return { kind: "program-error", message: frames === "" ? `${err.name}: ${err.message}` : `${err.name}: ${err.message}\n${frames}` };
  }
  return { kind: "program-error", message: `the program failed with a non-Error value: ${format(err)}` };
}

export async function runOffline(
  request: ProgramRequest,
  log: string[],
  onResource?: (resource: RecordedResource) => void,
): Promise<ProgramOutcome> {
  try {
    process.chdir(request.programDir);
    if (request.planDate !== undefined) process.env[PLAN_DATE_ENV] = request.planDate;
    else delete process.env[PLAN_DATE_ENV];
    const pulumi = sdkFor(request.programDir);
    await pulumi.runtime.setMocks(offlineMocks(request.lookups), request.project, request.stack, true);
    pulumi.runtime.setAllConfig(request.engineConfig, request.secretKeys);
    // setMocks installs the SDK's MockMonitor; its type is not exported as the monitor's.
    const recorded = recordRegistrations(
      pulumi.runtime.getMonitor() as unknown as MockMonitorLike,
      request.stack,
      request.project,
      onResource,
    );

    const main = path.resolve(request.programDir, request.main);
    await pulumi.runtime.runInPulumiStack(async () => {
      // Alias URNs only serve the engine's state matching: the offline plan has no state (sdkLoading.ts).
      pulumi.runtime.registerStackTransformation(withoutAliases);
      // As the SDK's `run` does: a module that exports a function is a program that runs when called.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported: unknown = require(main);
      return exported instanceof Function ? await (exported as () => unknown)() : exported;
    });
    await pulumi.runtime.disconnect();
    return { kind: "ok", resources: recorded, log };
  } catch (err) {
    return { ...describeError(err), log };
  }
}

function captureConsole(log: string[]): void {
  const capture = (...args: unknown[]): void => {
    log.push(format(...args));
  };
  console.log = capture;
  console.info = capture;
  console.warn = capture;
  console.error = capture;
  console.debug = capture;
}

function main(): void {
  const send = process.send?.bind(process);
  if (send === undefined) {
    process.stderr.write("programChild.ts is started by the offline plan (cli/plan.ts), not directly\n");
    process.exit(2);
  }
  const log: string[] = [];
  let reported = false;
  const report = (outcome: ProgramOutcome): void => {
    if (reported) return;
    reported = true;
    // The resources went one by one as they registered (the parent analyses them meanwhile); only the end now.
    const last: ProgramMessage = outcome.kind === "ok" ? { kind: "done", log: outcome.log } : outcome;
    send(last, () => process.exit(0));
  };
  // An error thrown inside an apply (e.g. the K2 API scope check) rejects an Output nobody awaits: it surfaces here.
  process.on("uncaughtException", (err) => report({ ...describeError(err), log }));
  process.on("unhandledRejection", (err) => report({ ...describeError(err), log }));
  // The parent is gone (crashed, or killed with the terminal): nobody wants the result.
  process.once("disconnect", () => process.exit(1));
  captureConsole(log);
  process.once("message", (request: ProgramRequest) => {
    void runOffline(request, log, (resource) => send({ kind: "resource", resource } satisfies ProgramMessage)).then(report);
  });
  // The parent starts this process early (runProgram.ts) and sends the request once the stack's config is checked:
  // meanwhile, load the SDK for the directory it was started in (the request's programDir). A failure here is
  // reported when the request runs (runOffline loads it again and reports the error).
  try {
    sdkFor(process.cwd());
  } catch {
    loadedSdk = undefined;
  }
}

if (require.main === module) main();
