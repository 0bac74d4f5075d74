import { describe, expect, it } from "vitest";
import { keyVaultExpiryMatchesEntra } from "../../policies/rules/keyVaultExpiryMatches";
import { keyVaultClientSecretContentType } from "../../policies/rules/keyVaultContentType";
import { keyVaultSecretExpires } from "../../policies/rules/keyVaultSecretExpires";
import { applicationProps, contracts, daysFromNow, passwordProps, rfc3339, vaultSecretProps } from "./helpers/fixtures";
import { messages, runResourceRule, runStackRule, UNKNOWN, UNKNOWN_NUMBER, urnOf, type StackInput } from "./helpers/policyHarness";

const KEY_A = "aaaaaaaa-0000-4000-8000-000000000001";
const KEY_B = "bbbbbbbb-0000-4000-8000-000000000002";
const end = daysFromNow(150);
const endSeconds = Math.floor(end.getTime() / 1000);

const vault = (props: Record<string, unknown>) => ({ type: contracts.TYPE_KEYVAULT_SECRET, props });

describe("keyvault-secret-expires", () => {
  const run = (props: Record<string, unknown>) => runResourceRule(keyVaultSecretExpires, vault(props));
  const missing = "properties.attributes.expires is not set: the secret would look valid forever; set it (epoch seconds; for a client secret copy, the secret's endDate)";

  it("passes a secret with an expiry", async () => {
    expect(await run(vaultSecretProps(KEY_A, endSeconds))).toEqual({ violations: [] });
    expect(await run({ vaultName: "kv", secretName: "db-password", properties: { value: "x", attributes: { expires: endSeconds } } })).toEqual({ violations: [] });
  });

  it("requires an expiry on every Key Vault secret, a client secret copy or not", async () => {
    const noExpiry = vaultSecretProps(KEY_A, 0);
    (noExpiry.properties as Record<string, unknown>).attributes = { enabled: true };
    expect(messages(await run(noExpiry))).toEqual([missing]);
    expect(messages(await run({ vaultName: "kv", secretName: "db-password", properties: { value: "x", contentType: "text/plain" }, tags: { team: "a" } }))).toEqual([missing]);
    expect(messages(await run({ vaultName: "kv", secretName: "bare" }))).toEqual([missing]);
  });

  it("rejects an expiry that is not epoch seconds, without quoting it", async () => {
    expect(messages(await run(vaultSecretProps(KEY_A, 0)))).toEqual(["properties.attributes.expires must be a whole number of seconds since 1970-01-01, got another number"]);
    const iso = vaultSecretProps(KEY_A, 1);
    ((iso.properties as Record<string, Record<string, unknown>>).attributes).expires = rfc3339(end);
    expect(messages(await run(iso))).toEqual(["properties.attributes.expires must be a whole number of seconds since 1970-01-01, got a string"]);
  });

  it("reports an unknown expiry as undecided", async () => {
    expect((await run(vaultSecretProps(UNKNOWN, UNKNOWN_NUMBER as unknown as number))).undecided).toContain("properties.attributes.expires");
  });
});

