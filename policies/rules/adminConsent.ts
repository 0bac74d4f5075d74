/**
 * k2-api-admin-consent (stack): every app that requests a delegated scope of the K2 API has tenant-wide admin consent
 * for it: a delegated permission grant with no user (consentType AllPrincipals) from the app's service principal to
 * the K2 API service principal, whose claim values include the scope. Without it users hit AADSTS90094 / AADSTS65001.
 * For this project's clients, whose ClientApp records the scope they request (its value and id), the claim values
 * must be exactly that scope: consent for more than is requested is a standing grant nobody asked for.
 *
 * The K2 API, its scope and service principal are the stack's (recorded by InboundOAuth and ClientApp) unless the
 * policy config pins them; a pin that disagrees with the stack is a violation.
 *
 * Links: Application.clientId -> ServicePrincipal.clientId; ServicePrincipal.objectId ->
 * grant.servicePrincipalObjectId (values, else the engine's property dependencies during preview).
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  INBOUND_CONFIG_KEYS,
  TYPE_AZUREAD_APPLICATION,
  TYPE_AZUREAD_APPLICATION_API_ACCESS,
  TYPE_AZUREAD_APPLICATION_REGISTRATION,
  TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
  TYPE_AZUREAD_SERVICE_PRINCIPAL,
  TYPE_CLIENT_APP,
  TYPE_INBOUND_OAUTH,
} from "../../components/contracts";
import { componentsOf, recorded } from "../lib/components";
import { DEFAULT_SCOPE } from "../lib/config";
import { stackRule } from "../lib/define";
import { asId, asText, expectValue } from "../lib/expectations";
import { MICROSOFT_API_CLIENT_IDS } from "../lib/wellKnown";
import { DOCS } from "../lib/docs";
import type { Findings } from "../lib/outcome";
import { applicationIdKeys, clientIdKeys, link, ofType, referrers, servicePrincipalKeys } from "../lib/stack";
import { read, readList, sameId } from "../lib/values";

interface Settings {
  k2ApiClientId: string | undefined;
  k2ApiServicePrincipalObjectId: string | undefined;
  scope: string;
  /** The claim values a grant must hold exactly, when the app's requested K2 scope ids are known by value. */
  exactClaims: readonly string[] | undefined;
}

function isK2Api(clientId: string, settings: Settings): boolean {
  if (settings.k2ApiClientId !== undefined) return sameId(clientId, settings.k2ApiClientId);
  return !MICROSOFT_API_CLIENT_IDS.has(clientId.trim().toLowerCase());
}

/** The K2 API client ids whose delegated scopes `app` requests (lower-case), recording undecidable entries. */
function requestedK2Apis(app: PolicyResource, apiAccesses: readonly PolicyResource[], settings: Settings, outcome: Findings): Set<string> {
  const apis = new Set<string>();
  const list = readList(app.props, "requiredResourceAccesses");
  if (!list.known) {
    outcome.undecidable(`${app.name}.requiredResourceAccesses (which APIs the app requests)`);
  } else {
    (list.items ?? []).forEach((item, i) => {
      const at = `${app.name}.requiredResourceAccesses[${i}]`;
      if (!item.known) {
        outcome.undecidable(`${at} (which API the app requests)`);
        return;
      }
      const resourceAppId = read(item.value, "resourceAppId");
      if (!resourceAppId.known) {
        outcome.undecidable(`${at}.resourceAppId (whether it is the K2 API)`);
        return;
      }
      if (typeof resourceAppId.value !== "string" || !isK2Api(resourceAppId.value, settings)) return;
      const accesses = readList(item.value, "resourceAccesses");
      if (!accesses.known) {
        outcome.undecidable(`${at}.resourceAccesses (whether delegated scopes are requested)`);
        return;
      }
      let requestsScope = false;
      let open = false;
      for (const access of accesses.items ?? []) {
        const type = access.known ? read(access.value, "type") : access;
        if (!type.known) open = true;
        else if (type.value === "Scope") requestsScope = true;
      }
      if (requestsScope) apis.add(resourceAppId.value.toLowerCase());
      else if (open) outcome.undecidable(`${at}.resourceAccesses (whether delegated scopes are requested)`);
    });
  }
  // ApplicationRegistration style: delegated permissions declared with separate ApplicationApiAccess resources.
  const { linked, undecided } = referrers(app, apiAccesses, "applicationId", applicationIdKeys);
  for (const why of undecided) outcome.undecidable(`API access of ${app.name}: ${why}`);
  for (const access of linked) {
    const apiClientId = read(access.props, "apiClientId");
    const scopeIds = readList(access.props, "scopeIds");
    if (!apiClientId.known) outcome.undecidable(`${access.name}.apiClientId (whether it is the K2 API)`);
    else if (typeof apiClientId.value === "string" && isK2Api(apiClientId.value, settings)) {
      if (!scopeIds.known) outcome.undecidable(`${access.name}.scopeIds (whether delegated scopes are requested)`);
      else if ((scopeIds.items ?? []).length > 0) apis.add(apiClientId.value.toLowerCase());
    }
  }
  return apis;
}

