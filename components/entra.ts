/**
 * The one place that knows Microsoft Entra ID (Azure AD) endpoints: login hosts per cloud, the v1
 * authorize/token/metadata URLs and issuer, and a classifier for any endpoint URL.
 *
 * Also Microsoft Graph's root per cloud (what `npm run adopt` reads).
 *
 * Imported by the components, the policy rules and the CLI alike. No Pulumi imports: plain data and functions.
 * Sources: Microsoft Learn, "Access tokens" (v1 and v2 issuers, learn.microsoft.com/en-us/entra/identity-platform/
 * access-tokens) and "National clouds" (login hosts per cloud, .../authentication-national-cloud); K2 KB002784 for the
 * v1 endpoints K2's Bearer Token resource uses.
 */

export const CLOUDS = ["public", "usgov", "china"] as const;
export type Cloud = (typeof CLOUDS)[number];

/** Login hosts per cloud. The first one is the one this project writes; the others are recognised. */
export const LOGIN_HOSTS: Readonly<Record<Cloud, readonly string[]>> = {
  public: ["login.microsoftonline.com"],
  usgov: ["login.microsoftonline.us"],
  // login.partner.microsoftonline.cn is current; login.chinacloudapi.cn is older but still used by the Azure SDKs.
  china: ["login.partner.microsoftonline.cn", "login.chinacloudapi.cn"],
};

/** Login hosts that once existed and must be rejected, with the reason. */
export const RETIRED_LOGIN_HOSTS: Readonly<Record<string, string>> = {
  "login.microsoftonline.de": "Microsoft Cloud Germany closed in October 2021",
};

/**
 * Hosts of the v1 token issuer (`iss = https://<host>/<tenantId>/`) per cloud.
 * The US Gov v1 issuer host is not confirmed by a public source: it is `undefined` here and must be supplied by the
 * caller.
 */
export const V1_ISSUER_HOSTS: Readonly<Record<Cloud, string | undefined>> = {
  public: "sts.windows.net",
  usgov: undefined,
  china: "sts.chinacloudapi.cn",
};

/**
 * Microsoft Graph's root per cloud: where `npm run adopt` reads the tenant, and the v1 `resource` its token is for.
 * Microsoft Learn, "Microsoft Graph national cloud deployments": graph.microsoft.com (global, and US Gov GCC, which
 * uses the global endpoints), graph.microsoft.us (US Gov GCC High), dod-graph.microsoft.us (US Gov DoD: give it with
 * `adopt --graph-url`, since this project's `usgov` cloud covers both), microsoftgraph.chinacloudapi.cn (21Vianet).
 */
export const GRAPH_ROOTS: Readonly<Record<Cloud, string>> = {
  public: "https://graph.microsoft.com",
  usgov: "https://graph.microsoft.us",
  china: "https://microsoftgraph.chinacloudapi.cn",
};

/** The Microsoft Graph version this project reads (documented JSON shapes; never beta). */
export const GRAPH_VERSION = "v1.0";

/** Tenant path segments that do not name one tenant. */
export const MULTI_TENANT_SEGMENTS = ["common", "organizations", "consumers"] as const;

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The same in JSON Schema's form (no flags there: both cases spelled out), for the policy pack's config schemas. */
export const GUID_SCHEMA_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}

export function defaultLoginHost(cloud: Cloud): string {
  return LOGIN_HOSTS[cloud][0];
}

/** The cloud a login host belongs to, or undefined for a host that is not an Entra login host. */
export function cloudOfLoginHost(host: string): Cloud | undefined {
  const h = host.toLowerCase();
  return CLOUDS.find((c) => LOGIN_HOSTS[c].includes(h));
}

export interface V1Endpoints {
  /** `https://<login host>/<tenant>` */
  authority: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** v1 OpenID metadata: no `v2.0/` segment. */
  metadataEndpoint: string;
  deviceCodeEndpoint: string;
  /** v1 signing keys. */
  jwksUri: string;
  /** Expected `iss` of v1 tokens, or undefined where the cloud's v1 issuer host is unconfirmed and none was given. */
  issuer: string | undefined;
}