describe("keyvault-client-secret-content-type", () => {
  const run = (props: Record<string, unknown>) => runResourceRule(keyVaultClientSecretContentType, vault(props));

  it("passes a tagged copy with a content type, and does not apply to other secrets", async () => {
    expect(await run(vaultSecretProps(KEY_A, endSeconds))).toEqual({ violations: [] });
    expect((await run({ vaultName: "kv", properties: { value: "x" }, tags: { team: "a" } })).notApplicable).toBe("the secret is not tagged as a copy of a client secret");
    expect((await run({ vaultName: "kv", properties: { value: "x" } })).notApplicable).toBe("the secret is not tagged as a copy of a client secret");
  });

  it("requires a content type on a copy tagged k2-oauth-client or entra-key-id", async () => {
    const expected = "properties.contentType is not set; set it to application/x-entra-client-secret so the vault says what the value is";
    for (const tags of [{ [contracts.TAG_CLIENT]: "pa" }, { [contracts.TAG_KEY_ID]: KEY_A }]) {
      expect(messages(await run({ vaultName: "kv", properties: { value: "x", attributes: { expires: endSeconds } }, tags }))).toEqual([expected]);
      expect(messages(await run({ vaultName: "kv", properties: { value: "x", contentType: "" }, tags }))).toEqual([expected]);
    }
    expect(messages(await run({ vaultName: "kv", properties: { value: "x", contentType: 7 }, tags: { [contracts.TAG_CLIENT]: "pa" } }))).toEqual([
      "properties.contentType must be a string, got a number",
    ]);
  });

  it("reports unknown tags or content type as undecided", async () => {
    expect((await run({ vaultName: "kv", properties: { value: "x" }, tags: UNKNOWN })).undecided).toContain("whether the secret is a copy of a client secret");
    expect((await run({ vaultName: "kv", properties: { value: "x", contentType: UNKNOWN }, tags: { [contracts.TAG_CLIENT]: "pa" } })).undecided).toContain("properties.contentType");
  });
});

