/**
 * Step 4: the call KB002784 ends with. `GET <k2>/api/workflow/v1/workflows` with the token must answer 200 with
 * `{"itemCount": n, "workflows": [...]}`; optionally the SmartObject OData v4 service document `<k2>/api/odatav4/v4/`
 * must answer 200 with `{"@odata.context", "value": [...]}`. Redirects are not followed: a redirect to a sign-in page
 * means K2 did not take the bearer token.
 */
import { fail, pass, skip, type Check, type Explanation } from "./checks";
import { HttpFault, jsonBody, send, type HttpPolicy, type HttpResponse } from "./http";

export interface K2CallInput {
  k2Url: string;
  token: string | undefined;
  /** True when an earlier token check failed: the 401 explanation then points there first. */
  tokenProblems: boolean;
  edition: "five" | "cloud";
}

/**
 * The `error` and `error_description` of a Bearer challenge (RFC 6750 section 3), whole: nothing else from the header
 * is shown, and nothing is truncated (a cut-off value would escape the Redactor).
 */
export function challengeSummary(header: string | null): string | undefined {
  if (header === null) return undefined;
  const params: string[] = [];
  for (const name of ["error", "error_description"]) {
    const m = new RegExp(`(?:^|[\\s,])${name}="([^"]*)"`, "i").exec(header);
    if (m !== null) params.push(`${name}="${m[1]}"`);
  }
  return params.length === 0 ? undefined : `Bearer ${params.join(", ")}`;
}

function rejected(input: K2CallInput, api: string, res: HttpResponse): Explanation {
  const challenge = challengeSummary(res.headers.get("www-authenticate"));
  const said = challenge === undefined ? "" : ` (K2 said: ${challenge})`;
  if (input.tokenProblems) {
    return {
      cause: `K2 rejected the token${said}; the failed token checks above explain why`,
      fix: "fix those first: K2 accepts only a v1 token for its audience, signed by the tenant in its Metadata Endpoint",
    };
  }
  const five = input.edition === "five";
  return {
    cause:
      `K2 rejected a token that is valid for Entra ID${said}: K2's Bearer Token resource does not match it ` +
      `(the 'audience' Resource Parameter is not the token's aud, or its Metadata Endpoint is v2 or another tenant's)` +
      (five ? `, K2 was not restarted (iisreset) after the change, or Entra ID is not a user manager in K2` : ``),
    fix:
      `in K2 Management > Authentication > OAuth > Resources check the Bearer Token resource: Metadata Endpoint v1, ` +
      `Resource Parameter audience = the token's aud` +
      (five ? `; on K2 Five this project manages it (\`pulumi up\`), then run iisreset` : ``) +
      `; in Management > Integration > APIs make sure ${api} is enabled`,
  };
}

function notOk(input: K2CallInput, id: string, title: string, api: string, url: string, res: HttpResponse): Check {
  if (res.status === 401) return fail(id, title, `HTTP 401 from ${url}`, rejected(input, api, res));
  if (res.status === 403) {
    return fail(id, title, `HTTP 403 from ${url}`, {
      cause: `K2 accepted the token but the signed-in user may not use ${api} (no rights, or the API is not allowed for OAuth)`,
      fix: `give the user rights in K2 (or use another account); in Management > Integration > APIs check ${api}'s settings`,
    });
  }
  if (res.status === 404) {
    return fail(id, title, `HTTP 404 from ${url}`, {
      cause: `${api} is not enabled in K2, or the K2 URL is wrong`,
      fix: `enable ${api} in K2 Management > Integration > APIs; check k2-oauth:k2.url`,
    });
  }
  if (res.status >= 300 && res.status < 400) {
    return fail(id, title, `HTTP ${res.status} redirect to ${redactQuery(res.headers.get("location") ?? "?")}`, {
      cause: "K2 redirected to a sign-in page instead of taking the bearer token: OAuth is not enabled for this API, or the URL points at the wrong site",
      fix: `enable ${api} with OAuth in K2 Management > Integration > APIs; check k2-oauth:k2.url`,
    });
  }
  return fail(id, title, `HTTP ${res.status} from ${url}`, {
    cause: `K2 answered ${api} with an unexpected status`,
    fix: "check the K2 server's logs for this request",
  });
}

function redactQuery(location: string): string {
  try {
    const u = new URL(location);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(unparsable Location)";
  }
}

async function call(url: string, token: string, http: HttpPolicy): Promise<HttpResponse> {
  return send({ method: "GET", url, redirect: "manual", headers: { authorization: `Bearer ${token}` } }, http);
}

function unreachable(id: string, title: string, e: HttpFault): Check {
  return fail(id, title, e.message, {
    cause: "K2 could not be reached or kept failing (network, proxy, TLS, or K2 down)",
    fix: "check that this machine reaches k2-oauth:k2.url (override with --k2-url), then run verify again",
  });
}

export async function checkWorkflowApi(input: K2CallInput, http: HttpPolicy): Promise<Check> {
  const id = "k2-workflow-api";
  const title = "K2 Workflow REST API answers";
  const url = `${input.k2Url}/api/workflow/v1/workflows`;
  if (input.token === undefined) return skip(id, title, "no token");
  try {
    const res = await call(url, input.token, http);
    if (res.status !== 200) return notOk(input, id, title, "the Workflow REST API", url, res);
    const json = jsonBody(res) as { itemCount?: unknown } | undefined;
    if (typeof json?.itemCount !== "number") {
      return fail(id, title, `HTTP 200 from ${url} without itemCount`, {
        cause: "the answer is not the Workflow REST API's (a proxy or sign-in page, or the wrong site)",
        fix: "check k2-oauth:k2.url points at the K2 site itself",
      });
    }
    return pass(id, title, `HTTP 200, itemCount ${json.itemCount}`);
  } catch (e) {
    if (e instanceof HttpFault) return unreachable(id, title, e);
    throw e;
  }
}

export async function checkODataApi(input: K2CallInput, http: HttpPolicy): Promise<Check> {
  const id = "k2-odata-api";
  const title = "K2 SmartObject OData v4 answers";
  const url = `${input.k2Url}/api/odatav4/v4/`;
  if (input.token === undefined) return skip(id, title, "no token");
  try {
    const res = await call(url, input.token, http);
    if (res.status !== 200) return notOk(input, id, title, "the SmartObject OData API", url, res);
    const json = jsonBody(res) as { value?: unknown } | undefined;
    if (!Array.isArray(json?.value)) {
      return fail(id, title, `HTTP 200 from ${url} without a service document`, {
        cause: "the answer is not an OData v4 service document (a proxy or sign-in page, or the wrong site)",
        fix: "check k2-oauth:k2.url points at the K2 site itself",
      });
    }
    return pass(id, title, `HTTP 200, ${json.value.length} entity set${json.value.length === 1 ? "" : "s"} published`);
  } catch (e) {
    if (e instanceof HttpFault) return unreachable(id, title, e);
    throw e;
  }
}
