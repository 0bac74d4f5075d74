/** The Pulumi project a plan runs: its root (the folder holding Pulumi.yaml), name and program entry file. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, YAMLError } from "yaml";
import { yamlSyntaxMessage } from "../../components/fileSyntax";

export interface ProjectInfo {
  root: string;
  name: string;
  /** The program's entry file relative to root. */
  main: string;
}

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProjectError";
  }
}

/** The nearest folder at or above `from` that holds a Pulumi.yaml, or undefined. */
export function findProjectRoot(from: string): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function entryFile(root: string, main: string | undefined): string {
  const candidate = main ?? ".";
  const abs = path.resolve(root, candidate);
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) {
    for (const name of ["index.ts", "index.js"]) if (fs.existsSync(path.join(abs, name))) return path.relative(root, path.join(abs, name));
    return path.relative(root, path.join(abs, "index.ts"));
  }
  return path.relative(root, abs);
}

/** Reads `<root>/Pulumi.yaml`. */
export function readProject(root: string): ProjectInfo {
  const file = path.join(root, "Pulumi.yaml");
  if (!fs.existsSync(file)) throw new ProjectError(`no Pulumi.yaml in ${root}`);
  let doc: unknown;
  const text = fs.readFileSync(file, "utf8");
  try {
    doc = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLError) throw new ProjectError(yamlSyntaxMessage(err, text, "Pulumi.yaml"));
    throw err;
  }
  const fields = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>) : {};
  const name = fields.name;
  if (typeof name !== "string" || name === "") throw new ProjectError(`Pulumi.yaml: expected a project 'name'`);
  const main = typeof fields.main === "string" ? fields.main : undefined;
  return { root, name, main: entryFile(root, main) };
}
