/**
 * k2-outbound-resource-v1 (stack): every outbound K2 OAuth resource (`k2:OAuthResource`) uses the Entra ID **v1**
 * authorization and token endpoints of the stack's tenant (what makes K2 send `resource`, and keep a refresh token:
 * docs/k2.md, "Confirmed and not"), its refresh endpoint is the token endpoint or empty, and it carries a `resource`
 * parameter whose every value is an https audience. The tenant is the one the OutboundOAuth component records
 * (`k2-oauth:tenantId`).
 */
import { TYPE_OAUTH_RESOURCE } from "../../components/contracts";
import { classifyEndpoint } from "../../components/entra";
import { stackRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { asId } from "../lib/expectations";
import type { Findings } from "../lib/outcome";
import { outboundOf, outboundResources } from "../lib/outbound";
import { read, type Read } from "../lib/values";
import type { PolicyResource } from "@pulumi/policy";

function endpoint(r: PolicyResource, key: "authorizationEndpoint" | "tokenEndpoint", kind: "authorize" | "token", tenant: string | undefined, findings: Findings): void {
  const value = read(r.props, key);
  if (!value.known) return findings.undecidable(`${r.name}.${key}`);
  const c = classifyEndpoint(typeof value.value === "string" ? value.value : "");
  const where = `${r.name}: ${key}`;
  if (!c.parsed || !c.https || c.cloud === undefined) return findings.fail(`${where} is not an https Entra ID endpoint; use https://<login host>/<tenant id>/oauth2/${kind}`, r.urn);
  if (c.version !== "v1") return findings.fail(`${where} is a v2 endpoint; use the v1 one (no v2.0 segment): with v2, K2 sends no resource and keeps no refresh token`, r.urn);
  if (c.kind !== kind) return findings.fail(`${where} is not the ${kind} endpoint`, r.urn);
  if (tenant !== undefined && c.tenant !== tenant) findings.fail(`${where} is not for the stack's tenant (k2-oauth:tenantId)`, r.urn);
}

function resourceParameter(r: PolicyResource, findings: Findings): void {
  const legs: Read = read(r.props, "parameters.resource");
  if (!legs.known) return findings.undecidable(`${r.name}.parameters.resource`);
  const values = typeof legs.value === "object" && legs.value !== null ? Object.entries(legs.value as Record<string, unknown>) : [];
  if (values.length === 0) return findings.fail(`${r.name}: has no resource parameter; K2 must request tokens for an audience (set resource, e.g. https://graph.microsoft.com)`, r.urn);
  for (const [leg, v] of values) {
    const value = read(legs.value, leg);
    if (!value.known) {
      findings.undecidable(`${r.name}.parameters.resource.${leg}`);
      continue;
    }
    let https = false;
    try {
      https = typeof v === "string" && new URL(v).protocol === "https:";
    } catch {
      https = false;
    }
    if (!https) findings.fail(`${r.name}: parameters.resource.${leg} is not an https audience; change k2-oauth:outbound.resources[].audience`, r.urn);
  }
}

export const outboundResourceV1 = stackRule({
  name: "k2-outbound-resource-v1",
  displayName: "Outbound K2 OAuth resources use v1 endpoints of the tenant and an https resource",
  description:
    "Every outbound K2 OAuth resource must use the Entra ID v1 authorization and token endpoints of the stack's tenant, a refresh endpoint that is the token endpoint or empty, and a resource parameter whose values are https audiences.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Let OutboundOAuth declare the resource (it sets the v1 endpoints from k2-oauth:tenantId and k2-oauth:cloud and resource from k2-oauth:outbound.resources[].audience); do not override resource with null or with a non-https value.",
  url: DOCS.accessTokens,
  settings: [],
  tags: ["k2", "oauth", "outbound"],
  check({ resources, outcome, notApplicable }) {
    const list = outboundResources(resources).filter((r) => r.type === TYPE_OAUTH_RESOURCE);
    if (list.length === 0) notApplicable("the stack declares no outbound K2 OAuth resource");
    for (const r of list) {
      const tenant = read(outboundOf(r)?.props ?? {}, "tenantId");
      const expected = tenant.known ? asId(tenant.value) : undefined;
      endpoint(r, "authorizationEndpoint", "authorize", expected, outcome);
      endpoint(r, "tokenEndpoint", "token", expected, outcome);
      const [refresh, token] = [read(r.props, "refreshTokenEndpoint"), read(r.props, "tokenEndpoint")];
      if (!refresh.known || !token.known) outcome.undecidable(`${r.name}.refreshTokenEndpoint`);
      else if (refresh.value !== "" && refresh.value !== token.value) outcome.fail(`${r.name}: refreshTokenEndpoint is neither the token endpoint nor empty`, r.urn);
      resourceParameter(r, outcome);
    }
  },
});
