/**
 * `npm run due` (cli/due.ts) and its rule (cli/due/rule.ts): whether a deployed stack needs `pulumi up` on a day
 * although nothing changed on main. The stack outputs are the ones the program exports (describeSecrets), for the
 * secrets a deploy on an earlier day declared (secretDeclarations): what `pulumi stack output --json` returns.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synopsis, usage, usageErrorText } from "../../cli/args";
import { DUE_COMMAND, main } from "../../cli/due";
import { dueReasons, type DueResult } from "../../cli/due/rule";
import type { DeployedSecret, DeployedSecrets } from "../../cli/secretSafety";
import { deployedSecretsOf, parseStackOutputs } from "../../cli/verify/outputs";
import { ClientSchema, validateStackConfig, type ClientConfig } from "../../components/config";
import { DAY_MS, describeSecrets, parseUtcDay, secretSchedule } from "../../components/rotation";
import { secretDeclarations } from "../../components/secretDeclarations";
import { K2_API_CLIENT_ID, TENANT } from "../helpers/testTenant";

const day = (text: string): Date => parseUtcDay(text)!;
/** The dev example's reporting client: 90/60 days; generation 18 starts 2026-12-16, 19 on 2027-02-14. */
const reporting: ClientConfig = ClientSchema.parse({ name: "reporting", displayName: "Reporting", secret: { lifetimeDays: 90, rotateAfterDays: 60 } });

/** `clients.<name>.secrets` of a stack last deployed on `deployedOn`, as index.ts exports them (with key ids). */
function outputsDeployedOn(clients: readonly ClientConfig[], deployedOn: string): Record<string, unknown> {
  return {
    clients: Object.fromEntries(
      clients.map((c) => {
        const passwords = secretDeclarations(c, day(deployedOn), undefined).passwords;
        return [c.name, { clientId: "x", secrets: describeSecrets(passwords).map((d, i) => ({ ...d, keyId: `key-${c.name}-${passwords[i].generation}` })) }];
      }),
    ),
  };
}

/** The same, as the due rule reads it. */
function deployedSecrets(clients: readonly ClientConfig[], deployedOn: string): DeployedSecrets {
  return deployedSecretsOf(parseStackOutputs(JSON.stringify(outputsDeployedOn(clients, deployedOn)), "outputs.json"));
}

const kinds = (r: DueResult) => r.reasons.map((x) => x.kind);

