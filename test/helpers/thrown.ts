/** What `fn` throws (undefined when it returns): for exact assertions on an error's class and message. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
