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
import { dueReasons } from "../../cli/due/rule";
import { secretDeclarations } from "../../components/clientApp";
import { validateStackConfig, type ClientConfig } from "../../components/config";
import { describeSecrets, parseUtcDay } from "../../components/rotation";
import { K2_API_CLIENT_ID, TENANT } from "../helpers/testTenant";

const day = (text: string): Date => parseUtcDay(text)!;
/** The dev example's reporting client: 90/60 days; generation 18 starts 2026-12-16, 19 on 2027-02-14. */
const reporting: ClientConfig = { name: "reporting", displayName: "Reporting", redirectUris: [], owners: [], secret: { lifetimeDays: 90, rotateAfterDays: 60 } };

/** `clients.<name>.secrets` of a stack last deployed on `deployedOn`. */
function outputsDeployedOn(clients: readonly ClientConfig[], deployedOn: string): Record<string, unknown> {
  return {
    clients: Object.fromEntries(
      clients.map((c) => [c.name, { clientId: "x", secrets: describeSecrets(secretDeclarations(c, day(deployedOn), undefined).passwords) }]),
    ),
  };
}

function deployedSecrets(clients: readonly ClientConfig[], deployedOn: string) {
  return Object.fromEntries(
    clients.map((c) => [
      c.name,
      secretDeclarations(c, day(deployedOn), undefined).passwords.map((p) => ({ slot: p.slot, current: p.current, endDate: new Date(p.endDate) })),
    ]),
  );
}

describe("the due rule", () => {
  it("is not due the day after a deploy, nor on the last day before a rotation", () => {
    expect(dueReasons([reporting], deployedSecrets([reporting], "2026-12-16"), day("2026-12-17"), 30)).toEqual({ due: false, reasons: [] });
    expect(dueReasons([reporting], deployedSecrets([reporting], "2026-12-16"), day("2027-02-13"), 30)).toEqual({ due: false, reasons: [] });
  });

  it("is due on a rotation day, and stays due until the new generation is deployed", () => {
    const deployed = deployedSecrets([reporting], "2027-02-13");
    const message = "reporting: generation 19 (slot b) started on 2027-02-14 and is not deployed; the deployed secrets end on 2027-03-16";
    // A 30-day overlap: on the rotation day the deployed secret has 30 days left, inside a 30-day warning window too.
    expect(dueReasons([reporting], deployed, day("2027-02-14"), 30).reasons).toEqual([
      { client: "reporting", kind: "rotation", message },
      {
        client: "reporting",
        kind: "expiring",
        message: "reporting: the newest deployed secret (slot a) expires in 30 days (on 2027-03-16), within the 30-day warning window",
      },
    ]);
    expect(dueReasons([reporting], deployed, day("2027-02-14"), 29)).toEqual({ due: true, reasons: [{ client: "reporting", kind: "rotation", message }] });
    // Missed runs: three days later it is still due.
    expect(dueReasons([reporting], deployed, day("2027-02-17"), 30).reasons).toEqual([
      { client: "reporting", kind: "rotation", message },
      {
        client: "reporting",
        kind: "expiring",
        message: "reporting: the newest deployed secret (slot a) expires in 27 days (on 2027-03-16), within the 30-day warning window",
      },
    ]);
    expect(dueReasons([reporting], deployedSecrets([reporting], "2027-02-14"), day("2027-02-17"), 30)).toEqual({ due: false, reasons: [] });
  });

  it("reports a client not deployed yet, and an expired deployed secret", () => {
    expect(dueReasons([reporting], {}, day("2027-02-14"), 30).reasons).toEqual([
      { client: "reporting", kind: "new-client", message: "reporting: no deployed secret yet (a new client, or a stack not deployed)" },
    ]);
    const expired = dueReasons([reporting], deployedSecrets([reporting], "2026-12-16"), day("2027-03-16"), 30).reasons;
    expect(expired.map((r) => r.kind)).toEqual(["rotation", "expiring"]);
    expect(expired[1].message).toBe("reporting: the newest deployed secret (slot a) expired on 2027-03-16");
  });

  it("uses the warning window it is given, one day off either way", () => {
    // Deployed on 2027-04-14 (generation 19, ends 2027-05-15): 31 days left that day.
    const deployed = deployedSecrets([reporting], "2027-04-14");
    expect(dueReasons([reporting], deployed, day("2027-04-14"), 30)).toEqual({ due: false, reasons: [] });
    expect(dueReasons([reporting], deployed, day("2027-04-14"), 31).reasons.map((r) => r.kind)).toEqual(["expiring"]);
    expect(dueReasons([reporting], deployed, day("2027-04-15"), 30).reasons.map((r) => r.kind)).toEqual(["rotation", "expiring"]);
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

  it("answers in json with the stack, the day, the warning window and the reasons", () => {
    const r = run("--stack", "dev", "--outputs", "deployed.json", "--date", "2027-02-14", "--format", "json");
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(JSON.parse(r.out)).toEqual({
      stack: "dev",
      date: "2027-02-14",
      warnDays: 30,
      due: true,
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
    });
  });

  it("says nothing is due in text, and takes the warning window from the stack's policy config", () => {
    expect(run("--stack", "dev", "--outputs", "deployed.json", "--date", "2027-02-13")).toEqual({ code: 0, out: "dev: nothing due as of 2027-02-13\n", err: "" });
    // prod warns 45 days ahead (policies/config/prod.json); power-automate's newest deployed secret ends 2027-05-15.
    const prod = run("--stack", "prod", "--outputs", "deployed.json", "--date", "2027-03-31");
    expect(prod.out).toBe(
      [
        "prod: due as of 2027-03-31 (3 reasons)",
        "  - [expiring] power-automate: the newest deployed secret (slot b) expires in 45 days (on 2027-05-15), within the 45-day warning window",
        "  - [rotation] reporting: generation 19 (slot b) started on 2027-02-14 and is not deployed; the deployed secrets end on 2027-03-16",
        "  - [expiring] reporting: the newest deployed secret (slot a) expired on 2027-03-16",
        "",
      ].join("\n"),
    );
  });

  it("treats a stack never deployed ({}) as due for every client", () => {
    const r = run("--stack", "dev", "--outputs", "never.json", "--date", "2027-02-13", "--format", "json");
    expect((JSON.parse(r.out) as { reasons: Array<{ kind: string }> }).reasons.map((x) => x.kind)).toEqual(["new-client", "new-client"]);
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
