/**
 * entra-app-implicit-grant: app registrations issue neither access tokens nor ID tokens through the implicit grant
 * (tokens in the URL fragment; Microsoft recommends the authorization code flow instead, and an ID token issued this
 * way is what a hybrid or implicit sign-in would accept).
 */
import { TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION } from "../../components/contracts";
import { changeHint } from "../lib/components";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { describeType, read } from "../lib/values";

/** Each flag: its property, the tokens it issues, and the client config key it comes from (this project's ClientApp). */
const FLAGS = {
  [TYPE_AZUREAD_APPLICATION]: [
    ["web.implicitGrant.accessTokenIssuanceEnabled", "access tokens", "implicitAccessTokens"],
    ["web.implicitGrant.idTokenIssuanceEnabled", "ID tokens", "implicitIdTokens"],
  ],
  [TYPE_AZUREAD_APPLICATION_REGISTRATION]: [
    ["implicitAccessTokenIssuanceEnabled", "access tokens", "implicitAccessTokens"],
    ["implicitIdTokenIssuanceEnabled", "ID tokens", "implicitIdTokens"],
  ],
} as const;

export const appImplicitGrant = resourceRule({
  name: "entra-app-implicit-grant",
  displayName: "Implicit grant is off",
  description: "Entra ID app registrations must not issue access tokens or ID tokens through the implicit grant flow.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set web.implicitGrant.accessTokenIssuanceEnabled and idTokenIssuanceEnabled (Application), or implicitAccessTokenIssuanceEnabled and implicitIdTokenIssuanceEnabled (ApplicationRegistration), to false and use the authorization code flow (this project's ClientApp does).",
  url: DOCS.implicitGrant,
  settings: [],
  tags: ["entra-id", "oauth"],
  appliesTo: [TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION],
  check({ type, props, outcome, clientSetting }) {
    for (const [path, tokens, key] of FLAGS[type as keyof typeof FLAGS]) {
      const value = read(props, path);
      if (!value.known) outcome.undecidable(`${path} (whether the implicit grant issues ${tokens})`);
      else if (value.value === true) outcome.fail(`${path} is on: ${tokens} would be issued through the implicit grant; set it to false${changeHint(clientSetting(key))}`);
      else if (value.value !== undefined && value.value !== null && value.value !== false) {
        outcome.fail(`${path} must be a boolean (false), got ${describeType(value.value)}`);
      }
    }
  },
});
