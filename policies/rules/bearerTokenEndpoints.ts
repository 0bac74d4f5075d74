/**
 * k2-bearer-token-v1-endpoints: the K2 "Bearer Token" resource's authorize, token and metadata endpoints are the
 * Entra ID v1 endpoints of one specific tenant on a known login host (K2 KB002784 step 3): the stack's tenant and
 * cloud (k2-oauth:tenantId and k2-oauth:cloud, recorded by InboundOAuth), unless the policy config pins them.
 * The checks themselves live in components/entra.ts (bearerTokenEndpointProblems), shared with the dynamic provider.
 *
 * No remediation: the engine runs the provider's Check before any policy, and the Bearer Token provider's check rejects
 * these same endpoints. A failed Check marks the resource invalid before Remediate runs, so a rewrite by the policy
 * could never save the deployment (docs/policies.md, "Why no rule remediates").
 */
import { BEARER_TOKEN_INPUT_CONFIG_KEYS, INBOUND_CONFIG_KEYS, TYPE_BEARER_TOKEN_RESOURCE } from "../../components/contracts";
import { bearerTokenEndpointProblems, CLOUDS, type BearerTokenEndpoints, type Cloud } from "../../components/entra";
import { changeHint, isComponentManaged, recorded } from "../lib/components";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { asId, expectValue } from "../lib/expectations";
import { describeType, read } from "../lib/values";

export const ENDPOINT_FIELDS = ["authorizationEndpoint", "tokenEndpoint", "metadataEndpoint"] as const satisfies ReadonlyArray<keyof BearerTokenEndpoints>;

const asCloud = (value: unknown): Cloud | undefined => ((CLOUDS as readonly unknown[]).includes(value) ? (value as Cloud) : undefined);

export const bearerTokenV1Endpoints = resourceRule({
  name: "k2-bearer-token-v1-endpoints",
  displayName: "K2 Bearer Token resource uses the tenant's Entra ID v1 endpoints",
  description:
    "The K2 Bearer Token resource's authorization, token and metadata endpoints must be Entra ID v1 endpoints (no v2.0), over https, on the login host of the stack's cloud, for the stack's tenant (one specific tenant, not common/organizations/consumers), with the same host and tenant in all three.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Use https://<login host>/<tenantId>/oauth2/authorize, .../oauth2/token and .../.well-known/openid-configuration (remove any v2.0 segment) with your tenant GUID and your cloud's login host (login.microsoftonline.com, login.microsoftonline.us or login.partner.microsoftonline.cn). With this project they follow k2-oauth:tenantId and k2-oauth:cloud.",
  url: DOCS.k2InboundOAuth,
  settings: ["tenantId", "cloud"],
  tags: ["k2", "entra-id", "oauth"],
  appliesTo: [TYPE_BEARER_TOKEN_RESOURCE],
  needsRecords: true,
  check({ urn, props, settings, outcome, components }) {
    const tenant = expectValue({ setting: "tenantId", pin: settings.tenantId, stack: recorded(components.inbound, "tenantId"), stackKey: INBOUND_CONFIG_KEYS.tenantId, normalize: asId, outcome });
    const cloud = expectValue({ setting: "cloud", pin: settings.cloud as Cloud | undefined, stack: recorded(components.inbound, "cloud"), stackKey: INBOUND_CONFIG_KEYS.cloud, normalize: asCloud, outcome });
    const endpoints: Record<string, string> = {};
    const unknown = new Set<string>();
    for (const field of ENDPOINT_FIELDS) {
      const value = read(props, field);
      if (!value.known) {
        unknown.add(field);
        outcome.undecidable(`${field} (whether it is a v1 endpoint of the right tenant and login host)`);
        endpoints[field] = "";
      } else if (value.value === undefined || value.value === null || value.value === "") {
        outcome.fail(`${field} is missing; expected ${v1Form(field)}`);
        unknown.add(field); // reported; keep it out of the checks below
        endpoints[field] = "";
      } else if (typeof value.value !== "string") {
        outcome.fail(`${field} must be a URL string, got ${describeType(value.value)}`);
        unknown.add(field);
        endpoints[field] = "";
      } else {
        endpoints[field] = value.value;
      }
    }
    const problems = bearerTokenEndpointProblems(endpoints as unknown as BearerTokenEndpoints, {
      ...(tenant.value !== undefined ? { tenantId: tenant.value } : {}),
      ...(cloud.value !== undefined ? { cloud: cloud.value } : {}),
    });
    const hint = isComponentManaged(urn) ? changeHint(BEARER_TOKEN_INPUT_CONFIG_KEYS.tokenEndpoint) : "";
    for (const p of problems) {
      if (unknown.has(p.field)) continue;
      const expected = p.reason.includes("another tenant") ? ` (expected: ${tenant.source}${tenant.value !== undefined ? ` ${tenant.value}` : ""})` : "";
      outcome.fail(`${p.reason}${expected}${hint}`);
    }
  },
});

function v1Form(field: (typeof ENDPOINT_FIELDS)[number]): string {
  switch (field) {
    case "authorizationEndpoint":
      return "https://<login host>/<tenantId>/oauth2/authorize";
    case "tokenEndpoint":
      return "https://<login host>/<tenantId>/oauth2/token";
    case "metadataEndpoint":
      return "https://<login host>/<tenantId>/.well-known/openid-configuration";
  }
}
