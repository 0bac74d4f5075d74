/**
 * The config messages, exactly, for the mistakes users make in a stack file. Each row is read both ways the config
 * reaches the checks: offline from the stack file (cli/stackFile.ts, what `npm run plan`, verify and discover use) and
 * by the program from the engine's config (components/programConfig.ts, what `pulumi preview`/`up` run). Both must say
 * the same; where they cannot (the engine marks whole keys secret), the row says what each says.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { parseStackText, validateLoadedStack } from "../../cli/stackFile";
import type { ConfigIssue } from "../../components/config";
import { configSecretCheck, loadProgramConfig } from "../../components/programConfig";
import { REPO_ROOT } from "../helpers/program";

type Config = Record<string, unknown>;
const K2 = "k2-oauth:k2";
const GUID_EXAMPLE = "11111111-2222-3333-4444-555555555555";
/** Written in plain text in some rows: must never appear in a message. */
const PLAINTEXT = "Pa55word-in-plain-text";

/** The dev example stack's config, to change one thing in. */
function devConfig(): Config {
  const doc = parse(fs.readFileSync(path.join(REPO_ROOT, "stacks", "Pulumi.dev.yaml"), "utf8")) as { config: Config };
  return doc.config;
}

function edit(change: (c: Config & Record<string, any>) => void): string {
  const config = devConfig();
  change(config as Config & Record<string, any>);
  return stringify({ config });
}

interface Row {
  label: string;
  yaml: string;
  offline: ConfigIssue[];
  /** What the program says, when it differs from `offline`. */
  program?: ConfigIssue[];
}