describe("keyvault-secret-expiry-matches-entra", () => {
  const password = (name: string, keyId: string, endDate: Date): StackInput => ({
    type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD,
    name,
    props: { ...passwordProps(daysFromNow(-30), endDate), keyId },
  });
  const copy = (name: string, props: Record<string, unknown>, extra: Partial<StackInput> = {}): StackInput => ({ type: contracts.TYPE_KEYVAULT_SECRET, name, props, ...extra });

  it("passes copies whose expiry equals their secret's end date in epoch seconds", async () => {
    const r = await runStackRule(keyVaultExpiryMatchesEntra, [
      password("pa-secret-a", KEY_A, end),
      password("pa-secret-b", KEY_B, daysFromNow(30)),
      copy("pa-secret-a-kv", vaultSecretProps(KEY_A, endSeconds)),
      copy("pa-secret-b-kv", vaultSecretProps(KEY_B, Math.floor(daysFromNow(30).getTime() / 1000))),
    ]);
    expect(r).toEqual({ violations: [] });
  });

  it("rejects a copy that outlives (or dies before) its secret, attributed to the copy", async () => {
    const r = await runStackRule(keyVaultExpiryMatchesEntra, [password("pa-secret-a", KEY_A, end), copy("pa-secret-a-kv", vaultSecretProps(KEY_A, endSeconds + 86_400))]);
    expect(r.violations).toEqual([
      {
        message: "pa-secret-a-kv expires 1 day after the client secret it copies, pa-secret-a, ends; set properties.attributes.expires to that secret's endDate in epoch seconds",
        urn: urnOf({ type: contracts.TYPE_KEYVAULT_SECRET, name: "pa-secret-a-kv" }),
      },
    ]);
    const early = await runStackRule(keyVaultExpiryMatchesEntra, [password("pa-secret-a", KEY_A, end), copy("pa-secret-a-kv", vaultSecretProps(KEY_A, endSeconds - 60))]);
    expect(messages(early)).toEqual(["pa-secret-a-kv expires 60 seconds before the client secret it copies, pa-secret-a, ends; set properties.attributes.expires to that secret's endDate in epoch seconds"]);
  });

  it("requires the copy to hold its application's newest (current) secret", async () => {
    const app: StackInput = { type: contracts.TYPE_AZUREAD_APPLICATION, name: "pa-app", props: applicationProps("pa") };
    const appId = `/applications/${String(app.props.objectId)}`;
    const slot = (name: string, keyId: string, start: number, endDays: number): StackInput => ({
      type: contracts.TYPE_AZUREAD_APPLICATION_PASSWORD,
      name,
      props: { ...passwordProps(daysFromNow(start), daysFromNow(endDays), { applicationId: appId }), keyId },
    });
    const older = slot("pa-secret-a", KEY_A, -150, 30);
    const newer = slot("pa-secret-b", KEY_B, -2, 178);
    const copyOf = (keyId: string, endDays: number) => copy("pa-secret-kv", vaultSecretProps(keyId, Math.floor(daysFromNow(endDays).getTime() / 1000)));
    expect(await runStackRule(keyVaultExpiryMatchesEntra, [app, older, newer, copyOf(KEY_B, 178)])).toEqual({ violations: [] });
    const stale = await runStackRule(keyVaultExpiryMatchesEntra, [app, older, newer, copyOf(KEY_A, 30)]);
    expect(stale.violations).toEqual([
      {
        message:
          "pa-secret-kv holds pa-secret-a, not the newest client secret of its application (pa-secret-b): consumers reading the vault get the older one; point the copy (value, entra-key-id and expires) at the newest secret",
        urn: urnOf({ type: contracts.TYPE_KEYVAULT_SECRET, name: "pa-secret-kv" }),
      },
    ]);
  });

  it("requires the entra-key-id tag on a client secret copy", async () => {
    const untagged = vaultSecretProps(KEY_A, endSeconds, { tags: { [contracts.TAG_CLIENT]: "pa" } });
    expect(messages(await runStackRule(keyVaultExpiryMatchesEntra, [password("pa-secret-a", KEY_A, end), copy("kv", untagged)]))).toEqual([
      "kv holds a client secret but has no entra-key-id tag, so its expiry cannot be tied to the secret it copies; tag it with the password's keyId",
    ]);
  });

  it("matches the inline password of an Application", async () => {
    const app: StackInput = {
      type: contracts.TYPE_AZUREAD_APPLICATION,
      name: "app",
      props: applicationProps("app", { password: { displayName: "p", keyId: KEY_A, endDate: rfc3339(end) } }),
    };
    expect(messages(await runStackRule(keyVaultExpiryMatchesEntra, [app, copy("kv", vaultSecretProps(KEY_A, endSeconds - 1))]))).toEqual([
      "kv expires 1 second before the client secret it copies, app, ends; set properties.attributes.expires to that secret's endDate in epoch seconds",
    ]);
  });

  it("does not judge a copy of a secret that is not in this stack", async () => {
    expect(await runStackRule(keyVaultExpiryMatchesEntra, [password("pa-secret-a", KEY_A, end), copy("kv", vaultSecretProps(KEY_B, 1))])).toEqual({ violations: [] });
  });

  it("links through dependencies when the keyId is unknown (preview), else reports undecided", async () => {
    const previewPassword = { ...password("pa-secret-a", UNKNOWN, end) };
    const linked = await runStackRule(keyVaultExpiryMatchesEntra, [
      previewPassword,
      password("other", KEY_B, daysFromNow(10)),
      copy("kv", vaultSecretProps(UNKNOWN, endSeconds + 60), { propertyDependencies: { tags: ["pa-secret-a"] } }),
    ]);
    expect(messages(linked)).toEqual([expect.stringContaining("kv expires 60 seconds after the client secret it copies, pa-secret-a, ends")]);
    const unlinked = await runStackRule(keyVaultExpiryMatchesEntra, [previewPassword, copy("kv", vaultSecretProps(UNKNOWN, endSeconds))]);
    expect(unlinked.violations).toEqual([]);
    expect(unlinked.undecided).toContain("the client secret kv copies");
    const unknownExpiry = await runStackRule(keyVaultExpiryMatchesEntra, [password("pa-secret-a", KEY_A, end), copy("kv", vaultSecretProps(KEY_A, UNKNOWN_NUMBER as unknown as number))]);
    expect(unknownExpiry.undecided).toContain("kv.properties.attributes.expires");
  });

  it("does not apply to stacks without client secret copies", async () => {
    expect((await runStackRule(keyVaultExpiryMatchesEntra, [password("p", KEY_A, end)])).notApplicable).toBe("the stack declares no Key Vault copies of client secrets");
  });
});
