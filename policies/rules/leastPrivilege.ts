/**
 * entra-app-least-privilege (stack): a K2 client asks for, and is granted, only what signing a user in to K2 needs:
 * - no app role (`Role`: an application permission, which acts without a user) on any API;
 * - delegated scopes only from `allowedScopes`: by default the K2 API scope the stack's clients request ("k2", by the
 *   scope id each ClientApp records) and Microsoft Graph's sign-in scopes openid, profile, email, offline_access and
 *   User.Read (by their well-known ids, lib/wellKnown.ts); other scopes as "<API application id>/<scope id>".
 * Every resource that can carry permissions is read: Application.requiredResourceAccesses, ApplicationApiAccess
 * (roleIds, scopeIds) and ServicePrincipalDelegatedPermissionGrant.claimValues. App roles, and the scopes when
 * allowedScopes does not list "k2", need only the resource's own values: they are judged in Analyze, before the
 * engine creates or updates the resource; the K2 scope and the grants need the clients' records (AnalyzeStack). A grant holds scope values, not ids:
 * on the K2 API's service principal (as the stack's clients record it) they are compared with the K2 scope's value,
 * elsewhere with the Microsoft Graph names allowed; a grant on another API is reported for review (exempt it if it is
 * intended).
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  TYPE_AZUREAD_APPLICATION,
  TYPE_AZUREAD_APPLICATION_API_ACCESS,
  TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
  TYPE_CLIENT_APP,
} from "../../components/contracts";
import { changeHint, clientConfigKey, componentsOf, recorded } from "../lib/components";
import { GRAPH_SIGN_IN_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../lib/wellKnown";
import { stackRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import type { AllowedScope } from "../lib/config";
import { asId, asText } from "../lib/expectations";
import type { Findings } from "../lib/outcome";
import { isOutbound } from "../lib/outbound";
import { ofType } from "../lib/stack";
import { read, readList, type Read } from "../lib/values";

const ROLE = "requests an app role (an application permission, which acts without any user): far more than a K2 client needs; remove it";
const NOT_ALLOWED = 'requests a delegated scope the policy\'s allowedScopes does not list; remove it, or add it to allowedScopes as "<API application id>/<scope id>" if the client needs it';

/** The note for "k2" in allowedScopes where no ClientApp of this project records the K2 API it stands for. */
export const K2_UNRECORDED =
  'allowedScopes lists "k2", the K2 API scope this project\'s ClientApp components record, but the stack has none: "k2" allows nothing here, so list the K2 API scope as "<API application id>/<scope id>"';

interface Allowed {
  /** `<api app id>/<scope id>`, lower-case. */
  pairs: Set<string>;
  /** Scope values allowed in grants on the K2 API's service principal. */
  k2Values: Set<string>;
  /** Scope values allowed in grants on other APIs' service principals (Microsoft Graph names). */
  otherValues: Set<string>;
  /** Object ids of the K2 API service principal, as the stack's clients record it. */
  k2ServicePrincipals: Set<string>;
  /** Some K2 scope id is not known yet (preview). */
  k2Open: boolean;
  /** allowedScopes lists "k2": the K2 API scope the stack's clients record (AnalyzeStack only). */
  k2Listed: boolean;
}

/** What the checks read of a resource (a PolicyResource in AnalyzeStack, the resource analysed in Analyze). */
interface Subject {
  name: string;
  urn: string;
  props: unknown;
}

function allowedOf(entries: readonly AllowedScope[], clients: readonly PolicyResource[]): Allowed {
  const k2 = entries.some((e) => e.kind === "k2");
  const allowed: Allowed = { pairs: allowedPairs(entries), k2Values: new Set(), otherValues: new Set(), k2ServicePrincipals: new Set(), k2Open: false, k2Listed: k2 };
  const graphNames = new Map(Object.entries(GRAPH_SIGN_IN_SCOPES).map(([name, id]) => [id, name]));
  for (const e of entries) {
    if (e.kind !== "scope") continue;
    if (e.resourceAppId === MICROSOFT_GRAPH_APP_ID && graphNames.has(e.scopeId)) allowed.otherValues.add(graphNames.get(e.scopeId) ?? "");
  }
  for (const client of clients) {
    const sp = recorded(client, "k2Api.servicePrincipalObjectId");
    if (sp.known && asId(sp.value) !== undefined) allowed.k2ServicePrincipals.add(asId(sp.value) ?? "");
    if (!k2) continue;
    const [api, scopeId, value] = [recorded(client, "k2Api.clientId"), recorded(client, "k2Api.scopeId"), recorded(client, "k2Api.scope")];
    if (!scopeId.known) allowed.k2Open = true;
    else if (api.known && asId(api.value) !== undefined && asId(scopeId.value) !== undefined) allowed.pairs.add(`${asId(api.value)}/${asId(scopeId.value)}`);
    if (value.known && asText(value.value) !== undefined) allowed.k2Values.add(asText(value.value) ?? "");
  }
  return allowed;
}

