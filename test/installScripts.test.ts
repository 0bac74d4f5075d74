/**
 * `npm ci` prints no install-script warning: every dependency with an install script is reviewed in package.json's
 * `allowScripts` (README.md, "Dependencies"). Asked of npm itself, over the installed tree.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/program";

it("every dependency's install script is allowed or denied on purpose", async () => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile("npm", ["install-scripts", "ls", "--json"], { cwd: REPO_ROOT }, (error, out) => (error === null ? resolve(out) : reject(error)));
  });
  expect(JSON.parse(stdout)).toEqual({ allowScripts: [] });
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { allowScripts?: Record<string, boolean> };
  // Denied: neither script is needed (README.md says why).
  expect(pkg.allowScripts).toEqual({ esbuild: false, protobufjs: false });
});
