/**
 * Which K2 SmartObjects, methods and properties manage OAuth Resources and their parameters.
 *
 * K2 documents NONE of these names: its documented way to manage OAuth Resources is the K2 Management site
 * (help.nintex.com, K2 Five user guide: Management > Authentication > OAuth > Resources). Every value is either read
 * from a live server by `npm run discover -- --stack <name>` (origin "discovered") or is a PLACEHOLDER chosen here
 * (origin "placeholder"). A placeholder is a guess to be replaced, never a fact about K2. The provider's errors say
 * which kind of mapping was in use.
 *
 * Program-time and CLI module: the provider never imports it (only its types); it receives an already validated
 * mapping as a resource input.
 */
import * as fs from "node:fs";
import { z } from "zod";
import { fallbackMessage, quoteValue } from "../configMessages";
import { parseJsonText } from "../fileSyntax";
import { OAUTH_RESOURCE_FIELDS } from "./management";

/**
 * Roles the provider needs on the OAuth Resource SmartObject, mapped to that SmartObject's property system names:
 * the resource's id and each of its fields (./management.ts).
 */
export const RESOURCE_PROPERTY_ROLES = ["id", ...OAUTH_RESOURCE_FIELDS] as const;
export type ResourcePropertyRole = (typeof RESOURCE_PROPERTY_ROLES)[number];

/** Roles on the OAuth Resource Parameter SmartObject (one row per parameter of a resource's Resource Type). */
export const PARAMETER_PROPERTY_ROLES = ["id", "resourceId", "name", "tokenValue"] as const;
export type ParameterPropertyRole = (typeof PARAMETER_PROPERTY_ROLES)[number];
/**
 * Roles a mapping may name besides: the Authorization and Refresh Values of a parameter, which outbound resources
 * (`k2:OAuthResource`) set; the Bearer Token resource needs only the Token Value.
 */
export const OPTIONAL_PARAMETER_PROPERTY_ROLES = ["authorizationValue", "refreshValue"] as const;
export type OptionalParameterPropertyRole = (typeof OPTIONAL_PARAMETER_PROPERTY_ROLES)[number];

export const RESOURCE_METHOD_ROLES = ["list", "create", "update", "delete"] as const;
export type ResourceMethodRole = (typeof RESOURCE_METHOD_ROLES)[number];
/** Parameter rows come from the Resource Type: they are listed and edited, never created or deleted. */
export const PARAMETER_METHOD_ROLES = ["list", "update"] as const;
export type ParameterMethodRole = (typeof PARAMETER_METHOD_ROLES)[number];

export interface SmartObjectRef {
  /** Category path as in the REST URL, `/`-separated, unescaped (e.g. `System/Management/OAuth`). */
  categoryPath: string;
  /** SmartObject display name: the URL segment. */
  displayName: string;
  /** SmartObject system name: the root element of XML request bodies. */
  systemName: string;
}

export interface ResourceSmartObjectMapping extends SmartObjectRef {
  /** Method display names (URL segments) per role. */
  methods: Record<ResourceMethodRole, string>;
  properties: Record<ResourcePropertyRole, string>;
}

export interface ParameterSmartObjectMapping extends SmartObjectRef {
  methods: Record<ParameterMethodRole, string>;
  properties: Record<ParameterPropertyRole, string> & Partial<Record<OptionalParameterPropertyRole, string>>;
}

export type MappingOrigin = "placeholder" | "discovered";

export interface SmartObjectMapping {
  /** "placeholder": the built-in guesses below; "discovered": written by `npm run discover` from a live server. */
  origin: MappingOrigin;
  /** Dot paths (e.g. `resource.properties.tokenEndpoint`) whose values are still placeholders. */
  placeholders: string[];
  /** Where and when discover read it (absent for placeholders). */
  discoveredFrom?: string;
  discoveredAt?: string;
  resource: ResourceSmartObjectMapping;
  resourceParameter: ParameterSmartObjectMapping;
  /** A value matching this regular expression is a masked read of an encrypted value, not the stored value. */
  maskedValuePattern: string;
}

/**
 * PLACEHOLDERS, NOT FACTS. No public K2 source names the OAuth management SmartObjects; these strings are guesses in
 * K2's naming style so that the mapping file has a complete, editable shape. Run `npm run discover` before the first
 * `pulumi up` against a real server.
 */
