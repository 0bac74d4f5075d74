/**
 * The offline plan runs each dynamic provider's check as `pulumi preview` does, before any policy (cli/plan.ts `main`
 * in process; the program and the pack in their own processes as always): a plan whose Bearer Token inputs fail the
 * provider's check exits 1 and prints each failure like a policy finding (resource, input, reason with the value given
 * quoted as config messages quote it, config key to change) in every format; what a check says never shows a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/plan";
import { computePlan } from "../../cli/plan/computePlan";
import type { PlanResult } from "../../cli/plan/model";
import { planJson } from "../../cli/plan/render/json";
import { renderMarkdown } from "../../cli/plan/render/markdown";
import { renderText } from "../../cli/plan/render/text";
import { FIXTURE_SECRET } from "./fixtures/checkingProgram";
import { captureIo, exampleStack, linkedProject, type TempProject } from "./project";

const BEARER_URN = "urn:pulumi:bad-audience::k2-oauth::k2oauth:index:InboundOAuth$pulumi-nodejs:dynamic/k2:BearerTokenResource::k2-bearer-token";
const AUDIENCE_REASON =
  "expected exactly https://api.k2.com/ (with the trailing slash): a v1 token's aud is the requested resource string, so K2 compares it character by character";

let project: TempProject;
let fixture: TempProject;

beforeAll(() => {
  project = linkedProject();
  // Valid config (an https URL), but not what K2 compares tokens with: the provider's check rejects it.
  project.writeStack("bad-audience", exampleStack("dev", [["audience: https://api.k2.com/", "audience: https://api.k2.com"]]));
  project.writeStack("dev", exampleStack("dev"));
  fixture = linkedProject({}, { main: "test/plan/fixtures/checkingProgram.ts" });
  fixture.writeStack("dev", exampleStack("dev"));
  fixture.writeStack("throws", exampleStack("dev", [["config:\n", "config:\n  fixture:throws: true\n"]]));
});

afterAll(() => {
  project.remove();
  fixture.remove();
});

async function run(root: string, stack: string, format: string): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(root);
  const code = await main(["--stack", stack, "--format", format], io.io);
  return { code, out: io.out(), err: io.err() };
}

describe("Bearer Token inputs that fail the provider's check", () => {
  let text: { code: number; out: string; err: string };
  let markdown: { code: number; out: string };
  let json: { code: number; out: string };

  beforeAll(async () => {
    [text, markdown, json] = await Promise.all([run(project.root, "bad-audience", "text"), run(project.root, "bad-audience", "markdown"), run(project.root, "bad-audience", "json")]);
  });

  it("exit 1 in every format", () => {
    expect([text.code, markdown.code, json.code]).toEqual([1, 1, 1]);
  });

  it("text: a section before the policy findings, like a finding: resource, input, reason, what to change", () => {
    const section = text.out.slice(text.out.indexOf("Provider checks"), text.out.indexOf("Policy findings"));
    expect(section).toBe(
      [
        // The Bearer Token resource and the outbound K2 OAuth resource of the dev example (k2-oauth:outbound).
        "Provider checks (2 dynamic resources; pulumi preview runs them before any policy)",
        "  failed (1)",
        "    x k2-bearer-token  parameters.audience",
        `        ${AUDIENCE_REASON}; got 'https://api.k2.com'`,
        "        change: k2-oauth:k2Api.audience",
        "",
        "",
      ].join("\n"),
    );
    expect(text.out).toMatch(/^Summary: 25 resources; 1 provider check failure; 1 mandatory and \d+ advisory policy violations\.$/m);
  });

  it("markdown: the verdict counts it, and a table row says what to change", () => {
    expect(markdown.out).toMatch(/^\*\*:x: 1 provider check failure\*\*, \*\*:x: 1 mandatory policy violation\*\*/m);
    expect(markdown.out).toContain(
      "#### Provider checks\n\n_2 dynamic resources checked by their providers, as `pulumi preview` does before any policy._\n\n" +
        "|  | Resource | Input | Reason | Change |\n| --- | --- | --- | --- | --- |\n" +
        `| :x: failed | \`k2-bearer-token\` | \`parameters.audience\` | ${AUDIENCE_REASON}; got 'https://api.k2.com' | \`k2-oauth:k2Api.audience\` |\n`,
    );
  });

  it("json: `checks` with every field", () => {
    const doc = JSON.parse(json.out) as { checks: unknown };
    expect(doc.checks).toEqual({
      resourcesChecked: 2,
      failures: [
        {
          urn: BEARER_URN,
          type: "pulumi-nodejs:dynamic/k2:BearerTokenResource",
          name: "k2-bearer-token",
          property: "parameters.audience",
          reason: AUDIENCE_REASON,
          configKeys: ["k2-oauth:k2Api.audience"],
          given: "https://api.k2.com",
        },
      ],
    });
  });
});

