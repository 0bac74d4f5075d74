/**
 * The K2 OAuth management interface: what the Bearer Token provider needs from K2, independent of how it is reached.
 * A transport (today: SmartObject REST services, ./smartObjectRest.ts) implements `K2OAuthManagement`; ./index.ts
 * picks one from the settings. Adding a transport touches ./index.ts and its own file, never the provider.
 */
import type { SmartObjectMapping } from "./mapping";

/** The fields of a K2 OAuth Resource as K2 Management shows them (Authentication > OAuth > Resources). */
export interface OAuthResourceFields {
  name: string;
  resourceType: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  refreshTokenEndpoint: string;
  metadataEndpoint: string;
  useHostServerAuthorizationEndpoint: boolean;
}

export const OAUTH_RESOURCE_FIELDS = [
  "name",
  "resourceType",
  "authorizationEndpoint",
  "tokenEndpoint",
  "refreshTokenEndpoint",
  "metadataEndpoint",
  "useHostServerAuthorizationEndpoint",
] as const satisfies ReadonlyArray<keyof OAuthResourceFields>;

export interface OAuthResourceRecord extends OAuthResourceFields {
  id: string;
}

/** The requests a parameter value is sent in: a Resource's Authorization, Token and Refresh values. */
export const PARAMETER_LEGS = ["authorization", "token", "refresh"] as const;
export type ParameterLeg = (typeof PARAMETER_LEGS)[number];
/** One parameter's values per request; a request left out is not set. */
export type ParameterLegs = Partial<Record<ParameterLeg, string>>;

/**
 * One parameter row of a resource. Rows come from the resource's Resource Type; their values are edited per
 * resource. `tokenValue` is undefined when K2 returned the value masked (stored encrypted).
 */
export interface OAuthParameterRecord {
  id: string;
  resourceId: string;
  name: string;
  tokenValue: string | undefined;
  masked: boolean;
  /**
   * Each request's value as K2 returned it (undefined: masked), for the requests the transport can read: the Token
   * Value always, the Authorization and Refresh Values where the mapping names their properties.
   */
  values: Partial<Record<ParameterLeg, string | undefined>>;
  /** The requests whose value K2 returned masked. */
  maskedLegs: ParameterLeg[];
}

export interface K2OAuthManagement {
  /** Human-readable description of where and how K2 is reached (no secrets). */
  readonly description: string;
  listResources(): Promise<OAuthResourceRecord[]>;
  /**
   * Asks K2 to create a resource. Tried once: on a lost answer the caller must look the resource up by name
   * before trying again. Resolves when K2 accepted the request; the id is found by listing.
   */
  createResource(fields: OAuthResourceFields): Promise<void>;
  updateResource(id: string, fields: Partial<OAuthResourceFields>): Promise<"updated" | "absent">;
  deleteResource(id: string): Promise<"deleted" | "absent">;
  listParameters(resourceId: string): Promise<OAuthParameterRecord[]>;
  /** Sets the given requests' values of one parameter row (one request to K2). */
  setParameterValues(parameter: OAuthParameterRecord, values: ParameterLegs): Promise<void>;
}

/** Settings for the SmartObject REST transport. */
export interface SmartObjectRestSettings {
  transport: "smartobject-rest";
  /** SmartObject Services root, e.g. https://k2.example.com:8888/SmartObjectServices */
  serviceUrl: string;
  mapping: SmartObjectMapping;
}

/** How the provider reaches K2. A union: a second transport adds a member here. */
export type ManagementSettings = SmartObjectRestSettings;
