/**
 * A model of what the azuread provider reads into state when the engine imports an app registration, a service
 * principal or a delegated permission grant, and of which declared inputs its plan would then change: the update that
 * Pulumi CLI 3.174 and later run right after an import (older CLIs fail the import instead). The test oracle of adopt's
 * round trip: the stack file adopt writes, run through the program, must declare exactly what is imported.
 *
 * Source: hashicorp/terraform-provider-azuread v3.8.0 (the provider @pulumi/azuread 6.9.1 bridges):
 * - internal/services/applications/application_resource.go: the schema (Optional, Computed, Default of each
 *   argument), applicationResourceRead (what is read back; `prevent_duplicate_names` and `logo_image` are not), and
 *   applicationDiffSuppress (an empty `api`, `optional_claims`, `public_client`, `single_page_application`, `web` or
 *   `web.implicit_grant` block read back is not a change when the program declares none);
 * - internal/services/applications/applications.go: the flatten functions (the `web` block always one element,
 *   `implicit_grant` always present, `resource_access` a list in Graph's order);
 * - internal/services/serviceprincipals/service_principal_resource.go: the schema (`account_enabled` defaults to
 *   true, `client_id` forces a new resource) and servicePrincipalResourceRead;
 * - internal/services/serviceprincipals/service_principal_delegated_permission_grant_resource.go: the three object
 *   ids force a new resource, `claim_values` is Graph's space-separated scope split (tf.FromSpaceSeparated).
 * Attributes that are Computed (tags, feature tags, template id, client id of the app) never show as a change when
 * not declared, and are left out. The bridge drops an argument equal to its zero value or default from the imported
 * inputs (pulumi-terraform-bridge v3.130.0, pkg/tfbridge/schema.go, extractSchemaInputsObject); the comparison
 * below treats absent, empty and default alike for the same reason.
 * ASSUMPTION: Graph's JSON maps to the provider's attributes as the flatten functions read the SDK models of it.
 */
import type { GraphJson } from "../doubles/graphServer";

type Kind = "scalar" | "set" | "list" | "block";

interface Attribute {
  kind: Kind;
  /** The value the provider plans when the program does not declare the argument. */
  default?: unknown;
  /** A change of this argument replaces the resource. */
  forceNew?: boolean;
  /** Block attributes (kind "block"): its own arguments. */
  block?: Readonly<Record<string, Attribute>>;
  /** A list of objects whose order matters inside (required_resource_access's resource_access). */
  setOfObjects?: boolean;
}

const scalar: Attribute = { kind: "scalar" };
const set: Attribute = { kind: "set" };

const APPLICATION: Readonly<Record<string, Attribute>> = {
  displayName: scalar,
  signInAudience: { kind: "scalar", default: "AzureADMyOrg" },
  owners: set,
  preventDuplicateNames: { kind: "scalar", default: false },
  description: scalar,
  notes: scalar,
  serviceManagementReference: scalar,
  marketingUrl: scalar,
  privacyStatementUrl: scalar,
  supportUrl: scalar,
  termsOfServiceUrl: scalar,
  deviceOnlyAuthEnabled: scalar,
  fallbackPublicClientEnabled: scalar,
  oauth2PostResponseRequired: scalar,
  identifierUris: set,
  groupMembershipClaims: set,
  appRoles: set,
  requiredResourceAccesses: { kind: "set", setOfObjects: true },
  web: {
    kind: "block",
    block: {
      homepageUrl: scalar,
      logoutUrl: scalar,
      redirectUris: set,
      implicitGrant: { kind: "block", block: { accessTokenIssuanceEnabled: scalar, idTokenIssuanceEnabled: scalar } },
    },
  },
  api: { kind: "block", block: { knownClientApplications: set, mappedClaimsEnabled: scalar, oauth2PermissionScopes: set, requestedAccessTokenVersion: { kind: "scalar", default: 1 } } },
  optionalClaims: { kind: "block", block: { accessTokens: set, idTokens: set, saml2Tokens: set } },
  publicClient: { kind: "block", block: { redirectUris: set } },
  singlePageApplication: { kind: "block", block: { redirectUris: set } },
};

