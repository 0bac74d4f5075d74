/**
 * The outbound K2 OAuth resource's provider (`k2:OAuthResource`) as the engine runs it: serialized by the SDK's closure
 * serializer (test/helpers/serializeProvider.cjs), then run from that text alone in a plain Node process and through
 * the dynamic-provider host (as test/k2/serializedProvider.test.ts does for the Bearer Token provider). Its failure
 * paths (a failed check, K2 echoing the request body on 400, a 401 echoing the Authorization header, a lasting 503 on
 * the secret's write) end in an Error whose message says what went wrong, and neither the client secret nor the K2
 * admin password appears anywhere: the serialized text, the errors, their stacks, the host's answers and log.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SMARTOBJECT_MAPPING, type SmartObjectMapping } from "../../components/k2/mapping";
import { startK2SmartObjectDouble, type K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";
import { startDynamicProviderHost, type DynamicProviderHost } from "../helpers/dynamicProviderHost";

const ROOT = path.resolve(__dirname, "../..");
const PASSWORD = "Ser1alized-Adm1n-Passw0rd";
const USERNAME = "K2DEMO\\svc-k2";
const SECRET_1 = "Outb0und~Client.Secret_first-value";
const SECRET_2 = "Outb0und~Client.Secret_second-value";
const TENANT = "11111111-2222-3333-4444-555555555555";
const AUTHORITY = `https://login.microsoftonline.com/${TENANT}`;
const URN = "urn:pulumi:dev::k2-oauth::k2oauth:index:OutboundOAuth$pulumi-nodejs:dynamic/k2:OAuthResource::k2-outbound-k2-microsoft-graph";
const SECRETS = [PASSWORD, SECRET_1, SECRET_2, Buffer.from(`${USERNAME}:${PASSWORD}`, "utf8").toString("base64")];

type Mode = "plain Node" | "dynamic-provider host";
type Method = "check" | "create" | "update";
interface Step {
  method: Method;
  args: unknown[];
}
interface Run {
  results: Array<{ ok?: unknown; error?: { message: string; isError?: boolean; name?: string } }>;
  output: string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-oauth-serialized-"));
const file = path.join(dir, "oauth-recording.js");
let text = "";
let host: DynamicProviderHost;
let doubles: K2SmartObjectDouble[] = [];

async function double(reflectAuthorization = false): Promise<K2SmartObjectDouble> {
  const d = await startK2SmartObjectDouble({ username: USERNAME, password: PASSWORD, reflectAuthorization });
  doubles.push(d);
  return d;
}

function inputs(d: K2SmartObjectDouble, overrides: Record<string, unknown> = {}, mapping: SmartObjectMapping = DEFAULT_SMARTOBJECT_MAPPING): Record<string, unknown> {
  return {
    k2Url: "https://k2.contoso.com",
    resourceName: "Microsoft Graph",
    resourceType: "Microsoft Online",
    authorizationEndpoint: `${AUTHORITY}/oauth2/authorize`,
    tokenEndpoint: `${AUTHORITY}/oauth2/token`,
    refreshTokenEndpoint: `${AUTHORITY}/oauth2/token`,
    metadataEndpoint: "",
    useHostServerAuthorizationEndpoint: false,
    parameters: { client_id: { authorization: "c", token: "c", refresh: "c" }, resource: { authorization: "https://graph.microsoft.com", token: "https://graph.microsoft.com" } },
    secretLegs: { client_secret: ["token", "refresh"] },
    clientSecret: SECRET_1,
    credentials: { username: USERNAME, password: PASSWORD },
    management: { transport: "smartobject-rest", serviceUrl: d.serviceUrl, mapping },
    ...overrides,
  };
}

beforeAll(async () => {
  const d = await double();
  const stdout = await new Promise<string>((resolve, reject) => {
    const bearer = { ...inputs(d), parameters: { audience: "https://api.k2.com/" }, resourceType: "Bearer Token", refreshTokenEndpoint: "" };
    execFile(process.execPath, [path.join(ROOT, "test/helpers/serializeProvider.cjs"), ROOT, JSON.stringify(bearer)], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) =>
      error ? reject(new Error(`serializing failed: ${err}`)) : resolve(out),
    );
  });
  text = (JSON.parse(stdout) as { oauthRecording: string }).oauthRecording;
  fs.writeFileSync(file, text);
  host = await startDynamicProviderHost(ROOT);
}, 240_000);

afterEach(async () => {
  await Promise.all(doubles.map((d) => d.close()));
  doubles = [];
});

afterAll(async () => {
  await host?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function runPlain(steps: Step[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? "", TMPDIR: os.tmpdir() };
    const child = execFile(process.execPath, [path.join(ROOT, "test/helpers/runSerializedProvider.cjs"), file], { cwd: ROOT, env }, (error, out, err) => {
      if (error) return reject(new Error(`the provider process failed: ${err}`));
      const parsed = JSON.parse(out) as { results: Run["results"] };
      // Successful results hold the inputs, secrets included, as the engine's do; errors and stderr must not.
      resolve({ results: parsed.results, output: `${JSON.stringify(parsed.results.map((x) => x.error ?? null))}\n${err}` });
    });
    child.stdin?.end(JSON.stringify(steps));
  });
}

async function runHost(steps: Step[]): Promise<Run> {
  const logStart = host.stderr().length;
  const results: Run["results"] = [];
  for (const step of steps) {
    const args = step.args.map((a) => (typeof a === "object" && a !== null && "$created" in a ? (results[1].ok as { outs: Record<string, unknown> }).outs : a));
    const props = (i: number) => ({ __provider: text, ...(args[i] as Record<string, unknown>) });
    try {
      if (step.method === "check") results.push({ ok: await host.check(URN, props(1)) });
      else if (step.method === "create") {
        const created = await host.create(URN, props(0));
        results.push({ ok: { id: created.id, outs: created.properties } });
      } else results.push({ ok: { outs: (await host.update(URN, args[0] as string, props(1), props(2))).properties } });
    } catch (e) {
      results.push({ error: { message: (e as { details: string }).details } });
      break;
    }
  }
  return { results, output: `${JSON.stringify(results.map((x) => x.error ?? null))}\n${host.stderr().slice(logStart)}` };
}

const run = (mode: Mode, steps: Step[]) => (mode === "plain Node" ? runPlain(steps) : runHost(steps));

function noSecret(r: Run): void {
  for (const s of SECRETS) expect(r.output.includes(s), `a secret leaked: ${r.output.slice(0, 300)}`).toBe(false);
}

/** The id the double gave the resource created in step 1 (the same in both modes' shapes). */
function createdId(r: Run): string {
  return (r.results[1].ok as { id: string }).id;
}

