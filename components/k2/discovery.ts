/**
 * Finds K2's OAuth management SmartObjects in a SmartObject Services discovery document (endpoints.xml) and builds
 * the mapping the Bearer Token provider uses. CLI-side only (cli/discover.ts): never part of the provider closure.
 *
 * What is relied on: the documented REST URL form `{root}/REST/{CategoryPath}/{SmartObject}/{Method}` of every
 * endpoint listed. K2 does not document the document's element and attribute names, so they are used only as hints
 * when present (a SmartObject element's `Name`/`SystemName`, a method's `Type`, `Property` children). Properties not
 * listed there are read from the keys of one record of the SmartObject's list method.
 */
import { XMLParser } from "fast-xml-parser";
import {
  DEFAULT_SMARTOBJECT_MAPPING,
  PARAMETER_METHOD_ROLES,
  OPTIONAL_PARAMETER_PROPERTY_ROLES,
  PARAMETER_PROPERTY_ROLES,
  RESOURCE_METHOD_ROLES,
  RESOURCE_PROPERTY_ROLES,
  type ParameterSmartObjectMapping,
  type ResourceSmartObjectMapping,
  type SmartObjectMapping,
} from "./mapping";

export interface DiscoveredEndpoint {
  url: string;
  categoryPath: string;
  smartObject: string;
  method: string;
  /** Hints from the document, when it carries them. */
  systemName?: string;
  methodType?: string;
}

export interface DiscoveredSmartObject {
  categoryPath: string;
  displayName: string;
  systemName: string | undefined;
  methods: Array<{ displayName: string; type?: string }>;
  properties: string[];
}

export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiscoveryError";
  }
}

type XmlNode = Record<string, unknown>;

function attr(node: XmlNode, pattern: RegExp): string | undefined {
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith("@_") && pattern.test(k.slice(2)) && typeof v === "string") return v;
  }
  return undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** Every SmartObject REST endpoint the document lists, with the SmartObjects they belong to. */
export function parseDiscoveryDocument(xml: string): DiscoveredSmartObject[] {
  let doc: unknown;
  try {
    doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, parseAttributeValue: false }).parse(xml, true);
  } catch (e) {
    throw new DiscoveryError(`the discovery document is not well-formed XML (${(e as Error).message.split("\n")[0]})`);
  }
  const groups = new Map<string, DiscoveredSmartObject>();

  const visitUrl = (value: string, chain: XmlNode[]) => {
    let url: URL;
    try {
      url = new URL(value.trim());
    } catch {
      return;
    }
    const parts = url.pathname.split("/").filter((s) => s !== "");
    const rest = parts.findIndex((s) => s.toUpperCase() === "REST");
    if (rest < 0 || parts.length - rest - 1 < 2) return;
    const segments = parts.slice(rest + 1).map((s) => decodeURIComponent(s));
    const method = segments[segments.length - 1];
    const smartObject = segments[segments.length - 2];
    const categoryPath = segments.slice(0, -2).join("/");
    // Hints: the nearest element naming this SmartObject; the nearest element with a Type (the method).
    const soNode = [...chain].reverse().find((n) => attr(n, /^displayname$/i) === smartObject);
    const methodNode = chain[chain.length - 1];
    const key = `${categoryPath}\u0000${smartObject}`;
    const group = groups.get(key) ?? { categoryPath, displayName: smartObject, systemName: undefined, methods: [], properties: [] };
    if (soNode !== undefined) {
      group.systemName ??= attr(soNode, /^(systemname|name)$/i);
      for (const [k, v] of Object.entries(soNode)) {
        if (!/^property$/i.test(k)) continue;
        for (const p of asArray(v)) {
          const name = typeof p === "object" && p !== null ? attr(p as XmlNode, /^(systemname|name)$/i) : undefined;
          if (name !== undefined && !group.properties.includes(name)) group.properties.push(name);
        }
      }
    }
    if (!group.methods.some((m) => m.displayName === method)) {
      const type = methodNode !== soNode && methodNode !== undefined ? attr(methodNode, /^(type|methodtype)$/i) : undefined;
      group.methods.push({ displayName: method, ...(type !== undefined ? { type } : {}) });
    }
    groups.set(key, group);
  };

  const walk = (node: unknown, chain: XmlNode[]) => {
    if (typeof node === "string") return visitUrl(node, chain);
    if (Array.isArray(node)) return node.forEach((n) => walk(n, chain));
    if (typeof node !== "object" || node === null) return;
    const obj = node as XmlNode;
    const next = [...chain, obj];
    for (const [k, v] of Object.entries(obj)) {
      if (k.startsWith("@_")) {
        if (typeof v === "string") visitUrl(v, next);
      } else {
        walk(v, next);
      }
    }
  };
  walk(doc, []);
  return [...groups.values()];
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Picks the OAuth resource and resource-parameter SmartObjects; others that look OAuth-related are reported. */
export function identifyOAuthSmartObjects(all: DiscoveredSmartObject[]): {
  resource: DiscoveredSmartObject;
  parameter: DiscoveredSmartObject | undefined;
  otherOAuth: DiscoveredSmartObject[];
} {
  const oauth = all.filter((so) => /oauth/i.test(`${so.categoryPath} ${so.displayName} ${so.systemName ?? ""}`));
  if (oauth.length === 0) {
    throw new DiscoveryError(
      `the discovery document lists ${all.length} SmartObject${all.length === 1 ? "" : "s"} but none for OAuth management (looked for 'OAuth' in category, display or system name). ` +
        "Expose K2's OAuth management SmartObjects to SmartObject Services (smoServices in K2HostServer.exe.config, or the SmartObject Services configuration), then run discover again.",
    );
  }
  const name = (so: DiscoveredSmartObject) => norm(`${so.displayName} ${so.systemName ?? ""}`);
  const resource =
    oauth.find((so) => /resource/.test(name(so)) && !/param|type/.test(name(so))) ?? oauth.find((so) => !/param|type/.test(name(so)));
  if (resource === undefined) {
    throw new DiscoveryError(
      `found OAuth SmartObjects (${oauth.map((so) => so.displayName).join(", ")}) but none that manages OAuth Resources themselves (a name with 'Resource' and without 'Parameter'/'Type')`,
    );
  }
  const parameter = oauth.find((so) => so !== resource && /param/.test(name(so)) && !/resourcetype|typeparam/.test(name(so)));
  return { resource, parameter, otherOAuth: oauth.filter((so) => so !== resource && so !== parameter) };
}

