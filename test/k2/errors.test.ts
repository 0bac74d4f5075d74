/**
 * K2 errors are plain Errors made by a factory (components/k2/http.ts), recognised by shape: a class that extends
 * Error does not survive the closure serializer (serializedProvider.test.ts shows the serialized behaviour).
 */
import { describe, expect, it } from "vitest";
import { isK2Error, k2Error, problemOf } from "../../components/k2/http";

describe("k2Error", () => {
  it("is an Error named K2Error whose message is the problem followed by the hint", () => {
    const e = k2Error("unauthorized", "K2 refused.", { hint: "Check the password.", status: 401 });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("K2Error");
    expect(e.message).toBe("K2 refused. Check the password.");
    expect(String(e)).toBe("K2Error: K2 refused. Check the password.");
    expect(e.stack?.split("\n")[0]).toBe("K2Error: K2 refused. Check the password.");
    expect({ kind: e.kind, status: e.status, retryable: e.retryable, hint: e.hint }).toEqual({ kind: "unauthorized", status: 401, retryable: false, hint: "Check the password." });
    expect(problemOf(e)).toBe("K2 refused.");
  });

  it("without a hint: the message is the problem alone; retryable and status as given", () => {
    const e = k2Error("network", "connection failed.", { retryable: true });
    expect(e.message).toBe("connection failed.");
    expect({ kind: e.kind, status: e.status, retryable: e.retryable, hint: e.hint }).toEqual({ kind: "network", status: undefined, retryable: true, hint: "" });
    expect(problemOf(e)).toBe("connection failed.");
  });
});

describe("isK2Error", () => {
  it("recognises K2 errors by shape, also one made by another copy of the module", () => {
    expect(isK2Error(k2Error("timeout", "no answer."))).toBe(true);
    const copy = Object.assign(new Error("from a serialized copy"), { name: "K2Error", kind: "conflict", status: undefined, retryable: false, hint: "" });
    expect(isK2Error(copy)).toBe(true);
  });

  it("rejects near misses: another Error, a K2Error name without details, a look-alike that is not an Error", () => {
    expect(isK2Error(new Error("x"))).toBe(false);
    expect(isK2Error(Object.assign(new Error("x"), { name: "K2Error" }))).toBe(false);
    expect(isK2Error(Object.assign(new Error("x"), { name: "K2Error", kind: "network", retryable: "yes", hint: "" }))).toBe(false);
    expect(isK2Error(Object.assign(new Error("x"), { kind: "network", retryable: true, hint: "" }))).toBe(false);
    expect(isK2Error({ name: "K2Error", message: "x", kind: "network", retryable: true, hint: "" })).toBe(false);
    expect(isK2Error(undefined)).toBe(false);
  });
});
