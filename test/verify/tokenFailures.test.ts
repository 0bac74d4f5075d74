/**
 * One failing run per token/metadata/K2 failure users hit, each asserting the failing check, the cause and fix in the
 * output, the exit code, and that no token or secret leaks.
 */
import { describe, expect, it } from "vitest";
import { expectExplained, expectNoLeak, K2_API_CLIENT_ID, NOW, stackYaml, TENANT, useHarness } from "./harness";

const h = useHarness();

describe("verify: metadata failures", () => {
  it("v2 metadata document at the Metadata Endpoint: the issuer check fails and K2 rejects the token", async () => {
    h.entra.metadataStyle = "v2";
    const r = await h.run();
    expect(r.exitCode).toBe(1);
    const c = r.check("metadata-issuer");
    expect(c.status).toBe("fail");
    expect(c.detail).toBe(`issuer is https://login.microsoftonline.com/${TENANT}/v2.0 (v2)`);
    expect(c.cause).toMatch(/^v2 metadata/);
    expect(c.fix).toContain(`/${TENANT}/.well-known/openid-configuration`);
    expectExplained(r, c);
    // The K2 double trusts the same (v2) document, so the v1 token is refused there too.
    expect(r.check("k2-workflow-api").status).toBe("fail");
    expectNoLeak(r, h.entra);
  });

  it("a v2 Metadata Endpoint URL (--metadata-url): fails with the v1 URL as the fix", async () => {
    const r = await h.run(["--metadata-url", h.entra.v2MetadataUrl]);
    expect(r.exitCode).toBe(1);
    const url = r.check("metadata-endpoint");
    expect(url.status).toBe("fail");
    expect(url.detail).toContain("is a v2.0 metadata URL");
    expect(url.fix).toContain(`use ${h.entra.metadataUrl};`);
    expectExplained(r, url);
    expect(r.check("metadata-issuer").status).toBe("fail");
    expectNoLeak(r, h.entra);
  });
});

describe("verify: token failures", () => {
  it("v2 token: ver, iss and aud fail, all explained by the v2 cause; K2 answers 401", async () => {
    h.entra.tokenStyle = "v2";
    const r = await h.run();
    expect(r.exitCode).toBe(1);
    const ver = r.check("token-version");
    expect(ver).toMatchObject({ status: "fail", detail: "ver is 2.0" });
    expect(ver.cause).toMatch(/^v2 token: the K2 API app issues v2\.0 access tokens/);
    expect(ver.fix).toContain("accessTokenAcceptedVersion");
    expectExplained(r, ver);
    expect(r.check("token-audience")).toMatchObject({ status: "fail", detail: `aud is ${K2_API_CLIENT_ID}, expected https://api.k2.com/`, cause: ver.cause });
    expect(r.check("token-issuer")).toMatchObject({ status: "fail", cause: ver.cause });
    expect(r.check("token-signature").status).toBe("pass");
    const k2 = r.check("k2-workflow-api");
    expect(k2).toMatchObject({ status: "fail", detail: expect.stringContaining("HTTP 401") });
    expect(k2.cause).toContain("the failed token checks above explain why");
    expectNoLeak(r, h.entra);
  });

  it("wrong audience: aud names another resource", async () => {
    h.entra.tokenStyle = "wrong-aud";
    const r = await h.run();
    expect(r.exitCode).toBe(1);
    const c = r.check("token-audience");
    expect(c).toMatchObject({ status: "fail", detail: "aud is https://graph.windows.net/, expected https://api.k2.com/" });
    expect(c.cause).toMatch(/^wrong audience: the token was issued for another resource/);
    expect(c.fix).toContain("resource=https://api.k2.com/");
    expectExplained(r, c);
    expect(r.check("token-version").status).toBe("pass");
    expectNoLeak(r, h.entra);
  });

  it("wrong audience: the K2 API client id instead of its identifier URI", async () => {
    h.entra.tokenStyle = "wrong-aud";
    h.entra.wrongAudience = K2_API_CLIENT_ID;
    const r = await h.run();
    const c = r.check("token-audience");
    expect(c.status).toBe("fail");
    expect(c.cause).toContain("requested with the K2 API's client id as resource");
    expectExplained(r, c);
  });

  it("missing scope: scp lacks the K2 scope", async () => {
    h.entra.tokenStyle = "no-scope";
    const r = await h.run();
    expect(r.exitCode).toBe(1);
    const c = r.check("token-scope");
    expect(c).toMatchObject({ status: "fail", detail: "scp is missing, expected it to include user_impersonation" });
    expect(c.cause).toMatch(/^missing scope: the client app has no consented delegated permission 'user_impersonation'/);
    expect(c.fix).toContain("pulumi up");
    expectExplained(r, c);
    expectNoLeak(r, h.entra);
  });

  it("expired token: the lifetime check fails (jose, on verify's clock) and K2 refuses it", async () => {
    h.entra.tokenStyle = "expired";
    const r = await h.run(["--format", "json"]);
    expect(r.exitCode).toBe(1);
    const c = r.check("token-lifetime");
    expect(c).toMatchObject({ status: "fail", detail: "expired at 2026-11-23T11:00:00.000Z (now 2026-11-23T12:00:00.000Z)" });
    expect(c.cause).toMatch(/^expired token/);
    expect(r.check("token-signature").status).toBe("pass");
    expect(r.check("k2-workflow-api").status).toBe("fail");
    const json = r.json as { ok: boolean; exitCode: number; checks: Array<{ id: string; cause?: string; fix?: string }> };
    expect(json).toMatchObject({ ok: false, exitCode: 1 });
    expect(json.checks.find((x) => x.id === "token-lifetime")).toMatchObject({ cause: c.cause, fix: c.fix });
    expectNoLeak(r, h.entra);
  });

  it("tolerates a not-before a little ahead of this clock (skew), not one far ahead", async () => {
    const skewed = await h.run([], { now: new Date(NOW.getTime() - 60_000) });
    expect(skewed.check("token-lifetime")).toMatchObject({ status: "pass", detail: expect.stringContaining("nbf 60 s ahead of this clock") });
    expect(skewed.exitCode).toBe(0);

    const far = await h.run([], { now: new Date(NOW.getTime() - 600_000) });
    const c = far.check("token-lifetime");
    expect(c).toMatchObject({ status: "fail", detail: expect.stringContaining("claim nbf failed") });
    expect(c.cause).toContain("clock");
    expectExplained(far, c);
  });

  it("a token not signed by the tenant's keys fails the signature check", async () => {
    h.entra.tokenStyle = "bad-signature";
    const r = await h.run();
    expect(r.exitCode).toBe(1);
    const c = r.check("token-signature");
    expect(c).toMatchObject({ status: "fail", detail: "signature rejected (JWSSignatureVerificationFailed)" });
    expectExplained(r, c);
    expect(r.check("token-lifetime").status).toBe("skip");
    expectNoLeak(r, h.entra);
  });
});

