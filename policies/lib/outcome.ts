/**
 * What one rule found for one resource (or the stack): violations, reported at the policy's enforcement level, and
 * undecided checks (values unknown during preview), reported as one advisory diagnostic.
 *
 * How "undecided" becomes advisory: a CrossGuard policy has one enforcement level for everything it reports, so a
 * mandatory rule cannot report an advisory note itself. CrossGuard's own answer to unknown values is an
 * `UnknownValueError` thrown by the policy: the analyzer server (`@pulumi/policy` server.js) catches it and emits an
 * advisory diagnostic "can't run policy '<name>' from policy pack '<pack>' during preview: <message>", whatever the
 * policy's level. `finish` reports the decided violations first, then throws such an error naming every undecided
 * check, so one rule yields its mandatory violations and one advisory note, never a silent pass and never a crash.
 */
import type { ReportViolation } from "@pulumi/policy";
import { throwWithoutStack } from "./signal";
import { UNKNOWN_STRING } from "./values";

/**
 * The error class the analyzer server turns into an advisory diagnostic. `@pulumi/policy` exports it from its main
 * entry (index.js), but its declaration is marked internal and stripped from the .d.ts, hence `require` and this type.
 */
interface UnknownValueErrorClass {
  new (unknownTypeSentinel: string, props: string[]): Error;
}
const { UnknownValueError } = require("@pulumi/policy") as { UnknownValueError: UnknownValueErrorClass };

/** Thrown by `finish` when some checks could not be decided; CrossGuard reports it as advisory. */
export class UndecidedError extends UnknownValueError {
  readonly undecided: readonly string[];
  constructor(undecided: readonly string[]) {
    super(UNKNOWN_STRING, []);
    this.name = "UndecidedError";
    this.undecided = undecided;
    this.message = `undecided until the values are known (pulumi up checks them again): ${undecided.join("; ")}`;
  }
}

export interface Violation {
  message: string;
  /** For stack policies: the resource in violation. */
  urn?: string;
}

export class Outcome {
  readonly violations: Violation[] = [];
  readonly undecided: string[] = [];

  fail(message: string, urn?: string): void {
    this.violations.push(urn === undefined ? { message } : { message, urn });
  }

  /** Records a check that cannot be decided yet; `what` names the check and the unknown value, never a value. */
  undecidable(what: string): void {
    if (!this.undecided.includes(what)) this.undecided.push(what);
  }
}

/** Reports the violations, then throws an UndecidedError if anything was left undecided. */
export function finish(outcome: Outcome, reportViolation: ReportViolation): void {
  for (const v of outcome.violations) reportViolation(v.message, v.urn);
  if (outcome.undecided.length > 0) {
    throwWithoutStack(() => {
      throw new UndecidedError(outcome.undecided);
    });
  }
}
