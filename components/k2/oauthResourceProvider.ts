/**
 * The dynamic provider behind `OAuthResource` (../outboundResource.ts): an outbound K2 OAuth resource (K2 KB002028:
 * K2 calling Microsoft services) with its endpoints and its parameters' values per request, the client secret among
 * them. It shares the Bearer Token provider's machinery: the one transport (./index.ts), create-or-adopt, parameter
 * edits and masking (./operations.ts), retries and redaction (./http.ts).
 *
 * The client secret is an input of its own (`clientSecret`, a secret input and output), filled into the requests
 * `secretLegs` names; it is redacted from every error (the transport gets it as a secret to remove) and never part of
 * a message; the provider captures no secret: values arrive as inputs at call time.
 *
 * Serialization: as ./bearerTokenProvider.ts (no module-level imports of packages or built-ins, no class extending a
 * built-in); test/k2/serializedProvider.test.ts runs the serialized text.
 */
import type * as pulumi from "@pulumi/pulumi";
import { retryPolicy, type BasicCredentials, type RetryPolicy } from "./http";
import { createK2Management } from "./index";
import type { ManagementSettings, OAuthResourceFields, ParameterLeg, ParameterLegs } from "./management";
import { oauthResourceInputProblems } from "./oauthResourceChecks";
import { applyParameters, createOrAdopt, readSnapshot, sameName, type ResourceSnapshot } from "./operations";
import { diffVerdict, fieldsOf, inputChanged, normalizeInputs as normalize, updateFields } from "./resourceMachinery";

export interface OAuthResourceInputs extends Omit<OAuthResourceFields, "name"> {
  k2Url: string;
  resourceName: string;
  /** Parameter name → its values per request; no secret in them. */
  parameters: Record<string, ParameterLegs>;
  /** Parameter name → the requests whose value is the client secret (client_secret: token and refresh). */
  secretLegs: Record<string, ParameterLeg[]>;
  /** The outbound app's current client secret: a secret input and output (additionalSecretOutputs). */
  clientSecret: string;
  credentials: BasicCredentials;
  management: ManagementSettings;
}

export interface OAuthResourceOutputs extends OAuthResourceInputs {
  resourceId: string;
  /** Managed parameters whose values K2 returns masked (stored encrypted): their drift cannot be seen. */
  maskedParameters: string[];
}

export interface OAuthResourceProviderOptions {
  retry?: Partial<RetryPolicy>;
}

export const OAUTH_REPLACE_ON_CHANGE = ["k2Url", "resourceName", "resourceType"] as const;
export const OAUTH_UPDATE_IN_PLACE = [
  "authorizationEndpoint",
  "tokenEndpoint",
  "refreshTokenEndpoint",
  "metadataEndpoint",
  "useHostServerAuthorizationEndpoint",
  "parameters",
  "secretLegs",
  "clientSecret",
] as const;
export const OAUTH_STATE_ONLY = ["credentials", "management"] as const;

/** Every parameter's values as K2 gets them: the declared ones and the client secret in its requests. */
export function wantedParameters(inputs: Pick<OAuthResourceInputs, "parameters" | "secretLegs" | "clientSecret">): Record<string, ParameterLegs> {
  const out: Record<string, ParameterLegs> = {};
  for (const [name, legs] of Object.entries(inputs.parameters)) out[name] = { ...legs };
  for (const [name, legs] of Object.entries(inputs.secretLegs)) {
    const target = (out[name] ??= {});
    for (const leg of legs) target[leg] = inputs.clientSecret;
  }
  return out;
}

function outputsFrom(inputs: OAuthResourceInputs, snapshot: ResourceSnapshot): OAuthResourceOutputs {
  const managed = Object.keys(wantedParameters(inputs));
  return {
    ...inputs,
    resourceId: snapshot.resource.id,
    maskedParameters: snapshot.parameters.filter((p) => p.maskedLegs.length > 0 && managed.some((n) => sameName(n, p.name))).map((p) => p.name),
  };
}

const CONFLICT_HINT =
  "Make it match in K2 Management, delete it there, or choose another name (k2-oauth:outbound.resources[].name). A different client_secret alone is never a conflict when K2 returns it masked.";

export function makeOAuthResourceProvider(options: OAuthResourceProviderOptions = {}): pulumi.dynamic.ResourceProvider<OAuthResourceInputs, OAuthResourceOutputs> {
  // The client secret is handed to the transport as a secret to redact from every error.
  const client = (inputs: Pick<OAuthResourceInputs, "management" | "credentials" | "clientSecret">) =>
    createK2Management(inputs.management, inputs.credentials, retryPolicy(options.retry), typeof inputs.clientSecret === "string" ? [inputs.clientSecret] : []);

  return {
    async check(_olds: OAuthResourceInputs, news: OAuthResourceInputs) {
      return { inputs: normalize(news), failures: oauthResourceInputProblems(news as unknown as Record<string, unknown>) };
    },

    async diff(_id: string, oldOutputs: OAuthResourceOutputs, inputs: OAuthResourceInputs) {
      return diffVerdict(normalize(oldOutputs), normalize(inputs), { replace: OAUTH_REPLACE_ON_CHANGE, update: OAUTH_UPDATE_IN_PLACE, state: OAUTH_STATE_ONLY }, sameName);
    },

    async create(inputs: OAuthResourceInputs) {
      const news = normalize(inputs);
      const snapshot = await createOrAdopt(
        client(news),
        { fields: fieldsOf(news), parameters: wantedParameters(news), secretParameters: Object.keys(news.secretLegs), conflictHint: CONFLICT_HINT },
        retryPolicy(options.retry),
      );
      return { id: snapshot.resource.id, outs: outputsFrom(news, snapshot) };
    },

    async read(id: string, props?: OAuthResourceOutputs) {
      if (props === undefined || props.credentials === undefined || props.management === undefined) {
        throw new Error("reading a K2 OAuth resource needs the stack's K2 credentials and mapping: declare it with OAuthResource instead of importing it");
      }
      const snapshot = await readSnapshot(client(props), id);
      if (snapshot === undefined) return { id: "" };
      const { resource } = snapshot;
      // What K2 holds now; a masked value (the client secret) or one K2 does not return stands as last written.
      const parameters: Record<string, ParameterLegs> = {};
      for (const [name, legs] of Object.entries(props.parameters ?? {})) {
        const row = snapshot.parameters.find((p) => sameName(p.name, name));
        if (row === undefined) continue;
        const now: ParameterLegs = {};
        for (const [leg, last] of Object.entries(legs) as Array<[ParameterLeg, string]>) {
          const read = row.values[leg];
          now[leg] = row.maskedLegs.includes(leg) || !(leg in row.values) || read === undefined ? last : read;
        }
        parameters[name] = now;
      }
      const current: OAuthResourceInputs = {
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

    async update(id: string, olds: OAuthResourceOutputs, inputs: OAuthResourceInputs) {
      const news = normalize(inputs);
      const k2 = client(news);
      let snapshot = await updateFields(k2, id, olds, news);
      // A new client secret (rotation) or changed values: set them; the masked secret is always written.
      if (inputChanged("parameters", olds, news) || inputChanged("secretLegs", olds, news) || inputChanged("clientSecret", olds, news)) {
        snapshot = { ...snapshot, parameters: await applyParameters(k2, snapshot.resource, wantedParameters(news)) };
      }
      return { outs: outputsFrom(news, snapshot) };
    },

    async delete(id: string, props: OAuthResourceOutputs) {
      await client(props).deleteResource(id);
    },
  };
}
