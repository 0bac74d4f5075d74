/**
 * k2-outbound-client-secret-current (stack): each outbound K2 OAuth resource takes its `client_secret` from the
 * outbound app's CURRENT client secret: the password its `clientSecret` input comes from (the engine's property
 * dependencies) belongs to the same OutboundOAuth component, is not expired, and no other password of the app ends
 * later. A resource holding the previous secret stops working when the overlap ends; one holding no password's value
 * (a secret typed in) never rotates.
 */
import type { PolicyResource } from "@pulumi/policy";
import { TYPE_AZUREAD_APPLICATION_PASSWORD } from "../../components/contracts";
import { stackRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import type { Findings } from "../lib/outcome";
import { childrenOf, outboundOf, outboundResources } from "../lib/outbound";
import { dependenciesVia } from "../lib/stack";
import { read } from "../lib/values";

function endOf(password: PolicyResource): number | undefined {
  const end = read(password.props, "endDate");
  if (!end.known || typeof end.value !== "string") return undefined;
  const t = Date.parse(end.value);
  return Number.isNaN(t) ? undefined : t;
}

function checkResource(r: PolicyResource, resources: readonly PolicyResource[], now: Date, findings: Findings): void {
  const component = outboundOf(r);
  const passwords = component === undefined ? [] : childrenOf(resources, component, TYPE_AZUREAD_APPLICATION_PASSWORD);
  const value = read(r.props, "clientSecret");
  // Values decide first (a secret compared, never shown); without them, the engine's property dependencies.
  const byValue = value.known && typeof value.value === "string" && value.value !== "" ? passwords.filter((p) => {
          const held = read(p.props, "value");
          return held.known && held.value === value.value;
        }) : [];
  const from = byValue.length > 0 ? byValue : dependenciesVia(r, "clientSecret", resources.filter((x) => x.type === TYPE_AZUREAD_APPLICATION_PASSWORD));
  if (from.length === 0 && !value.known) return findings.undecidable(`${r.name}.clientSecret (which client secret it holds)`);
  if (from.length === 0) {
    return findings.fail(`${r.name}: clientSecret does not come from a client secret (ApplicationPassword) of the outbound app, so it never rotates; let OutboundOAuth set it`, r.urn);
  }
  const held = from[0];
  if (!passwords.some((p) => p.urn === held.urn)) return findings.fail(`${r.name}: clientSecret comes from ${held.name}, which is not a secret of its outbound app`, r.urn);
  const end = endOf(held);
  if (end === undefined) return findings.undecidable(`${held.name}.endDate`);
  if (end <= now.getTime()) return findings.fail(`${r.name}: clientSecret comes from ${held.name}, which has expired; run pulumi up (the schedule declares a current secret)`, r.urn);
  const later = passwords.filter((p) => p.urn !== held.urn && (endOf(p) ?? 0) > end);
  if (later.length > 0) {
    findings.fail(`${r.name}: clientSecret comes from ${held.name}, not the app's current secret (${later.map((p) => p.name).join(", ")} ends later); K2 would lose access when the overlap ends`, r.urn);
  }
}

export const outboundClientSecretCurrent = stackRule({
  name: "k2-outbound-client-secret-current",
  displayName: "Outbound K2 OAuth resources hold the app's current client secret",
  description:
    "Each outbound K2 OAuth resource's client_secret must come from the outbound app's current, unexpired client secret (the newest one), so that K2 follows every rotation in the same deploy.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Let OutboundOAuth declare the K2 OAuth resource: it sets clientSecret from the current ApplicationPassword of the outbound app and depends on it. Run pulumi up on schedule (npm run due) so that a new secret is created and K2 updated before the previous one expires.",
  url: DOCS.clientSecrets,
  settings: [],
  tags: ["k2", "secrets", "outbound"],
  check({ resources, now, outcome, notApplicable }) {
    const list = outboundResources(resources);
    if (list.length === 0) notApplicable("the stack declares no outbound K2 OAuth resource");
    for (const r of list) checkResource(r, resources, now, outcome);
  },
});
