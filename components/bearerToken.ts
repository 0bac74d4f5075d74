/**
 * The K2 side of inbound OAuth (KB002784 step 3): a K2 OAuth Resource of type "Bearer Token" with the v1 Entra ID
 * endpoints, an empty refresh endpoint, "Use Host Server Authorization Endpoint" unchecked and the `audience`
 * parameter, declared as the dynamic resource `pulumi-nodejs:dynamic/k2:BearerTokenResource`.
 *
 * The provider lives in ./k2/bearerTokenProvider.ts (self-contained for serialization); K2 is reached through the
 * K2OAuthManagement interface (./k2/management.ts). This module is program-side only.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_BEARER_TOKEN_RESOURCE_NAME, type StackConfig } from "./config";
import type { V1Endpoints } from "./entra";
import { declaredBearerToken } from "./k2/declaration";
import { makeBearerTokenProvider, type BearerTokenInputs } from "./k2/bearerTokenProvider";
import type { ManagementSettings } from "./k2/management";
import { DEFAULT_SMARTOBJECT_MAPPING, defaultSmartObjectServicesUrl, loadSmartObjectMappingFile, type SmartObjectMapping } from "./k2/mapping";

/** Module and type of the dynamic resource: together `pulumi-nodejs:dynamic/k2:BearerTokenResource`
 * (TYPE_BEARER_TOKEN_RESOURCE in ./contracts.ts; test/k2/serialization.test.ts checks they agree). */
export const BEARER_TOKEN_MODULE = "k2";
export const BEARER_TOKEN_TYPE = "BearerTokenResource";
/** Output properties holding secrets: encrypted in state. */
export const BEARER_TOKEN_SECRET_OUTPUTS = ["credentials"];

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export type BearerTokenResourceArgs = Omit<Inputs<BearerTokenInputs>, "credentials" | "management"> & {
  credentials: pulumi.Input<{ username: pulumi.Input<string>; password: pulumi.Input<string> }>;
  management: pulumi.Input<ManagementSettings>;
};

const defaultProvider = makeBearerTokenProvider();

export class BearerTokenResource extends pulumi.dynamic.Resource {
  declare public readonly k2Url: pulumi.Output<string>;
  declare public readonly resourceName: pulumi.Output<string>;
  declare public readonly resourceType: pulumi.Output<string>;
  declare public readonly authorizationEndpoint: pulumi.Output<string>;
  declare public readonly tokenEndpoint: pulumi.Output<string>;
  declare public readonly refreshTokenEndpoint: pulumi.Output<string>;
  declare public readonly metadataEndpoint: pulumi.Output<string>;
  declare public readonly useHostServerAuthorizationEndpoint: pulumi.Output<boolean>;
  declare public readonly parameters: pulumi.Output<Record<string, string>>;
  /** Secret. */
  declare public readonly credentials: pulumi.Output<{ username: string; password: string }>;
  /** K2's id of the resource. */
  declare public readonly resourceId: pulumi.Output<string>;
  declare public readonly maskedParameters: pulumi.Output<string[]>;

  constructor(name: string, args: BearerTokenResourceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      defaultProvider,
      name,
      { ...args, credentials: pulumi.secret(args.credentials), resourceId: undefined, maskedParameters: undefined },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: BEARER_TOKEN_SECRET_OUTPUTS }),
      BEARER_TOKEN_MODULE,
      BEARER_TOKEN_TYPE,
    );
  }
}

/** What this stack does on the K2 side, exported as the `k2Side` stack output. */
export interface K2SideSummary {
  edition: "five" | "cloud";
  managedBy: string;
  note: string;
  resourceName?: string;
  resourceId?: string;
  k2Url?: string;
  smartObjectServicesUrl?: string;
  mapping?: string;
}

export const K2_CLOUD_NOTE =
  "K2 Cloud: the K2 side of inbound OAuth (the Bearer Token resource) is managed by K2 (Nintex); this stack declares no K2 resource.";

/** Where the SmartObject mapping comes from: the configured file, or the labelled placeholders (with a warning). */
export function resolveSmartObjectMapping(config: StackConfig, root: string = process.cwd()): { mapping: SmartObjectMapping; label: string } {
  const file = config.k2.smartObjectServices?.mapping;
  if (file === undefined) return { mapping: DEFAULT_SMARTOBJECT_MAPPING, label: "built-in placeholders" };
  try {
    return { mapping: loadSmartObjectMappingFile(path.resolve(root, file), file), label: file };
  } catch (e) {
    throw new pulumi.RunError(`k2-oauth:k2.smartObjectServices.mapping: ${(e as Error).message}`);
  }
}

