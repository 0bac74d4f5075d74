/**
 * The K2 side of outbound OAuth on K2 Five: each K2 OAuth resource of `k2-oauth:outbound.resources` as the dynamic
 * resource `pulumi-nodejs:dynamic/k2:OAuthResource`, on the same K2 transport and mapping as the Bearer Token
 * resource. Its `clientSecret` is the outbound app's current client secret, so a rotation updates K2 in the same
 * `pulumi up`, after the new password exists (a dependency: the value comes from that password, and the resource
 * depends on it).
 *
 * The provider lives in ./k2/oauthResourceProvider.ts (self-contained for serialization). Program-side only.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ParameterLeg, ParameterLegs } from "./k2/management";
import { makeOAuthResourceProvider, type OAuthResourceInputs } from "./k2/oauthResourceProvider";
import type { ManagementSettings } from "./k2/management";

/** Module and type: together `pulumi-nodejs:dynamic/k2:OAuthResource` (TYPE_OAUTH_RESOURCE in ./contracts.ts). */
export const OAUTH_RESOURCE_MODULE = "k2";
export const OAUTH_RESOURCE_TYPE = "OAuthResource";
/** Output properties holding secrets: encrypted in state. */
export const OAUTH_RESOURCE_SECRET_OUTPUTS = ["credentials", "clientSecret"];

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export type OAuthResourceArgs = Omit<Inputs<OAuthResourceInputs>, "credentials" | "management" | "parameters" | "secretLegs"> & {
  /** Parameter name → request → value; a value may wait for the app (its client id). */
  parameters: pulumi.Input<Record<string, pulumi.Input<Partial<Record<ParameterLeg, pulumi.Input<string>>>>>>;
  secretLegs: Record<string, ParameterLeg[]>;
  credentials: pulumi.Input<{ username: pulumi.Input<string>; password: pulumi.Input<string> }>;
  management: pulumi.Input<ManagementSettings>;
};

const defaultProvider = makeOAuthResourceProvider();

export class OAuthResource extends pulumi.dynamic.Resource {
  declare public readonly k2Url: pulumi.Output<string>;
  declare public readonly resourceName: pulumi.Output<string>;
  declare public readonly resourceType: pulumi.Output<string>;
  declare public readonly authorizationEndpoint: pulumi.Output<string>;
  declare public readonly tokenEndpoint: pulumi.Output<string>;
  declare public readonly refreshTokenEndpoint: pulumi.Output<string>;
  declare public readonly metadataEndpoint: pulumi.Output<string>;
  declare public readonly useHostServerAuthorizationEndpoint: pulumi.Output<boolean>;
  declare public readonly parameters: pulumi.Output<Record<string, ParameterLegs>>;
  declare public readonly secretLegs: pulumi.Output<Record<string, ParameterLeg[]>>;
  /** Secret. */
  declare public readonly clientSecret: pulumi.Output<string>;
  /** Secret. */
  declare public readonly credentials: pulumi.Output<{ username: string; password: string }>;
  declare public readonly resourceId: pulumi.Output<string>;
  declare public readonly maskedParameters: pulumi.Output<string[]>;

  constructor(name: string, args: OAuthResourceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      defaultProvider,
      name,
      {
        ...args,
        clientSecret: pulumi.secret(args.clientSecret),
        credentials: pulumi.secret(args.credentials),
        resourceId: undefined,
        maskedParameters: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: OAUTH_RESOURCE_SECRET_OUTPUTS }),
      OAUTH_RESOURCE_MODULE,
      OAUTH_RESOURCE_TYPE,
    );
  }
}
