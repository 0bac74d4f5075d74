/** The run's temp folder (test/globalSetup.ts): tool caches go quietly, anything else fails the run by name. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import setup from "./globalSetup";

describe("the test run's temp folder", () => {
  const exitCode = process.exitCode;
  afterEach(() => {
    process.exitCode = exitCode;
    vi.restoreAllMocks();
  });

  it("is the one every test process uses (TMPDIR), under the machine's temp folder; ts-node keeps its cache in node_modules", () => {
    expect(path.basename(os.tmpdir())).toMatch(/^k2-oauth-tests-/);
    expect(process.env.TS_NODE_CACHE_DIRECTORY).toBe(path.resolve(__dirname, "..", "node_modules", ".cache", "ts-node"));
  });

  it("removes tool caches silently and names anything else, failing the run", () => {
    const outer = os.tmpdir();
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((text: string | Uint8Array) => {
      written.push(String(text));
      return true;
    });
    const teardown = setup();
    const dir = os.tmpdir();
    expect(path.dirname(dir)).toBe(outer);
    fs.mkdirSync(path.join(dir, "ts-node-0123abcd"));
    fs.mkdirSync(path.join(dir, "tsx-0"));
    fs.mkdirSync(path.join(dir, "k2-stack-abc123"));
    fs.writeFileSync(path.join(dir, "leftover.json"), "{}");
    teardown();
    expect(os.tmpdir()).toBe(outer);
    expect(fs.existsSync(dir)).toBe(false);
    expect(process.exitCode).toBe(1);
    expect(written.join("")).toBe("\nThe tests left 2 item(s) in the temp folder (removed now): k2-stack-abc123, leftover.json\n");
  });

  it("a clean run passes", () => {
    const teardown = setup();
    const dir = os.tmpdir();
    fs.mkdirSync(path.join(dir, "tsx-0"));
    teardown();
    expect(fs.existsSync(dir)).toBe(false);
    expect(process.exitCode).toBe(exitCode);
  });
});