describe("the serialized OAuthResource provider", () => {
  it("holds no secret in its text", () => {
    for (const s of SECRETS) expect(text.includes(s)).toBe(false);
    expect(text).toContain("client_secret");
  });

  describe.each<Mode>(["plain Node", "dynamic-provider host"])("%s", (mode) => {
    it("creates, then moves client_secret to the new secret on rotation", async () => {
      const d = await double();
      const first = inputs(d);
      const r = await run(mode, [
        { method: "check", args: [{}, first] },
        { method: "create", args: [first] },
      ]);
      expect(r.results.map((x) => x.error)).toEqual([undefined, undefined]);
      const id = createdId(r);
      const outs = (r.results[1].ok as { outs: Record<string, unknown> }).outs;
      const rotated = await run(mode, [{ method: "update", args: [id, outs, inputs(d, { clientSecret: SECRET_2 })] }]);
      expect(rotated.results[0].error).toBeUndefined();
      expect(d.parameterLegs("Microsoft Graph", "client_secret")).toEqual({ authorization: "", token: SECRET_2, refresh: SECRET_2 });
      noSecret(rotated);
    });

    it("a failed check names the inputs, never the secret", async () => {
      const d = await double();
      const bad = inputs(d, { tokenEndpoint: `${AUTHORITY}/oauth2/v2.0/token` });
      const r = await run(mode, [{ method: "check", args: [{}, bad] }]);
      const failures = (r.results[0].ok as { failures: Array<{ property: string; reason: string }> }).failures;
      expect(failures.map((f) => f.property)).toEqual(["tokenEndpoint", "refreshTokenEndpoint"]);
      noSecret({ ...r, output: JSON.stringify(failures) });
    });

    it("K2 echoing the request body (400) on the secret's write: an Error without the secret", async () => {
      const d = await double();
      const mapping = structuredClone(DEFAULT_SMARTOBJECT_MAPPING);
      mapping.resourceParameter.properties.refreshValue = "Refresh_Val";
      // The client secret is the only parameter written: the failing write is its own, the body K2 quotes holds it.
      const r = await run(mode, [{ method: "create", args: [inputs(d, { parameters: {} }, mapping)] }]);
      const e = r.results[0].error!;
      expect(e.message).toMatch(/has no property 'Refresh_Val'/);
      expect(e.message).toMatch(/Request body: .*<Refresh_Val>\[redacted\]<\/Refresh_Val>/s);
      if (mode === "plain Node") expect([e.isError, e.name]).toEqual([true, "K2Error"]);
      noSecret(r);
    });

    it("a 401 echoing the Authorization header and a lasting 503 on the secret's write: Errors without the secret", async () => {
      const d = await double(true);
      const created = await run(mode, [
        { method: "check", args: [{}, inputs(d)] },
        { method: "create", args: [inputs(d)] },
      ]);
      const id = createdId(created);
      const outs = (created.results[1].ok as { outs: Record<string, unknown> }).outs;
      d.inject({ kind: "status", status: 401, match: { operation: "update", target: "parameter" } });
      const r401 = await run(mode, [{ method: "update", args: [id, outs, inputs(d, { clientSecret: SECRET_2 })] }]);
      expect(r401.results[0].error?.message).toMatch(/401/);
      noSecret(r401);
      d.inject({ kind: "status", status: 503, times: 100, match: { operation: "update", target: "parameter" } });
      const r503 = await run(mode, [{ method: "update", args: [id, outs, inputs(d, { clientSecret: SECRET_2 })] }]);
      expect(r503.results[0].error?.message).toMatch(/after \d+ attempts/);
      noSecret(r503);
    });
  });
});
