/**
 * The outbound side as the pack sees it (`k2-oauth:outbound`): the OutboundOAuth components (their props are the
 * record components/contracts.ts describes: tenant, cloud, K2 site and redirect URI) and the resources under each.
 */
import type { PolicyResource } from "@pulumi/policy";
import { TYPE_OAUTH_RESOURCE, TYPE_OUTBOUND_OAUTH } from "../../components/contracts";
import { urnTypes } from "./components";

/** Whether the resource belongs to an OutboundOAuth component (by the types its URN names). */
export function isOutbound(urn: string): boolean {
  return urnTypes(urn).slice(0, -1).includes(TYPE_OUTBOUND_OAUTH);
}

/** The nearest OutboundOAuth ancestor of a resource. */
export function outboundOf(resource: PolicyResource): PolicyResource | undefined {
  for (let at = resource.parent; at !== undefined; at = at.parent) if (at.type === TYPE_OUTBOUND_OAUTH) return at;
  return undefined;
}

/** The resources of `type` under `component`. */
export function childrenOf(resources: readonly PolicyResource[], component: PolicyResource, type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type && outboundOf(r)?.urn === component.urn);
}

/** Every outbound K2 OAuth resource of the stack. */
export function outboundResources(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => r.type === TYPE_OAUTH_RESOURCE);
}
