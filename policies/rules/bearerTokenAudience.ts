/**
 * k2-bearer-token-audience: the K2 Bearer Token resource's `audience` parameter is exactly the configured audience
 * (default https://api.k2.com/). K2 compares it with the token's `aud`; any difference rejects every token.
 */
import { TYPE_BEARER_TOKEN_RESOURCE } from "../../components/contracts";
import { configSchemaOf, stringOr } from "../lib/config";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { describeType, read } from "../lib/values";

export const bearerTokenAudience = resourceRule({
  name: "k2-bearer-token-audience",
  displayName: "K2 Bearer Token resource has the expected audience",
  description:
    "The K2 Bearer Token resource must have an 'audience' parameter whose value is exactly the configured audience (default https://api.k2.com/), the resource clients request their v1 tokens for.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set parameters.audience to the exact audience clients request tokens for (resource=https://api.k2.com/ by default; mind the trailing slash). If your tenant uses its own API app, set the policy's 'audience' config to that Application ID URI.",
  url: DOCS.k2InboundOAuth,
  configSchema: configSchemaOf("audience"),
  tags: ["k2", "oauth"],
  appliesTo: [TYPE_BEARER_TOKEN_RESOURCE],
  check({ props, config, outcome }) {
    const expected = stringOr(config, "audience");
    const parameters = read(props, "parameters");
    if (!parameters.known) {
      outcome.undecidable("parameters.audience (whether it equals the configured audience)");
      return;
    }
    if (parameters.value === undefined || parameters.value === null) {
      outcome.fail(`the resource has no parameters; expected parameters.audience = ${expected}`);
      return;
    }
    if (typeof parameters.value !== "object" || Array.isArray(parameters.value)) {
      outcome.fail(`parameters must be an object of parameter values, got ${describeType(parameters.value)}; expected { audience: "${expected}" }`);
      return;
    }
    const audience = read(props, "parameters.audience");
    if (!audience.known) {
      outcome.undecidable("parameters.audience (whether it equals the configured audience)");
    } else if (audience.value === undefined || audience.value === null || audience.value === "") {
      outcome.fail(`parameters.audience is missing; expected ${expected}`);
    } else if (typeof audience.value !== "string") {
      outcome.fail(`parameters.audience must be a string, got ${describeType(audience.value)}; expected ${expected}`);
    } else if (audience.value !== expected) {
      const hint = audience.value.replace(/\/+$/, "") === expected.replace(/\/+$/, "") ? " (only the trailing slash differs, which K2 does not ignore)" : "";
      outcome.fail(`parameters.audience is ${audience.value}, expected exactly ${expected}${hint}`);
    }
  },
});
