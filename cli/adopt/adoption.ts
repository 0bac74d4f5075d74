/**
 * What `npm run adopt` makes of the apps it read: for each app registration that requests the K2 API, either a client
 * entry for the stack file that declares the app exactly as it is (so that the first `pulumi up` imports it with no
 * update), with the ids to import, or the reasons it is left to be managed by hand.
 *
 * The rule: adopt takes over an app only when this project can declare everything the azuread provider reads back
 * from it. The provider (terraform-provider-azuread v3.8.0, behind @pulumi/azuread 6.9.1) reads back every argument
 * of `azuread_application` and `azuread_service_principal` that is Optional and not Computed; a value the program does
 * not declare is removed by the update that follows the import (Pulumi CLI 3.174 and later imports, then updates;
 * older CLIs fail the import). Settings this project declares (and so reproduces): display name, owners, web redirect
 * URIs, the implicit grant flags, the sign-in audience, the requested permissions (the K2 API scope, and other APIs as
 * they are), the service principal's owners and "assignment required", the tenant-wide consent for the K2 API scope.
 * Anything else that is set (identifier URIs, app roles, SPA or public client redirect URIs, optional claims, a
 * logout URL, ...) makes adopt leave the app and say which settings to remove first.
 *
 * Existing client secrets and certificates are never imported or changed (an ApplicationPassword cannot be imported
 * and its value cannot be read); they are reported with their end dates.
 */
import { DEFAULT_MIN_OWNERS, SETTINGS } from "../../policies/lib/config";
import { appImplicitGrant } from "../../policies/rules/appImplicitGrant";
import { appOwners } from "../../policies/rules/appOwners";
import { appSingleTenant } from "../../policies/rules/appSingleTenant";
import { allowedPairs, appLeastPrivilege, requestProblem } from "../../policies/rules/leastPrivilege";
import { clientProblems, DEFAULT_SECRET, DEFAULT_SIGN_IN_AUDIENCE } from "../../components/config";
import { IMPORT_IDS } from "../../components/contracts";
import { isProjectSecretName } from "../../components/secretDeclarations";
import { flag, object, objects, text, texts, type GraphObject } from "./graph";
import { uniqueSlug } from "./slugs";
import type { ApiPrincipal, AppRead, Owner, TenantRead } from "./tenant";

export interface ResourceAccessEntry {
  resourceAppId: string;
  resourceAccess: Array<{ id: string; type: "Scope" | "Role" }>;
}

/** A client as adopt writes it to `k2-oauth:clients` (keys with their defaults are left out). */
export interface ClientEntry {
  name: string;
  displayName: string;
  redirectUris: string[];
  owners: string[];
  signInAudience?: string;
  implicitGrant?: { accessTokens: boolean; idTokens: boolean };
  servicePrincipal?: { owners?: string[]; appRoleAssignmentRequired?: boolean };
  requiredResourceAccess?: ResourceAccessEntry[];
  secret: { lifetimeDays: number; rotateAfterDays: number; startDate: string };
  /** `since`: the adoption day (keeps the client adopted once the ids are removed); the ids the first pulumi up imports. */
  adopt: { since: string; applicationObjectId: string; servicePrincipalObjectId?: string; grantId?: string };
}

/** A policy of this project's pack that will report the adopted client, and the change that settles it. */
export interface ExpectedFinding {
  policy: string;
  level: "mandatory" | "advisory";
  /** The resource the finding names: `<client>-app`. */
  resource: string;
  message: string;
  /** What to change in the stack file after the adoption (and why it is left as it is now). */
  change: string;
}

/** An existing client secret or certificate, metadata only. */
export interface CredentialNote {
  kind: "client secret" | "certificate";
  keyId: string;
  displayName: string;
  endDate: string | undefined;
}