export interface EndpointOptions {
  /** Use this login host instead of the cloud's default (tests, sovereign set-ups). */
  loginHost?: string;
  /** Use this v1 issuer host (needed for US Gov, where it is unconfirmed). */
  issuerHost?: string;
}

/** The v1 endpoints that K2 KB002784 step 3 asks for, for one tenant in one cloud. */
export function v1Endpoints(cloud: Cloud, tenantId: string, options: EndpointOptions = {}): V1Endpoints {
  if (!isGuid(tenantId)) {
    throw new Error(`tenantId must be a GUID (one specific tenant), got a value of length ${tenantId.length}`);
  }
  const tenant = tenantId.toLowerCase();
  const host = (options.loginHost ?? defaultLoginHost(cloud)).toLowerCase();
  const scheme = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host) ? "http" : "https";
  const authority = `${scheme}://${host}/${tenant}`;
  const issuerHost = options.issuerHost ?? V1_ISSUER_HOSTS[cloud];
  return {
    authority,
    authorizationEndpoint: `${authority}/oauth2/authorize`,
    tokenEndpoint: `${authority}/oauth2/token`,
    metadataEndpoint: `${authority}/.well-known/openid-configuration`,
    deviceCodeEndpoint: `${authority}/oauth2/devicecode`,
    jwksUri: `${scheme}://${host}/common/discovery/keys`,
    issuer: issuerHost === undefined ? undefined : v1Issuer(issuerHost, tenant),
  };
}

export function v1Issuer(issuerHost: string, tenantId: string): string {
  return `https://${issuerHost.toLowerCase()}/${tenantId.toLowerCase()}/`;
}

/** The v2 issuer form (`https://<login host>/<tenant>/v2.0`), used to recognise v2 tokens and metadata. */
export function v2Issuer(loginHost: string, tenantId: string): string {
  return `https://${loginHost.toLowerCase()}/${tenantId.toLowerCase()}/v2.0`;
}

/** The sign-in URL a tester pastes into a browser or Postman: v1 authorize with `resource=<audience>`. */
export function v1AuthorizeUrl(
  endpoints: Pick<V1Endpoints, "authorizationEndpoint">,
  clientId: string,
  audience: string,
  redirectUri?: string,
): string {
  const url = new URL(endpoints.authorizationEndpoint);
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("resource", audience);
  if (redirectUri !== undefined) url.searchParams.set("redirect_uri", redirectUri);
  return url.toString();
}

// ---------------------------------------------------------------------------------------------------------------
// Classifier
// ---------------------------------------------------------------------------------------------------------------

export type EndpointKind = "authorize" | "token" | "devicecode" | "metadata" | "keys" | "unknown";
export type EndpointVersion = "v1" | "v2" | "unknown";
export type TenantKind = "guid" | "domain" | "common" | "organizations" | "consumers" | "missing";

export interface ClassifiedEndpoint {
  /** The input, untouched. */
  input: string;
  /** False when the input is not an absolute URL; every other field is then a neutral value. */
  parsed: boolean;
  https: boolean;
  /** Lower-cased host without port. */
  host: string;
  /** The cloud whose login host this is; undefined for a foreign or retired host. */
  cloud: Cloud | undefined;
  /** Reason, when the host is a retired Entra login host. */
  retired: string | undefined;
  /** Lower-cased tenant segment (GUID or domain), undefined when missing. */
  tenant: string | undefined;
  tenantKind: TenantKind;
  version: EndpointVersion;
  kind: EndpointKind;
  /** True when a query string or fragment is present (endpoints in K2 should have none). */
  hasQuery: boolean;
}

const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function tenantKindOf(segment: string | undefined): TenantKind {
  if (segment === undefined || segment === "") return "missing";
  if (isGuid(segment)) return "guid";
  if ((MULTI_TENANT_SEGMENTS as readonly string[]).includes(segment)) return segment as TenantKind;
  if (DOMAIN_PATTERN.test(segment)) return "domain";
  return "missing";
}

