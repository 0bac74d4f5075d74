/**
 * The plan's recording of resource registrations (cli/plan/recordingMonitor.ts) reads SDK internals: whatever it
 * cannot read stops the plan with an SdkInternalsError naming the SDK version it needs. It never records a resource
 * with empty or partial inputs (the policy pack would then analyse an empty resource and find nothing).
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../cli/plan/model";
import { checkRecorded, goDurationSeconds, readRegistration, recordRegistrations, RegistrationError, type RegisterResourceResponse } from "../../cli/plan/recordingMonitor";
import { SdkInternalsError, VALIDATED_SDK_VERSION } from "../../cli/plan/sdkInternals";
import { thrown } from "../helpers/thrown";

const V = "3.299.0";
const STACK_URN = "urn:pulumi:dev::k2-oauth::pulumi:pulumi:Stack::k2-oauth-dev";

interface FakeRequest {
  [getter: string]: () => unknown;
}

function request(overrides: Partial<FakeRequest> = {}, inputs: Record<string, unknown> = { displayName: "app", owners: ["o1"] }): FakeRequest {
  return {
    getType: () => "azuread:index/application:Application",
    getName: () => "pa-app",
    getParent: () => STACK_URN,
    getCustom: () => true,
    getProvider: () => "",
    getDependenciesList: () => ["urn:a", "urn:a", "urn:b"],
    getObject: () => Struct.fromJavaScript(inputs as Parameters<typeof Struct.fromJavaScript>[0]),
    getPropertydependenciesMap: () => new Map([["owners", { getUrnsList: () => ["urn:b", "urn:b"] }]]),
    getProtect: () => false,
    getIgnorechangesList: () => [],
    getDeletebeforereplace: () => false,
    getDeletebeforereplacedefined: () => false,
    getAdditionalsecretoutputsList: () => [],
    getCustomtimeouts: () => timeouts({}),
    getImportid: () => "",
    ...overrides,
  };
}

/** The SDK's CustomTimeouts message as the request carries it (empty strings for what is not set). */
function timeouts(t: { create?: string; update?: string; delete?: string; read?: string }) {
  return { getCreate: () => t.create ?? "", getUpdate: () => t.update ?? "", getDelete: () => t.delete ?? "", getRead: () => t.read ?? "" };
}

const NO_TIMEOUTS = { create: 0, update: 0, delete: 0, read: 0 };

function mockMonitor(): { resources: Map<string, unknown>; registerResource(req: unknown, cb: unknown): void } {
  return { resources: new Map(), registerResource: (_req: unknown, _cb: unknown) => undefined };
}

/** Registers through the monitor as the SDK does and returns the callback's arguments. */
function register(monitor: ReturnType<typeof mockMonitor>, req: FakeRequest): Promise<{ err: Error | null; res: RegisterResourceResponse | undefined }> {
  return new Promise((resolve) => monitor.registerResource(req, (err: Error | null, res: RegisterResourceResponse | undefined) => resolve({ err, res })));
}

const message = (problem: string) => new SdkInternalsError("recording-monitor", problem, V).message;

