/**
 * A model of what happens to a stack's client secrets when `pulumi up` runs day after day, for the lifecycle tests:
 *
 * - the Pulumi engine: from the resources deployed last time to the ones declared now, by resource name: create what
 *   is new, replace what changed in a replace-triggering input (create the new one, then delete the old one: the
 *   engine's default order), update what changed otherwise, delete what is no longer declared (or, with
 *   retainOnDelete, forget it and leave it in the cloud);
 * - Entra ID: each password credential is valid from its start date to its end date (exclusive);
 * - Key Vault: every write adds a version (the latest is what consumers read); a delete is a soft delete that keeps
 *   the name taken for the retention period (90 days, purge protection on: nothing can purge it earlier); creating a
 *   name that is soft-deleted fails with 409 "deleted but recoverable", creating one that exists fails as a conflict.
 *
 * What is declared comes from the project itself (secretDeclarations, the function ClientApp creates its secrets
 * from), as do the replace-triggering inputs (PASSWORD_REPLACE_ON, VAULT_SECRET_REPLACE_ON). Nothing of the schedule is
 * re-implemented here.
 */
import { PASSWORD_REPLACE_ON, VAULT_SECRET_REPLACE_ON, type PasswordDeclaration, type VaultSecretDeclaration } from "../../components/clientApp";

export const DAY_MS = 86_400_000;
export const KEY_VAULT_RETENTION_DAYS = 90;

/** A declared resource as the engine sees it: name, inputs, and which inputs force a replacement. */
export interface Declared {
  name: string;
  kind: "password" | "vaultSecret";
  inputs: Record<string, string | number>;
  replaceOn: readonly string[];
  retainOnDelete: boolean;
  /** Passwords: the declaration (slot, generation, dates). */
  password?: PasswordDeclaration;
  /** Key Vault secrets: the password (resource name) whose value the secret holds. */
  holds?: string;
}

export function declaredPassword(d: PasswordDeclaration): Declared {
  return {
    name: d.resourceName,
    kind: "password",
    // applicationId is the same app for every password of a client: constant here.
    inputs: { applicationId: "app", displayName: d.displayName, startDate: d.startDate, endDate: d.endDate, rotateWhenChanged: JSON.stringify(d.rotateWhenChanged) },
    replaceOn: PASSWORD_REPLACE_ON,
    retainOnDelete: false,
    password: d,
  };
}

/** A Key Vault secret, retained on delete when its declaration says so. */
export function declaredVaultSecret(v: VaultSecretDeclaration): Declared {
  return {
    name: v.resourceName,
    kind: "vaultSecret",
    inputs: {
      resourceGroupName: v.resourceGroupName,
      vaultName: v.vaultName,
      secretName: v.secretName,
      notBefore: v.notBefore,
      expires: v.expires,
      contentType: v.contentType,
      slot: v.slot,
      generation: v.generation,
    },
    replaceOn: VAULT_SECRET_REPLACE_ON,
    retainOnDelete: v.retainOnDelete,
    holds: v.holds,
  };
}

export interface Credential {
  keyId: string;
  start: number;
  end: number;
}

export interface VaultVersion {
  /** The keyId of the password whose value was written. */
  value: string;
  notBefore: number;
  expires: number;
}

type VaultName = { state: "active"; versions: VaultVersion[] } | { state: "soft-deleted"; retainedUntil: number };

export type StepOp = "create" | "update" | "replace" | "delete" | "forget";

export interface Step {
  day: number;
  op: StepOp;
  name: string;
  kind: Declared["kind"];
}

interface DeployedResource {
  declared: Declared;
  /** Passwords: the Entra credential. */
  keyId?: string;
  /** Key Vault secrets: the value written (a password's keyId), part of the inputs for the diff. */
  value?: string;
}

function parseTime(rfc3339: string): number {
  return Date.parse(rfc3339);
}

/** One stack's secrets in the cloud and in the Pulumi state. */
export class CloudModel {
  /** Pulumi state: resource name → what was deployed. */
  readonly deployed = new Map<string, DeployedResource>();
  /** Entra ID: the application's password credentials. */
  readonly credentials = new Map<string, Credential>();
  /** Key Vault: secret name → active (with versions) or soft-deleted. */
  readonly vault = new Map<string, VaultName>();
  readonly steps: Step[] = [];
  /** Key Vault creates that the service refused (a name still soft-deleted, or taken). */
  readonly vaultConflicts: Array<{ day: number; secretName: string; reason: string }> = [];
  /** What the last deploy declared: the stack outputs describe these (the program computes them on every deploy). */
  private lastDeclared: readonly Declared[] = [];
  private nextKey = 0;

