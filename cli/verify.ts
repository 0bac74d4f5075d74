/**
 * `npm run verify -- --stack <name> [--client <name>] [--format text|json]`: a live end-to-end check of a stack's
 * inbound OAuth (Entra ID v1 metadata and keys, reply URLs, a v1 token and its claims, a K2 API call, secret expiry).
 * See docs/verify.md. The logic lives in cli/verify/; this file only wires runVerify to the process.
 * Exit codes: 0 pass, 1 a check failed, 2 usage or configuration error.
 */
import { runFromProcess } from "./commandIo";
import { runVerify } from "./verify/run";

export { runVerify } from "./verify/run";
export type { VerifyIo, VerifyOutcome } from "./verify/run";

if (require.main === module) {
  void runFromProcess(runVerify);
}
