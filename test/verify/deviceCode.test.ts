/**
 * The interactive device code flow against the Entra double, with polling waits injected (recorded, not waited).
 */
import { describe, expect, it } from "vitest";
import { AUDIENCE, CLIENT_ID, CLIENT_SECRET, expectExplained, expectNoLeak, TENANT, useHarness } from "./harness";

const h = useHarness({ app: { secrets: [], publicClient: true } });

describe("verify --auth device-code", () => {
  it("shows the user code and URL, honours interval and slow_down, and succeeds after pending polls", async () => {
    h.entra.deviceScript = ["authorization_pending", "authorization_pending", "slow_down"];
    h.entra.deviceUser = "alice@contoso.example";
    // No password-grant variables: device code is the default.
    const r = await h.run([], { env: {} });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.report?.auth).toBe("device-code");
    expect(r.check("token")).toMatchObject({ status: "pass", detail: "device code sign-in (after 4 polls)" });

    const start = h.entra.requests.find((q) => q.route === "devicecode");
    expect(start).toMatchObject({ path: `/${TENANT}/oauth2/devicecode`, form: { client_id: CLIENT_ID, resource: AUDIENCE } });
    const polls = h.entra.requests.filter((q) => q.route === "token");
    expect(polls).toHaveLength(4);
    expect(polls[0].form).toMatchObject({ grant_type: "device_code", client_id: CLIENT_ID, resource: AUDIENCE, code: "(set)" });

    // interval 5 s, then +5 s after slow_down.
    expect(r.sleeps).toEqual([5000, 5000, 5000, 10000]);
    expect(r.stderr).toMatch(/^To sign in, open https:\/\/microsoft\.com\/devicelogin and enter the code [B-Z2-9]{9} \(valid for 15 minutes\)\.$/m);
    expect(r.stdout).toMatch(/upn\s+alice@contoso\.example/);
    expectNoLeak(r, h.entra);
  });

  it("sends the client secret when one is given (confidential client)", async () => {
    h.entra.addApp({ ...h.entra.app(CLIENT_ID)!, secrets: [{ value: CLIENT_SECRET, expires: new Date("2027-06-01T00:00:00Z") }], publicClient: false });
    const r = await h.run(["--auth", "device-code"], { env: { K2_VERIFY_CLIENT_SECRET: CLIENT_SECRET } });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(h.entra.requests.filter((q) => q.route === "token")[0].form.client_secret).toBe("(set)");
    expectNoLeak(r, h.entra);
  });

  it("expired_token ends the flow with its cause and fix", async () => {
    h.entra.deviceScript = ["authorization_pending", "expired_token"];
    const r = await h.run([], { env: {} });
    expect(r.exitCode).toBe(1);
    const c = r.check("token");
    expect(c).toMatchObject({ status: "fail", detail: "device code sign-in: the code expired before sign-in finished", aadsts: 70019 });
    expectExplained(r, c);
    expectNoLeak(r, h.entra);
  });

  it("stops polling once expires_in is used up (bounded), counting the waits, not the wall clock", async () => {
    h.entra.deviceExpiresIn = 15;
    h.entra.deviceScript = Array.from({ length: 50 }, () => "authorization_pending" as const);
    const r = await h.run([], { env: {} });
    expect(r.exitCode).toBe(1);
    expect(r.check("token").detail).toBe("device code sign-in: no sign-in within 15 s");
    expect(h.entra.requests.filter((q) => q.route === "token")).toHaveLength(3);
    expect(r.sleeps).toEqual([5000, 5000, 5000]);
  });

  it("a declined sign-in fails with its own cause", async () => {
    h.entra.deviceScript = ["authorization_declined"];
    const r = await h.run([], { env: {} });
    expect(r.check("token")).toMatchObject({ status: "fail", detail: "device code sign-in: the user declined" });
  });

  it("an Entra error while polling (consent) is explained by the AADSTS map", async () => {
    h.entra.addApp({ ...h.entra.app(CLIENT_ID)!, consent: "none" });
    const r = await h.run([], { env: {} });
    expect(r.check("token")).toMatchObject({ status: "fail", aadsts: 65001 });
    expect(r.check("token").cause).toMatch(/^consent not granted/);
  });
});