const PLACEHOLDER_CATEGORY = "System/Management/OAuth";
export const DEFAULT_SMARTOBJECT_MAPPING: SmartObjectMapping = {
  origin: "placeholder",
  placeholders: ["resource", "resourceParameter", "maskedValuePattern"],
  resource: {
    categoryPath: PLACEHOLDER_CATEGORY,
    displayName: "OAuth Resource",
    systemName: "OAuth_Resource",
    methods: { list: "Get List", create: "Create", update: "Update", delete: "Delete" },
    properties: {
      id: "ResourceID",
      name: "Name",
      resourceType: "ResourceType",
      authorizationEndpoint: "AuthorizationEndpoint",
      tokenEndpoint: "TokenEndpoint",
      refreshTokenEndpoint: "RefreshTokenEndpoint",
      metadataEndpoint: "MetadataEndpoint",
      useHostServerAuthorizationEndpoint: "UseHostServerAuthorizationEndpoint",
    },
  },
  resourceParameter: {
    categoryPath: PLACEHOLDER_CATEGORY,
    displayName: "OAuth Resource Parameter",
    systemName: "OAuth_Resource_Parameter",
    methods: { list: "Get List", update: "Update" },
    properties: {
      id: "ParameterID",
      resourceId: "ResourceID",
      name: "Name",
      tokenValue: "TokenValue",
      authorizationValue: "AuthorizationValue",
      refreshValue: "RefreshValue",
    },
  },
  // Placeholder: K2 shows encrypted values masked; the exact mask is unverified. All-asterisks is assumed.
  maskedValuePattern: "^\\*+$",
};

/** Default SmartObject Services root for a K2 site URL: same scheme and host, port 8888 (K2's documented default). */
export function defaultSmartObjectServicesUrl(k2Url: string): string {
  const url = new URL(k2Url);
  return `${url.protocol}//${url.hostname}:8888/SmartObjectServices`;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation (program time and CLI only)
// ---------------------------------------------------------------------------------------------------------------

const name = z.string({ error: "expected a string" }).trim().min(1, { error: "expected a non-empty name" });
function roleRecord<const R extends readonly string[]>(roles: R) {
  return z.strictObject(Object.fromEntries(roles.map((r) => [r, name])) as { [K in R[number]]: typeof name });
}
const smartObjectFields = {
  categoryPath: z.string({ error: "expected the category path as a string" }).transform((s) => s.replace(/^\/+|\/+$/g, "")),
  displayName: name,
  systemName: name.pipe(z.string().regex(/^[A-Za-z_][\w.-]*$/, { error: "expected an XML element name (letters, digits, _ . -)" })),
};

export const SmartObjectMappingSchema = z.strictObject({
  $comment: z.string().optional(),
  origin: z.enum(["placeholder", "discovered"], { error: "expected 'placeholder' or 'discovered'" }),
  placeholders: z.array(z.string()).default([]),
  discoveredFrom: z.string().optional(),
  discoveredAt: z.string().optional(),
  resource: z.strictObject({ ...smartObjectFields, methods: roleRecord(RESOURCE_METHOD_ROLES), properties: roleRecord(RESOURCE_PROPERTY_ROLES) }),
  resourceParameter: z.strictObject({
    ...smartObjectFields,
    methods: roleRecord(PARAMETER_METHOD_ROLES),
    properties: roleRecord(PARAMETER_PROPERTY_ROLES).extend({ authorizationValue: name.optional(), refreshValue: name.optional() }),
  }),
  maskedValuePattern: z.string().refine(
    (s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    },
    { error: "expected a valid regular expression" },
  ),
});

export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MappingError";
  }
}

/** Validates a parsed mapping document; `label` names it in errors (a file path or config key). */
export function parseSmartObjectMapping(doc: unknown, label: string): SmartObjectMapping {
  const result = SmartObjectMappingSchema.safeParse(doc, { reportInput: true, error: (issue) => fallbackMessage(issue) });
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `  - ${i.path.map(String).join(".") || "(root)"}: ${i.code === "unrecognized_keys" ? `unknown key ${i.keys.map((k) => `'${k}'`).join(", ")}` : i.message}${"input" in i && i.input !== undefined ? `; got ${quoteValue(i.input)}` : ""}`,
    );
    throw new MappingError(`${label} is not a valid K2 SmartObject mapping:\n${problems.join("\n")}\nRe-create it with: npm run discover -- --stack <name>`);
  }
  const { $comment: _comment, ...mapping } = result.data;
  return mapping;
}

/** Reads and validates a mapping file (JSON); `label` names it in errors (default: the path given). */
export function loadSmartObjectMappingFile(file: string, label: string = file): SmartObjectMapping {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new MappingError(`cannot read the K2 SmartObject mapping file ${label}; create it with: npm run discover -- --stack <name>`);
  }
  const parsed = parseJsonText(text, label);
  if (!parsed.ok) throw new MappingError(parsed.message);
  return parseSmartObjectMapping(parsed.value, label);
}
