/**
 * What one rule found for one resource (or the stack): violations, reported at the policy's enforcement level,
 * advisory notes, and undecided checks (values unknown during preview), reported as one advisory diagnostic.
 *
 * How "undecided" becomes advisory: a CrossGuard policy has one enforcement level for everything it reports, so a
 * mandatory rule cannot report an advisory note itself. CrossGuard's own answer to unknown values is an
 * `UnknownValueError` thrown by the policy: the analyzer server (`@pulumi/policy` server.js) catches it and emits an
 * advisory diagnostic "can't run policy '<name>' from policy pack '<pack>' during preview: <message>", whatever the
 * policy's level. `finish` reports the decided violations first, then throws such an error naming every undecided
 * check, so one rule yields its mandatory violations and one advisory note, never a silent pass and never a crash.
 *
 * Advisory notes (an exempted finding, an expired exemption) use the analyzer server's other way to report at a
 * level of the policy's choosing: `reportViolation` with an object that carries `enforcementLevel` (@pulumi/policy
 * 1.20 and later, server.js makeReportViolationFun; the pack pins 1.21.0, and its tests check the level arrives). A
 * server that ignored the level would report the note at the policy's own level: louder, never silent.
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
  /** The resource in violation; absent: the resource analysed (Analyze), or the stack as a whole. */
  urn?: string;
}

/** The object form of `reportViolation` (@pulumi/policy server.js; declared internal in policy.d.ts). */
interface ReportViolationArgs {
  message: string;
  urn?: string;
  description?: string;
  enforcementLevel?: "advisory" | "mandatory";
}

/** What a rule records: violations, advisory notes and undecided checks. */
export interface Findings {
  fail(message: string, urn?: string): void;
  advise(message: string, urn?: string): void;
  /** Records a check that cannot be decided yet; `what` names the check and the unknown value, never a value. */
  undecidable(what: string): void;
  readonly undecided: readonly string[];
}

export class Outcome implements Findings {
  readonly violations: Violation[] = [];
  /** Advisory whatever the policy's level. */
  readonly notes: Violation[] = [];
  readonly undecided: string[] = [];

  fail(message: string, urn?: string): void {
    this.violations.push(urn === undefined ? { message } : { message, urn });
  }

  advise(message: string, urn?: string): void {
    this.notes.push(urn === undefined ? { message } : { message, urn });
  }

  undecidable(what: string): void {
    if (!this.undecided.includes(what)) this.undecided.push(what);
  }

  /** A view that attributes what it records to one resource (the stack part of a resource rule). */
  about(urn: string, name: string): Findings {
    return {
      fail: (message, at) => this.fail(message, at ?? urn),
      advise: (message, at) => this.advise(message, at ?? urn),
      undecidable: (what) => this.undecidable(`${name}: ${what}`),
      undecided: this.undecided,
    };
  }
}

/** Reports a finding at advisory level whatever the policy's own, with the policy's description as every finding has. */
export function reportAdvisory(report: ReportViolation, description: string, message: string, urn: string | undefined): void {
  const args: ReportViolationArgs = { message: `${description}\n${message}`, description, enforcementLevel: "advisory", ...(urn !== undefined ? { urn } : {}) };
  (report as unknown as (a: ReportViolationArgs) => void)(args);
}

/** Throws the UndecidedError for what was left undecided, if anything. */
export function throwUndecided(outcome: Outcome): void {
  if (outcome.undecided.length > 0) {
    throwWithoutStack(() => {
      throw new UndecidedError(outcome.undecided);
    });
  }
}
