/**
 * What a stack declares on the K2 side (K2 KB002784 step 3): a Resource of type "Bearer Token" with Entra ID's v1
 * authorization, token and metadata endpoints, an empty Refresh Token Endpoint, "Use Host Server Authorization
 * Endpoint" unchecked, and the `audience` parameter's Token Value. The one place for it: the Bearer Token resource's
 * inputs (components/bearerToken.ts) and `npm run adopt --k2`, which tells before the first `pulumi up` whether the
 * resource K2 already holds is that one.
 */
import { BEARER_TOKEN_RESOURCE_TYPE } from "./bearerTokenChecks";
import type { DesiredResource } from "./operations";

export interface K2SideEndpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  metadataEndpoint: string;
}

export function declaredBearerToken(resourceName: string, endpoints: K2SideEndpoints, audience: string): DesiredResource {
  return {
    fields: {
      name: resourceName,
      resourceType: BEARER_TOKEN_RESOURCE_TYPE,
      authorizationEndpoint: endpoints.authorizationEndpoint,
      tokenEndpoint: endpoints.tokenEndpoint,
      refreshTokenEndpoint: "",
      metadataEndpoint: endpoints.metadataEndpoint,
      useHostServerAuthorizationEndpoint: false,
    },
    // The Bearer Token resource's one parameter has a Token Value only.
    parameters: { audience: { token: audience } },
  };
}
