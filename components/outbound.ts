/**
 * Outbound OAuth (K2 KB002028, "Authorization and OAuth in K2"): K2 calling Microsoft services (Microsoft Graph,
 * SharePoint, Exchange...) on behalf of a user, through K2 OAuth Resources. What a stack declares for it, as plain data:
 * the redirect URI K2 uses, and for each K2 OAuth resource its fields and the values of its parameters per request
 * ("leg"). Pure (no Pulumi imports): the component, the offline plan, `verify` and the tests use it alike.
 *
 * K2's model (K2 Five / K2 Cloud user guides, K2 Management > Authentication > OAuth): a Resource Type defines
 * parameters, each sent in the authorization, token and/or refresh request; a Resource of that type holds a value per
 * parameter and request (Authorization Value, Token Value, Refresh Value).
 *
 * What is confirmed and what is not (docs/k2.md, "Outbound OAuth" lists the sources): K2 ships a "Microsoft Online"
 * resource type, but its built-in parameters and their default values are not publicly documented; K2's own connector
 * guides fill client_id, client_secret, redirect_uri, response_type, grant_type and scope, with v2 endpoints, while a
 * K2 partner's blog reports that v1 endpoints with `resource` are what make K2 keep refresh tokens. This project uses
 * v1 endpoints with `resource` by default and takes every parameter name and request from the profile below, which a
 * stack can change per resource (`k2-oauth:outbound.resources[].parameters`).
 */

// The requests a K2 parameter value is sent in: one definition, in the provider-reachable K2 module.
import { PARAMETER_LEGS, type ParameterLeg, type ParameterLegs } from "./k2/management";

export { PARAMETER_LEGS, type ParameterLeg, type ParameterLegs };

/** Values known only when the stack runs, written as placeholders in a parameter profile. */
export const VALUE_PLACEHOLDERS = {
  clientId: "{clientId}",
  clientSecret: "{clientSecret}",
  redirectUri: "{redirectUri}",
  audience: "{audience}",
} as const;
export type ValuePlaceholder = keyof typeof VALUE_PLACEHOLDERS;
const PLACEHOLDER_PATTERN = /\{([A-Za-z]+)\}/g;

/** The app K2 uses when no `outbound.app.name` is given (resource names and the Key Vault secret name). */
export const DEFAULT_OUTBOUND_APP_NAME = "k2-outbound";
/** The K2 resource type of delegated (authorization code) resources: shipped with K2. */
export const DEFAULT_DELEGATED_RESOURCE_TYPE = "Microsoft Online";
/**
 * The K2 resource type of app-only (client credentials) resources: the name K2 KB002814 gives the resource type an
 * administrator creates for the `SourceCode.Security.OAuth.Extensions.ClientCredentials` extension (not built in).
 */
export const DEFAULT_APP_ONLY_RESOURCE_TYPE = "Client Credentials";
/**
 * The path of K2's OAuth redirect URI (K2 Five: `https://<k2 host>/identity/token/oauth/2`). K2 Cloud's connector
 * guides write it `/Identity/token/oauth/2` as well as `/identity/...`, and Entra ID compares redirect URI paths with
 * case: set `k2-oauth:outbound.app.redirectUri` to the form your K2 sends (the AADSTS50011 message shows it).
 */
export const K2_REDIRECT_PATH = "/identity/token/oauth/2";

/**
 * Delegated (authorization code flow, v1 endpoints with `resource`): client_id on every request; client_secret on
 * the token and refresh requests; redirect_uri on the authorization and token requests; response_type `code` on the
 * authorization request; grant_type `authorization_code` / `refresh_token` (the values K2's connector guides set);
 * resource on every request.
 */
export const DELEGATED_PARAMETERS: Readonly<Record<string, ParameterLegs>> = {
  client_id: { authorization: "{clientId}", token: "{clientId}", refresh: "{clientId}" },
  client_secret: { token: "{clientSecret}", refresh: "{clientSecret}" },
  redirect_uri: { authorization: "{redirectUri}", token: "{redirectUri}" },
  response_type: { authorization: "code" },
  grant_type: { token: "authorization_code", refresh: "refresh_token" },
  resource: { authorization: "{audience}", token: "{audience}", refresh: "{audience}" },
};

/**
 * App-only (client credentials flow, K2 KB002814): every parameter on the token request only: resource, grant_type
 * `client_credentials`, client_id, redirect_uri and client_secret.
 */
export const APP_ONLY_PARAMETERS: Readonly<Record<string, ParameterLegs>> = {
  client_id: { token: "{clientId}" },
  client_secret: { token: "{clientSecret}" },
  redirect_uri: { token: "{redirectUri}" },
  grant_type: { token: "client_credentials" },
  resource: { token: "{audience}" },
};

/** The K2 parameter whose values are the app's client secret. */
export const CLIENT_SECRET_PARAMETER = "client_secret";

/** Endpoints of a resource besides authorization and token: the token endpoint or none, the v1 metadata or none. */
export type RefreshEndpointChoice = "token" | "none";
export type MetadataEndpointChoice = "v1" | "none";

/** The redirect URI K2 sends for a K2 site: `https://<k2 host>/identity/token/oauth/2`. */
export function k2RedirectUri(k2Url: string): string {
  return `${new URL(k2Url).origin}${K2_REDIRECT_PATH}`;
}

/** The placeholders a value uses, in order (unknown names included, as written). */
export function placeholdersIn(value: string): string[] {
  return [...value.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1]);
}

