/**
 * The start-up checks of the SDK internals the plan relies on (cli/sdkProbe.cjs): the installed SDK passes every one,
 * and each one notices a change of the internal it guards. Changed SDKs are simulated by copies of the files the checks
 * read, edited the way a newer SDK could change them (one of them as @pulumi/pulumi 3.276.0 really did).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  INTERNALS,
  probeSdk,
  requiredInternalMessage,
  sdkDirFrom,
  shortcutOffWarning,
  VALIDATED_SDK_VERSION,
  WIRE_CONSTANTS,
  type InternalId,
} from "../../cli/plan/sdkInternals";
import { REPO_ROOT } from "../helpers/program";

const SDK_DIR = sdkDirFrom(REPO_ROOT);
const FILES = [
  "package.json",
  "dynamic/index.js",
  "resource.js",
  "runtime/closure/serializeClosure.js",
  "runtime/closure/codePaths.js",
  "runtime/closure/v8Hooks.js",
  "runtime/debuggable.js",
  "runtime/mocks.js",
  "runtime/resource.js",
  "runtime/rpc.js",
  "cmd/run-policy-pack/index.js",
];
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the files the checks read, each edit replacing `from` (which must occur) with `to`. */
function changedSdk(edits: Array<[file: string, from: string | RegExp, to: string]>, remove: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-sdk-copy-"));
  made.push(dir);
  for (const file of FILES) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(SDK_DIR, file), path.join(dir, file));
  }
  for (const [file, from, to] of edits) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    const next = text.replace(from, to);
    if (next === text) throw new Error(`changedSdk: ${String(from)} not found in ${file}`);
    fs.writeFileSync(path.join(dir, file), next);
  }
  for (const file of remove) fs.rmSync(path.join(dir, file));
  return dir;
}

const problemsOf = (dir: string, id: InternalId) => probeSdk(dir, [id]).problems;

describe("the installed SDK", () => {
  it("is the version the shortcuts were validated with, the one package.json pins", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["@pulumi/pulumi"]).toBe(VALIDATED_SDK_VERSION);
    expect(probeSdk(SDK_DIR).version).toBe(VALIDATED_SDK_VERSION);
  });

  it("passes every check", () => {
    expect(probeSdk(SDK_DIR)).toEqual({ sdkDir: SDK_DIR, version: VALIDATED_SDK_VERSION, problems: {} });
    expect(Object.keys(INTERNALS).sort()).toEqual([
      "defer-code-paths",
      "defer-inspector",
      "no-promise-debugging",
      "no-resource-stack-traces",
      "recording-monitor",
      "serialize-closure",
      "wire-encoding",
    ]);
  });

  it("a copy of its files passes too (the copies below differ only by their edits)", () => {
    expect(probeSdk(changedSdk([])).problems).toEqual({});
  });
});

