/**
 * Mock runtime for component and program tests: records every declared resource (`newResource`) and answers the
 * provider lookups this project makes. Import the code under test only after `installMocks`.
 */
import * as pulumi from "@pulumi/pulumi";
import { TYPE_AZURE_NATIVE_GET_CLIENT_CONFIG, TYPE_AZUREAD_GET_SERVICE_PRINCIPAL } from "../../components/contracts";
import { TENANT } from "./testTenant";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  id: string;
  /** The provider reference (`<urn>::<id>`) the resource was registered with; undefined for components and providers. */
  provider: string | undefined;
  /** The `import` option's id ("" without one): the mock runtime passes it as the resource's id. */
  importId: string;
}

export interface MockOptions {
  /** Scopes the K2 API service principal offers (default: user_impersonation). */
  k2Scopes?: Array<{ id: string; value: string }>;
  /** Preview mode: outputs of new resources are unknown. */
  preview?: boolean;
  /** Secret values handed out for new ApplicationPasswords; index = creation order. */
  secretValue?: (name: string) => string;
  /**
   * The tenant that issued the token azure-native's `authorization:getClientConfig` reports. Default: the tenant the
   * provider the call went through is configured with (a sign-in to the right tenant), else TENANT.
   */
  signedInTenant?: string;
  /** Service principals of outbound services by app id (default: SERVICE_PRINCIPALS). */
  servicePrincipals?: Readonly<Record<string, MockServicePrincipal>>;
}

/** A service principal outbound permissions are looked up on. */
export interface MockServicePrincipal {
  objectId: string;
  displayName: string;
  scopes: Array<{ id: string; value: string }>;
  roles: Array<{ id: string; value: string }>;
}

export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const SHAREPOINT_APP_ID = "00000003-0000-0ff1-ce00-000000000000";
/** Stand-ins with made-up ids (the real ones differ per permission, not per tenant; nothing here depends on them). */
export const SERVICE_PRINCIPALS: Readonly<Record<string, MockServicePrincipal>> = {
  [GRAPH_APP_ID]: {
    objectId: "99999999-0000-0000-0000-0000000000b1",
    displayName: "Microsoft Graph",
    scopes: [
      { id: "99999999-0000-0000-0001-000000000001", value: "User.Read" },
      { id: "99999999-0000-0000-0001-000000000002", value: "Group.Read.All" },
      { id: "99999999-0000-0000-0001-000000000003", value: "Files.Read.All" },
    ],
    roles: [
      { id: "99999999-0000-0000-0002-000000000001", value: "Sites.Read.All" },
      { id: "99999999-0000-0000-0002-000000000002", value: "User.Read.All" },
    ],
  },
  [SHAREPOINT_APP_ID]: {
    objectId: "99999999-0000-0000-0000-0000000000b2",
    displayName: "Office 365 SharePoint Online",
    scopes: [{ id: "99999999-0000-0000-0003-000000000001", value: "AllSites.Read" }],
    roles: [{ id: "99999999-0000-0000-0004-000000000001", value: "Sites.Read.All" }],
  },
};

export const SIGNED_IN_CLIENT_ID = "99999999-0000-0000-0000-0000000000c1";
export const SIGNED_IN_OBJECT_ID = "99999999-0000-0000-0000-0000000000c2";
export const SIGNED_IN_SUBSCRIPTION_ID = "99999999-0000-0000-0000-0000000000c3";

/** Every provider function call the mocks answered: token, inputs and the provider reference it went through. */
export const calls: Array<{ token: string; inputs: Record<string, unknown>; provider: string | undefined }> = [];

export const K2_API_SP_OBJECT_ID = "99999999-0000-0000-0000-000000000001";
export const DEFAULT_SCOPE_ID = "99999999-0000-0000-0000-0000000000aa";

function guidFor(text: string): string {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `${hex}-0000-4000-8000-${hex}0000`;
}

