/**
 * `npm run plan -- --deploy-gate`: what must not reach `pulumi up` although a pull-request plan only warns about it.
 * Today one thing: a K2 Five stack whose Bearer Token resource would manage K2 through the built-in placeholder
 * SmartObject mapping (names K2 does not publish: `npm run discover` reads the real ones from the server).
 */
import { TYPE_BEARER_TOKEN_RESOURCE } from "../../components/contracts";
import type { GateBlocker, PlannedResource } from "./model";

function mappingOrigin(inputs: Record<string, unknown>): unknown {
  const management = inputs.management;
  if (typeof management !== "object" || management === null) return undefined;
  const mapping = (management as Record<string, unknown>).mapping;
  return typeof mapping === "object" && mapping !== null ? (mapping as Record<string, unknown>).origin : undefined;
}

export function deployBlockers(stack: string, resources: readonly PlannedResource[]): GateBlocker[] {
  return resources
    .filter((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE && mappingOrigin(r.inputs) === "placeholder")
    .map((r) => ({
      urn: r.urn,
      message:
        "the K2 OAuth management SmartObject mapping is still the built-in placeholder (k2-oauth:k2.smartObjectServices.mapping is not set), " +
        `so \`pulumi up\` would call K2 with guessed SmartObject names. Run \`npm run discover -- --stack ${stack}\` against the K2 server, ` +
        `commit the mapping file it writes and set k2-oauth:k2.smartObjectServices.mapping to it (README.md, "Before the first pulumi up: run discover").`,
    }));
}
