/**
 * entra-app-least-privilege: a K2 client app requests the K2 API's delegated scope and nothing else. Another API's
 * permissions (Microsoft Graph `User.Read`, which the Entra admin center adds to every new registration) or an
 * application permission (app role) widen what the app's credentials can reach. Apps this project creates request only
 * the K2 API; apps taken over with `npm run adopt` keep what they had (declared in the client's
 * `requiredResourceAccess`) and this rule names it, so that it is removed once no consumer needs it.
 *
 * Application: its `requiredResourceAccesses`; ApplicationApiAccess (the ApplicationRegistration style): its
 * `apiClientId`, `scopeIds` and `roleIds`.
 */
import { TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_API_ACCESS } from "../../components/contracts";
import { configSchemaOf, optionalGuid } from "../lib/config";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { MICROSOFT_APIS } from "../lib/microsoftApis";
import type { Outcome } from "../lib/outcome";
import { read, readList, sameId, type Read } from "../lib/values";

/** `Microsoft Graph (00000003-…)` or the bare id. */
function apiName(clientId: string): string {
  const name = MICROSOFT_APIS.get(clientId.trim().toLowerCase());
  return name === undefined ? `API ${clientId}` : `${name} (${clientId})`;
}

/**
 * Whether `clientId` is the K2 API: the configured id, else any API that is not one of Microsoft's (the K2 API's id
 * differs per tenant and is not published).
 */
function isK2Api(clientId: string, k2ApiClientId: string | undefined): boolean {
  return k2ApiClientId !== undefined ? sameId(clientId, k2ApiClientId) : !MICROSOFT_APIS.has(clientId.trim().toLowerCase());
}

/** The known ids of a list, recording the unknown ones. */
function knownIds(items: readonly Read[] | undefined, at: string, outcome: Outcome): string[] {
  const ids: string[] = [];
  (items ?? []).forEach((item, i) => {
    if (!item.known) outcome.undecidable(`${at}[${i}]`);
    else if (typeof item.value === "string") ids.push(item.value);
  });
  return ids;
}

function checkApi(apiClientId: string, scopes: readonly string[], roles: readonly string[], k2ApiClientId: string | undefined, outcome: Outcome): void {
  if (scopes.length + roles.length === 0) return;
  const listed = [...scopes.map((id) => `${id} (delegated)`), ...roles.map((id) => `${id} (application permission)`)].join(", ");
  if (!isK2Api(apiClientId, k2ApiClientId)) {
    outcome.fail(
      `requests ${scopes.length + roles.length} permission${scopes.length + roles.length === 1 ? "" : "s"} of ${apiName(apiClientId)} besides the K2 API: ${listed}; a K2 client needs only the K2 API's delegated scope. Remove the entry once no consumer of the app needs it`,
    );
  } else if (roles.length > 0) {
    outcome.fail(
      `requests application permissions (app roles) of the K2 API ${apiClientId}: ${roles.join(", ")}; K2 clients act for a signed-in user with the delegated scope only`,
    );
  }
}

export const appLeastPrivilege = resourceRule({
  name: "entra-app-least-privilege",
  displayName: "Client apps request only the K2 API scope",
  description:
    "A K2 client app registration should request the K2 API's delegated scope and nothing else: no permissions of other APIs (such as Microsoft Graph User.Read) and no application permissions.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Remove the other APIs from the app's requested permissions (for a client taken over with npm run adopt: the entry of the client's requiredResourceAccess in the stack file) once no consumer of the app needs them; request delegated scopes, not app roles.",
  url: DOCS.leastPrivilege,
  configSchema: configSchemaOf("k2ApiClientId"),
  tags: ["entra-id", "least-privilege"],
  appliesTo: [TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_API_ACCESS],
  check({ type, props, config, outcome }) {
    const k2ApiClientId = optionalGuid(config, "k2ApiClientId");
    if (type === TYPE_AZUREAD_APPLICATION_API_ACCESS) {
      const api = read(props, "apiClientId");
      if (!api.known) {
        outcome.undecidable("apiClientId (which API is requested)");
        return;
      }
      if (typeof api.value !== "string") return;
      const scopes = readList(props, "scopeIds");
      const roles = readList(props, "roleIds");
      if (!scopes.known) outcome.undecidable("scopeIds");
      if (!roles.known) outcome.undecidable("roleIds");
      checkApi(api.value, scopes.known ? knownIds(scopes.items, "scopeIds", outcome) : [], roles.known ? knownIds(roles.items, "roleIds", outcome) : [], k2ApiClientId, outcome);
      return;
    }
    const list = readList(props, "requiredResourceAccesses");
    if (!list.known) {
      outcome.undecidable("requiredResourceAccesses (which APIs the app requests)");
      return;
    }
    (list.items ?? []).forEach((item, i) => {
      const at = `requiredResourceAccesses[${i}]`;
      if (!item.known) {
        outcome.undecidable(at);
        return;
      }
      const api = read(item.value, "resourceAppId");
      if (!api.known) {
        outcome.undecidable(`${at}.resourceAppId`);
        return;
      }
      if (typeof api.value !== "string") return;
      const accesses = readList(item.value, "resourceAccesses");
      if (!accesses.known) {
        outcome.undecidable(`${at}.resourceAccesses`);
        return;
      }
      const scopes: string[] = [];
      const roles: string[] = [];
      (accesses.items ?? []).forEach((access, j) => {
        const where = `${at}.resourceAccesses[${j}]`;
        const id = access.known ? read(access.value, "id") : access;
        const kind = access.known ? read(access.value, "type") : access;
        if (!id.known || !kind.known) {
          outcome.undecidable(where);
          return;
        }
        const shown = typeof id.value === "string" ? id.value : "?";
        if (kind.value === "Role") roles.push(shown);
        else scopes.push(shown);
      });
      checkApi(api.value, scopes, roles, k2ApiClientId, outcome);
    });
  },
});
