/**
 * Picks the K2 management transport for the settings. The Bearer Token provider calls only this and the
 * K2OAuthManagement interface (./management.ts): a second transport is a new member of ManagementSettings, a new
 * file, and a new case here.
 */
import type { BasicCredentials, RetryPolicy } from "./http";
import type { K2OAuthManagement, ManagementSettings } from "./management";
import { createSmartObjectRestClient } from "./smartObjectRest";

export function createK2Management(
  settings: ManagementSettings,
  credentials: BasicCredentials,
  policy: RetryPolicy,
  /** Values besides the credentials that requests carry (a client secret): redacted from every error. */
  extraSecrets: readonly string[] = [],
): K2OAuthManagement {
  switch (settings.transport) {
    case "smartobject-rest":
      return createSmartObjectRestClient(settings, credentials, policy, extraSecrets);
    default: {
      const unknown: never = settings.transport;
      throw new Error(`unknown K2 management transport '${String(unknown)}'; expected 'smartobject-rest'`);
    }
  }
}
