/**
 * entra-app-implicit-grant: app registrations do not issue access tokens through the implicit grant (tokens in the
 * URL fragment; Microsoft recommends the authorization code flow instead).
 */
import { TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION } from "../../components/contracts";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { describeType, read } from "../lib/values";

export const appImplicitGrant = resourceRule({
  name: "entra-app-implicit-grant",
  displayName: "Implicit grant of access tokens is off",
  description: "Entra ID app registrations must not issue access tokens through the implicit grant flow.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set web.implicitGrant.accessTokenIssuanceEnabled (Application) or implicitAccessTokenIssuanceEnabled (ApplicationRegistration) to false and use the authorization code flow.",
  url: DOCS.implicitGrant,
  tags: ["entra-id", "oauth"],
  appliesTo: [TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION],
  check({ type, props, outcome }) {
    const path = type === TYPE_AZUREAD_APPLICATION ? "web.implicitGrant.accessTokenIssuanceEnabled" : "implicitAccessTokenIssuanceEnabled";
    const value = read(props, path);
    if (!value.known) outcome.undecidable(`${path} (whether the implicit grant issues access tokens)`);
    else if (value.value === true) outcome.fail(`${path} is true: access tokens would be issued through the implicit grant; set it to false`);
    else if (value.value !== undefined && value.value !== null && value.value !== false) {
      outcome.fail(`${path} must be a boolean (false), got ${describeType(value.value)}`);
    }
  },
});
