/**
 * A K2 Cloud stack with `k2-oauth:outbound` and a Key Vault: the Entra side only (no K2 resource), the values to enter
 * in K2 Management as a stack output that holds no secret, and no secret-value output (the vault holds it).
 */
import { beforeAll, expect, it } from "vitest";
import { TYPE_OAUTH_RESOURCE } from "../../components/contracts";
import { runProgram, type ProgramRun } from "../helpers/program";
import { settle } from "../helpers/pulumiMocks";
import { cloudK2, expectCloudOutbound } from "./cloudOutboundExpectations";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev", { override: cloudK2 });
  await settle();
});

it("declares the outbound app and no K2 resource; the outbound output lists the K2 Management values, naming the vault secret", async () => {
  expect(run.recorded.filter((r) => r.type === TYPE_OAUTH_RESOURCE)).toEqual([]);
  await expectCloudOutbound(run, "the latest version of Key Vault secret k2-outbound-client-secret in vault kv-k2-oauth-dev");
  expect(run.exports.outboundClientSecret).toBeUndefined();
  expect(run.recorded.filter((r) => r.type === "azure-native:keyvault:Secret").map((r) => r.name)).toContain("k2-outbound-secret-kv");
  expect((run.exports.outbound as Record<string, unknown>).keyVaultSecretName).toBe("k2-outbound-client-secret");
});
