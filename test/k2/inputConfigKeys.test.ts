/**
 * BEARER_TOKEN_INPUT_CONFIG_KEYS (components/contracts.ts) tells the offline plan which stack config key to change when
 * the provider's check rejects an input. Checked against the component: changing each key changes exactly the inputs
 * the map attributes to it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateStackConfig } from "../../components/config";
import { BEARER_TOKEN_INPUT_CONFIG_KEYS, TYPE_BEARER_TOKEN_RESOURCE } from "../../components/contracts";
import { DEFAULT_SMARTOBJECT_MAPPING } from "../../components/k2/mapping";
import { pinnedProviders } from "../../components/providers";
import { installMocks, resolve, settle } from "../helpers/pulumiMocks";
import { K2_API_CLIENT_ID, TENANT } from "./fixtures";

const recorded = installMocks();
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
let mod: typeof import("../../components/inboundOAuth");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-keys-"));
const mappingFile = path.join(dir, "k2-mapping.json");

beforeAll(async () => {
  mod = await import("../../components/inboundOAuth");
  fs.writeFileSync(mappingFile, JSON.stringify({ ...DEFAULT_SMARTOBJECT_MAPPING, origin: "discovered", placeholders: [] }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Raw = Record<string, unknown> & { k2: Record<string, unknown> & { admin: Record<string, unknown> } };

function raw(): Raw {
  return {
    tenantId: TENANT,
    cloud: "public",
    k2Api: { clientId: K2_API_CLIENT_ID, audience: "https://api.k2.com/" },
    k2: { url: "https://k2.example.com", edition: "five", admin: { username: "EXAMPLE\\svc-k2", password: "[secret]" } },
    clients: [{ name: "power-automate", displayName: "K2 - Power Automate" }],
  };
}

/** The Bearer Token resource's inputs for a config (secrets unwrapped), declared by the real component. */
async function inputsFor(name: string, cfg: Raw, password = "Passw0rd-one"): Promise<Record<string, unknown>> {
  const before = recorded.length;
  const config = validateStackConfig(cfg);
  // As index.ts declares it: through providers pinned to the config's tenant and cloud (signed in to that tenant).
  const providers = pinnedProviders(name, { tenantId: config.tenantId, cloud: config.cloud });
  const oauth = new mod.InboundOAuth(name, { config, k2AdminPassword: pulumi.secret(password) }, { providers: [providers.azuread, providers.azureNative] });
  await resolve(oauth.k2Side);
  if (oauth.bearerTokenResource !== undefined) await resolve(oauth.bearerTokenResource.urn);
  await settle();
  const bearer = recorded.slice(before).find((r) => r.type === TYPE_BEARER_TOKEN_RESOURCE);
  const unwrap = (v: unknown): unknown => (typeof v === "object" && v !== null && SECRET_SIG in v ? unwrap((v as unknown as { value: unknown }).value) : v);
  return Object.fromEntries(Object.entries(bearer?.inputs ?? {}).map(([k, v]) => [k, unwrap(v)]));
}

function at(inputs: Record<string, unknown>, property: string): unknown {
  return property.split(".").reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), inputs);
}

/** How to change each config key the map names. */
const CHANGES: Record<string, { change: (cfg: Raw) => void; password?: string }> = {
  "k2-oauth:k2.url": { change: (c) => (c.k2.url = "https://k2-other.example.com") },
  "k2-oauth:k2.bearerTokenResource.name": { change: (c) => (c.k2.bearerTokenResource = { name: "K2 API (other)" }) },
  "k2-oauth:tenantId": { change: (c) => (c.tenantId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee") },
  "k2-oauth:cloud": { change: (c) => (c.cloud = "usgov") },
  "k2-oauth:k2Api.audience": { change: (c) => ((c.k2Api as Record<string, unknown>).audience = "https://k2-api.example.com/") },
  "k2-oauth:k2.admin.username": { change: (c) => (c.k2.admin.username = "EXAMPLE\\svc-other") },
  "k2-oauth:k2.admin.password": { change: () => undefined, password: "Passw0rd-two" },
  "k2-oauth:k2.smartObjectServices.url": { change: (c) => (c.k2.smartObjectServices = { url: "https://smo.example.com:8443/SmartObjectServices" }) },
  "k2-oauth:k2.smartObjectServices.mapping": { change: (c) => (c.k2.smartObjectServices = { mapping: mappingFile }) },
};

describe("BEARER_TOKEN_INPUT_CONFIG_KEYS", () => {
  it("names keys this test knows how to change (and nothing else)", () => {
    const named = Object.values(BEARER_TOKEN_INPUT_CONFIG_KEYS).flat();
    for (const key of named) expect(key).toMatch(/^k2-oauth:[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/);
    expect([...new Set(named)].sort()).toEqual(Object.keys(CHANGES).sort());
  });

  it("each key changes exactly the inputs attributed to it", async () => {
    const base = await inputsFor("base", raw());
    let i = 0;
    for (const [key, { change, password }] of Object.entries(CHANGES)) {
      const cfg = raw();
      change(cfg);
      const changed = await inputsFor(`changed-${i++}`, cfg, password);
      for (const [property, source] of Object.entries(BEARER_TOKEN_INPUT_CONFIG_KEYS)) {
        const differs = JSON.stringify(at(changed, property)) !== JSON.stringify(at(base, property));
        expect({ key, property, differs }).toEqual({ key, property, differs: source.includes(key) });
      }
    }
  });
});