/**
 * Classifies an Entra ID endpoint URL: cloud, tenant, v1 or v2, and kind. Host and path are matched without regard
 * to case; trailing slashes are ignored. Any `v2.0` path segment makes the URL v2.
 */
export function classifyEndpoint(input: string): ClassifiedEndpoint {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return {
      input,
      parsed: false,
      https: false,
      host: "",
      cloud: undefined,
      retired: undefined,
      tenant: undefined,
      tenantKind: "missing",
      version: "unknown",
      kind: "unknown",
      hasQuery: false,
    };
  }
  const host = url.hostname.toLowerCase();
  const segments = url.pathname
    .split("/")
    .filter((s) => s !== "")
    .map((s) => decodeURIComponent(s).toLowerCase());
  const hasV2 = segments.includes("v2.0");
  const rest = segments.slice(1).filter((s) => s !== "v2.0");
  const tail = rest.join("/");

  let kind: EndpointKind = "unknown";
  if (tail === "oauth2/authorize") kind = "authorize";
  else if (tail === "oauth2/token") kind = "token";
  else if (tail === "oauth2/devicecode") kind = "devicecode";
  else if (tail === ".well-known/openid-configuration") kind = "metadata";
  else if (tail === "discovery/keys") kind = "keys";

  const tenantSegment = segments[0];
  const tenantKind = tenantKindOf(tenantSegment);
  const recognisedTenant = tenantKind !== "missing";
  let version: EndpointVersion = "unknown";
  if (hasV2) version = "v2";
  else if (kind !== "unknown" && recognisedTenant) version = "v1";

  return {
    input,
    parsed: true,
    https: url.protocol === "https:",
    host,
    cloud: cloudOfLoginHost(host),
    retired: RETIRED_LOGIN_HOSTS[host],
    tenant: recognisedTenant ? tenantSegment : undefined,
    tenantKind,
    version,
    kind: recognisedTenant ? kind : "unknown",
    hasQuery: url.search !== "" || url.hash !== "",
  };
}

/**
 * The v1 form of a v2 Entra endpoint (the `v2.0` segment removed), named in messages as what to use instead.
 * Returns undefined when the URL is not a recognised Entra endpoint of a known kind.
 */
export function toV1Endpoint(input: string): string | undefined {
  const c = classifyEndpoint(input);
  if (!c.parsed || c.kind === "unknown" || c.tenant === undefined) return undefined;
  const url = new URL(input.trim());
  const origin = `${url.protocol}//${url.host.toLowerCase()}`;
  switch (c.kind) {
    case "authorize":
      return `${origin}/${c.tenant}/oauth2/authorize`;
    case "token":
      return `${origin}/${c.tenant}/oauth2/token`;
    case "devicecode":
      return `${origin}/${c.tenant}/oauth2/devicecode`;
    case "metadata":
      return `${origin}/${c.tenant}/.well-known/openid-configuration`;
    case "keys":
      return `${origin}/${c.tenant}/discovery/keys`;
  }
}

export interface EndpointProblem {
  field: string;
  /** What is wrong, quoting the endpoint where it helps (the provider's check, whose inputs are not secret). */
  message: string;
  /** The same without any part of the endpoints or the expected tenant (the policy pack's messages quote no value). */
  reason: string;
}

export interface BearerTokenEndpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  metadataEndpoint: string;
}

/**
 * Checks the three endpoints of a K2 "Bearer Token" resource the way KB002784 requires: https, a known Entra login
 * host (not retired), one specific tenant, v1, the right kind per field, and the same host and tenant in all three.
 * When `expect` gives a tenant or cloud, they must match too. Shared by the provider's `check` and the policy pack.
 */