type GrantVerdict = { ok: true; resourceSp: string | undefined } | { ok: false; reasons: string[] } | { ok: "undecided"; what: string[] };

/** Whether one grant is tenant-wide consent for `scope` on the K2 API service principal. */
function judgeGrant(grant: PolicyResource, api: string, k2Sps: readonly PolicyResource[], settings: Settings): GrantVerdict {
  const reasons: string[] = [];
  const undecided: string[] = [];
  const user = read(grant.props, "userObjectId");
  if (!user.known) undecided.push(`${grant.name}.userObjectId`);
  else if (user.value !== undefined && user.value !== null && user.value !== "") {
    reasons.push(`${grant.name} consents for a single user (userObjectId is set), not for all users of the tenant`);
  }
  const claims = readList(grant.props, "claimValues");
  if (!claims.known) undecided.push(`${grant.name}.claimValues`);
  else {
    const items = claims.items ?? [];
    const hasScope = items.some((c) => c.known && c.value === settings.scope);
    if (items.some((c) => !c.known)) {
      if (!hasScope || settings.exactClaims !== undefined) undecided.push(`${grant.name}.claimValues`);
    } else if (!hasScope) {
      reasons.push(`${grant.name}'s claimValues do not include the scope '${settings.scope}'`);
    } else if (settings.exactClaims !== undefined) {
      const granted = new Set(items.map((c) => (c.known ? String(c.value) : "")));
      const wanted = new Set(settings.exactClaims);
      if (granted.size !== wanted.size || [...granted].some((v) => !wanted.has(v))) {
        reasons.push(
          `${grant.name}'s claimValues are not exactly the K2 scopes the app requests (${settings.exactClaims.map((v) => `'${v}'`).join(", ")}): consent must cover what is requested and nothing more`,
        );
      }
    }
  }
  const resourceSp = read(grant.props, "resourceServicePrincipalObjectId");
  let resourceSpValue: string | undefined;
  if (!resourceSp.known) {
    // Unknown value: it must come from a declared K2 API service principal (or a lookup we cannot see).
    if (settings.k2ApiServicePrincipalObjectId !== undefined || k2Sps.length > 0) {
      const linked = link(grant, "resourceServicePrincipalObjectId", k2Sps, servicePrincipalKeys);
      if (linked.state !== "linked") undecided.push(`${grant.name}.resourceServicePrincipalObjectId`);
    }
  } else if (typeof resourceSp.value === "string" && resourceSp.value !== "") {
    resourceSpValue = resourceSp.value.toLowerCase();
    if (settings.k2ApiServicePrincipalObjectId !== undefined) {
      if (!sameId(resourceSp.value, settings.k2ApiServicePrincipalObjectId)) {
        reasons.push(`${grant.name} is on another service principal than the K2 API's (${settings.k2ApiServicePrincipalObjectId})`);
      }
    } else if (k2Sps.length > 0) {
      const linked = link(grant, "resourceServicePrincipalObjectId", k2Sps, servicePrincipalKeys);
      if (linked.state === "undecided") undecided.push(`${grant.name}.resourceServicePrincipalObjectId`);
      else if (linked.state === "none") reasons.push(`${grant.name} is on another service principal than the one of the K2 API (${api})`);
    }
  } else {
    reasons.push(`${grant.name} names no resource service principal`);
  }
  if (reasons.length > 0) return { ok: false, reasons };
  if (undecided.length > 0) return { ok: "undecided", what: undecided };
  return { ok: true, resourceSp: resourceSpValue };
}

