/**
 * Microsoft's well-known application and permission ids the pack recognises. Sources: Microsoft Graph's application
 * id (microsoft-graph-docs "Grant or revoke API permissions programmatically", `"appId":
 * "00000003-0000-0000-c000-000000000000"`) and the generated list of all Graph permissions and their ids (Microsoft
 * Graph permissions reference, learn.microsoft.com/en-us/graph/permissions-reference, "All permissions and IDs").
 */

export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Delegated Microsoft Graph scopes a sign-in commonly needs, by value, with their well-known ids. */
export const GRAPH_SIGN_IN_SCOPES: Readonly<Record<string, string>> = {
  openid: "37f7f235-527c-4136-accd-4a02d197296e",
  profile: "14dad69e-099b-42c9-810b-d002981feec1",
  email: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
  offline_access: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
  "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
};

/**
 * Microsoft's own APIs, never the K2 API: when the stack records no K2 API and none is pinned, delegated scopes of
 * these are not taken for K2 ones (Microsoft Graph permissions such as User.Read are often user-consented).
 */
export const MICROSOFT_API_CLIENT_IDS: ReadonlySet<string> = new Set([
  MICROSOFT_GRAPH_APP_ID,
  "00000002-0000-0000-c000-000000000000", // Azure AD Graph (retired)
  "00000003-0000-0ff1-ce00-000000000000", // Office 365 SharePoint Online
  "00000002-0000-0ff1-ce00-000000000000", // Office 365 Exchange Online
  "797f4846-ba00-4fd7-ba43-dac1f8f63013", // Azure Service Management
  "cfa8b339-82a2-471a-a3c9-0fc0be7a4093", // Azure Key Vault
  "e406a681-f3d4-42a8-90b6-c2b029497af1", // Azure Storage
  "00000007-0000-0000-c000-000000000000", // Dynamics CRM
  "00000009-0000-0000-c000-000000000000", // Power BI Service
]);
