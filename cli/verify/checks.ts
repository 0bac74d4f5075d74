/**
 * The result model of `verify`: one Check per thing verified, each failure carrying its likely cause and the fix.
 * Every module under cli/verify/ produces Checks; report.ts renders them; run.ts turns them into an exit code.
 */

/**
 * pass: verified. fail: broken (exit code 1). warn: works, but needs attention soon (exit code 0).
 * skip: not run (an earlier failure, or not asked for). undecided: verify cannot tell (missing input; exit code 0).
 */
export type CheckStatus = "pass" | "fail" | "warn" | "skip" | "undecided";

export interface Check {
  /** Stable identifier for scripts (`--format json`), e.g. `token-audience`. Several checks may share one (per URI, per secret). */
  id: string;
  /** Short human label for the table. */
  title: string;
  status: CheckStatus;
  /** What was seen. Never a token or secret. */
  detail: string;
  /** For fail, warn and undecided: the likely cause. */
  cause?: string;
  /** For fail, warn and undecided: what to do. */
  fix?: string;
  /** The Entra ID error code, when Entra ID answered with one. */
  aadsts?: number;
}

export interface Explanation {
  cause: string;
  fix: string;
}

export function pass(id: string, title: string, detail: string): Check {
  return { id, title, status: "pass", detail };
}

export function fail(id: string, title: string, detail: string, why: Explanation, aadsts?: number): Check {
  return { id, title, status: "fail", detail, cause: why.cause, fix: why.fix, ...(aadsts === undefined ? {} : { aadsts }) };
}

export function warn(id: string, title: string, detail: string, why: Explanation): Check {
  return { id, title, status: "warn", detail, cause: why.cause, fix: why.fix };
}

export function undecided(id: string, title: string, detail: string, why: Explanation): Check {
  return { id, title, status: "undecided", detail, cause: why.cause, fix: why.fix };
}

export function skip(id: string, title: string, detail: string): Check {
  return { id, title, status: "skip", detail };
}

export function failed(checks: readonly Check[]): boolean {
  return checks.some((c) => c.status === "fail");
}
