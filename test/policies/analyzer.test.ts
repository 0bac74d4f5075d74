/**
 * The analyzer client (cli/analyzer.ts) against small JavaScript policy packs written for each case (plain JS: no
 * type-checking, so they start fast): start-up failures, timeouts, clean shutdown, config handling and the wire
 * format. The real pack is covered by pack.e2e.test.ts.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  parsePolicyConfigText,
  PolicyConfigError,
  PolicyPackStartError,
  resourceUrn,
  secret,
  startPolicyPack,
  UNKNOWN,
  type PolicyPackSession,
} from "../../cli/analyzer";
import { withoutPreloads } from "../../cli/analyzer/packProcess";
import { loadPolicyConfigFile, reconcilePolicyConfig } from "../../cli/analyzer/policyConfig";
import { toWireProperties } from "../../cli/analyzer/wire";
import { REPO_ROOT } from "./helpers/usePolicyPack";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "k2-policy-packs-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Writes a JS policy pack; `withDeps` links the repository's node_modules so @pulumi/* resolve. */
function writePack(name: string, indexJs: string, withDeps = true): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "1.2.3", main: "index.js" }));
  fs.writeFileSync(path.join(dir, "index.js"), indexJs);
  if (withDeps) fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startError(promise: Promise<unknown>): Promise<PolicyPackStartError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PolicyPackStartError);
  return e as PolicyPackStartError;
}

