/**
 * What the offline plan and the policy pack processes skip or defer of the Pulumi SDK (cli/plan/sdkLoading.ts,
 * cli/sdkStandIn.cjs, cli/analyzer/deferSdkModules.cjs): nothing that changes a result, only start-up and per-resource
 * costs that serve the engine.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runProgramOffline } from "../../cli/plan/runProgram";
import { shortcutOffWarning } from "../../cli/plan/sdkInternals";
import { lightenLoadedSdk, withoutAliases, type LightSdk } from "../../cli/plan/sdkLoading";
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

describe("lightenLoadedSdk: the loaded functions are checked again before they are replaced", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-lighten-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A program directory whose @pulumi/pulumi has the two functions lightenLoadedSdk replaces, in the given shapes. */
  function programWith(debuggable: string, stackTrace: string): string {
    const root = fs.mkdtempSync(path.join(dir, "program-"));
    const sdk = path.join(root, "node_modules", "@pulumi", "pulumi");
    fs.mkdirSync(path.join(sdk, "runtime"), { recursive: true });
    fs.writeFileSync(path.join(sdk, "package.json"), JSON.stringify({ name: "@pulumi/pulumi", version: "3.248.0" }));
    fs.writeFileSync(path.join(sdk, "runtime", "debuggable.js"), `exports.debuggablePromise = function debuggablePromise(${debuggable}) { return p; };\n`);
    fs.writeFileSync(path.join(sdk, "resource.js"), `class Resource { static stackTrace(${stackTrace}) { return ["frame"]; } }\nexports.Resource = Resource;\n`);
    return root;
  }

  /** What the probe found at start-up: nothing wrong (the files it read looked right). */
  const probed = (root: string): LightSdk => ({ probe: { sdkDir: path.join(root, "node_modules", "@pulumi", "pulumi"), version: "3.248.0", problems: {} }, warnings: [], providerFor: () => undefined });

  it("a loaded function with another number of parameters is left in place, and the plan says so", () => {
    const root = programWith("p, ctx, options", "skip");
    const sdk = probed(root);
    lightenLoadedSdk(root, sdk);
    const load = createRequire(path.join(root, "index.js"));
    const debuggable = load("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: { length: number } };
    const resource = load("@pulumi/pulumi/resource") as { Resource: { stackTrace(skip: number): unknown[] } };
    expect(debuggable.debuggablePromise.length).toBe(3);
    expect(resource.Resource.stackTrace(0)).toEqual([]);
    expect(sdk.warnings).toEqual([shortcutOffWarning("no-promise-debugging", "the loaded function does not take 2 parameters", "3.248.0")]);
  });

  it("both in the shape the probe checked: both replaced, no warning", () => {
    const root = programWith("p, ctx", "skip");
    const sdk = probed(root);
    lightenLoadedSdk(root, sdk);
    const load = createRequire(path.join(root, "index.js"));
    const promise = Promise.resolve(1);
    expect((load("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise(p: unknown, ctx: unknown): unknown }).debuggablePromise(promise, "x")).toBe(promise);
    expect((load("@pulumi/pulumi/resource") as { Resource: { stackTrace(skip: number): unknown[] } }).Resource.stackTrace(0)).toEqual([]);
    expect(sdk.warnings).toEqual([]);
  });

  it("a stack trace function without its parameter: left in place, with its warning", () => {
    const root = programWith("p, ctx", "");
    const sdk = probed(root);
    lightenLoadedSdk(root, sdk);
    expect((createRequire(path.join(root, "index.js"))("@pulumi/pulumi/resource") as { Resource: { stackTrace(): unknown[] } }).Resource.stackTrace()).toEqual(["frame"]);
    expect(sdk.warnings).toEqual([shortcutOffWarning("no-resource-stack-traces", "the loaded function does not take 1 parameter", "3.248.0")]);
  });
});
