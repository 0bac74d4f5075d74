/**
 * Offline stand-ins for what only the tenant can answer (provider lookups). They are valid GUIDs, so the program and
 * the policy pack accept them, but fixed and recognisable (`0ff11e00-...`, "offline"), and every output labels them.
 */
import type { PlaceholderNote } from "./model";

export const PLACEHOLDER_K2_API_SP_OBJECT_ID = "0ff11e00-0000-4000-8000-000000000001";
export const PLACEHOLDER_K2_SCOPE_ID = "0ff11e00-0000-4000-8000-000000000002";
export const PLACEHOLDER_CALLER_OBJECT_ID = "0ff11e00-0000-4000-8000-000000000003";
export const PLACEHOLDER_CALLER_CLIENT_ID = "0ff11e00-0000-4000-8000-000000000004";
export const PLACEHOLDER_CALLER_SUBSCRIPTION_ID = "0ff11e00-0000-4000-8000-000000000005";
export const PLACEHOLDER_OUTBOUND_SP_OBJECT_ID = "0ff11e00-0000-4000-8000-000000000006";
/** Outbound permission ids: this prefix and the permission's position among the stack's permission values. */
export const PLACEHOLDER_OUTBOUND_PERMISSION_PREFIX = "0ff11e00-0000-4000-8001-";
const OUTBOUND_PERMISSION_MEANING =
  "placeholder: id of an outbound permission (read from the service's service principal: oauth2PermissionScopes, or appRoles for app-only)";

/** The placeholder id of the outbound permission value at `index` of the stack's list. */
export function placeholderPermissionId(index: number): string {
  return `${PLACEHOLDER_OUTBOUND_PERMISSION_PREFIX}${String(index + 1).padStart(12, "0")}`;
}

export const PLACEHOLDERS: readonly PlaceholderNote[] = [
  {
    value: PLACEHOLDER_K2_API_SP_OBJECT_ID,
    meaning: "placeholder: object id of the K2 API service principal (looked up in the tenant at deploy time)",
  },
  {
    value: PLACEHOLDER_K2_SCOPE_ID,
    meaning: "placeholder: id of the K2 API delegated scope (read from the service principal's oauth2PermissionScopes)",
  },
  { value: PLACEHOLDER_CALLER_OBJECT_ID, meaning: "placeholder: object id of the identity that deploys" },
  { value: PLACEHOLDER_CALLER_CLIENT_ID, meaning: "placeholder: client id of the identity that deploys" },
  { value: PLACEHOLDER_CALLER_SUBSCRIPTION_ID, meaning: "placeholder: subscription of the identity that deploys" },
  {
    value: PLACEHOLDER_OUTBOUND_SP_OBJECT_ID,
    meaning: "placeholder: object id of an outbound service's service principal (Microsoft Graph, SharePoint...; looked up in the tenant at deploy time)",
  },
];

const BY_VALUE = new Map(PLACEHOLDERS.map((p) => [p.value, p.meaning]));

/** The label of a placeholder value, or undefined for any other value. */
export function placeholderMeaning(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (value.startsWith(PLACEHOLDER_OUTBOUND_PERMISSION_PREFIX) && value.length === 36) return OUTBOUND_PERMISSION_MEANING;
  return BY_VALUE.get(value);
}

/** The placeholders that occur anywhere in `values`, in PLACEHOLDERS order. */
export function placeholdersUsed(values: unknown): PlaceholderNote[] {
  const seen = new Set<string>();
  let permissions = false;
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      if (BY_VALUE.has(v)) seen.add(v);
      else if (placeholderMeaning(v) !== undefined) permissions = true;
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "object" && v !== null) Object.values(v).forEach(walk);
  };
  walk(values);
  const notes = PLACEHOLDERS.filter((p) => seen.has(p.value));
  return permissions ? [...notes, { value: `${PLACEHOLDER_OUTBOUND_PERMISSION_PREFIX}…`, meaning: OUTBOUND_PERMISSION_MEANING }] : notes;
}
