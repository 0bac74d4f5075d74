/**
 * Exit codes and secret masking of the plan command (`main` of cli/plan.ts, in process; the program and the policy
 * pack run in their own processes as always): 1 for mandatory violations found by the real policy pack, 2 for
 * invalid config (naming the key, no stack trace) and usage errors, and a plaintext secret never printed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/plan";
import { planJson } from "../../cli/plan/render/json";
import { runStackOffline } from "../../cli/plan/computePlan";
import { captureIo, exampleStack, linkedProject, type TempProject } from "./project";

/** Written into the stack file in plain text (no `--secret`): must never be printed, in any format. */
const PLAINTEXT = "Plaintext-Pa55word-never-shown";
const STACK_TRACE = /^\s+at /m;

let project: TempProject;

beforeAll(() => {
  // "strict": the dev stack with the K2 password in plain text, and a policy config no client secret can meet.
  project = linkedProject({
    strict: { "entra-client-secret-expiry": { maxLifetime: "P30D" } },
    badpolicy: { "entra-client-secret-expiry": { maxLifetimeDay: "P90D" }, "entra-app-ownrs": "mandatory" },
    badvalue: { "entra-client-secret-expiry": { maxLifetime: "a year" } },
  });
  project.writeStack("badpolicy", exampleStack("dev"));
  project.writeStack("badvalue", exampleStack("dev"));
  project.writeStack("noconfig", exampleStack("dev"));
  project.writeStack("strict", exampleStack("dev"));
  project.writeStack(
    "plaintext",
    exampleStack("dev", [["password:\n        secure: v1:PLACEHOLDER:set-with-pulumi-config-set-secret", `password: ${PLAINTEXT}`]]),
  );
  project.writeStack("emptysecure", exampleStack("dev", [["secure: v1:PLACEHOLDER:set-with-pulumi-config-set-secret", "secure: ''"]]));
  project.writeStack("broken", exampleStack("dev", [["lifetimeDays: 180", "lifetimeDays: 900"]]));
  project.writeStack("mistyped", exampleStack("dev", [["  k2-oauth:cloud: public\n", "  k2-oauth:cloud: public\n  k2-oauth:tenantID: x\n"]]));
});

afterAll(() => project.remove());

describe("mandatory violations", () => {
  let code: number;
  let out: string;

  beforeAll(async () => {
    const io = captureIo(project.root);
    code = await main(["--stack", "strict", "--format", "json"], io.io);
    out = io.out();
  });

  it("exits 1 with the mandatory violations the policy pack reported over the analyzer protocol", () => {
    expect(code).toBe(1);
    const json = JSON.parse(out) as ReturnType<typeof planJson> & { policy: { violations: Array<{ policy: string; level: string; urn: string; message: string; policyPack: string }> } };
    const mandatory = json.policy.violations.filter((v) => v.level === "mandatory");
    expect(mandatory.length).toBeGreaterThan(0);
    for (const v of mandatory) {
      expect(v.policy).toBe("entra-client-secret-expiry");
      expect(v.policyPack).toBe("k2-oauth");
      expect(v.urn).toMatch(/azuread:index\/applicationPassword:ApplicationPassword::/);
      // The clients' passwords name their config key; the outbound app's (k2-oauth:outbound) are outside the components
      // whose records the pack reads, so their finding says what to shorten.
      expect(v.message).toMatch(
        v.urn.includes("k2oauth:index:OutboundOAuth$")
          ? /longer than maxLifetime P30D allows; shorten endDate$/
          : /longer than maxLifetime P30D allows; change secret\.lifetimeDays of the client named [a-z0-9-]+ in k2-oauth:clients$/,
      );
    }
  });
});

const PLAINTEXT_PROBLEM =
  "  - k2-oauth:k2.admin.password: is a secret but stacks/Pulumi.plaintext.yaml holds it in plain text; remove it there, then store it encrypted with: " +
  "pulumi config set --secret --path 'k2.admin.password' --stack plaintext (a password once committed in plain text should also be changed)";

describe("a stack without a policy config", () => {
  const notice =
    "policy config: no policies/config/noconfig.json: the policy pack runs with its defaults (the tenant, cloud, audience and K2 API are the stack's own); add the file to set levels, limits or exemptions for this stack";

  it.each(["text", "markdown", "json"])("is planned with the pack's defaults and says so first (%s)", async (format) => {
    const io = captureIo(project.root);
    expect(await main(["--stack", "noconfig", "--format", format], io.io)).toBe(0);
    const out = io.out();
    if (format === "text") {
      expect(out.split("\n")[2]).toBe(`warning: ${notice}`);
      expect(out).toContain("Policy findings (policies, its defaults (no config file); 25 resources analysed)");
    } else if (format === "markdown") {
      expect(out).toContain(`> :warning: ${notice}`);
      expect(out).toContain("_Pack `policies` with its defaults (no config file for this stack); 25 resources analysed");
    } else {
      const json = JSON.parse(out) as { warnings: string[]; policy: { configFile: string | null; defaults: boolean } };
      expect(json.warnings[0]).toBe(notice);
      expect(json.policy).toMatchObject({ configFile: null, defaults: true });
      expect(io.err().split("\n")[0]).toBe(`warning: ${notice}`);
    }
  });
});