describe("verify: K2 rejects a token Entra ID considers valid", () => {
  it("K2 401: every token check passes, the K2 call fails with the Bearer Token resource as cause", async () => {
    // K2's 'audience' Resource Parameter typed without the trailing slash.
    h.k2.audience = "https://api.k2.com";
    const r = await h.run();
    expect(r.exitCode).toBe(1);
    expect((r.report?.checks ?? []).filter((c) => c.status === "fail").map((c) => c.id)).toEqual(["k2-workflow-api"]);
    const c = r.check("k2-workflow-api");
    expect(c.detail).toBe(`HTTP 401 from ${h.k2.url}/api/workflow/v1/workflows`);
    expect(c.cause).toContain("K2 rejected a token that is valid for Entra ID");
    expect(c.cause).toContain('Bearer error="invalid_token"');
    expect(c.cause).toContain("iisreset");
    expect(c.fix).toContain("Resource Parameter audience");
    expectExplained(r, c);
    expectNoLeak(r, h.entra);
  });
});

describe("verify: US Gov, where the v1 issuer host is unconfirmed", () => {
  it("says it cannot decide without an issuer host, and decides with --issuer-host", async () => {
    await h.restart({ stack: stackYaml({ cloud: "usgov" }) });
    const r = await h.run();
    expect(r.check("metadata-issuer").status).toBe("undecided");
    expect(r.check("metadata-issuer").fix).toContain("--issuer-host");
    expect(r.check("token-issuer").status).toBe("undecided");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("UNDECIDED");

    const decided = await h.run(["--issuer-host", "sts.windows.net"]);
    expect(decided.check("metadata-issuer").status).toBe("pass");
    expect(decided.check("token-issuer").status).toBe("pass");

    const wrong = await h.run([], { env: { ...h.passwordEnv, K2_VERIFY_ISSUER_HOST: "sts.example.us" } });
    expect(wrong.check("metadata-issuer").status).toBe("fail");
    expect(wrong.exitCode).toBe(1);
  });
});
