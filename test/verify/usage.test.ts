/**
 * Usage and configuration errors: exit code 2, a message naming what is wrong and what is expected, no network call.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { usage as usageText, usageErrorText } from "../../cli/args";
import { normaliseLoginHost, UsageError, VERIFY_COMMAND } from "../../cli/verify/options";
import { stackYaml, useHarness } from "./harness";

const h = useHarness();

async function usage(args: string[], env: Record<string, string | undefined> = h.passwordEnv, baseArgs: string[] = []) {
  const r = await h.run(args, { env, baseArgs });
  expect(r.exitCode, r.stderr).toBe(2);
  expect(r.report).toBeUndefined();
  expect(h.entra.requests).toEqual([]);
  return r;
}

describe("verify: usage and configuration errors exit 2", () => {
  it("--stack is required; unknown flags and bad values are named", async () => {
    expect((await usage([])).stderr).toContain("--stack <name> is required");
    expect((await usage(["--stack", "test", "--bogus"])).stderr).toBe(usageErrorText(VERIFY_COMMAND, "unknown option '--bogus'"));
    expect((await usage(["--stack", "test", "--format", "xml"])).stderr).toContain("--format: expected 'text', 'json', got 'xml'");
    expect((await usage(["--stack", "test", "--auth", "browser"])).stderr).toContain("--auth: expected 'device-code', 'password', got 'browser'");
    expect((await usage(["--stack", "test", "--timeout-ms", "0"])).stderr).toContain("--timeout-ms");
  });

  it("a missing stack file lists the known stacks", async () => {
    expect((await usage(["--stack", "nope", "--client-id", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"])).stderr).toContain("no stack file stacks/Pulumi.nope.yaml; known stacks: test");
  });

  it("invalid stack config names the key path and quotes the value (never a secret one), without the synopsis", async () => {
    fs.writeFileSync(path.join(h.root, "stacks", "Pulumi.test.yaml"), stackYaml().replace(/tenantId: \S+/, "tenantId: contoso.onmicrosoft.com"));
    const r = await usage(h.baseArgs());
    expect(r.stderr).toBe(
      "verify: Invalid stack configuration (1 problem):\n  - k2-oauth:tenantId: expected your Entra ID tenant id, a GUID like 11111111-2222-3333-4444-555555555555; got 'contoso.onmicrosoft.com'\n",
    );
  });

  it("an unknown --client lists the configured ones", async () => {
    expect((await usage([...h.baseArgs(), "--client", "crm"])).stderr).toContain("--client 'crm' is not in k2-oauth:clients of stack test; known: power-automate, reporting");
  });

  it("no client id for a sign-in: says where to get one", async () => {
    const r = await usage(["--stack", "test", "--login-host", h.entra.url]);
    expect(r.stderr).toContain("no client id for client 'power-automate': pass --outputs <file>");
  });

  it("--auth password needs both variables", async () => {
    const r = await usage([...h.baseArgs(), "--auth", "password"], { K2_VERIFY_USERNAME: "svc@contoso.example" });
    expect(r.stderr).toContain("K2_VERIFY_PASSWORD");
  });

  it("http login hosts only for loopback", async () => {
    expect((await usage(["--stack", "test", "--login-host", "http://login.example.com"])).stderr).toContain("http is allowed only for 127.0.0.1 or localhost");
    expect(() => normaliseLoginHost("https://127.0.0.1:8443")).toThrow(UsageError);
    expect(normaliseLoginHost("http://127.0.0.1:8443/")).toBe("127.0.0.1:8443");
    expect(normaliseLoginHost("login.microsoftonline.us")).toBe("login.microsoftonline.us");
  });

  it("a bad outputs or token file is a usage error naming the file", async () => {
    fs.writeFileSync(h.outputsFile, "{ not json");
    expect((await usage(h.baseArgs())).stderr).toContain("not JSON; expected the output of `pulumi stack output --json");
    fs.writeFileSync(h.outputsFile, JSON.stringify({ clients: { "power-automate": { secrets: [{ slot: "a" }] } } }));
    expect((await usage(h.baseArgs())).stderr).toContain("clients.power-automate.secrets[0] has no valid 'expires' date");
    fs.writeFileSync(h.outputsFile, "{}");
    expect((await usage([...h.baseArgs(), "--token-file", path.join(h.root, "missing.jwt")], {})).stderr).toContain("cannot read it (ENOENT)");
  });

  it("--format json still prints a JSON result for a usage error", async () => {
    const r = await usage(["--format", "json"]);
    expect(JSON.parse(r.stdout)).toEqual({ schemaVersion: 1, ok: false, exitCode: 2, error: expect.stringContaining("--stack <name> is required") });
  });

  it("--help prints the usage with the exit codes and exits 0", async () => {
    const r = await h.run(["--help"], { baseArgs: [] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(usageText(VERIFY_COMMAND));
    expect(r.stdout).toContain("Exit codes:\n  0  every check passed (warnings allowed)\n  1  a check failed, or verify could not finish\n  2  usage or configuration error\n");
  });
});
