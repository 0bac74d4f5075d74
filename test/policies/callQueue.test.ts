/**
 * The analyzer client's call queue (cli/analyzer/callQueue.ts): bounded calls in flight, a few started per event-loop
 * turn, every call settled as it settles. Driven by hand-resolved promises and event-loop turns, never by time.
 */
import { describe, expect, it } from "vitest";
import { CallQueue } from "../../cli/analyzer/callQueue";

/** A call whose result the test decides. */
interface Held<T> {
  started: boolean;
  resolve(value: T): void;
  reject(err: Error): void;
  call(): Promise<T>;
}

function held<T>(): Held<T> {
  const h = { started: false } as Held<T>;
  h.call = () => {
    h.started = true;
    return new Promise<T>((resolve, reject) => {
      h.resolve = resolve;
      h.reject = reject;
    });
  };
  return h;
}

/** Lets one event-loop turn pass (the queue yields with setImmediate between batches). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("CallQueue", () => {
  it("starts at most perTurn calls per event-loop turn, then the next batch", async () => {
    const queue = new CallQueue({ maxInFlight: 100, perTurn: 3 });
    const calls = Array.from({ length: 7 }, () => held<number>());
    const results = calls.map((c, i) => queue.run(c.call).then((v) => v + i));
    expect(calls.map((c) => c.started)).toEqual([true, true, true, false, false, false, false]);
    await nextTurn();
    expect(calls.filter((c) => c.started)).toHaveLength(6);
    await nextTurn();
    expect(calls.every((c) => c.started)).toBe(true);
    calls.forEach((c) => c.resolve(10));
    expect(await Promise.all(results)).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(queue.pending).toBe(0);
  });

  it("never keeps more than maxInFlight calls open; a settled call makes room for the next", async () => {
    const queue = new CallQueue({ maxInFlight: 2, perTurn: 10 });
    const calls = Array.from({ length: 5 }, () => held<string>());
    const results = calls.map((c) => queue.run(c.call));
    await nextTurn();
    expect(calls.map((c) => c.started)).toEqual([true, true, false, false, false]);
    expect(queue.pending).toBe(5);
    calls[1].resolve("b");
    expect(await results[1]).toBe("b");
    await nextTurn();
    expect(calls.map((c) => c.started)).toEqual([true, true, true, false, false]);
    calls[0].resolve("a");
    calls[2].resolve("c");
    await Promise.all([results[0], results[2]]);
    await nextTurn();
    expect(calls.every((c) => c.started)).toBe(true);
    calls[3].resolve("d");
    calls[4].resolve("e");
    expect(await Promise.all(results)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("passes failures on to the caller and keeps going", async () => {
    const queue = new CallQueue({ maxInFlight: 1, perTurn: 1 });
    const failing = held<number>();
    const throwing = (): Promise<number> => {
      throw new Error("thrown before any promise");
    };
    const first = queue.run(failing.call);
    const second = queue.run(throwing);
    const third = queue.run(async () => 3);
    failing.reject(new Error("call failed"));
    await expect(first).rejects.toThrow("call failed");
    await expect(second).rejects.toThrow("thrown before any promise");
    expect(await third).toBe(3);
    expect(queue.pending).toBe(0);
  });

  it("rejects settings that could never start a call", () => {
    expect(() => new CallQueue({ maxInFlight: 0, perTurn: 1 })).toThrow("at least 1");
  });
});