  /** `pulumi up` on `day` (its index) at `at` (epoch ms) with the resources declared that day. */
  deploy(day: number, at: number, declared: readonly Declared[]): Step[] {
    const steps: Step[] = [];
    this.lastDeclared = declared;
    const wanted = new Map(declared.map((d) => [d.name, d]));
    const retiring: DeployedResource[] = [];
    // Passwords first: a Key Vault secret's value input is the (new) password's value.
    const ordered = [...declared].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "password" ? -1 : 1));
    for (const d of ordered) {
      const old = this.deployed.get(d.name);
      const value = d.holds !== undefined ? this.deployed.get(d.holds)?.keyId : undefined;
      if (old === undefined) {
        this.deployed.set(d.name, this.create(day, at, d, value));
        steps.push({ day, op: "create", name: d.name, kind: d.kind });
        continue;
      }
      const changed = Object.keys({ ...old.declared.inputs, ...d.inputs }).filter((k) => old.declared.inputs[k] !== d.inputs[k]);
      if (d.kind === "vaultSecret" && old.value !== value) changed.push("properties.value");
      if (changed.length === 0) continue;
      if (changed.some((k) => d.replaceOn.includes(k))) {
        this.deployed.set(d.name, this.create(day, at, d, value));
        retiring.push(old);
        steps.push({ day, op: "replace", name: d.name, kind: d.kind });
      } else {
        this.update(old, d, value);
        steps.push({ day, op: "update", name: d.name, kind: d.kind });
      }
    }
    for (const [name, old] of [...this.deployed]) {
      if (wanted.has(name)) continue;
      this.deployed.delete(name);
      if (old.declared.retainOnDelete) {
        steps.push({ day, op: "forget", name, kind: old.declared.kind });
      } else {
        retiring.push(old);
        steps.push({ day, op: "delete", name, kind: old.declared.kind });
      }
    }
    // Deletes (and the old halves of replacements) run last.
    for (const old of retiring) this.remove(at, old);
    this.steps.push(...steps);
    return steps;
  }

  private create(day: number, at: number, d: Declared, value: string | undefined): DeployedResource {
    if (d.kind === "password") {
      const p = d.password!;
      const keyId = `key-${++this.nextKey}`;
      this.credentials.set(keyId, { keyId, start: parseTime(p.startDate), end: parseTime(p.endDate) });
      return { declared: d, keyId };
    }
    const secretName = String(d.inputs.secretName);
    const existing = this.vault.get(secretName);
    if (existing?.state === "soft-deleted" && at < existing.retainedUntil) {
      this.vaultConflicts.push({ day, secretName, reason: "409: a secret of this name is in a deleted but recoverable state" });
    } else if (existing?.state === "active") {
      this.vaultConflicts.push({ day, secretName, reason: "a secret of this name already exists" });
    }
    this.vault.set(secretName, { state: "active", versions: [this.version(d, value)] });
    return { declared: d, value };
  }

  private update(old: DeployedResource, d: Declared, value: string | undefined): void {
    old.declared = d;
    if (d.kind === "vaultSecret") {
      old.value = value;
      const entry = this.vault.get(String(d.inputs.secretName));
      if (entry?.state === "active") entry.versions.push(this.version(d, value));
    }
  }

  private remove(at: number, old: DeployedResource): void {
    if (old.declared.kind === "password") {
      this.credentials.delete(old.keyId!);
      return;
    }
    this.vault.set(String(old.declared.inputs.secretName), { state: "soft-deleted", retainedUntil: at + KEY_VAULT_RETENTION_DAYS * DAY_MS });
  }

  private version(d: Declared, value: string | undefined): VaultVersion {
    return { value: value ?? "(none)", notBefore: Number(d.inputs.notBefore) * 1000, expires: Number(d.inputs.expires) * 1000 };
  }

  /** The credentials valid at `t`. */
  validAt(t: number): Credential[] {
    return [...this.credentials.values()].filter((c) => c.start <= t && t < c.end);
  }

  /** The latest version of a Key Vault secret name, when the name is active. */
  latestVersion(secretName: string): VaultVersion | undefined {
    const entry = this.vault.get(secretName);
    return entry?.state === "active" ? entry.versions[entry.versions.length - 1] : undefined;
  }

  /** The password declarations of the last deploy: what the stack outputs describe (`clients.<name>.secrets`). */
  deployedPasswords(): PasswordDeclaration[] {
    return this.lastDeclared.flatMap((d) => (d.password !== undefined ? [d.password] : []));
  }
}