describe("the due rule", () => {
  it("is not due the day after a deploy, nor on the last day before a rotation", () => {
    expect(dueReasons([reporting], deployedSecrets([reporting], "2026-12-16"), day("2026-12-17"), 30)).toEqual({ due: false, stale: false, reasons: [] });
    expect(dueReasons([reporting], deployedSecrets([reporting], "2026-12-16"), day("2027-02-13"), 30)).toEqual({ due: false, stale: false, reasons: [] });
  });

  it("is due on a rotation day, and notes a newest secret inside the window that day without calling it stale", () => {
    const deployed = deployedSecrets([reporting], "2027-02-13");
    const rotation = "reporting: generation 19 (slot b) started on 2027-02-14 and is not deployed; the deployed secrets end on 2027-03-16";
    // A 30-day overlap: on the rotation day the deployed secret has 30 days left, inside a 30-day warning window too.
    expect(dueReasons([reporting], deployed, day("2027-02-14"), 30)).toEqual({
      due: true,
      stale: false,
      reasons: [
        { client: "reporting", kind: "rotation", message: rotation },
        { client: "reporting", kind: "expiring", message: "reporting: the newest deployed secret (slot a) expires in 30 days (on 2027-03-16), within the 30-day warning window" },
      ],
    });
    expect(dueReasons([reporting], deployed, day("2027-02-14"), 29)).toEqual({ due: true, stale: false, reasons: [{ client: "reporting", kind: "rotation", message: rotation }] });
    expect(dueReasons([reporting], deployedSecrets([reporting], "2027-02-14"), day("2027-02-17"), 30)).toEqual({ due: false, stale: false, reasons: [] });
  });

  it("calls a rotation that waited since before the day, with the newest secret inside the window, stale", () => {
    const deployed = deployedSecrets([reporting], "2027-02-13");
    const stale = dueReasons([reporting], deployed, day("2027-02-17"), 30);
    expect(stale).toEqual({
      due: true,
      stale: true,
      reasons: [
        { client: "reporting", kind: "rotation", message: "reporting: generation 19 (slot b) started on 2027-02-14 and is not deployed; the deployed secrets end on 2027-03-16" },
        {
          client: "reporting",
          kind: "stale",
          message:
            "reporting: a rotation has waited 3 days (since 2027-02-14; generation 19 is the current one) and the newest deployed secret (slot a) expires in 27 days (on 2027-03-16), " +
            "within the 30-day warning window: the daily deploys did not run. Check the Deploy workflow's recent runs and that its schedule is enabled " +
            "(GitHub disables scheduled workflows after 60 days without repository activity)",
        },
      ],
    });
    // One day narrower a window, and the same waiting rotation is only due.
    expect(kinds(dueReasons([reporting], deployed, day("2027-02-17"), 26))).toEqual(["rotation"]);
    expect(dueReasons([reporting], deployed, day("2027-02-17"), 26).stale).toBe(false);
  });

  it("counts the wait from the first generation after the newest deployed secret, across missed rotations", () => {
    // Deployed on 2026-10-17 (generation 17, ends 2027-01-15); generation 18 started 2026-12-16, 19 on 2027-02-14.
    const r = dueReasons([reporting], deployedSecrets([reporting], "2026-10-17"), day("2027-02-20"), 30);
    expect(kinds(r)).toEqual(["rotation", "stale"]);
    expect(r.reasons[1].message).toMatch(/^reporting: a rotation has waited 66 days \(since 2026-12-16; generation 19 is the current one\) and the newest deployed secret \(slot b\) expired on 2027-01-15,/);
  });

  it("only notes a newest secret inside the window when no rotation waits: a deploy would change nothing", () => {
    // Generation 19 (deployed, ends 2027-05-15) has 44 days left on 2027-04-01: inside a 45-day window.
    const r = dueReasons([reporting], deployedSecrets([reporting], "2027-02-14"), day("2027-04-01"), 45);
    expect(r).toEqual({
      due: false,
      stale: false,
      reasons: [{ client: "reporting", kind: "expiring", message: "reporting: the newest deployed secret (slot b) expires in 44 days (on 2027-05-15), within the 45-day warning window" }],
    });
    expect(dueReasons([reporting], deployedSecrets([reporting], "2027-02-14"), day("2027-04-01"), 43)).toEqual({ due: false, stale: false, reasons: [] });
  });

  it("reports a client not deployed yet", () => {
    expect(dueReasons([reporting], {}, day("2027-02-14"), 30)).toEqual({
      due: true,
      stale: false,
      reasons: [{ client: "reporting", kind: "new-client", message: "reporting: no deployed secret yet (a new client, or a stack not deployed)" }],
    });
  });

  it("tells a deployed secret of the current generation by slot, generation and dates, one field off being another secret", () => {
    const current = secretSchedule(reporting.secret, day("2027-02-14")).current;
    const exact: DeployedSecret = { slot: current.slot, generation: current.generation, keyId: "k", startDate: current.startDate, endDate: current.endDate, current: true };
    const due = (s: DeployedSecret) => dueReasons([reporting], { reporting: [s] }, day("2027-02-15"), 30).reasons.some((r) => r.kind === "rotation");
    expect(due(exact)).toBe(false);
    // Outputs of releases without generation and start date: the slot and end date identify it.
    expect(due({ ...exact, generation: undefined, startDate: undefined })).toBe(false);
    expect(due({ ...exact, generation: current.generation - 2 })).toBe(true);
    expect(due({ ...exact, slot: "a" })).toBe(true);
    expect(due({ ...exact, endDate: new Date(current.endDate.getTime() + DAY_MS) })).toBe(true);
    expect(due({ ...exact, startDate: new Date(current.startDate.getTime() - DAY_MS) })).toBe(true);
  });
});

