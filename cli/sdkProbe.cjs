// The Pulumi SDK internals the offline plan's shortcuts rely on, and a start-up probe that checks each one's shape
// (not only that it exists) by reading the SDK's own files. Shared by the plan's program process
// (cli/plan/sdkLoading.ts) and every policy pack process cli/analyzer.ts starts (cli/analyzer/deferSdkModules.cjs):
// plain CommonJS, node built-ins only, because in the pack it runs before any TypeScript loader.
//
// Each shortcut was measured and validated with VALIDATED_SDK_VERSION (the version package.json pins). When a check
// fails, the shortcut is not used: the plan runs the SDK's own code instead (slower, same results) and says so in its
// warnings. The internals without such a fall-back (marked `required`: how the program's resource registrations are
// read, the wire encoding, how the dynamic-provider host runs a provider's check) stop the plan with exit code 3.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** The @pulumi/pulumi version the shortcuts were measured and validated with (package.json pins it). */
const VALIDATED_SDK_VERSION = "3.248.0";

/**
 * Every SDK internal the plan relies on: what it does and which process uses it. `required`: the plan cannot run
 * without it (no slower path gives the same result), so a failed check stops the plan; the others are shortcuts.
 */
const INTERNALS = {
  "serialize-closure": {
    process: "program",
    does: "the dynamic provider's code is fingerprinted instead of serialized (runtime/closure/serializeClosure)",
  },
  "defer-code-paths": {
    process: "program and policy pack",
    does: "npm's Arborist loads on first use instead of at start-up (runtime/closure/codePaths)",
  },
  "defer-inspector": {
    process: "policy pack",
    does: "the V8 inspector session opens on first use instead of at start-up (runtime/closure/v8Hooks)",
  },
  "no-promise-debugging": {
    process: "program",
    does: "no leak-report stack trace per internal promise (runtime/debuggable)",
  },
  "no-resource-stack-traces": {
    process: "program",
    does: "no source-position stack trace per resource (resource.js Resource.stackTrace)",
  },
  "recording-monitor": {
    process: "program",
    required: true,
    does: "resource registrations are read from the SDK's requests to the mock monitor (runtime/resource.js, runtime/mocks.js)",
  },
  "wire-encoding": {
    process: "program and plan",
    required: true,
    does: "secrets, unknowns and references are read in the SDK's wire encoding (runtime/rpc.js; copied in cli/plan/wire.ts)",
  },
  "dynamic-provider-host": {
    process: "program",
    required: true,
    does: "dynamic providers' checks run as Pulumi's dynamic-provider host runs them (cmd/dynamic-provider; copied in cli/plan/providerHost.ts)",
  },
};

/** The directory of the @pulumi/pulumi that `fromDir` resolves. */
function sdkDirFrom(fromDir) {
  return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [fromDir] }));
}

function sdkVersion(sdkDir) {
  try {
    const version = JSON.parse(fs.readFileSync(path.join(sdkDir, "package.json"), "utf8")).version;
    return typeof version === "string" ? version : "(unknown version)";
  } catch {
    return "(unknown version)";
  }
}

