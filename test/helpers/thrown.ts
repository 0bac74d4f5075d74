/** What `fn` throws (undefined when it returns): for exact assertions on an error's class and message. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** What `promise` rejects with (undefined when it resolves): the asynchronous `thrown`. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}
