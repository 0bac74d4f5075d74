/**
 * A tenant set up by hand the way K2 KB002784 has an administrator do it in the Entra admin center, as Microsoft
 * Graph v1.0 returns it: the K2 API and Microsoft Graph service principals, and app registrations that request the
 * K2 API scope with their service principals, owners, grants and secrets (metadata only, `secretText: null`).
 *
 * The shapes follow Microsoft Learn's application, servicePrincipal, oAuth2PermissionGrant and passwordCredential
 * resource pages. ASSUMPTION: what the admin center sets on a new registration (every optional property empty or
 * null, Microsoft Graph User.Read requested, the service principal tagged WindowsAzureActiveDirectoryIntegratedApp).
 */
import type { GraphDouble, GraphJson } from "../doubles/graphServer";
import { K2_API_CLIENT_ID, TENANT } from "../helpers/testTenant";

export const K2_API_SP_ID = "3a000000-0000-4000-8000-00000000000a";
export const K2_SCOPE_ID = "3a000000-0000-4000-8000-0000000000aa";
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const GRAPH_SP_ID = "3b000000-0000-4000-8000-00000000000b";
export const USER_READ_ID = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
export const ALICE = { id: "a11ce000-0000-4000-8000-000000000001", upn: "alice@contoso.example" };
export const BOB = { id: "b0b00000-0000-4000-8000-000000000002", upn: "bob@contoso.example" };

/** Secret values the hand-made apps were given: the double never serves them (Graph cannot), tests check none leaks. */
export const HAND_MADE_SECRET_VALUES = ["Qx8~handMadeSecretValue.PowerAutomate0001", "Zt4~handMadeSecretValue.Reports000000002"];

export function user(u: { id: string; upn: string }): GraphJson {
  return { "@odata.type": "#microsoft.graph.user", id: u.id, displayName: u.upn.split("@")[0], userPrincipalName: u.upn };
}

export function k2ApiServicePrincipal(): GraphJson {
  return servicePrincipalJson({ id: K2_API_SP_ID, appId: K2_API_CLIENT_ID, displayName: "K2 API" }, {
    appOwnerOrganizationId: "99999999-0000-4000-8000-00000000ffff",
    servicePrincipalNames: ["https://api.k2.com/", K2_API_CLIENT_ID],
    oauth2PermissionScopes: [
      {
        adminConsentDescription: "Allow the application to access K2 API on behalf of the signed-in user.",
        adminConsentDisplayName: "Access K2 API",
        id: K2_SCOPE_ID,
        isEnabled: true,
        type: "User",
        userConsentDescription: "Allow the application to access K2 API on your behalf.",
        userConsentDisplayName: "Access K2 API",
        value: "user_impersonation",
      },
    ],
  });
}

export function graphServicePrincipal(): GraphJson {
  return servicePrincipalJson({ id: GRAPH_SP_ID, appId: GRAPH_APP_ID, displayName: "Microsoft Graph" }, {
    servicePrincipalNames: ["https://graph.microsoft.com", GRAPH_APP_ID],
    oauth2PermissionScopes: [{ id: USER_READ_ID, value: "User.Read", type: "User", isEnabled: true, adminConsentDisplayName: "Sign in and read user profile" }],
    appRoles: [{ id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", value: "Application.Read.All", allowedMemberTypes: ["Application"], isEnabled: true }],
  });
}

export interface PortalAppSpec {
  id: string;
  appId: string;
  displayName: string;
  redirectUris?: string[];
  /** requiredResourceAccess as Graph lists it; default: Microsoft Graph User.Read and the K2 API scope. */
  requiredResourceAccess?: GraphJson[];
  passwords?: Array<{ keyId: string; displayName: string; end: string; hintOf?: string }>;
  overrides?: GraphJson;
  web?: GraphJson;
}

export const USER_READ_ENTRY = { resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: USER_READ_ID, type: "Scope" }] };
export const K2_ENTRY = { resourceAppId: K2_API_CLIENT_ID, resourceAccess: [{ id: K2_SCOPE_ID, type: "Scope" }] };

