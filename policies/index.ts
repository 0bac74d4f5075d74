/**
 * The k2-oauth CrossGuard policy pack: `pulumi preview --policy-pack policies --policy-pack-config
 * policies/config/<stack>.json`. Only constructs the pack, with its config checked at Configure (lib/configGate.ts)
 * and each resource decoded once per call for all policies (lib/sharedDecoding.ts); the rules live in rules/.
 */
import { PolicyPack } from "@pulumi/policy";
import { withConfigGate } from "./lib/configGate";
import { shareDecodedProperties } from "./lib/sharedDecoding";
import { POLICIES, POLICY_PACK_NAME } from "./registry";

shareDecodedProperties();
withConfigGate(POLICY_PACK_NAME, POLICIES, () => {
  new PolicyPack(POLICY_PACK_NAME, {
    displayName: "K2 inbound OAuth",
    description: "Catches misconfigurations that break or weaken inbound OAuth between Microsoft Entra ID and K2 before deployment.",
    provider: "azuread",
    tags: ["k2", "entra-id", "oauth"],
    enforcementLevel: "mandatory",
    policies: POLICIES,
  });
});
