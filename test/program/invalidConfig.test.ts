import { expect, it } from "vitest";
import { runProgram } from "../helpers/program";
import { settle } from "../helpers/pulumiMocks";

it("stops before declaring any resource and names every bad key, with no stack trace", async () => {
  let recorded: unknown[] = [];
  let error: unknown;
  try {
    await runProgram("dev", {
      override: (cfg) => {
        cfg["k2-oauth:tenantId"] = "not-a-guid";
        const clients = JSON.parse(cfg["k2-oauth:clients"]);
        clients[1].secret.lifetimeDays = 900;
        cfg["k2-oauth:clients"] = JSON.stringify(clients);
        cfg["k2-oauth:tenant"] = "typo";
      },
    }).then((r) => (recorded = r.recorded));
  } catch (e) {
    error = e;
  }
  await settle();
  expect(error).toBeDefined();
  const err = error as Error & { __pulumiRunError?: boolean };
  expect(err.constructor.name).toBe("RunError");
  expect(err.message).toBe(
    [
      "Invalid stack configuration (3 problems):",
      "  - k2-oauth:tenantId: expected your Entra ID tenant id, a GUID like 11111111-2222-3333-4444-555555555555; got 'not-a-guid'",
      "  - k2-oauth:clients[1].secret.lifetimeDays: expected a whole number of days from 1 to 730 (Entra ID's 24-month cap), like 180; got 900",
      "  - k2-oauth:tenant: unknown key; did you mean k2-oauth:tenantId?",
    ].join("\n"),
  );
  expect(err.message).not.toContain("[secret]");
  expect(recorded).toEqual([]);
});
