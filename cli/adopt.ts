/**
 * `npm run adopt -- --stack <name> [--tenant <id>] [--k2] [options]`: takes over an inbound OAuth setup made by hand.
 * Reads the tenant through Microsoft Graph (and with --k2 the K2 Five Bearer Token resource), writes the stack file
 * with the ids to import, and reports what the first `pulumi up` will do. The logic lives in cli/adopt/; this file only
 * wires runAdopt to the process. Exit codes: 0 written, 1 Graph, K2 or sign-in failed, 2 usage or configuration error.
 */
import { runAdopt } from "./adopt/run";

export { runAdopt } from "./adopt/run";
export type { AdoptIo, AdoptOutcome } from "./adopt/run";

async function main(): Promise<void> {
  const outcome = await runAdopt(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = outcome.exitCode;
}

if (require.main === module) {
  void main();
}
