/**
 * The one place an app's client secrets are declared: the passwords of the day's two-slot schedule
 * (./secretDeclarations.ts says which) and, with a Key Vault, the app's one vault secret whose latest version is the
 * current password. ClientApp and OutboundOAuth both declare their secrets here, as children of themselves, so the
 * resource names (and URNs) are `<name>-secret-a`, `<name>-secret-b` and `<name>-secret-kv` under the component.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
// Only the keyvault module: loading all of @pulumi/azure-native costs seconds.
import * as keyvault from "@pulumi/azure-native/keyvault";
import type { KeyVaultConfig } from "./config";
import { TAG_CLIENT, TAG_CLIENT_ID, TAG_GENERATION, TAG_KEY_ID, TAG_SLOT } from "./contracts";
import { rfc3339, type SlotName } from "./rotation";
import { currentPasswordIndex, secretDeclarations, type PasswordDeclaration, type SecretOwner, type VaultSecretDeclaration } from "./secretDeclarations";

export interface ClientSecretInfo {
  slot: SlotName;
  generation: number;
  /** True for the newest secret: the one consumers should use (and the one the Key Vault secret holds). */
  current: boolean;
  keyId: pulumi.Output<string>;
  startDate: string;
  endDate: string;
  /** The secret value: always a Pulumi secret. */
  value: pulumi.Output<string>;
}

export interface RotatingSecrets {
  passwords: azuread.ApplicationPassword[];
  secrets: ClientSecretInfo[];
  /** The current secret (the one consumers and the Key Vault secret hold). */
  current: ClientSecretInfo;
  /** Its password resource: what a consumer of the current value depends on. */
  currentPassword: azuread.ApplicationPassword;
  vaultSecret: keyvault.Secret | undefined;
  /** `<name>-client-secret` (with a Key Vault). */
  keyVaultSecretName: string | undefined;
  nextRotation: string;
  overlapDays: number;
}

/** Declares `owner`'s secrets for the UTC day of `now` on `application`, as children of `parent`. */
export function declareRotatingSecrets(
  parent: pulumi.Resource,
  application: azuread.Application,
  owner: SecretOwner,
  now: Date,
  vault: KeyVaultConfig | undefined,
): RotatingSecrets {
  const declared = secretDeclarations(owner, now, vault);
  const passwords: azuread.ApplicationPassword[] = [];
  const secrets = declared.passwords.map((d) => {
    const password = declarePassword(parent, application, d);
    passwords.push(password);
    return secretInfo(d, password);
  });
  const currentIndex = currentPasswordIndex(declared);
  const current = secrets[currentIndex];
  const currentPassword = passwords[currentIndex];
  const spec = declared.vaultSecret;
  return {
    passwords,
    secrets,
    current,
    currentPassword,
    vaultSecret: spec === undefined ? undefined : declareVaultSecret(parent, application, owner.name, spec, current, currentPassword),
    keyVaultSecretName: spec?.secretName,
    nextRotation: rfc3339(declared.schedule.nextRotation),
    overlapDays: declared.schedule.overlapDays,
  };
}

function declarePassword(parent: pulumi.Resource, application: azuread.Application, d: PasswordDeclaration): azuread.ApplicationPassword {
  return new azuread.ApplicationPassword(
    d.resourceName,
    {
      applicationId: application.id,
      displayName: d.displayName,
      startDate: d.startDate,
      endDate: d.endDate,
      rotateWhenChanged: d.rotateWhenChanged,
    },
    { parent, additionalSecretOutputs: ["value"] },
  );
}

function secretInfo(d: PasswordDeclaration, password: azuread.ApplicationPassword): ClientSecretInfo {
  return {
    slot: d.slot,
    generation: d.generation,
    current: d.current,
    keyId: password.keyId,
    startDate: d.startDate,
    endDate: d.endDate,
    value: pulumi.secret(password.value),
  };
}

function declareVaultSecret(
  parent: pulumi.Resource,
  application: azuread.Application,
  ownerName: string,
  vault: VaultSecretDeclaration,
  current: ClientSecretInfo,
  password: azuread.ApplicationPassword,
): keyvault.Secret {
  return new keyvault.Secret(
    vault.resourceName,
    {
      resourceGroupName: vault.resourceGroupName,
      vaultName: vault.vaultName,
      secretName: vault.secretName,
      properties: {
        value: current.value,
        contentType: vault.contentType,
        attributes: { enabled: true, notBefore: vault.notBefore, expires: vault.expires },
      },
      tags: {
        [TAG_CLIENT]: ownerName,
        [TAG_CLIENT_ID]: application.clientId,
        [TAG_KEY_ID]: current.keyId,
        [TAG_SLOT]: vault.slot,
        [TAG_GENERATION]: String(vault.generation),
      },
    },
    { parent, dependsOn: [password], retainOnDelete: vault.retainOnDelete },
  );
}
