/**
 * The outbound app's secret (`k2-oauth:outbound.app`) in the deploy gate and `npm run due`: judged like a client's,
 * read from the `outbound` stack output, named by its own config key.
 */
import { describe, expect, it } from "vitest";
import { dueReasons } from "../../cli/due/rule";
import { secretChecks, type DeployedSecret } from "../../cli/secretSafety";
import { deployedSecretsOf, parseStackOutputs } from "../../cli/verify/outputs";
import { validateStackConfig } from "../../components/config";
import { describeSecrets, parseUtcDay } from "../../components/rotation";
import { secretDeclarations, secretOwners } from "../../components/secretDeclarations";

const day = (text: string): Date => parseUtcDay(text)!;
const config = validateStackConfig({
  tenantId: "11111111-2222-3333-4444-555555555555",
  k2Api: { clientId: "22222222-3333-4444-5555-666666666666" },
  k2: { url: "https://k2.contoso.com", admin: { username: "DOMAIN\\svc", password: "pw" } },
  clients: [{ name: "reporting", displayName: "Reporting", secret: { lifetimeDays: 90, rotateAfterDays: 60 } }],
  outbound: {
    app: { name: "k2-calls-out", displayName: "K2 outbound", secret: { lifetimeDays: 90, rotateAfterDays: 60 } },
    resources: [{ name: "Microsoft Graph", audience: "https://graph.microsoft.com", permissions: ["User.Read"] }],
  },
});
const app = config.outbound!.app;

/** `pulumi stack output --json` of the stack deployed on `on`: the outbound output as index.ts exports it. */
function outputsDeployedOn(on: string, secret = app.secret): string {
  const passwords = secretDeclarations({ name: app.name, secret }, day(on), undefined).passwords;
  return JSON.stringify({
    clients: {},
    outbound: { name: app.name, clientId: "x", secrets: describeSecrets(passwords).map((d, i) => ({ ...d, keyId: `key-${passwords[i].generation}` })) },
  });
}

describe("the outbound app's secret", () => {
  it("is one of the secret owners, under its own config key", () => {
    expect(secretOwners(config)).toEqual([
      { name: "reporting", secret: { lifetimeDays: 90, rotateAfterDays: 60 }, configKey: "k2-oauth:clients[0]" },
      { name: "k2-calls-out", secret: { lifetimeDays: 90, rotateAfterDays: 60 }, configKey: "k2-oauth:outbound.app" },
    ]);
  });

  it("is read from the outbound stack output", () => {
    const deployed = deployedSecretsOf(parseStackOutputs(outputsDeployedOn("2026-12-16"), "outputs.json"));
    expect(Object.keys(deployed)).toEqual(["k2-calls-out"]);
    expect((deployed["k2-calls-out"] as DeployedSecret[]).map((s) => [s.slot, s.generation, s.endDate.toISOString().slice(0, 10)])).toEqual([
      ["a", 18, "2027-03-16"],
      ["b", 17, "2027-01-15"],
    ]);
  });

  it("makes a stack due on the outbound app's rotation day", () => {
    const deployed = deployedSecretsOf(parseStackOutputs(outputsDeployedOn("2027-02-13"), "outputs.json"));
    const reasons = dueReasons(secretOwners(config).slice(1), deployed, day("2027-02-14"), 20).reasons;
    expect(reasons).toEqual([
      {
        client: "k2-calls-out",
        kind: "rotation",
        message: "k2-calls-out: generation 19 (slot b) started on 2027-02-14 and is not deployed; the deployed secrets end on 2027-03-16",
      },
    ]);
  });

  it("is never dropped while valid by a schedule change: the gate names k2-oauth:outbound.app", () => {
    const deployed = deployedSecretsOf(parseStackOutputs(outputsDeployedOn("2027-02-14"), "outputs.json"));
    const changed = secretOwners({ ...config, outbound: { ...config.outbound!, app: { ...app, secret: { lifetimeDays: 120, rotateAfterDays: 90 } } } });
    const { blockers } = secretChecks({ clients: changed.slice(1), deployed, day: day("2027-02-15"), warnDays: 20, stackFile: "stacks/Pulumi.test.yaml" });
    expect(blockers.map((b) => [b.client, b.kind])).toEqual([
      ["k2-calls-out", "drops-valid-secret"],
      ["k2-calls-out", "drops-valid-secret"],
    ]);
    expect(blockers[0].message).toMatch(/^k2-oauth:outbound\.app \(k2-calls-out\): this deploy would replace the client secret in slot a \(generation 18, key id key-18\), which is valid until 2027-03-16/);
  });

  it("is refused when the app is new and its first secret would expire inside the window, with the line to add under outbound.app.secret", () => {
    const { blockers } = secretChecks({ clients: secretOwners(config).slice(1), deployed: {}, day: day("2027-03-10"), warnDays: 20, stackFile: "stacks/Pulumi.test.yaml" });
    expect(blockers).toHaveLength(1);
    expect(blockers[0].message).toContain("k2-oauth:outbound.app (k2-calls-out) is not deployed yet");
    expect(blockers[0].message).toContain("Add this line under outbound.app.secret in stacks/Pulumi.test.yaml");
  });
});
