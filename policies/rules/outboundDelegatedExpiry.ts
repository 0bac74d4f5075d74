/**
 * k2-outbound-delegated-token-expiry (stack, advisory): an outbound K2 OAuth resource with delegated permissions (the
 * authorization code grant) relies on the K2 service account's cached token, which K2 KB002999 says expires every 90
 * days (Microsoft's refresh tokens lapse after 90 days unused); app-only resources (client credentials) avoid that.
 */
import { stackRule } from "../lib/define";
import { outboundResources } from "../lib/outbound";
import { read } from "../lib/values";

export const KB002999 = "https://help.k2.com/kb002999";

export const outboundDelegatedExpiry = stackRule({
  name: "k2-outbound-delegated-token-expiry",
  displayName: "Delegated outbound resources: the K2 service account's token expires after 90 days",
  description:
    "An outbound K2 OAuth resource with delegated permissions relies on the K2 service account's cached token, which expires every 90 days (K2 KB002999); consider app-only permissions.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    "Where the service allows it, set appOnly: true on the resource (k2-oauth:outbound.resources[]) with app roles instead of delegated scopes; otherwise plan a sign-in as the K2 service account at least every 90 days (K2 error 'OAuth token requires authorization').",
  url: KB002999,
  settings: [],
  tags: ["k2", "oauth", "outbound"],
  check({ resources, outcome, notApplicable }) {
    const list = outboundResources(resources);
    if (list.length === 0) notApplicable("the stack declares no outbound K2 OAuth resource");
    for (const r of list) {
      const grant = read(r.props, "parameters.grant_type.token");
      if (!grant.known) outcome.undecidable(`${r.name}.parameters.grant_type`);
      else if (grant.value === "authorization_code") {
        // At the rule's level (advisory by default; a stack's policy config may raise it).
        outcome.fail(
          `${r.name}: delegated permissions: the token K2 caches for its service account expires every 90 days (K2 KB002999) and users then see 'OAuth token requires authorization'; app-only (appOnly: true, app roles) avoids it`,
          r.urn,
        );
      }
    }
  },
});