/** A file of the SDK, or undefined when it cannot be read. */
function sdkFile(sdkDir, relative) {
  try {
    return fs.readFileSync(path.join(sdkDir, relative), "utf8");
  } catch {
    return undefined;
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The module's exports as compiled by tsc (`exports.name = name;` after `function name(...)`): name → parameter list
 * of the exported function, or null for an export that is not a function declared in the file. Undefined when the
 * module exports in another way (re-exports, defineProperty), which the checks cannot vouch for.
 */
function exportedFunctions(text) {
  if (/__exportStar\(|__export\(|Object\.defineProperty\(exports, "(?!__esModule")/.test(text)) return undefined;
  const out = {};
  for (const [, name, value] of text.matchAll(/^exports\.(\w+) = (.+);$/gm)) {
    if (/(^|= )void 0$/.test(value)) continue; // tsc's `exports.a = exports.b = void 0;` header
    const declared = value === name ? text.match(new RegExp(`^(?:async )?function ${escapeRegExp(name)}\\(([^)]*)\\)`, "m")) : null;
    out[name] = declared ? declared[1] : null;
  }
  return out;
}

/** Why `text`'s exports are not exactly the `expected` functions (name → parameter list), or undefined. */
function exportsProblem(file, text, expected) {
  if (text === undefined) return `${file} is missing`;
  const found = exportedFunctions(text);
  if (found === undefined) return `${file} exports in a way the check cannot read`;
  const names = Object.keys(found).sort();
  const wanted = Object.keys(expected).sort();
  if (names.join(",") !== wanted.join(",")) return `${file} exports ${names.join(", ") || "nothing"} (expected ${wanted.join(", ")})`;
  for (const [name, params] of Object.entries(expected)) {
    if (found[name] === null) return `${file}: ${name} is not a function declared there`;
    if (found[name] !== params) return `${file}: ${name}(${found[name]}) (expected ${name}(${params}))`;
  }
  return undefined;
}

/** The text of the top-level function `name` in `text` (up to the next top-level declaration). */
function functionBody(text, name) {
  const start = text.search(new RegExp(`^(?:async )?function ${escapeRegExp(name)}\\(`, "m"));
  if (start < 0) return undefined;
  const rest = text.slice(start + 1);
  const next = rest.search(/^(?:async )?function |^exports\.|^class /m);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
}

/** Getter names a function body calls on `variable` (e.g. resp.getUrn() → getUrn). */
function gettersCalled(body, variable) {
  return [...new Set([...body.matchAll(new RegExp(`\\b${escapeRegExp(variable)}\\.(get\\w+)\\(`, "g"))].map((m) => m[1]))].sort();
}

/** What the recording monitor reads from a RegisterResourceRequest, and answers in its response (recordingMonitor.ts). */
const REQUEST_FIELDS_READ = [
  "Type",
  "Name",
  "Parent",
  "Custom",
  "Provider",
  "DependenciesList",
  "Object",
  "Protect",
  "IgnorechangesList",
  "Deletebeforereplace",
  "Deletebeforereplacedefined",
  "AdditionalsecretoutputsList",
  "Customtimeouts",
  "Importid",
];
const RESPONSE_GETTERS_ANSWERED = ["getId", "getObject", "getPropertydependenciesMap", "getResult", "getUnknown", "getUrn"];

const CHECKS = {
  "serialize-closure"(sdkDir) {
    const module = "runtime/closure/serializeClosure.js";
    const problem = exportsProblem(module, sdkFile(sdkDir, module), { serializeFunction: "func, args = {}", serializeFunctionAsync: "func, serialize" });
    if (problem !== undefined) return problem;
    const dynamic = sdkFile(sdkDir, "dynamic/index.js");
    if (dynamic === undefined) return "dynamic/index.js is missing";
    if (!dynamic.includes('require("../runtime/closure/serializeClosure")')) return "dynamic/index.js no longer loads runtime/closure/serializeClosure";
    if (!dynamic.includes("sc.serializeFunction(() => provider, { allowSecrets: true })")) {
      return "dynamic/index.js no longer serializes the provider with serializeFunction(() => provider, { allowSecrets: true })";
    }
    const read = [...new Set([...dynamic.matchAll(/\bsf\.(\w+)/g)].map((m) => m[1]))].sort();
    if (read.join(",") !== "containsSecrets,text") return `dynamic/index.js reads ${read.join(", ")} of the serialized function (expected containsSecrets, text)`;
    return undefined;
  },

  "defer-code-paths"(sdkDir) {
    const module = "runtime/closure/codePaths.js";
    const text = sdkFile(sdkDir, module);
    const problem = exportsProblem(module, text, {
      computeCodePaths: "optionsOrExtraIncludePaths, extraIncludePackages, extraExcludePackages",
      findWorkspaceRoot: "startingPath",
    });
    if (problem !== undefined) return problem;
    if (!/^const \w+ = __importStar\(require\("@npmcli\/arborist"\)\);$/m.test(text)) {
      return `${module} no longer loads @npmcli/arborist at start-up: there is nothing to defer`;
    }
    return undefined;
  },

  "defer-inspector"(sdkDir) {
    const module = "runtime/closure/v8Hooks.js";
    const problem = exportsProblem(module, sdkFile(sdkDir, module), { getScriptUrl: "id", getSessionAsync: "", isInitializedAsync: "" });
    if (problem !== undefined) return problem;
    const runner = sdkFile(sdkDir, "cmd/run-policy-pack/index.js");
    if (runner === undefined) return "cmd/run-policy-pack/index.js is missing";
    if (!/const v8Hooks = require\("\.\.\/\.\.\/runtime\/closure\/v8Hooks"\);\s*return v8Hooks\.isInitializedAsync\(\);/.test(runner)) {
      return "cmd/run-policy-pack/index.js no longer waits for v8Hooks.isInitializedAsync() before it loads the pack";
    }
    return undefined;
  },

  "no-promise-debugging"(sdkDir) {
    const module = "runtime/debuggable.js";
    const text = sdkFile(sdkDir, module);
    if (text === undefined) return `${module} is missing`;
    if (!/^function debuggablePromise\(p, ctx\) \{$/m.test(text) || !/^exports\.debuggablePromise = debuggablePromise;$/m.test(text)) {
      return `${module} no longer exports debuggablePromise(p, ctx)`;
    }
    const resource = sdkFile(sdkDir, "runtime/resource.js");
    if (resource === undefined || !resource.includes("debuggable_1.debuggablePromise(")) {
      return "runtime/resource.js no longer calls debuggablePromise through its module (a replacement would not be seen)";
    }
    return undefined;
  },

  "no-resource-stack-traces"(sdkDir) {
    const text = sdkFile(sdkDir, "resource.js");
    if (text === undefined) return "resource.js is missing";
    if (!/^ {4}static stackTrace\(skip\) \{$/m.test(text)) return "resource.js: Resource has no static stackTrace(skip)";
    if (!text.includes("const stackTrace = Resource.stackTrace(")) return "resource.js no longer takes a resource's stack trace from Resource.stackTrace";
    return undefined;
  },

  "recording-monitor"(sdkDir) {
    const resource = sdkFile(sdkDir, "runtime/resource.js");
    if (resource === undefined) return "runtime/resource.js is missing";
    const body = functionBody(resource, "registerResource");
    if (body === undefined) return "runtime/resource.js has no registerResource function";
    if (!body.includes("monitor.registerResource(req, (")) return "runtime/resource.js no longer registers a resource with monitor.registerResource(req, callback)";
    for (const field of REQUEST_FIELDS_READ) {
      if (!body.includes(`req.set${field}(`)) return `runtime/resource.js no longer sets the request's ${field} (the recording reads it)`;
    }
    if (!body.includes("req.setObject(gstruct.Struct.fromJavaScript(resop.serializedProps))")) {
      return "runtime/resource.js no longer sends a resource's inputs as the request's object";
    }
    if (!body.includes("const propertyDependencies = req.getPropertydependenciesMap();") || !body.includes("propertyDependencies.set(key, deps);")) {
      return "runtime/resource.js no longer sends a resource's property dependencies in the request's map";
    }
    const read = gettersCalled(body, "resp");
    const unanswered = read.filter((g) => !RESPONSE_GETTERS_ANSWERED.includes(g));
    if (unanswered.length > 0) return `runtime/resource.js reads ${unanswered.join(", ")} from the registration's response, which the recording does not answer`;
    const mocks = sdkFile(sdkDir, "runtime/mocks.js");
    if (mocks === undefined) return "runtime/mocks.js is missing";
    if (!/^ {8}this\.resources = new Map\(\);$/m.test(mocks) || !mocks.includes("const registeredResource = this.resources.get(req.getUrn());")) {
      return "runtime/mocks.js: the mock monitor no longer keeps its resources in a Map by URN";
    }
    return undefined;
  },
};

/** The wire-encoding constants of runtime/rpc.js, as cli/plan/wire.ts copies them (test/plan/units.test.ts compares). */
const WIRE_CONSTANTS = {
  specialSigKey: "4dabf18193072939515e22adb298388d",
  specialSecretSig: "1b47061264138c4ac30d75fd1eb44270",
  specialResourceSig: "5cf8f73096256a8f31e491e813e4eb8e",
  specialAssetSig: "c44067f5952c0a294b673a41bacd8c17",
  specialArchiveSig: "0def7320c3a5731c473e5ecbe6d01bc7",
  specialOutputValueSig: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
  unknownValue: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
};
CHECKS["wire-encoding"] = (sdkDir) => {
  const rpc = sdkFile(sdkDir, "runtime/rpc.js");
  if (rpc === undefined) return "runtime/rpc.js is missing";
  for (const [name, value] of Object.entries(WIRE_CONSTANTS)) {
    if (!rpc.includes(`exports.${name} = "${value}";`)) return `runtime/rpc.js: ${name} is no longer "${value}"`;
  }
  return undefined;
};

/** The text of the class method `name(call, callback)` in `text` (up to the next method of the class). */
function methodBody(text, name) {
  const start = text.search(new RegExp(`^ {4}(?:async )?${escapeRegExp(name)}\\(call, callback\\) \\{$`, "m"));
  if (start < 0) return undefined;
  const rest = text.slice(start + 1);
  const next = rest.search(/^ {4}(?:async )?\w+\(|^\}/m);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
}

/**
 * What cli/plan/providerHost.ts copies of the dynamic-provider host (cmd/dynamic-provider/index.js): [where, the code
 * as 3.248.0 has it, what it does]. `where`: "file" (anywhere in index.js), "check" or "configure" (that method).
 */
const HOST_BEHAVIOUR = [
  ["file", 'const requireFromString = require("require-from-string");', "loads a provider with require-from-string"],
  ["file", "provider = requireFromString(providerString).handler();", "loads a provider as requireFromString(__provider).handler()"],
  ["file", "const config = new dynConfig.Config(rawConfig, metadata_1.getProject());", "configures a provider with Config(the engine's config, the project)"],
  ["file", "const req = { config };\n            await provider.configure(req);", "calls provider.configure({ config }) once, after loading it"],
  ["configure", "config[k] = rpc.unwrapRpcSecret(v);", "takes the engine's config with secrets unwrapped"],
  ["check", "const olds = req.getOlds().toJavaScript();", "reads the old inputs from a protobuf Struct"],
  ["check", "const news = req.getNews().toJavaScript();", "reads the new inputs from a protobuf Struct"],
  ["check", "const provider = await getProvider(news[providerKey] === rpc.unknownValue ? olds : news, this.config);", "takes the provider from the new inputs' __provider"],
  ["check", "const result = await provider.check(olds, news);", "calls provider.check(olds, news)"],
  ["check", "inputs = result.inputs;", "takes the inputs the check returned"],
  ["check", "failures = result.failures;", "takes the failures the check returned"],
  ["check", "inputs[providerKey] = news[providerKey];", "puts __provider back into the checked inputs"],
  ["check", "resp.setInputs(structproto.Struct.fromJavaScript(inputs));", "sends the checked inputs as a protobuf Struct"],
  ["check", "failure.setProperty(f.property);\n                    failure.setReason(f.reason);", "sends each failure's property and reason"],
];

CHECKS["dynamic-provider-host"] = (sdkDir) => {
  const module = "cmd/dynamic-provider/index.js";
  const host = sdkFile(sdkDir, module);
  if (host === undefined) return `${module} is missing`;
  const parts = { file: host, check: methodBody(host, "check"), configure: methodBody(host, "configure") };
  for (const [where, code, does] of HOST_BEHAVIOUR) {
    if (parts[where] === undefined) return `${module} has no ${where} method`;
    if (!parts[where].includes(code)) return `${module} no longer ${does}`;
  }
  const config = sdkFile(sdkDir, "cmd/dynamic-provider/config.js");
  if (config === undefined) return "cmd/dynamic-provider/config.js is missing";
  if (!/^class Config \{\n {4}constructor\(rawConfig, projectName\) \{$/m.test(config) || !config.includes("exports.Config = Config;")) {
    return "cmd/dynamic-provider/config.js no longer exports Config(rawConfig, projectName)";
  }
  for (const dependency of ["require-from-string", "google-protobuf/google/protobuf/struct_pb"]) {
    try {
      require.resolve(dependency, { paths: [sdkDir] });
    } catch {
      return `${dependency}, which the dynamic-provider host loads, cannot be found from the SDK`;
    }
  }
  return undefined;
};

/**
 * Checks the internals `ids` (default: all) against the SDK in `sdkDir`: `problems[id]` says why one cannot be used,
 * absent when it can.
 */
function probeSdk(sdkDir, ids = Object.keys(CHECKS)) {
  const problems = {};
  for (const id of ids) {
    let problem;
    try {
      problem = CHECKS[id](sdkDir);
    } catch (e) {
      problem = `the check failed: ${e && e.message ? e.message : String(e)}`;
    }
    if (problem !== undefined) problems[id] = problem;
  }
  return { sdkDir, version: sdkVersion(sdkDir), problems };
}

/** The warning for a shortcut that is off. */
function shortcutOffWarning(id, problem, version) {
  return (
    `SDK shortcut "${id}" is off: ${problem}. (The shortcut: ${INTERNALS[id].does}; validated with @pulumi/pulumi ${VALIDATED_SDK_VERSION}, ` +
    `installed: ${version}.) Results are unchanged; the plan may take longer.`
  );
}

/** The error message for a required internal that is missing or changed. */
function requiredInternalMessage(id, problem, version) {
  return (
    `the offline plan cannot run with @pulumi/pulumi ${version}: ${problem}. It relies on this SDK internal (${INTERNALS[id].does}), ` +
    `validated with @pulumi/pulumi ${VALIDATED_SDK_VERSION}, the version package.json pins: run npm ci to install that version, or adapt the plan to this SDK.`
  );
}

module.exports = {
  VALIDATED_SDK_VERSION,
  INTERNALS,
  sdkDirFrom,
  sdkVersion,
  WIRE_CONSTANTS,
  probeSdk,
  shortcutOffWarning,
  requiredInternalMessage,
  exportedFunctions,
};