const SERVICE_PRINCIPAL: Readonly<Record<string, Attribute>> = {
  clientId: { kind: "scalar", forceNew: true },
  accountEnabled: { kind: "scalar", default: true },
  appRoleAssignmentRequired: scalar,
  owners: set,
  alternativeNames: set,
  description: scalar,
  loginUrl: scalar,
  notes: scalar,
  notificationEmailAddresses: set,
  preferredSingleSignOnMode: scalar,
  samlSingleSignOn: { kind: "block", block: { relayState: scalar } },
};

const GRANT: Readonly<Record<string, Attribute>> = {
  servicePrincipalObjectId: { kind: "scalar", forceNew: true },
  resourceServicePrincipalObjectId: { kind: "scalar", forceNew: true },
  userObjectId: { kind: "scalar", forceNew: true },
  claimValues: set,
};

export const SCHEMAS = { application: APPLICATION, servicePrincipal: SERVICE_PRINCIPAL, grant: GRANT } as const;
export type ModelledType = keyof typeof SCHEMAS;

// ---------------------------------------------------------------------------------------------------------------
// What an import reads (Graph JSON → the provider's attributes, under the Pulumi input names)
// ---------------------------------------------------------------------------------------------------------------

const obj = (v: unknown): GraphJson => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as GraphJson) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const bool = (v: unknown): boolean => v === true;

export function importedApplication(app: GraphJson, ownerIds: readonly string[]): GraphJson {
  const web = obj(app.web);
  const implicit = obj(web.implicitGrantSettings);
  const api = obj(app.api);
  const info = obj(app.info);
  const claims = obj(app.optionalClaims);
  const claimNames = (k: string) => list(claims[k]).map((c) => str(obj(c).name));
  return {
    displayName: str(app.displayName),
    signInAudience: str(app.signInAudience),
    owners: [...ownerIds],
    // Not read from Graph: kept from state, which an import starts without (application_resource.go, read).
    preventDuplicateNames: false,
    description: str(app.description),
    notes: str(app.notes),
    serviceManagementReference: str(app.serviceManagementReference),
    marketingUrl: str(info.marketingUrl),
    privacyStatementUrl: str(info.privacyStatementUrl),
    supportUrl: str(info.supportUrl),
    termsOfServiceUrl: str(info.termsOfServiceUrl),
    deviceOnlyAuthEnabled: bool(app.isDeviceOnlyAuthSupported),
    fallbackPublicClientEnabled: bool(app.isFallbackPublicClient),
    oauth2PostResponseRequired: bool(app.oauth2RequirePostResponse),
    identifierUris: list(app.identifierUris).map(str),
    groupMembershipClaims: str(app.groupMembershipClaims) === "" ? [] : str(app.groupMembershipClaims).split(",").map((c) => c.trim()),
    appRoles: list(app.appRoles).map((r) => str(obj(r).id)),
    requiredResourceAccesses: list(app.requiredResourceAccess).map((e) => ({
      resourceAppId: str(obj(e).resourceAppId),
      resourceAccesses: list(obj(e).resourceAccess).map((a) => ({ id: str(obj(a).id), type: str(obj(a).type) })),
    })),
    web: {
      homepageUrl: str(web.homePageUrl),
      logoutUrl: str(web.logoutUrl),
      redirectUris: list(web.redirectUris).map(str),
      implicitGrant: { accessTokenIssuanceEnabled: bool(implicit.enableAccessTokenIssuance), idTokenIssuanceEnabled: bool(implicit.enableIdTokenIssuance) },
    },
    api: {
      knownClientApplications: list(api.knownClientApplications).map(str),
      mappedClaimsEnabled: bool(api.acceptMappedClaims),
      oauth2PermissionScopes: list(api.oauth2PermissionScopes).map((s) => str(obj(s).id)),
      // null is flattened as 1 (applications.go, flattenApplicationApi).
      requestedAccessTokenVersion: typeof api.requestedAccessTokenVersion === "number" ? api.requestedAccessTokenVersion : 1,
    },
    optionalClaims: { accessTokens: claimNames("accessToken"), idTokens: claimNames("idToken"), saml2Tokens: claimNames("saml2Token") },
    publicClient: { redirectUris: list(obj(app.publicClient).redirectUris).map(str) },
    singlePageApplication: { redirectUris: list(obj(app.spa).redirectUris).map(str) },
  };
}