const ROWS: Row[] = [
  {
    label: "a required key left out",
    yaml: edit((c) => delete c["k2-oauth:tenantId"]),
    offline: [{ path: "k2-oauth:tenantId", message: `is required; expected your Entra ID tenant id, a GUID like ${GUID_EXAMPLE}` }],
  },
  {
    label: "a required key left empty",
    yaml: edit((c) => (c["k2-oauth:tenantId"] = null)),
    offline: [{ path: "k2-oauth:tenantId", message: `is empty; expected your Entra ID tenant id, a GUID like ${GUID_EXAMPLE}` }],
  },
  {
    label: "a tenant name instead of its id",
    yaml: edit((c) => (c["k2-oauth:tenantId"] = "contoso.onmicrosoft.com")),
    offline: [{ path: "k2-oauth:tenantId", message: `expected your Entra ID tenant id, a GUID like ${GUID_EXAMPLE}; got 'contoso.onmicrosoft.com'` }],
  },
  {
    label: "a number of days in words",
    yaml: edit((c) => (c["k2-oauth:clients"][0].secret.lifetimeDays = "ninety")),
    offline: [
      {
        path: "k2-oauth:clients[0].secret.lifetimeDays",
        message: "expected a whole number of days from 1 to 730 (Entra ID's 24-month cap), like 180; got 'ninety'",
      },
    ],
  },
  {
    label: "too many days",
    yaml: edit((c) => (c["k2-oauth:clients"][1].secret = { lifetimeDays: 900, rotateAfterDays: 600 })),
    offline: [
      { path: "k2-oauth:clients[1].secret.lifetimeDays", message: "expected a whole number of days from 1 to 730 (Entra ID's 24-month cap), like 180; got 900" },
    ],
  },
  {
    label: "rotation not before expiry",
    yaml: edit((c) => (c["k2-oauth:clients"][0].secret.rotateAfterDays = 180)),
    offline: [
      {
        path: "k2-oauth:clients[0].secret.rotateAfterDays",
        message: "expected fewer days than lifetimeDays (180) so that two valid secrets overlap after a rotation; got 180",
      },
    ],
  },
  {
    label: "a start date that does not exist",
    yaml: edit((c) => (c["k2-oauth:clients"][1].secret.startDate = "2027-02-30")),
    offline: [
      {
        path: "k2-oauth:clients[1].secret.startDate",
        message: "expected the day the client joined, a calendar day written YYYY-MM-DD, like 2026-03-01; got '2027-02-30'",
      },
    ],
  },
  {
    label: "a start date written day first",
    yaml: edit((c) => (c["k2-oauth:clients"][0].secret.startDate = "29.11.2026")),
    offline: [
      {
        path: "k2-oauth:clients[0].secret.startDate",
        message: "expected the day the client joined, a calendar day written YYYY-MM-DD, like 2026-03-01; got '29.11.2026'",
      },
    ],
  },
  {
    label: "a start date key in other case",
    yaml: edit((c) => (c["k2-oauth:clients"][1].secret.startdate = "2026-11-29")),
    offline: [{ path: "k2-oauth:clients[1].secret.startdate", message: "unknown key; did you mean startDate?" }],
  },
  {
    label: "a start date as a number",
    yaml: edit((c) => (c["k2-oauth:clients"][1].secret.startDate = 20261129)),
    offline: [
      {
        path: "k2-oauth:clients[1].secret.startDate",
        message: "expected the day the client joined, a calendar day written YYYY-MM-DD, like 2026-03-01; got 20261129",
      },
    ],
  },
  {
    label: "an empty required section lists the keys it needs",
    yaml: edit((c) => (c["k2-oauth:k2Api"] = null)),
    offline: [{ path: "k2-oauth:k2Api", message: "is empty; expected a mapping with clientId (optional: scope, audience)" }],
  },
  {
    label: "a section given as text",
    yaml: edit((c) => (c["k2-oauth:k2Api"] = "22222222-3333-4444-5555-666666666666")),
    offline: [
      { path: "k2-oauth:k2Api", message: "expected a mapping with clientId (optional: scope, audience); got '22222222-3333-4444-5555-666666666666'" },
    ],
  },
  {
    label: "an empty client in the list",
    yaml: edit((c) => c["k2-oauth:clients"].push(null)),
    offline: [{ path: "k2-oauth:clients[2]", message: "is empty; expected a mapping with name, displayName (optional: redirectUris, owners, signInAudience, implicitGrant, servicePrincipal, requiredResourceAccess, secret, adopt)" }],
  },
  {
    label: "no client at all",
    yaml: edit((c) => (c["k2-oauth:clients"] = [])),
    offline: [{ path: "k2-oauth:clients", message: "expected at least one client app, a mapping with name and displayName; got an empty list" }],
  },
  {
    label: "optional sections and values left empty count as left out",
    yaml: edit((c) => {
      c["k2-oauth:keyVault"] = null;
      c["k2-oauth:cloud"] = null;
      c["k2-oauth:k2Api"].scope = null;
      c[K2].bearerTokenResource = null;
      c[K2].smartObjectServices = null;
      Object.assign(c["k2-oauth:clients"][0], { secret: null, owners: null, redirectUris: null });
      c["k2-oauth:clients"][1].secret.startDate = null;
    }),
    offline: [],
  },
  {
    label: "a mistyped namespace is named with the right one",
    yaml: edit((c) => {
      c["k2oauth:tenantId"] = c["k2-oauth:tenantId"];
      delete c["k2-oauth:tenantId"];
    }),
    offline: [
      { path: "k2oauth:tenantId", message: "unknown namespace 'k2oauth'; did you mean k2-oauth:tenantId?" },
      { path: "k2-oauth:tenantId", message: `is required; expected your Entra ID tenant id, a GUID like ${GUID_EXAMPLE}` },
    ],
  },
  {
    label: "namespaces in other spellings and cases, and none",
    yaml: edit((c) => {
      c["k2_oauth:cloud"] = "public";
      c["K2-OAuth:keyvault"] = { vaultName: "kv" };
      c.tenantId = GUID_EXAMPLE;
      c["azure-native:location"] = "westeurope";
    }),
    offline: [
      { path: "k2_oauth:cloud", message: "unknown namespace 'k2_oauth'; did you mean k2-oauth:cloud?" },
      { path: "K2-OAuth:keyvault", message: "unknown namespace 'K2-OAuth'; did you mean k2-oauth:keyVault?" },
      { path: "tenantId", message: "a config key needs a namespace; did you mean k2-oauth:tenantId?" },
    ],
  },
  {
    label: "a key in the wrong case",
    yaml: edit((c) => (c["k2-oauth:tenantID"] = GUID_EXAMPLE)),
    offline: [{ path: "k2-oauth:tenantID", message: "unknown key; did you mean k2-oauth:tenantId?" }],
  },
  {
    label: "an unknown key in a section, and a misspelt one",
    yaml: edit((c) => {
      c["k2-oauth:clients"][0].lifetime = 90;
      c["k2-oauth:k2Api"].clientID = c["k2-oauth:k2Api"].clientId;
      delete c["k2-oauth:k2Api"].clientId;
    }),
    offline: [
      { path: "k2-oauth:k2Api.clientId", message: `is required; expected the K2 API app's client id, a GUID like ${GUID_EXAMPLE}` },
      { path: "k2-oauth:k2Api.clientID", message: "unknown key; did you mean clientId?" },
      { path: "k2-oauth:clients[0].lifetime", message: "unknown key; expected one of name, displayName, redirectUris, owners, signInAudience, implicitGrant, servicePrincipal, requiredResourceAccess, secret, adopt" },
    ],
  },
  {
    label: "a value not among the choices",
    yaml: edit((c) => (c["k2-oauth:cloud"] = "germany")),
    offline: [{ path: "k2-oauth:cloud", message: "expected one of public, usgov, china; got 'germany'" }],
  },
  {
    label: "an owner given by mail address",
    yaml: edit((c) => (c["k2-oauth:clients"][0].owners = ["alice@example.com"])),
    offline: [{ path: "k2-oauth:clients[0].owners[0]", message: `expected an owner's object id, a GUID like ${GUID_EXAMPLE}; got 'alice@example.com'` }],
  },
  {
    label: "a wildcard redirect URI",
    yaml: edit((c) => (c["k2-oauth:clients"][1].redirectUris = ["https://*.example.com/cb"])),
    offline: [
      {
        path: "k2-oauth:clients[1].redirectUris[0]",
        message: "expected a redirect URI as an https URL, like https://global.consent.azure-apim.net/redirect, without wildcards; got 'https://*.example.com/cb'",
      },
    ],
  },
  {
    label: "two clients with one name",
    yaml: edit((c) => (c["k2-oauth:clients"][1].name = "power-automate")),
    offline: [{ path: "k2-oauth:clients[1].name", message: "expected a unique name (clients[0] has the same one); got 'power-automate'" }],
  },
  {
    label: "a Key Vault name with an underscore",
    yaml: edit((c) => (c["k2-oauth:keyVault"].vaultName = "kv_k2_dev")),
    offline: [
      { path: "k2-oauth:keyVault.vaultName", message: "expected a Key Vault name of 3-24 letters, digits and hyphens, starting with a letter, like kv-k2-dev; got 'kv_k2_dev'" },
    ],
  },
  {
    label: "a value under a key that holds a secret: quoted offline, not by the program (the engine marks the whole key secret)",
    yaml: edit((c) => (c[K2].url = "http://k2-dev.example.com")),
    offline: [
      { path: "k2-oauth:k2.url", message: "expected the K2 site URL as an https URL, like https://k2.example.com (https, not http); got 'http://k2-dev.example.com'" },
    ],
    program: [
      {
        path: "k2-oauth:k2.url",
        message: "expected the K2 site URL as an https URL, like https://k2.example.com (https, not http) (the value given is not shown: k2-oauth:k2 holds secret values)",
      },
    ],
  },
  {
    label: "K2 Five without admin credentials",
    yaml: edit((c) => (c[K2].admin = null)),
    offline: [
      { path: "k2-oauth:k2.admin", message: "expected K2 admin credentials with edition 'five' (to manage the Bearer Token resource): username, and password set with --secret" },
    ],
  },
  {
    label: "the K2 admin password in plain text",
    yaml: edit((c) => (c[K2].admin.password = PLAINTEXT)),
    offline: [
      {
        path: "k2-oauth:k2.admin.password",
        message:
          "is a secret but stacks/Pulumi.dev.yaml holds it in plain text; remove it there, then store it encrypted with: pulumi config set --secret --path 'k2.admin.password' --stack dev (a password once committed in plain text should also be changed)",
      },
    ],
    program: [
      {
        path: "k2-oauth:k2.admin.password",
        message:
          "is a secret but the stack's configuration holds it in plain text; remove it there, then store it encrypted with: pulumi config set --secret --path 'k2.admin.password' --stack dev (a password once committed in plain text should also be changed)",
      },
    ],
  },
  {
    label: "an empty secure: value",
    yaml: edit((c) => (c[K2].admin.password = { secure: "" })),
    offline: [{ path: "k2-oauth:k2.admin.password", message: "is an empty secure: value; set the secret with: pulumi config set --secret --path 'k2.admin.password' --stack dev" }],
    // The engine decrypts an empty ciphertext to nothing: the program sees an empty password.
    program: [
      {
        path: "k2-oauth:k2.admin.password",
        message: "expected a non-empty password, set with: pulumi config set --secret --path 'k2.admin.password' (the value given is not shown: it is secret)",
      },
    ],
  },
  {
    label: "a password that is not text",
    yaml: edit((c) => (c[K2].admin.password = 12345678)),
    offline: [
      {
        path: "k2-oauth:k2.admin.password",
        message: "expected the password as a secret, set with: pulumi config set --secret --path 'k2.admin.password' (the value given is not shown: it is secret)",
      },
    ],
  },
];

