/**
 * This project's components as the pack sees them: a resource belongs to them when its URN names an InboundOAuth or
 * ClientApp ancestor (the URN's qualified type lists every ancestor's type: `k2oauth:index:InboundOAuth$
 * k2oauth:index:ClientApp$azuread:index/application:Application`). Their records (components/contracts.ts: the
 * stack's expectations, the client's config key and schedule) are read from the ancestors themselves, which only
 * AnalyzeStack sees. Rules that need a record (the expectations, the recorded schedule) check these resources there,
 * where they can also name the exact stack config key; rules that need only the resource's own values check them in
 * Analyze, before the engine creates or updates them, and name the client from the resource's name (`clientNamed`).
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  CLIENT_CONFIG_KEYS,
  clientNameOfResource,
  TYPE_AZUREAD_APPLICATION,
  TYPE_AZUREAD_APPLICATION_PASSWORD,
  TYPE_CLIENT_APP,
  TYPE_INBOUND_OAUTH,
  TYPE_KEYVAULT_SECRET,
  type ClientResourcePart,
} from "../../components/contracts";
import { read, type Read } from "./values";

/** The types of a URN's qualified type: the ancestors' types first, the resource's own last. */
export function urnTypes(urn: string): string[] {
  const parts = urn.split("::");
  return parts.length < 4 ? [] : parts[2].split("$");
}

/** Whether the resource belongs to an InboundOAuth or ClientApp component (by the types its URN names). */
export function isComponentManaged(urn: string): boolean {
  const ancestors = urnTypes(urn).slice(0, -1);
  return ancestors.includes(TYPE_INBOUND_OAUTH) || ancestors.includes(TYPE_CLIENT_APP);
}

/** The components a managed resource belongs to, as found among the stack's resources. */
export interface Components {
  /** The nearest ClientApp ancestor (its props are the client's record). */
  client: PolicyResource | undefined;
  /** The nearest InboundOAuth ancestor (its props are the stack's expectations). */
  inbound: PolicyResource | undefined;
}

export const NO_COMPONENTS: Components = { client: undefined, inbound: undefined };

export function componentsOf(resource: PolicyResource): Components {
  let client: PolicyResource | undefined;
  let inbound: PolicyResource | undefined;
  for (let at = resource.parent; at !== undefined && (client === undefined || inbound === undefined); at = at.parent) {
    if (at.type === TYPE_CLIENT_APP) client ??= at;
    else if (at.type === TYPE_INBOUND_OAUTH) inbound ??= at;
  }
  return { client, inbound };
}

/** A value a component records (`tenantId`, `k2Api.scopeId`); known `undefined` without the component. */
export function recorded(component: PolicyResource | undefined, path: string): Read {
  return component === undefined ? { known: true, value: undefined } : read(component.props, path);
}

/**
 * The stack config key of a client setting, like `k2-oauth:clients[0].redirectUris`, from the ClientApp's recorded
 * `configPath`; undefined when the resource has no ClientApp or it records none.
 */
export function clientConfigKey(components: Components, key: keyof typeof CLIENT_CONFIG_KEYS): string | undefined {
  const path = recorded(components.client, "configPath");
  return path.known && typeof path.value === "string" && path.value !== "" ? `${path.value}.${CLIENT_CONFIG_KEYS[key]}` : undefined;
}

/** `; change k2-oauth:clients[0].owners` (several keys joined by "and"), or "" when no key is known. */
export function changeHint(key: string | readonly string[] | undefined): string {
  const keys = key === undefined ? [] : typeof key === "string" ? [key] : key;
  return keys.length === 0 ? "" : `; change ${keys.join(" and ")}`;
}

/** The part of a ClientApp each resource type can be, for reading the client's name back from the resource's name. */
const CLIENT_PARTS: Readonly<Record<string, readonly ClientResourcePart[]>> = {
  [TYPE_AZUREAD_APPLICATION]: ["application"],
  [TYPE_AZUREAD_APPLICATION_PASSWORD]: ["passwordA", "passwordB"],
  [TYPE_KEYVAULT_SECRET]: ["vaultSecret"],
};

/**
 * Where to change a client setting, named from what Analyze sees: the resource's URN (a ClientApp ancestor) and its
 * name, which ClientApp forms as `<client name>-<suffix>` (components/contracts.ts, clientResourceName). Undefined for
 * a resource outside a ClientApp or of a type or name ClientApp does not give (never a guess).
 */
export function clientNamed(type: string, urn: string, name: string, key: keyof typeof CLIENT_CONFIG_KEYS, index?: number, within = ""): string | undefined {
  if (!urnTypes(urn).slice(0, -1).includes(TYPE_CLIENT_APP)) return undefined;
  const client = clientNameOfResource(name, CLIENT_PARTS[type] ?? []);
  if (client === undefined) return undefined;
  return `${CLIENT_CONFIG_KEYS[key]}${index === undefined ? "" : `[${index}]`}${within} of the client named ${client} in k2-oauth:clients`;
}
