/**
 * What a live command (verify, adopt) takes from the process: its output streams, environment, working folder, and the
 * clock, waits and fetch that tests replace. `runFromProcess` wires a command's run function to the real process.
 */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The command's clock (token lifetimes, secret expiry, the adoption day). Default: the system clock. */
  now?: () => Date;
  /** Waits (retry backoff, Retry-After, device-code polling). Default: setTimeout. Tests inject one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

/** Runs a command with this process's arguments and streams, and sets the exit code it returns. */
export async function runFromProcess(run: (args: readonly string[], io: CommandIo) => Promise<{ exitCode: number }>): Promise<void> {
  const outcome = await run(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = outcome.exitCode;
}
