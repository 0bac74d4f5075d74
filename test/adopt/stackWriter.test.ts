/**
 * The stack-file writer of adopt: new clients go at the end of `k2-oauth:clients` and every byte already in the file
 * stays as it was (comments, their spacing, key order, quoting, `secure:` values, 4-space indentation, CRLF line
 * ends); `k2.bearerTokenResource.name` is set in place; a new file holds the stack-wide settings; the file is replaced
 * in one step.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { ClientEntry } from "../../cli/adopt/adoption";
import { stackText, writeStackFile, type ClientToWrite } from "../../cli/adopt/stackWriter";
import { removeRoot, tempRoot } from "./harness";

const ENTRY: ClientEntry = {
  name: "k2-power-automate",
  displayName: "K2 - Power Automate",
  redirectUris: ["https://global.consent.azure-apim.net/redirect"],
  owners: ["a11ce000-0000-4000-8000-000000000001"],
  requiredResourceAccess: [{ resourceAppId: "00000003-0000-0000-c000-000000000000", resourceAccess: [{ id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", type: "Scope" }] }],
  secret: { lifetimeDays: 180, rotateAfterDays: 150, startDate: "2026-11-29" },
  adopt: { since: "2026-11-29", applicationObjectId: "0a000000-0000-4000-8000-000000000001", servicePrincipalObjectId: "0a000000-0000-4000-8000-0000000000b1" },
  implicitGrant: { accessTokens: true, idTokens: false },
};
const CLIENT: ClientToWrite = {
  entry: ENTRY,
  comment: "Adopted by npm run adopt on 2026-11-29.",
  permissionNames: new Map([["00000003-0000-0000-c000-000000000000/e1fe6dd8-ba31-4d61-89e7-88639da4683d", "Microsoft Graph: User.Read (delegated)"]]),
};

/** The entry's lines as adopt writes them below a `- ` at `column`. */
function entryLines(column: number): string[] {
  const pad = " ".repeat(column);
  return [
    `${pad}# Adopted by npm run adopt on 2026-11-29.`,
    `${pad}- name: k2-power-automate`,
    `${pad}  displayName: K2 - Power Automate`,
    `${pad}  redirectUris:`,
    `${pad}    - https://global.consent.azure-apim.net/redirect`,
    `${pad}  owners:`,
    `${pad}    - a11ce000-0000-4000-8000-000000000001`,
    `${pad}  implicitGrant:`,
    `${pad}    accessTokens: true`,
    `${pad}    idTokens: false`,
    `${pad}  requiredResourceAccess:`,
    `${pad}    - resourceAppId: 00000003-0000-0000-c000-000000000000`,
    `${pad}      resourceAccess:`,
    `${pad}        - id: e1fe6dd8-ba31-4d61-89e7-88639da4683d # Microsoft Graph: User.Read (delegated)`,
    `${pad}          type: Scope`,
    `${pad}  secret:`,
    `${pad}    lifetimeDays: 180`,
    `${pad}    rotateAfterDays: 150`,
    `${pad}    startDate: "2026-11-29"`,
    `${pad}  adopt:`,
    `${pad}    since: "2026-11-29"`,
    `${pad}    applicationObjectId: 0a000000-0000-4000-8000-000000000001`,
    `${pad}    servicePrincipalObjectId: 0a000000-0000-4000-8000-0000000000b1`,
  ];
}

const HEAD = [
  "# Hand-written: keep this comment.",
  "config:",
  "  k2-oauth:tenantId: 11111111-2222-3333-4444-555555555555   # the tenant (three spaces before the hash)",
  "  k2-oauth:k2Api: { clientId: '22222222-3333-4444-5555-666666666666' }",
  "  k2-oauth:k2:",
  "    url: https://k2.example.com",
  "    admin:",
  "      username: EXAMPLE\\svc-k2",
  "      password:",
  "        secure: v1:AAABBBCCC==",
];

const update = (existingText: string, clients: ClientToWrite[] = [CLIENT], k2ResourceName?: string) =>
  stackText({ stack: "legacy", existingText, clients, ...(k2ResourceName !== undefined ? { k2ResourceName } : {}) });

