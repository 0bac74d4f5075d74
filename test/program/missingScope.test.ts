import * as pulumi from "@pulumi/pulumi";
import { beforeAll, expect, it } from "vitest";
import { runProgram, type ProgramRun } from "../helpers/program";
import { settle } from "../helpers/pulumiMocks";

// In a real run, the failed lookup fails every registration that uses the scope id and `pulumi up` stops with the
// message. Here those failures arrive as unhandled rejections in this file's own worker process: collect them
// instead of letting the runner report them, and assert on them below.
const rejections: unknown[] = [];
process.removeAllListeners("unhandledRejection");
process.on("unhandledRejection", (reason) => rejections.push(reason));

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev", { k2Scopes: [{ id: "aaaaaaaa-0000-0000-0000-000000000001", value: "Access.All" }] });
});

const EXPECTED =
  /k2-oauth:k2Api\.scope: the K2 API service principal \(clientId 22222222-3333-4444-5555-666666666666\) has no delegated scope with value 'user_impersonation'; it offers: Access\.All\. Set k2Api\.scope to one of them\./;

it("fails clearly when the K2 API offers no scope with the configured value", async () => {
  const internal = run.exports.k2ScopeId as unknown as { promise(): Promise<string> };
  await expect(internal.promise()).rejects.toThrow(EXPECTED);
  await settle();
  // Every app registration fails with that message: none is declared with a missing permission.
  expect(rejections.length).toBeGreaterThan(0);
  for (const r of rejections) expect(String((r as Error).message)).toMatch(EXPECTED);
  // The outbound app (k2-oauth:outbound) needs no K2 API scope: it is the only one declared.
  expect(run.recorded.filter((r) => r.type === "azuread:index/application:Application").map((r) => r.name)).toEqual(["k2-outbound-app"]);
  expect(pulumi.runtime.isDryRun()).toBe(false);
});
