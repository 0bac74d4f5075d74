/**
 * Errors that only signal something to CrossGuard's analyzer server or to the rule runner (define.ts): "not
 * applicable", "undecided during preview". The server reads their class, reason and message, never their stack, so
 * they are thrown without one.
 *
 * Why it matters (measured with `node --cpu-prof`, docs/plan.md "Benchmark"): TypeScript, loaded by ts-node in the pack
 * process, raises Error.stackTraceLimit to 100, and capturing those stacks was the largest cost of an Analyze call.
 */
export function throwWithoutStack(signal: () => never): never {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return signal();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
