/**
 * The dynamic provider behind `BearerTokenResource` (../bearerToken.ts): check, diff, create, read, update, delete of
 * K2's "Bearer Token" OAuth resource through the K2OAuthManagement interface.
 *
 * Serialization: Pulumi serializes the provider object as a closure. Everything it reaches is either a function of
 * this directory or ../entra.ts (Pulumi's serializer captures local modules by value, so the code travels with the
 * provider and runs in the provider host without a TypeScript loader), or a global (fetch, AbortController, Buffer,
 * URL, setTimeout). No module reachable from here imports a package or Node built-in at module level: such a capture
 * cannot be serialized (and under vitest hangs or fails). Type-only imports are erased. No class reachable from here
 * extends a built-in: the serializer rewrites such a class into a function that loses `message` and `instanceof`
 * (errors are made by k2Error in ./http.ts). The provider captures no credential: credentials arrive as (secret)
 * inputs at call time. test/k2/serializedProvider.test.ts runs the serialized text as the engine does.
 */
import type * as pulumi from "@pulumi/pulumi";
import { bearerTokenInputProblems } from "./bearerTokenChecks";
import { retryPolicy, type BasicCredentials, type RetryPolicy } from "./http";
import { createK2Management } from "./index";
import type { ManagementSettings, OAuthResourceFields } from "./management";
import { applyParameters, createOrAdopt, readSnapshot, sameName, type ResourceSnapshot } from "./operations";
import { diffVerdict, fieldsOf, inputChanged, normalizeInputs as normalize, updateFields } from "./resourceMachinery";


/**
 * The resource's documented inputs (README.md, "The K2 side"), plus how K2 is reached: K2's OAuth Resource fields (./management.ts), with the
 * resource's name as `resourceName`.
 */
export interface BearerTokenInputs extends Omit<OAuthResourceFields, "name"> {
  k2Url: string;
  resourceName: string;
  /** Parameter name → Token Value, e.g. { audience: "https://api.k2.com/" }. */
  parameters: Record<string, string>;
  /** K2 admin credentials: a secret input and a secret output (additionalSecretOutputs). */
  credentials: BasicCredentials;
  management: ManagementSettings;
}

export interface BearerTokenOutputs extends BearerTokenInputs {
  /** K2's id of the resource (also the Pulumi id). */
  resourceId: string;
  /** Managed parameters whose values K2 returns masked (stored encrypted): their drift cannot be seen. */
  maskedParameters: string[];
}

export interface BearerTokenProviderOptions {
  /** Retry policy overrides; tests inject `delay` so that backoff does not wait. */
  retry?: Partial<RetryPolicy>;
}

/** Changes of these inputs replace the resource. */
export const REPLACE_ON_CHANGE = ["k2Url", "resourceName", "resourceType"] as const;
/** Changes of these update the resource in K2 in place. */
export const UPDATE_IN_PLACE = [
  "authorizationEndpoint",
  "tokenEndpoint",
  "refreshTokenEndpoint",
  "metadataEndpoint",
  "useHostServerAuthorizationEndpoint",
  "parameters",
] as const;
/**
 * Changes of these touch nothing in K2: the update only checks that K2 answers with the new values and stores them,
 * so that later refreshes and the delete use working credentials and the current mapping.
 */
export const STATE_ONLY = ["credentials", "management"] as const;

function outputsFrom(inputs: BearerTokenInputs, snapshot: ResourceSnapshot): BearerTokenOutputs {
  return {
    ...inputs,
    resourceId: snapshot.resource.id,
    maskedParameters: snapshot.parameters
      .filter((p) => p.masked && Object.keys(inputs.parameters).some((n) => sameName(n, p.name)))
      .map((p) => p.name),
  };
}

/** The Bearer Token resource's parameters are Token Values only. */
function tokenValues(parameters: Record<string, string>): Record<string, { token: string }> {
  return Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, { token: value }]));
}

export function makeBearerTokenProvider(options: BearerTokenProviderOptions = {}): pulumi.dynamic.ResourceProvider<BearerTokenInputs, BearerTokenOutputs> {
  const client = (inputs: Pick<BearerTokenInputs, "management" | "credentials">) =>
    createK2Management(inputs.management, inputs.credentials, retryPolicy(options.retry));

  return {
    async check(_olds: BearerTokenInputs, news: BearerTokenInputs) {
      const failures = bearerTokenInputProblems(news as unknown as Record<string, unknown>);
      return { inputs: normalize(news), failures };
    },

    async diff(_id: string, oldOutputs: BearerTokenOutputs, inputs: BearerTokenInputs) {
      return diffVerdict(normalize(oldOutputs), normalize(inputs), { replace: REPLACE_ON_CHANGE, update: UPDATE_IN_PLACE, state: STATE_ONLY }, sameName);
    },

    async create(inputs: BearerTokenInputs) {
      const news = normalize(inputs);
      const k2 = client(news);
      const policy = retryPolicy(options.retry);
      const snapshot = await createOrAdopt(k2, { fields: fieldsOf(news), parameters: tokenValues(news.parameters) }, policy);
      return { id: snapshot.resource.id, outs: outputsFrom(news, snapshot) };
    },

    async read(id: string, props?: BearerTokenOutputs) {
      if (props === undefined || props.credentials === undefined || props.management === undefined) {
        throw new Error("reading a K2 OAuth resource needs the stack's K2 credentials and mapping: declare it with BearerTokenResource instead of importing it");
      }
      const snapshot = await readSnapshot(client(props), id);
      if (snapshot === undefined) return { id: "" };
      const { resource } = snapshot;
      // Report what K2 holds now; a masked value cannot be read, so the last written value stands for it.
      const parameters: Record<string, string> = {};
      for (const [name, last] of Object.entries(props.parameters ?? {})) {
        const row = snapshot.parameters.find((p) => sameName(p.name, name));
        if (row === undefined) continue;
        parameters[name] = row.masked ? last : (row.tokenValue ?? "");
      }
      const current: BearerTokenInputs = {
        ...props,
        resourceName: resource.name,
        resourceType: resource.resourceType,
        authorizationEndpoint: resource.authorizationEndpoint,
        tokenEndpoint: resource.tokenEndpoint,
        refreshTokenEndpoint: resource.refreshTokenEndpoint,
        metadataEndpoint: resource.metadataEndpoint,
        useHostServerAuthorizationEndpoint: resource.useHostServerAuthorizationEndpoint,
        parameters,
      };
      return { id: resource.id, props: outputsFrom(current, snapshot) };
    },

    async update(id: string, olds: BearerTokenOutputs, inputs: BearerTokenInputs) {
      const news = normalize(inputs);
      const k2 = client(news);
      let snapshot = await updateFields(k2, id, olds, news);
      if (inputChanged("parameters", olds, news)) {
        snapshot = { ...snapshot, parameters: await applyParameters(k2, snapshot.resource, tokenValues(news.parameters)) };
      }
      return { outs: outputsFrom(news, snapshot) };
    },

    async delete(id: string, props: BearerTokenOutputs) {
      // "absent" (already deleted in K2 Management) counts as deleted.
      await client(props).deleteResource(id);
    },
  };
}
