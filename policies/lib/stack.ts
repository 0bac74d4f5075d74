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
import { read, type Read } from "./values";

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

/** The form ids are compared in (as `sameId`). */
function normalId(id: string): string {
  return id.trim().toLowerCase();
}

type KeysOf = (candidate: PolicyResource) => Read[];

/*
 * Stack rules link every resource of one kind to those of another (each app to its service principals, each Key Vault
 * copy to its password...): pairwise, that is quadratic in the stack's size. What each resource says about a link is
 * therefore read once and indexed (per resource, per candidate list, per key function), so that a link costs lookups
 * and a whole rule stays linear. The caches are keyed by the objects themselves (WeakMap): CrossGuard builds fresh
 * resource objects for every stack check, so nothing outlives a check, and the properties do not change during one.
 */

/** What `from` says about its input at `path`: the value, and which resources the engine says it came from. */
interface InputSource {
  value: Read;
  /** URNs of the resources the top-level property was computed from (`propertyDependencies`, else `dependencies`). */
  deps: ReadonlySet<string>;
  hasDependencyInfo: boolean;
}

const inputSources = new WeakMap<PolicyResource, Map<string, InputSource>>();

function inputSource(from: PolicyResource, path: string): InputSource {
  let byPath = inputSources.get(from);
  if (byPath === undefined) {
    byPath = new Map();
    inputSources.set(from, byPath);
  }
  let source = byPath.get(path);
  if (source === undefined) {
    const top = path.split(".")[0];
    const byProp = from.propertyDependencies?.[top];
    const deps = byProp !== undefined && byProp.length > 0 ? byProp : (from.dependencies ?? []);
    source = {
      value: read(from.props, path),
      deps: new Set(deps.map((d) => d.urn)),
      hasDependencyInfo: (byProp?.length ?? 0) > 0 || (from.dependencies?.length ?? 0) > 0,
    };
    byPath.set(path, source);
  }
  return source;
}

/** How an input's value can link: not at all (absent, empty, not a string), by its id, or only by dependencies. */
function valueKind(value: Read): "none" | "id" | "unknown" {
  if (!value.known) return "unknown";
  return isKnownId(value) ? "id" : "none";
}

/** The id an input holds, in compared form ("" unless its kind is "id"). */
function inputId(value: Read): string {
  return isKnownId(value) ? normalId(value.value) : "";
}

const knownIdCache = new WeakMap<KeysOf, WeakMap<PolicyResource, readonly string[]>>();

/** The known identifiers `keysOf` lists for `candidate`, in compared form; none known means "open". */
function knownIds(candidate: PolicyResource, keysOf: KeysOf): readonly string[] {
  let byCandidate = knownIdCache.get(keysOf);
  if (byCandidate === undefined) {
    byCandidate = new WeakMap();
    knownIdCache.set(keysOf, byCandidate);
  }
  let ids = byCandidate.get(candidate);
  if (ids === undefined) {
    ids = [...new Set(keysOf(candidate).filter(isKnownId).map((k) => normalId(k.value)))];
    byCandidate.set(candidate, ids);
  }
  return ids;
}

function pushTo<K>(map: Map<K, number[]>, key: K, index: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [index]);
  else if (list[list.length - 1] !== index) list.push(index);
}

const ascending = (a: number, b: number): number => a - b;

/** `candidates` indexed by their known ids, for `link`. */
interface CandidateIndex {
  byId: Map<string, number[]>;
  byUrn: Map<string, number[]>;
  /** Candidates without any known id (in order). */
  open: number[];
  isOpen: boolean[];
}

const candidateIndexes = new WeakMap<readonly PolicyResource[], WeakMap<KeysOf, CandidateIndex>>();

/** The value cached under `key`, built and cached on first use. */
function cached<K, V>(cache: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, build: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = build();
    cache.set(key, value);
  }
  return value;
}

function candidateIndex(candidates: readonly PolicyResource[], keysOf: KeysOf): CandidateIndex {
  const byKeys = cached(candidateIndexes, candidates, () => new WeakMap<KeysOf, CandidateIndex>());
  return cached(byKeys, keysOf, () => {
    const index: CandidateIndex = { byId: new Map(), byUrn: new Map(), open: [], isOpen: [] };
    for (let i = 0; i < candidates.length; i++) {
      const ids = knownIds(candidates[i], keysOf);
      for (const id of ids) pushTo(index.byId, id, i);
      pushTo(index.byUrn, candidates[i].urn, i);
      index.isOpen.push(ids.length === 0);
      if (ids.length === 0) index.open.push(i);
    }
    return index;
  });
}

