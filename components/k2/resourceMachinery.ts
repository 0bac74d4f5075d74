/**
 * What every K2 OAuth resource provider (the Bearer Token resource, the outbound OAuth resources) does alike: normalise
 * the K2 site and service URLs, compare inputs, turn inputs into K2's resource fields, and update those fields in K2
 * (a resource gone meanwhile is reported with what to do).
 *
 * Runs inside the serialized dynamic provider: no module-level imports of packages or built-ins.
 */
import { OAUTH_RESOURCE_FIELDS, type K2OAuthManagement, type ManagementSettings, type OAuthResourceFields } from "./management";
import { readSnapshot, type ResourceSnapshot } from "./operations";

/** The inputs every K2 OAuth resource has: K2's resource fields (the name as `resourceName`) and how K2 is reached. */
export interface K2ResourceInputs extends Omit<OAuthResourceFields, "name"> {
  k2Url: string;
  resourceName: string;
  management: ManagementSettings;
}

export function normalizeUrl(url: unknown): unknown {
  return typeof url === "string" ? url.trim().replace(/\/+$/, "") : url;
}

/** The inputs with the K2 site and service URLs without surrounding blanks or trailing slashes. */
export function normalizeInputs<T extends K2ResourceInputs>(inputs: T): T {
  const management = inputs.management as ManagementSettings | undefined;
  return {
    ...inputs,
    k2Url: normalizeUrl(inputs.k2Url) as string,
    ...(management && typeof management === "object" ? { management: { ...management, serviceUrl: normalizeUrl(management.serviceUrl) as string } } : {}),
  };
}

/** Structural equality for JSON-like values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function sameK2Url(a: unknown, b: unknown): boolean {
  if (typeof a !== "string" || typeof b !== "string") return a === b;
  return (normalizeUrl(a) as string).toLowerCase() === (normalizeUrl(b) as string).toLowerCase();
}

/** Whether input `key` differs (the K2 URL without regard to case and trailing slashes). */
export function inputChanged<T extends K2ResourceInputs>(key: keyof T, olds: Partial<T>, news: Partial<T>): boolean {
  if (key === "k2Url") return !sameK2Url(olds.k2Url, news.k2Url);
  return !deepEqual(olds[key], news[key]);
}

/** K2's resource fields of the inputs. */
export function fieldsOf(inputs: K2ResourceInputs): OAuthResourceFields {
  return {
    name: inputs.resourceName,
    resourceType: inputs.resourceType,
    authorizationEndpoint: inputs.authorizationEndpoint,
    tokenEndpoint: inputs.tokenEndpoint,
    refreshTokenEndpoint: inputs.refreshTokenEndpoint,
    metadataEndpoint: inputs.metadataEndpoint,
    useHostServerAuthorizationEndpoint: inputs.useHostServerAuthorizationEndpoint,
  };
}

export function goneError(id: string, name: string): Error {
  return new Error(
    `the K2 OAuth resource '${name}' (id ${id}) no longer exists in K2 (deleted in K2 Management?). Run pulumi refresh to record that, then pulumi up to create it again.`,
  );
}

/** Sets the fields that changed (name and type replace, never update), then reads the resource back. */
export async function updateFields(k2: K2OAuthManagement, id: string, olds: K2ResourceInputs, news: K2ResourceInputs): Promise<ResourceSnapshot> {
  const wanted = fieldsOf(news);
  const before = fieldsOf(olds);
  const fieldChanges: Partial<OAuthResourceFields> = {};
  for (const f of OAUTH_RESOURCE_FIELDS) {
    if (f === "name" || f === "resourceType") continue;
    if (before[f] !== wanted[f]) (fieldChanges as Record<string, unknown>)[f] = wanted[f];
  }
  if (Object.keys(fieldChanges).length > 0 && (await k2.updateResource(id, fieldChanges)) === "absent") throw goneError(id, news.resourceName);
  const snapshot = await readSnapshot(k2, id);
  if (snapshot === undefined) throw goneError(id, news.resourceName);
  return snapshot;
}

/** The diff's verdict from the lists of inputs that replace, update in place, or only change state. */
export function diffVerdict<T extends K2ResourceInputs>(
  olds: T,
  news: T,
  lists: { replace: readonly (keyof T)[]; update: readonly (keyof T)[]; state: readonly (keyof T)[] },
  sameName: (a: string, b: string) => boolean,
) {
  const replaces = lists.replace.filter((k) => inputChanged(k, olds, news));
  const updates = lists.update.filter((k) => inputChanged(k, olds, news));
  const stateOnly = lists.state.filter((k) => inputChanged(k, olds, news));
  // Same server and same name (perhaps in another case) but a new type: K2 names are unique, so the old resource must
  // go before the new one can be created.
  const deleteBeforeReplace =
    replaces.length > 0 && sameK2Url(olds.k2Url, news.k2Url) && typeof olds.resourceName === "string" && sameName(olds.resourceName, news.resourceName);
  return { changes: replaces.length + updates.length + stateOnly.length > 0, replaces: replaces.map(String), stables: [] as string[], deleteBeforeReplace };
}
