/**
 * `npm run build:policies -- [--out <dir>]` (options and exit codes: BUILD_POLICIES_COMMAND): the policy pack as
 * `pulumi policy publish` needs it. policies/ imports parts of components/ (the one home of the Entra endpoint rules,
 * the type tokens, the K2 audience rules) and zod; esbuild bundles all of that into one `index.js`, leaving
 * `@pulumi/policy` and `@pulumi/pulumi` as the folder's only dependencies (the analyzer server must use the SDK the CLI
 * starts it with). The folder holds `PulumiPolicy.yaml`, `package.json` (the pack's version, exact dependency pins,
 * `main: index.js`) and `index.js`; no TypeScript, so no tsconfig that could point outside it.
 *
 * The in-repository pack (`--policy-pack policies`, `npm run plan`) is unchanged: the bundle is made from it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { shrinkwrapFor, type Lockfile } from "./packShrinkwrap";
import { defineCommand, readCommandLine, type CommandOutput } from "./args";

export const DEFAULT_OUT = path.join("dist", "policy-pack");
/** The packages the pack loads at run time: its only dependencies, never bundled. */
export const PACK_DEPENDENCIES = ["@pulumi/policy", "@pulumi/pulumi"] as const;
/** What the build writes (and, on a new build, replaces). */
export const BUILT_FILES = ["PulumiPolicy.yaml", "package.json", "npm-shrinkwrap.json", "index.js"] as const;

export const BUILD_POLICIES_COMMAND = defineCommand({
  script: "build:policies",
  description: [
    "Builds the publishable policy pack: policies/ bundled with what it uses from components/ into one index.js, with",
    "PulumiPolicy.yaml and a package.json whose only dependencies are @pulumi/policy and @pulumi/pulumi. Publish it",
    "with `pulumi policy publish <org>` from that folder.",
  ].join("\n"),
  options: [{ name: "out", value: "<dir>", help: `where to write the pack (default ${DEFAULT_OUT})` }],
  exitCodes: [
    [0, "pack written"],
    [1, "the build failed (the message says why)"],
    [2, "usage"],
  ],
});

interface PackManifest {
  name: string;
  version: string;
  description?: string;
  license?: string;
  dependencies: Record<string, string>;
}

export interface BuiltPack {
  dir: string;
  version: string;
  /** Files of this repository the bundle holds, relative to the root (policies/, components/ and zod's). */
  inputs: string[];
}

export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BuildError";
  }
}

function readManifest(root: string): PackManifest {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "policies", "package.json"), "utf8")) as PackManifest;
  const deps = Object.keys(manifest.dependencies ?? {}).sort();
  if (deps.join(",") !== [...PACK_DEPENDENCIES].sort().join(",")) {
    throw new BuildError(`policies/package.json must depend on exactly ${PACK_DEPENDENCIES.join(" and ")} (the pack loads nothing else at run time); it lists ${deps.join(", ")}`);
  }
  return manifest;
}

/** Builds the pack into `out` (created if missing; only the files this build writes are replaced). */
export async function buildPolicyPack(opts: { root: string; out: string }): Promise<BuiltPack> {
  const manifest = readManifest(opts.root);
  const out = path.resolve(opts.root, opts.out);
  fs.mkdirSync(out, { recursive: true });
  for (const file of BUILT_FILES) fs.rmSync(path.join(out, file), { force: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = await esbuild.build({
    entryPoints: [path.join(opts.root, "policies", "index.ts")],
    outfile: path.join(out, "index.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: PACK_DEPENDENCIES.flatMap((dep) => [dep, `${dep}/*`]),
    tsconfig: path.join(opts.root, "tsconfig.json"),
    banner: { js: `// ${manifest.name} ${manifest.version}: built by npm run build:policies from policies/index.ts; do not edit.` },
    metafile: true,
    logLevel: "silent",
  }).catch((err: unknown) => {
    throw new BuildError(`esbuild could not bundle policies/index.ts: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (result.warnings.length > 0) {
    throw new BuildError(`esbuild warned while bundling policies/index.ts (refusing a pack that may not load): ${result.warnings.map((w) => w.text).join("; ")}`);
  }
  const pkg = {
    name: manifest.name,
    version: manifest.version,
    ...(manifest.description !== undefined ? { description: manifest.description } : {}),
    ...(manifest.license !== undefined ? { license: manifest.license } : {}),
    private: true,
    main: "index.js",
    dependencies: manifest.dependencies,
  };
  fs.writeFileSync(path.join(out, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  let shrinkwrap: object;
  try {
    shrinkwrap = shrinkwrapFor(pkg, JSON.parse(fs.readFileSync(path.join(opts.root, "package-lock.json"), "utf8")) as Lockfile);
  } catch (err) {
    throw new BuildError(`could not write npm-shrinkwrap.json from package-lock.json: ${(err as Error).message}`);
  }
  fs.writeFileSync(path.join(out, "npm-shrinkwrap.json"), `${JSON.stringify(shrinkwrap, null, 2)}\n`);
  const project = fs.readFileSync(path.join(opts.root, "policies", "PulumiPolicy.yaml"), "utf8");
  const description = /^description:.*$/m.exec(project)?.[0];
  fs.writeFileSync(
    path.join(out, "PulumiPolicy.yaml"),
    `# The k2-oauth policy pack, built by npm run build:policies (version in package.json).\n${description !== undefined ? `${description}\n` : ""}runtime: nodejs\n`,
  );
  const inputs = Object.keys(result.metafile?.inputs ?? {}).map((p) => path.relative(opts.root, path.resolve(opts.root, p)).split(path.sep).join("/"));
  return { dir: out, version: manifest.version, inputs: inputs.sort() };
}

/** Runs the command; returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: CommandOutput & { root: string }): Promise<number> {
  const line = readCommandLine(BUILD_POLICIES_COMMAND, argv, io);
  if ("exitCode" in line) return line.exitCode;
  try {
    const built = await buildPolicyPack({ root: io.root, out: line.values.out ?? DEFAULT_OUT });
    const shown = path.relative(io.root, built.dir) || ".";
    io.stdout(
      `policy pack k2-oauth ${built.version} written to ${shown} (${BUILT_FILES.join(", ")}; ${built.inputs.length} source files bundled)\n` +
        `publish it: cd ${shown} && pulumi policy publish <org>\n`,
    );
    return 0;
  } catch (err) {
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), { root: path.resolve(__dirname, ".."), stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => {
    process.exitCode = code;
  });
}
