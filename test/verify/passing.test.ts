import { describe, expect, it } from "vitest";
import { AUDIENCE, CLIENT_ID, expectNoLeak, SCOPE, TENANT, useHarness } from "./harness";

const h = useHarness();

describe("verify: a healthy stack", () => {
  it("passes every check with the password grant and exits 0", async () => {
    const r = await h.run();
    expect(r.stderr).toBe("");
    expect(r.exitCode, r.stdout).toBe(0);
    const checks = r.report?.checks ?? [];
    expect(checks.filter((c) => c.status === "fail")).toEqual([]);
    for (const id of [
      "metadata-endpoint",
      "metadata-issuer",
      "signing-keys",
      "reply-url",
      "token",
      "token-signature",
      "token-lifetime",
      "token-audience",
      "token-issuer",
      "token-version",
      "token-tenant",
      "token-scope",
      "k2-workflow-api",
    ]) {
      expect(r.check(id).status, `${id}: ${r.check(id).detail}`).toBe("pass");
    }
    expect(r.check("k2-workflow-api").detail).toBe("HTTP 200, itemCount 2");
    expect(r.check("token").detail).toContain("password grant");
    expect(r.stdout).toMatch(/^Result: OK: 0 failed/m);

    // What was sent: a v1 password grant for resource=<audience> with the client secret; a bearer call to K2.
    const tokenRequest = h.entra.requests.find((q) => q.route === "token");
    expect(tokenRequest?.path).toBe(`/${TENANT}/oauth2/token`);
    expect(tokenRequest?.form).toMatchObject({ grant_type: "password", client_id: CLIENT_ID, resource: AUDIENCE, client_secret: "(set)", password: "(set)" });
    expect(h.k2.requests).toContainEqual({ method: "GET", path: "/api/workflow/v1/workflows", hadBearer: true, status: 200 });
    expectNoLeak(r, h.entra);
  });

  it("prints the token's claims, never the token", async () => {
    const r = await h.run();
    expect(h.entra.issuedTokens).toHaveLength(1);
    expect(r.stdout).toContain("Token claims (the token itself is never shown):");
    expect(r.stdout).toMatch(new RegExp(`aud\\s+${AUDIENCE}`));
    expect(r.stdout).toMatch(new RegExp(`iss\\s+https://sts.windows.net/${TENANT}/`));
    expect(r.stdout).toMatch(/ver\s+1\.0/);
    expect(r.stdout).toMatch(new RegExp(`scp\\s+${SCOPE}`));
    expect(r.stdout).not.toContain(h.entra.issuedTokens[0]);
    expectNoLeak(r, h.entra);
  });

  it("gives a machine-readable result with --format json", async () => {
    const r = await h.run(["--format", "json", "--odata"]);
    expect(r.exitCode).toBe(0);
    const json = r.json as Record<string, unknown>;
    expect(json).toMatchObject({ schemaVersion: 1, stack: "test", client: "power-automate", clientId: CLIENT_ID, tenantId: TENANT, ok: true, exitCode: 0, auth: "password" });
    expect(json.claims).toMatchObject({ aud: AUDIENCE, ver: "1.0", tid: TENANT, scp: SCOPE, appid: CLIENT_ID });
    const checks = json.checks as Array<{ id: string; status: string; detail: string }>;
    expect(checks.find((c) => c.id === "k2-odata-api")).toMatchObject({ status: "pass", detail: "HTTP 200, 2 entity sets published" });
    expect(json.secrets).toEqual(
      expect.arrayContaining([expect.objectContaining({ client: "power-automate", slot: "b", current: true, daysLeft: 172, endDate: "2027-05-15T00:00:00Z", source: "outputs" })]),
    );
    expect(h.k2.requests.map((q) => q.path)).toEqual(["/api/workflow/v1/workflows", "/api/odatav4/v4/"]);
    expectNoLeak(r, h.entra);
  });

  it("verifies a token from --token-file (raw JWT or JSON) without signing in", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const app = h.entra.app(CLIENT_ID);
    const token = await h.entra.issue(app!, { audience: AUDIENCE, clientId: "x", scopes: [SCOPE] }, "alice@contoso.example");
    const file = path.join(h.root, "token.json");
    fs.writeFileSync(file, JSON.stringify({ tokenType: "Bearer", accessToken: token }));
    const r = await h.run(["--token-file", file], { env: {} });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.check("token").detail).toBe(`from ${file}`);
    expect(h.entra.requests.filter((q) => q.route === "token")).toEqual([]);
    expect(r.stdout).not.toContain(token.split(".")[2]);
    expectNoLeak(r, h.entra);
  });
});
