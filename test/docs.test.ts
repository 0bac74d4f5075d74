/**
 * The documentation stands on its own: every relative link and anchor in README.md, docs/*.md and policies/README.md
 * resolves (anchors as GitHub makes them from headings), and no tracked file points at files outside the repository
 * or at work items instead of the code.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readMarkdown, type MarkdownParts } from "./helpers/markdown";
import { REPO_ROOT } from "./helpers/program";

const DOCS = ["README.md", ...fs.readdirSync(path.join(REPO_ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`), "policies/README.md"];

const parsed = new Map<string, MarkdownParts>();
function partsOf(file: string): MarkdownParts {
  let parts = parsed.get(file);
  if (parts === undefined) {
    parts = readMarkdown(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"));
    parsed.set(file, parts);
  }
  return parts;
}

/** Problems with one link target of `file` (a repository path), or none. */
function linkProblem(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:: outside links are not checked offline
  const [rawPath, anchor] = target.split("#", 2);
  const linked = rawPath === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(rawPath)));
  if (linked.startsWith("../") || linked === "..") return `${target}: points outside the repository`;
  if (!fs.existsSync(path.join(REPO_ROOT, linked))) return `${target}: ${linked} does not exist`;
  if (anchor === undefined) return undefined;
  if (!linked.endsWith(".md")) return `${target}: an anchor into a file that is not markdown`;
  return partsOf(linked).anchors.has(anchor) ? undefined : `${target}: ${linked} has no heading with the anchor #${anchor}`;
}

describe("links and anchors in the docs", () => {
  it.each(DOCS)("%s: every relative link and anchor resolves", (file) => {
    const { links } = partsOf(file);
    const problems = links.flatMap(({ target, line }) => {
      const problem = linkProblem(file, target);
      return problem === undefined ? [] : [`${file}:${line}: ${problem}`];
    });
    expect(problems).toEqual([]);
  });

  it("the docs do link to each other (the check above is not empty)", () => {
    const relative = DOCS.flatMap((f) => partsOf(f).links.filter((l) => !/^[a-z]+:/i.test(l.target)));
    expect(relative.length).toBeGreaterThan(5);
    expect(relative.some((l) => l.target.includes("#"))).toBe(true);
  });

  it("anchors follow GitHub's rules (lower case, punctuation dropped, spaces to hyphens, repeats numbered)", () => {
    const { anchors } = readMarkdown("# Benchmark: `npm run bench -- [--json]`\n## Exit codes\n## Exit codes\n### K2 side (K2 Five)\n");
    expect([...anchors]).toEqual(["benchmark-npm-run-bench------json", "exit-codes", "exit-codes-1", "k2-side-k2-five"]);
  });

  it("a broken link or anchor is reported", () => {
    expect(linkProblem("README.md", "docs/nope.md")).toBe("docs/nope.md: docs/nope.md does not exist");
    expect(linkProblem("README.md", "docs/plan.md#no-such-heading")).toBe("docs/plan.md#no-such-heading: docs/plan.md has no heading with the anchor #no-such-heading");
    expect(linkProblem("docs/plan.md", "../../elsewhere.md")).toBe("../../elsewhere.md: points outside the repository");
    expect(linkProblem("docs/plan.md", "#exit-codes")).toBeUndefined();
  });
});

// Built from pieces so that this file does not name them itself.
const OUTSIDE = [["DES", "IGN.md"], ["K2", "-FACTS"], ["..", "/shared"], ["shared", "/DES", "IGN"], ["shared", "/K2"], ["/work", "/"]].map((p) => p.join(""));
/** A work item named by its number instead of describing the code; a public repository's issue (`owner/repo#12`) is a source and allowed. */
const WORK_ITEM = new RegExp(["\\bissues?", "[ -]#?\\d+\\b"].join(""), "i");
const WORD_DESIGN = new RegExp(["\\bDES", "IGN\\b"].join(""));

/** What a line names that it should not, or nothing. */
function outsideReferences(line: string): string[] {
  const found = OUTSIDE.filter((outside) => line.includes(outside));
  if (WORD_DESIGN.test(line)) found.push("the developers' design notes");
  const item = WORK_ITEM.exec(line);
  if (item !== null && !/[\w.-]+\/[\w.-]+#\d+/.test(line)) found.push(item[0]);
  return found;
}

describe("no file points outside the repository", () => {
  it("the check finds what it looks for, and lets public sources be", () => {
    const item = ["iss", "ue 4"].join("");
    expect(outsideReferences(`  // K2 side (${item}): fields`)).toEqual([item]);
    expect(outsideReferences(["see ../", "shared/", "K2-", "FACTS.md"].join(""))).toEqual([OUTSIDE[1], OUTSIDE[2], OUTSIDE[4]]);
    expect(outsideReferences(["as ", "DES", "IGN says"].join(""))).toEqual(["the developers' design notes"]);
    expect(outsideReferences(`recovery on create (pulumi/pulumi-azure-native#4282, ${["iss", "ue 4282"].join("")})`)).toEqual([]);
    expect(outsideReferences(`(${["iss", "ue #12"].join("")})`)).toEqual([["iss", "ue #12"].join("")]);
    expect(outsideReferences("K2 KB002784 step 3; Microsoft Learn, Access tokens")).toEqual([]);
  });

  // Committed files and new ones not ignored (what a commit of the work tree would hold).
  const tracked = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" })
    .split("\0")
    .filter((f, i, all) => f !== "" && all.indexOf(f) === i && fs.existsSync(path.join(REPO_ROOT, f)) && fs.statSync(path.join(REPO_ROOT, f)).isFile());

  it("reads the tracked files", () => {
    expect(tracked).toEqual(expect.arrayContaining(["README.md", "docs/k2.md", "components/config.ts", "test/docs.test.ts"]));
  });

  it("no tracked file names the developers' notes, a path outside the repository, or a work item", () => {
    const problems: string[] = [];
    for (const file of tracked) {
      const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
      if (text.includes("\0")) continue; // binary
      text.split("\n").forEach((line, i) => {
        for (const found of outsideReferences(line)) problems.push(`${file}:${i + 1}: ${found}`);
      });
    }
    expect(problems).toEqual([]);
  });
});
