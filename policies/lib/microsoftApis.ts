/**
 * Microsoft's own APIs (first-party resource apps), by application id: never the K2 API. The consent rule uses them
 * to tell Microsoft permissions from K2 ones when the K2 API's client id is not configured; the least-privilege rule
 * names them. Ids: go-azure-sdk's environment constants (Microsoft Graph, Exchange Online, SharePoint Online) and
 * Microsoft Learn's lists of first-party application ids.
 */
export const MICROSOFT_APIS: ReadonlyMap<string, string> = new Map([
  ["00000003-0000-0000-c000-000000000000", "Microsoft Graph"],
  ["00000002-0000-0000-c000-000000000000", "Azure AD Graph (retired)"],
  ["00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online"],
  ["00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"],
  ["797f4846-ba00-4fd7-ba43-dac1f8f63013", "Azure Service Management"],
  ["cfa8b339-82a2-471a-a3c9-0fc0be7a4093", "Azure Key Vault"],
  ["e406a681-f3d4-42a8-90b6-c2b029497af1", "Azure Storage"],
  ["00000007-0000-0000-c000-000000000000", "Dynamics CRM"],
  ["00000009-0000-0000-c000-000000000000", "Power BI Service"],
]);

/** Microsoft's API application ids (lower case). */
export const MICROSOFT_API_CLIENT_IDS: ReadonlySet<string> = new Set(MICROSOFT_APIS.keys());
