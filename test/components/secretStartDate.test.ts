/**
 * `clients[].secret.startDate`: the config accepts a calendar day (what it says about anything else is in the table of
 * configMessages.test.ts), and the program refuses a start date after the day it plans (the client would have no
 * secret), naming the key.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { validateStackConfig } from "../../components/config";
import { installMocks, resolve, settle } from "../helpers/pulumiMocks";
import { K2_API_CLIENT_ID, TENANT } from "../helpers/testTenant";

const recorded = installMocks();
let InboundOAuth: typeof import("../../components/inboundOAuth").InboundOAuth;

beforeAll(async () => {
  ({ InboundOAuth } = await import("../../components/inboundOAuth"));
});

function raw(secret: Record<string, unknown>): Record<string, unknown> {
  return {
    tenantId: TENANT,
    k2Api: { clientId: K2_API_CLIENT_ID },
    k2: { url: "https://k2.example.com", edition: "cloud" },
    keyVault: { resourceGroupName: "rg-k2", vaultName: "kv-k2-test" },
    clients: [
      { name: "old", displayName: "Old client" },
      { name: "forms", displayName: "Forms", secret },
    ],
  };
}

describe("the start date in the config", () => {
  it("is optional and kept as written", () => {
    expect(validateStackConfig(raw({ lifetimeDays: 90, rotateAfterDays: 60 })).clients[1].secret).toEqual({ lifetimeDays: 90, rotateAfterDays: 60 });
    expect(validateStackConfig(raw({ startDate: "2026-11-29" })).clients[1].secret).toEqual({ lifetimeDays: 180, rotateAfterDays: 150, startDate: "2026-11-29" });
  });
});

describe("InboundOAuth with a start date", () => {
  it("gives the new client one fresh secret of the full lifetime on its first day", async () => {
    const config = validateStackConfig(raw({ startDate: "2026-11-29", lifetimeDays: 90, rotateAfterDays: 60 }));
    const oauth = new InboundOAuth("first-day", { config, now: new Date(Date.UTC(2026, 10, 29, 15)) });
    await resolve(oauth.signedInTenant);
    await settle();
    expect(oauth.clients.forms.secrets.map((s) => [s.slot, s.generation, s.startDate, s.endDate])).toEqual([
      ["a", 0, "2026-11-29T00:00:00Z", "2027-02-27T00:00:00Z"],
    ]);
    const passwords = recorded.filter((r) => r.type === "azuread:index/applicationPassword:ApplicationPassword" && r.name.startsWith("forms-"));
    expect(passwords.map((r) => r.name)).toEqual(["forms-secret-a"]);
  });

  it("refuses a start date after the day planned, naming the key", () => {
    const config = validateStackConfig(raw({ startDate: "2026-12-01" }));
    expect(() => new InboundOAuth("too-early", { config, now: new Date(Date.UTC(2026, 10, 29)) })).toThrow(
      "k2-oauth:clients[1].secret.startDate: expected the day the client is added, 2026-11-29 (the day planned) or earlier, like 2026-11-29; got '2026-12-01' (no secret exists before a client's start date)",
    );
  });
});
