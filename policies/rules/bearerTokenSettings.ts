/**
 * k2-bearer-token-settings: the remaining fields KB002784 prescribes for the K2 Bearer Token resource: Resource Type
 * "Bearer Token", an empty Refresh Token Endpoint and "Use Host Server Authorization Endpoint" unchecked.
 */
import { TYPE_BEARER_TOKEN_RESOURCE } from "../../components/contracts";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { describeType, read } from "../lib/values";

export const BEARER_TOKEN_RESOURCE_TYPE = "Bearer Token";

export const bearerTokenSettings = resourceRule({
  name: "k2-bearer-token-settings",
  displayName: "K2 Bearer Token resource settings match KB002784",
  description:
    "The K2 OAuth resource must be of resource type 'Bearer Token', with an empty Refresh Token Endpoint and 'Use Host Server Authorization Endpoint' explicitly off.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Set resourceType to 'Bearer Token', refreshTokenEndpoint to \"\" (empty) and useHostServerAuthorizationEndpoint to false, as K2 KB002784 step 3 prescribes (this project's InboundOAuth sets all three).",
  url: DOCS.k2InboundOAuth,
  settings: [],
  tags: ["k2", "oauth"],
  appliesTo: [TYPE_BEARER_TOKEN_RESOURCE],
  check({ props, outcome }) {
    const resourceType = read(props, "resourceType");
    if (!resourceType.known) outcome.undecidable("resourceType (whether it is 'Bearer Token')");
    else if (resourceType.value !== BEARER_TOKEN_RESOURCE_TYPE) {
      outcome.fail(
        typeof resourceType.value === "string"
          ? `resourceType must be '${BEARER_TOKEN_RESOURCE_TYPE}'`
          : `resourceType must be '${BEARER_TOKEN_RESOURCE_TYPE}', got ${resourceType.value === undefined ? "nothing" : describeType(resourceType.value)}`,
      );
    }

    const refresh = read(props, "refreshTokenEndpoint");
    if (!refresh.known) outcome.undecidable("refreshTokenEndpoint (whether it is empty)");
    else if (!(refresh.value === undefined || refresh.value === null || refresh.value === "")) {
      outcome.fail(
        typeof refresh.value === "string"
          ? "refreshTokenEndpoint must be empty: K2 refreshes Entra ID tokens through the token endpoint"
          : `refreshTokenEndpoint must be empty, got ${describeType(refresh.value)}`,
      );
    }

    const useHost = read(props, "useHostServerAuthorizationEndpoint");
    if (!useHost.known) outcome.undecidable("useHostServerAuthorizationEndpoint (whether it is off)");
    else if (useHost.value !== false) {
      outcome.fail(
        useHost.value === true
          ? "useHostServerAuthorizationEndpoint is on; it must be off so K2 sends users to the Entra ID authorization endpoint"
          : `useHostServerAuthorizationEndpoint must be set to false explicitly, got ${useHost.value === undefined ? "nothing" : describeType(useHost.value)}`,
      );
    }
  },
});