/** Why a parameter value of a profile is not acceptable, or undefined. */
export function parameterValueProblem(parameter: string, value: string): string | undefined {
  const known = Object.keys(VALUE_PLACEHOLDERS);
  const unknown = placeholdersIn(value).filter((p) => !known.includes(p));
  if (unknown.length > 0) {
    return `expected a value with the placeholders ${Object.values(VALUE_PLACEHOLDERS).join(", ")} only (got {${unknown[0]}})`;
  }
  const secret = value.includes(VALUE_PLACEHOLDERS.clientSecret);
  if (secret && value !== VALUE_PLACEHOLDERS.clientSecret) {
    return `expected ${VALUE_PLACEHOLDERS.clientSecret} alone: the client secret is never combined with other text`;
  }
  if (parameter === CLIENT_SECRET_PARAMETER && !secret) {
    return `expected ${VALUE_PLACEHOLDERS.clientSecret}: this project fills client_secret from the app's current secret, never from a value in the stack file`;
  }
  return undefined;
}

/** The parameter that carries the audience on Entra ID's v1 endpoints (k2-outbound-resource-v1 requires it). */
export const RESOURCE_PARAMETER = "resource";

/**
 * What is wrong with a value of the `resource` parameter, or undefined: `{audience}` or an https URL (the audience
 * K2 asks a token for; the mandatory policy refuses anything else, so the config does first).
 */
export function resourceValueProblem(value: string): string | undefined {
  if (value === VALUE_PLACEHOLDERS.audience) return undefined;
  if (placeholdersIn(value).length === 0) {
    try {
      if (new URL(value).protocol === "https:") return undefined;
    } catch {
      // not a URL: reported below
    }
  }
  return `expected ${VALUE_PLACEHOLDERS.audience} or an https audience, like https://graph.microsoft.com: K2 asks Entra ID's v1 endpoints for a token for this audience`;
}

/**
 * A resource's parameter profile: the default one of its flow with the stack's changes applied (a parameter given
 * replaces the default one; `null` leaves it out).
 */
export function parameterProfile(appOnly: boolean, changes: Readonly<Record<string, ParameterLegs | null>> = {}): Record<string, ParameterLegs> {
  const profile: Record<string, ParameterLegs> = { ...(appOnly ? APP_ONLY_PARAMETERS : DELEGATED_PARAMETERS) };
  for (const [name, legs] of Object.entries(changes)) {
    if (legs === null) delete profile[name];
    else profile[name] = { ...legs };
  }
  return profile;
}

export interface ParameterValues {
  clientId: string;
  redirectUri: string;
  audience: string;
}

/** The parameters as K2 gets them: placeholders filled, the client secret's parameters apart (their legs only). */
export interface FilledParameters {
  /** Parameter name → values per request; no secret in them. */
  parameters: Record<string, ParameterLegs>;
  /** Parameter name → the requests whose value is the client secret. */
  secretLegs: Record<string, ParameterLeg[]>;
}

export function fillParameters(profile: Readonly<Record<string, ParameterLegs>>, values: ParameterValues): FilledParameters {
  const parameters: Record<string, ParameterLegs> = {};
  const secretLegs: Record<string, ParameterLeg[]> = {};
  for (const [name, legs] of Object.entries(profile)) {
    for (const leg of PARAMETER_LEGS) {
      const template = legs[leg];
      if (template === undefined) continue;
      if (template === VALUE_PLACEHOLDERS.clientSecret) {
        (secretLegs[name] ??= []).push(leg);
        continue;
      }
      const filled = template.replace(PLACEHOLDER_PATTERN, (whole, key: string) => (key in values ? values[key as keyof ParameterValues] : whole));
      (parameters[name] ??= {})[leg] = filled;
    }
  }
  return { parameters, secretLegs };
}

/** A K2 resource name as a resource-name slug: `Microsoft Graph` → `microsoft-graph`. */
export function resourceSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The endpoints a resource can use: the tenant's v1 endpoints (components/entra.ts v1Endpoints). */
export interface OutboundEndpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  metadataEndpoint: string;
}

/** How a stack declares one K2 OAuth resource of the outbound side (the resolved config of components/config.ts). */
export interface OutboundResourceChoices {
  name: string;
  resourceType: string;
  audience: string;
  refreshTokenEndpoint: RefreshEndpointChoice;
  metadataEndpoint: MetadataEndpointChoice;
  parameters: Readonly<Record<string, ParameterLegs>>;
}

/** A K2 OAuth resource of the outbound side as K2 Management shows it, with no secret in it. */
export interface OutboundResourceFields extends FilledParameters {
  resourceName: string;
  resourceType: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  refreshTokenEndpoint: string;
  metadataEndpoint: string;
  useHostServerAuthorizationEndpoint: false;
}

/**
 * The fields and parameter values of one outbound K2 resource: v1 authorization and token endpoints of the stack's
 * tenant, the refresh endpoint the token endpoint or empty, the metadata endpoint the v1 document or empty, "Use Host
 * Server Authorization Endpoint" off, and the parameter profile filled with the app's client id, the redirect URI and
 * the audience (the client secret's requests apart).
 */
export function outboundResourceFields(
  resource: OutboundResourceChoices,
  endpoints: OutboundEndpoints,
  values: Omit<ParameterValues, "audience">,
): OutboundResourceFields {
  return {
    resourceName: resource.name,
    resourceType: resource.resourceType,
    authorizationEndpoint: endpoints.authorizationEndpoint,
    tokenEndpoint: endpoints.tokenEndpoint,
    refreshTokenEndpoint: resource.refreshTokenEndpoint === "token" ? endpoints.tokenEndpoint : "",
    metadataEndpoint: resource.metadataEndpoint === "v1" ? endpoints.metadataEndpoint : "",
    useHostServerAuthorizationEndpoint: false,
    ...fillParameters(resource.parameters, { ...values, audience: resource.audience }),
  };
}
