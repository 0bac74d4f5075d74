/**
 * Starting a policy pack process the way the Pulumi CLI does for a Node.js pack (sdk/go/common/resource/plugin/
 * analyzer_plugin.go, NewPolicyAnalyzer): in the pack's directory, `node <@pulumi/pulumi>/cmd/run-policy-pack
 * <engine-addr> .`, with the stack's identity in PULUMI_* environment variables; the pack prints the port of its
 * analyzer gRPC server as its first stdout line.
 *
 * TypeScript: run-policy-pack registers ts-node itself (the SDK's vendored ts-node 7 unless the pack has its own, with
 * the `typescript` it finds), type-checking every .ts file it loads, with the pack directory's tsconfig.json. Compiled
 * output is cached on disk by content (ts-node's cache in the OS temp dir), so only the first start after a change
 * pays for type-checking; no build step is needed.
 *
 * Start-up: deferSdkModules.cjs, also preloaded, defers two parts of the SDK the pack never uses (npm's Arborist, and
 * the debugger session for serializing closures) to their first use; nothing else differs from the CLI's start.
 *
 * Lifetime: the process is killed by `kill()`; if the parent dies first, the pack exits when its stdin closes
 * (exitWithParent.cjs, preloaded), and a parent that exits normally kills what is left (process "exit" hook).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";

const WATCHDOG = path.join(__dirname, "exitWithParent.cjs");
const DEFER_SDK_MODULES = path.join(__dirname, "deferSdkModules.cjs");
/** How long a pack gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2_000;
const STDERR_TAIL_LINES = 40;

export class PolicyPackStartError extends Error {
  /** The pack process, when one was started (it has exited by the time this error is thrown). */
  readonly pid: number | undefined;
  constructor(message: string, pid?: number) {
    super(message);
    this.name = "PolicyPackStartError";
    this.pid = pid;
  }
}

export interface LaunchOptions {
  /** Absolute path of the pack directory (holds PulumiPolicy.yaml). */
  packDir: string;
  engineAddress: string;
  /** Extra environment variables (the stack's identity). */
  env: Record<string, string>;
  timeoutMs: number;
  onLine(stream: "stdout" | "stderr", line: string): void;
  /** Extra text for start errors (e.g. errors the pack logged to the engine). */
  describeLogs(): string;
}

export interface PackProcess {
  pid: number;
  port: number;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  stderrTail(): string;
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

/** Resolves the SDK's run-policy-pack script as the CLI's shim does: from the pack directory. */
export function resolveRunPolicyPack(packDir: string): string {
  try {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  } catch {
    throw new PolicyPackStartError(
      `cannot find @pulumi/pulumi/cmd/run-policy-pack from ${packDir}: the policy pack's dependencies are not installed; run npm install`,
    );
  }
}

const PRELOAD_FLAGS = new Set(["--require", "-r", "--import", "--loader", "--experimental-loader"]);

/** NODE_OPTIONS without module preloads (another TypeScript loader would fight run-policy-pack's ts-node). */
export function withoutPreloads(nodeOptions: string): string {
  const tokens = nodeOptions.split(/\s+/).filter((t) => t !== "");
  const kept: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const flag = tokens[i].split("=")[0];
    if (PRELOAD_FLAGS.has(flag)) {
      if (!tokens[i].includes("=")) i++; // skip the flag's value too
      continue;
    }
    kept.push(tokens[i]);
  }
  return kept.join(" ");
}

/** The parent's environment, minus settings that would change how the pack's TypeScript is loaded. */
function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // TS_NODE_* would override the pack's tsconfig.json (TS_NODE_CACHE_DIRECTORY only moves ts-node's cache).
    if (k.startsWith("TS_NODE_") && k !== "TS_NODE_CACHE_DIRECTORY") continue;
    if (k === "NODE_OPTIONS" && v !== undefined) {
      const kept = withoutPreloads(v);
      if (kept !== "") env[k] = kept;
      continue;
    }
    env[k] = v;
  }
  return { ...env, ...extra };
}

export function launchPack(opts: LaunchOptions): Promise<PackProcess> {
  const { packDir } = opts;
  if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
    return Promise.reject(new PolicyPackStartError(`${packDir} is not a policy pack: it has no PulumiPolicy.yaml`));
  }
  let script: string;
  try {
    script = resolveRunPolicyPack(packDir);
  } catch (e) {
    return Promise.reject(e);
  }
  installExitHook();
  const child = spawn(process.execPath, ["--require", WATCHDOG, "--require", DEFER_SDK_MODULES, script, opts.engineAddress, "."], {
    cwd: packDir,
    env: childEnvironment(opts.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  live.add(child);
  const stderr: string[] = [];
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // "close", not "exit": it comes after the pack's stdout and stderr ended, so every line has been read.
    child.once("close", (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      resolve(exitInfo);
    });
  });
  // Nothing is ever written to the pack's stdin: it only signals that the parent is alive.
  child.stdin?.on("error", () => undefined);

  const stderrTail = () => stderr.join("\n");
  const kill = async (): Promise<void> => {
    if (exitInfo !== undefined || child.exitCode !== null) {
      await exited;
      return;
    }
    child.kill("SIGTERM");
    const force = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    force.unref();
    await exited;
    clearTimeout(force);
  };

  return new Promise<PackProcess>((resolve, reject) => {
    let port: number | undefined;
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const details = [stderrTail() && `stderr:\n${stderrTail()}`, opts.describeLogs()].filter((s) => s !== "").join("\n");
      void kill().finally(() => reject(new PolicyPackStartError(details === "" ? message : `${message}\n${details}`, child.pid)));
    };
    const timer = setTimeout(
      () => fail(`policy pack ${packDir} did not report its port within ${opts.timeoutMs} ms (startTimeoutMs); it was stopped`),
      opts.timeoutMs,
    );
    timer.unref();

    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (port === undefined && /^\d+$/.test(line.trim())) {
        port = Number(line.trim());
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ pid: child.pid!, port, exited, hasExited: () => exitInfo !== undefined, stderrTail, kill });
        return;
      }
      opts.onLine("stdout", line);
    });
    readline.createInterface({ input: child.stderr! }).on("line", (line) => {
      stderr.push(line);
      if (stderr.length > STDERR_TAIL_LINES) stderr.shift();
      opts.onLine("stderr", line);
    });
    child.once("error", (err) => fail(`cannot start the policy pack process: ${err.message}`));
    void exited.then(({ code, signal }) => {
      if (port === undefined) fail(`policy pack ${packDir} exited (${signal !== null ? `signal ${signal}` : `code ${code}`}) before it reported its port`);
    });
  });
}
