/**
 * What a rule expects (the tenant, cloud, audience, K2 API and scope): pinned by the policy config, else recorded by
 * the stack's own components (components/contracts.ts), else a default. A pin that disagrees with the stack is a
 * violation: the policy config and the stack would describe two different set-ups. Messages quote the pin (policy
 * config is never secret) and may quote what the stack's components record (a tenant id, an audience: plain config,
 * never secret; docs/policies.md says so), but never a value read from the resource checked.
 */
import type { Findings } from "./outcome";
import type { Read } from "./values";

export interface Expectation<T> {
  value: T | undefined;
  /** Where the value comes from, for messages: `the policy config's tenantId`, `k2-oauth:tenantId`, `the default`. */
  source: string;
  /** The stack config key to change, when the value is the stack's. */
  stackKey: string | undefined;
}

export interface ExpectArgs<T> {
  /** The pin's setting name, like tenantId. */
  setting: string;
  pin: T | undefined;
  /** The stack's recorded value (`recorded(...)`), and its stack config key. */
  stack: Read;
  stackKey: string;
  fallback?: T;
  /** Turns a recorded value into the compared form; undefined when it is not one. */
  normalize(value: unknown): T | undefined;
  same?(a: T, b: T): boolean;
  outcome: Findings;
  /** The resource a disagreement is reported on. */
  urn?: string;
}

/** The expectation for one value, reporting a pin that disagrees with the stack and a stack value not known yet. */
export function expectValue<T>(args: ExpectArgs<T>): Expectation<T> {
  const same = args.same ?? ((a: T, b: T) => a === b);
  if (!args.stack.known) {
    if (args.pin !== undefined) {
      args.outcome.undecidable(`whether the pinned ${args.setting} agrees with the stack's ${args.stackKey}`);
      return { value: args.pin, source: `the policy config's ${args.setting}`, stackKey: undefined };
    }
    args.outcome.undecidable(`the stack's ${args.stackKey}`);
    return { value: undefined, source: args.stackKey, stackKey: args.stackKey };
  }
  const stackValue = args.normalize(args.stack.value);
  if (args.pin !== undefined) {
    if (stackValue !== undefined && !same(args.pin, stackValue)) {
      args.outcome.fail(
        `the policy config pins ${args.setting} ${JSON.stringify(args.pin)}, but the stack's ${args.stackKey} differs: they describe two different set-ups; remove the pin (the stack's value then applies) or make them agree`,
        args.urn,
      );
    }
    return { value: args.pin, source: `the policy config's ${args.setting}`, stackKey: undefined };
  }
  if (stackValue !== undefined) return { value: stackValue, source: args.stackKey, stackKey: args.stackKey };
  if (args.fallback !== undefined) return { value: args.fallback, source: "the default", stackKey: undefined };
  return { value: undefined, source: "none", stackKey: undefined };
}

export const asText = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
export const asId = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value.trim().toLowerCase() : undefined);
