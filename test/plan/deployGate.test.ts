/**
 * `npm run plan -- --deploy-gate --outputs <file>`, the deploy workflow's gate, run as the workflow runs it (with the
 * stack's deployed outputs): a K2 Five stack whose K2 SmartObject mapping is still the built-in placeholder fails it
 * (exit 1) with the discover command to run, while the same plan without the option (pull requests) only warns; a
 * discovered mapping, or K2 Cloud, passes. A deploy that would drop a valid client secret is refused unless
 * `--allow-drop` names the client; a new client whose first secret would expire inside the warning window is refused
 * with the line to add.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/plan";
import { validateStackConfig } from "../../components/config";
import { DEFAULT_SMARTOBJECT_MAPPING } from "../../components/k2/mapping";
import { describeSecrets, parseUtcDay } from "../../components/rotation";
import { secretDeclarations } from "../../components/secretDeclarations";
import { loadStackFile } from "../../cli/stackFile";
import { captureIo, exampleStack, linkedProject, type TempProject } from "./project";

let project: TempProject;
const DATE = "2026-11-29";

interface Finding {
  urn: string | null;
  subject: string;
  message: string;
}

interface JsonPlan {
  gate?: { passed: boolean; blockers: Finding[]; allowed: Finding[] };
  policy: { violations: Array<{ level: string }> };
  warnings: string[];
}

async function plan(stack: string, ...extra: string[]): Promise<{ code: number; json: JsonPlan }> {
  const io = captureIo(project.root);
  const code = await main(["--stack", stack, "--format", "json", "--date", DATE, ...extra], io.io);
  return { code, json: JSON.parse(io.out()) as JsonPlan };
}

/** The outputs `pulumi stack output --json` gives for a stack last deployed on `day`: clients' secrets with key ids. */
function outputsDeployedOn(stack: string, day: string): string {
  const config = validateStackConfig(loadStackFile(stack, project.root).config);
  const clients = Object.fromEntries(
    config.clients.map((c) => {
      const passwords = secretDeclarations(c, parseUtcDay(day)!, undefined).passwords;
      return [c.name, { clientId: `${c.name}-id`, secrets: describeSecrets(passwords).map((d) => ({ ...d, keyId: `key-${c.name}-${d.generation}` })) }];
    }),
  );
  return JSON.stringify({ tenantId: config.tenantId, clients });
}

beforeAll(() => {
  // The cloud stack warns 45 days ahead: longer than its clients' 30-day overlaps. The pack's rotation rule, which
  // takes the same window, refuses such a schedule (mandatory by default); here it is lowered to advisory, so that the
  // plan's own warning can be seen not to fail the plan.
  const window45 = { warnDays: 45 };
  project = linkedProject({
    cloud: { "entra-client-secret-expiry-advisory": window45, "entra-client-secret-rotation-overlap": { ...window45, enforcementLevel: "advisory" } },
  });
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

  // The dev stack with a start date added to power-automate, deployed without it the day before.
  project.writeStack(
    "restarted",
    exampleStack("dev", [
      ["      name: K2 API\n", "      name: K2 API\n    smartObjectServices:\n      mapping: stacks/k2-mapping.discovered.json\n"],
      ["        lifetimeDays: 180\n        rotateAfterDays: 150\n", `        lifetimeDays: 180\n        rotateAfterDays: 150\n        startDate: ${DATE}\n`],
    ]),
  );
  for (const stack of ["placeholder", "discovered", "cloud"]) fs.writeFileSync(path.join(project.root, `${stack}.outputs.json`), outputsDeployedOn(stack, "2026-11-28"));
  fs.writeFileSync(path.join(project.root, "restarted.outputs.json"), outputsDeployedOn("discovered", "2026-11-28"));
  fs.writeFileSync(path.join(project.root, "never.outputs.json"), "{}");
});

afterAll(() => project.remove());

