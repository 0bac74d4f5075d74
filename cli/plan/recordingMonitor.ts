/**
 * The resource monitor side of the offline plan (child process only): the SDK's MockMonitor (from
 * `pulumi.runtime.setMocks`) with `registerResource` answered directly, recording every registration.
 *
 * What a registration returns is what `pulumi preview` returns for a resource to create: engine URN, no id (the import
 * id for a resource to import), and the inputs as the only known outputs (everything else stays unknown in preview mode). The MockMonitor would compute
 * the same through `mocks.newResource`, converting the inputs from protobuf to JavaScript, serializing them back and
 * rebuilding a protobuf Struct per resource; answering directly converts once, which matters at a few thousand
 * resources (docs/plan.md "Benchmark").
 *
 * This reads SDK internals (the "recording-monitor" internal of cli/sdkProbe.cjs, checked at start-up): the mock
 * monitor's shape and the RegisterResourceRequest the SDK sends. Nothing here falls back silently: a monitor or a
 * request that cannot be read as expected stops the plan with an SdkInternalsError (exit code 3), never an empty or
 * partial resource.
 */
import type { RecordedOptions, RecordedResource } from "./model";
import { SdkInternalsError } from "./sdkInternals";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The parts of the SDK's RegisterResourceRequest (protobuf) that are read here. */
export interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getPropertydependenciesMap(): ProtoMap<{ getUrnsList(): string[] }>;
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string; getRead(): string } | undefined;
  /** The `import` option's id ("" without one). */
  getImportid(): string;
}

/** The part of google-protobuf's jspb.Map read here. */
interface ProtoMap<V> {
  forEach(callback: (value: V, key: string) => void): void;
}

/** What the SDK reads from a RegisterResourceResponse (runtime/resource.js registerResource; checked by sdkProbe.cjs). */
export interface RegisterResourceResponse {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
  getPropertydependenciesMap(): undefined;
  getResult(): number;
  getUnknown(): boolean;
}

type Callback = (err: Error | null, response: RegisterResourceResponse | undefined) => void;

/** The SDK's MockMonitor as used here: its resource table serves `getResource` and `registerResourceOutputs`. */
export interface MockMonitorLike {
  resources: Map<string, { urn: string; id: string | null; state: unknown }>;
  registerResource(req: RegisterResourceRequest, callback: Callback): Promise<void> | void;
}

/**
 * The URN the engine gives a resource: its type qualified with the parent's whole type chain, the root stack's type
 * excluded (the SDK's MockMonitor uses the parent's last type only, and keeps the root stack's).
 */
export function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
  let qualified = type;
  if (parent !== "") {
    const parentQualified = parent.split("::")[2] ?? "";
    if (parentQualified !== ROOT_STACK_TYPE && parentQualified !== "") qualified = `${parentQualified}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** The monitor `setMocks` installed, if it has the shape this module relies on. */
function asMockMonitor(monitor: unknown, version: string): MockMonitorLike {
  const m = monitor as Partial<MockMonitorLike> | undefined;
  if (typeof m !== "object" || m === null || !(m.resources instanceof Map) || typeof m.registerResource !== "function" || m.registerResource.length !== 2) {
    throw new SdkInternalsError("recording-monitor", "the monitor pulumi.runtime.setMocks installs is not a mock monitor with a resources Map and registerResource(req, callback)", version);
  }
  return m as MockMonitorLike;
}

/** One getter of the request, called and type-checked. */
function field<T>(req: unknown, getter: string, is: (v: unknown) => v is T, expected: string, version: string): T {
  const fn = (req as Record<string, unknown> | null)?.[getter];
  if (typeof fn !== "function") throw new SdkInternalsError("recording-monitor", `the SDK's RegisterResourceRequest has no ${getter}()`, version);
  const value: unknown = fn.call(req);
  if (!is(value)) throw new SdkInternalsError("recording-monitor", `the SDK's RegisterResourceRequest ${getter}() returned ${describe(value)}, not ${expected}`, version);
  return value;
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return "an array";
  return `${typeof value === "object" ? "an" : "a"} ${typeof value}`;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isStruct = (v: unknown): v is { toJavaScript(): unknown } => typeof v === "object" && v !== null && typeof (v as { toJavaScript?: unknown }).toJavaScript === "function";
const hasMethods =
  <T>(...names: string[]) =>
  (v: unknown): v is T =>
    typeof v === "object" && v !== null && names.every((n) => typeof (v as Record<string, unknown>)[n] === "function");
const isProtoMap = hasMethods<ProtoMap<unknown>>("forEach");
const isTimeouts = hasMethods<{ getCreate(): string; getUpdate(): string; getDelete(): string; getRead(): string }>("getCreate", "getUpdate", "getDelete", "getRead");

const DURATION_UNIT_SECONDS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, "μs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const DURATION_PART = "(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)";

/** A Go duration (`30m`, `1h30m`, `1.5s`; Go's time.ParseDuration) in seconds; undefined when it is not one. */
export function goDurationSeconds(text: string): number | undefined {
  if (/^[-+]?0$/.test(text)) return 0;
  const whole = new RegExp(`^([-+]?)((?:${DURATION_PART})+)$`).exec(text);
  if (whole === null) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of whole[2].matchAll(new RegExp(DURATION_PART, "g"))) seconds += Number(amount) * DURATION_UNIT_SECONDS[unit];
  return whole[1] === "-" ? -seconds : seconds;
}