const METHOD_PATTERNS: Record<string, RegExp> = {
  list: /list/,
  create: /create|add|new/,
  update: /update|save|edit/,
  delete: /delete|remove/,
};

function pickMethod(so: DiscoveredSmartObject, role: string): string | undefined {
  const byType = so.methods.find((m) => m.type !== undefined && norm(m.type) === role);
  if (byType !== undefined) return byType.displayName;
  return so.methods.find((m) => METHOD_PATTERNS[role].test(norm(m.displayName)))?.displayName;
}

const RESOURCE_PROPERTY_PATTERNS: Record<(typeof RESOURCE_PROPERTY_ROLES)[number], RegExp> = {
  id: /^(resource)?(id|guid)$/,
  name: /^(resource)?name$/,
  resourceType: /^(resource)?type(name)?$/,
  authorizationEndpoint: /^auth(orization|orize)?(endpoint|url|uri)$/,
  tokenEndpoint: /^token(endpoint|url|uri)$/,
  refreshTokenEndpoint: /^refresh(token)?(endpoint|url|uri)$/,
  metadataEndpoint: /^metadata(endpoint|url|uri)$/,
  useHostServerAuthorizationEndpoint: /usehost|hostserver/,
};

const PARAMETER_PROPERTY_PATTERNS: Record<(typeof PARAMETER_PROPERTY_ROLES)[number], RegExp> = {
  id: /^((resource)?param(eter)?)?(id|guid)$/,
  resourceId: /^resource(id|guid)$/,
  name: /^(param(eter)?)?name$/,
  tokenValue: /^token(value)?$/,
};

/** The Authorization and Refresh Values (outbound resources): mapped when the SmartObject has them, else left out. */
const OPTIONAL_PARAMETER_PROPERTY_PATTERNS: Record<(typeof OPTIONAL_PARAMETER_PROPERTY_ROLES)[number], RegExp> = {
  authorizationValue: /^auth(orization|orize)?value$/,
  refreshValue: /^refresh(token)?value$/,
};

function optionalProperties(properties: string[], taken: readonly string[]): Partial<Record<(typeof OPTIONAL_PARAMETER_PROPERTY_ROLES)[number], string>> {
  const out: Partial<Record<(typeof OPTIONAL_PARAMETER_PROPERTY_ROLES)[number], string>> = {};
  for (const role of OPTIONAL_PARAMETER_PROPERTY_ROLES) {
    const found = properties.find((p) => !taken.includes(p) && OPTIONAL_PARAMETER_PROPERTY_PATTERNS[role].test(norm(p)));
    if (found !== undefined) out[role] = found;
  }
  return out;
}

