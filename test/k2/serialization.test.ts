/**
 * The dynamic provider is a serialized closure. Registered under the mock runtime (inside vitest), it must serialize,
 * with the contract type token, and hold no credential. How the serialized text behaves when the engine runs it, every
 * failure path included: serializedProvider.test.ts (serialized as a real `pulumi up` does, run outside vitest).
 */
import * as fs from "node:fs";
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
});
