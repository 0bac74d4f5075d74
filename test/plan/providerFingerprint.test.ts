/**
 * The offline plan's `__provider` (cli/plan/providerFingerprint.ts) changes exactly when the code the provider reaches
 * changes: its methods, the project module that defines it and every project module that one requires; not packages,
 * not modules that only re-export it, not the rest of the program. A provider whose code cannot be located has no
 * fingerprint (the plan serializes it for real).
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TYPE_BEARER_TOKEN_RESOURCE } from "../../components/contracts";
import { OFFLINE_PROVIDER_PREFIX, providerFingerprint } from "../../cli/plan/providerFingerprint";
import { runStackOffline } from "../../cli/plan/computePlan";
import { exampleStack, gitProject, type TempProject } from "./project";

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanup) c();
});

/** A throw-away set of CommonJS modules, loaded with a require of its own. */
function modules(files: Record<string, string>): { dir: string; load(file: string): Record<string, unknown>; loaded(): NodeJS.Module[]; write(file: string, text: string): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-fingerprint-"));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  for (const [file, text] of Object.entries(files)) write(file, text);
  const req = createRequire(path.join(dir, "index.js"));
  return {
    dir,
    load: (file) => req(path.join(dir, file)) as Record<string, unknown>,
    loaded: () => Object.values(req.cache).filter((m): m is NodeJS.Module => m !== undefined && m.filename.startsWith(dir)),
    write,
  };
}

const FILES = {
  "factory.js": 'const { suffix } = require("./helper.js");\nconst pkg = require("pkg");\nexports.makeProvider = (tag) => ({\n  check: async (olds, news) => ({ inputs: { ...news, tag: tag + suffix + pkg.x } }),\n  create: async () => ({ id: tag }),\n});\n',
  "helper.js": 'exports.suffix = "-a";\n',
  "reexport.js": 'exports.makeProvider = require("./factory.js").makeProvider;\n',
  "unrelated.js": "exports.other = () => 1;\n",
  "node_modules/pkg/index.js": 'exports.x = "";\n',
  "objects.js": "exports.provider = { check: async (_o, news) => ({ inputs: news }), create: async () => ({ id: 'x' }) };\nclass Provider { async check(_o, news) { return { inputs: news }; } async create() { return { id: 'c' }; } }\nexports.Provider = Provider;\n",
};

describe("providerFingerprint", () => {
  it("covers the defining module and the project modules it requires; not packages, re-exports or other modules", () => {
    const m = modules(FILES);
    for (const file of ["reexport.js", "unrelated.js"]) m.load(file);
    const provider = (m.load("reexport.js").makeProvider as (tag: string) => object)("t");
    const first = providerFingerprint(provider, m.loaded());
    expect(first).toMatch(new RegExp(`^${OFFLINE_PROVIDER_PREFIX}[0-9a-f]{64}$`));
    expect(providerFingerprint(provider, m.loaded())).toBe(first);
    m.write("unrelated.js", "exports.other = () => 2;\n");
    m.write("reexport.js", '// re-exported\nexports.makeProvider = require("./factory.js").makeProvider;\n');
    m.write("node_modules/pkg/index.js", 'exports.x = "changed";\n');
    expect(providerFingerprint(provider, m.loaded())).toBe(first);
    m.write("helper.js", 'exports.suffix = "-b";\n');
    const afterHelper = providerFingerprint(provider, m.loaded());
    expect(afterHelper).not.toBe(first);
    m.write("factory.js", `${FILES["factory.js"]}// changed\n`);
    expect(providerFingerprint(provider, m.loaded())).not.toBe(afterHelper);
  });

  it("finds an exported provider object and an exported class; a provider from nowhere has none", () => {
    const m = modules(FILES);
    const objects = m.load("objects.js");
    expect(providerFingerprint(objects.provider as object, m.loaded())).toMatch(new RegExp(`^${OFFLINE_PROVIDER_PREFIX}`));
    const instance = new (objects.Provider as new () => object)();
    const ofClass = providerFingerprint(instance, m.loaded());
    expect(ofClass).toMatch(new RegExp(`^${OFFLINE_PROVIDER_PREFIX}`));
    expect(ofClass).not.toBe(providerFingerprint(objects.provider as object, m.loaded()));
    const inline = { check: async () => ({}), create: async () => ({ id: "inline" }) };
    expect(providerFingerprint(inline, m.loaded())).toBeUndefined();
  });
});

describe("the Bearer Token resource's __provider in the plan's program process", () => {
  /** The program run on a copy of the project, with `edit` applied to its files first. */
  async function fingerprintAfter(edit: (project: TempProject) => void): Promise<unknown> {
    const project = gitProject({ dev: exampleStack("dev") });
    cleanup.push(() => project.remove());
    edit(project);
    const outcome = await runStackOffline(project.root, "dev");
    if (outcome.kind !== "ok") throw new Error(`the program failed: ${outcome.message}`);
    return outcome.resources.find((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE)?.wireInputs.__provider;
  }

  const replace = (project: TempProject, file: string, from: string, to: string) => {
    const text = fs.readFileSync(path.join(project.root, file), "utf8");
    if (!text.includes(from)) throw new Error(`'${from}' not in ${file}`);
    fs.writeFileSync(path.join(project.root, file), text.replace(from, to));
  };

  it("changes with a change in components/k2/http.ts, not with a change elsewhere in the program", async () => {
    const [unchanged, elsewhere, inHttp] = await Promise.all([
      fingerprintAfter(() => undefined),
      fingerprintAfter((p) => replace(p, "components/clientApp.ts", "/**", "// an edit outside the provider's code\n/**")),
      fingerprintAfter((p) => replace(p, "components/k2/http.ts", "no answer within", "no reply within")),
    ]);
    expect(unchanged).toMatch(new RegExp(`^${OFFLINE_PROVIDER_PREFIX}[0-9a-f]{64}$`));
    expect(elsewhere).toBe(unchanged);
    expect(inHttp).toMatch(new RegExp(`^${OFFLINE_PROVIDER_PREFIX}[0-9a-f]{64}$`));
    expect(inHttp).not.toBe(unchanged);
  }, 120_000);
});
