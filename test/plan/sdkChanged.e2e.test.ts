/**
 * No silent fall-back (cli/sdkProbe.cjs): `npm run plan` against a changed Pulumi SDK, simulated by a project with its
 * own edited copy of @pulumi/pulumi (test/plan/project.ts sdkVariantProject), run as the command runs.
 * - Every shortcut's internal changed: the plan runs the SDK's own code instead (the provider's closure really
 *   serialized, its check loaded from that text as Pulumi's dynamic-provider host loads it), says so, and gives the
 *   same result as with the shortcuts.
 * - A required internal changed, or a registration's inputs cannot be read: exit 3 naming the SDK version it needs,
 *   and no plan printed (never a plan of empty resources that finds no violation).
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requiredInternalMessage, VALIDATED_SDK_VERSION } from "../../cli/plan/sdkInternals";
import { exampleStack, linkedProject, REPO_ROOT, sdkVariantProject, type TempProject } from "./project";

const BAD_AUDIENCE = exampleStack("dev", [["audience: https://api.k2.com/", "audience: https://api.k2.com"]]);
const NEWER = (): [string, string, string] => ["package.json", `"version": "${VALIDATED_SDK_VERSION}"`, '"version": "3.276.0"'];
const projects: TempProject[] = [];

function project(make: () => TempProject): TempProject {
  const p = make();
  projects.push(p);
  p.writeStack("dev", BAD_AUDIENCE);
  return p;
}

afterAll(() => {
  for (const p of projects) p.remove();
});

/** `npm run plan -- --stack dev --format json` in the project, as a process of its own. */
function plan(root: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--require", require.resolve("esbuild-register"), path.join(REPO_ROOT, "cli", "plan.ts"), "--stack", "dev", "--format", "json"],
      { cwd: root, env: { ...process.env, NODE_PRESERVE_SYMLINKS: "1" }, maxBuffer: 32 * 1024 * 1024 },
      (error, out, err) => resolve({ code: error ? Number(error.code) : 0, out, err }),
    );
  });
}

interface PlanDoc {
  warnings: string[];
  [key: string]: unknown;
}

describe("every shortcut's internal changed: the slower path, the same result, and the plan says so", () => {
  let changed: { code: number; out: string; err: string };
  let baseline: { code: number; out: string; err: string };

  beforeAll(async () => {
    const variant = project(() =>
      sdkVariantProject([
        NEWER(),
        // Same behaviour, other shapes: each check must notice and turn its shortcut off.
        ["dynamic/index.js", "sc.serializeFunction(() => provider, { allowSecrets: true })", "sc.serializeFunction(() => provider, { allowSecrets: true, isFactoryFunction: false })"],
        ["runtime/closure/codePaths.js", "exports.findWorkspaceRoot = findWorkspaceRoot;", "exports.findWorkspaceRoot = findWorkspaceRoot;\nfunction packageArchivePath(p) { return p; }\nexports.packageArchivePath = packageArchivePath;"],
        ["cmd/run-policy-pack/index.js", "return v8Hooks.isInitializedAsync();", "return v8Hooks.isInitializedAsync().then((ready) => ready);"],
        ["runtime/debuggable.js", "function debuggablePromise(p, ctx) {", "function debuggablePromise(p, ctx, _options) {"],
        ["resource.js", "static stackTrace(skip) {", "static stackTrace(skip, _limit) {"],
      ]),
    );
    const normal = project(() => linkedProject());
    [changed, baseline] = await Promise.all([plan(variant.root), plan(normal.root)]);
  }, 240_000);

  it("names each shortcut that is off, in the program's process and in the pack's", () => {
    expect(changed.code).toBe(1);
    const warnings = (JSON.parse(changed.out) as PlanDoc).warnings.filter((w) => w.includes("SDK shortcut"));
    const off = warnings.map((w) => w.match(/^(offline plan|policy pack): SDK shortcut "([\w-]+)" is off: /)?.slice(1, 3).join(" "));
    expect(off).toEqual([
      "offline plan serialize-closure",
      "offline plan defer-code-paths",
      "offline plan no-promise-debugging",
      "offline plan no-resource-stack-traces",
      "policy pack defer-code-paths",
      "policy pack defer-inspector",
    ]);
    for (const w of warnings) expect(w).toContain(`validated with @pulumi/pulumi ${VALIDATED_SDK_VERSION}, installed: 3.276.0.) Results are unchanged; the plan may take longer.`);
    expect(changed.err).toContain('warning: offline plan: SDK shortcut "serialize-closure" is off: dynamic/index.js no longer serializes the provider');
  });

  it("gives the same plan as with the shortcuts: resources, provider checks (run on the really serialized provider) and findings", () => {
    // Really serializing the provider takes longer, so the Bearer Token resource may register later: order aside.
    const key = (x: unknown) => JSON.stringify(x);
    const sorted = <T>(list: T[]): T[] => [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const strip = (doc: PlanDoc) => {
      const { resources, policy, ...rest } = doc as PlanDoc & { resources: unknown[]; policy: { violations: unknown[] } };
      return { ...rest, resources: sorted(resources), policy: { ...policy, violations: sorted(policy.violations) }, warnings: doc.warnings.filter((w) => !w.includes("SDK shortcut")) };
    };
    const a = strip(JSON.parse(changed.out) as PlanDoc);
    const b = strip(JSON.parse(baseline.out) as PlanDoc);
    expect(baseline.code).toBe(1);
    expect(a).toEqual(b);
    expect((a as unknown as { checks: { failures: Array<{ property: string }> } }).checks.failures.map((f) => f.property)).toEqual(["parameters.audience"]);
  });
});

describe("a required internal changed: exit 3 naming the SDK version, no plan", () => {
  it("the SDK no longer sends a resource's inputs as the request's object (found at start-up)", async () => {
    const variant = project(() =>
      sdkVariantProject([NEWER(), ["runtime/resource.js", "req.setObject(gstruct.Struct.fromJavaScript(resop.serializedProps));", "req.setObject(gstruct.Struct.fromJavaScript({}));"]]),
    );
    const r = await plan(variant.root);
    expect(r.code).toBe(3);
    expect(r.out).toBe("");
    expect(r.err).toBe(`error: ${requiredInternalMessage("recording-monitor", "runtime/resource.js no longer sends a resource's inputs as the request's object", "3.276.0")}\n`);
  }, 240_000);

  it("inputs that cannot be read at run time stop the plan at the first registration", async () => {
    // The start-up check sees the usual code; the request then carries no inputs.
    const variant = project(() =>
      sdkVariantProject([
        NEWER(),
        ["runtime/resource.js", "req.setObject(gstruct.Struct.fromJavaScript(resop.serializedProps));", "req.setObject(gstruct.Struct.fromJavaScript(resop.serializedProps));\n        req.setObject(undefined);"],
      ]),
    );
    const r = await plan(variant.root);
    expect(r.code).toBe(3);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      `error: ${requiredInternalMessage("recording-monitor", "the SDK's RegisterResourceRequest getObject() returned undefined, not a protobuf Struct of the resource's inputs", "3.276.0")}\n`,
    );
  }, 240_000);
});
