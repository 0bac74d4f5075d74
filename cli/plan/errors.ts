/** The ways a plan can end other than with a result, and the exit code each maps to (docs/plan.md "Exit codes"). */
import { UsageError } from "../args";

export { UsageError } from "../args";

export const EXIT_OK = 0;
export const EXIT_MANDATORY_VIOLATIONS = 1;
export const EXIT_CONFIG_OR_USAGE = 2;
/** The plan could not be completed (the program crashed, the policy pack did not start...): not a verdict on the change. */
export const EXIT_PLAN_FAILED = 3;

/** Invalid stack config: the message names the key (`k2-oauth:...`) and what is expected. */
export class PlanConfigError extends Error {
  readonly exitCode = EXIT_CONFIG_OR_USAGE;
  constructor(message: string) {
    super(message);
    this.name = "PlanConfigError";
  }
}

/** The plan could not be computed for a reason other than config or usage. */
export class PlanFailedError extends Error {
  readonly exitCode = EXIT_PLAN_FAILED;
  constructor(message: string) {
    super(message);
    this.name = "PlanFailedError";
  }
}

export type PlanError = UsageError | PlanConfigError | PlanFailedError;

export function isPlanError(err: unknown): err is PlanError {
  return err instanceof UsageError || err instanceof PlanConfigError || err instanceof PlanFailedError;
}
