/**
 * A model of what happens to a stack's client secrets when `pulumi up` runs day after day, for the lifecycle tests:
 *
 * - the Pulumi engine: from the resources deployed last time to the ones declared now, by resource name: create what
 *   is new, replace what changed in a replace-triggering input, update what changed otherwise, delete what is no
 *   longer declared (or, with retainOnDelete, forget it and leave it in the cloud). A replacement runs in the order
 *   the provider asks for: the engine's default, create the new one and delete the old one at the end, for azuread
 *   passwords (terraform-provider-azuread via the bridge, which asks for delete-before-replace only for resources
 *   with an auto-named property); delete first, then create, for azure-native resources (pulumi-azure-native
 *   provider/pkg/provider/provider.go, Diff: `deleteBeforeReplace := len(replaces) > 0`). A retained resource's
 *   delete step is skipped (the engine only forgets it), so a replacement of a retained Key Vault secret under the
 *   same name meets the secret still there;
 * - Entra ID: each password credential is valid from its start date to its end date (exclusive);
 * - Key Vault: every write adds a version (the latest is what consumers read); a delete is a soft delete that keeps
 *   the name taken for the retention period (90 days, purge protection on: nothing can purge it earlier); creating a
 *   name that is soft-deleted fails with 409 "deleted but recoverable", creating one that exists fails as a conflict
 *   (azure-native checks before it creates, and reports that the resource already exists). Names are per vault.
 *
 * What is declared comes from the project itself (secretDeclarations, the function ClientApp creates its secrets
 * from), as do the replace-triggering inputs (PASSWORD_REPLACE_ON, VAULT_SECRET_REPLACE_ON). Nothing of the schedule is
 * re-implemented here.
 */
import { PASSWORD_REPLACE_ON, VAULT_SECRET_REPLACE_ON, type PasswordDeclaration, type VaultSecretDeclaration } from "../../components/secretDeclarations";

export const DAY_MS = 86_400_000;
export const KEY_VAULT_RETENTION_DAYS = 90;

/** A declared resource as the engine sees it: name, inputs, and which inputs force a replacement. */
export interface Declared {
  name: string;
  /** k2Resource: an outbound K2 OAuth resource whose client_secret holds a password's value (OutboundOAuth). */
  kind: "password" | "vaultSecret" | "k2Resource";
  inputs: Record<string, string | number>;
  replaceOn: readonly string[];
  retainOnDelete: boolean;
  /** Passwords: the declaration (slot, generation, dates). */
  password?: PasswordDeclaration;
  /** Key Vault secrets and K2 resources: the password (resource name) whose value they hold. */
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

/**
 * An outbound K2 OAuth resource whose client_secret is `holds`'s value: its other inputs never change; a new value is
 * an update in place (the provider sets the parameter), as k2:OAuthResource's diff says.
 */
export function declaredK2Resource(name: string, holds: string): Declared {
  return { name, kind: "k2Resource", inputs: { resourceName: name }, replaceOn: ["resourceName"], retainOnDelete: false, holds };
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
  /** The deploy day (index) that wrote it. */
  day: number;
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
  /** Passwords replaced or deleted: the removed credential's end (epoch ms). */
  removedEnd?: number;
}

/** A password credential removed while still valid (it ended after the deploy's instant). */
export interface ValidDrop {
  day: number;
  name: string;
  keyId: string;
  end: number;
}

interface DeployedResource {
  declared: Declared;
  /** Passwords: the Entra credential. */
  keyId?: string;
  /** Key Vault secrets: the value written (a password's keyId), part of the inputs for the diff. */
  value?: string;
}

/** A Key Vault secret's name within its vault: names are per vault. */
function vaultKey(d: Declared): string {
  return `${String(d.inputs.vaultName)}/${String(d.inputs.secretName)}`;
}

function parseTime(rfc3339: string): number {
  return Date.parse(rfc3339);
}

/**
 * The declared resources in an order the engine may run them: each after the resource it holds the value of (`holds`,
 * when declared), the others in declaration order. Nothing else orders them: a dependent declared first runs first
 * unless it names its dependency.
 */
export function dependencyOrder(declared: readonly Declared[]): Declared[] {
  const byName = new Map(declared.map((d) => [d.name, d]));
  const out: Declared[] = [];
  const placed = new Set<string>();
  const place = (d: Declared, path: ReadonlySet<string>): void => {
    if (placed.has(d.name)) return;
    if (path.has(d.name)) throw new Error(`a dependency cycle through ${d.name}`);
    const dependency = d.holds !== undefined ? byName.get(d.holds) : undefined;
    if (dependency !== undefined) place(dependency, new Set([...path, d.name]));
    placed.add(d.name);
    out.push(d);
  };
  for (const d of declared) place(d, new Set());
  return out;
}

/** One stack's secrets in the cloud and in the Pulumi state. */
export class CloudModel {
  /** Pulumi state: resource name → what was deployed. */
  readonly deployed = new Map<string, DeployedResource>();
  /** Entra ID: the application's password credentials. */
  readonly credentials = new Map<string, Credential>();
  /** Key Vault: secret name → active (with versions) or soft-deleted. */
  readonly vault = new Map<string, VaultName>();
  /** K2: outbound OAuth resource name → the key id of the password whose value its client_secret holds. */
  readonly k2 = new Map<string, string | undefined>();
  readonly steps: Step[] = [];
  /** Key Vault creates that the service refused (a name still soft-deleted, or taken). */
  readonly vaultConflicts: Array<{ day: number; secretName: string; reason: string }> = [];
  /** Passwords deleted or replaced while still valid. */
  readonly validDrops: ValidDrop[] = [];
  /** What the last deploy declared: the stack outputs describe these (the program computes them on every deploy). */
  private lastDeclared: readonly Declared[] = [];
  private nextKey = 0;

