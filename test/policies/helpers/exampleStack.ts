/**
 * Runs the Pulumi program (index.ts) under the SDK's mock runtime with an example stack's config and records every
 * declared resource twice: its inputs (what `Analyze` receives) and its state after creation, inputs plus the
 * outputs the program wires into other resources (what `AnalyzeStack` receives). One stack per process: call once
 * per test file.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadStackFile, type LoadedStack } from "../../../cli/stackFile";
import { resourceUrn, secret, type AnalyzerResource } from "../../../cli/analyzer";
import { validateStackConfig } from "../../../components/config";
import * as contracts from "../../../components/contracts";
import { guidFor } from "./fixtures";

export const REPO_ROOT = path.resolve(__dirname, "../../..");
export const K2_API_SP_OBJECT_ID = "99999999-0000-0000-0000-000000000001";
/** Every mock client secret contains this marker, so tests can prove none of them is ever printed. */
export const MOCK_SECRET_MARKER = "mock-client-secret-value";

export interface RecordedResource {
  type: string;
  name: string;
  /** As the engine writes it: every ancestor's type in the qualified type. */
  urn: string;
  parent?: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

/** Like the Pulumi CLI's `SkipInternalKeys`: `__`-prefixed inputs (e.g. a dynamic provider's `__provider`) are not analysed. */
function withoutInternalKeys(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));
}

export async function runExampleStack(stackName: string, project = "k2-oauth"): Promise<{ stack: LoadedStack; resources: RecordedResource[] }> {
  const stack = loadStackFile(stackName, REPO_ROOT);
  const config = validateStackConfig(stack.config);
  const resources: RecordedResource[] = [];
  /** Each registration's parent URN, read from the request before the mocks see it (they are not told). */
  const parents = new Map<string, string>();
  const urnOf = (type: string, name: string): { urn: string; parent?: string } => {
    const parent = parents.get(`${type}::${name}`);
    if (parent === undefined || parent === "") return { urn: resourceUrn({ stack: stackName, project, type, name }) };
    return { urn: resourceUrn({ stack: stackName, project, type, name, parentType: parent.split("::")[2] }), parent };
  };
  pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const inputs = withoutInternalKeys(args.inputs as Record<string, unknown>);
        const state: Record<string, unknown> = { ...inputs };
        let id = guidFor(`${args.type}/${args.name}/id`);
        switch (args.type) {
          case contracts.TYPE_AZUREAD_APPLICATION:
            state.clientId = guidFor(`${args.name}/client`);
            state.objectId = guidFor(`${args.name}/object`);
            id = `/applications/${String(state.objectId)}`;
            break;
          case contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL:
            state.objectId = guidFor(`${args.name}/sp`);
            id = String(state.objectId);
            break;
          case contracts.TYPE_AZUREAD_APPLICATION_PASSWORD:
            state.keyId = guidFor(`${args.name}/key`);
            state.value = secret(`${MOCK_SECRET_MARKER}-${args.name}`);
            break;
        }
        resources.push({ type: args.type, name: args.name, ...urnOf(args.type, args.name), inputs, state });
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        if (args.token === contracts.TYPE_AZURE_NATIVE_GET_CLIENT_CONFIG) {
          // Signed in to the stack's own tenant (the program stops before creating anything otherwise).
          return { tenantId: config.tenantId, clientId: guidFor("deployer/client"), objectId: guidFor("deployer/object"), subscriptionId: guidFor("deployer/subscription") };
        }
        if (args.token === contracts.TYPE_AZUREAD_GET_SERVICE_PRINCIPAL) {
          const clientId = (args.inputs as { clientId?: string }).clientId ?? "";
          if (clientId !== config.k2Api.clientId) {
            // An outbound service (k2-oauth:outbound): ASSUMPTION: it offers every permission value the stack asks for,
            // as scopes and as app roles (as in a working tenant).
            const values = (config.outbound?.resources ?? []).filter((r) => r.resourceAppId === clientId).flatMap((r) => r.permissions);
            const offered = values.map((value) => ({ id: guidFor(`${clientId}/${value}`), value, enabled: true }));
            return { id: guidFor(`${clientId}/sp`), objectId: guidFor(`${clientId}/sp`), clientId, displayName: "outbound service", oauth2PermissionScopes: offered, appRoles: offered };
          }
          // ASSUMPTION: the K2 API service principal offers the configured delegated scope (as in a working tenant).
          return {
            id: K2_API_SP_OBJECT_ID,
            objectId: K2_API_SP_OBJECT_ID,
            clientId: (args.inputs as { clientId?: string }).clientId,
            displayName: "K2 API",
            oauth2PermissionScopes: [
              { id: guidFor("k2-scope"), value: config.k2Api.scope, enabled: true, type: "User", adminConsentDisplayName: "Access K2 API" },
            ],
          };
        }
        return args.inputs as Record<string, unknown>;
      },
    },
    project,
    stackName,
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: { getType(): string; getName(): string; getParent(): string }, cb: unknown): unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    parents.set(`${req.getType()}::${req.getName()}`, req.getParent());
    return register(req, cb);
  };
  pulumi.runtime.setAllConfig(stack.engineConfig, stack.secretKeys);
  await import("../../../index");
  // Registrations complete asynchronously: wait until no new resource has appeared for a few turns of the event loop.
  let seen = -1;
  let quiet = 0;
  while (quiet < 20) {
    await new Promise((r) => setImmediate(r));
    if (resources.length === seen) quiet++;
    else {
      seen = resources.length;
      quiet = 0;
    }
  }
  return { stack, resources };
}

export function asAnalyzeInput(r: RecordedResource): AnalyzerResource {
  return { urn: r.urn, type: r.type, name: r.name, properties: r.inputs, ...(r.parent !== undefined ? { parent: r.parent } : {}) };
}

export function asStackResource(r: RecordedResource): AnalyzerResource {
  return { urn: r.urn, type: r.type, name: r.name, properties: r.state, ...(r.parent !== undefined ? { parent: r.parent } : {}) };
}
