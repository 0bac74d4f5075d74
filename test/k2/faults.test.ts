import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startK2SmartObjectDouble, type K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";
import { assertNoSecret, create, inputsFor, testProvider } from "./fixtures";

let double: K2SmartObjectDouble;
const errors: unknown[] = [];

beforeEach(async () => {
  double = await startK2SmartObjectDouble();
});
afterEach(async () => {
  await double.close();
  // Whatever failed in a test: no credential in its message or stack.
  assertNoSecret(errors, double);
  errors.length = 0;
});

async function failure(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  errors.push(e);
  return e as Error;
}

describe("retries: timeouts, resets, 5xx and 429 are retried with bounded backoff", () => {
  it("retries 503 twice on a list, backing off exponentially, then succeeds", async () => {
    const { provider, delays } = testProvider();
    double.inject({ kind: "status", status: 503, times: 2, match: { operation: "list", target: "resource" } });
    await create(provider, inputsFor(double));
    expect(double.resources()).toHaveLength(1);
    expect(delays).toEqual([500, 1000]);
  });

  it("honours Retry-After on 429, within the cap", async () => {
    const { provider, delays } = testProvider();
    double.inject({ kind: "status", status: 429, headers: { "Retry-After": "3" }, match: { operation: "list" } });
    double.inject({ kind: "status", status: 429, headers: { "Retry-After": "120" }, match: { operation: "list" } });
    await create(provider, inputsFor(double));
    expect(delays).toEqual([3000, 8000]);
  });

  it("retries connection resets", async () => {
    const { provider, delays } = testProvider();
    double.inject({ kind: "reset", times: 2, match: { operation: "list" } });
    await create(provider, inputsFor(double));
    expect(double.resources()).toHaveLength(1);
    expect(delays).toHaveLength(2);
  });

  it("gives up on an attempt that gets no answer within the timeout and tries again", async () => {
    // The hung request never gets an answer, so its attempt always ends by the timeout (1 s here).
    const { provider, delays } = testProvider(1_000);
    double.inject({ kind: "hang", match: { operation: "list" } });
    await create(provider, inputsFor(double));
    expect(double.resources()).toHaveLength(1);
    expect(delays[0]).toBe(500);
    expect(double.requests[0].outcome).toBe("hung");
    expect(double.requests[1].operation).toBe("list");
  });

  it("slow answers inside the timeout are simply waited for", async () => {
    const { provider, delays } = testProvider();
    double.inject({ kind: "latency", ms: 30, times: 3 });
    await create(provider, inputsFor(double));
    expect(delays).toEqual([]);
    expect(double.resources()).toHaveLength(1);
  });

  it("stops after the bounded number of attempts with K2's message and what to check", async () => {
    const { provider, delays } = testProvider();
    double.inject({ kind: "status", status: 500, times: 100, match: { operation: "list" } });
    const e = await failure(create(provider, inputsFor(double)));
    expect(e.message).toMatch(/could not list OAuth resources after 4 attempts.*HTTP 500.*An internal server error occurred.*reachable/s);
    expect(double.count("list")).toBe(4);
    expect(delays).toEqual([500, 1000, 2000]);
    expect(double.resources()).toEqual([]);
  });

  it("a delete retries 503 and then succeeds", async () => {
    const { provider } = testProvider();
    const { id, outs } = await create(provider, inputsFor(double));
    double.inject({ kind: "status", status: 503, match: { operation: "delete" } });
    await provider.delete!(id, outs);
    expect(double.resources()).toEqual([]);
    expect(double.count("delete")).toBe(2);
  });
});

