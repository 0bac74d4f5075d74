/**
 * Input rules of an outbound K2 OAuth resource (`k2:OAuthResource`, K2 KB002028): the dynamic provider's `check`.
 * Endpoints are the stack tenant's v1 endpoints (../entra.ts classifies them), the refresh endpoint the token endpoint
 * or empty, the metadata endpoint the v1 document or empty, "Use Host Server Authorization Endpoint" off; a `resource`
 * parameter holds an https audience; the client secret is there, and never part of a message.
 *
 * Runs inside the serialized dynamic provider: no module-level imports of packages or built-ins.
 */
import { classifyEndpoint } from "../entra";
import { credentialAndTransportProblems, isUnknown, k2UrlProblems, type CheckFailure } from "./bearerTokenChecks";
import { PARAMETER_LEGS } from "./management";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Why an endpoint is not the stack tenant's v1 endpoint of `kind`, or undefined. */
function v1EndpointProblem(value: unknown, kind: "authorize" | "token" | "metadata"): string | undefined {
  if (typeof value !== "string") return `expected the v1 ${kind} endpoint of your tenant as text`;
  const c = classifyEndpoint(value);
  const example = kind === "metadata" ? "/.well-known/openid-configuration" : `/oauth2/${kind}`;
  if (!c.parsed || !c.https || c.cloud === undefined) return `expected an https Entra ID endpoint, like https://login.microsoftonline.com/<tenant id>${example}`;
  if (c.version !== "v1") return `expected the v1 endpoint (no v2.0 segment): K2 sends resource, which v2 endpoints do not take, like https://${c.host}/<tenant id>${example}`;
  if (c.tenantKind !== "guid") return `expected your tenant's id (a GUID) in the path, not '${c.tenant ?? ""}', like https://${c.host}/<tenant id>${example}`;
  if (c.kind !== kind) return `expected the ${kind} endpoint, like https://${c.host}/${c.tenant ?? "<tenant id>"}${example}`;
  if (c.hasQuery) return "expected no query string or fragment";
  return undefined;
}

/** Why a `resource` value is not an https audience, or undefined. */
export function resourceValueProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "expected the audience as an https URL, like https://graph.microsoft.com";
  }
  if (url.protocol !== "https:") return "expected an https audience, like https://graph.microsoft.com";
  if (value !== value.trim()) return "expected no leading or trailing blanks: a v1 token's aud is the requested resource, compared exactly";
  return undefined;
}

/** Every problem with the inputs of an OAuthResource; empty when they are valid. Unknown values are skipped. */
export function oauthResourceInputProblems(inputs: Readonly<Record<string, unknown>>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  for (const reason of k2UrlProblems(inputs.k2Url === undefined ? "" : inputs.k2Url)) fail("k2Url", reason);
  for (const key of ["resourceName", "resourceType"] as const) {
    const v = inputs[key];
    if (isUnknown(v)) continue;
    if (typeof v !== "string" || v.trim() === "") fail(key, key === "resourceName" ? "expected a non-empty K2 OAuth resource name, like 'Microsoft Graph'" : "expected the K2 resource type name, like 'Microsoft Online'");
    else if (v !== v.trim()) fail(key, "expected no leading or trailing blanks");
  }
  const authorize = inputs.authorizationEndpoint;
  const token = inputs.tokenEndpoint;
  if (!isUnknown(authorize)) {
    const p = v1EndpointProblem(authorize, "authorize");
    if (p !== undefined) fail("authorizationEndpoint", p);
  }
  if (!isUnknown(token)) {
    const p = v1EndpointProblem(token, "token");
    if (p !== undefined) fail("tokenEndpoint", p);
  }
  if (!isUnknown(authorize) && !isUnknown(token) && typeof authorize === "string" && typeof token === "string") {
    const a = classifyEndpoint(authorize);
    const t = classifyEndpoint(token);
    if (a.parsed && t.parsed && (a.host !== t.host || a.tenant !== t.tenant)) {
      fail("tokenEndpoint", "expected the same login host and tenant as the authorization endpoint");
    }
  }
  const refresh = inputs.refreshTokenEndpoint;
  if (!isUnknown(refresh) && !isUnknown(token) && refresh !== "" && refresh !== token) {
    fail("refreshTokenEndpoint", "expected the token endpoint (as K2's connector guides set it) or empty");
  }
  const metadata = inputs.metadataEndpoint;
  if (!isUnknown(metadata) && metadata !== "") {
    const p = v1EndpointProblem(metadata, "metadata");
    if (p !== undefined) fail("metadataEndpoint", p);
  }
  if (!isUnknown(inputs.useHostServerAuthorizationEndpoint) && inputs.useHostServerAuthorizationEndpoint !== false) {
    fail("useHostServerAuthorizationEndpoint", "expected false: the resource uses its own authorization endpoint, not K2's trust");
  }

  const parameters = inputs.parameters;
  if (!isUnknown(parameters)) {
    if (!isRecord(parameters)) fail("parameters", 'expected a mapping of parameter name to its values per request, like { resource: { token: "https://graph.microsoft.com" } }');
    else {
      for (const [name, legs] of Object.entries(parameters)) {
        if (isUnknown(legs)) continue;
        if (!isRecord(legs)) {
          fail(`parameters.${name}`, "expected the values per request: authorization, token, refresh");
          continue;
        }
        for (const [leg, value] of Object.entries(legs)) {
          if (!(PARAMETER_LEGS as readonly string[]).includes(leg)) fail(`parameters.${name}.${leg}`, "expected one of authorization, token, refresh");
          else if (!isUnknown(value) && typeof value !== "string") fail(`parameters.${name}.${leg}`, "expected the value as text");
          else if (name === "resource" && typeof value === "string") {
            const p = resourceValueProblem(value);
            if (p !== undefined) fail(`parameters.resource.${leg}`, p);
          }
        }
      }
    }
  }
  const secretLegs = inputs.secretLegs;
  if (!isUnknown(secretLegs)) {
    if (!isRecord(secretLegs) || Object.keys(secretLegs).length === 0) {
      fail("secretLegs", 'expected the parameters that carry the client secret and their requests, like { client_secret: ["token", "refresh"] }');
    } else {
      for (const [name, legs] of Object.entries(secretLegs)) {
        if (!Array.isArray(legs) || legs.length === 0 || legs.some((l) => !(PARAMETER_LEGS as readonly string[]).includes(l as string))) {
          fail(`secretLegs.${name}`, "expected a non-empty list of requests: authorization, token, refresh");
        } else if (isRecord(parameters) && isRecord(parameters[name]) && legs.some((l) => (parameters[name] as Record<string, unknown>)[l as string] !== undefined)) {
          fail(`secretLegs.${name}`, "expected the client secret's requests apart from the parameter's other values (one value per request)");
        }
      }
    }
  }
  // The client secret: present and text; its value is never part of a message.
  const secret = inputs.clientSecret;
  if (!isUnknown(secret) && (typeof secret !== "string" || secret === "")) {
    fail("clientSecret", "expected the app's current client secret (from the outbound app's ApplicationPassword)");
  }
  failures.push(...credentialAndTransportProblems(inputs));
  return failures;
}
