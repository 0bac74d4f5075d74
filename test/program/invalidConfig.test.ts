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
  expect(err.message).toContain("k2-oauth:tenantId: expected a GUID");
  expect(err.message).toContain("k2-oauth:clients[1].secret.lifetimeDays: expected at most 730 days");
  expect(err.message).toContain("k2-oauth:tenant: unknown key");
  expect(err.message).not.toContain("[secret]");
  expect(recorded).toEqual([]);
});