/** How K2 Five's management interface is reached: the site, the admin credentials (a secret) and the transport. */
export interface K2Connection {
  k2Url: string;
  credentials: pulumi.Input<{ username: pulumi.Input<string>; password: pulumi.Input<string> }>;
  management: ManagementSettings;
}

/** The K2 connection of a K2 Five stack (undefined on K2 Cloud, or without admin credentials). */
export function k2Connection(config: StackConfig, k2AdminPassword: pulumi.Input<string> | undefined): K2Connection | undefined {
  const admin = config.k2.admin;
  if (config.k2.edition !== "five" || admin === undefined || k2AdminPassword === undefined) return undefined;
  const serviceUrl = config.k2.smartObjectServices?.url ?? defaultSmartObjectServicesUrl(config.k2.url);
  return {
    k2Url: config.k2.url,
    credentials: pulumi.secret({ username: admin.username, password: k2AdminPassword }),
    management: { transport: "smartobject-rest", serviceUrl, mapping: resolveSmartObjectMapping(config).mapping },
  };
}

export interface K2Side {
  resource: BearerTokenResource | undefined;
  summary: pulumi.Output<K2SideSummary>;
}

/**
 * Declares the K2 side for the stack: on K2 Five the Bearer Token resource (endpoints from tenant and cloud, audience
 * from k2Api.audience), on K2 Cloud nothing. Called by InboundOAuth with `parent` = the component and `dependsOn` =
 * what must happen first (the signed-in tenant check).
 */
export function declareK2Side(
  parent: pulumi.Resource,
  config: StackConfig,
  endpoints: Pick<V1Endpoints, "authorizationEndpoint" | "tokenEndpoint" | "metadataEndpoint">,
  k2AdminPassword: pulumi.Input<string> | undefined,
  dependsOn?: pulumi.CustomResourceOptions["dependsOn"],
): K2Side {
  if (config.k2.edition === "cloud") {
    return { resource: undefined, summary: pulumi.output({ edition: "cloud", managedBy: "K2", note: K2_CLOUD_NOTE }) };
  }
  const admin = config.k2.admin;
  if (admin === undefined || k2AdminPassword === undefined) {
    throw new pulumi.RunError(
      "k2-oauth:k2.admin: K2 Five needs the K2 admin username and password (pulumi config set --secret --path 'k2.admin.password') to manage the Bearer Token resource",
    );
  }
  const resourceName = config.k2.bearerTokenResource?.name ?? DEFAULT_BEARER_TOKEN_RESOURCE_NAME;
  const serviceUrl = config.k2.smartObjectServices?.url ?? defaultSmartObjectServicesUrl(config.k2.url);
  const { mapping, label } = resolveSmartObjectMapping(config);
  if (mapping.origin === "placeholder") {
    pulumi.log.warn(
      "k2-oauth:k2.smartObjectServices.mapping is not set: the K2 OAuth management SmartObject names in use are PLACEHOLDERS, not known K2 names. " +
        "Run `npm run discover -- --stack <name>` against the K2 server and set the mapping key before `pulumi up` (see docs/k2.md).",
      parent,
    );
  }
  const { fields } = declaredBearerToken(resourceName, endpoints, config.k2Api.audience);
  const resource = new BearerTokenResource(
    "k2-bearer-token",
    {
      k2Url: config.k2.url,
      resourceName: fields.name,
      resourceType: fields.resourceType,
      authorizationEndpoint: fields.authorizationEndpoint,
      tokenEndpoint: fields.tokenEndpoint,
      refreshTokenEndpoint: fields.refreshTokenEndpoint,
      metadataEndpoint: fields.metadataEndpoint,
      useHostServerAuthorizationEndpoint: fields.useHostServerAuthorizationEndpoint,
      parameters: { audience: config.k2Api.audience },
      credentials: pulumi.secret({ username: admin.username, password: k2AdminPassword }),
      management: { transport: "smartobject-rest", serviceUrl, mapping },
    },
    { parent, ...(dependsOn !== undefined ? { dependsOn } : {}) },
  );
  const summary = resource.resourceId.apply(
    (resourceId): K2SideSummary => ({
      edition: "five",
      managedBy: "k2-oauth (this stack)",
      note: "After the resource is first created or its endpoints change, run iisreset on the K2 Five web servers (KB002784); see docs/k2.md for the remaining manual steps.",
      resourceName,
      resourceId,
      k2Url: config.k2.url,
      smartObjectServicesUrl: serviceUrl,
      mapping: label,
    }),
  );
  return { resource, summary };
}