  /** `pulumi up` on `day` (its index) at `at` (epoch ms) with the resources declared that day. */
  deploy(day: number, at: number, declared: readonly Declared[]): Step[] {
    const steps: Step[] = [];
    this.lastDeclared = declared;
    const wanted = new Map(declared.map((d) => [d.name, d]));
    /** Old halves of create-before-delete replacements, and deletes: removed at the end. */
    const retiring: DeployedResource[] = [];
    // The engine's order: a resource runs after the one it depends on (a Key Vault secret's or a K2 resource's value
    // input is its password's value: `holds`), otherwise in the order declared.
    const ordered = dependencyOrder(declared);
    for (const d of ordered) {
      const old = this.deployed.get(d.name);
      const value = d.holds !== undefined ? this.deployed.get(d.holds)?.keyId : undefined;
      if (old === undefined) {
        this.record(d.name, this.create(day, at, d, value));
        steps.push({ day, op: "create", name: d.name, kind: d.kind });
        continue;
      }
      const changed = Object.keys({ ...old.declared.inputs, ...d.inputs }).filter((k) => old.declared.inputs[k] !== d.inputs[k]);
      if (d.kind !== "password" && old.value !== value) changed.push(d.kind === "vaultSecret" ? "properties.value" : "clientSecret");
      if (changed.length === 0) continue;
      if (changed.some((k) => d.replaceOn.includes(k))) {
        const step: Step = { day, op: "replace", name: d.name, kind: d.kind, ...this.removedEnd(old) };
        if (d.kind === "vaultSecret") {
          // azure-native: delete before replace (a retained secret is only forgotten), then create.
          if (!old.declared.retainOnDelete) this.remove(day, at, old);
          this.deployed.delete(d.name);
          this.record(d.name, this.create(day, at, d, value));
        } else {
          this.record(d.name, this.create(day, at, d, value));
          retiring.push(old);
        }
        steps.push(step);
      } else {
        this.update(day, old, d, value);
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
        steps.push({ day, op: "delete", name, kind: old.declared.kind, ...this.removedEnd(old) });
      }
    }
    // Deletes (and the old halves of create-before-delete replacements) run last.
    for (const old of retiring) this.remove(day, at, old);
    this.steps.push(...steps);
    return steps;
  }

  private record(name: string, created: DeployedResource | undefined): void {
    if (created !== undefined) this.deployed.set(name, created);
  }

