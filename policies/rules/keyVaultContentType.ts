/**
 * keyvault-client-secret-content-type: a Key Vault secret that holds a copy of an Entra ID client secret (this
 * project tags its copies `k2-oauth-client` and `entra-key-id`) says so in its content type, so the vault tells what
 * the value is and tools can find every client secret copy (checkov CKV_AZURE_114, trivy AVD-AZU-0015 ask for a
 * content type on every secret; this project's contract is `application/x-entra-client-secret`).
 */
import { CLIENT_SECRET_CONTENT_TYPE, TAG_CLIENT, TAG_KEY_ID, TYPE_KEYVAULT_SECRET } from "../../components/contracts";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { describeType, keysOf, read } from "../lib/values";

export const keyVaultClientSecretContentType = resourceRule({
  name: "keyvault-client-secret-content-type",
  displayName: "Key Vault copies of client secrets have a content type",
  description: `A Key Vault secret tagged as a copy of a client secret (${TAG_CLIENT} or ${TAG_KEY_ID}) must set properties.contentType (this project: ${CLIENT_SECRET_CONTENT_TYPE}).`,
  enforcementLevel: "mandatory",
  severity: "low",
  remediationSteps: `Set properties.contentType to ${CLIENT_SECRET_CONTENT_TYPE} on the copy (this project's ClientApp does).`,
  url: DOCS.keyVaultSecrets,
  settings: [],
  tags: ["key-vault", "secrets"],
  appliesTo: [TYPE_KEYVAULT_SECRET],
  check({ props, outcome, notApplicable }) {
    const tags = read(props, "tags");
    if (!tags.known) {
      outcome.undecidable("tags (whether the secret is a copy of a client secret)");
      return;
    }
    const tagKeys = keysOf(tags.value) ?? [];
    if (!tagKeys.includes(TAG_CLIENT) && !tagKeys.includes(TAG_KEY_ID)) notApplicable("the secret is not tagged as a copy of a client secret");
    const contentType = read(props, "properties.contentType");
    if (!contentType.known) outcome.undecidable("properties.contentType");
    else if (contentType.value === undefined || contentType.value === null || contentType.value === "") {
      outcome.fail(`properties.contentType is not set; set it to ${CLIENT_SECRET_CONTENT_TYPE} so the vault says what the value is`);
    } else if (typeof contentType.value !== "string") {
      outcome.fail(`properties.contentType must be a string, got ${describeType(contentType.value)}`);
    }
  },
});
