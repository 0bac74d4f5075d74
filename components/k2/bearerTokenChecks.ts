/**
 * Input rules of the K2 "Bearer Token" OAuth resource (KB002784 step 3), used by the dynamic provider's `check`.
 * Endpoint rules come from ../entra.ts (the single source); this module adds the K2-side ones: resource type, empty
 * refresh endpoint, host-server flag off, the audience parameter, credentials and transport settings.
 * Messages name the property and what is expected; they never include a credential.
 *
 * Runs inside the serialized dynamic provider: no module-level imports of packages or built-ins.
 */
import { bearerTokenEndpointProblems, classifyEndpoint, isGuid } from "../entra";

export const BEARER_TOKEN_RESOURCE_TYPE = "Bearer Token";
/**
 * K2's documented resource identifier, the default audience (the `resource` of K2's token samples: K2 KB002784 and
 * the K2Documentation samples on GitHub).
 */
export const K2_API_RESOURCE_ID = "https://api.k2.com/";
/** The engine's placeholder for a value not known yet (preview). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

function isUnknown(value: unknown): boolean {
  return value === UNKNOWN_VALUE;
}

function absoluteUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function isLoopback(url: URL): boolean {
  return url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
}

/** Why a SmartObject Services URL is not acceptable, or undefined. Shared with `npm run discover`. */
export function serviceUrlProblem(value: unknown): string | undefined {
  const url = typeof value === "string" ? absoluteUrl(value) : undefined;
  if (url === undefined) return "expected the SmartObject Services URL, like https://k2.example.com:8888/SmartObjectServices";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url))) {
    return "expected https (the K2 admin password is sent with Basic authentication); http is accepted only for 127.0.0.1/localhost";
  }
  return undefined;
}

/** Problems with the audience (the Token Value of the `audience` parameter). */
export function audienceProblems(audience: unknown): string[] {
  if (typeof audience !== "string" || audience.trim() === "") {
    return [`expected the audience parameter: the resource identifier K2 tokens are requested for, ${K2_API_RESOURCE_ID} by default`];
  }
  if (audience !== audience.trim()) return ["expected no leading or trailing blanks: a v1 token's aud is compared exactly"];
  if (isGuid(audience)) {
    return [
      `expected a resource identifier URL, not a GUID: a GUID is the aud of v2 tokens, while K2's Bearer Token resource works with v1 tokens whose aud is the requested resource, like ${K2_API_RESOURCE_ID}`,
    ];
  }
  const url = absoluteUrl(audience);
  if (url === undefined || url.protocol !== "https:") {
    return [`expected an https resource identifier (the K2 API's Application ID URI), like ${K2_API_RESOURCE_ID}`];
  }
  if (url.search !== "" || url.hash !== "") return ["expected a resource identifier without query string or fragment"];
  if (classifyEndpoint(audience).cloud !== undefined) {
    return [`expected the K2 API resource identifier, not an Entra ID login URL (${url.hostname}); K2's is ${K2_API_RESOURCE_ID}`];
  }
  if (url.hostname === "api.k2.com" && audience !== K2_API_RESOURCE_ID) {
    return [`expected exactly ${K2_API_RESOURCE_ID} (with the trailing slash): a v1 token's aud is the requested resource string, so K2 compares it character by character`];
  }
  return [];
}

