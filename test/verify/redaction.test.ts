/**
 * Never a token or secret in the output, even when a server reflects one back: every line passes the Redactor.
 */
import { describe, expect, it } from "vitest";
import { runVerify } from "../../cli/verify";
import { REDACTED, Redactor } from "../../cli/verify/redact";
import { CLIENT_SECRET, expectNoLeak, NOW, useHarness } from "./harness";

const h = useHarness();

describe("redaction", () => {
  it("masks a token that K2 echoes back in its 401 challenge", async () => {
    // A fetch that makes "K2" reflect the Authorization header into WWW-Authenticate, as a misbehaving proxy might.
    const reflecting: typeof fetch = async (input, init) => {
      const url = String(input);
      if (url.startsWith(h.k2.url)) {
        const auth = new Headers(init?.headers).get("authorization") ?? "";
        return new Response("{}", { status: 401, headers: { "www-authenticate": `Bearer realm="k2", error="invalid_token", error_description="token ${auth} rejected", echo="${auth}"` } });
      }
      return fetch(input, init);
    };
    let stdout = "";
    let stderr = "";
    const outcome = await runVerify([...h.baseArgs(), "--format", "json"], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: h.passwordEnv,
      cwd: h.root,
      now: () => NOW,
      sleep: async () => {},
      fetch: reflecting,
    });
    expect(outcome.exitCode).toBe(1);
    const k2 = (JSON.parse(stdout) as { checks: Array<{ id: string; cause: string }> }).checks.find((c) => c.id === "k2-workflow-api");
    expect(k2?.cause).toContain(`(K2 said: Bearer error="invalid_token", error_description="token Bearer ${REDACTED} rejected")`);
    expect(h.entra.issuedTokens).toHaveLength(1);
    expectNoLeak({ stdout, stderr }, h.entra);
  });

  it("replaces every registered secret, longest first, including URL-encoded forms and a JWT's signature", () => {
    const r = new Redactor();
    r.add(CLIENT_SECRET);
    r.add("a.b.cccccccccccccccccccccccc");
    r.add("short");
    expect(r.apply(`x ${CLIENT_SECRET} y ${encodeURIComponent(CLIENT_SECRET)} z`)).toBe(`x ${REDACTED} y ${REDACTED} z`);
    expect(r.apply("sig=cccccccccccccccccccccccc")).toBe(`sig=${REDACTED}`);
    expect(r.apply("short stays")).toBe("short stays");
  });
});
