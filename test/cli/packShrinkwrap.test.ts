/**
 * The built pack's npm-shrinkwrap.json (cli/packShrinkwrap.ts): the closure of its dependencies from a lockfile,
 * resolved the way npm nests node_modules, with dev and peer flags dropped, and a clear error when the lockfile does not
 * hold what the pack pins.
 */
import { describe, expect, it } from "vitest";
import { shrinkwrapFor, ShrinkwrapError, type Lockfile } from "../../cli/packShrinkwrap";

const lock: Lockfile = {
  lockfileVersion: 3,
  packages: {
    "": { name: "repo", dependencies: { a: "1.0.0", unrelated: "1.0.0" } },
    "node_modules/a": { version: "1.0.0", integrity: "sha512-a", dependencies: { b: "^2.0.0" }, optionalDependencies: { missing: "1" }, peerDependencies: { p: "*", q: "*" }, peerDependenciesMeta: { q: { optional: true } } },
    "node_modules/b": { version: "1.0.0", dev: true },
    "node_modules/a/node_modules/b": { version: "2.1.0", dependencies: { c: "1" } },
    "node_modules/c": { version: "1.2.0", devOptional: true },
    "node_modules/p": { version: "3.0.0", peer: true },
    "node_modules/unrelated": { version: "1.0.0" },
  },
};

describe("shrinkwrapFor", () => {
  it("takes the closure of the dependencies, nested as npm resolves them, flags dropped, nothing else", () => {
    expect(shrinkwrapFor({ name: "pack", version: "0.1.0", dependencies: { a: "1.0.0" } }, lock)).toEqual({
      name: "pack",
      version: "0.1.0",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "pack", version: "0.1.0", dependencies: { a: "1.0.0" } },
        "node_modules/a": lock.packages["node_modules/a"],
        "node_modules/a/node_modules/b": { version: "2.1.0", dependencies: { c: "1" } },
        "node_modules/c": { version: "1.2.0" },
        "node_modules/p": { version: "3.0.0" },
      },
    });
  });

  it("refuses a pin the lockfile does not hold, a dependency it cannot resolve, and an npm 6 lockfile", () => {
    expect(() => shrinkwrapFor({ name: "pack", version: "0.1.0", dependencies: { a: "1.0.1" } }, lock)).toThrow(new ShrinkwrapError("package-lock.json has a 1.0.0; the pack pins 1.0.1: run npm install first"));
    const broken: Lockfile = { ...lock, packages: { ...lock.packages, "node_modules/c": undefined as never } };
    delete broken.packages["node_modules/c"];
    expect(() => shrinkwrapFor({ name: "pack", version: "0.1.0", dependencies: { a: "1.0.0" } }, broken)).toThrow("package-lock.json does not resolve c (needed by node_modules/a/node_modules/b)");
    expect(() => shrinkwrapFor({ name: "pack", version: "0.1.0", dependencies: {} }, { lockfileVersion: 1, packages: {} })).toThrow("lockfileVersion 1; expected 2 or 3");
  });
});
