/**
 * keyvault-secret-expires: every Key Vault secret carries an `expires` attribute, so the vault shows (and, through
 * Event Grid, announces) when it stops being valid; a copy of a client secret would otherwise look valid forever
 * (checkov CKV_AZURE_41, trivy AVD-AZU-0017).
 */
import { TYPE_KEYVAULT_SECRET } from "../../components/contracts";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { describeType, read } from "../lib/values";

export const keyVaultSecretExpires = resourceRule({
  name: "keyvault-secret-expires",
  displayName: "Key Vault secrets carry an expiry",
  description: "Every Key Vault secret (azure-native keyvault Secret) must set properties.attributes.expires.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set properties.attributes.expires (epoch seconds): for a copy of a client secret, the secret's endDate (this project's ClientApp does); Key Vault then reports the secret as expired and emits near-expiry events 30 days ahead.",
  url: DOCS.keyVaultSecrets,
  settings: [],
  tags: ["key-vault", "secrets"],
  appliesTo: [TYPE_KEYVAULT_SECRET],
  check({ props, outcome }) {
    const expires = read(props, "properties.attributes.expires");
    if (!expires.known) outcome.undecidable("properties.attributes.expires");
    else if (expires.value === undefined || expires.value === null) {
      outcome.fail("properties.attributes.expires is not set: the secret would look valid forever; set it (epoch seconds; for a client secret copy, the secret's endDate)");
    } else if (typeof expires.value !== "number" || !Number.isInteger(expires.value) || expires.value <= 0) {
      outcome.fail(`properties.attributes.expires must be a whole number of seconds since 1970-01-01, got ${typeof expires.value === "number" ? "another number" : describeType(expires.value)}`);
    }
  },
});
