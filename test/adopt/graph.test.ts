/**
 * The Microsoft Graph reader of adopt against the Graph double: paging through @odata.nextLink (bounded, same origin
 * only), throttling (429 with Retry-After, bounded), 5xx and resets retried, and Graph's errors (401, 403, 400) in
 * words that say what was being read and what to do. The token never appears in a message.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGraphReader, GraphError, graphUrl, readGraphError, type GraphReader } from "../../cli/adopt/graph";
import type { HttpPolicy } from "../../cli/verify/http";
import { GraphDouble } from "../doubles/graphServer";
import { rejection as thrown } from "../helpers/thrown";

const TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ0ZXN0In0.signature-of-the-test-token-0123456789";

let graph: GraphDouble;
let sleeps: number[];

function policy(overrides: Partial<HttpPolicy> = {}): HttpPolicy {
  return {
    attempts: 6,
    timeoutMs: 5_000,
    backoffMs: (n) => 100 * n,
    maxRetryAfterMs: 30_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    fetch: globalThis.fetch,
    ...overrides,
  };
}

function reader(maxPages = 50, overrides: Partial<HttpPolicy> = {}): GraphReader {
  return createGraphReader({ root: graph.url, token: TOKEN, http: policy(overrides), maxPages });
}

const APPS = Array.from({ length: 5 }, (_, i) => ({ id: `app-${i}`, appId: `appid-${i}`, displayName: `K2 - ${i}`, requiredResourceAccess: [{ resourceAppId: "k2", resourceAccess: [] }] }));
const LIST = { path: "applications", query: { $filter: "requiredResourceAccess/any(r:r/resourceAppId eq 'k2')", $count: "true", $select: "id,displayName" }, advanced: true };

beforeAll(async () => {
  graph = await GraphDouble.start();
  graph.acceptToken = (t) => t === TOKEN;
  graph.applications.push(...APPS);
});
afterAll(async () => {
  await graph.close();
});
afterEach(() => {
  graph.pageSize = 100;
  graph.rewriteNextLink = (u) => u;
  graph.requests.length = 0;
  sleeps = [];
});
sleeps = [];

describe("Graph reader: collections", () => {
  it("follows @odata.nextLink page by page with the query and the ConsistencyLevel header, selecting only what it asked for", async () => {
    graph.pageSize = 2;
    const items = await reader().list("list the apps", LIST);
    expect(items).toEqual(APPS.map((a) => ({ id: a.id, displayName: a.displayName })));
    expect(graph.requests.map((r) => [r.route, r.consistencyLevel, r.query.$filter, r.query.$select, r.query.$skiptoken === undefined])).toEqual([
      ["applications", "eventual", LIST.query.$filter, "id,displayName", true],
      ["applications", "eventual", LIST.query.$filter, "id,displayName", false],
      ["applications", "eventual", LIST.query.$filter, "id,displayName", false],
    ]);
  });

  it("stops at the page bound instead of reading part of a list", async () => {
    graph.pageSize = 2;
    const e = await thrown(reader(2).list("list the apps", LIST));
    expect(e).toBeInstanceOf(GraphError);
    expect((e as Error).message).toBe("could not list the apps: more than 2 pages; adopt stops rather than read part of the list. Nothing was written.");
    expect(graph.requests).toHaveLength(2);
  });

  it("never follows a next page to another origin (the token would go there)", async () => {
    graph.pageSize = 2;
    graph.rewriteNextLink = (u) => u.replace(/^http:\/\/127\.0\.0\.1:\d+/, "https://graph.example.org");
    const e = await thrown(reader().list("list the apps", LIST));
    expect((e as Error).message).toBe(`could not list the apps: the next page's link does not point to ${graph.url}; adopt does not send the token elsewhere`);
    expect(graph.requests).toHaveLength(1);
  });

  it("sends the filter percent-encoded below /v1.0/", () => {
    expect(graphUrl("https://graph.microsoft.com/", { path: "servicePrincipals", query: { $filter: "appId eq 'a b'", $top: "999" } })).toBe(
      "https://graph.microsoft.com/v1.0/servicePrincipals?$filter=appId%20eq%20'a%20b'&$top=999",
    );
  });
});

describe("Graph reader: throttling and faults", () => {
  it("waits as Retry-After asks on 429 and then reads on", async () => {
    graph.injectFaults("applications", { status: 429, retryAfter: 7 }, { status: 429, retryAfter: 3, code: "activityLimitReached", message: "Throttled" });
    expect(await reader().list("list the apps", LIST)).toHaveLength(5);
    expect(sleeps).toEqual([7_000, 3_000]);
  });

  it("caps a Retry-After beyond its bound", async () => {
    graph.injectFaults("applications", { status: 429, retryAfter: 3_600 });
    await reader().list("list the apps", LIST);
    expect(sleeps).toEqual([30_000]);
  });

  it("gives up after its attempts with a message that says so, without the token", async () => {
    graph.injectFaults("applications", ...Array.from({ length: 6 }, () => ({ status: 429, retryAfter: 1 })));
    const e = await thrown(reader().list("list the apps", LIST));
    expect(e).toMatchObject({ name: "GraphError", status: 429 });
    expect((e as Error).message).toBe(
      `could not list the apps: GET ${graph.url}/v1.0/applications failed 6 times in a row; last: HTTP 429; Microsoft Graph kept throttling (HTTP 429) although adopt waited as its Retry-After asked: wait a few minutes and run adopt again. Nothing was written.`,
    );
    expect(sleeps).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
    expect((e as Error).message).not.toContain(TOKEN);
  });

  it("retries 5xx (with backoff when no Retry-After is sent) and connection resets", async () => {
    graph.injectFaults("applications", { status: 503 }, "reset", { status: 504, retryAfter: 2 });
    expect(await reader().list("list the apps", LIST)).toHaveLength(5);
    expect(sleeps).toEqual([100, 200, 2_000]);
  });
});

describe("Graph reader: errors", () => {
  it("403: names what was read, Graph's code, message and request id, and the permissions adopt needs", async () => {
    graph.injectFaults("servicePrincipal-owners", { status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
    const e = await thrown(reader().list("read the owners of X", { path: "servicePrincipals/sp-1/owners" }));
    expect(e).toMatchObject({ status: 403, code: "Authorization_RequestDenied" });
    expect((e as Error).message).toBe(
      `could not read the owners of X: GET ${graph.url}/v1.0/servicePrincipals/sp-1/owners answered HTTP 403 (Authorization_RequestDenied: Insufficient privileges to complete the operation.) ` +
        `[request-id ${graph.lastRequestId}]; adopt needs the Microsoft Graph permissions Application.Read.All and Directory.Read.All (read only), consented for the app you sign in with, ` +
        `and, signed in as a user, a directory role that may read applications (for example Global Reader); see README.md, "Adopting an existing setup"`,
    );
  });

  it("401: the token was not accepted", async () => {
    const bad = createGraphReader({ root: graph.url, token: "not-the-token", http: policy(), maxPages: 5 });
    const e = await thrown(bad.list("list the apps", LIST));
    expect((e as Error).message).toMatch(
      /^could not list the apps: GET http:\/\/127\.0\.0\.1:\d+\/v1\.0\/applications answered HTTP 401 \(InvalidAuthenticationToken: Access token validation failure\. Invalid audience\.\) \[request-id [0-9a-f-]+\]; the token was not accepted: it expired, or was issued for another resource than http:\/\/127\.0\.0\.1:\d+; sign in again$/,
    );
    expect(sleeps).toEqual([]);
  });

  it("400: an advanced query without ConsistencyLevel is refused, as Graph does", async () => {
    const e = await thrown(reader().list("list the apps", { ...LIST, advanced: false }));
    expect(e).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    expect((e as Error).message).toContain("; Graph rejected the request itself: check --graph-url and the cloud (k2-oauth:cloud)");
  });

  it("a 200 that is not a Graph collection is an error, not an empty list", async () => {
    const notGraph = createGraphReader({
      root: graph.url,
      token: TOKEN,
      http: policy({ fetch: async () => new Response("<html>proxy login</html>", { status: 200 }) }),
      maxPages: 5,
    });
    expect((await thrown(notGraph.list("list the apps", LIST)) as Error).message).toBe(
      `could not list the apps: GET ${graph.url}/v1.0/applications answered 200 without a JSON object (a proxy page, or not Microsoft Graph: check --graph-url)`,
    );
    const noValue = createGraphReader({ root: graph.url, token: TOKEN, http: policy({ fetch: async () => new Response("{}", { status: 200 }) }), maxPages: 5 });
    expect((await thrown(noValue.list("list the apps", LIST)) as Error).message).toBe(`could not list the apps: GET ${graph.url}/v1.0/applications answered without a 'value' list of objects`);
  });

  it("reads Graph's error body in both spellings of innerError, and nothing from a body that is not one", () => {
    expect(readGraphError('{"error":{"code":"X","message":"m","innererror":{"request-id":"r1"}}}')).toEqual({ code: "X", message: "m", requestId: "r1" });
    expect(readGraphError('{"error":{"code":"X","message":"m","innerError":{"request-id":"r2"}}}')).toEqual({ code: "X", message: "m", requestId: "r2" });
    expect(readGraphError("<html/>")).toEqual({ code: undefined, message: undefined, requestId: undefined });
  });
});
