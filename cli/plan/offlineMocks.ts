/**
 * The mock answers for running the program offline (child process only): resources echo their inputs (everything
 * else stays unknown, as in `pulumi preview`), and the provider lookups the program makes get labelled placeholders.
 */
import type * as pulumiTypes from "@pulumi/pulumi";
import { TYPE_AZURE_NATIVE_GET_CLIENT_CONFIG, TYPE_AZUREAD_GET_SERVICE_PRINCIPAL } from "../../components/contracts";
import {
  PLACEHOLDER_CALLER_CLIENT_ID,
  PLACEHOLDER_CALLER_OBJECT_ID,
  PLACEHOLDER_CALLER_SUBSCRIPTION_ID,
  PLACEHOLDER_K2_API_SP_OBJECT_ID,
  PLACEHOLDER_K2_SCOPE_ID,
  PLACEHOLDER_OUTBOUND_SP_OBJECT_ID,
  placeholderPermissionId,
} from "./placeholders";

export interface OfflineLookupContext {
  /** The stack's `k2-oauth:tenantId`, when set: the offline stand-in for the signed-in tenant. */
  tenantId?: string;
  /** The delegated scope value the stack asks for (`k2-oauth:k2Api.scope`). */
  k2ApiScope: string;
  /** The K2 API's app id (`k2-oauth:k2Api.clientId`): any other service principal looked up is an outbound service. */
  k2ApiClientId?: string;
  /** Every permission value of `k2-oauth:outbound.resources`: an outbound service offers them all, as scopes and app roles. */
  outboundPermissions?: readonly string[];
}

export class OfflineLookupError extends Error {
  constructor(token: string) {
    super(
      `the offline plan has no placeholder answer for the provider function '${token}'; ` +
        "add one to cli/plan/offlineMocks.ts, or run `pulumi preview` with credentials",
    );
    this.name = "OfflineLookupError";
  }
}

export function offlineMocks(context: OfflineLookupContext): pulumiTypes.runtime.Mocks {
  return {
    newResource(args: pulumiTypes.runtime.MockResourceArgs): pulumiTypes.runtime.MockResourceResult {
      // No id and no outputs beyond the inputs: in preview mode the SDK leaves everything else unknown.
      return { id: undefined, state: args.inputs as Record<string, unknown> };
    },
    call(args: pulumiTypes.runtime.MockCallArgs): Record<string, unknown> {
      const inputs = args.inputs as Record<string, unknown>;
      switch (args.token) {
        case TYPE_AZUREAD_GET_SERVICE_PRINCIPAL: {
          const clientId = typeof inputs.clientId === "string" ? inputs.clientId.toLowerCase() : undefined;
          if (context.k2ApiClientId !== undefined && clientId !== undefined && clientId !== context.k2ApiClientId.toLowerCase()) {
            const offered = (context.outboundPermissions ?? []).map((value, i) => ({ id: placeholderPermissionId(i), value, enabled: true }));
            return {
              id: PLACEHOLDER_OUTBOUND_SP_OBJECT_ID,
              objectId: PLACEHOLDER_OUTBOUND_SP_OBJECT_ID,
              clientId: inputs.clientId,
              displayName: "outbound service (placeholder)",
              oauth2PermissionScopes: offered.map((p) => ({ ...p, type: "Admin", adminConsentDisplayName: `${p.value} (placeholder)` })),
              appRoles: offered.map((p) => ({ ...p, allowedMemberTypes: ["Application"], displayName: `${p.value} (placeholder)` })),
            };
          }
          return {
            id: PLACEHOLDER_K2_API_SP_OBJECT_ID,
            objectId: PLACEHOLDER_K2_API_SP_OBJECT_ID,
            clientId: inputs.clientId,
            displayName: typeof inputs.displayName === "string" ? inputs.displayName : "K2 API (placeholder)",
            oauth2PermissionScopes: [
              {
                id: PLACEHOLDER_K2_SCOPE_ID,
                value: context.k2ApiScope,
                type: "User",
                enabled: true,
                adminConsentDisplayName: "Access K2 API (placeholder)",
              },
            ],
            appRoles: [],
          };
        }
        case TYPE_AZURE_NATIVE_GET_CLIENT_CONFIG:
          // The tenant whose token the providers would sign in with: offline, the stack's own (the program compares
          // them; only `pulumi preview` with credentials reads the real token). The identity is a labelled placeholder.
          return {
            tenantId: context.tenantId ?? "",
            objectId: PLACEHOLDER_CALLER_OBJECT_ID,
            clientId: PLACEHOLDER_CALLER_CLIENT_ID,
            subscriptionId: PLACEHOLDER_CALLER_SUBSCRIPTION_ID,
          };
        default:
          throw new OfflineLookupError(args.token);
      }
    },
  };
}
