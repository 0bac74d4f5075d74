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
import { providerChecks } from "./providerChecks";
import { checkRecorded, recordRegistrations, type Recording } from "./recordingMonitor";
import { installLightSdk, lightenLoadedSdk, withoutAliases, type LightSdk } from "./sdkLoading";

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

/** The SDK loaded (checked and lightened, sdkLoading.ts) for one program directory: once, at start-up or on request. */
let loadedSdk: { programDir: string; pulumi: typeof pulumiTypes; light: LightSdk } | undefined;

function sdkFor(programDir: string): { pulumi: typeof pulumiTypes; light: LightSdk } {
  if (loadedSdk !== undefined) {
    if (fs.realpathSync(loadedSdk.programDir) === fs.realpathSync(programDir)) return loadedSdk;
    throw new Error(`this process loaded the Pulumi SDK for ${loadedSdk.programDir}, not ${programDir}`);
  }
  const light = installLightSdk(programDir);
  const pulumi = loadPulumi(programDir);
  lightenLoadedSdk(programDir, light);
  loadedSdk = { programDir, pulumi, light };
  return loadedSdk;
}

/** The current run's recording: a failure to read a registration explains whatever the program then throws. */
let recording: Recording | undefined;

/**
 * Errors meant for the user (the config model's ConfigError, the SDK's RunError: "no stack trace") report their
 * message alone; anything else is a defect in the program, reported with its first frames. RunError is recognised by
 * the public `RunError.isInstance` of the SDK the program loaded (it checks a brand, not the class, so it works for
 * whichever copy of the SDK threw). When the plan's own machinery failed (a registration that could not be read, a provider that
 * could not be loaded), that failure is reported instead: the program's error is only its consequence.
 */
function describeError(err: unknown): { kind: "config-error" | "program-error" | "plan-error"; message: string } {
  const planFailure = recording?.failure();
  if (planFailure !== undefined) return { kind: "plan-error", message: planFailure.message };
  if (err instanceof Error && err.name === "SdkInternalsError") return { kind: "plan-error", message: err.message };
  if (err instanceof Error) {
    const userFacing = err.name === "ConfigError" || loadedSdk?.pulumi.RunError.isInstance(err) === true;
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
    const { pulumi, light } = sdkFor(request.programDir);
    await pulumi.runtime.setMocks(offlineMocks(request.lookups), request.project, request.stack, true);
    pulumi.runtime.setAllConfig(request.engineConfig, request.secretKeys);
    // setMocks installs the SDK's MockMonitor (its shape is checked by recordRegistrations). Dynamic resources get
    // their provider's check before they are answered and recorded, as in a preview.
    recording = recordRegistrations(
      pulumi.runtime.getMonitor(),
      request.stack,
      request.project,
      light.probe.version,
      onResource,
      providerChecks(light, { config: request.engineConfig, project: request.project }),
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
    await recording.settled();
    await pulumi.runtime.disconnect();
    const failure = recording.failure();
    if (failure !== undefined) return { kind: "plan-error", message: failure.message, log };
    checkRecorded(recording.resources, light.probe.version);
    return { kind: "ok", resources: recording.resources, log, sdkWarnings: light.warnings };
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
    const last: ProgramMessage = outcome.kind === "ok" ? { kind: "done", log: outcome.log, sdkWarnings: outcome.sdkWarnings } : outcome;
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
