/**
 * A K2 Cloud stack with `k2-oauth:outbound` and no Key Vault: the outbound app's secret values only as the one secret
 * stack output `outboundClientSecret`, named (never shown) in the K2 Management values.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, expect, it } from "vitest";
import { TYPE_OAUTH_RESOURCE } from "../../components/contracts";
import { runProgram, type ProgramRun } from "../helpers/program";
import { resolve, settle } from "../helpers/pulumiMocks";
import { cloudK2, expectCloudOutbound } from "./cloudOutboundExpectations";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev", {
    override: (cfg) => {
      cloudK2(cfg);
      delete cfg["k2-oauth:keyVault"];
    },
  });
  await settle();
});

it("exports the outbound secret values as one Pulumi secret, and the K2 Management values without them", async () => {
  expect(run.recorded.filter((r) => r.type === TYPE_OAUTH_RESOURCE)).toEqual([]);
  expect(run.recorded.filter((r) => r.type === "azure-native:keyvault:Secret")).toEqual([]);
  await expectCloudOutbound(run, "the stack output outboundClientSecret (a secret: pulumi stack output --show-secrets outboundClientSecret)");
  const { value, secret } = await resolve(run.exports.outboundClientSecret as pulumi.Output<Record<string, string>>);
  expect(secret).toBe(true);
  // One value per slot the day has (one or two, by the day of the run), each the mock's value for that password.
  const outbound = run.exports.outbound as Record<string, unknown>;
  const slots = ((await resolve(outbound.secrets as pulumi.Output<Array<{ slot: string }>>)).value ?? []).map((s) => s.slot);
  expect(slots.length).toBeGreaterThanOrEqual(1);
  expect(value).toEqual(Object.fromEntries(slots.map((slot) => [slot, `s3cr3t-k2-outbound-secret-${slot}`])));
  expect(outbound.keyVaultSecretName).toBeUndefined();
});