describe("the deploy gate", () => {
  it("blocks a K2 Five stack on the placeholder mapping, naming the discover command", async () => {
    const { code, json } = await plan("placeholder", "--deploy-gate", "--outputs", "placeholder.outputs.json");
    expect(code).toBe(1);
    expect(json.policy.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    expect(json.gate).toEqual({
      passed: false,
      allowed: [],
      blockers: [
        {
          urn: "urn:pulumi:placeholder::k2-oauth::k2oauth:index:InboundOAuth$pulumi-nodejs:dynamic/k2:BearerTokenResource::k2-bearer-token",
          subject: "k2-bearer-token",
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
      main(["--stack", "placeholder", "--date", DATE, "--deploy-gate", "--outputs", "placeholder.outputs.json"], { ...text.io, env: { NO_COLOR: "1" } }),
      main(["--stack", "placeholder", "--date", DATE, "--deploy-gate", "--outputs", "placeholder.outputs.json", "--format", "markdown"], markdown.io),
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
    const { code, json } = await plan(stack, "--deploy-gate", "--outputs", `${stack}.outputs.json`);
    expect(code).toBe(0);
    expect(json.gate).toEqual({ passed: true, blockers: [], allowed: [] });
  });
});

describe("the schedule warnings", () => {
  it("warn in every plan (the gate too) about an overlap shorter than the stack's warning window, without failing it", async () => {
    const { code, json } = await plan("cloud", "--deploy-gate", "--outputs", "cloud.outputs.json");
    expect(code).toBe(0);
    expect(json.warnings.filter((w) => w.includes("is shorter than the 45-day expiry warning window (warnDays in policies/config/cloud.json)")).map((w) => w.slice(0, 36))).toEqual([
      "k2-oauth:clients[0].secret (power-au",
      "k2-oauth:clients[1].secret (reportin",
    ]);
    expect((await plan("discovered")).json.warnings.filter((w) => w.includes("expiry warning window"))).toEqual([]);
  });
});

describe("the deploy gate's secret checks", () => {
  it("refuses a start date added to a deployed client: each valid secret it would drop, with its end and what to do", async () => {
    const { code, json } = await plan("restarted", "--deploy-gate", "--outputs", "restarted.outputs.json");
    expect(code).toBe(1);
    expect(json.gate?.passed).toBe(false);
    expect(json.gate?.blockers.map((b) => [b.urn, b.subject, b.message.slice(0, b.message.indexOf(" (", b.message.indexOf("valid until")))])).toEqual([
      [
        "urn:pulumi:restarted::k2-oauth::k2oauth:index:InboundOAuth$k2oauth:index:ClientApp::power-automate",
        "client power-automate",
        "k2-oauth:clients[0] (power-automate): this deploy would replace the client secret in slot a (generation 6, key id key-power-automate-6), which is valid until 2026-12-16",
      ],
      [
        "urn:pulumi:restarted::k2-oauth::k2oauth:index:InboundOAuth$k2oauth:index:ClientApp::power-automate",
        "client power-automate",
        "k2-oauth:clients[0] (power-automate): this deploy would delete the client secret in slot b (generation 7, key id key-power-automate-7), which is valid until 2027-05-15",
      ],
    ]);
    for (const b of json.gate?.blockers ?? []) expect(b.message).toContain("then deploy with --allow-drop power-automate");
  });

  it("lets it through with --allow-drop naming the client, listing what it drops", async () => {
    const { code, json } = await plan("restarted", "--deploy-gate", "--outputs", "restarted.outputs.json", "--allow-drop", "power-automate");
    expect(code).toBe(0);
    expect(json.gate?.passed).toBe(true);
    expect(json.gate?.allowed.map((b) => b.subject)).toEqual(["client power-automate", "client power-automate"]);
    const text = captureIo(project.root);
    await main(["--stack", "restarted", "--date", DATE, "--deploy-gate", "--outputs", "restarted.outputs.json", "--allow-drop", "power-automate"], { ...text.io, env: { NO_COLOR: "1" } });
    expect(text.out()).toContain("Deploy gate\n  passed: nothing blocks a deploy\n  ! client power-automate (allowed by --allow-drop)\n      k2-oauth:clients[0] (power-automate): this deploy would replace");
  });

  it("refuses a stack never deployed whose new client would start with a secret inside the warning window, with the line to add", async () => {
    // On 2026-11-29 power-automate (no start date) would get generation 6, which ends on 2026-12-16.
    const { code, json } = await plan("discovered", "--deploy-gate", "--outputs", "never.outputs.json");
    expect(code).toBe(1);
    expect(json.gate?.blockers).toEqual([
      {
        urn: "urn:pulumi:discovered::k2-oauth::k2oauth:index:InboundOAuth$k2oauth:index:ClientApp::power-automate",
        subject: "client power-automate",
        message:
          "k2-oauth:clients[0] (power-automate) is not deployed yet and has no secret.startDate, so it joins the fixed schedule mid-generation: its first deploy on 2026-11-29 " +
          "would create the secret of slot a (generation 6) that expires on 2026-12-16, in 17 days, inside the 30-day expiry warning window. Add this line under " +
          "clients[0].secret in stacks/Pulumi.discovered.yaml (add `secret:` if the client has none): `startDate: 2026-11-29`. The client then starts with one fresh " +
          "secret of the full 180-day lifetime.",
      },
    ]);
  });

  it.each([
    [["--deploy-gate"], "--deploy-gate needs --outputs <file>: the stack's deployed outputs (`pulumi stack output --json`; a file holding {} for a stack never deployed)"],
    [["--outputs", "never.outputs.json"], "--outputs is read by the deploy gate only: add --deploy-gate"],
    [["--allow-drop", "power-automate"], "--allow-drop is read by the deploy gate only: add --deploy-gate"],
    [["--deploy-gate", "--outputs", "never.outputs.json", "--allow-drop", "power-automate,,reporting"], "--allow-drop 'power-automate,,reporting': expected client names separated by commas, like power-automate,reporting"],
    [["--deploy-gate", "--outputs", "never.outputs.json", "--allow-drop", "reportng"], "--allow-drop names 'reportng', not an app of stack discovered; its clients and outbound app: power-automate, reporting, k2-outbound"],
    [["--deploy-gate", "--outputs", "missing.json"], "--outputs missing.json: cannot read it (ENOENT)"],
  ])("%j is a usage error (exit 2) before anything runs", async (extra, message) => {
    const io = captureIo(project.root);
    expect(await main(["--stack", "discovered", "--date", DATE, ...extra], io.io)).toBe(2);
    expect(io.out()).toBe("");
    expect(io.err().split("\n")[0]).toBe(`plan: ${message}`);
  });
});