describe("readRegistration", () => {
  it("reads every field the plan uses; the URN qualifies the type with the parent's (not the stack's)", () => {
    expect(readRegistration(request(), "dev", "k2-oauth", V)).toEqual({
      urn: "urn:pulumi:dev::k2-oauth::azuread:index/application:Application::pa-app",
      type: "azuread:index/application:Application",
      name: "pa-app",
      parent: STACK_URN,
      custom: true,
      dependencies: ["urn:a", "urn:b"],
      propertyDependencies: { owners: ["urn:b"] },
      options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], customTimeouts: NO_TIMEOUTS },
      wireInputs: { displayName: "app", owners: ["o1"] },
    });
    const child = readRegistration(request({ getParent: () => "urn:pulumi:dev::k2-oauth::k2oauth:index:ClientApp::pa", getProvider: () => "urn:p::id" }), "dev", "k2-oauth", V);
    expect(child.urn).toBe("urn:pulumi:dev::k2-oauth::k2oauth:index:ClientApp$azuread:index/application:Application::pa-app");
    expect(child.provider).toBe("urn:p::id");
  });

  it("inputs that cannot be read stop the plan: no object, a failing conversion, not an object", () => {
    expect(() => readRegistration(request({ getObject: () => undefined }), "dev", "k2-oauth", V)).toThrow(
      message("the SDK's RegisterResourceRequest getObject() returned undefined, not a protobuf Struct of the resource's inputs"),
    );
    const throwing = { toJavaScript: () => { throw new Error("unknown kind 9"); } };
    expect(() => readRegistration(request({ getObject: () => throwing }), "dev", "k2-oauth", V)).toThrow(
      message("the inputs of azuread:index/application:Application pa-app cannot be read (unknown kind 9)"),
    );
    expect(() => readRegistration(request({ getObject: () => ({ toJavaScript: () => [1] }) }), "dev", "k2-oauth", V)).toThrow(
      message("the inputs of azuread:index/application:Application pa-app are an array, not an object"),
    );
  });

  it("reads the options the engine passes to analyzers; custom timeouts in seconds, as the engine parses them", () => {
    const r = readRegistration(
      request({
        getProtect: () => true,
        getIgnorechangesList: () => ["tags"],
        getDeletebeforereplace: () => false,
        getDeletebeforereplacedefined: () => true,
        getAdditionalsecretoutputsList: () => ["value"],
        getCustomtimeouts: () => timeouts({ create: "1h30m", update: "1.5s", delete: "250ms", read: "0" }),
      }),
      "dev",
      "k2-oauth",
      V,
    );
    expect(r.options).toEqual({ protect: true, ignoreChanges: ["tags"], deleteBeforeReplace: false, additionalSecretOutputs: ["value"], customTimeouts: { create: 5400, update: 1.5, delete: 0.25, read: 0 } });
    expect(readRegistration(request({ getCustomtimeouts: () => undefined }), "dev", "k2-oauth", V).options?.customTimeouts).toEqual(NO_TIMEOUTS);
  });

  it("a custom timeout the engine cannot parse fails the registration, as in the engine", () => {
    const e = thrown(() => readRegistration(request({ getCustomtimeouts: () => timeouts({ delete: "10 minutes" }) }), "dev", "k2-oauth", V));
    expect(e).toBeInstanceOf(RegistrationError);
    expect((e as Error).message).toBe(
      `azuread:index/application:Application pa-app: the custom timeout '10 minutes' is not a duration the Pulumi engine can read (like 30m, 1h30m or 90s); the engine rejects the resource with "unable to parse customTimeout Value 10 minutes"`,
    );
  });

  it("property dependencies that cannot be read stop the plan", () => {
    expect(() => readRegistration(request({ getPropertydependenciesMap: () => ({}) }), "dev", "k2-oauth", V)).toThrow(
      message("the SDK's RegisterResourceRequest getPropertydependenciesMap() returned an object, not a map of property dependencies"),
    );
    expect(() => readRegistration(request({ getPropertydependenciesMap: () => new Map([["owners", { getUrnsList: () => "urn:b" }]]) }), "dev", "k2-oauth", V)).toThrow(
      message("the SDK's RegisterResourceRequest property dependencies of owners are not a list of URNs"),
    );
  });

  it("a missing or retyped getter stops the plan, naming it", () => {
    const { getCustom: _gone, ...withoutCustom } = request();
    expect(() => readRegistration(withoutCustom, "dev", "k2-oauth", V)).toThrow(message("the SDK's RegisterResourceRequest has no getCustom()"));
    expect(() => readRegistration(request({ getDependenciesList: () => "urn:a" }), "dev", "k2-oauth", V)).toThrow(
      message("the SDK's RegisterResourceRequest getDependenciesList() returned a string, not a list of URNs"),
    );
    expect(() => readRegistration(request({ getName: () => "" }), "dev", "k2-oauth", V)).toThrow(message("a registration carries no type or no name"));
  });

  it("the message names the version found and the one validated", () => {
    expect(message("x")).toContain(`@pulumi/pulumi ${V}: x.`);
    expect(message("x")).toContain(`validated with @pulumi/pulumi ${VALIDATED_SDK_VERSION}`);
  });
});