/**
 * The candidates that the input at `path` (dot path) of `from` refers to. `keysOf(candidate)` lists the candidate's
 * identifiers (outputs such as `id`, `objectId`, `clientId`) the input may hold.
 *
 * A candidate whose identifiers are not known (unknown during preview, or absent when only inputs are analysed) can
 * only be linked through dependencies. When `from` reports dependencies at all, they are taken as complete: a
 * candidate they do not name is not the source. Without any dependency information, such a candidate is undecided.
 */
export function link(from: PolicyResource, path: string, candidates: readonly PolicyResource[], keysOf: KeysOf): LinkResult {
  const source = inputSource(from, path);
  const kind = valueKind(source.value);
  if (kind === "none") return { state: "none" };
  const index = candidateIndex(candidates, keysOf);
  // The candidates the engine names as the input's source (dependenciesVia), in candidate order.
  const deps = [...source.deps].flatMap((urn) => index.byUrn.get(urn) ?? []).sort(ascending);
  const pick = (indices: readonly number[]): PolicyResource[] => indices.map((i) => candidates[i]);
  if (kind === "id") {
    const matches = index.byId.get(inputId(source.value));
    if (matches !== undefined) return { state: "linked", targets: pick(matches) };
    const openDeps = deps.filter((i) => index.isOpen[i]);
    if (openDeps.length > 0) return { state: "linked", targets: pick(openDeps) };
    if (source.hasDependencyInfo) return { state: "none" };
    if (index.open.length > 0) {
      return { state: "undecided", why: `${from.name}.${path} may refer to ${pick(index.open).map((c) => c.name).join(", ")}, whose ids are not known yet` };
    }
    return { state: "none" };
  }
  if (deps.length > 0) return { state: "linked", targets: pick(deps) };
  if (source.hasDependencyInfo) return { state: "none" };
  return { state: "undecided", why: `${from.name}.${path} is unknown and the engine reported no dependencies that name its source` };
}

/** `candidates` indexed by what their input at one path holds, for `referrers`. */
interface ReferrerIndex {
  kinds: Array<"none" | "id" | "unknown">;
  /** Candidates whose input holds a known id, by that id. */
  byValue: Map<string, number[]>;
  /** Candidates by the URNs their input came from. */
  byDep: Map<string, number[]>;
  /** Candidates with an id or unknown input but no dependency information at all (in order). */
  withoutDependencyInfo: number[];
}

const referrerIndexes = new WeakMap<readonly PolicyResource[], Map<string, ReferrerIndex>>();

function referrerIndex(candidates: readonly PolicyResource[], path: string): ReferrerIndex {
  const byPath = cached(referrerIndexes, candidates, () => new Map<string, ReferrerIndex>());
  return cached(byPath, path, () => {
    const index: ReferrerIndex = { kinds: [], byValue: new Map(), byDep: new Map(), withoutDependencyInfo: [] };
    for (let i = 0; i < candidates.length; i++) {
      const source = inputSource(candidates[i], path);
      const kind = valueKind(source.value);
      index.kinds.push(kind);
      if (kind === "none") continue;
      if (kind === "id") pushTo(index.byValue, inputId(source.value), i);
      for (const urn of source.deps) pushTo(index.byDep, urn, i);
      if (!source.hasDependencyInfo) index.withoutDependencyInfo.push(i);
    }
    return index;
  });
}

/**
 * Which of `candidates` refer to `target` through their input at `path` (the reverse of `link`: the same as
 * `link(candidate, path, [target], keysOfTarget)` for each candidate, answered from an index).
 */
export function referrers(
  target: PolicyResource,
  candidates: readonly PolicyResource[],
  path: string,
  keysOfTarget: KeysOf,
): { linked: PolicyResource[]; undecided: string[] } {
  const index = referrerIndex(candidates, path);
  const ids = knownIds(target, keysOfTarget);
  const open = ids.length === 0;
  const linked = new Set<number>();
  for (const id of ids) for (const i of index.byValue.get(id) ?? []) linked.add(i);
  // Named by the engine as the source: linked when the value cannot decide (unknown, or the target's ids are).
  for (const i of index.byDep.get(target.urn) ?? []) if (index.kinds[i] === "unknown" || open) linked.add(i);
  const undecided: string[] = [];
  for (const i of index.withoutDependencyInfo) {
    if (linked.has(i)) continue;
    const candidate = candidates[i];
    if (index.kinds[i] === "unknown") undecided.push(`${candidate.name}.${path} is unknown and the engine reported no dependencies that name its source`);
    else if (open) undecided.push(`${candidate.name}.${path} may refer to ${target.name}, whose ids are not known yet`);
  }
  return { linked: [...linked].sort(ascending).map((i) => candidates[i]), undecided };
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