/** The `tenantId` input of the provider a call went through (a provider reference is `<urn>::<id>`). */
function configuredTenant(recorded: readonly RecordedResource[], provider: string | undefined): string | undefined {
  if (provider === undefined) return undefined;
  const id = provider.slice(provider.lastIndexOf("::") + 2);
  const tenantId = recorded.find((r) => r.type.startsWith("pulumi:providers:") && r.id === id)?.inputs.tenantId;
  return typeof tenantId === "string" ? tenantId : undefined;
}

export function installMocks(options: MockOptions = {}): RecordedResource[] {
  const recorded: RecordedResource[] = [];
  const scopes = options.k2Scopes ?? [{ id: DEFAULT_SCOPE_ID, value: "user_impersonation" }];
  pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const id = `${args.name}-id`;
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, id, provider: args.provider, importId: args.id ?? "" });
        const state: Record<string, unknown> = { ...args.inputs };
        if (options.preview) return { id, state };
        switch (args.type) {
          case "azuread:index/application:Application":
            state.clientId = guidFor(`${args.name}/client`);
            state.objectId = guidFor(`${args.name}/object`);
            return { id: `/applications/${state.objectId}`, state };
          case "azuread:index/servicePrincipal:ServicePrincipal":
            state.objectId = guidFor(`${args.name}/sp`);
            return { id: state.objectId as string, state };
          case "azuread:index/applicationPassword:ApplicationPassword":
            state.keyId = guidFor(`${args.name}/key`);
            state.value = pulumi.secret(options.secretValue ? options.secretValue(args.name) : `s3cr3t-${args.name}`);
            return { id, state };
          default:
            return { id, state };
        }
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown>, provider: args.provider });
        if (args.token === TYPE_AZURE_NATIVE_GET_CLIENT_CONFIG) {
          const tenantId = options.signedInTenant ?? configuredTenant(recorded, args.provider) ?? TENANT;
          return { tenantId, clientId: SIGNED_IN_CLIENT_ID, objectId: SIGNED_IN_OBJECT_ID, subscriptionId: SIGNED_IN_SUBSCRIPTION_ID };
        }
        if (args.token === TYPE_AZUREAD_GET_SERVICE_PRINCIPAL) {
          const clientId = (args.inputs as { clientId?: string }).clientId ?? "";
          const service = (options.servicePrincipals ?? SERVICE_PRINCIPALS)[clientId];
          if (service !== undefined) {
            return {
              id: service.objectId,
              objectId: service.objectId,
              clientId,
              displayName: service.displayName,
              oauth2PermissionScopes: service.scopes.map((p) => ({ ...p, enabled: true, type: "Admin" })),
              appRoles: service.roles.map((p) => ({ ...p, enabled: true, allowedMemberTypes: ["Application"] })),
            };
          }
          return {
            id: K2_API_SP_OBJECT_ID,
            objectId: K2_API_SP_OBJECT_ID,
            clientId: (args.inputs as { clientId?: string }).clientId,
            displayName: "K2 API",
            oauth2PermissionScopes: scopes.map((s) => ({ ...s, enabled: true, type: "User", adminConsentDisplayName: "Access K2 API" })),
          };
        }
        return args.inputs as Record<string, unknown>;
      },
    },
    "k2-oauth",
    "test",
    options.preview ?? false,
  );
  return recorded;
}

/** Resolves an Output's value (undefined when unknown) and whether it is secret. */
export async function resolve<T>(output: pulumi.Input<T> | undefined): Promise<{ value: T | undefined; secret: boolean }> {
  // Output's internal promise/isKnown: `apply` would never call back on an unknown value in preview.
  const o = pulumi.output(output as pulumi.Input<T>) as unknown as { promise(): Promise<T>; isKnown: Promise<boolean> };
  const secret = await pulumi.isSecret(o as unknown as pulumi.Output<T>);
  const known = await o.isKnown;
  const value = known ? await o.promise() : undefined;
  return { value, secret };
}

/** Waits until every pending resource registration of the mock runtime has settled. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