describe("npm run due", () => {
  let root: string;
  const config = validateStackConfig({
    tenantId: TENANT,
    k2Api: { clientId: K2_API_CLIENT_ID },
    k2: { url: "https://k2.example.com", edition: "cloud" },
    clients: [
      { name: "power-automate", displayName: "PA", secret: { lifetimeDays: 180, rotateAfterDays: 150 } },
      { name: "reporting", displayName: "Reporting", secret: { lifetimeDays: 90, rotateAfterDays: 60 } },
    ],
  });

  const run = (...argv: string[]) => {
    let out = "";
    let err = "";
    const code = main(argv, { cwd: root, stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
    return { code, out, err };
  };

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "k2-due-test-"));
    fs.mkdirSync(path.join(root, "stacks"));
    fs.mkdirSync(path.join(root, "policies", "config"), { recursive: true });
    const yaml = [
      "config:",
      `  k2-oauth:tenantId: ${TENANT}`,
      "  k2-oauth:k2Api:",
      `    clientId: ${K2_API_CLIENT_ID}`,
      "  k2-oauth:k2:",
      "    url: https://k2.example.com",
      "    edition: cloud",
      "  k2-oauth:clients:",
      "    - name: power-automate",
      "      displayName: PA",
      "      secret: { lifetimeDays: 180, rotateAfterDays: 150 }",
      "    - name: reporting",
      "      displayName: Reporting",
      "      secret: { lifetimeDays: 90, rotateAfterDays: 60 }",
      "",
    ].join("\n");
    fs.writeFileSync(path.join(root, "stacks", "Pulumi.dev.yaml"), yaml);
    fs.writeFileSync(path.join(root, "stacks", "Pulumi.prod.yaml"), yaml);
    fs.writeFileSync(path.join(root, "policies", "config", "prod.json"), JSON.stringify({ "entra-client-secret-expiry-advisory": { warnDays: 45 } }));
    fs.writeFileSync(path.join(root, "deployed.json"), JSON.stringify({ ...outputsDeployedOn(config.clients, "2027-02-13"), clientSecrets: "[secret]" }));
    fs.writeFileSync(path.join(root, "never.json"), "{}");
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("answers in json with the stack, the day, the warning window, the reasons and what the gate would refuse", () => {
    const r = run("--stack", "dev", "--outputs", "deployed.json", "--date", "2027-02-14", "--format", "json");
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(JSON.parse(r.out)).toEqual({
      stack: "dev",
      date: "2027-02-14",
      warnDays: 30,
      due: true,
      stale: false,
      reasons: [
        {
          client: "reporting",
          kind: "rotation",
          message: "reporting: generation 19 (slot b) started on 2027-02-14 and is not deployed; the deployed secrets end on 2027-03-16",
        },
        {
          client: "reporting",
          kind: "expiring",
          message: "reporting: the newest deployed secret (slot a) expires in 30 days (on 2027-03-16), within the 30-day warning window",
        },
      ],
      blocked: [],
    });
  });

  it("says nothing is due in text, takes the warning window from the stack's policy config, and says STALE loudly", () => {
    expect(run("--stack", "dev", "--outputs", "deployed.json", "--date", "2027-02-13")).toEqual({ code: 0, out: "dev: nothing due as of 2027-02-13\n", err: "" });
    // prod warns 45 days ahead (policies/config/prod.json); power-automate's newest deployed secret ends 2027-05-15,
    // and reporting's rotation of 2027-02-14 has waited 45 days with its newest secret expired.
    const prod = run("--stack", "prod", "--outputs", "deployed.json", "--date", "2027-03-31");
    expect(prod.out).toBe(
      [
        "prod: due as of 2027-03-31 (2 reasons); STALE: the scheduled deploys fell behind",
        "  - [expiring] power-automate: the newest deployed secret (slot b) expires in 45 days (on 2027-05-15), within the 45-day warning window",
        "  - [rotation] reporting: generation 19 (slot b) started on 2027-02-14 and is not deployed; the deployed secrets end on 2027-03-16",
        "  - [stale] reporting: a rotation has waited 45 days (since 2027-02-14; generation 19 is the current one) and the newest deployed secret (slot a) expired on 2027-03-16, " +
          "within the 45-day warning window: the daily deploys did not run. Check the Deploy workflow's recent runs and that its schedule is enabled " +
          "(GitHub disables scheduled workflows after 60 days without repository activity)",
        "",
      ].join("\n"),
    );
  });

  it("treats a stack never deployed ({}) as due for every client, and lists the new clients the deploy gate would refuse", () => {
    // On 2027-02-13 every first secret outlives the window; on 2027-02-14 reporting's previous generation (18, ends
    // 2027-03-16) is still valid and would come with its first deploy, 30 days before it ends.
    const before = JSON.parse(run("--stack", "dev", "--outputs", "never.json", "--date", "2027-02-13", "--format", "json").out) as { reasons: Array<{ kind: string }>; blocked: unknown[] };
    expect(before.reasons.map((x) => x.kind)).toEqual(["new-client", "new-client"]);
    expect(before.blocked).toEqual([]);
    const message =
      "k2-oauth:clients[1] (reporting) is not deployed yet and has no secret.startDate, so it joins the fixed schedule mid-generation: its first deploy on 2027-02-14 " +
      "would create the secret of slot a (generation 18) that expires on 2027-03-16, in 30 days, inside the 30-day expiry warning window. Add this line under " +
      "clients[1].secret in stacks/Pulumi.dev.yaml (add `secret:` if the client has none): `startDate: 2027-02-14`. The client then starts with one fresh secret " +
      "of the full 90-day lifetime.";
    const on = run("--stack", "dev", "--outputs", "never.json", "--date", "2027-02-14", "--format", "json");
    expect((JSON.parse(on.out) as { blocked: unknown[] }).blocked).toEqual([{ client: "reporting", kind: "new-client-expires-early", message }]);
    expect(run("--stack", "dev", "--outputs", "never.json", "--date", "2027-02-14").out).toBe(
      [
        "dev: due as of 2027-02-14 (2 reasons)",
        "  - [new-client] power-automate: no deployed secret yet (a new client, or a stack not deployed)",
        "  - [new-client] reporting: no deployed secret yet (a new client, or a stack not deployed)",
        `  - [deploy gate would refuse] ${message}`,
        "",
      ].join("\n"),
    );
  });

  it("fails closed on a warning window the pack would reject, naming the file and the property", () => {
    fs.writeFileSync(path.join(root, "policies", "config", "dev.json"), JSON.stringify({ "entra-client-secret-expiry-advisory": { warnDays: -3 } }));
    try {
      const r = run("--stack", "dev", "--outputs", "deployed.json", "--date", "2027-02-13");
      expect(r).toEqual({
        code: 2,
        out: "",
        err: 'error: policies/config/dev.json: invalid policy config (1 problem):\n  - "entra-client-secret-expiry-advisory".warnDays: expected a whole number from 0 to 365, like 30; got -3\n',
      });
    } finally {
      fs.rmSync(path.join(root, "policies", "config", "dev.json"));
    }
  });

  it("prints its usage on --help and exits 0", () => {
    expect(run("--help")).toEqual({ code: 0, out: usage(DUE_COMMAND), err: "" });
    expect(synopsis(DUE_COMMAND)).toBe("npm run due -- --stack <name> --outputs <file> [--date <YYYY-MM-DD>] [--format text|json] [options]");
  });

  it.each([
    [["--outputs", "deployed.json"], "--stack <name> is required"],
    [["--stack", "dev"], "--outputs <file> is required"],
    [["--stack", "dev", "--outputs"], "--outputs needs a value: --outputs <file>"],
    [["--stack", "dev", "--outputs", "deployed.json", "--verbose"], "unknown option '--verbose'"],
    [["--stack", "dev", "--outputs", "deployed.json", "--date", "2027-02-30"], "--date '2027-02-30' is not a calendar day written YYYY-MM-DD, like 2027-02-14 (a UTC day)"],
    [["--stack", "dev", "--outputs", "deployed.json", "--format", "yaml"], "--format: expected 'text', 'json', got 'yaml'"],
    [["--stack", "dev", "--outputs", "missing.json"], "--outputs missing.json: cannot read it (ENOENT)"],
    [["--stack", "qa", "--outputs", "deployed.json"], "stack 'qa': no stack file stacks/Pulumi.qa.yaml; known stacks: dev, prod"],
  ])("rejects %j with exit 2, the problem and the synopsis on stderr", (argv, message) => {
    const r = run(...argv);
    expect(r).toEqual({ code: 2, out: "", err: usageErrorText(DUE_COMMAND, message) });
  });
});
