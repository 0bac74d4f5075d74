/**
 * Vitest-friendly access to the real policy pack: `usePolicyPack()` starts policies/ once for the calling test file
 * (beforeAll) over the analyzer protocol, exactly as the Pulumi CLI would, and stops it in afterAll, also when tests
 * fail. The pack process additionally exits with the test worker (cli/analyzer/exitWithParent.cjs).
 */
import * as path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startPolicyPack, type PolicyPackSession, type StartPolicyPackOptions } from "../../../cli/analyzer";

export const REPO_ROOT = path.resolve(__dirname, "../../..");
export const PACK_DIR = path.join(REPO_ROOT, "policies");
/** The first start type-checks the pack with ts-node; later starts read ts-node's cache. */
export const PACK_START_TIMEOUT_MS = 120_000;

export interface PackHandle {
  /** The session; only valid inside tests (after beforeAll). */
  readonly session: PolicyPackSession;
  /** Every log line the pack produced (engine log, stdout, stderr). */
  readonly logs: string[];
}

export function usePolicyPack(opts: Partial<StartPolicyPackOptions> & { setup?: (session: PolicyPackSession) => Promise<void> } = {}): PackHandle {
  let session: PolicyPackSession | undefined;
  const logs: string[] = [];
  beforeAll(async () => {
    session = await startPolicyPack({
      packDir: PACK_DIR,
      stack: "dev",
      project: "k2-oauth",
      timeoutMs: PACK_START_TIMEOUT_MS,
      ...opts,
      onLog: (line) => {
        logs.push(line);
        opts.onLog?.(line);
      },
    });
    await opts.setup?.(session);
  }, PACK_START_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    await session?.close();
  });
  return {
    get session(): PolicyPackSession {
      if (session === undefined) throw new Error("the policy pack is not started: use the session inside tests only");
      return session;
    },
    logs,
  };
}
