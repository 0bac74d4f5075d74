/**
 * k2-bearer-token-audience: the K2 Bearer Token resource's `audience` parameter is exactly the audience the stack
 * expects (k2-oauth:k2Api.audience, recorded by InboundOAuth; for a resource outside this project's components,
 * https://api.k2.com/), unless the policy config pins one, and a well-formed one (the K2 audience rules the Bearer Token
 * provider's check applies, components/k2/bearerTokenChecks.ts): K2 compares it with the token's `aud`; any
 * difference rejects every token.
 */
import { BEARER_TOKEN_INPUT_CONFIG_KEYS, INBOUND_CONFIG_KEYS, TYPE_BEARER_TOKEN_RESOURCE } from "../../components/contracts";
import { audienceProblems } from "../../components/k2/bearerTokenChecks";
import { changeHint, isComponentManaged, recorded } from "../lib/components";
import { DEFAULT_AUDIENCE } from "../lib/config";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { asText, expectValue } from "../lib/expectations";
import { describeType, read } from "../lib/values";

export const bearerTokenAudience = resourceRule({
  name: "k2-bearer-token-audience",
  displayName: "K2 Bearer Token resource has the expected audience",
  description:
    "The K2 Bearer Token resource must have an 'audience' parameter whose value is exactly the audience the stack expects (k2-oauth:k2Api.audience, default https://api.k2.com/), the resource clients request their v1 tokens for.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set parameters.audience to the exact audience clients request tokens for (resource=https://api.k2.com/ by default; mind the trailing slash). With this project it follows k2-oauth:k2Api.audience; if your tenant uses its own API app, set that key to its Application ID URI.",
  url: DOCS.k2InboundOAuth,
  settings: ["audience"],
  tags: ["k2", "oauth"],
  appliesTo: [TYPE_BEARER_TOKEN_RESOURCE],
  needsRecords: true,
  check({ urn, props, settings, outcome, components }) {
    const expected = expectValue({
      setting: "audience",
      pin: settings.audience,
      stack: recorded(components.inbound, "audience"),
      stackKey: INBOUND_CONFIG_KEYS.audience,
      fallback: DEFAULT_AUDIENCE,
      normalize: asText,
      outcome,
    });
    if (expected.value === undefined) return;
    const want = `${expected.value} (${expected.source})`;
    const hint = isComponentManaged(urn) ? changeHint(BEARER_TOKEN_INPUT_CONFIG_KEYS["parameters.audience"]) : "";
    const parameters = read(props, "parameters");
    if (!parameters.known) {
      outcome.undecidable("parameters.audience (whether it equals the expected audience)");
      return;
    }
    if (parameters.value === undefined || parameters.value === null) {
      outcome.fail(`the resource has no parameters; expected parameters.audience = ${want}${hint}`);
      return;
    }
    if (typeof parameters.value !== "object" || Array.isArray(parameters.value)) {
      outcome.fail(`parameters must be an object of parameter values, got ${describeType(parameters.value)}; expected { audience: "${expected.value}" }${hint}`);
      return;
    }
    const audience = read(props, "parameters.audience");
    if (!audience.known) {
      outcome.undecidable("parameters.audience (whether it equals the expected audience)");
    } else if (audience.value === undefined || audience.value === null || audience.value === "") {
      outcome.fail(`parameters.audience is missing; expected ${want}${hint}`);
    } else if (typeof audience.value !== "string") {
      outcome.fail(`parameters.audience must be a string, got ${describeType(audience.value)}; expected ${want}${hint}`);
    } else if (audienceProblems(audience.value).length > 0) {
      for (const problem of audienceProblems(audience.value)) outcome.fail(`parameters.audience: ${problem}${hint}`);
    } else if (audience.value !== expected.value) {
      const slashOnly = audience.value.replace(/\/+$/, "") === expected.value.replace(/\/+$/, "");
      outcome.fail(`parameters.audience differs from ${want}${slashOnly ? " only in the trailing slash, which K2 does not ignore" : ""}${hint}`);
    }
  },
});
