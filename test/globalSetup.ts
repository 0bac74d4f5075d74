/**
 * Runs once around the whole test run (vitest `globalSetup`): the tests get a temp folder of their own, and nothing
 * they leave in it survives the run.
 *
 * Every test process, and every process a test starts, inherits TMPDIR (os.tmpdir() reads it). At the end the folder
 * is removed. The compile caches that tools write there by design (tsx's; ts-node's, used by the SDK's run-policy-pack
 * for the policy pack) go silently; anything else is a test that did not clean up after itself: it is named and the
 * run fails.
 *
 * ts-node's cache is moved to node_modules/.cache/ts-node (ignored, kept between runs): compiling the policy pack
 * afresh in every run would cost each first pack start several seconds of CPU.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Caches that tools keep in the temp folder on purpose, not leftovers of a test. */
export const TOOL_CACHES = [/^ts-node-[0-9a-f]+$/, /^tsx-\d+$/];

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-oauth-tests-"));
  const before = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP, TS_NODE_CACHE_DIRECTORY: process.env.TS_NODE_CACHE_DIRECTORY };
  process.env.TMPDIR = dir;
  process.env.TMP = dir;
  process.env.TEMP = dir;
  process.env.TS_NODE_CACHE_DIRECTORY ??= path.resolve(__dirname, "..", "node_modules", ".cache", "ts-node");
  return () => {
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    const leftovers = fs.readdirSync(dir).filter((entry) => !TOOL_CACHES.some((cache) => cache.test(entry)));
    fs.rmSync(dir, { recursive: true, force: true });
    if (leftovers.length > 0) {
      process.stderr.write(`\nThe tests left ${leftovers.length} item(s) in the temp folder (removed now): ${leftovers.join(", ")}\n`);
      process.exitCode = 1;
    }
  };
}
