/** Resource inputs that pass every rule, for tests to break one field at a time. Placeholder ids only. */
import * as contracts from "../../../components/contracts";
import { bearerTokenResourceInputs } from "../../helpers/bearerTokenInputs";
import { AUDIENCE, K2_API_CLIENT_ID, TENANT } from "../../helpers/testTenant";
import type { StackInput } from "./policyHarness";

export { K2_API_CLIENT_ID, TENANT } from "../../helpers/testTenant";
export const OTHER_TENANT = "99999999-8888-7777-6666-555555555555";
export const K2_API_SP_OBJECT_ID = "99999999-0000-0000-0000-000000000001";
export const OWNER = "33333333-4444-5555-6666-777777777777";
/** The id of the K2 API's delegated scope in the test tenant (its ClientApps record it). */
export const K2_SCOPE_ID = "99999999-0000-0000-0000-0000000000aa";
/** The instant the tests evaluate dates against (policies/lib/clock.ts setClock). */
export const NOW = new Date("2026-11-23T12:00:00Z");

export function daysFromNow(days: number): Date {
  return new Date(NOW.getTime() + days * 86_400_000);
}

export function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The Bearer Token resource's inputs as the policies see them (no credentials or management settings). */
export function bearerTokenProps(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...bearerTokenResourceInputs(), ...overrides };
}

export const bearerToken = (overrides: Record<string, unknown> = {}) => ({ type: contracts.TYPE_BEARER_TOKEN_RESOURCE, props: bearerTokenProps(overrides) });

/** A deterministic GUID for a label (test ids only). */
export function guidFor(label: string): string {
  let h = 2166136261;
  for (const ch of label) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `${hex}-0000-4000-8000-${hex}abcd`;
}

/** An Application as the program declares it, with outputs (clientId, objectId) as AnalyzeStack sees them. */
export function applicationProps(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    displayName: `K2 - ${name}`,
    signInAudience: "AzureADMyOrg",
    owners: [OWNER],
    web: {
      redirectUris: ["https://global.consent.azure-apim.net/redirect"],
      implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false },
    },
    requiredResourceAccesses: [{ resourceAppId: K2_API_CLIENT_ID, resourceAccesses: [{ id: K2_SCOPE_ID, type: "Scope" }] }],
    clientId: guidFor(`${name}/client`),
    objectId: guidFor(`${name}/object`),
    ...overrides,
  };
}

export function passwordProps(start: Date, end: Date, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { applicationId: "/applications/x", displayName: "slot a", startDate: rfc3339(start), endDate: rfc3339(end), ...overrides };
}

export function vaultSecretProps(keyId: string, expires: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceGroupName: "rg-k2-dev",
    vaultName: "kv-k2-oauth-dev",
    secretName: "power-automate-client-secret-a",
    properties: { value: "[secret]", contentType: contracts.CLIENT_SECRET_CONTENT_TYPE, attributes: { enabled: true, expires } },
    tags: { [contracts.TAG_CLIENT]: "power-automate", [contracts.TAG_KEY_ID]: keyId, [contracts.TAG_SLOT]: "a", [contracts.TAG_GENERATION]: "17" },
    ...overrides,
  };
}

export { contracts };

/** This project's InboundOAuth component as AnalyzeStack sees it: its record of the stack's expectations. */
export function inboundOAuth(overrides: Partial<contracts.InboundOAuthRecord> = {}): StackInput {
  return {
    type: contracts.TYPE_INBOUND_OAUTH,
    name: "k2-oauth",
    props: { tenantId: TENANT, cloud: "public", audience: AUDIENCE, k2Api: { clientId: K2_API_CLIENT_ID, scope: "user_impersonation" }, ...overrides },
  };
}

/** A ClientApp component (child of inboundOAuth()) with its record: config key, K2 API scope, schedule. */
export function clientApp(name: string, index: number, overrides: Partial<contracts.ClientAppRecord> = {}): StackInput {
  return {
    type: contracts.TYPE_CLIENT_APP,
    name,
    parent: "k2-oauth",
    props: {
      configPath: `k2-oauth:clients[${index}]`,
      k2Api: { clientId: K2_API_CLIENT_ID, scope: "user_impersonation", scopeId: K2_SCOPE_ID, servicePrincipalObjectId: K2_API_SP_OBJECT_ID },
      secret: { lifetimeDays: 180, rotateAfterDays: 150 },
      ...overrides,
    },
  };
}
