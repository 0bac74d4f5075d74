/**
 * The publishable pack (`npm run build:policies`): built here, copied into an empty folder where only its declared
 * dependencies resolve (as after `npm install` on a machine that downloaded it from Pulumi Cloud), started with the
 * SDK's run-policy-pack as the CLI does, and compared with the in-repository pack over the analyzer protocol.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyConfigError, resourceUrn, startPolicyPack, type AnalyzerResource, type PolicyPackSession } from "../../cli/analyzer";
import { BUILT_FILES, buildPolicyPack, PACK_DEPENDENCIES, type BuiltPack } from "../../cli/buildPolicies";
import { applicationProps, clientApp, contracts, inboundOAuth } from "./helpers/fixtures";
import { PACK_DIR, PACK_START_TIMEOUT_MS, REPO_ROOT } from "./helpers/usePolicyPack";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "k2-publishable-"));
const alone = path.join(scratch, "pack");
let built: BuiltPack;
let published: PolicyPackSession;
let inRepo: PolicyPackSession;

beforeAll(async () => {
  built = await buildPolicyPack({ root: REPO_ROOT, out: path.join(scratch, "build") });
  // An empty folder with the pack's files and, resolvable from it, only the dependencies its package.json declares.
  fs.mkdirSync(path.join(alone, "node_modules", "@pulumi"), { recursive: true });
  for (const file of fs.readdirSync(built.dir)) fs.copyFileSync(path.join(built.dir, file), path.join(alone, file));
  for (const dep of PACK_DEPENDENCIES) fs.symlinkSync(path.join(REPO_ROOT, "node_modules", dep), path.join(alone, "node_modules", dep), "dir");
  [published, inRepo] = await Promise.all([
    startPolicyPack({ packDir: alone, stack: "dev", project: "k2-oauth", timeoutMs: PACK_START_TIMEOUT_MS }),
    startPolicyPack({ packDir: PACK_DIR, stack: "dev", project: "k2-oauth", timeoutMs: PACK_START_TIMEOUT_MS }),
  ]);
}, PACK_START_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await Promise.all([published?.close(), inRepo?.close()]);
  fs.rmSync(scratch, { recursive: true, force: true });
});

function resource(type: string, name: string, properties: Record<string, unknown>, ancestors: string[] = [], parent?: string): AnalyzerResource {
  return { urn: resourceUrn({ stack: "dev", project: "k2-oauth", type, name, ...(ancestors.length > 0 ? { parentType: ancestors.join("$") } : {}) }), type, name, properties, ...(parent ? { parent } : {}) };
}

describe("the publishable policy pack", () => {
  it("is a folder of four files: PulumiPolicy.yaml, a package.json with the pack's version and two dependencies, their npm-shrinkwrap.json, index.js", () => {
    expect(fs.readdirSync(built.dir).sort()).toEqual(["PulumiPolicy.yaml", "index.js", "npm-shrinkwrap.json", "package.json"]);
    expect([...BUILT_FILES].sort()).toEqual(["PulumiPolicy.yaml", "index.js", "npm-shrinkwrap.json", "package.json"]);
    // The shrinkwrap pins what the repository tests: the two dependencies and the grpc and protobuf they load, at the
    // repository lockfile's versions.
    const shrinkwrap = JSON.parse(fs.readFileSync(path.join(built.dir, "npm-shrinkwrap.json"), "utf8")) as { lockfileVersion: number; packages: Record<string, { version?: string; dev?: boolean; dependencies?: Record<string, string> }> };
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
    expect(shrinkwrap.lockfileVersion).toBe(3);
    for (const dep of [...PACK_DEPENDENCIES, "@grpc/grpc-js", "google-protobuf"]) expect(shrinkwrap.packages[`node_modules/${dep}`]?.version, dep).toBe(lock.packages[`node_modules/${dep}`].version);
    expect(Object.values(shrinkwrap.packages).filter((e) => e.dev === true)).toEqual([]);
    expect(shrinkwrap.packages[""].dependencies).toEqual(JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")).dependencies);
    const pkg = JSON.parse(fs.readFileSync(path.join(built.dir, "package.json"), "utf8")) as { version: string; main: string; dependencies: Record<string, string> };
    const source = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };
    expect(pkg).toMatchObject({ version: source.version, main: "index.js", dependencies: source.dependencies });
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...PACK_DEPENDENCIES].sort());
    expect(fs.readFileSync(path.join(built.dir, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  });

  it("loads nothing at run time but Node's built-ins and its two dependencies (the rest is bundled)", () => {
    const code = fs.readFileSync(path.join(built.dir, "index.js"), "utf8");
    const required = [...code.matchAll(/\brequire(?:\.resolve)?\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    for (const id of new Set(required)) {
      const builtin = builtinModules.includes(id.replace(/^node:/, ""));
      const declared = PACK_DEPENDENCIES.some((dep) => id === dep || id.startsWith(`${dep}/`));
      expect(builtin || declared, id).toBe(true);
    }
    expect(code).not.toMatch(/require\(\s*[^"'\s)]/); // no computed module names the scan could miss
    // The one home of the endpoint rules and the rules' own modules are inside.
    expect(built.inputs).toEqual(expect.arrayContaining(["components/entra.ts", "policies/index.ts", "policies/rules/bearerTokenEndpoints.ts"]));
  });

  it("packs as npm pack (what pulumi policy publish uploads) sees it: the three files and nothing else", async () => {
    const listing = await new Promise<string>((resolve, reject) =>
      execFile("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: alone }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const [entry] = JSON.parse(listing) as Array<{ files: Array<{ path: string }> }>;
    expect(entry.files.map((f) => f.path).sort()).toEqual([...BUILT_FILES].sort());
  });

  it("serves the same policies, metadata and config schemas as the in-repository pack (GetAnalyzerInfo)", async () => {
    const [a, b] = await Promise.all([published.info(), inRepo.info()]);
    expect(a.policies.length).toBeGreaterThan(10);
    expect(a).toEqual(b);
  });

  it("checks its config at Configure and finds the same as the in-repository pack (Configure, Analyze, AnalyzeStack)", async () => {
    const typo = await published.configure({ "entra-client-secret-expiry": { maxLifetimeDay: "P90D" } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(typo).toBeInstanceOf(PolicyConfigError);
    expect((typo as Error).message).toBe('invalid policy config (1 problem):\n  - "entra-client-secret-expiry".maxLifetimeDay: unknown setting; did you mean maxLifetime?');
    const config = { "entra-app-owners": { minOwners: 2 } };
    await Promise.all([published.configure(config), inRepo.configure(config)]);

    const inbound = inboundOAuth();
    const client = clientApp("pa", 0);
    const inboundRes = resource(inbound.type, inbound.name, inbound.props);
    const clientRes = resource(client.type, client.name, client.props, [contracts.TYPE_INBOUND_OAUTH], inboundRes.urn);
    const app = resource(
      contracts.TYPE_AZUREAD_APPLICATION,
      "pa-app",
      applicationProps("pa", { web: { redirectUris: ["https://pa.azurewebsites.net/cb"], implicitGrant: { accessTokenIssuanceEnabled: true } } }),
      [contracts.TYPE_INBOUND_OAUTH, contracts.TYPE_CLIENT_APP],
      clientRes.urn,
    );
    const loose = resource(contracts.TYPE_AZUREAD_APPLICATION, "loose-app", applicationProps("loose", { web: { redirectUris: ["http://loose.example.com/cb"] } }));
    const stack = [inboundRes, clientRes, app, loose];
    const [fromPublished, fromRepo] = await Promise.all([
      Promise.all([published.analyze(loose), published.analyze(app), published.analyzeStack(stack)]),
      Promise.all([inRepo.analyze(loose), inRepo.analyze(app), inRepo.analyzeStack(stack)]),
    ]);
    expect(fromPublished).toEqual(fromRepo);
    const policies = fromPublished.flat().map((f) => `${f.level} ${f.policyName} ${f.urn?.split("::").pop() ?? ""}`);
    expect(policies).toEqual(
      expect.arrayContaining(["mandatory entra-app-redirect-uris loose-app", "mandatory entra-app-redirect-uris pa-app", "mandatory entra-app-implicit-grant pa-app", "mandatory entra-app-owners pa-app"]),
    );
  });
});