/** Thrown for a registration the engine itself would reject: the plan stops (exit 3), as the preview does. */
export class RegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistrationError";
  }
}

/** A custom timeout as the engine turns it into seconds (0 when not set); one it cannot parse fails the registration. */
function timeoutSeconds(value: string, type: string, name: string): number {
  if (value === "") return 0;
  const seconds = goDurationSeconds(value);
  if (seconds === undefined) {
    throw new RegistrationError(
      `${type} ${name}: the custom timeout '${value}' is not a duration the Pulumi engine can read (like 30m, 1h30m or 90s); the engine rejects the resource with "unable to parse customTimeout Value ${value}"`,
    );
  }
  return seconds;
}

/** Per input property, the URNs its value came from: the request's property dependencies, read strictly. */
function propertyDependenciesOf(req: unknown, version: string): Record<string, string[]> {
  const map = field(req, "getPropertydependenciesMap", isProtoMap, "a map of property dependencies", version);
  const out: Record<string, string[]> = {};
  map.forEach((deps, key) => {
    const getUrns = (deps as { getUrnsList?: unknown } | null)?.getUrnsList;
    const urns: unknown = typeof getUrns === "function" ? (getUrns as () => unknown).call(deps) : undefined;
    if (typeof key !== "string" || !isStrings(urns)) {
      throw new SdkInternalsError("recording-monitor", `the SDK's RegisterResourceRequest property dependencies of ${String(key)} are not a list of URNs`, version);
    }
    out[key] = [...new Set(urns)];
  });
  return out;
}

/** The resource a request registers, or an SdkInternalsError saying what could not be read. Never empty inputs. */
export function readRegistration(req: unknown, stack: string, project: string, version: string): RecordedResource {
  const type = field(req, "getType", isString, "a type token", version);
  const name = field(req, "getName", isString, "a name", version);
  const parent = field(req, "getParent", isString, "a URN or empty", version);
  const custom = field(req, "getCustom", isBoolean, "a boolean", version);
  const provider = field(req, "getProvider", isString, "a provider reference or empty", version);
  const dependencies = field(req, "getDependenciesList", isStrings, "a list of URNs", version);
  const object = field(req, "getObject", isStruct, "a protobuf Struct of the resource's inputs", version);
  const importId = field(req, "getImportid", isString, "an import id or empty", version);
  const timeouts = field(req, "getCustomtimeouts", (v: unknown): v is unknown => v === undefined || isTimeouts(v), "custom timeouts or nothing", version);
  const deleteBeforeReplaceDefined = field(req, "getDeletebeforereplacedefined", isBoolean, "a boolean", version);
  const options: RecordedOptions = {
    protect: field(req, "getProtect", isBoolean, "a boolean", version),
    ignoreChanges: field(req, "getIgnorechangesList", isStrings, "a list of property names", version),
    ...(deleteBeforeReplaceDefined ? { deleteBeforeReplace: field(req, "getDeletebeforereplace", isBoolean, "a boolean", version) } : {}),
    additionalSecretOutputs: field(req, "getAdditionalsecretoutputsList", isStrings, "a list of property names", version),
    customTimeouts: {
      create: timeoutSeconds(isTimeouts(timeouts) ? timeouts.getCreate() : "", type, name),
      update: timeoutSeconds(isTimeouts(timeouts) ? timeouts.getUpdate() : "", type, name),
      delete: timeoutSeconds(isTimeouts(timeouts) ? timeouts.getDelete() : "", type, name),
      read: timeoutSeconds(isTimeouts(timeouts) ? timeouts.getRead() : "", type, name),
    },
  };
  const propertyDependencies = propertyDependenciesOf(req, version);
  if (type === "" || name === "") throw new SdkInternalsError("recording-monitor", "a registration carries no type or no name", version);
  let wireInputs: unknown;
  try {
    wireInputs = object.toJavaScript();
  } catch (e) {
    throw new SdkInternalsError("recording-monitor", `the inputs of ${type} ${name} cannot be read (${(e as Error).message})`, version);
  }
  if (typeof wireInputs !== "object" || wireInputs === null || Array.isArray(wireInputs)) {
    throw new SdkInternalsError("recording-monitor", `the inputs of ${type} ${name} are ${describe(wireInputs)}, not an object`, version);
  }
  return {
    urn: engineUrn(stack, project, parent, type, name),
    type,
    name,
    ...(parent !== "" ? { parent } : {}),
    custom,
    ...(provider !== "" ? { provider } : {}),
    dependencies: [...new Set(dependencies)],
    propertyDependencies,
    options,
    wireInputs: wireInputs as Record<string, unknown>,
    ...(importId !== "" ? { importId } : {}),
  };
}

