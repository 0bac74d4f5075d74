import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { validateStackConfig, type StackConfig } from "../../components/config";
import { TYPE_BEARER_TOKEN_RESOURCE, TYPE_INBOUND_OAUTH } from "../../components/contracts";
import { DEFAULT_SMARTOBJECT_MAPPING } from "../../components/k2/mapping";
import { installMocks, resolve, settle } from "../helpers/pulumiMocks";
import { bearerTokenResourceInputs, K2_API_CLIENT_ID, TENANT } from "./fixtures";

const recorded = installMocks();
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const PASSWORD = "Inbound-Only-Passw0rd";
let mod: typeof import("../../components/inboundOAuth");

beforeAll(async () => {
  mod = await import("../../components/inboundOAuth");
});

function config(k2: Record<string, unknown>, audience = "https://api.k2.com/"): StackConfig {
  return validateStackConfig({
    tenantId: TENANT,
    cloud: "public",
    k2Api: { clientId: K2_API_CLIENT_ID, audience },
    k2,
    clients: [{ name: "power-automate", displayName: "K2 - Power Automate" }],
  });
}

const five = (extra: Record<string, unknown> = {}) =>
  config({ url: "https://k2.example.com", edition: "five", admin: { username: "EXAMPLE\\svc-k2", password: "[secret]" }, ...extra });

async function build(name: string, cfg: StackConfig, password?: pulumi.Input<string>) {
  const before = recorded.length;
  const oauth = new mod.InboundOAuth(name, { config: cfg, k2AdminPassword: password });
  await resolve(oauth.k2Side);
  // Wait for the K2 resource's registration too, so that no test sees another's late registrations.
  if (oauth.bearerTokenResource !== undefined) await resolve(oauth.bearerTokenResource.urn);
  await settle();
  return { oauth, declared: () => recorded.slice(before) };
}

describe("InboundOAuth: the K2 side", () => {
  it("K2 Five declares one BearerTokenResource with the documented inputs, secret credentials, under the component", async () => {
    const { oauth, declared } = await build("five", five(), pulumi.secret(PASSWORD));
    const bearer = declared().filter((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE);
    expect(bearer).toHaveLength(1);
    const { inputs } = bearer[0];
    expect(inputs).toMatchObject({
      ...bearerTokenResourceInputs(),
      management: { transport: "smartobject-rest", serviceUrl: "https://k2.example.com:8888/SmartObjectServices", mapping: DEFAULT_SMARTOBJECT_MAPPING },
    });
    const credentials = inputs.credentials as Record<string, unknown>;
    expect(credentials[SECRET_SIG]).toBeDefined();
    const { credentials: _c, __provider, ...rest } = inputs;
    expect(JSON.stringify(rest)).not.toContain(PASSWORD);
    expect(String(__provider)).not.toContain(PASSWORD);

    const urn = (await resolve(oauth.bearerTokenResource?.urn)).value ?? "";
    expect(urn).toContain(`${TYPE_INBOUND_OAUTH}$${TYPE_BEARER_TOKEN_RESOURCE}::k2-bearer-token`);
    const side = await resolve(oauth.k2Side);
    expect(side.value).toMatchObject({ edition: "five", managedBy: "k2-oauth (this stack)", resourceName: "K2 API", mapping: "built-in placeholders" });
    expect(JSON.stringify(side.value)).not.toContain(PASSWORD);
  });

  it("takes the audience from k2Api.audience, the name from bearerTokenResource, and the service URL and mapping from config", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-map-"));
    const file = path.join(dir, "k2-mapping.test.json");
    const discovered = { ...DEFAULT_SMARTOBJECT_MAPPING, origin: "discovered", placeholders: ["maskedValuePattern"], resource: { ...DEFAULT_SMARTOBJECT_MAPPING.resource, displayName: "Discovered Resource" } };
    fs.writeFileSync(file, JSON.stringify(discovered));
    const cfg = config(
      {
        url: "https://k2.example.com",
        admin: { username: "EXAMPLE\\svc-k2", password: "[secret]" },
        bearerTokenResource: { name: "K2 API (dev)" },
        smartObjectServices: { url: "https://k2-smo.example.com:8443/SmartObjectServices/", mapping: file },
      },
      "https://k2-api.contoso.com/",
    );
    const { declared } = await build("five-configured", cfg, pulumi.secret(PASSWORD));
    const bearer = declared().find((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE);
    expect(bearer?.inputs).toMatchObject({
      resourceName: "K2 API (dev)",
      parameters: { audience: "https://k2-api.contoso.com/" },
      management: { serviceUrl: "https://k2-smo.example.com:8443/SmartObjectServices", mapping: { origin: "discovered", resource: { displayName: "Discovered Resource" } } },
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("an invalid mapping file stops the program, naming the config key", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-map-"));
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, JSON.stringify({ origin: "discovered" }));
    const cfg = five({ smartObjectServices: { mapping: file } });
    expect(() => new mod.InboundOAuth("bad-mapping", { config: cfg, k2AdminPassword: pulumi.secret(PASSWORD) })).toThrow(
      /k2-oauth:k2\.smartObjectServices\.mapping: .*bad\.json is not a valid K2 SmartObject mapping.*resource/s,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("K2 Five without the admin password fails clearly", () => {
    expect(() => new mod.InboundOAuth("no-password", { config: five() })).toThrow(/k2-oauth:k2\.admin.*--secret/);
  });

  it("K2 Cloud declares no K2 resource and exports that K2 manages its side", async () => {
    const { oauth, declared } = await build("cloud", config({ url: "https://contoso.onk2.com", edition: "cloud" }));
    expect(declared().filter((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE)).toEqual([]);
    expect(declared().some((r) => r.type === TYPE_INBOUND_OAUTH)).toBe(true);
    expect(oauth.bearerTokenResource).toBeUndefined();
    const side = await resolve(oauth.k2Side);
    expect(side.value).toEqual({ edition: "cloud", managedBy: "K2", note: expect.stringMatching(/K2 Cloud.*managed by K2/) });
  });
});
