/**
 * A git ref's tree checked out in a temporary `git worktree`, with node_modules linked from the current checkout so
 * its program runs without an install. Always removed afterwards: on success, on failure, and on Ctrl-C.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "./errors";

function git(cwd: string, args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

export interface RefTree {
  /** The project root inside the worktree (the same sub-folder of the repository as the current project). */
  root: string;
  commit: string;
}

/** The commit a ref names, or a UsageError naming the ref. */
export function resolveCommit(projectRoot: string, ref: string): string {
  try {
    git(projectRoot, ["rev-parse", "--is-inside-work-tree"]);
  } catch {
    throw new UsageError(`--against needs a git repository, and ${projectRoot} is not inside one`);
  }
  try {
    return git(projectRoot, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  } catch {
    throw new UsageError(`--against '${ref}' is not a commit in this repository (fetch it first, e.g. git fetch origin main)`);
  }
}

export async function withRefTree<T>(projectRoot: string, ref: string, use: (tree: RefTree) => Promise<T>): Promise<T> {
  const commit = resolveCommit(projectRoot, ref);
  const top = fs.realpathSync(git(projectRoot, ["rev-parse", "--show-toplevel"]));
  const prefix = path.relative(top, fs.realpathSync(projectRoot));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "k2-oauth-plan-"));
  const worktree = path.join(tmp, "tree");
  const root = path.join(worktree, prefix);
  const link = path.join(root, "node_modules");
  let added = false;

  const cleanup = (): void => {
    // The link first: removing the worktree must never reach into the current checkout's node_modules.
    try {
      if (fs.lstatSync(link).isSymbolicLink()) fs.unlinkSync(link);
    } catch {
      // not created
    }
    if (added) {
      try {
        git(projectRoot, ["worktree", "remove", "--force", worktree]);
      } catch {
        // removed below; prune forgets it
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    if (added) {
      try {
        git(projectRoot, ["worktree", "prune"]);
      } catch {
        // nothing to prune
      }
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    git(projectRoot, ["worktree", "add", "--detach", "--quiet", worktree, commit]);
    added = true;
    const modules = path.join(projectRoot, "node_modules");
    if (fs.existsSync(root) && fs.existsSync(modules) && !fs.existsSync(link)) fs.symlinkSync(modules, link, "dir");
    return await use({ root, commit });
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    cleanup();
  }
}
