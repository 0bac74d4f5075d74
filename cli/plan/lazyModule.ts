/**
 * Loads one of the plan's own TypeScript modules when it is first needed instead of at start-up (cli/plan.ts,
 * headStart.ts: the program's process and the pack start before the rest of the plan's code loads).
 *
 * `import()` alone does not do it: `npm run plan` runs as CommonJS through esbuild-register, whose transform keeps
 * `import()` as Node's native ESM import, which cannot load .ts files; under vitest it is the other way round (its
 * `import()` loads .ts files, its `require` cannot). So: `require` where the CommonJS loader has a .ts hook
 * (esbuild-register, ts-node, tsx), `import()` elsewhere. Both loaders are passed in with literal specifiers.
 */
export function loadLazily<T>(viaRequire: () => T, viaImport: () => Promise<T>): Promise<T> {
  // `require.extensions` is deprecated for registering hooks, not for reading them; it is how such hooks register.
  if (typeof require === "function" && ".ts" in require.extensions) {
    try {
      return Promise.resolve(viaRequire());
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return viaImport();
}