export interface Recording {
  /** Every finished registration, in registration order. */
  readonly resources: RecordedResource[];
  /** Why the plan must stop (a registration that could not be read or prepared), once one failed. */
  failure(): Error | undefined;
  /** Resolves when every registration so far has finished (`prepare` included). */
  settled(): Promise<void>;
}

/**
 * Replaces the monitor's registerResource. `prepare` may change a resource before it is answered and recorded (the
 * plan runs dynamic providers' checks there, as the engine does before it answers a preview). Resources reach
 * `onResource` and `resources` in registration order.
 */
export function recordRegistrations(
  monitor: unknown,
  stack: string,
  project: string,
  version: string,
  onResource: (resource: RecordedResource) => void = () => undefined,
  prepare?: (resource: RecordedResource) => RecordedResource | Promise<RecordedResource>,
): Recording {
  const mock = asMockMonitor(monitor, version);
  const resources: RecordedResource[] = [];
  const queue: Array<{ resource?: RecordedResource }> = [];
  let failure: Error | undefined;
  let inFlight = 0;
  let idle: Array<() => void> = [];

  const flush = (): void => {
    while (queue.length > 0 && queue[0].resource !== undefined) {
      const { resource } = queue.shift() as { resource: RecordedResource };
      resources.push(resource);
      onResource(resource);
    }
  };
  const fail = (err: unknown, callback: Callback): void => {
    const error = err instanceof Error ? err : new Error(String(err));
    failure ??= error;
    callback(error, undefined);
  };

  mock.registerResource = (req, callback) => {
    let base: RecordedResource;
    try {
      base = readRegistration(req, stack, project, version);
    } catch (err) {
      fail(err, callback);
      return;
    }
    const slot: { resource?: RecordedResource } = {};
    queue.push(slot);
    const finish = (resource: RecordedResource): void => {
      mock.resources.set(resource.urn, { urn: resource.urn, id: resource.importId ?? null, state: resource.wireInputs });
      slot.resource = resource;
      flush();
      callback(null, {
        getUrn: () => resource.urn,
        // An import reads the resource, even in a preview: its id is known (the import id). Otherwise none yet.
        getId: () => resource.importId ?? "",
        getObject: () => ({ toJavaScript: () => resource.wireInputs }),
        getPropertydependenciesMap: () => undefined,
        getResult: () => 0,
        getUnknown: () => false,
      });
    };
    let prepared: RecordedResource | Promise<RecordedResource>;
    try {
      prepared = prepare === undefined ? base : prepare(base);
    } catch (err) {
      fail(err, callback);
      return;
    }
    if (!(prepared instanceof Promise)) {
      finish(prepared);
      return;
    }
    inFlight++;
    prepared
      .then(finish, (err: unknown) => fail(err, callback))
      .finally(() => {
        inFlight--;
        if (inFlight === 0) {
          const waiting = idle;
          idle = [];
          for (const resolve of waiting) resolve();
        }
      });
  };

  return {
    resources,
    failure: () => failure,
    settled: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
  };
}

/** The plan's own check after a run: the SDK must have registered at least the root stack through the monitor. */
export function checkRecorded(resources: readonly RecordedResource[], version: string): void {
  if (!resources.some((r) => r.type === ROOT_STACK_TYPE)) {
    throw new SdkInternalsError("recording-monitor", "the program ran but the SDK registered no resource through the mock monitor, not even the stack", version);
  }
}
