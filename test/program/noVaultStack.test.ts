import * as pulumi from "@pulumi/pulumi";
import { beforeAll, expect, it } from "vitest";
import { runProgram, type ProgramRun } from "../helpers/program";
import { resolve, settle } from "../helpers/pulumiMocks";

let run: ProgramRun;
beforeAll(async () => {
  // The prod stack without its key vault: secret values become a secret stack output instead.
  run = await runProgram("prod", { override: (cfg) => delete cfg["k2-oauth:keyVault"] });
  await settle();
});

it("exports the secret values as one Pulumi secret output and declares no vault secret", async () => {
  expect(run.recorded.some((r) => r.type === "azure-native:keyvault:Secret")).toBe(false);
  const out = run.exports.clientSecrets as pulumi.Output<Record<string, Record<string, string>>>;
  const { value, secret } = await resolve(out);
  expect(secret).toBe(true);
  expect(Object.keys(value!).sort()).toEqual(["power-automate", "sharepoint-forms"]);
  for (const slots of Object.values(value!)) for (const v of Object.values(slots)) expect(v).toMatch(/^s3cr3t-/);
  // the per-client export carries no value
  const clients = run.exports.clients as Record<string, { secrets: Array<Record<string, unknown>> }>;
  const fieldsOfEach = Object.values(clients).flatMap((c) => c.secrets.map((s) => Object.keys(s).sort().join(",")));
  expect(fieldsOfEach.length).toBeGreaterThanOrEqual(2);
  expect(new Set(fieldsOfEach)).toEqual(new Set(["current,expires,generation,keyId,slot,startDate"]));
});
