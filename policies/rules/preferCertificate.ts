/**
 * entra-app-prefer-certificate (advisory, off by default): an application that authenticates with a client secret
 * would be safer with a certificate or a federated identity credential, which leave no shared secret to copy
 * (Microsoft's Zero Trust assessment 21772 and Maester MT.1057 flag every app with a secret). Off by default because
 * K2's inbound OAuth consumers (Power Automate connectors, K2's own OAuth resources) take client secrets; turn it on
 * for stacks whose clients can use certificates.
 */
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { CLIENT_SECRET_TYPES, clientSecretsOf } from "../lib/secrets";

export const appPreferCertificate = resourceRule({
  name: "entra-app-prefer-certificate",
  displayName: "Apps prefer certificates or federated credentials to client secrets",
  description: "Advises replacing client secrets with a certificate or a federated identity credential (off by default).",
  enforcementLevel: "disabled",
  severity: "low",
  remediationSteps:
    "Where the client supports it, authenticate with a certificate (azuread ApplicationCertificate, ideally from Key Vault) or a federated identity credential (ApplicationFederatedIdentityCredential) and remove the client secret.",
  url: DOCS.clientSecrets,
  settings: [],
  tags: ["entra-id", "secrets"],
  appliesTo: CLIENT_SECRET_TYPES,
  check({ type, props, outcome, notApplicable }) {
    const secrets = clientSecretsOf(type, props);
    if (secrets.length === 0) notApplicable("the application declares no inline password");
    outcome.fail("the app authenticates with a client secret, a shared secret that can be copied; prefer a certificate or a federated identity credential");
  },
});
