/**
 * `npm run plan -- --deploy-gate`, the deploy workflow's gate: a K2 Five stack whose K2 SmartObject mapping is still
 * the built-in placeholder fails it (exit 1) with the discover command to run, while the same plan without the option
 * (pull requests) only warns; a discovered mapping, or K2 Cloud, passes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/plan";
import { DEFAULT_SMARTOBJECT_MAPPING } from "../../components/k2/mapping";
import { captureIo, exampleStack, linkedProject, type TempProject } from "./project";

let project: TempProject;
const DATE = "2026-11-29";

interface JsonPlan {
  gate?: { passed: boolean; blockers: Array<{ urn: string | null; message: string }> };
  policy: { violations: Array<{ level: string }> };
  warnings: string[];
}

async function plan(stack: string, ...extra: string[]): Promise<{ code: number; json: JsonPlan }> {
  const io = captureIo(project.root);
  const code = await main(["--stack", stack, "--format", "json", "--date", DATE, ...extra], io.io);
  return { code, json: JSON.parse(io.out()) as JsonPlan };
}

beforeAll(() => {
  project = linkedProject();
  project.writeStack("placeholder", exampleStack("dev"));
  project.writeStack(
    "discovered",
    exampleStack("dev", [["      name: K2 API\n", "      name: K2 API\n    smartObjectServices:\n      mapping: stacks/k2-mapping.discovered.json\n"]]),
  );
  const discovered = { ...DEFAULT_SMARTOBJECT_MAPPING, origin: "discovered", placeholders: [], discoveredFrom: "https://k2-dev.example.com:8888/SmartObjectServices" };
  fs.writeFileSync(path.join(project.root, "stacks", "k2-mapping.discovered.json"), JSON.stringify(discovered, null, 2));
  project.writeStack(
    "cloud",
    exampleStack("dev", [
      [
        "    edition: five\n    bearerTokenResource:\n      name: K2 API\n    admin:\n      username: EXAMPLE\\svc-k2-dev\n      password:\n        secure: v1:PLACEHOLDER:set-with-pulumi-config-set-secret\n",
        "    edition: cloud\n",
      ],
    ]),
  );
});

afterAll(() => project.remove());

describe("the deploy gate", () => {
  it("blocks a K2 Five stack on the placeholder mapping, naming the discover command", async () => {
    const { code, json } = await plan("placeholder", "--deploy-gate");
    expect(code).toBe(1);
    expect(json.policy.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    expect(json.gate).toEqual({
      passed: false,
      blockers: [
        {
          urn: "urn:pulumi:placeholder::k2-oauth::k2oauth:index:InboundOAuth$pulumi-nodejs:dynamic/k2:BearerTokenResource::k2-bearer-token",
          message:
            "the K2 OAuth management SmartObject mapping is still the built-in placeholder (k2-oauth:k2.smartObjectServices.mapping is not set), " +
            "so `pulumi up` would call K2 with guessed SmartObject names. Run `npm run discover -- --stack placeholder` against the K2 server, " +
            'commit the mapping file it writes and set k2-oauth:k2.smartObjectServices.mapping to it (README.md, "Before the first pulumi up: run discover").',
        },
      ],
    });
  });

  it("leaves the same plan without the option a warning only (pull requests)", async () => {
    const { code, json } = await plan("placeholder");
    expect(code).toBe(0);
    expect(json.gate).toBeUndefined();
    expect(json.warnings.some((w) => w.includes("k2-oauth:k2.smartObjectServices.mapping is not set"))).toBe(true);
  });

  it("shows the blocker in the text and markdown formats", async () => {
    const text = captureIo(project.root);
    const markdown = captureIo(project.root);
    const codes = await Promise.all([
      main(["--stack", "placeholder", "--date", DATE, "--deploy-gate"], { ...text.io, env: { NO_COLOR: "1" } }),
      main(["--stack", "placeholder", "--date", DATE, "--deploy-gate", "--format", "markdown"], markdown.io),
    ]);
    expect(codes).toEqual([1, 1]);
    const lines = text.out().split("\n");
    const at = lines.indexOf("Deploy gate");
    expect(lines.slice(at, at + 2)).toEqual(["Deploy gate", "  x k2-bearer-token"]);
    expect(lines[at + 2]).toContain("Run `npm run discover -- --stack placeholder` against the K2 server");
    expect(text.out()).toMatch(/^Summary: \d+ resources; 0 mandatory and \d+ advisory policy violations; deploy gate blocked \(1\)\.$/m);
    expect(markdown.out()).toContain("**:no_entry: Deploy blocked** (1):\n- the K2 OAuth management SmartObject mapping is still the built-in placeholder");
  });

  it.each(["discovered", "cloud"])("passes the %s stack", async (stack) => {
    const { code, json } = await plan(stack, "--deploy-gate");
    expect(code).toBe(0);
    expect(json.gate).toEqual({ passed: true, blockers: [] });
  });
});
