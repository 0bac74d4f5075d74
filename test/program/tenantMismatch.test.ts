/**
 * The real program (index.ts) on the dev example stack, in the offline plan's program process (cli/plan/programChild.ts:
 * the SDK's mock runtime, the program's unhandled rejections reported as its outcome), with the providers' token
 * issued by another tenant than `k2-oauth:tenantId` (what azure-native's `authorization:getClientConfig` reports from
 * the token's tid claim, e.g. for a managed identity of another home tenant): it stops with a message naming both
 * tenants and creates nothing in either.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ProgramOutcome, RecordedResource } from "../../cli/plan/model";
import { PLACEHOLDER_CALLER_CLIENT_ID, PLACEHOLDER_CALLER_OBJECT_ID } from "../../cli/plan/placeholders";
import { lookupContext } from "../../cli/plan/computePlan";
import { runProgramOffline } from "../../cli/plan/runProgram";
import { loadStackFile } from "../../cli/stackFile";
import { tenantMismatchMessage } from "../../components/providers";
import { REPO_ROOT } from "../helpers/program";

const STACK_TENANT = "11111111-2222-3333-4444-555555555555";
const OTHER_TENANT = "99999999-8888-4777-8666-555555555555";

async function run(signedInTenant: string): Promise<{ outcome: ProgramOutcome; registered: RecordedResource[] }> {
  const stack = loadStackFile("dev", REPO_ROOT);
  const registered: RecordedResource[] = [];
  const outcome = await runProgramOffline(
    {
      programDir: REPO_ROOT,
      main: "index.ts",
      project: "k2-oauth",
      stack: "dev",
      engineConfig: stack.engineConfig,
      secretKeys: stack.secretKeys,
      // The offline mocks answer azure-native's authorization:getClientConfig with this tenant.
      lookups: { ...lookupContext(stack), tenantId: signedInTenant },
    },
    120_000,
    (r) => registered.push(r),
  );
  return { outcome, registered };
}

let mismatch: Awaited<ReturnType<typeof run>>;
let match: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  [mismatch, match] = await Promise.all([run(OTHER_TENANT), run(STACK_TENANT.toUpperCase())]);
}, 240_000);

describe("a provider signed in to another tenant", () => {
  it("stops the program with both tenants and how to sign in to the right one", () => {
    expect(mismatch.outcome).toEqual({
      kind: "config-error",
      message: tenantMismatchMessage(
        { tenantId: STACK_TENANT, cloud: "public" },
        { tenantId: OTHER_TENANT, clientId: PLACEHOLDER_CALLER_CLIENT_ID, objectId: PLACEHOLDER_CALLER_OBJECT_ID },
      ),
      log: expect.any(Array),
    });
    const message = mismatch.outcome.kind === "config-error" ? mismatch.outcome.message : "";
    expect(message).toContain(`got its token from tenant ${OTHER_TENANT}`);
    expect(message).toContain(`az login --tenant ${STACK_TENANT}`);
    expect(message).toContain(`one whose home tenant is ${STACK_TENANT}`);
    expect(message).not.toContain("ARM_TENANT_ID");
  });

  it("registers nothing but the stack, the pinned providers and the top components", () => {
    expect(mismatch.registered.map((r) => r.type).sort()).toEqual([
      "k2oauth:index:InboundOAuth",
      "k2oauth:index:OutboundOAuth",
      "pulumi:providers:azure-native",
      "pulumi:providers:azuread",
      "pulumi:pulumi:Stack",
    ]);
  });

  it("while the same program signed in to the stack's tenant declares everything", () => {
    expect(match.outcome.kind).toBe("ok");
    const types = new Set(match.registered.map((r) => r.type));
    for (const t of ["azuread:index/application:Application", "azure-native:keyvault:Secret", "pulumi-nodejs:dynamic/k2:BearerTokenResource"]) {
      expect(types).toContain(t);
    }
    expect(match.registered.filter((r) => r.type === "k2oauth:index:ClientApp").map((r) => r.name)).toEqual(["power-automate", "reporting"]);
  });
});
