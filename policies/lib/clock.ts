/**
 * The instant rules evaluate dates against (secret expiry, lifetimes, rotation overlap). Real time in the pack;
 * tests fix it with `setClock` so no result depends on when the suite runs.
 */
let source: () => Date = () => new Date();

export function now(): Date {
  return source();
}

/** Fixes the clock (tests). `undefined` restores real time. */
export function setClock(clock: (() => Date) | undefined): void {
  source = clock ?? (() => new Date());
}