describe("a stack whose inputs pass the check", () => {
  it("exits 0 and says so; both dynamic resources (Bearer Token, outbound K2 OAuth resource) were checked", async () => {
    const { result } = await computePlan({ root: project.root, stack: "dev" });
    expect(result.checks).toEqual({ resourcesChecked: 2, failures: [] });
    expect(renderText(result, { color: false })).toContain("Provider checks (2 dynamic resources; pulumi preview runs them before any policy)\n  no check failures\n");
    expect(renderMarkdown(result)).toContain("_2 dynamic resources checked by their providers, as `pulumi preview` does before any policy._\n\nNo check failures.\n");
  });
});

describe("what a provider's check says about secret inputs", () => {
  let plan: PlanResult;
  let cli: { code: number; out: string; err: string };

  beforeAll(async () => {
    [cli, { result: plan }] = await Promise.all([run(fixture.root, "dev", "json"), computePlan({ root: fixture.root, stack: "dev" })]);
  });

  it("every dynamic resource is checked; a failure quoting a secret is listed with the secret masked", () => {
    expect(cli.code).toBe(1);
    expect(plan.checks).toEqual({
      resourcesChecked: 4,
      failures: [
        {
          urn: "urn:pulumi:dev::k2-oauth::pulumi-nodejs:dynamic/test:Echoing::echoing",
          type: "pulumi-nodejs:dynamic/test:Echoing",
          name: "echoing",
          property: "token",
          reason: "token [secret] is not accepted for the fixture",
          configKeys: [],
          given: "[secret]",
        },
      ],
    });
  });

  it("the checked inputs are what the program gets back and what the plan shows, secrets still secret", () => {
    const normalizing = plan.resources.find((r) => r.name === "normalizing");
    expect(normalizing?.inputs).toEqual({ __provider: "(dynamic provider code)", url: "https://example.com/", token: "[secret]" });
    expect(plan.warnings).toContain("program: normalized url: https://example.com/");
  });

  it("each resource is checked by its own provider, also when two providers share their code", () => {
    const tagged = plan.resources.filter((r) => r.name.startsWith("tagged-")).map((r) => [r.name, r.inputs.tag, r.inputs.__provider]);
    expect(tagged.sort()).toEqual([
      ["tagged-1", "first", "(dynamic provider code)"],
      ["tagged-2", "second", "(dynamic provider code)"],
    ]);
    const fingerprints = plan.resources.filter((r) => r.name.startsWith("tagged-")).map((r) => String(r.wireInputs.__provider));
    expect(fingerprints.map((f) => f.replace(/^offline-plan:dynamic-provider-fingerprint:[0-9a-f]{64}/, "")).sort()).toEqual(["", "#1"]);
  });

  it("a provider whose module the plan cannot locate is serialized for real, and its check runs on that text", () => {
    const provider = (name: string) => String(plan.resources.find((r) => r.name === name)?.wireInputs.__provider);
    expect(provider("normalizing")).toContain("exports.handler = ");
    expect(provider("echoing")).toMatch(/^offline-plan:dynamic-provider-fingerprint:[0-9a-f]{64}$/);
  });

  it("a function serialized other than as a dynamic provider goes to the SDK's own serializer", () => {
    expect(plan.warnings).toContain("program: a plain function serialized by the SDK: true");
  });

  it("no secret in any format, nor on stderr", () => {
    const outputs = [cli.out, cli.err, renderText(plan, { color: false }), renderMarkdown(plan), JSON.stringify(planJson(plan))];
    for (const output of outputs) expect(output.includes(FIXTURE_SECRET)).toBe(false);
    expect(renderText(plan, { color: false })).toContain(
      "    x echoing  token\n        token [secret] is not accepted for the fixture (the value given is not shown: it is stored as a secret)\n",
    );
    const echoing = (JSON.parse(cli.out) as { checks: { failures: Array<{ name: string; given: unknown; configKeys: unknown }> } }).checks.failures.find((f) => f.name === "echoing");
    expect(echoing).toMatchObject({ given: "[secret]", configKeys: [] });
  });
});

describe("a provider whose check throws", () => {
  it("stops the plan with exit 3, as the host's error stops the preview, naming the resource; the secret it quotes masked", async () => {
    const r = await run(fixture.root, "throws", "text");
    expect(r.code).toBe(3);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      "error: the provider check of urn:pulumi:throws::k2-oauth::pulumi-nodejs:dynamic:Resource::throwing failed with Error: cannot check a token like [secret]; " +
        "pulumi preview fails at this resource too (the dynamic-provider host returns the error to the engine, which stops the preview)\n",
    );
  });
});
