/**
 * entra-app-single-tenant: client apps of K2 sign in users of this tenant only (KB002784's apps are single-tenant;
 * a multi-tenant client widens who can obtain tokens for K2 through it).
 */
import { TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION } from "../../components/contracts";
import { changeHint } from "../lib/components";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { describeType, read } from "../lib/values";

/** The azuread provider's default when signInAudience is not set. */
export const SINGLE_TENANT_AUDIENCE = "AzureADMyOrg";

export const appSingleTenant = resourceRule({
  name: "entra-app-single-tenant",
  displayName: "App registrations are single-tenant",
  description: "Entra ID app registrations should use the single-tenant sign-in audience AzureADMyOrg (the provider's default).",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Set signInAudience to AzureADMyOrg (or leave it unset) unless the app must serve other tenants (this project's ClientApp does).",
  url: DOCS.signInAudience,
  settings: [],
  tags: ["entra-id"],
  appliesTo: [TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION],
  check({ props, outcome, clientSetting }) {
    const audience = read(props, "signInAudience");
    if (!audience.known) outcome.undecidable("signInAudience (whether the app is single-tenant)");
    else if (audience.value !== undefined && audience.value !== null && audience.value !== SINGLE_TENANT_AUDIENCE) {
      outcome.fail(
        typeof audience.value === "string"
          ? `signInAudience is not ${SINGLE_TENANT_AUDIENCE}: users of other tenants (or personal Microsoft accounts) can sign in; use ${SINGLE_TENANT_AUDIENCE}${changeHint(clientSetting("signInAudience"))}`
          : `signInAudience must be a string, got ${describeType(audience.value)}`,
      );
    }
  },
});