/** What the engine hands the program for a stack file: values decrypted, the keys holding secrets listed. */
function engineView(yaml: string): { config: Record<string, string>; secretKeys: string[] } {
  const doc = parse(yaml) as { config: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const decrypt = (v: unknown, onSecret: () => void): unknown => {
    if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v) {
      onSecret();
      // A stand-in for the decrypted value: the password the engine would pass (empty for an empty ciphertext).
      return (v as { secure: string }).secure === "" ? "" : "decrypted-password";
    }
    if (Array.isArray(v)) return v.map((x) => decrypt(x, onSecret));
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decrypt(x, onSecret)]));
    return v;
  };
  for (const [key, value] of Object.entries(doc.config)) {
    const plain = decrypt(value, () => secretKeys.includes(key) || secretKeys.push(key));
    config[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
  }
  return { config, secretKeys };
}

function offlineIssues(yaml: string): ConfigIssue[] {
  const parsed = validateLoadedStack(parseStackText(yaml, "dev", "/project/stacks/Pulumi.dev.yaml", "stacks/Pulumi.dev.yaml"));
  return parsed.ok ? [] : parsed.issues;
}

/** The program's RunError message, read back into issues. */
function programIssues(yaml: string): ConfigIssue[] {
  const { config, secretKeys } = engineView(yaml);
  pulumi.runtime.setAllConfig(config, secretKeys);
  try {
    loadProgramConfig();
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(pulumi.RunError);
    const lines = (e as Error).message.split("\n");
    expect(lines[0]).toMatch(/^Invalid stack configuration \(\d+ problems?\):$/);
    return lines.slice(1).map((l) => {
      const m = /^ {2}- (\S+?): (.*)$/.exec(l);
      if (m === null) throw new Error(`not an issue line: ${l}`);
      return { path: m[1], message: m[2] };
    });
  }
}

