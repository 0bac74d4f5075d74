/**
 * Recognising the Key Vault copies of client secrets (`azure-native:keyvault:Secret`): this project marks them with
 * the content type and tags of components/contracts.ts.
 */
import { CLIENT_SECRET_CONTENT_TYPE, TAG_CLIENT, TAG_KEY_ID } from "../../components/contracts";
import { keysOf, read } from "./values";

export type ClientSecretCopy = "yes" | "no" | "unknown";

/** Whether a Key Vault secret holds a client secret: its content type, or the project's tags. */
export function isClientSecretCopy(props: unknown): ClientSecretCopy {
  const contentType = read(props, "properties.contentType");
  if (contentType.known && contentType.value === CLIENT_SECRET_CONTENT_TYPE) return "yes";
  const tags = read(props, "tags");
  // Tag keys are known even while their values (e.g. the password's keyId) are not.
  const tagKeys = tags.known ? (keysOf(tags.value) ?? []) : [];
  if (tagKeys.includes(TAG_KEY_ID) || tagKeys.includes(TAG_CLIENT)) return "yes";
  if (!contentType.known || !tags.known) return "unknown";
  return "no";
}
