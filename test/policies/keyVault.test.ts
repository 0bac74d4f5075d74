import { describe, expect, it } from "vitest";
import { keyVaultExpiryMatchesEntra } from "../../policies/rules/keyVaultExpiryMatches";
import { keyVaultSecretExpires } from "../../policies/rules/keyVaultSecretExpires";
import { applicationProps, contracts, daysFromNow, passwordProps, rfc3339, vaultSecretProps } from "./helpers/fixtures";
import { messages, runResourceRule, runStackRule, UNKNOWN, UNKNOWN_NUMBER, urnOf, type StackInput } from "./helpers/policyHarness";

const KEY_A = "aaaaaaaa-0000-4000-8000-000000000001";
const KEY_B = "bbbbbbbb-0000-4000-8000-000000000002";
const end = daysFromNow(150);
const endSeconds = Math.floor(end.getTime() / 1000);

const vault = (props: Record<string, unknown>) => ({ type: contracts.TYPE_KEYVAULT_SECRET, props });

describe("keyvault-client-secret-expires", () => {
  const run = (props: Record<string, unknown>) => runResourceRule(keyVaultSecretExpires, vault(props));

  it("passes a client secret copy with an expiry", async () => {
    expect(await run(vaultSecretProps(KEY_A, endSeconds))).toEqual({ violations: [] });
  });

  it("requires an expiry on copies recognised by content type or by tags", async () => {
    const noExpiry = vaultSecretProps(KEY_A, 0);
    (noExpiry.properties as Record<string, unknown>).attributes = { enabled: true };
    const missing = "properties.attributes.expires is not set: the copy of the client secret would look valid forever; set it to the secret's endDate (epoch seconds)";
    expect(messages(await run(noExpiry))).toEqual([missing]);
    const tagsOnly = { ...noExpiry, properties: { value: "x", attributes: {} } };
    expect(messages(await run(tagsOnly))).toEqual([missing]);
    const typeOnly = { ...noExpiry, tags: {} };
    expect(messages(await run(typeOnly))).toEqual([missing]);
  });

  it("rejects an expiry that is not epoch seconds", async () => {
    expect(messages(await run(vaultSecretProps(KEY_A, 0)))).toEqual([expect.stringContaining("must be a whole number of seconds since 1970-01-01, got a number")]);
    const iso = vaultSecretProps(KEY_A, 1);
    ((iso.properties as Record<string, Record<string, unknown>>).attributes).expires = rfc3339(end);
    expect(messages(await run(iso))).toEqual([expect.stringContaining("got a string")]);
  });

  it("does not apply to other Key Vault secrets", async () => {
    const other = await run({ vaultName: "kv", secretName: "db-password", properties: { value: "x", contentType: "text/plain" }, tags: { team: "a" } });
    expect(other.notApplicable).toBe("the secret is not marked as a client secret copy");
  });

  it("reports unknowns as undecided: the expiry, or whether the secret is a client secret copy at all", async () => {
    expect((await run(vaultSecretProps(UNKNOWN, UNKNOWN_NUMBER as unknown as number))).undecided).toContain("properties.attributes.expires");
    const unclear = await run({ vaultName: "kv", properties: { value: "x", contentType: UNKNOWN }, tags: UNKNOWN });
    expect(unclear.undecided).toContain("whether the secret holds a client secret");
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
        message: `pa-secret-a-kv expires at ${endSeconds + 86_400} (${rfc3339(daysFromNow(151)).slice(0, 10)}) but the client secret it copies, pa-secret-a, ends at ${endSeconds} (${rfc3339(end).slice(0, 10)}); set properties.attributes.expires to ${endSeconds}`,
        urn: urnOf({ type: contracts.TYPE_KEYVAULT_SECRET, name: "pa-secret-a-kv" }),
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
      expect.stringContaining("but the client secret it copies, app, ends at"),
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
    expect(messages(linked)).toEqual([expect.stringContaining("kv expires at")]);
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