export function bearerTokenEndpointProblems(
  endpoints: BearerTokenEndpoints,
  expect: { tenantId?: string; cloud?: Cloud; allowHosts?: readonly string[] } = {},
): EndpointProblem[] {
  const problems: EndpointProblem[] = [];
  const wanted: Array<[keyof BearerTokenEndpoints, EndpointKind, string]> = [
    ["authorizationEndpoint", "authorize", "/{tenantId}/oauth2/authorize"],
    ["tokenEndpoint", "token", "/{tenantId}/oauth2/token"],
    ["metadataEndpoint", "metadata", "/{tenantId}/.well-known/openid-configuration"],
  ];
  const seen: ClassifiedEndpoint[] = [];
  for (const [field, kind, form] of wanted) {
    const value = endpoints[field];
    const c = classifyEndpoint(value ?? "");
    const allowedHost = expect.allowHosts?.includes(c.host) ?? false;
    if (!c.parsed) {
      const message = `${field} is not an absolute URL; expected https://<login host>${form}`;
      problems.push({ field, message, reason: message });
      continue;
    }
    seen.push(c);
    if (!c.https && !allowedHost) problems.push({ field, message: `${field} must use https, got ${c.input}`, reason: `${field} must use https` });
    if (c.retired !== undefined) {
      problems.push({ field, message: `${field} uses ${c.host}, which is retired (${c.retired})`, reason: `${field} uses a retired login host (${c.retired})` });
    } else if (c.cloud === undefined && !allowedHost) {
      const expected = `expected one of ${CLOUDS.flatMap((cl) => LOGIN_HOSTS[cl]).join(", ")}`;
      problems.push({ field, message: `${field} host ${c.host} is not an Entra ID login host; ${expected}`, reason: `${field} is not on an Entra ID login host; ${expected}` });
    } else if (expect.cloud !== undefined && c.cloud !== undefined && c.cloud !== expect.cloud) {
      const expected = `the ${expect.cloud} cloud is configured (${LOGIN_HOSTS[expect.cloud].join(" or ")})`;
      problems.push({
        field,
        message: `${field} host ${c.host} belongs to the ${c.cloud} cloud, but ${expected}`,
        reason: `${field} is on a login host of the ${c.cloud} cloud, but ${expected}`,
      });
    }
    if (c.version === "v2") {
      problems.push({
        field,
        message: `${field} is a v2.0 endpoint (${c.input}); K2 needs the v1 form ${toV1Endpoint(c.input) ?? form}`,
        reason: `${field} is a v2.0 endpoint; K2 needs the v1 form https://<login host>${form} (remove the v2.0 segment)`,
      });
    }
    if (c.tenantKind === "missing") {
      const message = `${field} names no tenant; expected ${form} with the tenant GUID`;
      problems.push({ field, message, reason: message });
    } else if (c.tenantKind !== "guid" && c.tenantKind !== "domain") {
      const message = `${field} uses the multi-tenant segment '${c.tenantKind}'; expected one specific tenant (its GUID)`;
      problems.push({ field, message, reason: message });
    } else if (expect.tenantId !== undefined && c.tenant !== expect.tenantId.toLowerCase()) {
      problems.push({
        field,
        message: `${field} is for tenant ${c.tenant}, but tenant ${expect.tenantId.toLowerCase()} is configured`,
        reason: `${field} names another tenant than the one expected`,
      });
    }
    if (c.kind !== kind) {
      const message = `${field} is not ${kind === "authorize" ? "an" : "a"} ${kind} endpoint; expected https://<login host>${form}`;
      problems.push({ field, message, reason: message });
    }
    if (c.hasQuery) {
      const message = `${field} must not carry a query string or fragment`;
      problems.push({ field, message, reason: message });
    }
  }
  const hosts = new Set(seen.map((c) => c.host));
  if (hosts.size > 1) {
    problems.push({
      field: "endpoints",
      message: `the endpoints use different hosts (${[...hosts].join(", ")}); use one login host for all three`,
      reason: "the endpoints use different hosts; use one login host for all three",
    });
  }
  const tenants = new Set(seen.map((c) => c.tenant).filter((t): t is string => t !== undefined));
  if (tenants.size > 1) {
    problems.push({
      field: "endpoints",
      message: `the endpoints name different tenants (${[...tenants].join(", ")}); use one tenant for all three`,
      reason: "the endpoints name different tenants; use one tenant for all three",
    });
  }
  return problems;
}