describe("recordRegistrations", () => {
  it("refuses a monitor that is not the mock monitor it knows", () => {
    expect(() => recordRegistrations({ registerResource: (_a: unknown, _b: unknown) => undefined }, "dev", "p", V)).toThrow(
      message("the monitor pulumi.runtime.setMocks installs is not a mock monitor with a resources Map and registerResource(req, callback)"),
    );
    expect(() => recordRegistrations({ resources: new Map(), registerResource: (_a: unknown) => undefined }, "dev", "p", V)).toThrow(SdkInternalsError);
    expect(() => recordRegistrations(undefined, "dev", "p", V)).toThrow(SdkInternalsError);
  });

  it("answers as a preview does (URN, no id, the inputs as outputs) and keeps the mock monitor's table", async () => {
    const monitor = mockMonitor();
    const seen: RecordedResource[] = [];
    const recording = recordRegistrations(monitor, "dev", "k2-oauth", V, (r) => seen.push(r));
    const { err, res } = await register(monitor, request());
    expect(err).toBeNull();
    const urn = "urn:pulumi:dev::k2-oauth::azuread:index/application:Application::pa-app";
    expect([res!.getUrn(), res!.getId(), res!.getObject().toJavaScript(), res!.getPropertydependenciesMap(), res!.getResult(), res!.getUnknown()]).toEqual([
      urn,
      "",
      { displayName: "app", owners: ["o1"] },
      undefined,
      0,
      false,
    ]);
    expect(monitor.resources.get(urn)).toEqual({ urn, id: null, state: { displayName: "app", owners: ["o1"] } });
    expect(recording.resources.map((r) => r.urn)).toEqual([urn]);
    expect(seen).toEqual(recording.resources);
    expect(recording.failure()).toBeUndefined();
  });

  it("a resource to import is answered with its import id, as the engine's import reads it, and recorded with it", async () => {
    const monitor = mockMonitor();
    const recording = recordRegistrations(monitor, "dev", "k2-oauth", V);
    const { res } = await register(monitor, request({ getImportid: () => "/applications/0a000000-0000-4000-8000-000000000001" }));
    const urn = "urn:pulumi:dev::k2-oauth::azuread:index/application:Application::pa-app";
    expect(res!.getId()).toBe("/applications/0a000000-0000-4000-8000-000000000001");
    expect(monitor.resources.get(urn)).toEqual({ urn, id: "/applications/0a000000-0000-4000-8000-000000000001", state: { displayName: "app", owners: ["o1"] } });
    expect(recording.resources.map((r) => r.importId)).toEqual(["/applications/0a000000-0000-4000-8000-000000000001"]);
    expect(() => readRegistration(request({ getImportid: () => undefined }), "dev", "k2-oauth", V)).toThrow(
      message("the SDK's RegisterResourceRequest getImportid() returned undefined, not an import id or empty"),
    );
  });

  it("an unreadable registration fails that registration and the plan, and records nothing for it", async () => {
    const monitor = mockMonitor();
    const seen: RecordedResource[] = [];
    const recording = recordRegistrations(monitor, "dev", "k2-oauth", V, (r) => seen.push(r));
    const { err, res } = await register(monitor, request({ getObject: () => undefined }));
    expect(err).toBeInstanceOf(SdkInternalsError);
    expect(res).toBeUndefined();
    expect(recording.failure()).toBe(err);
    expect(recording.resources).toEqual([]);
    expect(seen).toEqual([]);
    expect(monitor.resources.size).toBe(0);
  });

  it("a slow prepare step (a provider check) keeps registration order, and settled() waits for it", async () => {
    const monitor = mockMonitor();
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const recording = recordRegistrations(monitor, "dev", "k2-oauth", V, (r) => seen.push(r.name), async (r) => {
      if (r.name !== "first") return r;
      await gate;
      return { ...r, wireInputs: { checked: true }, checkFailures: [] };
    });
    const first = register(monitor, request({ getName: () => "first" }));
    const second = await register(monitor, request({ getName: () => "second" }));
    expect(second.err).toBeNull();
    expect(seen).toEqual([]); // held back until the first one is done
    let settled = false;
    void recording.settled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    release();
    const done = await first;
    expect(done.res!.getObject().toJavaScript()).toEqual({ checked: true });
    await recording.settled();
    expect(seen).toEqual(["first", "second"]);
    expect(recording.resources.map((r) => [r.name, r.checkFailures])).toEqual([
      ["first", []],
      ["second", undefined],
    ]);
  });

  it("a failing prepare step fails the plan", async () => {
    const monitor = mockMonitor();
    const recording = recordRegistrations(monitor, "dev", "k2-oauth", V, undefined, () => Promise.reject(new Error("provider not found")));
    const { err } = await register(monitor, request());
    expect(err?.message).toBe("provider not found");
    await recording.settled();
    expect(recording.failure()?.message).toBe("provider not found");
    expect(recording.resources).toEqual([]);
  });
});

describe("checkRecorded", () => {
  it("stops a plan in which the SDK registered nothing through the monitor (not even the stack)", () => {
    expect(() => checkRecorded([], V)).toThrow(message("the program ran but the SDK registered no resource through the mock monitor, not even the stack"));
    const stack = readRegistration(request({ getType: () => "pulumi:pulumi:Stack", getName: () => "k2-oauth-dev", getParent: () => "" }), "dev", "k2-oauth", V);
    expect(() => checkRecorded([stack], V)).not.toThrow();
  });
});

describe("goDurationSeconds (Go's time.ParseDuration, as the engine reads custom timeouts)", () => {
  it.each([
    ["30m", 1800],
    ["1h30m", 5400],
    ["1.5h", 5400],
    ["90s", 90],
    ["250ms", 0.25],
    ["1m0.5s", 60.5],
    ["0", 0],
    ["-2m", -120],
    [".5s", 0.5],
  ])("%s is %d s", (text, seconds) => {
    expect(goDurationSeconds(text)).toBeCloseTo(seconds, 9);
  });

  it.each(["", "10", "10 minutes", "5d", "1h 30m", "m", "1.h2"])("'%s' is not a duration", (text) => {
    expect(goDurationSeconds(text)).toBeUndefined();
  });
});
