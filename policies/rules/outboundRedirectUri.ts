/**
 * k2-outbound-redirect-uri (stack): the outbound app registration's web redirect URIs include K2's OAuth redirect URI
 * for the stack's K2 host (`https://<k2 host>/identity/token/oauth/2`, the path compared without case: K2 Cloud's
 * guides write `/Identity/`), and every `redirect_uri` value of its K2 OAuth resources is exactly one of the app's
 * redirect URIs: Entra ID compares the path with case, and a mismatch fails every sign-in with AADSTS50011.
 */
import type { PolicyResource } from "@pulumi/policy";
import { TYPE_AZUREAD_APPLICATION, TYPE_OAUTH_RESOURCE, TYPE_OUTBOUND_OAUTH } from "../../components/contracts";
import { K2_REDIRECT_PATH } from "../../components/outbound";
import { stackRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import type { Findings } from "../lib/outcome";
import { childrenOf } from "../lib/outbound";
import { read, readList } from "../lib/values";

/** The K2 redirect URI for a K2 site, lower-cased (how it is compared with the app's). */
function expectedFor(k2Url: string): string | undefined {
  try {
    return `${new URL(k2Url).origin}${K2_REDIRECT_PATH}`.toLowerCase();
  } catch {
    return undefined;
  }
}

function checkComponent(component: PolicyResource, resources: readonly PolicyResource[], findings: Findings): void {
  const k2Url = read(component.props, "k2Url");
  if (!k2Url.known) return findings.undecidable(`${component.name}.k2Url`);
  const expected = typeof k2Url.value === "string" ? expectedFor(k2Url.value) : undefined;
  for (const app of childrenOf(resources, component, TYPE_AZUREAD_APPLICATION)) {
    const uris = readList(app.props, "web.redirectUris");
    if (!uris.known) {
      findings.undecidable(`${app.name}.web.redirectUris`);
      continue;
    }
    const values = (uris.items ?? []).map((u) => (u.known && typeof u.value === "string" ? u.value : undefined));
    if (expected !== undefined && !values.some((v) => v?.toLowerCase() === expected)) {
      findings.fail(
        `${app.name}: web.redirectUris lacks K2's redirect URI for the stack's K2 host (https://<k2 host>${K2_REDIRECT_PATH}); K2's sign-ins would fail with AADSTS50011. Change k2-oauth:outbound.app.redirectUri (or k2-oauth:k2.url)`,
        app.urn,
      );
    }
    for (const k2 of childrenOf(resources, component, TYPE_OAUTH_RESOURCE)) {
      const legs = read(k2.props, "parameters.redirect_uri");
      if (!legs.known) {
        findings.undecidable(`${k2.name}.parameters.redirect_uri`);
        continue;
      }
      for (const [leg, v] of Object.entries(typeof legs.value === "object" && legs.value !== null ? (legs.value as Record<string, unknown>) : {})) {
        if (typeof v === "string" && !values.includes(v)) {
          findings.fail(
            `${k2.name}: parameters.redirect_uri.${leg} is not exactly one of ${app.name}'s redirect URIs (Entra ID compares the path with case: AADSTS50011); use the same string for both (k2-oauth:outbound.app.redirectUri)`,
            k2.urn,
          );
        }
      }
    }
  }
}

export const outboundRedirectUri = stackRule({
  name: "k2-outbound-redirect-uri",
  displayName: "The outbound app registers K2's redirect URI, byte for byte as K2 sends it",
  description:
    "The outbound app's web redirect URIs must include K2's OAuth redirect URI for the stack's K2 host (https://<k2 host>/identity/token/oauth/2), and each redirect_uri value of its K2 OAuth resources must be exactly one of them.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set k2-oauth:outbound.app.redirectUri to the redirect URI K2 sends (the AADSTS50011 message shows it; default https://<k2 host>/identity/token/oauth/2 from k2-oauth:k2.url); OutboundOAuth puts the same string on the app and in K2's redirect_uri.",
  url: DOCS.redirectUris,
  settings: [],
  tags: ["entra-id", "k2", "outbound"],
  check({ resources, outcome, notApplicable }) {
    const components = resources.filter((r) => r.type === TYPE_OUTBOUND_OAUTH);
    if (components.length === 0) notApplicable("the stack declares no outbound app (k2-oauth:outbound)");
    for (const c of components) checkComponent(c, resources, outcome);
  },
});
