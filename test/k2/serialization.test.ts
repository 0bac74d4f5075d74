/**
 * The dynamic provider is a serialized closure. Registered under the mock runtime (inside vitest), it must serialize,
 * hold no credential, and the serialized text must run on its own in a plain Node process, loaded the way Pulumi's
 * dynamic-provider host loads it (require-from-string, no TypeScript loader), against the K2 double.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPE_BEARER_TOKEN_RESOURCE } from "../../components/contracts";
import { startK2SmartObjectDouble, type K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";
import { installMocks, settle } from "../helpers/pulumiMocks";
import { inputsFor } from "./fixtures";

const recorded = installMocks();
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const PASSWORD = "Ser1alize-Only-Passw0rd";

let bearer: typeof import("../../components/bearerToken");
let double: K2SmartObjectDouble;
let providerText = "";
const capturedOpts: pulumi.CustomResourceOptions[] = [];

beforeAll(async () => {
  bearer = await import("../../components/bearerToken");
  double = await startK2SmartObjectDouble({ password: PASSWORD });
  const args = inputsFor(double);
  new bearer.BearerTokenResource(
    "serialize-me",
    { ...args, credentials: pulumi.secret({ username: args.credentials.username, password: pulumi.secret(PASSWORD) }) },
    {
      transformations: [
        (a) => {
          capturedOpts.push(a.opts as pulumi.CustomResourceOptions);
          return undefined;
        },
      ],
    },
  );
  for (let i = 0; i < 50 && !recorded.some((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE); i++) await settle();
  const res = recorded.find((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE);
  providerText = (res?.inputs.__provider as string | undefined) ?? "";
});

afterAll(async () => {
  await double.close();
});

describe("BearerTokenResource provider serialization", () => {
  it("no module the provider reaches imports a package or built-in at module level (those cannot be serialized)", () => {
    const root = path.resolve(__dirname, "../..");
    const modules = ["bearerTokenProvider", "bearerTokenChecks", "http", "index", "management", "operations", "smartObjectRest"]
      .map((m) => `components/k2/${m}.ts`)
      .concat("components/entra.ts");
    for (const file of modules) {
      const source = fs.readFileSync(path.join(root, file), "utf8");
      const valueImports = [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
      expect({ file, external: valueImports.filter((spec) => !spec.startsWith(".")) }).toEqual({ file, external: [] });
    }
  });

  it("registers with the contract type token and a serialized provider", () => {
    const res = recorded.find((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE);
    expect(res?.type).toBe("pulumi-nodejs:dynamic/k2:BearerTokenResource");
    expect(`pulumi-nodejs:dynamic/${bearer.BEARER_TOKEN_MODULE}:${bearer.BEARER_TOKEN_TYPE}`).toBe(TYPE_BEARER_TOKEN_RESOURCE);
    expect(providerText).toContain("exports.handler");
    expect(providerText).toContain("createOrAdopt");
  });

  it("holds no credential in the serialized provider, and the credentials input is a secret", () => {
    const basic = Buffer.from(`${double.username}:${PASSWORD}`).toString("base64");
    expect(providerText.includes(PASSWORD)).toBe(false);
    expect(providerText.includes(basic)).toBe(false);
    const res = recorded.find((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE);
    const credentials = res?.inputs.credentials as Record<string, unknown>;
    expect(Object.keys(credentials)).toEqual(expect.arrayContaining([SECRET_SIG, "value"]));
    // Nothing else carries the password in plain text.
    const { credentials: _c, ...rest } = res?.inputs ?? {};
    expect(JSON.stringify(rest).includes(PASSWORD)).toBe(false);
  });

  it("lists the credentials in additionalSecretOutputs so state keeps them encrypted", () => {
    expect(capturedOpts[0]?.additionalSecretOutputs).toEqual(["credentials"]);
  });

  it("the serialized text runs in a plain Node process like the dynamic-provider host, against the double", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-provider-"));
    const providerFile = path.join(dir, "provider.js.txt");
    const runner = path.join(dir, "run.cjs");
    fs.writeFileSync(providerFile, providerText);
    fs.writeFileSync(
      runner,
      `
      const fs = require("node:fs");
      const requireFromString = require(require.resolve("require-from-string", { paths: [process.cwd()] }));
      const provider = requireFromString(fs.readFileSync(process.argv[2], "utf8")).handler();
      (async () => {
        const inputs = JSON.parse(process.env.K2_TEST_INPUTS);
        const checked = await provider.check(inputs, inputs);
        const created = await provider.create(checked.inputs);
        const read = await provider.read(created.id, created.outs);
        await provider.delete(created.id, created.outs);
        console.log(JSON.stringify({ failures: checked.failures, id: created.id, readId: read.id, audience: read.props.parameters.audience }));
      })().catch((e) => { console.error(e.message); process.exit(1); });
      `,
    );
    const before = double.requests.length;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [runner, providerFile],
        { cwd: path.resolve(__dirname, "../.."), env: { PATH: process.env.PATH ?? "", K2_TEST_INPUTS: JSON.stringify(inputsFor(double)) } },
        (error, out, err) => (error ? reject(new Error(`child failed: ${err}`)) : resolve(out)),
      );
    });
    fs.rmSync(dir, { recursive: true, force: true });
    const result = JSON.parse(stdout.trim()) as { failures: unknown[]; id: string; readId: string; audience: string };
    expect(result.failures).toEqual([]);
    expect(result.readId).toBe(result.id);
    expect(result.audience).toBe("https://api.k2.com/");
    const ops = double.requests.slice(before).map((r) => r.operation);
    expect(ops).toContain("create");
    expect(ops).toContain("delete");
    expect(double.resources()).toEqual([]);
  });
});
