/**
 * K2OAuthManagement over K2's (legacy) SmartObject REST services, as documented by K2:
 *   {serviceUrl}/REST/{CategoryPath}/{SmartObject display name}/{Method display name}
 * List methods: GET with `$format=json`; Create/Execute: POST with an XML body whose root element is the SmartObject
 * system name and whose children are property system names; Update: PUT `?{key}={id}` with the changed properties;
 * Delete: DELETE `?{key}={id}`. Basic authentication.
 *
 * Which SmartObjects, methods and properties manage OAuth resources is not documented: they come from the mapping
 * (./mapping.ts), discovered on the server or labelled placeholders.
 *
 * Runs inside the serialized dynamic provider: no module-level imports of packages or built-ins.
 */
import { createHttpClient, k2Error, type BasicCredentials, type RetryPolicy } from "./http";
import {
  PARAMETER_LEGS,
  type K2OAuthManagement,
  type OAuthParameterRecord,
  type OAuthResourceFields,
  type OAuthResourceRecord,
  type ParameterLeg,
  type ParameterLegs,
  type SmartObjectRestSettings,
} from "./management";
import type { SmartObjectMapping, SmartObjectRef } from "./mapping";

/** The REST URL of one SmartObject method; path segments escaped (spaces as %20), query appended. */
export function smartObjectMethodUrl(serviceUrl: string, so: SmartObjectRef, method: string, query: Record<string, string> = {}): string {
  const segments = [...so.categoryPath.split("/").filter((s) => s !== ""), so.displayName, method];
  const path = segments.map((s) => encodeURIComponent(s)).join("/");
  // System query options keep their documented literal `$` ($format, $top).
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k).replace(/%24/g, "$")}=${encodeURIComponent(v)}`)
    .join("&");
  return `${serviceUrl.replace(/\/+$/, "")}/REST/${path}${qs === "" ? "" : `?${qs}`}`;
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** `<SystemName><Prop>value</Prop>...</SystemName>`: the documented request body of Create/Update/Execute. */
export function smartObjectXml(systemName: string, properties: Record<string, string>): string {
  const children = Object.entries(properties)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join("");
  return `<${systemName}>${children}</${systemName}>`;
}

type Row = Record<string, unknown>;

/**
 * Rows of a JSON list answer. K2 documents `$format=json` but not the JSON shape: a top-level array is expected; an
 * object holding one array (a wrapper) is accepted too.
 */
export function rowsFromJson(text: string, what: string): Row[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text === "" ? "[]" : text);
  } catch {
    throw k2Error("protocol", `K2 did not answer with JSON to ${what}.`, {
      hint: "Check that the mapping's list method supports $format=json (re-run npm run discover -- --stack <name>).",
    });
  }
  const isRows = (v: unknown): v is Row[] => Array.isArray(v) && v.every((r) => typeof r === "object" && r !== null && !Array.isArray(r));
  if (isRows(doc)) return doc;
  if (typeof doc === "object" && doc !== null) {
    const arrays = Object.values(doc).filter(isRows);
    if (arrays.length === 1) return arrays[0];
  }
  throw k2Error("protocol", `K2 answered ${what} with JSON that holds no list of records.`, {
    hint: "Check that the mapping names a list method (re-run npm run discover -- --stack <name>).",
  });
}

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function yesNo(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  return /^(true|yes|1)$/i.test(text(value).trim());
}

function requireProperty(rows: Row[], property: string, role: string, so: SmartObjectRef): void {
  if (rows.length > 0 && !(property in rows[0])) {
    throw k2Error("protocol", `the records of SmartObject '${so.displayName}' have no property '${property}' (mapping role ${role}); K2 returned: ${Object.keys(rows[0]).join(", ")}.`, {
      hint: "Re-run npm run discover -- --stack <name>.",
    });
  }
}

function mappingHint(mapping: SmartObjectMapping): string {
  return mapping.origin === "placeholder"
    ? "the SmartObject mapping in use is the built-in PLACEHOLDER mapping (names not verified on any K2 server): run npm run discover -- --stack <name> and set k2-oauth:k2.smartObjectServices.mapping to the file it writes"
    : `the SmartObject mapping was discovered${mapping.discoveredFrom ? ` from ${mapping.discoveredFrom}` : ""}${mapping.discoveredAt ? ` at ${mapping.discoveredAt}` : ""}; re-run npm run discover if the server changed`;
}

/** K2 Management's label of each request's value. */
const LEG_LABEL: Readonly<Record<ParameterLeg, string>> = { authorization: "Authorization Value", token: "Token Value", refresh: "Refresh Value" };

/**
 * `extraSecrets`: values besides the credentials that requests carry (an outbound resource's client secret): never
 * in an error, like the credentials.
 */
export function createSmartObjectRestClient(
  settings: SmartObjectRestSettings,
  credentials: BasicCredentials,
  policy: RetryPolicy,
  extraSecrets: readonly string[] = [],
): K2OAuthManagement {
  const { serviceUrl, mapping } = settings;
  const res = mapping.resource;
  const par = mapping.resourceParameter;
  const http = createHttpClient(credentials, policy, extraSecrets);
  const legProperty: Partial<Record<ParameterLeg, string>> = {
    authorization: par.properties.authorizationValue,
    token: par.properties.tokenValue,
    refresh: par.properties.refreshValue,
  };
  const masked = new RegExp(mapping.maskedValuePattern);
  const notFoundHint = mappingHint(mapping);

  const fieldProperty: Record<keyof OAuthResourceFields, string> = {
    name: res.properties.name,
    resourceType: res.properties.resourceType,
    authorizationEndpoint: res.properties.authorizationEndpoint,
    tokenEndpoint: res.properties.tokenEndpoint,
    refreshTokenEndpoint: res.properties.refreshTokenEndpoint,
    metadataEndpoint: res.properties.metadataEndpoint,
    useHostServerAuthorizationEndpoint: res.properties.useHostServerAuthorizationEndpoint,
  };

  function fieldsXml(fields: Partial<OAuthResourceFields>): string {
    const props: Record<string, string> = {};
    for (const [field, value] of Object.entries(fields) as Array<[keyof OAuthResourceFields, string | boolean | undefined]>) {
      if (value === undefined) continue;
      props[fieldProperty[field]] = typeof value === "boolean" ? (value ? "true" : "false") : value;
    }
    return smartObjectXml(res.systemName, props);
  }

  async function list(so: SmartObjectRef, method: string, what: string): Promise<Row[]> {
    const response = await http.send({
      method: "GET",
      url: smartObjectMethodUrl(serviceUrl, so, method, { $format: "json" }),
      what,
      idempotent: true,
      notFoundHint,
    });
    return rowsFromJson(response.text, what);
  }

  return {
    description: `K2 SmartObject REST services at ${serviceUrl} (${mapping.origin} mapping)`,

    async listResources(): Promise<OAuthResourceRecord[]> {
      const rows = await list(res, res.methods.list, "list OAuth resources");
      requireProperty(rows, res.properties.id, "resource.properties.id", res);
      requireProperty(rows, res.properties.name, "resource.properties.name", res);
      return rows.map((row) => ({
        id: text(row[res.properties.id]),
        name: text(row[res.properties.name]),
        resourceType: text(row[res.properties.resourceType]),
        authorizationEndpoint: text(row[res.properties.authorizationEndpoint]),
        tokenEndpoint: text(row[res.properties.tokenEndpoint]),
        refreshTokenEndpoint: text(row[res.properties.refreshTokenEndpoint]),
        metadataEndpoint: text(row[res.properties.metadataEndpoint]),
        useHostServerAuthorizationEndpoint: yesNo(row[res.properties.useHostServerAuthorizationEndpoint]),
      }));
    },

    async createResource(fields: OAuthResourceFields): Promise<void> {
      await http.send({
        method: "POST",
        url: smartObjectMethodUrl(serviceUrl, res, res.methods.create),
        body: fieldsXml(fields),
        what: `create the OAuth resource '${fields.name}'`,
        idempotent: false,
        notFoundHint,
      });
    },

    async updateResource(id: string, fields: Partial<OAuthResourceFields>): Promise<"updated" | "absent"> {
      const response = await http.send({
        method: "PUT",
        url: smartObjectMethodUrl(serviceUrl, res, res.methods.update, { [res.properties.id]: id }),
        body: fieldsXml(fields),
        what: `update the OAuth resource ${id}`,
        idempotent: true,
        allowNotFound: true,
        notFoundHint,
      });
      return response.status === 404 ? "absent" : "updated";
    },

    async deleteResource(id: string): Promise<"deleted" | "absent"> {
      const response = await http.send({
        method: "DELETE",
        url: smartObjectMethodUrl(serviceUrl, res, res.methods.delete, { [res.properties.id]: id }),
        what: `delete the OAuth resource ${id}`,
        idempotent: true,
        allowNotFound: true,
        notFoundHint,
      });
      return response.status === 404 ? "absent" : "deleted";
    },

    async listParameters(resourceId: string): Promise<OAuthParameterRecord[]> {
      const rows = await list(par, par.methods.list, "list OAuth resource parameters");
      for (const role of ["id", "resourceId", "name"] as const) {
        requireProperty(rows, par.properties[role], `resourceParameter.properties.${role}`, par);
      }
      return rows
        .filter((row) => text(row[par.properties.resourceId]).toLowerCase() === resourceId.toLowerCase())
        .map((row) => {
          const values: Partial<Record<ParameterLeg, string | undefined>> = {};
          const maskedLegs: ParameterLeg[] = [];
          for (const leg of PARAMETER_LEGS) {
            const property = legProperty[leg];
            if (property === undefined) continue;
            const value = text(row[property]);
            const isMasked = value !== "" && masked.test(value);
            values[leg] = isMasked ? undefined : value;
            if (isMasked) maskedLegs.push(leg);
          }
          return {
            id: text(row[par.properties.id]),
            resourceId: text(row[par.properties.resourceId]),
            name: text(row[par.properties.name]),
            tokenValue: values.token,
            masked: maskedLegs.includes("token"),
            values,
            maskedLegs,
          };
        });
    },

    async setParameterValues(parameter: OAuthParameterRecord, values: ParameterLegs): Promise<void> {
      const props: Record<string, string> = {};
      const legs = PARAMETER_LEGS.filter((leg) => values[leg] !== undefined);
      for (const leg of legs) {
        const property = legProperty[leg];
        if (property === undefined) {
          throw k2Error("protocol", `the SmartObject mapping names no property for the ${LEG_LABEL[leg]} of a parameter (resourceParameter.properties.${leg}Value), needed for parameter '${parameter.name}'.`, {
            hint: "Re-run npm run discover -- --stack <name>, or add the property's system name to the mapping file.",
          });
        }
        props[property] = values[leg] as string;
      }
      const response = await http.send({
        method: "PUT",
        url: smartObjectMethodUrl(serviceUrl, par, par.methods.update, { [par.properties.id]: parameter.id }),
        body: smartObjectXml(par.systemName, props),
        what: `set the ${legs.map((leg) => LEG_LABEL[leg]).join(", ")} of parameter '${parameter.name}'`,
        idempotent: true,
        allowNotFound: true,
        notFoundHint,
      });
      if (response.status === 404) {
        throw k2Error("not-found", `the parameter row '${parameter.name}' (${parameter.id}) disappeared while it was being set.`, {
          hint: "Run the command again.",
          status: 404,
        });
      }
    },
  };
}
