/**
 * Faults: HTTP 5xx, connection resets and timeouts get bounded retries with backoff (waits injected and recorded),
 * then a clear final error naming the endpoint and what happened.
 */
import { describe, expect, it } from "vitest";
import { expectExplained, expectNoLeak, TENANT, useHarness } from "./harness";

const h = useHarness();

describe("verify under faults", () => {
  it("5xx then success: retried with backoff, and the run passes", async () => {
    h.entra.injectFaults("metadata", { status: 503 });
    h.entra.injectFaults("token", { status: 500 }, { status: 502 });
    h.k2.faults.push(504);
    const r = await h.run();
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.check("metadata-issuer").status).toBe("pass");
    expect(r.check("token").status).toBe("pass");
    expect(r.check("k2-workflow-api").status).toBe("pass");
    // Exponential backoff: 500 ms, then 1000 ms for the second retry of the token request.
    expect(r.sleeps).toEqual([500, 500, 1000, 500]);
    // Retrying the token request issued exactly one token.
    expect(h.entra.issuedTokens).toHaveLength(1);
    expect(h.entra.requests.filter((q) => q.route === "token")).toHaveLength(3);
    expectNoLeak(r, h.entra);
  });

  it("persistent 5xx: a bounded number of attempts, then a clear error with cause and fix", async () => {
    h.entra.setStickyFault("token", { status: 503 });
    const r = await h.run();
    expect(r.exitCode).toBe(1);
    const c = r.check("token");
    expect(c.status).toBe("fail");
    expect(c.detail).toBe(`password grant for svc-k2@contoso.example: POST ${h.entra.url}/${TENANT}/oauth2/token failed 4 times in a row; last: HTTP 503`);
    expect(c.cause).toContain("could not be reached or kept failing");
    expectExplained(r, c);
    expect(h.entra.requests.filter((q) => q.route === "token")).toHaveLength(4);
    expect(r.sleeps).toEqual([500, 1000, 2000]);
    expect(r.check("k2-workflow-api").status).toBe("skip");
    expectNoLeak(r, h.entra);
  });

  it("connection resets are retried; persistent resets name the fault", async () => {
    h.entra.injectFaults("keys", "reset");
    const ok = await h.run();
    expect(ok.check("signing-keys").status).toBe("pass");

    h.entra.setStickyFault("keys", "reset");
    const r = await h.run();
    expect(r.check("signing-keys")).toMatchObject({ status: "fail", detail: `GET ${h.entra.url}/common/discovery/keys failed 4 times in a row; last: the connection was reset` });
    // Without keys the signature cannot be checked: skipped, not passed.
    expect(r.check("token-signature").status).toBe("skip");
    expect(r.exitCode).toBe(1);
  });

  it("a server that never answers times out per attempt (--timeout-ms)", async () => {
    h.entra.setStickyFault("metadata", "hang");
    const r = await h.run(["--timeout-ms", "150"]);
    expect(r.check("metadata-issuer")).toMatchObject({
      status: "fail",
      detail: `GET ${h.entra.metadataUrl.replace(/\?.*$/, "")} failed 4 times in a row; last: no answer within 150 ms (timeout)`,
    });
    expect(r.exitCode).toBe(1);
  });

  it("K2 persistently failing is reported as unreachable, not as a token problem", async () => {
    h.k2.faults.push(503, 503, 503, 503);
    const r = await h.run();
    const c = r.check("k2-workflow-api");
    expect(c.status).toBe("fail");
    expect(c.detail).toContain("failed 4 times in a row; last: HTTP 503");
    expect(c.cause).toContain("K2 could not be reached");
  });
});
