/**
 * keyvault-client-secret-expires: a Key Vault secret that holds an Entra ID client secret carries an `expires`
 * attribute, so the vault shows (and, through Event Grid, announces) when the copy stops working.
 */
import { TYPE_KEYVAULT_SECRET } from "../../components/contracts";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { isClientSecretCopy } from "../lib/keyVault";
import { describeType, read } from "../lib/values";

export const keyVaultSecretExpires = resourceRule({
  name: "keyvault-client-secret-expires",
  displayName: "Key Vault copies of client secrets carry an expiry",
  description:
    "A Key Vault secret that holds an Entra ID client secret (content type application/x-entra-client-secret or the k2-oauth tags) must set properties.attributes.expires.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set properties.attributes.expires to the client secret's endDate in epoch seconds (this project's ClientApp does); Key Vault then reports the copy as expired and emits near-expiry events 30 days ahead.",
  url: DOCS.keyVaultSecrets,
  tags: ["key-vault", "secrets"],
  appliesTo: [TYPE_KEYVAULT_SECRET],
  check({ props, outcome, notApplicable }) {
    const holds = isClientSecretCopy(props);
    if (holds === "no") notApplicable("the secret is not marked as a client secret copy");
    if (holds === "unknown") {
      outcome.undecidable("properties.contentType and tags (whether the secret holds a client secret)");
      return;
    }
    const expires = read(props, "properties.attributes.expires");
    if (!expires.known) outcome.undecidable("properties.attributes.expires");
    else if (expires.value === undefined || expires.value === null) {
      outcome.fail("properties.attributes.expires is not set: the copy of the client secret would look valid forever; set it to the secret's endDate (epoch seconds)");
    } else if (typeof expires.value !== "number" || !Number.isInteger(expires.value) || expires.value <= 0) {
      outcome.fail(`properties.attributes.expires must be a whole number of seconds since 1970-01-01, got ${describeType(expires.value)}`);
    }
  },
});
