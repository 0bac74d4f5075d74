/**
 * `npm run plan -- --deploy-gate --outputs <file>`: what must not reach `pulumi up` although a pull-request plan only
 * warns about it, judged with the stack's deployed outputs:
 * - a K2 Five stack whose Bearer Token resource would manage K2 through the built-in placeholder SmartObject mapping
 *   (names K2 does not publish: `npm run discover` reads the real ones from the server);
 * - a deploy that would delete or replace a client secret still valid, unless `--allow-drop <client>` says so;
 * - a client not deployed yet whose first secret would expire inside the warning window (cli/secretSafety.ts).
 */
import { TYPE_BEARER_TOKEN_RESOURCE, TYPE_CLIENT_APP } from "../../components/contracts";
import { secretChecks, type SecretCheckInput, type SecretFinding } from "../secretSafety";
import type { GateBlocker, GateResult, PlannedResource } from "./model";

function mappingOrigin(inputs: Record<string, unknown>): unknown {
  const management = inputs.management;
  if (typeof management !== "object" || management === null) return undefined;
  const mapping = (management as Record<string, unknown>).mapping;
  return typeof mapping === "object" && mapping !== null ? (mapping as Record<string, unknown>).origin : undefined;
}

function mappingBlockers(stack: string, resources: readonly PlannedResource[]): GateBlocker[] {
  return resources
    .filter((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE && mappingOrigin(r.inputs) === "placeholder")
    .map((r) => ({
      urn: r.urn,
      subject: r.name,
      message:
        "the K2 OAuth management SmartObject mapping is still the built-in placeholder (k2-oauth:k2.smartObjectServices.mapping is not set), " +
        `so \`pulumi up\` would call K2 with guessed SmartObject names. Run \`npm run discover -- --stack ${stack}\` against the K2 server, ` +
        `commit the mapping file it writes and set k2-oauth:k2.smartObjectServices.mapping to it (README.md, "Before the first pulumi up: run discover").`,
    }));
}

function fromFinding(f: SecretFinding, resources: readonly PlannedResource[]): GateBlocker {
  const app = resources.find((r) => r.type === TYPE_CLIENT_APP && r.name === f.client);
  return { ...(app !== undefined ? { urn: app.urn } : {}), subject: `client ${f.client}`, message: f.message };
}

export function deployGate(stack: string, resources: readonly PlannedResource[], secrets: SecretCheckInput): GateResult {
  const checked = secretChecks(secrets);
  return {
    blockers: [...mappingBlockers(stack, resources), ...checked.blockers.map((f) => fromFinding(f, resources))],
    allowed: checked.allowed.map((f) => fromFinding(f, resources)),
  };
}
