/**
 * The resource monitor side of the offline plan (child process only): the SDK's MockMonitor (from
 * `pulumi.runtime.setMocks`) with `registerResource` answered directly, recording every registration.
 *
 * What a registration returns is what `pulumi preview` returns for a resource to create: engine URN, no id, and the
 * inputs as the only known outputs (everything else stays unknown in preview mode). The MockMonitor would compute
 * the same through `mocks.newResource`, converting the inputs from protobuf to JavaScript, serializing them back and
 * rebuilding a protobuf Struct per resource; answering directly converts once, which matters at a few thousand
 * resources (docs/plan.md "Benchmark").
 */
import type { RecordedResource } from "./model";

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
}

/** What the SDK reads from a RegisterResourceResponse (runtime/resource.js registerResource). */
export interface RegisterResourceResponse {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
  getPropertydependenciesMap(): undefined;
  getResult(): number;
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

/** Replaces the monitor's registerResource; returns the list registrations are recorded into. */
export function recordRegistrations(
  monitor: MockMonitorLike,
  stack: string,
  project: string,
  onResource: (resource: RecordedResource) => void = () => undefined,
): RecordedResource[] {
  const recorded: RecordedResource[] = [];
  monitor.registerResource = (req, callback) => {
    let response: RegisterResourceResponse;
    try {
      const parent = req.getParent();
      const provider = req.getProvider();
      const urn = engineUrn(stack, project, parent, req.getType(), req.getName());
      const wireInputs = req.getObject()?.toJavaScript() ?? {};
      const resource: RecordedResource = {
        urn,
        type: req.getType(),
        name: req.getName(),
        ...(parent !== "" ? { parent } : {}),
        custom: req.getCustom(),
        ...(provider !== "" ? { provider } : {}),
        dependencies: [...new Set(req.getDependenciesList())],
        wireInputs,
      };
      recorded.push(resource);
      onResource(resource);
      monitor.resources.set(urn, { urn, id: null, state: wireInputs });
      response = {
        getUrn: () => urn,
        getId: () => "",
        getObject: () => ({ toJavaScript: () => wireInputs }),
        getPropertydependenciesMap: () => undefined,
        getResult: () => 0,
      };
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)), undefined);
      return;
    }
    callback(null, response);
  };
  return recorded;
}
