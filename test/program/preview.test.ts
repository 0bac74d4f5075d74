import * as pulumi from "@pulumi/pulumi";
import { beforeAll, expect, it } from "vitest";
import { runProgram, type ProgramRun } from "../helpers/program";
import { resolve, settle } from "../helpers/pulumiMocks";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev", { preview: true });
  await settle();
});

it("declares everything in preview, where outputs of new resources are unknown, without crashing", async () => {
  expect(pulumi.runtime.isDryRun()).toBe(true);
  // Two clients and the outbound app.
  expect(run.recorded.filter((r) => r.type === "azuread:index/application:Application")).toHaveLength(3);
  const clients = run.exports.clients as Record<string, { clientId: pulumi.Output<string>; authUrl: pulumi.Output<string> }>;
  const id = await resolve(clients["power-automate"].clientId);
  expect(id.value).toBeUndefined();
  const url = await resolve(clients["power-automate"].authUrl);
  expect(url.value).toBeUndefined();
  // Known-at-plan-time values stay known.
  expect(run.exports.tokenEndpoint).toMatch(/\/oauth2\/token$/);
  const kv = run.recorded.filter((r) => r.type === "azure-native:keyvault:Secret");
  expect(kv.length).toBeGreaterThan(0);
});
