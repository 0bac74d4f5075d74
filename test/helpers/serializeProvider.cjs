// Serializes the K2 Bearer Token provider the way a real `pulumi up` does, in a plain Node process (not vitest):
// TypeScript is loaded exactly as the SDK's program runner loads a TypeScript program (@pulumi/pulumi cmd/run/run.js:
// the vendored ts-node with the project's typescript and tsconfig.json; transpile-only, as with
// PULUMI_NODEJS_TRANSPILE_ONLY=true, which changes no emitted code), and the closure is serialized by the SDK itself.
//
// Prints one JSON line: { shipped, recording, shortTimeout, oauthRecording }
// - shipped: the `__provider` input a program registers when it declares a BearerTokenResource (pulumi.dynamic.Resource
//   serializes its provider), captured under the SDK's mock runtime: byte for byte what the engine receives;
// - recording: makeBearerTokenProvider with its default retry policy except that backoff waits are recorded in
//   `globalThis.k2Delays` instead of waited, serialized with the call pulumi.dynamic.Resource makes
//   (serializeFunction(() => provider, { allowSecrets: true }));
// - shortTimeout: the same with a per-attempt timeout of 1 s instead of 30 s, only for a server that never answers
//   (its attempts end by the timeout whatever the machine's load; no other request may meet it).
// Arguments: the project root; the Bearer Token inputs (JSON) for the shipped resource.
"use strict";
const path = require("node:path");

const root = path.resolve(process.argv[2]);
const inputs = JSON.parse(process.argv[3]);
process.chdir(root);
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [root] }));

// As cmd/run/run.js registers ts-node for a TypeScript program (non-ESM branch).
const tsutils = require(path.join(sdkDir, "tsutils.js"));
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: true,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});

const pulumi = require(sdkDir);

async function shipped() {
  let provider;
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (typeof args.inputs.__provider === "string") provider = args.inputs.__provider;
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "k2-oauth",
    "serialize",
    false,
  );
  const { BearerTokenResource } = require(path.join(root, "components", "bearerToken.ts"));
  const resource = new BearerTokenResource("k2-bearer-token", { ...inputs, credentials: pulumi.secret(inputs.credentials) });
  await new Promise((resolve) => resource.urn.apply(resolve));
  for (let i = 0; i < 100 && provider === undefined; i++) await new Promise((resolve) => setImmediate(resolve));
  if (provider === undefined) throw new Error("the BearerTokenResource registered no __provider");
  return provider;
}

/** The provider with recorded backoff waits (and other `retry` options), serialized as pulumi.dynamic.Resource does. */
async function recording(retry = {}, which = "bearer") {
  const { makeBearerTokenProvider } = require(path.join(root, "components", "k2", "bearerTokenProvider.ts"));
  const { makeOAuthResourceProvider } = require(path.join(root, "components", "k2", "oauthResourceProvider.ts"));
  const make = which === "oauth" ? makeOAuthResourceProvider : makeBearerTokenProvider;
  const provider = make({
    retry: {
      ...retry,
      delay: (ms) => {
        (globalThis.k2Delays = globalThis.k2Delays ?? []).push(ms);
        return Promise.resolve();
      },
    },
  });
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text;
}

(async () => {
  const result = {
    shipped: await shipped(),
    recording: await recording(),
    shortTimeout: await recording({ timeoutMs: 1000 }),
    // The outbound K2 OAuth resource's provider (k2:OAuthResource), with recorded backoff waits.
    oauthRecording: await recording({}, "oauth"),
  };
  // Exit once the pipe has taken the whole text (an exit right after write() can cut a large one off).
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
})().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : String(e)}\n`);
  process.exit(1);
});
