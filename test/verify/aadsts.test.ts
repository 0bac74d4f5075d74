/**
 * Entra ID errors, produced by the double the way Entra ID produces them (consent state, registered reply URLs,
 * unknown client, wrong or expired secret, ...), each explained through the AADSTS map in cli/verify/aadsts.ts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AADSTS_EXPLANATIONS, aadstsInText, describeEntraError, explainAadsts, parseEntraError } from "../../cli/verify/aadsts";
import { CLIENT_SECRET, expectExplained, expectNoLeak, PASSWORD, startHarness, type Harness, type RunResult } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ctx = { client: "power-automate", audience: "https://api.k2.com/", scope: "user_impersonation", tenantId: "11111111-2222-3333-4444-555555555555" };

/** The token check failed with this AADSTS code, explained from the map, in text and in JSON. */
async function expectTokenAadsts(run: () => Promise<RunResult>, code: number, causeStart: string): Promise<RunResult> {
  const r = await run();
  expect(r.exitCode, r.stdout).toBe(1);
  const c = r.check("token");
  expect(c.status).toBe("fail");
  expect(c.aadsts).toBe(code);
  expect(c.detail).toContain(`AADSTS${code} `);
  expect(c.detail).toMatch(/\(trace id [0-9a-f-]{36}\)$/);
  const expected = explainAadsts(code, ctx);
  expect(c.cause).toBe(expected.cause);
  expect(c.fix).toBe(expected.fix);
  expect(c.cause?.startsWith(causeStart), c.cause).toBe(true);
  expectExplained(r, c);
  // Nothing after a failed sign-in pretends to have run.
  expect(r.check("k2-workflow-api")).toMatchObject({ status: "skip", detail: "no token" });
  expectNoLeak(r, h!.entra);
  return r;
}

