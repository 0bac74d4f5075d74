/**
 * What the offline plan puts into a dynamic resource's `__provider` input instead of the serialized provider
 * (sdkLoading.ts, "serialize-closure"): a fingerprint of the code the provider reaches, so that `--against` shows
 * `__provider` as changed exactly when that code changed, as the engine's serialized text would.
 *
 * Pulumi's closure serializer captures a provider's methods and, by value, the local modules they use. The fingerprint
 * covers the same code without serializing: the provider's methods (own and of its class), and the contents of the
 * project module that defines the provider and of every project module it requires, transitively (for the Bearer
 * Token provider: components/k2/* and components/entra.ts). Packages in node_modules are left out (the serializer
 * captures those by reference, and package-lock.json pins them). The defining module is the project module whose
 * exports hold the provider object, or a function (a factory, a class) whose source contains every method of the
 * provider. A provider whose defining module cannot be found this way has no fingerprint: the plan then serializes it
 * with the SDK's own serializer (slower, same result).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const OFFLINE_PROVIDER_PREFIX = "offline-plan:dynamic-provider-fingerprint:";

type Callable = (...args: never[]) => unknown;

/** The provider's methods: its own function-valued properties and those of its class chain (Object's excluded). */
function providerMethods(provider: object): Array<[name: string, source: string]> {
  const methods = new Map<string, string>();
  for (let o: object | null = provider; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === "constructor" || methods.has(name)) continue;
      const value = Object.getOwnPropertyDescriptor(o, name)?.value as unknown;
      if (typeof value === "function") methods.set(name, (value as Callable).toString());
    }
  }
  return [...methods].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function isProjectModule(module: NodeJS.Module): boolean {
  return module.filename !== undefined && !module.filename.split(path.sep).includes("node_modules");
}

/** The module's exported values; an export not initialised yet (the program module while it runs) is skipped. */
function exportedValues(module: NodeJS.Module): unknown[] {
  const exports: unknown = module.exports;
  if ((typeof exports !== "object" && typeof exports !== "function") || exports === null) return [];
  const values: unknown[] = [exports];
  for (const key of Object.keys(exports)) {
    try {
      values.push((exports as Record<string, unknown>)[key]);
    } catch {
      // a `const` export read before its declaration ran
    }
  }
  return values;
}

/** Project modules that define the provider (see above). */
function definingModules(provider: object, sources: string[], modules: NodeJS.Module[]): NodeJS.Module[] {
  return modules.filter((module) =>
    exportedValues(module).some((value) => value === provider || (typeof value === "function" && sources.every((source) => (value as Callable).toString().includes(source)))),
  );
}

/** `roots` and every project module they require, transitively. */
function projectClosure(roots: NodeJS.Module[]): Set<NodeJS.Module> {
  const seen = new Set<NodeJS.Module>();
  const visit = (module: NodeJS.Module): void => {
    if (seen.has(module) || !isProjectModule(module)) return;
    seen.add(module);
    for (const child of module.children) visit(child);
  };
  for (const root of roots) visit(root);
  return seen;
}

/**
 * The fingerprint of the code `provider` reaches, or undefined when the module that defines it is not found among
 * `loaded` (default: every module loaded so far).
 */
export function providerFingerprint(provider: object, loaded: readonly NodeJS.Module[] = Object.values(require.cache).filter((m) => m !== undefined)): string | undefined {
  const methods = providerMethods(provider);
  const found = definingModules(
    provider,
    methods.map(([, source]) => source),
    loaded.filter(isProjectModule),
  );
  // A module that re-exports the definition reaches the defining module: only the defining one counts.
  const roots = found.filter((m) => !found.some((other) => other !== m && projectClosure([m]).has(other)));
  if (roots.length === 0) return undefined;
  const hash = createHash("sha256");
  for (const [name, source] of methods) hash.update(`${name}\n${source}\n`);
  // Contents only (not paths), in a fixed order: the same code at another checkout (`--against`) gives the same result.
  const contents = [...projectClosure(roots)].map((m) => fs.readFileSync(m.filename, "utf8"));
  const digests = contents.map((text) => createHash("sha256").update(text).digest("hex")).sort();
  for (const digest of digests) hash.update(`${digest}\n`);
  return `${OFFLINE_PROVIDER_PREFIX}${hash.digest("hex")}`;
}