describe("exit code 2", () => {
  // The exact stderr for each invalid config: key (or file), what is expected, the value (never a secret one).
  it.each([
    ["a value out of range", "broken", "text", "  - k2-oauth:clients[0].secret.lifetimeDays: expected a whole number of days from 1 to 730 (Entra ID's 24-month cap), like 180; got 900"],
    ["an unknown config key", "mistyped", "markdown", "  - k2-oauth:tenantID: unknown key; did you mean k2-oauth:tenantId?"],
    ["a plaintext password (text)", "plaintext", "text", PLAINTEXT_PROBLEM],
    ["a plaintext password (markdown)", "plaintext", "markdown", PLAINTEXT_PROBLEM],
    ["a plaintext password (json)", "plaintext", "json", PLAINTEXT_PROBLEM],
    [
      "an empty secure: value",
      "emptysecure",
      "text",
      "  - k2-oauth:k2.admin.password: is an empty secure: value; set the secret with: pulumi config set --secret --path 'k2.admin.password' --stack emptysecure",
    ],
  ])("for %s, before anything runs, with no stack trace", async (_label, stack, format, problem) => {
    const io = captureIo(project.root);
    expect(await main(["--stack", stack, "--format", format], io.io)).toBe(2);
    expect(io.err()).toBe(`error: Invalid stack configuration (1 problem):\n${problem}\n`);
    expect(io.out()).toBe("");
    expect(io.err()).not.toContain(PLAINTEXT);
  });

  it("for a policy config the pack refuses (a misspelled setting or policy), naming the file, the policy and the setting", async () => {
    const io = captureIo(project.root);
    expect(await main(["--stack", "badpolicy"], io.io)).toBe(2);
    expect(io.err()).toBe(
      "error: policies/config/badpolicy.json: invalid policy config (2 problems):\n" +
        '  - "entra-app-ownrs": is not a policy of k2-oauth; did you mean entra-app-owners?\n' +
        '  - "entra-client-secret-expiry".maxLifetimeDay: unknown setting; did you mean maxLifetime?\n',
    );
    expect(io.out()).toBe("");
  });

  it("for a policy config value of the wrong form, quoting it in the pack's words (its pattern is not in the reported schema)", async () => {
    const io = captureIo(project.root);
    expect(await main(["--stack", "badvalue", "--format", "json"], io.io)).toBe(2);
    expect(io.err()).toBe(
      "error: policies/config/badvalue.json: invalid policy config (1 problem):\n" +
        "  - \"entra-client-secret-expiry\".maxLifetime: expected an ISO 8601 duration in days like P180D, at most P730D (Entra ID's 24-month cap for client secrets); got 'a year'\n",
    );
    expect(io.out()).toBe("");
  });

  it("when the program itself rejects the config, before declaring any resource", async () => {
    const outcome = await runStackOffline(project.root, "broken");
    expect(outcome.kind).toBe("config-error");
    if (outcome.kind !== "config-error") return;
    expect(outcome.message).toContain("k2-oauth:clients[0].secret.lifetimeDays");
    expect(outcome.message).not.toMatch(STACK_TRACE);
  });

  it.each([
    [["--stack", "nope"], /unknown stack 'nope'.*known stacks: .*strict/],
    [["--stack", "strict", "--format", "yaml"], /--format: expected 'text', 'markdown', 'json', got 'yaml'/],
    [["--stack", "strict", "--verbose"], /unknown option '--verbose'/],
    [[], /--stack <name> is required/],
    [["--stack", "strict", "--against", "main"], /--against needs a git repository/],
  ])("for the usage error %j", async (argv, message) => {
    const io = captureIo(project.root);
    expect(await main(argv, io.io)).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.err()).toContain("usage: npm run plan");
    expect(io.err()).not.toMatch(STACK_TRACE);
  });

  it("outside a project", async () => {
    const io = captureIo("/");
    expect(await main(["--stack", "dev"], io.io)).toBe(2);
    expect(io.err()).toMatch(/no Pulumi\.yaml in \/ or above/);
  });
});