/** Every problem with the inputs of a BearerTokenResource; empty when they are valid. Unknown values are skipped. */
export function bearerTokenInputProblems(inputs: Readonly<Record<string, unknown>>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const str = (key: string): string | undefined => (typeof inputs[key] === "string" ? (inputs[key] as string) : undefined);

  for (const reason of k2UrlProblems(inputs.k2Url === undefined ? "" : inputs.k2Url)) fail("k2Url", reason);
  if (!isUnknown(inputs.resourceName)) {
    const name = str("resourceName");
    if (name === undefined || name.trim() === "") fail("resourceName", "expected a non-empty K2 OAuth resource name, like 'K2 API'");
    else if (name !== name.trim()) fail("resourceName", "expected no leading or trailing blanks");
  }
  if (!isUnknown(inputs.resourceType) && inputs.resourceType !== BEARER_TOKEN_RESOURCE_TYPE) {
    fail("resourceType", `expected '${BEARER_TOKEN_RESOURCE_TYPE}' (KB002784 step 3)`);
  }

  const endpointKeys = ["authorizationEndpoint", "tokenEndpoint", "metadataEndpoint"] as const;
  const unknownEndpoint = endpointKeys.some((k) => isUnknown(inputs[k]));
  if (!unknownEndpoint) {
    for (const p of bearerTokenEndpointProblems({
      authorizationEndpoint: str("authorizationEndpoint") ?? "",
      tokenEndpoint: str("tokenEndpoint") ?? "",
      metadataEndpoint: str("metadataEndpoint") ?? "",
    })) {
      fail(p.field, p.message);
    }
  }
  if (!isUnknown(inputs.refreshTokenEndpoint) && inputs.refreshTokenEndpoint !== "") {
    fail("refreshTokenEndpoint", "expected an empty Refresh Token Endpoint: KB002784 leaves it empty for the Bearer Token resource");
  }
  if (!isUnknown(inputs.useHostServerAuthorizationEndpoint) && inputs.useHostServerAuthorizationEndpoint !== false) {
    fail("useHostServerAuthorizationEndpoint", "expected false: KB002784 has 'Use Host Server Authorization Endpoint' unchecked");
  }

  const parameters = inputs.parameters;
  if (!isUnknown(parameters)) {
    if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
      fail("parameters", `expected a mapping of parameter name to Token Value, like { audience: "${K2_API_RESOURCE_ID}" }`);
    } else {
      for (const [name, value] of Object.entries(parameters)) {
        if (name.trim() === "") fail("parameters", "expected non-empty parameter names");
        else if (typeof value !== "string" && !isUnknown(value)) fail(`parameters.${name}`, "expected the Token Value as a string");
      }
      const audience = (parameters as Record<string, unknown>).audience;
      if (!isUnknown(audience)) for (const reason of audienceProblems(audience)) fail("parameters.audience", reason);
    }
  }

  failures.push(...credentialAndTransportProblems(inputs));
  return failures;
}

/** Problems with the K2 admin credentials and the transport settings: shared by every K2 resource's check. */
export function credentialAndTransportProblems(inputs: Readonly<Record<string, unknown>>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const credentials = inputs.credentials;
  if (!isUnknown(credentials)) {
    const c = credentials as { username?: unknown; password?: unknown } | undefined;
    if (typeof c !== "object" || c === null) {
      fail("credentials", "expected the K2 admin credentials { username, password } (k2-oauth:k2.admin)");
    } else {
      if (!isUnknown(c.username) && (typeof c.username !== "string" || c.username.trim() === "")) {
        fail("credentials.username", "expected the K2 admin user name, like DOMAIN\\svc-k2 (k2-oauth:k2.admin.username)");
      }
      if (!isUnknown(c.password) && (typeof c.password !== "string" || c.password === "")) {
        fail("credentials.password", "expected a non-empty password (pulumi config set --secret --path 'k2.admin.password')");
      }
    }
  }

  const management = inputs.management as { transport?: unknown; serviceUrl?: unknown; mapping?: unknown } | undefined;
  if (!isUnknown(management)) {
    if (typeof management !== "object" || management === null || management.transport !== "smartobject-rest") {
      fail("management", "expected { transport: 'smartobject-rest', serviceUrl, mapping }");
    } else {
      const problem = serviceUrlProblem(management.serviceUrl);
      if (problem !== undefined) fail("management.serviceUrl", problem);
      const m = management.mapping as { resource?: unknown; resourceParameter?: unknown; maskedValuePattern?: unknown } | undefined;
      if (typeof m !== "object" || m === null || typeof m.resource !== "object" || typeof m.resourceParameter !== "object" || typeof m.maskedValuePattern !== "string") {
        fail("management.mapping", "expected a SmartObject mapping (written by npm run discover -- --stack <name>)");
      }
    }
  }
  return failures;
}

/** Problems with the K2 site URL (k2Url), shared by every K2 resource's check. */
export function k2UrlProblems(value: unknown): string[] {
  if (isUnknown(value)) return [];
  const url = typeof value === "string" ? absoluteUrl(value) : undefined;
  if (url === undefined) return ["expected the K2 site URL as an absolute https URL, like https://k2.example.com"];
  if (url.protocol !== "https:") return [`expected https, got ${url.protocol}//`];
  if (url.username !== "" || url.password !== "") return ["expected no user name or password in the URL"];
  return [];
}

export { isUnknown };