describe("starting a policy pack", () => {
  it.concurrent("explains a pack that exits before reporting its port, with its stderr, and leaves no process behind", async () => {
    const dir = writePack("exits", `console.error("cannot load the rules: missing module 'x'"); process.exit(3);`);
    const e = await startError(startPolicyPack({ packDir: dir, timeoutMs: 60_000 }));
    expect(e.message).toContain("exited (code 3) before it reported its port");
    expect(e.message).toContain("cannot load the rules: missing module 'x'");
    expect(isAlive(e.pid!)).toBe(false);
  });

  it.concurrent("includes what the pack logged to the engine when its program throws", async () => {
    const dir = writePack("throws", `throw new Error("kaboom while loading");`);
    const e = await startError(startPolicyPack({ packDir: dir, timeoutMs: 60_000 }));
    expect(e.message).toMatch(/exited \(code \d+\) before it reported its port/);
    expect(e.message).toContain("engine log:");
    expect(e.message).toContain("kaboom while loading");
  });

  it.concurrent("stops a pack that never reports its port after the configured timeout", async () => {
    const dir = writePack("silent", `setInterval(() => {}, 1 << 30);`);
    const e = await startError(startPolicyPack({ packDir: dir, timeoutMs: 1_500 }));
    expect(e.message).toContain("did not report its port within 1500 ms");
    expect(isAlive(e.pid!)).toBe(false);
  });

  it.concurrent("stops a pack that reports a port but does not speak the analyzer protocol", async () => {
    const dir = writePack("not-grpc", `console.log("1"); setInterval(() => {}, 1 << 30);`);
    const e = await startError(startPolicyPack({ packDir: dir, timeoutMs: 60_000, callTimeoutMs: 5_000 }));
    expect(e.message).toContain("started but does not answer the analyzer protocol");
    expect(isAlive(e.pid!)).toBe(false);
  });

  it("names what is missing: PulumiPolicy.yaml, or the pack's dependencies", async () => {
    const empty = path.join(scratch, "empty");
    fs.mkdirSync(empty);
    expect((await startError(startPolicyPack({ packDir: empty }))).message).toBe(`${empty} is not a policy pack: it has no PulumiPolicy.yaml`);
    const noDeps = writePack("no-deps", "", false);
    expect((await startError(startPolicyPack({ packDir: noDeps }))).message).toContain("the policy pack's dependencies are not installed; run npm install");
  });

  it("makes a pack exit when its parent goes away (stdin closes), even if the parent is killed", async () => {
    const watchdog = path.join(REPO_ROOT, "cli", "analyzer", "exitWithParent.cjs");
    const child = spawn(process.execPath, ["--require", watchdog, "-e", "setInterval(() => {}, 1 << 30)"], { stdio: ["pipe", "ignore", "ignore"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.stdin.end(); // what the OS does to the pipe when the parent dies
    expect(await exited).toBe(0);
  });

  it("keeps module preloads out of the pack's NODE_OPTIONS and everything else in", () => {
    expect(withoutPreloads("--max-old-space-size=4096 --require /x/tsx.cjs --import=data:x -r y --enable-source-maps")).toBe("--max-old-space-size=4096 --enable-source-maps");
  });
});

describe("a session with a JavaScript policy pack", () => {
  const SECRET_MARKER = "pw-0b5cure-9e1";
  let session: PolicyPackSession;
  const logs: string[] = [];
  // The pack's log messages reach the engine asynchronously (after it reports its port): wait for the event.
  let loadedLine: (line: string) => void = () => undefined;
  const loaded = new Promise<string>((resolve) => (loadedLine = resolve));
  const dir = writePack(
    "echo",
    `
const pulumi = require("@pulumi/pulumi");
const { PolicyPack } = require("@pulumi/policy");
pulumi.log.info("echo pack loaded for stack " + process.env.PULUMI_NODEJS_STACK + ", dry run " + process.env.PULUMI_NODEJS_DRY_RUN);
new PolicyPack("echo-pack", {
  enforcementLevel: "advisory",
  policies: [
    {
      name: "echo-config",
      description: "Reports its config and what it was given.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { limit: { type: "integer", minimum: 1, default: 5 }, label: { type: "string" } }, required: ["label"] },
      validateResource: (args, report) => {
        report(JSON.stringify({ config: args.getConfig(), keys: Object.keys(args.props).sort(), parent: args.opts.parent, provider: args.provider && { type: args.provider.type, name: args.provider.name, urn: args.provider.urn } }));
      },
    },
    {
      name: "echo-stack",
      description: "Reports the stack's dependency links.",
      validateStack: (args, report) => {
        for (const r of args.resources) {
          report(JSON.stringify({ name: r.name, parent: r.parent && r.parent.name, deps: r.dependencies.map((d) => d.name), byProp: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((d) => d.name)])) }), r.urn);
        }
      },
    },
    {
      name: "echo-secret",
      description: "Remediates by upper-casing 'name'.",
      enforcementLevel: "remediate",
      remediateResource: (args) => { args.props.name = String(args.props.name).toUpperCase(); return args.props; },
    },
  ],
});
`,
  );

  beforeAll(async () => {
    const onLog = (line: string) => {
      logs.push(line);
      if (line.includes("echo pack loaded")) loadedLine(line);
    };
    session = await startPolicyPack({ packDir: dir, stack: "qa", project: "demo", dryRun: true, timeoutMs: 60_000, onLog });
  }, 90_000);
  afterAll(async () => {
    await session?.close();
  });

  const res = (name: string, properties: Record<string, unknown>, extra = {}) => ({
    urn: resourceUrn({ stack: "qa", project: "demo", type: "test:index:Thing", name }),
    type: "test:index:Thing",
    name,
    properties,
    ...extra,
  });

  it("passes the stack's identity in the environment and surfaces the pack's engine log", async () => {
    expect(await loaded).toBe("info: echo pack loaded for stack qa, dry run true");
  });

  it("reports the pack's info with schemas and levels", async () => {
    const info = await session.info();
    expect(info).toMatchObject({ name: "echo-pack", version: "1.2.3", supportsConfig: true });
    expect(info.policies.map((p) => [p.name, p.enforcementLevel, p.policyType])).toEqual([
      ["echo-config", "mandatory", "resource"],
      ["echo-stack", "advisory", "stack"],
      ["echo-secret", "remediate", "resource"],
    ]);
    expect(info.policies[0].configSchema).toEqual({ properties: { limit: { type: "integer", minimum: 1, default: 5 }, label: { type: "string" } }, required: ["label"] });
  });

  it("reconciles config as the CLI does (defaults, 'all', per-policy entries) and passes other names on to the pack", async () => {
    await session.configure({ all: { enforcementLevel: "advisory" }, "echo-config": { label: "x" }, "no-such-policy": { enforcementLevel: "mandatory" } });
    const [finding] = await session.analyze(res("a", { b: 1, a: UNKNOWN }));
    expect(finding.level).toBe("advisory");
    expect(JSON.parse(finding.message.split("\n")[1])).toEqual({ config: { limit: 5, label: "x" }, keys: ["a", "b"] });
    expect(logs.join("\n")).not.toContain("no-such-policy");
  });

  it("refuses, as the CLI does, an entry for a name the pack does not have when it sets no level", async () => {
    const err = await session.configure({ "echo-confg": { label: "x" } }, "policies/config/test.json").then(
      () => new Error("configure accepted it"),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(PolicyConfigError);
    expect(err.message).toBe(
      [
        "policies/config/test.json: invalid policy config (2 problems):",
        '  - "echo-confg": is not a policy of echo-pack; did you mean echo-config? (an entry for a name the pack does not have needs an enforcementLevel, and is then the pack\'s to judge)',
        '  - "echo-config".label: is required; expected a text value',
      ].join("\n"),
    );
    const all = await session.configure({ all: { x: 1 } as never, "echo-config": { label: "x" } }).then(
      () => undefined,
      (e: unknown) => (e as Error).message,
    );
    expect(all).toBe('invalid policy config (1 problem):\n  - "all": expected an enforcement level (advisory, mandatory, remediate, disabled): "all" sets the level of every policy');
  });

  it("sends the resource's parent and provider reference (Analyze)", async () => {
    const providerUrn = "urn:pulumi:qa::demo::pulumi:providers:azuread::default_6_9_1";
    const parent = resourceUrn({ stack: "qa", project: "demo", type: "k2oauth:index:ClientApp", name: "pa" });
    const [finding] = await session.analyze(res("p", {}, { parent, provider: `${providerUrn}::3c1b6e2a-0000-4000-8000-000000000000` }));
    expect(JSON.parse(finding.message.split("\n")[1])).toMatchObject({ parent, provider: { type: "pulumi:providers:azuread", name: "default_6_9_1", urn: providerUrn } });
  });

  it("validates config against the policies' schemas before sending it", async () => {
    const err = await session.configure({ "echo-config": { limit: 0 } }, "policies/config/test.json").then(
      () => new Error("configure accepted invalid config"),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(PolicyConfigError);
    expect(err.message).toBe(
      [
        "policies/config/test.json: invalid policy config (2 problems):",
        '  - "echo-config".label: is required; expected a text value',
        '  - "echo-config".limit: expected a whole number of at least 1, like 5; got 0',
      ].join("\n"),
    );
  });

  it("sends parents, dependencies and property dependencies to AnalyzeStack", async () => {
    await session.configure({ "echo-config": { label: "x", enforcementLevel: "disabled" } });
    const a = res("a", {});
    const b = res("b", { ref: UNKNOWN }, { parent: a.urn, dependencies: [a.urn], propertyDependencies: { ref: [a.urn] } });
    const findings = await session.analyzeStack([a, b]);
    expect(findings.map((f) => [f.urn, JSON.parse(f.message.split("\n")[1])])).toEqual([
      [a.urn, { name: "a", deps: [], byProp: {} }],
      [b.urn, { name: "b", parent: "a", deps: ["a"], byProp: { ref: ["a"] } }],
    ]);
  });

  it("marshals secrets so the pack keeps them secret, and returns remediated properties in wire form", async () => {
    const [r] = await session.remediate(res("s", { name: "web", password: SECRET_MARKER, nested: { token: SECRET_MARKER } }, { secretPaths: ["password", "nested.token"] }));
    expect(r.properties).toEqual({ name: "WEB", password: secret(SECRET_MARKER), nested: { token: secret(SECRET_MARKER) } });
    expect(logs.join("\n")).not.toContain(SECRET_MARKER);
  });

  it("close stops the pack process, can be repeated, and refuses later calls (runs last)", async () => {
    await session.close();
    await session.close();
    expect(isAlive(session.pid)).toBe(false);
    await expect(session.info()).rejects.toThrow("policy pack session is closed (GetAnalyzerInfo)");
  });
});

describe("policy config files (--policy-pack-config format)", () => {
  it("reads levels given as strings or inside objects, and empty files", () => {
    expect(parsePolicyConfigText(`{"all": "advisory", "a": {"enforcementLevel": "disabled", "x": 1}, "b": {"y": [1]}}`, "f.json")).toEqual({
      all: { enforcementLevel: "advisory" },
      a: { enforcementLevel: "disabled", x: 1 },
      b: { y: [1] },
    });
    expect(parsePolicyConfigText("  \n", "f.json")).toEqual({});
  });

  it("names the file, the policy and what is expected when the file is wrong", () => {
    expect(() => parsePolicyConfigText(`{"a": "strict"}`, "cfg.json")).toThrow(`cfg.json: "a": 'strict' is not an enforcement level; expected one of advisory, mandatory, remediate, disabled`);
    expect(() => parsePolicyConfigText(`{"a": {"enforcementLevel": 3}}`, "cfg.json")).toThrow(`cfg.json: "a".enforcementLevel: expected one of`);
    expect(() => parsePolicyConfigText(`{"a": 3}`, "cfg.json")).toThrow(`cfg.json: "a": expected an enforcement level string or an object of config properties`);
    expect(() => parsePolicyConfigText(`[1]`, "cfg.json")).toThrow(`cfg.json: expected a JSON object keyed by policy name (or "all")`);
    expect(() => parsePolicyConfigText(`{`, "cfg.json")).toThrow(/^cfg\.json is not valid JSON/);
    expect(() => loadPolicyConfigFile(path.join(scratch, "missing.json"))).toThrow(`cannot read policy config ${path.join(scratch, "missing.json")}: ENOENT`);
  });

  it("reconciles names the pack does not have into the payload (with their level) and 'all' too, as the CLI sends them", () => {
    const schemas = [{ name: "p", enforcementLevel: "mandatory" as const, configSchema: { properties: { n: { type: "integer", default: 3 } }, required: [] } }];
    const { config, unknownPolicies } = reconcilePolicyConfig(schemas, { all: { enforcementLevel: "advisory" }, q: { enforcementLevel: "disabled", z: 1 }, p: { n: 4 } });
    expect(config).toEqual({
      p: { enforcementLevel: "advisory", properties: { n: 4 } },
      all: { enforcementLevel: "advisory", properties: {} },
      q: { enforcementLevel: "disabled", properties: { z: 1 } },
    });
    expect(unknownPolicies).toEqual(["q"]);
  });

  it("words nested schema problems with the schema's own description, never the validator's", () => {
    const schemas = [
      {
        name: "p",
        enforcementLevel: "mandatory" as const,
        configSchema: {
          properties: {
            list: { type: "array", items: { type: "object", additionalProperties: false, required: ["day"], properties: { day: { type: "string", pattern: "^[0-9]{4}$", description: "A year, like 2027." } } } },
          },
          required: [],
        },
      },
    ];
    expect(() => reconcilePolicyConfig(schemas, { p: { list: [{ day: "x" }, { other: 1 }] } }, "f.json")).toThrow(
      [
        "f.json: invalid policy config (3 problems):",
        "  - \"p\".list[0].day: expected a year, like 2027; got 'x'",
        '  - "p".list[1].day: is required; expected a year, like 2027',
        '  - "p".list[1].other: unknown key',
      ].join("\n"),
    );
  });
});

describe("the wire form of property values", () => {
  it("wraps secret paths, keeps secrets and unknowns, drops undefined members", () => {
    expect(
      toWireProperties({ a: { b: "s", c: undefined }, list: ["x", undefined], t: { "entra-key-id": "k" }, u: UNKNOWN, pre: secret(1) }, ["a.b", 'tags["x"]', "list[0]", 't["entra-key-id"]']),
    ).toEqual({ a: { b: secret("s") }, list: [secret("x"), null], t: { "entra-key-id": secret("k") }, u: UNKNOWN, pre: secret(1) });
  });

  it("rejects values JSON cannot carry, naming the path and never the value", () => {
    expect(() => toWireProperties({ a: [{ n: Number.NaN }] })).toThrow("property a[0].n: expected a finite number");
    expect(() => toWireProperties({ f: () => "hidden" })).toThrow("property f: expected JSON data, got a function");
  });
});
