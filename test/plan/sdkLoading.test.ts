/**
 * What the offline plan and the policy pack processes skip or defer of the Pulumi SDK (cli/plan/sdkLoading.ts,
 * cli/sdkStandIn.cjs, cli/analyzer/deferSdkModules.cjs): nothing that changes a result, only start-up and per-resource
 * costs that serve the engine.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runProgramOffline } from "../../cli/plan/runProgram";
import { withoutAliases } from "../../cli/plan/sdkLoading";
import { REPO_ROOT } from "../helpers/program";

describe("withoutAliases (the plan's stack transformation)", () => {
  it("drops aliases and keeps every other option, the parent included", () => {
    const parent = { name: "parent" };
    const props = { displayName: "x" };
    const args = { props, opts: { parent, aliases: [{ type: "azure-native:keyvault/v20230701:Secret" }], protect: true } };
    const result = withoutAliases(args);
    expect(result.props).toBe(props);
    expect(result.opts).toEqual({ parent, protect: true });
    expect(result.opts.parent).toBe(parent); // the SDK rejects a transformation that changes the parent
    expect(args.opts.aliases).toHaveLength(1); // the caller's options are not modified
  });

  it("returns options without aliases unchanged", () => {
    const args: { props: object; opts: { parent?: object; aliases?: unknown } } = { props: {}, opts: { parent: {} } };
    expect(withoutAliases(args)).toBe(args);
  });
});

describe("the offline plan's program process", () => {
  it("registers withoutAliases for every resource, and the engine URNs stay as they are", async () => {
    const outcome = await runProgramOffline({
      programDir: REPO_ROOT,
      main: "test/plan/fixtures/aliasedProgram.ts",
      project: "k2-oauth",
      stack: "dev",
      engineConfig: {},
      secretKeys: [],
      lookups: { k2ApiScope: "user_impersonation" },
    });
    expect(outcome.kind).toBe("ok");
    if (outcome.kind !== "ok") return;
    expect(outcome.log).toContain("aliases kept: holder=0 secret=0");
    expect(outcome.resources.map((r) => r.urn)).toEqual([
      "urn:pulumi:dev::k2-oauth::pulumi:pulumi:Stack::k2-oauth-dev",
      "urn:pulumi:dev::k2-oauth::test:index:Holder::holder",
      "urn:pulumi:dev::k2-oauth::test:index:Holder$azure-native:keyvault:Secret::secret",
    ]);
  });
});

interface ProbeReport {
  atStart: { arborist: boolean; debuggerSession: boolean };
  sessionOnFirstUse: boolean;
  arboristOnFirstUse: boolean;
  workspaceRootType: string;
}

/** Runs test/helpers/sdkLoadProbe.cjs with the given node flags, as a pack process is started. */
function probe(nodeFlags: string[]): ProbeReport {
  const run = spawnSync(process.execPath, [...nodeFlags, path.join(REPO_ROOT, "test", "helpers", "sdkLoadProbe.cjs")], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout.trim()) as ProbeReport;
}

describe("deferSdkModules.cjs (preloaded into every policy pack process)", () => {
  it("starts the SDK without Arborist or a debugger session, and both still work on first use", () => {
    const report = probe(["--require", path.join(REPO_ROOT, "cli", "analyzer", "deferSdkModules.cjs")]);
    expect(report.atStart).toEqual({ arborist: false, debuggerSession: false });
    expect(report.sessionOnFirstUse).toBe(true);
    expect(report.arboristOnFirstUse).toBe(true);
    expect(["string", "null"]).toContain(report.workspaceRootType);
  });

  it("without the preload, the SDK starts both at once (what the preload saves)", () => {
    expect(probe([]).atStart).toEqual({ arborist: true, debuggerSession: true });
  });
});
