/**
 * Parent side of the offline program run: starts programChild.ts in a fresh Node process (TypeScript loaded by
 * esbuild-register: only the project's own .ts files are transpiled, node_modules load as plain JS), hands it the
 * request over IPC and waits for its outcome, with a time limit.
 */
import { fork } from "node:child_process";
import * as path from "node:path";
import type { ProgramMessage, ProgramOutcome, RecordedResource } from "./model";
import type { ProgramRequest } from "./programChild";

export const DEFAULT_PROGRAM_TIMEOUT_MS = 120_000;

export class ProgramRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProgramRunError";
  }
}

/** Environment variables through which the Pulumi CLI hands config to programs: never inherited by the offline run. */
const ENGINE_ENV = ["PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS", "PULUMI_NODEJS_STACK", "PULUMI_NODEJS_PROJECT", "PULUMI_NODEJS_DRY_RUN"];

/** A started program process, waiting for its request (meanwhile it loads the Pulumi SDK: programChild.ts). */
export interface ProgramProcess {
  readonly pid: number | undefined;
  /**
   * Sends the request and waits for the outcome, with a time limit from now; `onResource` sees each resource as soon
   * as it registers (before the program has finished). Call once.
   */
  run(request: ProgramRequest, timeoutMs?: number, onResource?: (resource: RecordedResource) => void): Promise<ProgramOutcome>;
  /** Stops the process if it is still running (e.g. the plan ended before it needed the program); resolves once it has ended. */
  kill(): Promise<void>;
}

/**
 * Starts the process that will run the program of the tree at `programDir`. Start it early: it loads the SDK while
 * the caller prepares the request (nothing of the program runs before `run`).
 */
export function startProgramProcess(programDir: string): ProgramProcess {
  const env = { ...process.env };
  for (const key of ENGINE_ENV) delete env[key];
  const child = fork(path.join(__dirname, "programChild.ts"), [], {
    cwd: programDir,
    env,
    // Never the parent's own loader flags (tsx, inspector...): the child loads TypeScript through esbuild-register.
    execArgv: ["--require", require.resolve("esbuild-register")],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
  // Recorded from the start: the process may fail (or be killed) before `run` listens.
  let startError: Error | undefined;
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const endListeners: Array<() => void> = [];
  child.once("error", (err) => {
    startError = err;
    for (const listener of endListeners) listener();
  });
  // "close", not "exit": it comes after the IPC channel and stdio have been read to the end.
  child.once("close", (code, signal) => {
    ended = { code, signal };
    for (const listener of endListeners) listener();
  });
  let used = false;

  return {
    pid: child.pid,
    kill() {
      if (ended !== undefined || startError !== undefined) return Promise.resolve();
      const gone = new Promise<void>((resolve) => endListeners.push(resolve));
      child.kill("SIGKILL");
      return gone;
    },
    run(request, timeoutMs = DEFAULT_PROGRAM_TIMEOUT_MS, onResource = () => undefined) {
      if (used) return Promise.reject(new ProgramRunError("a program process runs one request only"));
      used = true;
      return new Promise<ProgramOutcome>((resolve, reject) => {
        let settled = false;
        const finish = (action: () => void): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          action();
        };
        const timer = setTimeout(() => {
          finish(() => reject(new ProgramRunError(`the program did not finish within ${Math.round(timeoutMs / 1000)} s`)));
          child.kill("SIGKILL");
        }, timeoutMs);
        const resources: RecordedResource[] = [];
        child.on("message", (message: ProgramMessage) => {
          if (message.kind === "resource") {
            resources.push(message.resource);
            onResource(message.resource);
          } else if (message.kind === "done") {
            finish(() => resolve({ kind: "ok", resources, log: message.log, sdkWarnings: message.sdkWarnings }));
          } else {
            finish(() => resolve(message));
          }
        });
        const onEnd = (): void => {
          if (startError !== undefined) {
            const message = startError.message;
            finish(() => reject(new ProgramRunError(`could not start the program: ${message}`)));
            return;
          }
          if (ended === undefined) return;
          const { code, signal } = ended;
          finish(() => {
            const tail = output.join("").trim().split("\n").slice(-15).join("\n");
            reject(
              new ProgramRunError(
                `the program's process ended (${signal ?? `exit code ${code}`}) without a result` + (tail === "" ? "" : `:\n${tail}`),
              ),
            );
          });
        };
        if (startError !== undefined || ended !== undefined) {
          onEnd();
          return;
        }
        endListeners.push(onEnd);
        child.send(request);
      });
    },
  };
}

/** Runs the program in a fresh process; `onResource` sees each resource as soon as it registers. */
export function runProgramOffline(
  request: ProgramRequest,
  timeoutMs: number = DEFAULT_PROGRAM_TIMEOUT_MS,
  onResource: (resource: RecordedResource) => void = () => undefined,
): Promise<ProgramOutcome> {
  return startProgramProcess(request.programDir).run(request, timeoutMs, onResource);
}