describe("each check notices a change of its internal", () => {
  it("serialize-closure: dynamic providers serialized another way, or a new export the stand-in lacks", () => {
    expect(problemsOf(changedSdk([["dynamic/index.js", "sc.serializeFunction(() => provider, { allowSecrets: true })", "sc.serializeFunction(() => provider, { allowSecrets: true, isFactoryFunction: false })"]]), "serialize-closure")).toEqual({
      "serialize-closure": "dynamic/index.js no longer serializes the provider with serializeFunction(() => provider, { allowSecrets: true })",
    });
    expect(problemsOf(changedSdk([["dynamic/index.js", "sfPromise.then((sf) => sf.text)", "sfPromise.then((sf) => sf.text + sf.exportName)"]]), "serialize-closure")).toEqual({
      "serialize-closure": "dynamic/index.js reads containsSecrets, exportName, text of the serialized function (expected containsSecrets, text)",
    });
    expect(problemsOf(changedSdk([["runtime/closure/serializeClosure.js", "exports.serializeFunction = serializeFunction;", "exports.serializeFunction = serializeFunction;\nfunction serializeModule(m) {}\nexports.serializeModule = serializeModule;"]]), "serialize-closure")).toEqual({
      "serialize-closure": "runtime/closure/serializeClosure.js exports serializeFunction, serializeFunctionAsync, serializeModule (expected serializeFunction, serializeFunctionAsync)",
    });
    expect(problemsOf(changedSdk([["runtime/closure/serializeClosure.js", "async function serializeFunction(func, args = {}) {", "async function serializeFunction(func, args, extra) {"]]), "serialize-closure")).toEqual({
      "serialize-closure": "runtime/closure/serializeClosure.js: serializeFunction(func, args, extra) (expected serializeFunction(func, args = {}))",
    });
  });

  it("defer-code-paths: codePaths no longer loads Arborist (nothing to defer), or exports more (as in 3.276.0)", () => {
    expect(problemsOf(changedSdk([["runtime/closure/codePaths.js", /^const arborist = __importStar\(require\("@npmcli\/arborist"\)\);$/m, ""]]), "defer-code-paths")).toEqual({
      "defer-code-paths": "runtime/closure/codePaths.js no longer loads @npmcli/arborist at start-up: there is nothing to defer",
    });
    expect(problemsOf(changedSdk([["runtime/closure/codePaths.js", "exports.findWorkspaceRoot = findWorkspaceRoot;", "exports.findWorkspaceRoot = findWorkspaceRoot;\nfunction packageArchivePath(p) {}\nexports.packageArchivePath = packageArchivePath;"]]), "defer-code-paths")).toEqual({
      "defer-code-paths": "runtime/closure/codePaths.js exports computeCodePaths, findWorkspaceRoot, packageArchivePath (expected computeCodePaths, findWorkspaceRoot)",
    });
  });

  it("defer-inspector: the pack runner no longer waits for the inspector, or v8Hooks exports a constant", () => {
    expect(problemsOf(changedSdk([["cmd/run-policy-pack/index.js", "return v8Hooks.isInitializedAsync();", "return Promise.resolve();"]]), "defer-inspector")).toEqual({
      "defer-inspector": "cmd/run-policy-pack/index.js no longer waits for v8Hooks.isInitializedAsync() before it loads the pack",
    });
    expect(problemsOf(changedSdk([["runtime/closure/v8Hooks.js", "exports.getScriptUrl = getScriptUrl;", "exports.getScriptUrl = getScriptUrl;\nexports.sessionTimeoutMs = 1000;"]]), "defer-inspector")).toEqual({
      "defer-inspector": "runtime/closure/v8Hooks.js exports getScriptUrl, getSessionAsync, isInitializedAsync, sessionTimeoutMs (expected getScriptUrl, getSessionAsync, isInitializedAsync)",
    });
  });

  it("no-promise-debugging and no-resource-stack-traces: the functions they replace changed", () => {
    expect(problemsOf(changedSdk([["runtime/debuggable.js", "function debuggablePromise(p, ctx) {", "function debuggablePromise(p, ctx, options) {"]]), "no-promise-debugging")).toEqual({
      "no-promise-debugging": "runtime/debuggable.js no longer exports debuggablePromise(p, ctx)",
    });
    expect(problemsOf(changedSdk([["runtime/resource.js", /debuggable_1\.debuggablePromise\(/g, "debuggablePromise("]]), "no-promise-debugging")).toEqual({
      "no-promise-debugging": "runtime/resource.js no longer calls debuggablePromise through its module (a replacement would not be seen)",
    });
    expect(problemsOf(changedSdk([["resource.js", "const stackTrace = Resource.stackTrace(", "const stackTrace = captureStackTrace("]]), "no-resource-stack-traces")).toEqual({
      "no-resource-stack-traces": "resource.js no longer takes a resource's stack trace from Resource.stackTrace",
    });
  });

  it("recording-monitor: inputs sent another way, a response field the recording does not answer, a mock monitor without its Map", () => {
    expect(problemsOf(changedSdk([["runtime/resource.js", "req.setObject(gstruct.Struct.fromJavaScript(resop.serializedProps));", "req.setProperties(gstruct.Struct.fromJavaScript(resop.serializedProps));"]]), "recording-monitor")).toEqual({
      "recording-monitor": "runtime/resource.js no longer sets the request's Object (the recording reads it)",
    });
    expect(problemsOf(changedSdk([["runtime/resource.js", "const rpcDeps = resp.getPropertydependenciesMap();", "const warnings = resp.getWarningsList();\n            const rpcDeps = resp.getPropertydependenciesMap();"]]), "recording-monitor")).toEqual({
      "recording-monitor": "runtime/resource.js reads getWarningsList from the registration's response, which the recording does not answer",
    });
    expect(problemsOf(changedSdk([["runtime/resource.js", "monitor.registerResource(req, (", "monitor.registerResources([req], ("]]), "recording-monitor")).toEqual({
      "recording-monitor": "runtime/resource.js no longer registers a resource with monitor.registerResource(req, callback)",
    });
    expect(problemsOf(changedSdk([["runtime/mocks.js", "this.resources = new Map();", "this.resources = {};"]]), "recording-monitor")).toEqual({
      "recording-monitor": "runtime/mocks.js: the mock monitor no longer keeps its resources in a Map by URN",
    });
    expect(problemsOf(changedSdk([], ["runtime/resource.js"]), "recording-monitor")).toEqual({ "recording-monitor": "runtime/resource.js is missing" });
  });

  it("wire-encoding: a changed signature of secrets", () => {
    expect(problemsOf(changedSdk([["runtime/rpc.js", `exports.specialSecretSig = "${WIRE_CONSTANTS.specialSecretSig}";`, 'exports.specialSecretSig = "00000000000000000000000000000000";']]), "wire-encoding")).toEqual({
      "wire-encoding": `runtime/rpc.js: specialSecretSig is no longer "${WIRE_CONSTANTS.specialSecretSig}"`,
    });
  });

  it("names the version it found", () => {
    const dir = changedSdk([["package.json", `"version": "${VALIDATED_SDK_VERSION}"`, '"version": "3.276.0"']]);
    expect(probeSdk(dir).version).toBe("3.276.0");
    expect(probeSdk(dir).problems).toEqual({});
  });
});

describe("what the plan says", () => {
  it("about a shortcut that is off, and about a required internal that changed", () => {
    expect(shortcutOffWarning("defer-code-paths", "runtime/closure/codePaths.js is missing", "3.276.0")).toBe(
      `SDK shortcut "defer-code-paths" is off: runtime/closure/codePaths.js is missing. (The shortcut: npm's Arborist loads on first use instead of at start-up (runtime/closure/codePaths); validated with @pulumi/pulumi ${VALIDATED_SDK_VERSION}, installed: 3.276.0.) Results are unchanged; the plan may take longer.`,
    );
    expect(requiredInternalMessage("recording-monitor", "runtime/resource.js is missing", "3.276.0")).toBe(
      "the offline plan cannot run with @pulumi/pulumi 3.276.0: runtime/resource.js is missing. It relies on this SDK internal (resource registrations are read from the SDK's requests to the mock monitor (runtime/resource.js, runtime/mocks.js)), " +
        `validated with @pulumi/pulumi ${VALIDATED_SDK_VERSION}, the version package.json pins: run npm ci to install that version, or adapt the plan to this SDK.`,
    );
  });
});