/** An application as GET /applications returns one the admin center made. */
export function portalApp(spec: PortalAppSpec): GraphJson {
  return {
    id: spec.id,
    deletedDateTime: null,
    appId: spec.appId,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: "2023-03-14T09:26:53Z",
    displayName: spec.displayName,
    description: null,
    groupMembershipClaims: null,
    identifierUris: [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: null,
    notes: null,
    publisherDomain: "contoso.example",
    serviceManagementReference: null,
    signInAudience: "AzureADMyOrg",
    tags: [],
    tokenEncryptionKeyId: null,
    samlMetadataUrl: null,
    certification: null,
    optionalClaims: null,
    requestSignatureVerification: null,
    oauth2RequirePostResponse: false,
    addIns: [],
    api: { acceptMappedClaims: null, knownClientApplications: [], requestedAccessTokenVersion: null, oauth2PermissionScopes: [], preAuthorizedApplications: [] },
    appRoles: [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: [],
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: "Allow" },
    passwordCredentials: (spec.passwords ?? []).map((p) => ({
      customKeyIdentifier: null,
      displayName: p.displayName,
      endDateTime: p.end,
      // "Contains the first three characters of the password" (passwordCredential resource page).
      hint: (p.hintOf ?? "abc").slice(0, 3),
      keyId: p.keyId,
      secretText: null,
      startDateTime: "2023-03-14T09:30:00Z",
    })),
    publicClient: { redirectUris: [] },
    requiredResourceAccess: spec.requiredResourceAccess ?? [USER_READ_ENTRY, K2_ENTRY],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    web: {
      homePageUrl: null,
      logoutUrl: null,
      redirectUris: spec.redirectUris ?? [],
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
      redirectUriSettings: (spec.redirectUris ?? []).map((uri) => ({ uri, index: null })),
      ...spec.web,
    },
    spa: { redirectUris: [] },
    ...spec.overrides,
  };
}

/** A service principal as GET /servicePrincipals returns it. */
export function servicePrincipalJson(base: { id: string; appId: string; displayName: string }, overrides: GraphJson = {}): GraphJson {
  return {
    id: base.id,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: base.displayName,
    appDescription: null,
    appId: base.appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: TENANT,
    appRoleAssignmentRequired: false,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: base.displayName,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    replyUrls: [],
    servicePrincipalNames: [base.appId],
    servicePrincipalType: "Application",
    signInAudience: "AzureADMyOrg",
    tags: ["HideApp", "WindowsAzureActiveDirectoryIntegratedApp"],
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    addIns: [],
    appRoles: [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: [],
    oauth2PermissionScopes: [],
    passwordCredentials: [],
    resourceSpecificApplicationPermissions: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    ...overrides,
  };
}

export function grant(id: string, clientId: string, resourceId: string, scope: string, consentType: "AllPrincipals" | "Principal" = "AllPrincipals", principalId: string | null = null): GraphJson {
  return { id, clientId, consentType, principalId, resourceId, scope };
}

/** An app of the tenant with everything that belongs to it. */
export interface HandMadeApp {
  app: GraphJson;
  owners: GraphJson[];
  servicePrincipal?: { json: GraphJson; owners: GraphJson[]; grants: GraphJson[] };
}

/** Puts the K2 API, Microsoft Graph and the apps into the double. */
export function seedTenant(graph: GraphDouble, apps: readonly HandMadeApp[]): void {
  graph.servicePrincipals.push(k2ApiServicePrincipal(), graphServicePrincipal());
  for (const a of apps) {
    graph.applications.push(a.app);
    graph.owners.set(String(a.app.id).toLowerCase(), a.owners);
    if (a.servicePrincipal !== undefined) {
      graph.servicePrincipals.push(a.servicePrincipal.json);
      graph.owners.set(String(a.servicePrincipal.json.id).toLowerCase(), a.servicePrincipal.owners);
      graph.grants.push(...a.servicePrincipal.grants);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The "legacy" tenant: three apps made by hand
// ---------------------------------------------------------------------------------------------------------------

export const POWER_AUTOMATE = { id: "0a000000-0000-4000-8000-000000000001", appId: "0a000000-0000-4000-8000-0000000000a1", spId: "0a000000-0000-4000-8000-0000000000b1", grantId: "K2grantPowerAutomate-AllPrincipals0001" };
export const REPORTS = { id: "0b000000-0000-4000-8000-000000000002", appId: "0b000000-0000-4000-8000-0000000000a2", spId: "0b000000-0000-4000-8000-0000000000b2", grantId: "K2grantReports-AllPrincipals000000002" };
export const REPORTS_EU = { id: "0c000000-0000-4000-8000-000000000003", appId: "0c000000-0000-4000-8000-0000000000a3" };

/**
 * - "K2 - Power Automate": as the admin center makes it (Microsoft Graph User.Read too, admin consent for both APIs),
 *   one secret expiring soon and one expired;
 * - "K2 - Reports": K2 API only, implicit grant of access and ID tokens on, no app owner, its service principal
 *   owned by Bob and requiring assignment, the grant's scope written with blanks around it;
 * - another "K2 - Reports" (same display name), never signed in with: no service principal, no consent.
 */
export function legacyApps(): HandMadeApp[] {
  return [
    {
      app: portalApp({
        ...POWER_AUTOMATE,
        displayName: "K2 - Power Automate",
        redirectUris: ["https://global.consent.azure-apim.net/redirect"],
        passwords: [
          { keyId: "5ec00000-0000-4000-8000-000000000001", displayName: "Power Automate connector", end: "2027-01-31T10:00:00Z", hintOf: HAND_MADE_SECRET_VALUES[0] },
          { keyId: "5ec00000-0000-4000-8000-000000000002", displayName: "first secret", end: "2025-02-01T10:00:00Z" },
        ],
      }),
      owners: [user(ALICE)],
      servicePrincipal: {
        json: servicePrincipalJson({ id: POWER_AUTOMATE.spId, appId: POWER_AUTOMATE.appId, displayName: "K2 - Power Automate" }),
        owners: [user(ALICE)],
        grants: [
          grant(POWER_AUTOMATE.grantId, POWER_AUTOMATE.spId, K2_API_SP_ID, "user_impersonation"),
          grant("GraphGrantPowerAutomate-AllPrincipals01", POWER_AUTOMATE.spId, GRAPH_SP_ID, "User.Read"),
        ],
      },
    },
    {
      app: portalApp({
        ...REPORTS,
        displayName: "K2 - Reports",
        redirectUris: ["https://reports.contoso.example/signin-oidc", "https://reports.contoso.example/"],
        requiredResourceAccess: [K2_ENTRY],
        web: { implicitGrantSettings: { enableAccessTokenIssuance: true, enableIdTokenIssuance: true } },
        passwords: [{ keyId: "5ec00000-0000-4000-8000-000000000003", displayName: "reports", end: "2026-12-15T00:00:00Z", hintOf: HAND_MADE_SECRET_VALUES[1] }],
      }),
      owners: [],
      servicePrincipal: {
        json: servicePrincipalJson({ id: REPORTS.spId, appId: REPORTS.appId, displayName: "K2 - Reports" }, { appRoleAssignmentRequired: true }),
        owners: [user(BOB)],
        grants: [grant(REPORTS.grantId, REPORTS.spId, K2_API_SP_ID, " user_impersonation ")],
      },
    },
    {
      app: portalApp({ ...REPORTS_EU, displayName: "K2 - Reports", redirectUris: ["https://reports-eu.contoso.example/signin-oidc"], requiredResourceAccess: [K2_ENTRY] }),
      owners: [user(ALICE), user(BOB)],
    },
  ];
}