describe("adding clients to an existing stack file", () => {
  it("appends after the last client, before the comments that follow it, changing no byte of the file", () => {
    const before = [...HEAD, "  k2-oauth:clients:", "    - name: existing # written by hand", "      displayName: K2 - Existing", "    # - name: retired (kept as a note)", "  other:key: 1", ""];
    const after = update(before.join("\n"));
    expect(after.split("\n")).toEqual([...before.slice(0, -3), ...entryLines(4), ...before.slice(-3)]);
  });

  it("adds the key at the end of config: when the file has no clients yet", () => {
    const before = [...HEAD, "# trailing remark", ""];
    expect(update(before.join("\n")).split("\n")).toEqual([...HEAD, "  k2-oauth:clients:", ...entryLines(4), "# trailing remark", ""]);
  });

  it("fills `k2-oauth:clients:` left empty, or an empty flow list, below the key (a comment on the key line stays)", () => {
    expect(update([...HEAD, "  k2-oauth:clients: # adopt fills this", ""].join("\n")).split("\n")).toEqual([...HEAD, "  k2-oauth:clients: # adopt fills this", ...entryLines(4), ""]);
    expect(update([...HEAD, "  k2-oauth:clients: []   # none yet", ""].join("\n")).split("\n")).toEqual([...HEAD, "  k2-oauth:clients: # none yet", ...entryLines(4), ""]);
  });

  it("keeps a file indented by 4 spaces and its CRLF line ends", () => {
    const before = ["config:", "    k2-oauth:tenantId: 11111111-2222-3333-4444-555555555555", "    k2-oauth:clients:", "        - name: existing", "          displayName: K2 - Existing", ""].join("\r\n");
    const after = update(before);
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length).split("\r\n")).toEqual([...entryLines(8), ""]);
    expect(after.replace(/\r\n/g, "").includes("\n")).toBe(false);
  });

  it("writes what reads back as the entry (and nothing else changes in the config)", () => {
    const before = [...HEAD, ""].join("\n");
    const config = (parse(update(before)) as { config: Record<string, unknown> }).config;
    expect(config["k2-oauth:clients"]).toEqual([ENTRY]);
    expect({ ...config, "k2-oauth:clients": undefined }).toEqual({ ...(parse(before) as { config: Record<string, unknown> }).config, "k2-oauth:clients": undefined });
  });

  it("writes nothing new when there is nothing to add", () => {
    const before = [...HEAD, ""].join("\n");
    expect(update(before, [])).toBe(before);
  });
});

describe("the K2 resource name", () => {
  it("replaces the name in place, adds it to an existing mapping, or adds the mapping", () => {
    const named = [...HEAD.slice(0, 6), "    bearerTokenResource:", "      name: K2 API   # the default", ...HEAD.slice(6), ""].join("\n");
    expect(update(named, [], "K2 Inbound")).toBe(named.replace("name: K2 API   #", "name: K2 Inbound   #"));
    const other = [...HEAD.slice(0, 6), "    bearerTokenResource:", "      note: x", ...HEAD.slice(6), ""].join("\n");
    expect(update(other, [], "K2 Inbound")).toBe(other.replace("      note: x\n", "      note: x\n      name: K2 Inbound\n"));
    const none = [...HEAD, ""].join("\n");
    expect(update(none, [], "K2: Inbound")).toBe(`${none}    bearerTokenResource:\n      name: "K2: Inbound"\n`);
  });
});

describe("a new stack file", () => {
  it("holds the stack-wide settings, how to set the password, and the clients", () => {
    const text = stackText({
      stack: "legacy",
      existingText: undefined,
      newFile: {
        tenantId: "11111111-2222-3333-4444-555555555555",
        cloud: "usgov",
        k2Api: { clientId: "22222222-3333-4444-5555-666666666666", scope: "user_impersonation", audience: "https://api.k2.com/" },
        k2: { url: "https://k2.example.com", edition: "five", adminUsername: "EXAMPLE\\svc-k2" },
      },
      header: "Stack legacy: written by npm run adopt.",
      clients: [CLIENT],
    });
    expect(text.split("\n")).toEqual([
      "# Stack legacy: written by npm run adopt.",
      "",
      "# Secrets are never written here in plain text. Set the K2 admin password with:",
      "#   pulumi config set --secret --path 'k2.admin.password' --stack legacy",
      "",
      "config:",
      "  k2-oauth:tenantId: 11111111-2222-3333-4444-555555555555",
      "  k2-oauth:cloud: usgov",
      "  k2-oauth:k2Api:",
      "    clientId: 22222222-3333-4444-5555-666666666666",
      "    scope: user_impersonation",
      "    audience: https://api.k2.com/",
      "  k2-oauth:k2:",
      "    url: https://k2.example.com",
      "    edition: five",
      "    admin:",
      "      username: EXAMPLE\\svc-k2",
      "  k2-oauth:clients:",
      ...entryLines(4),
      "",
    ]);
  });

  it("has no admin and no password note on K2 Cloud", () => {
    const text = stackText({
      stack: "c",
      existingText: undefined,
      newFile: { tenantId: "t", cloud: undefined, k2Api: { clientId: "k", scope: undefined, audience: undefined }, k2: { url: "https://k2.example.com", edition: "cloud", adminUsername: "ignored" } },
      clients: [CLIENT],
    });
    expect(text).not.toContain("password");
    expect(text).not.toContain("admin");
    expect((parse(text) as { config: Record<string, unknown> }).config["k2-oauth:k2"]).toEqual({ url: "https://k2.example.com", edition: "cloud" });
  });
});

describe("writeStackFile", () => {
  it("replaces the file in one step and leaves no temp file beside it", () => {
    const root = tempRoot({ legacy: "config: {}\n" });
    const file = path.join(root, "stacks", "Pulumi.legacy.yaml");
    writeStackFile(file, "config:\n  a: 1\n");
    expect(fs.readFileSync(file, "utf8")).toBe("config:\n  a: 1\n");
    expect(fs.readdirSync(path.join(root, "stacks"))).toEqual(["Pulumi.legacy.yaml"]);
    removeRoot(root);
  });
});