  private removedEnd(old: DeployedResource): { removedEnd?: number } {
    const credential = old.keyId !== undefined ? this.credentials.get(old.keyId) : undefined;
    return credential !== undefined ? { removedEnd: credential.end } : {};
  }

  private create(day: number, at: number, d: Declared, value: string | undefined): DeployedResource | undefined {
    if (d.kind === "password") {
      const p = d.password!;
      const keyId = `key-${++this.nextKey}`;
      this.credentials.set(keyId, { keyId, start: parseTime(p.startDate), end: parseTime(p.endDate) });
      return { declared: d, keyId };
    }
    if (d.kind === "k2Resource") {
      this.k2.set(d.name, value);
      return { declared: d, value };
    }
    const key = vaultKey(d);
    const existing = this.vault.get(key);
    const secretName = String(d.inputs.secretName);
    // The create fails: nothing is written and the resource stays out of the state (the update reports the error).
    if (existing?.state === "soft-deleted" && at < existing.retainedUntil) {
      this.vaultConflicts.push({ day, secretName, reason: "409: a secret of this name is in a deleted but recoverable state" });
      return undefined;
    }
    if (existing?.state === "active") {
      this.vaultConflicts.push({ day, secretName, reason: "a secret of this name already exists" });
      return undefined;
    }
    this.vault.set(key, { state: "active", versions: [this.version(day, d, value)] });
    return { declared: d, value };
  }

  private update(day: number, old: DeployedResource, d: Declared, value: string | undefined): void {
    old.declared = d;
    if (d.kind === "k2Resource") {
      old.value = value;
      this.k2.set(d.name, value);
    }
    if (d.kind === "vaultSecret") {
      old.value = value;
      const entry = this.vault.get(vaultKey(d));
      if (entry?.state === "active") entry.versions.push(this.version(day, d, value));
    }
  }

  private remove(day: number, at: number, old: DeployedResource): void {
    if (old.declared.kind === "k2Resource") {
      this.k2.delete(old.declared.name);
      return;
    }
    if (old.declared.kind === "password") {
      const credential = this.credentials.get(old.keyId!);
      if (credential !== undefined && credential.end > at) this.validDrops.push({ day, name: old.declared.name, keyId: credential.keyId, end: credential.end });
      this.credentials.delete(old.keyId!);
      return;
    }
    this.vault.set(vaultKey(old.declared), { state: "soft-deleted", retainedUntil: at + KEY_VAULT_RETENTION_DAYS * DAY_MS });
  }

  private version(day: number, d: Declared, value: string | undefined): VaultVersion {
    return { day, value: value ?? "(none)", notBefore: Number(d.inputs.notBefore) * 1000, expires: Number(d.inputs.expires) * 1000 };
  }

  /** The credentials valid at `t`. */
  validAt(t: number): Credential[] {
    return [...this.credentials.values()].filter((c) => c.start <= t && t < c.end);
  }

  /** The latest version of a Key Vault secret name (in `vaultName`), when the name is active. */
  latestVersion(vaultName: string, secretName: string): VaultVersion | undefined {
    const versions = this.versions(vaultName, secretName);
    return versions[versions.length - 1];
  }

  /** Every version of an active Key Vault secret name, oldest first. */
  versions(vaultName: string, secretName: string): readonly VaultVersion[] {
    const entry = this.vault.get(`${vaultName}/${secretName}`);
    return entry?.state === "active" ? entry.versions : [];
  }

  /**
   * The passwords of the last deploy with their key ids: what the stack outputs describe (`clients.<name>.secrets`);
   * empty before the first deploy.
   */
  deployedPasswords(): Array<PasswordDeclaration & { keyId: string }> {
    return this.lastDeclared.flatMap((d) => {
      const keyId = this.deployed.get(d.name)?.keyId;
      return d.password !== undefined && keyId !== undefined ? [{ ...d.password, keyId }] : [];
    });
  }

  /** Whether anything was ever deployed (the stack outputs exist). */
  get everDeployed(): boolean {
    return this.steps.length > 0;
  }
}