export function importedServicePrincipal(sp: GraphJson, ownerIds: readonly string[]): GraphJson {
  return {
    clientId: str(sp.appId),
    accountEnabled: sp.accountEnabled !== false,
    appRoleAssignmentRequired: bool(sp.appRoleAssignmentRequired),
    owners: [...ownerIds],
    alternativeNames: list(sp.alternativeNames).map(str),
    description: str(sp.description),
    loginUrl: str(sp.loginUrl),
    notes: str(sp.notes),
    notificationEmailAddresses: list(sp.notificationEmailAddresses).map(str),
    preferredSingleSignOnMode: str(sp.preferredSingleSignOnMode),
    samlSingleSignOn: { relayState: str(obj(sp.samlSingleSignOnSettings).relayState) },
  };
}

export function importedGrant(grant: GraphJson): GraphJson {
  return {
    servicePrincipalObjectId: str(grant.clientId),
    resourceServicePrincipalObjectId: str(grant.resourceId),
    userObjectId: str(grant.principalId),
    // tf.FromSpaceSeparated: split on blanks, empty parts dropped.
    claimValues: str(grant.scope).split(" ").filter((s) => s !== ""),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// What the plan changes
// ---------------------------------------------------------------------------------------------------------------

export interface PlannedChange {
  path: string;
  /** The change replaces the resource (forbidden while `import` is set: an error in `up`). */
  replace: boolean;
  declared: unknown;
  imported: unknown;
}

/** Absent, empty and zero are one value (the provider's plan and the bridge's imported inputs treat them alike). */
function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === "" || value === false || (Array.isArray(value) && value.length === 0);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${k}:${canonical((value as GraphJson)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A block that holds nothing but empty values and defaults: the diff suppression treats it as no block. */
function emptyBlock(value: unknown, attributes: Readonly<Record<string, Attribute>>): boolean {
  if (isEmpty(value)) return true;
  const o = obj(value);
  return Object.entries(attributes).every(([k, a]) => (a.kind === "block" ? emptyBlock(o[k], a.block ?? {}) : isEmpty(o[k]) || (a.default !== undefined && o[k] === a.default)));
}

function compare(path: string, attribute: Attribute, declared: unknown, imported: unknown, out: PlannedChange[]): void {
  if (attribute.kind === "block") {
    const inner = attribute.block ?? {};
    if (declared === undefined && emptyBlock(imported, inner)) return;
    const d = obj(declared);
    const i = obj(imported);
    for (const [k, a] of Object.entries(inner)) compare(`${path}.${k}`, a, d[k], i[k], out);
    return;
  }
  const planned = declared === undefined ? attribute.default : declared;
  let same: boolean;
  if (attribute.kind === "set") {
    const a = [...new Set(list(planned).map(canonical))].sort();
    const b = [...new Set(list(imported).map(canonical))].sort();
    same = a.length === b.length && a.every((v, n) => v === b[n]);
  } else {
    same = (isEmpty(planned) && isEmpty(imported)) || canonical(planned) === canonical(imported);
  }
  if (!same) out.push({ path, replace: attribute.forceNew === true, declared, imported });
}

/**
 * The changes the provider would plan for a resource just imported with `imported`, given the inputs the program
 * declares; none: the import is all there is.
 */
export function plannedChanges(type: ModelledType, declared: GraphJson, imported: GraphJson): PlannedChange[] {
  const out: PlannedChange[] = [];
  for (const [name, attribute] of Object.entries(SCHEMAS[type])) compare(name, attribute, declared[name], imported[name], out);
  return out;
}