describe("client errors fail at once, with K2's message and what to check", () => {
  it.each([
    [401, /HTTP 401.*Access is denied.*k2-oauth:k2\.admin\.username.*pulumi config set --secret/s],
    [403, /HTTP 403.*administrator rights in K2 Management/s],
    [400, /HTTP 400.*property system names.*npm run discover/s],
    [404, /HTTP 404.*SmartObject Services URL.*PLACEHOLDER mapping/s],
  ])("HTTP %i", async (status, pattern) => {
    const { provider, delays } = testProvider();
    double.inject({ kind: "status", status, match: { operation: "list" } });
    const e = await failure(create(provider, inputsFor(double)));
    expect(e.message).toMatch(pattern);
    expect(double.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("wrong credentials: 401 from K2 itself, no retry, no secret in the message", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double, { credentials: { username: double.username, password: `${double.password}-wrong` } });
    const e = await failure(create(provider, inputs));
    expect(e.message).toMatch(/HTTP 401/);
    expect(e.message).not.toContain(`${double.password}-wrong`);
    expect(double.requests).toHaveLength(1);
  });

  it("a 401 on update fails at once and changes nothing", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    const { id, outs } = await create(provider, inputs);
    double.inject({ kind: "status", status: 401, match: { operation: "update" } });
    const next = inputsFor(double, { tokenEndpoint: inputs.tokenEndpoint.replace("login.", "LOGIN.") });
    const e = await failure(provider.update!(id, outs, next));
    expect(e.message).toMatch(/HTTP 401/);
    expect(double.resources()[0].tokenEndpoint).toBe(inputs.tokenEndpoint);
  });
});

describe("a create whose answer is lost never makes a second resource", () => {
  it("K2 created it but the answer was lost: the retry finds it by name and adopts it", async () => {
    const { provider } = testProvider();
    double.inject({ kind: "lose-response", match: { operation: "create" } });
    const { id } = await create(provider, inputsFor(double));
    expect(double.resources()).toHaveLength(1);
    expect(double.resources()[0].id).toBe(id);
    expect(double.count("create")).toBe(1);
    expect(double.parameterValue("K2 API", "audience")).toBe("https://api.k2.com/");
  });

  it("the connection reset before K2 processed it: the create is sent again after a lookup, once", async () => {
    const { provider } = testProvider();
    double.inject({ kind: "reset", match: { operation: "create" } });
    await create(provider, inputsFor(double));
    expect(double.resources()).toHaveLength(1);
    expect(double.count("create")).toBe(2);
    // Every create was preceded by a lookup.
    const ops = double.requests.filter((r) => r.target === "resource").map((r) => r.operation);
    expect(ops.slice(0, 4)).toEqual(["list", "create", "list", "create"]);
  });

  it("answer lost and the following lookups fail for a while: still exactly one resource", async () => {
    const { provider } = testProvider();
    double.inject({ kind: "lose-response", match: { operation: "create" } });
    double.inject({ kind: "status", status: 503, times: 2, match: { operation: "list", target: "resource" } });
    await create(provider, inputsFor(double));
    expect(double.resources()).toHaveLength(1);
    expect(double.count("create")).toBe(1);
  });

  it("a whole `pulumi up` re-run after a lost answer adopts the resource its first run created", async () => {
    const { provider } = testProvider();
    double.inject({ kind: "lose-response", match: { operation: "create" } });
    double.inject({ kind: "status", status: 503, times: 100, match: { operation: "list", target: "parameter" } });
    const e = await failure(create(provider, inputsFor(double)));
    expect(e.message).toMatch(/list OAuth resource parameters after 4 attempts/);
    double.clearFaults();
    expect(double.resources()).toHaveLength(1);
    const { id } = await create(provider, inputsFor(double));
    expect(id).toBe(double.resources()[0].id);
    expect(double.resources()).toHaveLength(1);
    expect(double.count("create")).toBe(1);
  });

  it("create failures that persist stop after the bounded attempts and say no duplicate was made", async () => {
    const { provider } = testProvider();
    double.inject({ kind: "status", status: 503, times: 100, match: { operation: "create" } });
    const e = await failure(create(provider, inputsFor(double)));
    expect(e.message).toMatch(/could not create OAuth resource 'K2 API' after 4 attempts.*no duplicate/s);
    expect(double.count("create")).toBe(4);
    expect(double.resources()).toEqual([]);
  });
});
