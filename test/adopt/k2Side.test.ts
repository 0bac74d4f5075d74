/**
 * `npm run adopt --k2` against the K2 SmartObject REST double: the Bearer Token resource an administrator made by
 * hand is read (GET only) and adopt says what the first `pulumi up` does with it: adopts it as it is, stops at it
 * (with each difference), creates one, or needs its name. The K2 admin password never appears in any output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { v1Endpoints } from "../../components/entra";
import { DEFAULT_SMARTOBJECT_MAPPING } from "../../components/k2/mapping";
import { startK2SmartObjectDouble, type K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";
import { doubleArgs, PASSWORD_ENV, readStack, removeRoot, run, skeletonStack, tempRoot, TENANT, useDoubles } from "./harness";
import { legacyApps } from "./tenantFixtures";

const d = useDoubles(legacyApps);
let k2: K2SmartObjectDouble;
let roots: string[] = [];

beforeAll(async () => {
  k2 = await startK2SmartObjectDouble({ username: "EXAMPLE\\svc-k2" });
});
afterAll(async () => {
  await k2.close();
});
afterEach(() => {
  for (const name of k2.resources().map((r) => r.name)) k2.management.deleteResource(name);
  for (const root of roots) removeRoot(root);
  roots = [];
});

const V1 = v1Endpoints("public", TENANT);
const AS_KB002784 = {
  resourceType: "Bearer Token",
  authorizationEndpoint: V1.authorizationEndpoint,
  tokenEndpoint: V1.tokenEndpoint,
  refreshTokenEndpoint: "",
  metadataEndpoint: V1.metadataEndpoint,
  useHostServerAuthorizationEndpoint: false,
};

/** A project root whose legacy stack points at a mapping file (what npm run discover writes). */
function project(mapping = true): string {
  const smartObjects = mapping ? "    smartObjectServices:\n      mapping: stacks/k2-mapping.legacy.json\n" : "";
  const root = tempRoot({ legacy: skeletonStack().replace("    edition: five\n", `    edition: five\n${smartObjects}`) });
  fs.writeFileSync(path.join(root, "stacks", "k2-mapping.legacy.json"), JSON.stringify(DEFAULT_SMARTOBJECT_MAPPING));
  roots.push(root);
  return root;
}

const adoptK2 = (root: string, env: Record<string, string> = { K2_ADMIN_PASSWORD: k2.password }) =>
  run(["--stack", "legacy", "--k2", "--service-url", k2.serviceUrl, ...doubleArgs(d, root)], { ...PASSWORD_ENV, ...env });

/** The report's K2 section. */
function k2Section(stdout: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.indexOf("K2 side (--k2)");
  return lines.slice(start + 1, lines.indexOf("", start));
}

describe("adopt --k2", () => {
  it("a resource as KB002784 has it: the first pulumi up adopts it as it is", async () => {
    k2.management.createResource({ name: "K2 API", ...AS_KB002784 }, { audience: "https://api.k2.com/" });
    const root = project();
    const r = await adoptK2(root);
    expect(r.exitCode).toBe(0);
    const id = k2.resources()[0].id;
    expect(k2Section(r.stdout)).toEqual([`  'K2 API' (id ${id}) matches what this stack declares: the first pulumi up adopts it as it is.`]);
    expect(k2.requests.every((q) => q.method === "GET")).toBe(true);
    for (const text of [r.stdout, r.stderr, readStack(root, "legacy")]) expect(text).not.toContain(k2.password);
  });

  it("a resource that differs: every difference, and that pulumi up will stop at it", async () => {
    k2.management.createResource(
      { name: "K2 API", ...AS_KB002784, tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`, useHostServerAuthorizationEndpoint: true },
      { audience: "https://api.k2.com" },
    );
    const id = k2.resources()[0].id;
    expect(k2Section((await adoptK2(project())).stdout)).toEqual([
      `  'K2 API' (id ${id}) differs from what this stack declares:`,
      `    tokenEndpoint: K2 has 'https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token', wanted '${V1.tokenEndpoint}'`,
      "    useHostServerAuthorizationEndpoint: K2 has true, wanted false",
      "    parameter 'audience': K2 has 'https://api.k2.com', wanted 'https://api.k2.com/'",
      "    The first pulumi up stops at it without changing anything (the provider adopts only an identical resource): correct it in K2 Management > Authentication > OAuth > Resources first (then iisreset, KB002784).",
    ]);
  });

  it("one Bearer Token resource under another name: its name is written to the stack file", async () => {
    k2.management.createResource({ name: "AAD Inbound", ...AS_KB002784 }, { audience: "https://api.k2.com/" });
    const root = project();
    const before = readStack(root, "legacy");
    const r = await adoptK2(root);
    const id = k2.resources()[0].id;
    expect(k2Section(r.stdout)).toEqual([`  'AAD Inbound' (id ${id}) matches what this stack declares: the first pulumi up adopts it as it is. k2.bearerTokenResource.name is set to 'AAD Inbound'.`]);
    // At the end of the k2 mapping; the clients follow below.
    const named = before.replace("        secure: v1:PLACEHOLDER\n", "        secure: v1:PLACEHOLDER\n    bearerTokenResource:\n      name: AAD Inbound\n");
    expect(readStack(root, "legacy").startsWith(named)).toBe(true);
  });

  it("none, or several under other names: creates one, or asks which", async () => {
    expect(k2Section((await adoptK2(project())).stdout)).toEqual(["  K2 holds no Bearer Token resource: the first pulumi up creates 'K2 API'."]);
    k2.management.createResource({ name: "Inbound A", ...AS_KB002784 });
    k2.management.createResource({ name: "Inbound B", ...AS_KB002784 });
    expect(k2Section((await adoptK2(project())).stdout)).toEqual([
      "  K2 holds 2 Bearer Token resources ('Inbound A', 'Inbound B') and none named 'K2 API': set k2-oauth:k2.bearerTokenResource.name to the one inbound OAuth uses (pulumi config set --path 'k2.bearerTokenResource.name' <name> --stack legacy); otherwise pulumi up creates another",
    ]);
  });

  it("K2 refuses the credentials: exit code 1, nothing written, the password never shown", async () => {
    const root = project();
    const before = readStack(root, "legacy");
    const r = await adoptK2(root, { K2_ADMIN_PASSWORD: "Wrong-password-for-K2-0000" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("adopt: could not read the K2 OAuth resources (");
    expect(r.stderr).toContain("Nothing was written.");
    expect(r.stderr).not.toContain("Wrong-password-for-K2-0000");
    expect(readStack(root, "legacy")).toBe(before);
  });

  it("without the mapping npm run discover writes: exit code 2, saying to run discover", async () => {
    const r = await adoptK2(project(false));
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split("\n").at(-2)).toBe(
      "adopt: --k2 reads K2 through the OAuth management SmartObjects `npm run discover` finds, and k2-oauth:k2.smartObjectServices.mapping is not set: run npm run discover for this stack, set the mapping key, then run adopt again",
    );
  });
});
