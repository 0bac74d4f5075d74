/**
 * The program (index.ts) on the dev stack with azure-native:* and azuread:* config set, as a stack deployed before
 * the providers were pinned may have it: the pinned providers get it (the engine would give it to default providers
 * only), next to the tenant and cloud the stack pins.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runProgram, type ProgramRun } from "../helpers/program";
import { resolve, settle } from "../helpers/pulumiMocks";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev", {
    override: (cfg) => {
      cfg["azure-native:subscriptionId"] = "99999999-aaaa-4bbb-8ccc-dddddddddddd";
      cfg["azure-native:useOidc"] = "true";
      cfg["azuread:useOidc"] = "true";
    },
  });
  await resolve((run.exports.clients as Record<string, { clientId: unknown }>)["power-automate"].clientId as never);
  await settle();
});

describe("the pinned providers", () => {
  it("carry the stack's own provider config besides the pinned tenant and environment", () => {
    const inputs = (type: string) => run.recorded.find((r) => r.type === type)?.inputs;
    expect(inputs("pulumi:providers:azure-native")).toMatchObject({
      subscriptionId: "99999999-aaaa-4bbb-8ccc-dddddddddddd",
      useOidc: "true",
      tenantId: "11111111-2222-3333-4444-555555555555",
      environment: "public",
    });
    expect(inputs("pulumi:providers:azuread")).toMatchObject({ useOidc: "true", tenantId: "11111111-2222-3333-4444-555555555555", environment: "global" });
  });
});
