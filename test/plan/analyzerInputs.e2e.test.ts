/**
 * What the plan sends the policy pack besides a resource's inputs, compared with what the engine sends
 * (pulumi/pulumi step_generator.go: AnalyzerResourceOptions from the registration, the provider resource with its
 * inputs; AnalyzeStack with each resource's property dependencies): a program that sets every such option, pins an
 * explicit provider and passes one resource's output to another is planned, and a pack that echoes what it receives
 * (test/plan/fixtures/echoPack) reports it through the analyzer protocol.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPolicyPack } from "../../cli/analyzer";
import type { PolicyOutcome, RecordedResource } from "../../cli/plan/model";
import { openPolicyRun } from "../../cli/plan/policy";
import { runProgramOffline } from "../../cli/plan/runProgram";
import { REPO_ROOT } from "../helpers/program";

const STACK_URN = "urn:pulumi:dev::k2-oauth::pulumi:pulumi:Stack::k2-oauth-dev";
const PROVIDER_URN = "urn:pulumi:dev::k2-oauth::pulumi:providers:test::pinned";
const CONFIGURED_URN = "urn:pulumi:dev::k2-oauth::test:index:Thing::configured";

let resources: RecordedResource[];
let outcome: PolicyOutcome;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "k2-analyzer-inputs-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  const program = await runProgramOffline({
    programDir: REPO_ROOT,
    main: "test/plan/fixtures/optionsProgram.ts",
    project: "k2-oauth",
    stack: "dev",
    engineConfig: {},
    secretKeys: [],
    lookups: { k2ApiScope: "user_impersonation" },
  });
  if (program.kind !== "ok") throw new Error(`the program failed: ${program.message}`);
  resources = program.resources;
  const session = startPolicyPack({ packDir: "test/plan/fixtures/echoPack", cwd: REPO_ROOT, stack: "dev", project: "k2-oauth" });
  // The plan's own policy step, with this pack instead of policies/ (the root has no policy config).
  const run = openPolicyRun({ root, stack: "dev", project: "k2-oauth" }, session);
  for (const r of resources) run.add(r);
  outcome = await run.finish(resources);
}, 180_000);

const echoed = (policy: string, name: string): unknown =>
  JSON.parse(outcome.violations.map((v) => (v.policy === policy ? v.message : "")).find((m) => m.includes(`"name":"${name}"`)) ?? "null");

describe("the registration as recorded", () => {
  it("keeps the options and property dependencies the program registered (custom timeouts in seconds, as the engine parses them)", () => {
    const byName = (name: string) => resources.find((r) => r.name === name)!;
    expect(byName("configured").options).toEqual({
      protect: true,
      ignoreChanges: ["label"],
      deleteBeforeReplace: true,
      additionalSecretOutputs: ["size"],
      customTimeouts: { create: 5400, update: 0, delete: 90, read: 0 },
    });
    expect(byName("dependent").options).toEqual({ protect: false, ignoreChanges: [], additionalSecretOutputs: [], customTimeouts: { create: 0, update: 0, delete: 0, read: 0 } });
    expect(byName("dependent").propertyDependencies).toEqual({ ref: [CONFIGURED_URN], plain: [] });
  });
});

describe("what the policy pack receives", () => {
  it("Analyze: every option as registered, and the provider with its inputs", () => {
    expect(echoed("echo-resource", "configured")).toEqual({
      name: "configured",
      opts: {
        protect: true,
        ignoreChanges: ["label"],
        deleteBeforeReplace: true,
        aliases: [],
        customTimeouts: { createSeconds: 5400, updateSeconds: 0, deleteSeconds: 90 },
        additionalSecretOutputs: ["size"],
        parent: STACK_URN,
      },
      provider: { urn: PROVIDER_URN, type: "pulumi:providers:test", name: "pinned", props: { region: "west", token: "Pinned-Provider-Token" } },
    });
  });

  it("Analyze: a resource that sets no option gets the engine's defaults (deleteBeforeReplace not defined)", () => {
    expect(echoed("echo-resource", "dependent")).toEqual({
      name: "dependent",
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], parent: STACK_URN },
      provider: null,
    });
  });

  it("AnalyzeStack: property dependencies per input, as registered", () => {
    expect(echoed("echo-stack", "dependent")).toEqual({ name: "dependent", propertyDependencies: { ref: [CONFIGURED_URN] }, dependencies: [PROVIDER_URN, CONFIGURED_URN] });
    expect(echoed("echo-stack", "configured")).toEqual({ name: "configured", propertyDependencies: {}, dependencies: [] });
  });
});