export interface AdoptedClient {
  entry: ClientEntry;
  appId: string;
  /** Resources the first `pulumi up` imports, by their role. */
  imports: Array<{ what: "app registration" | "service principal" | "tenant-wide consent"; id: string; importId: string }>;
  /** Resources the first `pulumi up` creates because the app has none yet. */
  creates: string[];
  findings: ExpectedFinding[];
  credentials: CredentialNote[];
  /** The owners as the report names them (user principal names), of the app and, when they differ, its service principal. */
  owners: { app: string; servicePrincipal: string | undefined };
  /** Consents and other things that stay as they are, unmanaged. */
  leftAsIs: string[];
  /** Human names of the other APIs' permissions, by `resourceAppId/id`, for the stack file's comments and the report. */
  permissionNames: ReadonlyMap<string, string>;
}

export interface SkippedApp {
  id: string;
  appId: string;
  displayName: string;
  reasons: string[];
}

/** A display name more than one app has: the names adopt gave them. */
export interface SharedDisplayName {
  displayName: string;
  names: string[];
}

export interface Adoption {
  clients: AdoptedClient[];
  skipped: SkippedApp[];
  /** Apps the stack already declares (adopted before): left as they are in the stack file. */
  alreadyAdopted: Array<{ name: string; displayName: string; id: string }>;
  /**
   * Apps the stack already declares by display name that carry this project's client secrets: created (or taken over)
   * by this stack's own pulumi up, left as they are in the stack file.
   */
  alreadyManaged: Array<{ name: string; displayName: string; id: string }>;
  sharedDisplayNames: SharedDisplayName[];
}

/** A client already in the stack file, as far as adopt needs to know it. */
export interface ExistingClient {
  name: string;
  displayName: string | undefined;
  applicationObjectId: string | undefined;
}

/** Another stack file of the project in the same tenant, and the clients it declares. */
export interface OtherStack {
  /** Its path as messages show it, like `stacks/Pulumi.prod.yaml`. */
  label: string;
  clients: readonly ExistingClient[];
}

export interface AdoptionContext {
  /** The K2 API's delegated scope value (k2-oauth:k2Api.scope) and its id in this tenant. */
  scope: { value: string; id: string };
  existing: readonly ExistingClient[];
  /** The project's other stack files with the same tenant: an app one of them declares is theirs. Default: none. */
  otherStacks?: readonly OtherStack[];
  /** The adoption day (`YYYY-MM-DD`, UTC): the managed secrets' schedule starts then. */
  today: string;
}

// ---------------------------------------------------------------------------------------------------------------
// What the provider would change: settings outside what this project declares
// ---------------------------------------------------------------------------------------------------------------

function shown(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => shown(v)).join(", ");
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "object" && value !== null) return "(set)";
  return String(value);
}

function nonEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * Application settings the components do not declare, which the provider reads back (and the update after an import
 * would clear), as `setting: value` (Graph's property names). terraform-provider-azuread v3.8.0,
 * internal/services/applications/application_resource.go: the Optional, non-Computed arguments and the diff
 * suppression of empty `api`, `optional_claims`, `public_client` and `single_page_application` blocks.
 */
export function unsupportedAppSettings(app: GraphObject): string[] {
  const out: string[] = [];
  const add = (setting: string, value: unknown) => {
    if (nonEmpty(value)) out.push(`${setting}: ${shown(value)}`);
  };
  add("identifierUris", texts(app, "identifierUris"));
  add("appRoles", objects(app, "appRoles").map((r) => text(r, "value") ?? text(r, "id") ?? "?"));
  const api = object(app, "api");
  add("api.knownClientApplications", texts(api, "knownClientApplications"));
  add("api.acceptMappedClaims", flag(api, "acceptMappedClaims"));
  add("api.oauth2PermissionScopes", objects(api, "oauth2PermissionScopes").map((s) => text(s, "value") ?? "?"));
  const version = api?.requestedAccessTokenVersion;
  if (typeof version === "number" && version > 1) out.push(`api.requestedAccessTokenVersion: ${version}`);
  add("description", text(app, "description"));
  add("notes", text(app, "notes"));
  add("serviceManagementReference", text(app, "serviceManagementReference"));
  add("isDeviceOnlyAuthSupported", flag(app, "isDeviceOnlyAuthSupported"));
  add("isFallbackPublicClient", flag(app, "isFallbackPublicClient"));
  // ASSUMPTION (not verified on a live tenant): v1.0's metadata names this oauth2RequirePostResponse, while the
  // service's JSON has been seen to spell it oauth2RequiredPostResponse (microsoftgraph/msgraph-sdk-dotnet#2890;
  // terraform-provider-azuread reads it from beta because v1.0 may not return it, msgraph-metadata#273). Both
  // spellings are read; `$select` can only name the first.
  add("oauth2RequirePostResponse", flag(app, "oauth2RequirePostResponse"));
  add("oauth2RequiredPostResponse", flag(app, "oauth2RequiredPostResponse"));
  add("groupMembershipClaims", text(app, "groupMembershipClaims"));
  const claims = object(app, "optionalClaims");
  for (const kind of ["accessToken", "idToken", "saml2Token"]) add(`optionalClaims.${kind}`, objects(claims, kind).map((c) => text(c, "name") ?? "?"));
  const info = object(app, "info");
  for (const url of ["marketingUrl", "privacyStatementUrl", "supportUrl", "termsOfServiceUrl"]) add(`info.${url}`, text(info, url));
  add("publicClient.redirectUris", texts(object(app, "publicClient"), "redirectUris"));
  add("spa.redirectUris", texts(object(app, "spa"), "redirectUris"));
  const web = object(app, "web");
  add("web.homePageUrl", text(web, "homePageUrl"));
  add("web.logoutUrl", text(web, "logoutUrl"));
  return out;
}

/**
 * Service principal settings the components do not declare (service_principal_resource.go: `account_enabled` defaults
 * to true; the other Optional, non-Computed arguments).
 */
export function unsupportedServicePrincipalSettings(sp: GraphObject): string[] {
  const out: string[] = [];
  const add = (setting: string, value: unknown) => {
    if (nonEmpty(value)) out.push(`servicePrincipal.${setting}: ${shown(value)}`);
  };
  if (flag(sp, "accountEnabled") === false) out.push("servicePrincipal.accountEnabled: false (sign-in disabled)");
  add("alternativeNames", texts(sp, "alternativeNames"));
  add("description", text(sp, "description"));
  add("loginUrl", text(sp, "loginUrl"));
  add("notes", text(sp, "notes"));
  add("notificationEmailAddresses", texts(sp, "notificationEmailAddresses"));
  add("preferredSingleSignOnMode", text(sp, "preferredSingleSignOnMode"));
  add("samlSingleSignOnSettings.relayState", text(object(sp, "samlSingleSignOnSettings"), "relayState"));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Decisions per app
// ---------------------------------------------------------------------------------------------------------------

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

/** GUIDs compare without case. */
function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return sameSet(
    a.map((s) => s.toLowerCase()),
    b.map((s) => s.toLowerCase()),
  );
}

function scopesOf(grant: GraphObject): string[] {
  return (text(grant, "scope") ?? "").split(" ").filter((s) => s !== "");
}

function requiredAccess(app: GraphObject): ResourceAccessEntry[] {
  return objects(app, "requiredResourceAccess").map((entry) => ({
    resourceAppId: (text(entry, "resourceAppId") ?? "").toLowerCase(),
    resourceAccess: objects(entry, "resourceAccess").map((a) => ({ id: (text(a, "id") ?? "").toLowerCase(), type: text(a, "type") === "Role" ? "Role" : "Scope" })),
  }));
}

function permissionName(api: ApiPrincipal | undefined, access: { id: string; type: "Scope" | "Role" }): string {
  const value = access.type === "Scope" ? api?.scopes.get(access.id) : api?.roles.get(access.id);
  const kind = access.type === "Scope" ? "delegated" : "application permission";
  return `${api?.displayName ?? "an API not in this tenant"}: ${value ?? access.id} (${kind})`;
}

function credentialsOf(app: GraphObject): CredentialNote[] {
  const notes = (kind: CredentialNote["kind"], list: GraphObject[]) =>
    list.map((c) => ({ kind, keyId: text(c, "keyId") ?? "?", displayName: text(c, "displayName") ?? "", endDate: text(c, "endDateTime") }));
  return [...notes("client secret", objects(app, "passwordCredentials")), ...notes("certificate", objects(app, "keyCredentials"))];
}

/** Owners as the report names them: `alice@contoso.example`, or `none`. */
function ownerList(owners: readonly Owner[]): string {
  return owners.length === 0 ? "none" : owners.map((o) => o.label).join(", ");
}

/**
 * The tenant-wide consent the first `pulumi up` creates for an app that has none: a change of access, worded as one
 * (every user of the tenant can then use the app for K2 without consenting), with how many had consented before.
 */
function widenedAccess(scope: string, perUser: number): string {
  const before = perUser === 0 ? "no user had consented" : `only the ${perUser} user${perUser === 1 ? "" : "s"} who consented themselves could`;
  return (
    `tenant-wide consent to the K2 API scope '${scope}' (there is none yet). This widens access: it grants the scope through this app for every user of the tenant, where before ${before}. ` +
    "If that is not wanted, remove this client from the stack file before pulumi up and keep managing the app by hand"
  );
}

interface Decided {
  entry: Omit<ClientEntry, "name">;
  adopted: Omit<AdoptedClient, "entry" | "appId">;
}

function decide(app: AppRead, tenant: TenantRead, ctx: AdoptionContext): Decided | { reasons: string[] } {
  if (app.unreadable !== undefined) return { reasons: [`Microsoft Graph refused to show all of it (--skip-unreadable): ${app.unreadable}`] };
  const sp = app.servicePrincipal;
  const reasons: string[] = [];
  const unsupported = [...unsupportedAppSettings(app.object), ...(sp === undefined ? [] : unsupportedServicePrincipalSettings(sp.object))];
  const trimmed = app.displayName.trim();
  if (trimmed !== app.displayName) {
    // The config trims display names, and the provider reads the name back as Graph holds it.
    reasons.push(
      `its display name '${app.displayName}' begins or ends with blanks, which this project's config trims: the first pulumi up would rename it to '${trimmed}'. Rename it to '${trimmed}' in the Entra admin center, then run adopt again`,
    );
  }
  if (unsupported.length > 0) {
    reasons.push(
      `it sets what this project does not declare, so the first pulumi up would remove it: ${unsupported.join("; ")}. Remove these settings in the Entra admin center if nothing needs them, then run adopt again`,
    );
  }

  const access = requiredAccess(app.object);
  const k2 = access.filter((e) => e.resourceAppId === tenant.k2Api.appId);
  const wantedK2 = [{ id: ctx.scope.id.toLowerCase(), type: "Scope" }];
  if (k2.length !== 1 || JSON.stringify(k2[0].resourceAccess) !== JSON.stringify(wantedK2)) {
    const asked = k2.flatMap((e) => e.resourceAccess).map((a) => permissionName(tenant.k2Api, a));
    reasons.push(
      `it requests ${asked.length > 0 ? asked.join(", ") : "nothing"} of the K2 API, where this project declares exactly the delegated scope '${ctx.scope.value}'`,
    );
  }
  const others = access.filter((e) => e.resourceAppId !== tenant.k2Api.appId);
  for (const e of others) {
    if (e.resourceAccess.length === 0) reasons.push(`it lists the API ${e.resourceAppId} without any permission`);
  }

  let grantId: string | undefined;
  let perUser = 0;
  const leftAsIs: string[] = [];
  if (sp !== undefined) {
    const k2Grants = sp.grants.filter((g) => (text(g, "resourceId") ?? "").toLowerCase() === tenant.k2Api.id.toLowerCase());
    const tenantWide = k2Grants.filter((g) => text(g, "consentType") === "AllPrincipals");
    if (tenantWide.length > 1) reasons.push(`its service principal has ${tenantWide.length} tenant-wide grants to the K2 API`);
    else if (tenantWide.length === 1) {
      const scopes = scopesOf(tenantWide[0]);
      // Exactly, case included: the provider's claim_values is a case-sensitive set (`User_Impersonation` would be updated).
      if (!sameSet(scopes, [ctx.scope.value])) {
        reasons.push(`its tenant-wide consent to the K2 API grants '${scopes.join(" ")}', where this project declares exactly '${ctx.scope.value}'`);
      } else grantId = text(tenantWide[0], "id");
    }
    perUser = k2Grants.length - tenantWide.length;
    if (perUser > 0) leftAsIs.push(`${perUser} user consent${perUser === 1 ? "" : "s"} to the K2 API (per user, not tenant-wide)`);
    for (const g of sp.grants) {
      const resource = (text(g, "resourceId") ?? "").toLowerCase();
      if (resource === tenant.k2Api.id.toLowerCase()) continue;
      const api = [...tenant.otherApis.values()].find((a) => a.id.toLowerCase() === resource);
      const who = text(g, "consentType") === "AllPrincipals" ? "tenant-wide consent" : "a user's consent";
      leftAsIs.push(`${who} to ${api?.displayName ?? `the service principal ${resource}`}: ${scopesOf(g).join(" ") || "no scopes"}`);
    }
  }
  if (reasons.length > 0) return { reasons };

  const web = object(app.object, "web");
  const implicit = object(web, "implicitGrantSettings");
  const accessTokens = flag(implicit, "enableAccessTokenIssuance") === true;
  const idTokens = flag(implicit, "enableIdTokenIssuance") === true;
  const signInAudience = text(app.object, "signInAudience") ?? DEFAULT_SIGN_IN_AUDIENCE;
  const owners = app.owners.map((o) => o.id);
  const entry: Omit<ClientEntry, "name"> = {
    displayName: app.displayName,
    redirectUris: texts(web, "redirectUris"),
    owners,
    ...(signInAudience !== DEFAULT_SIGN_IN_AUDIENCE ? { signInAudience } : {}),
    ...(accessTokens || idTokens ? { implicitGrant: { accessTokens, idTokens } } : {}),
    secret: { lifetimeDays: DEFAULT_SECRET.lifetimeDays, rotateAfterDays: DEFAULT_SECRET.rotateAfterDays, startDate: ctx.today },
    adopt: { since: ctx.today, applicationObjectId: app.id },
  };
  if (sp !== undefined) {
    const spOwners = sp.owners.map((o) => o.id);
    const assignmentRequired = flag(sp.object, "appRoleAssignmentRequired") === true;
    const spEntry = { ...(!sameIds(spOwners, owners) ? { owners: spOwners } : {}), ...(assignmentRequired ? { appRoleAssignmentRequired: true } : {}) };
    if (Object.keys(spEntry).length > 0) entry.servicePrincipal = spEntry;
    entry.adopt.servicePrincipalObjectId = sp.id;
    if (grantId !== undefined) entry.adopt.grantId = grantId;
  }
  if (others.length > 0) entry.requiredResourceAccess = others;

  const permissionNames = new Map<string, string>();
  for (const e of others) {
    for (const a of e.resourceAccess) permissionNames.set(`${e.resourceAppId}/${a.id}`, permissionName(tenant.otherApis.get(e.resourceAppId), a));
  }
  const imports: AdoptedClient["imports"] = [{ what: "app registration", id: app.id, importId: IMPORT_IDS.application(app.id) }];
  const creates: string[] = [];
  if (sp === undefined) creates.push("its service principal (the app has none in this tenant)", widenedAccess(ctx.scope.value, 0));
  else {
    imports.push({ what: "service principal", id: sp.id, importId: IMPORT_IDS.servicePrincipal(sp.id) });
    if (grantId !== undefined) imports.push({ what: "tenant-wide consent", id: grantId, importId: IMPORT_IDS.delegatedPermissionGrant(grantId) });
    else creates.push(widenedAccess(ctx.scope.value, perUser));
  }
  const ownerLabels = { app: ownerList(app.owners), servicePrincipal: sp !== undefined && entry.servicePrincipal?.owners !== undefined ? ownerList(sp.owners) : undefined };
  return { entry, adopted: { imports, creates, findings: [], credentials: credentialsOf(app.object), owners: ownerLabels, leftAsIs, permissionNames } };
}

/** The delegated scopes the least-privilege rule allows with the pack's defaults (`allowedScopes`), as pairs. */
const DEFAULT_ALLOWED_PAIRS = allowedPairs(SETTINGS.allowedScopes.read(undefined));

/**
 * The findings this project's policy pack, with its default settings, will report for an adopted client, with the
 * change that settles each (the offline plan of a stack without its own policy config shows exactly these).
 */
export function expectedFindings(name: string, entry: Omit<ClientEntry, "name">, permissionNames: ReadonlyMap<string, string>): ExpectedFinding[] {
  const resource = `${name}-app`;
  const findings: ExpectedFinding[] = [];
  const level = (rule: { enforcementLevel?: string }) => (rule.enforcementLevel === "mandatory" ? "mandatory" : "advisory");
  const disabled = new Set([appImplicitGrant, appSingleTenant, appOwners, appLeastPrivilege].filter((r) => r.enforcementLevel === "disabled").map((r) => r.name));
  const implicit = [
    ["accessTokens", "access tokens", entry.implicitGrant?.accessTokens === true],
    ["idTokens", "ID tokens", entry.implicitGrant?.idTokens === true],
  ] as const;
  for (const [key, tokens, on] of implicit) {
    if (!on) continue;
    findings.push({
      policy: appImplicitGrant.name,
      level: level(appImplicitGrant),
      resource,
      message: `the app issues ${tokens} through the implicit grant`,
      change: `once its consumers use the authorization code flow, set implicitGrant.${key}: false for client ${name} (adopt keeps it on: turning it off at import would break a consumer that uses it)`,
    });
  }
  if ((entry.signInAudience ?? DEFAULT_SIGN_IN_AUDIENCE) !== DEFAULT_SIGN_IN_AUDIENCE) {
    findings.push({
      policy: appSingleTenant.name,
      level: level(appSingleTenant),
      resource,
      message: `the app's sign-in audience is ${entry.signInAudience ?? ""}`,
      change: `unless users of other tenants sign in through it, remove signInAudience from client ${name} (single tenant)`,
    });
  }
  if (entry.owners.length < DEFAULT_MIN_OWNERS) {
    findings.push({
      policy: appOwners.name,
      level: level(appOwners),
      resource,
      message: entry.owners.length === 0 ? "the app has no owners" : `the app has ${entry.owners.length} owners, fewer than ${DEFAULT_MIN_OWNERS}`,
      change: `add the object ids of the people who look after it to owners of client ${name}`,
    });
  }
  for (const e of entry.requiredResourceAccess ?? []) {
    for (const a of e.resourceAccess) {
      const problem = requestProblem(a.type, e.resourceAppId, a.id, DEFAULT_ALLOWED_PAIRS);
      if (problem === undefined) continue;
      findings.push({
        policy: appLeastPrivilege.name,
        level: level(appLeastPrivilege),
        resource,
        message: `the app requests ${permissionNames.get(`${e.resourceAppId}/${a.id}`) ?? a.id}: it ${problem}`,
        change:
          `once no consumer needs it, remove it (id ${a.id}) from the requiredResourceAccess entry ${e.resourceAppId} of client ${name}` +
          (a.type === "Scope" ? `; if a consumer does need it, add "${e.resourceAppId}/${a.id}" to allowedScopes of ${appLeastPrivilege.name} in the stack's policy config` : ""),
      });
    }
  }
  return findings.filter((f) => !disabled.has(f.policy));
}

/** Whether the app has a client secret this project created (components/secretDeclarations.ts names them). */
function projectSecrets(app: AppRead): boolean {
  return objects(app.object, "passwordCredentials").some((c) => isProjectSecretName(text(c, "displayName") ?? ""));
}

/** The client of another stack (same tenant) that declares the app: by its adopt id, or by its display name. */
function otherStackClaim(app: AppRead, stacks: readonly OtherStack[]): { stack: string; client: ExistingClient; by: string } | undefined {
  for (const stack of stacks) {
    const byId = stack.clients.find((c) => c.applicationObjectId?.toLowerCase() === app.id.toLowerCase());
    if (byId !== undefined) return { stack: stack.label, client: byId, by: "by its object id (adopt.applicationObjectId)" };
    const byName = stack.clients.find((c) => c.applicationObjectId === undefined && c.displayName === app.displayName);
    if (byName !== undefined) return { stack: stack.label, client: byName, by: "by its display name" };
  }
  return undefined;
}

/** Decides every app; names new clients uniquely against the stack's and each other's names. */
export function decideAdoption(tenant: TenantRead, ctx: AdoptionContext): Adoption {
  const taken = new Set(ctx.existing.map((c) => c.name));
  const byObjectId = new Map(ctx.existing.flatMap((c) => (c.applicationObjectId === undefined ? [] : [[c.applicationObjectId.toLowerCase(), c] as const])));
  const clients: AdoptedClient[] = [];
  const skipped: SkippedApp[] = [];
  const alreadyAdopted: Adoption["alreadyAdopted"] = [];
  const alreadyManaged: Adoption["alreadyManaged"] = [];
  const skip = (app: AppRead, reason: string) => skipped.push({ id: app.id, appId: app.appId, displayName: app.displayName, reasons: [reason] });
  for (const app of tenant.apps) {
    const known = byObjectId.get(app.id.toLowerCase());
    if (known !== undefined) {
      alreadyAdopted.push({ name: known.name, displayName: app.displayName, id: app.id });
      continue;
    }
    const elsewhere = otherStackClaim(app, ctx.otherStacks ?? []);
    if (elsewhere !== undefined) {
      skip(
        app,
        `client '${elsewhere.client.name}' of ${elsewhere.stack} (same tenant) declares it ${elsewhere.by}: two stacks would manage one app, each with its own secrets, undoing each other's changes. Manage it there; adopt it here only after removing it there`,
      );
      continue;
    }
    const projectMade = projectSecrets(app);
    const declared = ctx.existing.find((c) => c.applicationObjectId === undefined && c.displayName === app.displayName);
    if (declared !== undefined && projectMade) {
      alreadyManaged.push({ name: declared.name, displayName: app.displayName, id: app.id });
      continue;
    }
    if (projectMade) {
      skip(
        app,
        "it was created and is managed by a k2-oauth stack (its client secrets carry this project's names, like 'k2-oauth slot a (generation 1, until …)'): declare it in that stack, not here",
      );
      continue;
    }
    if (declared !== undefined) {
      skip(
        app,
        `the stack already declares client '${declared.name}' with this display name but without adopt ids. If that client has not been deployed yet, a pulumi up would create a second app: add adopt.applicationObjectId: ${app.id} to it (and adopt again to check it), or remove the client`,
      );
      continue;
    }
    const decided = decide(app, tenant, ctx);
    if ("reasons" in decided) {
      skipped.push({ id: app.id, appId: app.appId, displayName: app.displayName, reasons: decided.reasons });
      continue;
    }
    const name = uniqueSlug(app.displayName, app.appId, taken);
    const entry: ClientEntry = { name, ...decided.entry };
    // The stack's own rules for a client (https redirect URIs, the display name's length...): refused, it is left out.
    const problems = clientProblems(entry, ctx.existing.length + clients.length);
    if (problems.length > 0) {
      taken.delete(name);
      skipped.push({
        id: app.id,
        appId: app.appId,
        displayName: app.displayName,
        reasons: [`this project's config refuses what the app has: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}. Change it in the Entra admin center if nothing needs it, then run adopt again`],
      });
      continue;
    }
    clients.push({ ...decided.adopted, entry, appId: app.appId, findings: expectedFindings(name, decided.entry, decided.adopted.permissionNames) });
  }
  const groups = new Map<string, string[]>();
  for (const c of clients) groups.set(c.entry.displayName, [...(groups.get(c.entry.displayName) ?? []), c.entry.name]);
  for (const c of [...alreadyAdopted, ...alreadyManaged]) groups.set(c.displayName, [...(groups.get(c.displayName) ?? []), c.name]);
  const sharedDisplayNames = [...groups].filter(([, names]) => names.length > 1).map(([displayName, names]) => ({ displayName, names }));
  return { clients, skipped, alreadyAdopted, alreadyManaged, sharedDisplayNames };
}
