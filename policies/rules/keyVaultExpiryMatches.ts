/**
 * keyvault-secret-expiry-matches-entra (stack): each Key Vault copy of a client secret holds its application's current
 * secret and expires exactly when it does. The copy names its secret with the `entra-key-id` tag (the password's
 * keyId); that password must be the newest of its application (the one consumers should use: this project keeps one
 * vault secret per client whose latest version is the current secret), and properties.attributes.expires must equal
 * its endDate in epoch seconds. A tag naming a key that no secret of this stack has is not judged (the secret may
 * belong to another stack).
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  TAG_KEY_ID,
  TYPE_AZUREAD_APPLICATION,
  TYPE_AZUREAD_APPLICATION_PASSWORD,
  TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD,
  TYPE_KEYVAULT_SECRET,
} from "../../components/contracts";
import { epochSeconds, formatDays, parseRfc3339 } from "../lib/dates";
import { stackRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { isClientSecretCopy } from "../lib/keyVault";
import { secretGroups, type DatedSecret } from "../lib/secrets";
import { link, ofType } from "../lib/stack";
import { keysOf, read, type Read } from "../lib/values";

/** Where a password-holding resource keeps its keyId and endDate. */
function secretField(r: PolicyResource, key: "keyId" | "endDate"): Read {
  return read(r.props, r.type === TYPE_AZUREAD_APPLICATION ? `password.${key}` : key);
}

/** The id a Key Vault copy's tag names (one function, so that lib/stack.ts indexes the passwords once per check). */
const passwordKeyId = (password: PolicyResource): Read[] => [secretField(password, "keyId")];

export const keyVaultExpiryMatchesEntra = stackRule({
  name: "keyvault-secret-expiry-matches-entra",
  displayName: "Key Vault copies expire with their Entra ID secret",
  description:
    "Each Key Vault copy of a client secret must name the secret it copies (tag entra-key-id = the password's keyId), hold the newest (current) secret of its application, and expire when it does (properties.attributes.expires = the password's endDate in epoch seconds).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Tag the Key Vault secret with entra-key-id = <password>.keyId and set properties.attributes.expires to the password's endDate in epoch seconds (this project's ClientApp does both); re-run pulumi up after a rotation so the copy follows the new secret.",
  url: DOCS.keyVaultSecrets,
  settings: [],
  tags: ["key-vault", "secrets"],
  check({ resources, now, outcome, notApplicable }) {
    const vaultSecrets = ofType(resources, TYPE_KEYVAULT_SECRET);
    /** Per password-holding resource: the newest secret of its application, read once when first needed. */
    let newest: Map<PolicyResource, DatedSecret> | undefined;
    const newestOf = (holder: PolicyResource): DatedSecret | undefined => {
      newest ??= new Map(secretGroups(resources, now, outcome).flatMap((g) => g.secrets.map((s) => [s.holder, g.secrets[g.secrets.length - 1]] as const)));
      return newest.get(holder);
    };
    const passwords = ofType(resources, TYPE_AZUREAD_APPLICATION_PASSWORD, TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD).concat(
      ofType(resources, TYPE_AZUREAD_APPLICATION).filter((app) => {
        const block = read(app.props, "password");
        return !block.known || (block.value !== undefined && block.value !== null);
      }),
    );
    let copies = 0;
    for (const copy of vaultSecrets) {
      const holds = isClientSecretCopy(copy.props);
      if (holds === "no") continue;
      if (holds === "unknown") {
        outcome.undecidable(`${copy.name} (whether it holds a client secret)`);
        continue;
      }
      copies++;
      if (!(keysOf(copy.props, "tags") ?? []).includes(TAG_KEY_ID)) {
        outcome.fail(`${copy.name} holds a client secret but has no ${TAG_KEY_ID} tag, so its expiry cannot be tied to the secret it copies; tag it with the password's keyId`, copy.urn);
        continue;
      }
      const linked = link(copy, `tags.${TAG_KEY_ID}`, passwords, passwordKeyId);
      if (linked.state === "none") continue;
      if (linked.state === "undecided") {
        outcome.undecidable(`the client secret ${copy.name} copies (${linked.why})`);
        continue;
      }
      const expires = read(copy.props, "properties.attributes.expires");
      if (!expires.known) {
        outcome.undecidable(`${copy.name}.properties.attributes.expires`);
        continue;
      }
      // A missing or malformed expires is keyvault-client-secret-expires' finding.
      if (typeof expires.value !== "number") continue;
      for (const password of linked.targets) {
        const current = newestOf(password);
        if (current !== undefined && current.holder !== password) {
          outcome.fail(
            `${copy.name} holds ${password.name}, not the newest client secret of its application (${current.name}): consumers reading the vault get the older one; point the copy (value, ${TAG_KEY_ID} and expires) at the newest secret`,
            copy.urn,
          );
        }
        const endDate = secretField(password, "endDate");
        if (!endDate.known) {
          outcome.undecidable(`${password.name} endDate (to compare with ${copy.name}'s expiry)`);
          continue;
        }
        // Missing or malformed end dates are entra-client-secret-expiry's finding.
        const end = typeof endDate.value === "string" ? parseRfc3339(endDate.value) : undefined;
        if (end === undefined) continue;
        const drift = expires.value - epochSeconds(end);
        if (drift !== 0) {
          const seconds = Math.abs(drift);
          const by = seconds >= 86_400 ? formatDays(seconds / 86_400) : `${seconds} second${seconds === 1 ? "" : "s"}`;
          outcome.fail(
            `${copy.name} expires ${by} ${drift > 0 ? "after" : "before"} the client secret it copies, ${password.name}, ends; set properties.attributes.expires to that secret's endDate in epoch seconds`,
            copy.urn,
          );
        }
      }
    }
    if (copies === 0 && outcome.undecided.length === 0) notApplicable("the stack declares no Key Vault copies of client secrets");
  },
});