function matchProperties<R extends string>(
  properties: string[],
  patterns: Record<R, RegExp>,
  defaults: Record<R, string>,
  prefix: string,
  placeholders: string[],
): Record<R, string> {
  const out = {} as Record<R, string>;
  const taken = new Set<string>();
  // Roles with the most specific patterns first, so that "ResourceID" goes to resourceId before id.
  const roles = (Object.keys(patterns) as R[]).sort((a, b) => (a === "resourceId" ? -1 : b === "resourceId" ? 1 : 0));
  for (const role of roles) {
    const found = properties.find((p) => !taken.has(p) && patterns[role].test(norm(p)));
    if (found !== undefined) {
      out[role] = found;
      taken.add(found);
    } else {
      out[role] = defaults[role];
      placeholders.push(`${prefix}.properties.${role}`);
    }
  }
  return out;
}

export interface MappingBuild {
  mapping: SmartObjectMapping;
  resource: DiscoveredSmartObject;
  parameter: DiscoveredSmartObject;
  otherOAuth: DiscoveredSmartObject[];
}

/** Builds a mapping from discovered SmartObjects. `propertiesOf` supplies property names the document did not list. */
export async function buildMapping(
  all: DiscoveredSmartObject[],
  propertiesOf: (so: DiscoveredSmartObject, listMethod: string) => Promise<string[]>,
  discoveredFrom: string,
  now: Date,
): Promise<MappingBuild> {
  const { resource, parameter, otherOAuth } = identifyOAuthSmartObjects(all);
  if (parameter === undefined) {
    throw new DiscoveryError(
      `found the OAuth resource SmartObject '${resource.displayName}' but no resource-parameter SmartObject (a name with 'Parameter'); other OAuth SmartObjects: ${otherOAuth.map((s) => s.displayName).join(", ") || "none"}`,
    );
  }
  const placeholders: string[] = [];
  const defaults = DEFAULT_SMARTOBJECT_MAPPING;
  const methods = <R extends string>(so: DiscoveredSmartObject, roles: readonly R[], prefix: string): Record<R, string> => {
    const out = {} as Record<R, string>;
    const missing: string[] = [];
    for (const role of roles) {
      const m = pickMethod(so, role);
      if (m === undefined) missing.push(role);
      else out[role] = m;
    }
    if (missing.length > 0) {
      throw new DiscoveryError(
        `the SmartObject '${so.displayName}' (${prefix}) has no ${missing.join(", ")} method among: ${so.methods.map((m) => m.displayName).join(", ")}`,
      );
    }
    return out;
  };
  const resourceMethods = methods(resource, RESOURCE_METHOD_ROLES, "resource");
  const parameterMethods = methods(parameter, PARAMETER_METHOD_ROLES, "resourceParameter");

  const props = async (so: DiscoveredSmartObject, list: string) => (so.properties.length > 0 ? so.properties : await propertiesOf(so, list));
  const systemName = (so: DiscoveredSmartObject, prefix: string) => {
    if (so.systemName !== undefined) return so.systemName;
    placeholders.push(`${prefix}.systemName`);
    return so.displayName.replace(/[^A-Za-z0-9_]/g, "_");
  };

  const resourceMapping: ResourceSmartObjectMapping = {
    categoryPath: resource.categoryPath,
    displayName: resource.displayName,
    systemName: systemName(resource, "resource"),
    methods: resourceMethods,
    properties: matchProperties(await props(resource, resourceMethods.list), RESOURCE_PROPERTY_PATTERNS, defaults.resource.properties, "resource", placeholders),
  };
  const parameterProperties = await props(parameter, parameterMethods.list);
  const required = matchProperties(parameterProperties, PARAMETER_PROPERTY_PATTERNS, defaults.resourceParameter.properties, "resourceParameter", placeholders);
  const parameterMapping: ParameterSmartObjectMapping = {
    categoryPath: parameter.categoryPath,
    displayName: parameter.displayName,
    systemName: systemName(parameter, "resourceParameter"),
    methods: parameterMethods,
    properties: { ...required, ...optionalProperties(parameterProperties, Object.values(required)) },
  };
  placeholders.push("maskedValuePattern");
  return {
    mapping: {
      origin: "discovered",
      placeholders,
      discoveredFrom,
      discoveredAt: now.toISOString(),
      resource: resourceMapping,
      resourceParameter: parameterMapping,
      maskedValuePattern: defaults.maskedValuePattern,
    },
    resource,
    parameter,
    otherOAuth,
  };
}