/** The `<api app id>/<scope id>` pairs (lower case) of the allowed scopes that name one; "k2" names none by itself. */
export function allowedPairs(entries: readonly AllowedScope[]): Set<string> {
  return new Set(entries.flatMap((e) => (e.kind === "scope" ? [`${e.resourceAppId}/${e.scopeId}`.toLowerCase()] : [])));
}

/**
 * The judgement of one requested permission whose API and id are known: an app role never passes, a delegated scope
 * only when its pair is allowed. What is wrong (this rule's words), or undefined. `npm run adopt` names the findings
 * an adopted client will get with it.
 */
export function requestProblem(type: unknown, resourceAppId: string, id: string, pairs: ReadonlySet<string>): string | undefined {
  if (type === "Role") return ROLE;
  return pairs.has(`${resourceAppId}/${id}`.toLowerCase()) ? undefined : NOT_ALLOWED;
}

/**
 * Which half of the rule judges a requested permission: Analyze (`resource`: app roles, and every scope when
 * allowedScopes does not list "k2", since then no record is needed) or AnalyzeStack (`stack`: the scopes left, which
 * may be the K2 API scope the stack's clients record). Each request is judged in exactly one of the two.
 */
type Phase = "resource" | "stack";

/** One requested permission: its kind and id on an API, or what is not known yet. */
function judgeRequest(phase: Phase, where: string, api: Read, type: Read, id: Read, allowed: Allowed, findings: Findings, urn: string, hint = ""): void {
  if (!type.known) {
    if (phase === "resource") findings.undecidable(`${where}.type`);
    return;
  }
  if (type.value === "Role") {
    if (phase === "resource") findings.fail(`${where} ${ROLE}${hint}`, urn);
    return;
  }
  if ((phase === "stack") !== allowed.k2Listed) return;
  if (!api.known || !id.known) return findings.undecidable(`${where} (which scope it is)`);
  const problem = requestProblem(type.value, String(api.value), String(id.value), allowed.pairs);
  if (problem === undefined) return;
  if (problem === NOT_ALLOWED && allowed.k2Open) return findings.undecidable(`${where} (whether it is the K2 API scope, whose id is not known yet)`);
  findings.fail(`${where} ${problem}${hint}`, urn);
}

/** `hint(i, j)`: where to change requiredResourceAccesses[i].resourceAccesses[j] ("" when no config key is known). */
function checkApplication(phase: Phase, app: Subject, allowed: Allowed, findings: Findings, hint: (i: number, j: number) => string): void {
  const list = readList(app.props, "requiredResourceAccesses");
  if (!list.known) return phase === "resource" ? findings.undecidable(`${app.name}.requiredResourceAccesses`) : undefined;
  (list.items ?? []).forEach((entry, i) => {
    const at = `${app.name}: requiredResourceAccesses[${i}]`;
    if (!entry.known) return phase === "resource" ? findings.undecidable(at) : undefined;
    const api = read(entry.value, "resourceAppId");
    const accesses = readList(entry.value, "resourceAccesses");
    if (!accesses.known) return phase === "resource" ? findings.undecidable(`${at}.resourceAccesses`) : undefined;
    (accesses.items ?? []).forEach((access, j) => {
      const where = `${at}.resourceAccesses[${j}]`;
      if (!access.known) return phase === "resource" ? findings.undecidable(where) : undefined;
      judgeRequest(phase, where, api, read(access.value, "type"), read(access.value, "id"), allowed, findings, app.urn, hint(i, j));
    });
  });
}

function checkApiAccess(phase: Phase, access: Subject, allowed: Allowed, findings: Findings): void {
  const api = read(access.props, "apiClientId");
  if (phase === "resource") {
    const roles = readList(access.props, "roleIds");
    if (!roles.known) findings.undecidable(`${access.name}.roleIds`);
    else (roles.items ?? []).forEach((_, i) => findings.fail(`${access.name}: roleIds[${i}] ${ROLE}`, access.urn));
  }
  const scopes = readList(access.props, "scopeIds");
  if (!scopes.known) return phase === "resource" ? findings.undecidable(`${access.name}.scopeIds`) : undefined;
  (scopes.items ?? []).forEach((id, i) => judgeRequest(phase, `${access.name}: scopeIds[${i}]`, api, { known: true, value: "Scope" }, id, allowed, findings, access.urn));
}