describe("verify: AADSTS errors from the token endpoint", () => {
  it("90094 admin consent required", async () => {
    h = await startHarness({ app: { consent: "admin-required" } });
    const r = await expectTokenAadsts(() => h!.run(), 90094, "admin consent is required");
    expect(r.check("token").fix).toContain("power-automate-consent");
  });

  it("65001 consent not granted", async () => {
    h = await startHarness({ app: { consent: "none" } });
    await expectTokenAadsts(() => h!.run(), 65001, "consent not granted");
  });

  it("700016 application not found (wrong client id)", async () => {
    h = await startHarness();
    const r = await expectTokenAadsts(() => h!.run(["--client-id", "12345678-1234-4234-8234-123456789abc"]), 700016, "application not found");
    // The reply URL probe meets the same error first, on the authorize endpoint.
    expect(r.check("reply-url")).toMatchObject({ status: "fail", aadsts: 700016 });
  });

  it("7000215 invalid client secret", async () => {
    h = await startHarness();
    const wrongSecret = "the-secret-ID-not-its-value-0000";
    const r = await expectTokenAadsts(() => h!.run([], { env: { ...h!.passwordEnv, K2_VERIFY_CLIENT_SECRET: wrongSecret } }), 7000215, "invalid client secret");
    expect(`${r.stdout}${r.stderr}`).not.toContain(wrongSecret);
  });

  it("7000222 expired client secret", async () => {
    h = await startHarness({ app: { secrets: [{ value: CLIENT_SECRET, expires: new Date("2026-11-01T00:00:00Z") }] } });
    await expectTokenAadsts(() => h!.run(), 7000222, "expired client secret");
  });

  it("7000218 confidential client without a secret", async () => {
    h = await startHarness();
    await expectTokenAadsts(() => h!.run([], { env: { K2_VERIFY_USERNAME: "svc-k2@contoso.example", K2_VERIFY_PASSWORD: PASSWORD } }), 7000218, "the 'power-automate' app is a confidential client");
  });

  it("50126 wrong service-account password", async () => {
    h = await startHarness();
    const r = await expectTokenAadsts(() => h!.run([], { env: { ...h!.passwordEnv, K2_VERIFY_PASSWORD: "not-the-password-123" } }), 50126, "invalid user name or password");
    expect(`${r.stdout}${r.stderr}`).not.toContain("not-the-password-123");
  });

  it("500011 the audience is not a resource in the tenant", async () => {
    h = await startHarness();
    const fs = await import("node:fs");
    const path = await import("node:path");
    const file = path.join(h.root, "stacks", "Pulumi.test.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("audience: https://api.k2.com/", "audience: https://api.k2.example/"));
    const r = await h.run();
    expect(r.check("token")).toMatchObject({ status: "fail", aadsts: 500011 });
    expect(r.check("token").cause).toContain("resource not found");
  });

  it("50076 MFA required (forced), and an unmapped code falls back to Microsoft's lookup page", async () => {
    h = await startHarness();
    h.entra.forceTokenError(50076);
    await expectTokenAadsts(() => h!.run(), 50076, "multi-factor authentication is required");
    h.entra.forceTokenError(9999999);
    const r = await h.run();
    expect(r.check("token")).toMatchObject({ status: "fail", aadsts: 9999999 });
    expect(r.check("token").fix).toBe("look the code up at https://login.microsoftonline.com/error?code=9999999");
  });
});

describe("verify: AADSTS50011 from the reply URL probe", () => {
  it("fails for a redirect URI the app does not have registered, and names the stack key to fix", async () => {
    h = await startHarness({ app: { redirectUris: ["https://global.consent.azure-apim.net/redirect/"] } });
    const r = await h.run(["--format", "json"]);
    expect(r.exitCode).toBe(1);
    const c = r.check("reply-url");
    expect(c).toMatchObject({ status: "fail", aadsts: 50011 });
    expect(c.detail).toBe("https://global.consent.azure-apim.net/redirect: AADSTS50011 from the authorize endpoint (HTTP 400)");
    expect(c.cause).toMatch(/^reply URL mismatch/);
    expect(c.fix).toContain("k2-oauth:clients[].redirectUris");
    // The password grant itself does not use reply URLs: the token still works.
    expect(r.check("token").status).toBe("pass");
    const json = r.json as { checks: Array<{ id: string; aadsts?: number; cause?: string; fix?: string }> };
    expect(json.checks.find((x) => x.id === "reply-url")).toMatchObject({ aadsts: 50011, cause: c.cause, fix: c.fix });
    expectNoLeak(r, h.entra);
  });

  it("--skip-reply-urls leaves the probe out", async () => {
    h = await startHarness({ app: { redirectUris: [] } });
    const r = await h.run(["--skip-reply-urls"]);
    expect(r.exitCode).toBe(0);
    expect(r.report?.checks.some((c) => c.id === "reply-url")).toBe(false);
    expect(h.entra.requests.some((q) => q.route === "authorize")).toBe(false);
  });
});

describe("the AADSTS map", () => {
  it("covers the codes users report", () => {
    for (const code of [90094, 50011, 700016, 7000215, 7000222, 65001]) expect(AADSTS_EXPLANATIONS[code], `AADSTS${code}`).toBeDefined();
  });

  it("parses Entra's OAuth error body, taking the code from error_codes or else the description", () => {
    const body = {
      error: "invalid_client",
      error_description: "AADSTS7000222: The provided client secret keys for app 'x' are expired.\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: 2026-11-23 12:00:00Z",
      error_codes: [7000222],
      timestamp: "2026-11-23 12:00:00Z",
      trace_id: "0b5b1c7e-0000-4000-8000-000000000000",
      correlation_id: "c",
    };
    const e = parseEntraError(JSON.stringify(body));
    expect(e).toEqual({ error: "invalid_client", code: 7000222, message: "AADSTS7000222: The provided client secret keys for app 'x' are expired.", traceId: body.trace_id, correlationId: "c" });
    expect(describeEntraError(e!)).toBe("AADSTS7000222 invalid_client: The provided client secret keys for app 'x' are expired. (trace id 0b5b1c7e-0000-4000-8000-000000000000)");
    expect(parseEntraError(JSON.stringify({ error: "invalid_grant", error_description: "AADSTS65001: no consent" }))?.code).toBe(65001);
    expect(parseEntraError("<html>")).toBeUndefined();
    expect(parseEntraError(JSON.stringify({ message: "x" }))).toBeUndefined();
    expect(aadstsInText("<div>AADSTS50011: The redirect URI</div>")).toBe(50011);
  });
});