export const k2ApiAdminConsent = stackRule({
  name: "k2-api-admin-consent",
  displayName: "Apps that request the K2 API scope have tenant-wide admin consent",
  description:
    "Every app registration that requests a delegated scope of the K2 API must have a tenant-wide delegated permission grant (no user) from its service principal to the K2 API service principal whose claim values include the scope (k2-oauth:k2Api.scope, default user_impersonation), and, for this project's clients, are exactly the scopes the client requests.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Declare a ServicePrincipal for the app and a ServicePrincipalDelegatedPermissionGrant with servicePrincipalObjectId = that service principal's objectId, resourceServicePrincipalObjectId = the K2 API service principal's objectId, claimValues equal to the requested scopes, and no userObjectId (this project's ClientApp does). Or grant admin consent in the portal and remove the scope request from code-managed apps.",
  url: DOCS.adminConsent,
  settings: ["k2ApiClientId", "k2ApiServicePrincipalObjectId", "scope"],
  tags: ["k2", "entra-id", "consent"],
  check({ resources, settings: pins, outcome, notApplicable }) {
    // The stack's K2 API (InboundOAuth's record), unless pinned; each ClientApp records its own as well.
    const inbound = ofType(resources, TYPE_INBOUND_OAUTH)[0];
    const clients = ofType(resources, TYPE_CLIENT_APP);
    const stackK2 = {
      k2ApiClientId: expectValue({ setting: "k2ApiClientId", pin: pins.k2ApiClientId, stack: recorded(inbound, "k2Api.clientId"), stackKey: INBOUND_CONFIG_KEYS.k2ApiClientId, normalize: asId, outcome, urn: inbound?.urn }).value,
      scope: expectValue({ setting: "scope", pin: pins.scope, stack: recorded(inbound, "k2Api.scope"), stackKey: INBOUND_CONFIG_KEYS.scope, fallback: DEFAULT_SCOPE, normalize: asText, outcome, urn: inbound?.urn }).value ?? DEFAULT_SCOPE,
      k2ApiServicePrincipalObjectId: expectValue({
        setting: "k2ApiServicePrincipalObjectId",
        pin: pins.k2ApiServicePrincipalObjectId,
        stack: recorded(clients[0], "k2Api.servicePrincipalObjectId"),
        stackKey: `the K2 API service principal the stack looked up for ${INBOUND_CONFIG_KEYS.k2ApiClientId}`,
        normalize: asId,
        outcome,
        urn: clients[0]?.urn,
      }).value,
    };
    /** What one app is judged against: the stack's K2 API, or the one its own ClientApp records (and its scope id). */
    const settingsFor = (app: PolicyResource): Settings => {
      const client = componentsOf(app).client;
      const own = (path: string): string | undefined => {
        const value = recorded(client, path);
        return value.known ? asText(value.value) : undefined;
      };
      const scope = pins.scope ?? own("k2Api.scope") ?? stackK2.scope;
      return {
        k2ApiClientId: pins.k2ApiClientId ?? own("k2Api.clientId")?.toLowerCase() ?? stackK2.k2ApiClientId,
        k2ApiServicePrincipalObjectId: pins.k2ApiServicePrincipalObjectId ?? own("k2Api.servicePrincipalObjectId")?.toLowerCase() ?? stackK2.k2ApiServicePrincipalObjectId,
        scope,
        exactClaims: client !== undefined && own("k2Api.scopeId") !== undefined ? [scope] : undefined,
      };
    };
    const apps = ofType(resources, TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION);
    if (apps.length === 0) notApplicable("the stack declares no app registrations");
    const sps = ofType(resources, TYPE_AZUREAD_SERVICE_PRINCIPAL);
    const grants = ofType(resources, TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT);
    const apiAccesses = ofType(resources, TYPE_AZUREAD_APPLICATION_API_ACCESS);
    /** Per K2 API client id: the resource service principals consent grants were found on (consistency check). */
    const grantedOn = new Map<string, Map<string, PolicyResource>>();
    /** Service principals by the (known) client id they are for, read once: looked up per app and API below. */
    const spsByClientId = new Map<string, PolicyResource[]>();
    for (const sp of sps) {
      const clientId = read(sp.props, "clientId");
      if (!clientId.known || typeof clientId.value !== "string") continue;
      const key = clientId.value.trim().toLowerCase();
      const list = spsByClientId.get(key);
      if (list === undefined) spsByClientId.set(key, [sp]);
      else list.push(sp);
    }

    for (const app of apps) {
      const settings = settingsFor(app);
      const apis = requestedK2Apis(app, apiAccesses, settings, outcome);
      if (apis.size === 0) continue;
      const appSps = referrers(app, sps, "clientId", clientIdKeys);
      if (appSps.linked.length === 0) {
        if (appSps.undecided.length > 0) outcome.undecidable(`the service principal of ${app.name} (${appSps.undecided.join("; ")})`);
        else {
          outcome.fail(
            `${app.name} requests the K2 API scope '${settings.scope}' but the stack declares no service principal for it, so there is no tenant-wide admin consent; declare a ServicePrincipal and a delegated permission grant`,
            app.urn,
          );
        }
        continue;
      }
      const appGrants = new Map<string, PolicyResource>();
      for (const sp of appSps.linked) {
        const found = referrers(sp, grants, "servicePrincipalObjectId", servicePrincipalKeys);
        for (const why of found.undecided) outcome.undecidable(`consent grants of ${app.name}: ${why}`);
        for (const g of found.linked) appGrants.set(g.urn, g);
      }
      for (const api of apis) {
        const k2Sps = spsByClientId.get(api.trim().toLowerCase()) ?? [];
        const verdicts = [...appGrants.values()].map((g) => ({ grant: g, verdict: judgeGrant(g, api, k2Sps, settings) }));
        const good = verdicts.filter((v) => v.verdict.ok === true);
        if (good.length > 0) {
          for (const { grant, verdict } of good) {
            if (verdict.ok === true && verdict.resourceSp !== undefined) {
              const byApi = grantedOn.get(api) ?? new Map<string, PolicyResource>();
              if (!byApi.has(verdict.resourceSp)) byApi.set(verdict.resourceSp, grant);
              grantedOn.set(api, byApi);
            }
          }
          continue;
        }
        const open = verdicts.flatMap((v) => (v.verdict.ok === "undecided" ? v.verdict.what : []));
        if (open.length > 0) {
          outcome.undecidable(`tenant-wide consent of ${app.name} for '${settings.scope}' (${open.join(", ")})`);
          continue;
        }
        const reasons = verdicts.flatMap((v) => (v.verdict.ok === false ? v.verdict.reasons : []));
        const hint = settings.k2ApiClientId === undefined ? " (taken for the K2 API because it is not a Microsoft API: if it is not, pin the policy's k2ApiClientId)" : "";
        outcome.fail(
          `${app.name} requests the K2 API scope '${settings.scope}' but has no tenant-wide admin consent for it` +
            (reasons.length > 0 ? `: ${reasons.join("; ")}` : ": no delegated permission grant names its service principal") +
            hint,
          app.urn,
        );
      }
    }

    // Without a pinned or recorded K2 API service principal, all consent grants must at least agree on it.
    if (stackK2.k2ApiServicePrincipalObjectId === undefined) {
      for (const byResourceSp of grantedOn.values()) {
        if (byResourceSp.size <= 1) continue;
        const first = [...byResourceSp.values()][0];
        outcome.fail(
          `consent grants for the K2 API name ${byResourceSp.size} different resource service principals (${[...byResourceSp.values()].map((g) => g.name).join(", ")}); all must name the K2 API service principal. Pin the policy's k2ApiServicePrincipalObjectId to check which is right`,
          first.urn,
        );
      }
    }
  },
});
