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
  SdkInternalsError,
  sdkDirFrom,
  shortcutOffWarning,
  VALIDATED_SDK_VERSION,
  WIRE_CONSTANTS,
  type InternalId,
} from "../../cli/plan/sdkInternals";
import { installLightSdk } from "../../cli/plan/sdkLoading";
import { REPO_ROOT } from "../helpers/program";
import { thrown } from "../helpers/thrown";

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
  "cmd/dynamic-provider/index.js",
  "cmd/dynamic-provider/config.js",
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
  // The SDK's own dependencies, found from its directory as in an installation.
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
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
      "dynamic-provider-host",
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

type Edit = [file: string, from: string | RegExp, to: string];

/** [internal, what changed, the edits, the problem the check reports]. */
const CHANGES: Array<[InternalId, string, Edit[], string]> = [
  [
    "serialize-closure",
    "dynamic providers serialized with other arguments",
    [["dynamic/index.js", "sc.serializeFunction(() => provider, { allowSecrets: true })", "sc.serializeFunction(() => provider, { allowSecrets: true, isFactoryFunction: false })"]],
    "dynamic/index.js no longer serializes the provider with serializeFunction(() => provider, { allowSecrets: true })",
  ],
  [
    "serialize-closure",
    "another field of the serialized function read",
    [["dynamic/index.js", "sfPromise.then((sf) => sf.text)", "sfPromise.then((sf) => sf.text + sf.exportName)"]],
    "dynamic/index.js reads containsSecrets, exportName, text of the serialized function (expected containsSecrets, text)",
  ],
  [
    "serialize-closure",
    "a new export the stand-in lacks",
    [["runtime/closure/serializeClosure.js", "exports.serializeFunction = serializeFunction;", "exports.serializeFunction = serializeFunction;\nfunction serializeModule(m) {}\nexports.serializeModule = serializeModule;"]],
    "runtime/closure/serializeClosure.js exports serializeFunction, serializeFunctionAsync, serializeModule (expected serializeFunction, serializeFunctionAsync)",
  ],
  [
    "serialize-closure",
    "other parameters",
    [["runtime/closure/serializeClosure.js", "async function serializeFunction(func, args = {}) {", "async function serializeFunction(func, args, extra) {"]],
    "runtime/closure/serializeClosure.js: serializeFunction(func, args, extra) (expected serializeFunction(func, args = {}))",
  ],
  [
    "defer-code-paths",
    "Arborist no longer loaded at start-up (nothing to defer)",
    [["runtime/closure/codePaths.js", /^const arborist = __importStar\(require\("@npmcli\/arborist"\)\);$/m, ""]],
    "runtime/closure/codePaths.js no longer loads @npmcli/arborist at start-up: there is nothing to defer",
  ],
  [
    "defer-code-paths",
    "a new export, as in 3.276.0",
    [["runtime/closure/codePaths.js", "exports.findWorkspaceRoot = findWorkspaceRoot;", "exports.findWorkspaceRoot = findWorkspaceRoot;\nfunction packageArchivePath(p) {}\nexports.packageArchivePath = packageArchivePath;"]],
    "runtime/closure/codePaths.js exports computeCodePaths, findWorkspaceRoot, packageArchivePath (expected computeCodePaths, findWorkspaceRoot)",
  ],
  [
    "defer-inspector",
    "the pack runner no longer waits for the inspector",
    [["cmd/run-policy-pack/index.js", "return v8Hooks.isInitializedAsync();", "return Promise.resolve();"]],
    "cmd/run-policy-pack/index.js no longer waits for v8Hooks.isInitializedAsync() before it loads the pack",
  ],
  [
    "defer-inspector",
    "v8Hooks exports a constant",
    [["runtime/closure/v8Hooks.js", "exports.getScriptUrl = getScriptUrl;", "exports.getScriptUrl = getScriptUrl;\nexports.sessionTimeoutMs = 1000;"]],
    "runtime/closure/v8Hooks.js exports getScriptUrl, getSessionAsync, isInitializedAsync, sessionTimeoutMs (expected getScriptUrl, getSessionAsync, isInitializedAsync)",
  ],
  [
    "no-promise-debugging",
    "other parameters",
    [["runtime/debuggable.js", "function debuggablePromise(p, ctx) {", "function debuggablePromise(p, ctx, options) {"]],
    "runtime/debuggable.js no longer exports debuggablePromise(p, ctx)",
  ],
  [
    "no-promise-debugging",
    "called without its module (a replacement would not be seen)",
    [["runtime/resource.js", /debuggable_1\.debuggablePromise\(/g, "debuggablePromise("]],
    "runtime/resource.js no longer calls debuggablePromise through its module (a replacement would not be seen)",
  ],
  [
    "no-resource-stack-traces",
    "stack traces taken elsewhere",
    [["resource.js", "const stackTrace = Resource.stackTrace(", "const stackTrace = captureStackTrace("]],
    "resource.js no longer takes a resource's stack trace from Resource.stackTrace",
  ],
  [
    "recording-monitor",
    "inputs sent as another field",
    [["runtime/resource.js", "req.setObject(gstruct.Struct.fromJavaScript(resop.serializedProps));", "req.setProperties(gstruct.Struct.fromJavaScript(resop.serializedProps));"]],
    "runtime/resource.js no longer sets the request's Object (the recording reads it)",
  ],
  [
    "recording-monitor",
    "a response field the recording does not answer",
    [["runtime/resource.js", "const rpcDeps = resp.getPropertydependenciesMap();", "const warnings = resp.getWarningsList();\n            const rpcDeps = resp.getPropertydependenciesMap();"]],
    "runtime/resource.js reads getWarningsList from the registration's response, which the recording does not answer",
  ],
  [
    "recording-monitor",
    "registrations sent another way",
    [["runtime/resource.js", "monitor.registerResource(req, (", "monitor.registerResources([req], ("]],
    "runtime/resource.js no longer registers a resource with monitor.registerResource(req, callback)",
  ],
  [
    "recording-monitor",
    "property dependencies sent another way",
    [["runtime/resource.js", "propertyDependencies.set(key, deps);", "propertyDependencies.set(key, deps.getUrnsList());"]],
    "runtime/resource.js no longer sends a resource's property dependencies in the request's map",
  ],
  [
    "recording-monitor",
    "an option the recording reads no longer set",
    [["runtime/resource.js", "req.setCustomtimeouts(customTimeouts);", "req.setTimeouts(customTimeouts);"]],
    "runtime/resource.js no longer sets the request's Customtimeouts (the recording reads it)",
  ],
  [
    "recording-monitor",
    "the mock monitor without its Map",
    [["runtime/mocks.js", "this.resources = new Map();", "this.resources = {};"]],
    "runtime/mocks.js: the mock monitor no longer keeps its resources in a Map by URN",
  ],
  [
    "dynamic-provider-host",
    "the host checks with its arguments swapped",
    [["cmd/dynamic-provider/index.js", "const result = await provider.check(olds, news);", "const result = await provider.check(news, olds);"]],
    "cmd/dynamic-provider/index.js no longer calls provider.check(olds, news)",
  ],
  [
    "dynamic-provider-host",
    "the host no longer puts __provider back into the checked inputs",
    [["cmd/dynamic-provider/index.js", "inputs[providerKey] = news[providerKey];", ""]],
    "cmd/dynamic-provider/index.js no longer puts __provider back into the checked inputs",
  ],
  [
    "dynamic-provider-host",
    "providers configured another way",
    [["cmd/dynamic-provider/index.js", "await provider.configure(req);", "await provider.configure(req, props);"]],
    "cmd/dynamic-provider/index.js no longer calls provider.configure({ config }) once, after loading it",
  ],
  [
    "dynamic-provider-host",
    "the host's config class changed",
    [["cmd/dynamic-provider/config.js", "constructor(rawConfig, projectName) {", "constructor(rawConfig, projectName, organization) {"]],
    "cmd/dynamic-provider/config.js no longer exports Config(rawConfig, projectName)",
  ],
  [
    "dynamic-provider-host",
    "the host's check method renamed",
    [["cmd/dynamic-provider/index.js", "    async check(call, callback) {", "    async checkResource(call, callback) {"]],
    "cmd/dynamic-provider/index.js has no check method",
  ],
  [
    "wire-encoding",
    "another signature for secrets",
    [["runtime/rpc.js", `exports.specialSecretSig = "${WIRE_CONSTANTS.specialSecretSig}";`, 'exports.specialSecretSig = "00000000000000000000000000000000";']],
    `runtime/rpc.js: specialSecretSig is no longer "${WIRE_CONSTANTS.specialSecretSig}"`,
  ],
];

describe("each check notices a change of its internal", () => {
  it.each(CHANGES)("%s: %s", (id, _what, edits, problem) => {
    expect(problemsOf(changedSdk(edits), id)).toEqual({ [id]: problem });
  });

  it("the host's own dependencies not found from the SDK", () => {
    const dir = changedSdk([]);
    fs.unlinkSync(path.join(dir, "node_modules"));
    expect(problemsOf(dir, "dynamic-provider-host")).toEqual({ "dynamic-provider-host": "require-from-string, which the dynamic-provider host loads, cannot be found from the SDK" });
  });

  it("a required internal stops the program process's set-up (exit code 3) before anything is installed", () => {
    const sdk = changedSdk([["cmd/dynamic-provider/index.js", "inputs[providerKey] = news[providerKey];", ""]]);
    const programDir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-sdk-program-"));
    made.push(programDir);
    fs.mkdirSync(path.join(programDir, "node_modules", "@pulumi"), { recursive: true });
    fs.symlinkSync(sdk, path.join(programDir, "node_modules", "@pulumi", "pulumi"), "dir");
    const e = thrown(() => installLightSdk(programDir));
    expect(e).toBeInstanceOf(SdkInternalsError);
    expect((e as Error).message).toBe(
      requiredInternalMessage("dynamic-provider-host", "cmd/dynamic-provider/index.js no longer puts __provider back into the checked inputs", VALIDATED_SDK_VERSION),
    );
  });

  it("a missing file", () => {
    expect(problemsOf(changedSdk([], ["runtime/resource.js"]), "recording-monitor")).toEqual({ "recording-monitor": "runtime/resource.js is missing" });
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
