/**
 * Moving a stack deployed with one Key Vault secret per slot (README.md, "Moving a stack deployed with one Key Vault
 * secret per slot"): what can be checked without a deployed stack. The program keeps the URNs of everything a deployed
 * stack holds (applications, service principals, consents, passwords), so nothing but the Key Vault secrets changes;
 * the new Key Vault secret has a name of its own; and the `pulumi state delete` command the README gives names exactly
 * the URNs the slot secrets were registered under.
 */
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { computePlan } from "../../cli/plan/computePlan";
import type { PlanResult } from "../../cli/plan/model";
import { engineUrn } from "../../cli/plan/recordingMonitor";
import { REPO_ROOT } from "./project";

let plan: PlanResult;
const readme = fs.readFileSync(`${REPO_ROOT}/README.md`, "utf8");

beforeAll(async () => {
  plan = (await computePlan({ root: REPO_ROOT, stack: "dev", date: "2026-12-01" })).result;
}, 120_000);

describe("the Key Vault migration", () => {
  it("keeps the URNs a deployed stack holds for its app registrations, service principals, consents and passwords", () => {
    const urns = plan.resources.filter((r) => r.parent?.endsWith("::power-automate")).map((r) => r.urn);
    const prefix = "urn:pulumi:dev::k2-oauth::k2oauth:index:InboundOAuth$k2oauth:index:ClientApp$";
    expect(urns).toEqual([
      `${prefix}azuread:index/application:Application::power-automate-app`,
      `${prefix}azuread:index/applicationPassword:ApplicationPassword::power-automate-secret-a`,
      `${prefix}azuread:index/applicationPassword:ApplicationPassword::power-automate-secret-b`,
      `${prefix}azuread:index/servicePrincipal:ServicePrincipal::power-automate-sp`,
      `${prefix}azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant::power-automate-consent`,
      `${prefix}azure-native:keyvault:Secret::power-automate-secret-kv`,
    ]);
  });

  it("declares no slot-named Key Vault secret any more, and a new name that no slot secret had", () => {
    const vault = plan.resources.filter((r) => r.type === "azure-native:keyvault:Secret");
    expect(vault.map((r) => [r.name, r.inputs.secretName])).toEqual([
      ["power-automate-secret-kv", "power-automate-client-secret"],
      ["reporting-secret-kv", "reporting-client-secret"],
      // The outbound app's (k2-oauth:outbound.app), new with one name from the start.
      ["k2-outbound-secret-kv", "k2-outbound-client-secret"],
    ]);
  });

  it("gives a state delete command that names the slot secrets' URNs exactly", () => {
    const command = /pulumi state delete '([^']+)' --stack <stack>/.exec(readme);
    expect(command).not.toBeNull();
    const clientApp = plan.resources.find((r) => r.name === "power-automate" && r.type === "k2oauth:index:ClientApp")!;
    for (const slot of ["a", "b"]) {
      const registered = engineUrn("dev", "k2-oauth", clientApp.urn, "azure-native:keyvault:Secret", `power-automate-secret-${slot}-kv`);
      const documented = command![1].replace("<stack>", "dev").replace("<client>", "power-automate").replace("<slot>", slot);
      expect(documented).toBe(registered);
    }
  });
});
