// Runs a serialized dynamic provider in a plain Node process, loaded as Pulumi's dynamic-provider host loads it
// (@pulumi/pulumi cmd/dynamic-provider/index.js: `requireFromString(props.__provider).handler()`), with no TypeScript
// loader and nothing of the project but the provider's text.
//
//   node runSerializedProvider.cjs <provider text file>   (steps as JSON on stdin)
//
// Steps: [{ "method": "check" | "diff" | "create" | "read" | "update" | "delete", "args": [...] }]. An argument
// { "$step": i, "path": "a.b" } stands for a value from the result of step i (e.g. the id `create` returned).
// Stops at the first failure. Prints one JSON line: { results: [{ ok } | { error }], delays }, where `error` describes
// the thrown value as completely as a user or a log could see it, and `delays` are the recorded backoff waits
// (globalThis.k2Delays, see serializeProvider.cjs).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const util = require("node:util");

// The host's own dependency, resolved as the host resolves it.
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd()] }));
const requireFromString = require(require.resolve("require-from-string", { paths: [sdkDir] }));

function at(value, dotted) {
  return dotted === "" ? value : dotted.split(".").reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), value);
}

function resolveArg(arg, results) {
  if (arg !== null && typeof arg === "object" && typeof arg.$step === "number") return at(results[arg.$step].ok, arg.path ?? "");
  return arg;
}

function describe(e) {
  const own = {};
  if (e !== null && typeof e === "object") {
    for (const key of Object.getOwnPropertyNames(e)) if (key !== "stack") own[key] = e[key];
  }
  return {
    isError: e instanceof Error,
    name: e && e.name,
    message: e && e.message,
    hint: e && e.hint,
    kind: e && e.kind,
    status: e && e.status,
    retryable: e && e.retryable,
    stack: e && e.stack,
    text: String(e),
    inspected: util.inspect(e, { showHidden: true, depth: 6 }),
    own,
    // What the dynamic-provider host logs for a failed check, diff, read or delete.
    hostLog: `${e}: ${e && e.stack}`,
  };
}

(async () => {
  const text = fs.readFileSync(process.argv[2], "utf8");
  const steps = JSON.parse(fs.readFileSync(0, "utf8"));
  const provider = requireFromString(text).handler();
  const results = [];
  for (const step of steps) {
    try {
      const args = step.args.map((a) => resolveArg(a, results));
      results.push({ ok: (await provider[step.method](...args)) ?? null });
    } catch (e) {
      results.push({ error: describe(e) });
      break;
    }
  }
  // Exit once the line is flushed (a pipe takes a large write in parts; exiting at once can cut it off).
  process.stdout.write(`${JSON.stringify({ results, delays: globalThis.k2Delays ?? [] })}\n`, () => process.exit(0));
})();