beforeAll(() => {
  pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, "k2-oauth", "dev", false);
});

describe("config messages", () => {
  it.each(ROWS.map((r) => [r.label, r] as const))("offline (stack file): %s", (_label, row) => {
    expect(offlineIssues(row.yaml)).toEqual(row.offline);
  });

  it.each(ROWS.map((r) => [r.label, r] as const))("program (engine config): %s", (_label, row) => {
    expect(programIssues(row.yaml)).toEqual(row.program ?? row.offline);
  });

  it("no message holds a plaintext secret, zod's or a regular expression's wording", () => {
    const all = ROWS.flatMap((r) => [...offlineIssues(r.yaml), ...programIssues(r.yaml)]).map((i) => `${i.path}: ${i.message}`);
    expect(all.length).toBeGreaterThan(ROWS.length);
    for (const line of all) {
      expect(line).not.toContain(PLAINTEXT);
      expect(line).not.toContain("decrypted-password");
      expect(line).not.toMatch(/Invalid (input|string|option)|received|Too (big|small)|must match|Unrecognized|\/\^|\[0-9a-f\]/);
    }
  });

  it("the example stacks are valid both ways", () => {
    for (const stack of ["dev", "prod"]) {
      const yaml = fs.readFileSync(path.join(REPO_ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8");
      expect(offlineIssues(yaml)).toEqual([]);
      expect(programIssues(yaml)).toEqual([]);
    }
  });
});

describe("plaintext secrets in the program", () => {
  it("a password the engine did not receive as a secret is refused; with the key secret it passes", () => {
    const { config } = engineView(edit((c) => (c[K2].admin.password = PLAINTEXT)));
    expect(() => loadProgramConfig(config, () => false)).toThrow("k2-oauth:k2.admin.password: is a secret but the stack's configuration holds it in plain text");
    const loaded = loadProgramConfig(config, (key) => key === K2);
    expect(loaded.config.k2.admin?.password).toBe("");
  });

  it("uses the SDK's isConfigSecret, which follows the engine's secret keys", () => {
    const check = configSecretCheck();
    pulumi.runtime.setAllConfig({ [K2]: "{}", "k2-oauth:tenantId": GUID_EXAMPLE }, [K2]);
    expect([check(K2), check("k2-oauth:tenantId")]).toEqual([true, false]);
  });

  it("fails closed when the SDK cannot tell secret keys", () => {
    expect(() => configSecretCheck({})).toThrow(
      "cannot tell whether k2-oauth:k2.admin.password is stored as a secret: this version of @pulumi/pulumi has no runtime.isConfigSecret (the project pins 3.248.0)",
    );
  });
});
