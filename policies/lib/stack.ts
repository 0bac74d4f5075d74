/**
 * Linking resources of a stack the way the program wires them: an input of one resource holds an output of another
 * (Application.clientId -> ServicePrincipal.clientId, ServicePrincipal.objectId -> grant.servicePrincipalObjectId,
 * ApplicationPassword.keyId -> the Key Vault copy's `entra-key-id` tag...).
 *
 * Values decide first. When they cannot (preview: the output does not exist yet; or only inputs are analysed, as in
 * the offline plan), the engine's dependencies say which resource the input came from (`propertyDependencies` of the
 * top-level property, else `dependencies`). When neither decides, the link is undecided, never silently absent.
 */
import type { PolicyResource } from "@pulumi/policy";
import { read, sameId, type Read } from "./values";

export function ofType(resources: readonly PolicyResource[], ...types: string[]): PolicyResource[] {
  return resources.filter((r) => types.includes(r.type));
}

/** Resources the top-level property `prop` of `from` was computed from, limited to `candidates`. */
export function dependenciesVia(from: PolicyResource, prop: string, candidates: readonly PolicyResource[]): PolicyResource[] {
  const byProp = from.propertyDependencies?.[prop];
  const deps = byProp !== undefined && byProp.length > 0 ? byProp : (from.dependencies ?? []);
  const urns = new Set(deps.map((d) => d.urn));
  return candidates.filter((c) => urns.has(c.urn));
}

/** `read` for an id that the target exposes with a prefix, e.g. `/applications/<objectId>`. */
export function prefixed(value: Read, prefix: string): Read {
  if (!value.known || typeof value.value !== "string" || value.value === "") return value;
  return { known: true, value: `${prefix}${value.value}` };
}

export type LinkResult = { state: "linked"; targets: PolicyResource[] } | { state: "none" } | { state: "undecided"; why: string };

function isKnownId(k: Read): k is { known: true; value: string } {
  return k.known && typeof k.value === "string" && k.value !== "";
}

/**
 * The candidates that the input at `path` (dot path) of `from` refers to. `keysOf(candidate)` lists the candidate's
 * identifiers (outputs such as `id`, `objectId`, `clientId`) the input may hold.
 *
 * A candidate whose identifiers are not known (unknown during preview, or absent when only inputs are analysed) can
 * only be linked through dependencies. When `from` reports dependencies at all, they are taken as complete: a
 * candidate they do not name is not the source. Without any dependency information, such a candidate is undecided.
 */
export function link(
  from: PolicyResource,
  path: string,
  candidates: readonly PolicyResource[],
  keysOf: (candidate: PolicyResource) => Read[],
): LinkResult {
  const value = read(from.props, path);
  if (value.known && (value.value === undefined || value.value === null || value.value === "")) return { state: "none" };
  if (value.known && typeof value.value !== "string") return { state: "none" };
  const top = path.split(".")[0];
  const deps = dependenciesVia(from, top, candidates);
  const hasDependencyInfo = (from.propertyDependencies?.[top]?.length ?? 0) > 0 || (from.dependencies?.length ?? 0) > 0;
  const isOpen = (c: PolicyResource) => !keysOf(c).some(isKnownId);
  if (value.known) {
    const wanted = value.value as string;
    const matches = candidates.filter((c) => keysOf(c).some((k) => isKnownId(k) && sameId(k.value, wanted)));
    if (matches.length > 0) return { state: "linked", targets: matches };
    const openDeps = deps.filter(isOpen);
    if (openDeps.length > 0) return { state: "linked", targets: openDeps };
    if (hasDependencyInfo) return { state: "none" };
    const open = candidates.filter(isOpen);
    if (open.length > 0) {
      return { state: "undecided", why: `${from.name}.${path} may refer to ${open.map((c) => c.name).join(", ")}, whose ids are not known yet` };
    }
    return { state: "none" };
  }
  if (deps.length > 0) return { state: "linked", targets: deps };
  if (hasDependencyInfo) return { state: "none" };
  return { state: "undecided", why: `${from.name}.${path} is unknown and the engine reported no dependencies that name its source` };
}

/** Which of `candidates` refer to `target` through their input at `path` (the reverse of `link`). */
export function referrers(
  target: PolicyResource,
  candidates: readonly PolicyResource[],
  path: string,
  keysOfTarget: (t: PolicyResource) => Read[],
): { linked: PolicyResource[]; undecided: string[] } {
  const linked: PolicyResource[] = [];
  const undecided: string[] = [];
  for (const c of candidates) {
    const result = link(c, path, [target], keysOfTarget);
    if (result.state === "linked") linked.push(c);
    else if (result.state === "undecided") undecided.push(result.why);
  }
  return { linked, undecided };
}

/** Identifiers an app registration (Application or ApplicationRegistration) is referred to by `applicationId`. */
export function applicationIdKeys(app: PolicyResource): Read[] {
  const objectId = read(app.props, "objectId");
  return [read(app.props, "id"), prefixed(objectId, "/applications/"), objectId];
}

/** Identifiers a service principal is referred to by (`servicePrincipalObjectId`, `servicePrincipalId`). */
export function servicePrincipalKeys(sp: PolicyResource): Read[] {
  const objectId = read(sp.props, "objectId");
  return [objectId, read(sp.props, "id"), prefixed(objectId, "/servicePrincipals/")];
}

/** Identifier a service principal's `clientId` input refers to. */
export function clientIdKeys(app: PolicyResource): Read[] {
  return [read(app.props, "clientId")];
}
