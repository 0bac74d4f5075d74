/**
 * What ClientApp and OutboundOAuth declare for an app's secrets on a day, as plain data: the passwords of the day's schedule and the
 * client's one Key Vault secret. Pure (no Pulumi imports), so that the deploy gate, `npm run due` and the lifecycle
 * tests judge exactly what the component creates without loading the providers' SDKs.
 */
import type { KeyVaultConfig, SecretScheduleConfig } from "./config";
import { CLIENT_SECRET_CONTENT_TYPE, clientResourceName } from "./contracts";
import { epochSeconds, rfc3339, secretSchedule, type SecretSchedule, type SlotName } from "./rotation";

/**
 * The one Key Vault secret name of a client. It never changes and is never deleted by this project, so it never meets
 * a soft-deleted secret of the same name: each rotation writes a new version under it.
 */
export function keyVaultSecretName(clientName: string): string {
  return `${clientName}-client-secret`;
}

/**
 * ApplicationPassword inputs that force a replacement: all of them. terraform-provider-azuread (bridged by
 * @pulumi/azuread 6.x) has no update for passwords, and marks every argument ForceNew
 * (internal/services/applications/application_password_resource.go).
 */
export const PASSWORD_REPLACE_ON = ["applicationId", "displayName", "startDate", "endDate", "rotateWhenChanged"] as const;
/**
 * azure-native `keyvault:Secret` inputs that force a replacement: the ARM path parameters (resource group, vault and
 * secret name; pulumi-azure-native provider/pkg/provider/diff.go, calculateDetailedDiff). A change of `properties`
 * (value, attributes, content type) or `tags` is an in-place update: an ARM PUT that adds a new version.
 */
export const VAULT_SECRET_REPLACE_ON = ["resourceGroupName", "vaultName", "secretName"] as const;

/**
 * The display name of a client secret this project creates: `k2-oauth slot a (generation 3, until 2027-03-01)`. The
 * one place for the pattern: `isProjectSecretName` recognises it (`npm run adopt` tells an app a k2-oauth stack
 * created from one made by hand by it).
 */
export function projectSecretName(slot: SlotName, generation: number, until: string): string {
  return `k2-oauth slot ${slot} (generation ${generation}, until ${until})`;
}

const PROJECT_SECRET_NAME = /^k2-oauth slot [ab] \(generation \d+, until \d{4}-\d{2}-\d{2}\)$/;

/** Whether a client secret's display name is one `projectSecretName` makes (a secret a k2-oauth stack created). */
export function isProjectSecretName(displayName: string): boolean {
  return PROJECT_SECRET_NAME.test(displayName);
}

/** One client secret as ClientApp declares it on a day: the ApplicationPassword's name and day-dependent inputs. */
export interface PasswordDeclaration {
  resourceName: string;
  slot: SlotName;
  generation: number;
  current: boolean;
  displayName: string;
  startDate: string;
  endDate: string;
  rotateWhenChanged: { generation: string };
}

/** The client's Key Vault secret as ClientApp declares it on a day: it holds the current password's value. */
export interface VaultSecretDeclaration {
  resourceName: string;
  resourceGroupName: string;
  vaultName: string;
  secretName: string;
  contentType: string;
  /** The password (resource name) whose value is stored: the current one. */
  holds: string;
  slot: SlotName;
  generation: number;
  notBefore: number;
  expires: number;
  /**
   * Always true: a Key Vault delete is only a soft delete that keeps the name taken for up to 90 days (purge
   * protection: no way to free it early). Removing a client or destroying the stack therefore leaves the secret (with
   * its expiry) in the vault instead of blocking that name.
   */
  retainOnDelete: true;
}

export interface SecretDeclarations {
  schedule: SecretSchedule;
  /** In slot order (a, b). */
  passwords: PasswordDeclaration[];
  vaultSecret: VaultSecretDeclaration | undefined;
}

/**
 * The password whose value consumers get (the Key Vault secret, the outbound K2 resource's client_secret): the day's
 * current one. The one choice ./rotatingSecret.ts makes and the lifecycle simulation replays.
 */
export function currentPasswordIndex(declared: Pick<SecretDeclarations, "passwords">): number {
  const index = declared.passwords.findIndex((p) => p.current);
  if (index < 0) throw new Error("unreachable: a schedule always has a current secret");
  return index;
}

/** Whose secrets: a client, or the outbound app (`k2-oauth:outbound.app`). Its name prefixes the resource names. */
export interface SecretOwner {
  name: string;
  secret: SecretScheduleConfig;
}

/** A secret owner with the config key it is declared under (`k2-oauth:clients[0]`, `k2-oauth:outbound.app`). */
export interface ConfiguredSecretOwner extends SecretOwner {
  configKey: string;
}

/**
 * Every app whose secrets this stack rotates: the clients, then the outbound app (`k2-oauth:outbound.app`) when set.
 * The deploy gate and `npm run due` judge them alike.
 */
export function secretOwners(config: {
  clients: readonly SecretOwner[];
  outbound?: { app: SecretOwner } | undefined;
}): ConfiguredSecretOwner[] {
  const clients = config.clients.map((c, i) => ({ name: c.name, secret: c.secret, configKey: `k2-oauth:clients[${i}]` }));
  const app = config.outbound?.app;
  return app === undefined ? clients : [...clients, { name: app.name, secret: app.secret, configKey: "k2-oauth:outbound.app" }];
}

/**
 * What ClientApp (and OutboundOAuth, for its app) declares for an app's secrets on the UTC day of `now`: the one place
 * that turns the schedule into resources (./rotatingSecret.ts creates exactly these; the lifecycle tests replay them
 * day after day).
 */
export function secretDeclarations(client: SecretOwner, now: Date, vault: KeyVaultConfig | undefined): SecretDeclarations {
  const schedule = secretSchedule(client.secret, now);
  const passwordName = (slot: SlotName): string => clientResourceName(client.name, slot === "a" ? "passwordA" : "passwordB");
  const passwords = schedule.active.map((gen): PasswordDeclaration => {
    const endDate = rfc3339(gen.endDate);
    return {
      resourceName: passwordName(gen.slot),
      slot: gen.slot,
      generation: gen.generation,
      current: gen === schedule.current,
      displayName: projectSecretName(gen.slot, gen.generation, endDate.slice(0, 10)),
      startDate: rfc3339(gen.startDate),
      endDate,
      rotateWhenChanged: { generation: String(gen.generation) },
    };
  });
  const current = schedule.current;
  const vaultSecret: VaultSecretDeclaration | undefined =
    vault === undefined
      ? undefined
      : {
          resourceName: clientResourceName(client.name, "vaultSecret"),
          resourceGroupName: vault.resourceGroupName,
          vaultName: vault.vaultName,
          secretName: keyVaultSecretName(client.name),
          contentType: CLIENT_SECRET_CONTENT_TYPE,
          holds: passwordName(current.slot),
          slot: current.slot,
          generation: current.generation,
          notBefore: epochSeconds(current.startDate),
          expires: epochSeconds(current.endDate),
          retainOnDelete: true,
        };
  return { schedule, passwords, vaultSecret };
}
