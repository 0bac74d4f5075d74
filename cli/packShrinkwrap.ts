/**
 * The built policy pack's `npm-shrinkwrap.json`: the exact tree of its two dependencies (`@pulumi/policy`,
 * `@pulumi/pulumi`) and everything they pull in, taken from the repository's own package-lock.json, so that a consumer
 * of the published pack installs the versions this repository tests (npm includes npm-shrinkwrap.json in a package,
 * unlike package-lock.json: docs.npmjs.com, "npm-shrinkwrap.json"). Offline: nothing is looked up in the registry, the
 * entries (version, resolved, integrity) are the lockfile's own.
 */

/** A lockfile v2/v3 `packages` entry (the fields this module reads; the rest is copied as is). */
interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  optional?: boolean;
  [field: string]: unknown;
}

export interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

export class ShrinkwrapError extends Error {}

/** Where `name` resolves from the package at `from` (a `packages` key), as Node and npm resolve nested node_modules. */
function resolveIn(packages: Lockfile["packages"], from: string, name: string): string | undefined {
  for (let at = from; ; ) {
    const key = `${at === "" ? "" : `${at}/`}node_modules/${name}`;
    if (packages[key] !== undefined && packages[key].link !== true) return key;
    if (at === "") return undefined;
    const up = at.lastIndexOf("/node_modules/");
    at = up < 0 ? "" : at.slice(0, up);
  }
}

/**
 * The shrinkwrap of a package `{ name, version, dependencies }` whose dependencies are installed in the repository
 * that `lock` describes: the closure of those dependencies (regular, optional and non-optional peer dependencies, as
 * npm installs them), each entry as the lockfile has it with the dev/peer flags dropped (here they are run-time
 * dependencies). Throws when a dependency is not in the lockfile or its version differs from the exact pin.
 */
export function shrinkwrapFor(pkg: { name: string; version: string; dependencies: Record<string, string> }, lock: Lockfile): object {
  if (lock.lockfileVersion < 2) throw new ShrinkwrapError(`package-lock.json has lockfileVersion ${lock.lockfileVersion}; expected 2 or 3 (npm 7 and later)`);
  const packages: Record<string, LockEntry> = {};
  const queue: Array<[string, string, boolean]> = Object.keys(pkg.dependencies).map((name) => ["", name, false]);
  for (const [name, pin] of Object.entries(pkg.dependencies)) {
    const entry = lock.packages[`node_modules/${name}`];
    if (entry === undefined || entry.version !== pin) {
      throw new ShrinkwrapError(`package-lock.json has ${name} ${entry?.version ?? "not at all"}; the pack pins ${pin}: run npm install first`);
    }
  }
  while (queue.length > 0) {
    const [from, name, optional] = queue.shift() as [string, string, boolean];
    const key = resolveIn(lock.packages, from, name);
    if (key === undefined) {
      if (optional) continue;
      throw new ShrinkwrapError(`package-lock.json does not resolve ${name} (needed by ${from === "" ? pkg.name : from})`);
    }
    if (packages[key] !== undefined) continue;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = lock.packages[key];
    packages[key] = entry;
    const optionalPeers = new Set(Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional === true).map(([n]) => n));
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([key, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([key, dep, true]);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) queue.push([key, dep, optionalPeers.has(dep)]);
  }
  const sorted = Object.fromEntries(Object.keys(packages).sort().map((k) => [k, packages[k]]));
  return {
    name: pkg.name,
    version: pkg.version,
    lockfileVersion: 3,
    requires: true,
    packages: { "": { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies }, ...sorted },
  };
}