function checkGrant(grant: PolicyResource, allowed: Allowed, findings: Findings): void {
  const sp = read(grant.props, "resourceServicePrincipalObjectId");
  if (!sp.known) return findings.undecidable(`${grant.name}.resourceServicePrincipalObjectId (which API it grants)`);
  const onK2 = allowed.k2ServicePrincipals.has(asId(sp.value) ?? "");
  const values = onK2 ? allowed.k2Values : allowed.otherValues;
  const claims = readList(grant.props, "claimValues");
  if (!claims.known) return findings.undecidable(`${grant.name}.claimValues`);
  (claims.items ?? []).forEach((claim, i) => {
    if (!claim.known) return findings.undecidable(`${grant.name}.claimValues[${i}]`);
    if (typeof claim.value === "string" && values.has(claim.value)) return;
    findings.fail(
      `${grant.name}: claimValues[${i}] grants a scope the policy's allowedScopes does not list for ${onK2 ? "the K2 API" : "this API (grants on APIs other than the K2 API are compared with the Microsoft Graph names allowed)"}; remove it, or exempt the grant if it is intended`,
      grant.urn,
    );
  });
}

export const appLeastPrivilege = stackRule({
  name: "entra-app-least-privilege",
  displayName: "Apps request and are granted only the K2 scope and sign-in scopes",
  description:
    "App registrations must request no app roles (application permissions) and only the delegated scopes in allowedScopes (default: the K2 API scope the stack requests and Microsoft Graph's openid, profile, email, offline_access and User.Read); delegated permission grants must grant only those.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Remove app roles and extra API permissions from the client's requiredResourceAccesses (or ApplicationApiAccess) and extra claim values from its consent grant. A client that truly needs another delegated scope: add \"<API application id>/<scope id>\" to this policy's allowedScopes.",
  url: DOCS.leastPrivilege,
  settings: ["allowedScopes"],
  tags: ["entra-id", "permissions"],
  check({ resources, settings, outcome, notApplicable }) {
    // The outbound app (k2-oauth:outbound) requests what its config declares for K2 to call other services: the
    // k2-outbound-* rules check it; this rule is about K2's clients.
    const inbound = (list: PolicyResource[]) => list.filter((r) => !isOutbound(r.urn));
    const apps = inbound(ofType(resources, TYPE_AZUREAD_APPLICATION));
    const accesses = inbound(ofType(resources, TYPE_AZUREAD_APPLICATION_API_ACCESS));
    const grants = inbound(ofType(resources, TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT));
    if (apps.length + accesses.length + grants.length === 0) notApplicable("the stack declares no API permissions or grants");
    const clients = ofType(resources, TYPE_CLIENT_APP);
    const allowed = allowedOf(settings.allowedScopes, clients);
    if (allowed.k2Listed && clients.length === 0 && apps.length + accesses.length > 0) outcome.advise(K2_UNRECORDED);
    for (const app of apps) {
      // A ClientApp declares the K2 API's entry first, then the client's requiredResourceAccess in order.
      const key = clientConfigKey(componentsOf(app), "requiredResourceAccess");
      checkApplication("stack", app, allowed, outcome, (i, j) => (key !== undefined && i > 0 ? changeHint(`${key}[${i - 1}].resourceAccess[${j}]`) : ""));
    }
    for (const access of accesses) checkApiAccess("stack", access, allowed, outcome);
    for (const grant of grants) checkGrant(grant, allowed, outcome);
  },
  resourcePart: {
    appliesTo: [TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_API_ACCESS],
    check({ type, name, urn, props, settings, outcome, clientSetting }) {
      const allowed = allowedOf(settings.allowedScopes, []);
      // A ClientApp declares the K2 API's entry first, then the client's requiredResourceAccess in order.
      const hint = (i: number, j: number): string => (i > 0 ? changeHint(clientSetting("requiredResourceAccess", i - 1, `.resourceAccess[${j}]`)) : "");
      if (type === TYPE_AZUREAD_APPLICATION) checkApplication("resource", { name, urn, props }, allowed, outcome, hint);
      else checkApiAccess("resource", { name, urn, props }, allowed, outcome);
    },
  },
});
