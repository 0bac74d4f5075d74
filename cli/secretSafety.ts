/**
 * What a deploy would do to the client secrets already deployed, judged before `pulumi up` from the stack outputs a
 * deployed stack has (`clients.<name>.secrets[]`: slot, generation, keyId, startDate, expires) and what the stack
 * declares for the day (secretDeclarations, the function ClientApp creates its passwords from).
 *
 * The invariant it guards: **a deploy never deletes or replaces a client secret that is still valid, except on
 * purpose.** The schedule itself never does: a rotation replaces the older slot, whose secret ends on the rotation day
 * at the latest (lifetimeDays <= 2 x rotateAfterDays), and a previous secret is dropped only once it has ended. A
 * change of a deployed client's `startDate`, `lifetimeDays` or `rotateAfterDays` moves its generations, so the
 * declared passwords differ from the deployed ones: each one still valid would be replaced (Entra ID passwords cannot
 * be updated: a new one is created and the old one deleted) and consumers using it lose access at once.
 *
 * And for clients not deployed yet: their first deploy should not create a secret that expires inside the warning
 * window (without a `startDate`, a client joins the fixed anchor's schedule mid-generation, possibly with a previous
 * generation's secret that ends within days).
 *
 * Pure: no I/O (the deploy gate, `npm run due` and the lifecycle tests call it alike).
 */
import { secretDeclarations, type PasswordDeclaration, type SecretOwner } from "../components/secretDeclarations";
import { DAY_MS, isoDay, utcDay, type SecretGeneration } from "../components/rotation";

/** A deployed client secret as the stack outputs give it. */
export interface DeployedSecret {
  slot: string;
  /** Absent in outputs of releases that did not export it: then start and end dates identify the secret. */
  generation: number | undefined;
  keyId: string | undefined;
  startDate: Date | undefined;
  endDate: Date;
  current: boolean | undefined;
}

/** Deployed secrets per client name; a client absent from the outputs is not deployed yet. */
export type DeployedSecrets = Readonly<Record<string, readonly DeployedSecret[] | undefined>>;

/** An app whose secrets are judged: a client, or the outbound app (then `configKey` says so). */
export interface JudgedOwner extends SecretOwner {
  /** Its config key, like `k2-oauth:outbound.app`; default `k2-oauth:clients[<index>]`. */
  configKey?: string;
}

function configKeyOf(owner: JudgedOwner, index: number): string {
  return owner.configKey ?? `k2-oauth:clients[${index}]`;
}

/** A deployed secret, still valid on the day, that the day's declarations would delete or replace. */
export interface ValidSecretDrop {
  client: string;
  /** Index of the client in the list judged (`k2-oauth:clients`, then the outbound app). */
  index: number;
  /** The config key of the app: `k2-oauth:clients[<index>]` or `k2-oauth:outbound.app`. */
  configKey: string;
  secret: DeployedSecret;
  /** deleted: no password is declared in its slot any more; replaced: another one is. */
  how: "deleted" | "replaced";
  /** What the day declares in that slot instead (replaced). */
  by: PasswordDeclaration | undefined;
}

/** A client not deployed yet whose first deploy would create a secret that expires inside the warning window. */
export interface EarlyExpiry {
  client: string;
  index: number;
  configKey: string;
  /** The client's `secret.startDate`, if it has one (then it lies too far back). */
  startDate: string | undefined;
  /** The declared password that ends first. */
  password: PasswordDeclaration;
  daysLeft: number;
  lifetimeDays: number;
}

/** Whole days from the start of `day` to `end` (end dates are whole UTC days). */
export function daysLeft(day: Date, end: Date): number {
  return Math.round((end.getTime() - utcDay(day).getTime()) / DAY_MS);
}

/** A secret is valid on `day` when it ends after the day's midnight (end dates are exclusive, whole UTC days). */
function validOn(day: Date, secret: DeployedSecret): boolean {
  return secret.endDate.getTime() > utcDay(day).getTime();
}

/**
 * Whether a deployed secret is this generation of the schedule: same slot, generation and dates (the generation and
 * start date when the outputs have them). The deploy gate and the due rule decide with it alike.
 */
export function isGeneration(deployed: DeployedSecret, gen: SecretGeneration): boolean {
  return (
    deployed.slot === gen.slot &&
    (deployed.generation === undefined || deployed.generation === gen.generation) &&
    deployed.endDate.getTime() === gen.endDate.getTime() &&
    (deployed.startDate === undefined || deployed.startDate.getTime() === gen.startDate.getTime())
  );
}

/** The declared password that keeps a deployed secret as it is. */
function keeps(declared: PasswordDeclaration, deployed: DeployedSecret): boolean {
  return isGeneration(deployed, { slot: declared.slot, generation: declared.generation, startDate: new Date(declared.startDate), endDate: new Date(declared.endDate) });
}

/** For every deployed client: the deployed secrets still valid on `day` that a deploy that day would delete or replace. */
export function validSecretDrops(clients: readonly JudgedOwner[], deployed: DeployedSecrets, day: Date): ValidSecretDrop[] {
  const drops: ValidSecretDrop[] = [];
  clients.forEach((client, index) => {
    const secrets = deployed[client.name];
    if (secrets === undefined || secrets.length === 0) return;
    const declared = secretDeclarations(client, day, undefined).passwords;
    for (const secret of secrets) {
      if (!validOn(day, secret)) continue;
      const inSlot = declared.find((p) => p.slot === secret.slot);
      if (inSlot !== undefined && keeps(inSlot, secret)) continue;
      drops.push({ client: client.name, index, configKey: configKeyOf(client, index), secret, how: inSlot === undefined ? "deleted" : "replaced", by: inSlot });
    }
  });
  return drops;
}

/** The clients not deployed yet whose first deploy on `day` would create a secret ending within `warnDays`. */
export function earlyExpiries(clients: readonly JudgedOwner[], deployed: DeployedSecrets, day: Date, warnDays: number): EarlyExpiry[] {
  const found: EarlyExpiry[] = [];
  clients.forEach((client, index) => {
    const secrets = deployed[client.name];
    if (secrets !== undefined && secrets.length > 0) return;
    const passwords = secretDeclarations(client, day, undefined).passwords;
    const first = [...passwords].sort((a, b) => Date.parse(a.endDate) - Date.parse(b.endDate))[0];
    const left = daysLeft(day, new Date(first.endDate));
    if (left <= warnDays) {
      found.push({ client: client.name, index, configKey: configKeyOf(client, index), startDate: client.secret.startDate, password: first, daysLeft: left, lifetimeDays: client.secret.lifetimeDays });
    }
  });
  return found;
}

function secretName(s: DeployedSecret): string {
  const parts = [s.generation !== undefined ? `generation ${s.generation}` : undefined, s.keyId !== undefined ? `key id ${s.keyId}` : undefined].filter(
    (p): p is string => p !== undefined,
  );
  return `the client secret in slot ${s.slot}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}

/** How to let a deploy drop valid secrets of a client on purpose (the deploy gate's override). */
export const ALLOW_DROP_OPTION = "allow-drop";

/** The deploy gate's message for a valid secret a deploy would drop: the client, the secret, its end, what to do. */
export function dropMessage(drop: ValidSecretDrop, day: Date): string {
  const left = daysLeft(day, drop.secret.endDate);
  const instead =
    drop.by === undefined
      ? "no secret is declared in that slot any more"
      : `the schedule now declares generation ${drop.by.generation} there (${drop.by.startDate.slice(0, 10)} to ${drop.by.endDate.slice(0, 10)})`;
  return (
    `${drop.configKey} (${drop.client}): this deploy would ${drop.how === "deleted" ? "delete" : "replace"} ${secretName(drop.secret)}, ` +
    `which is valid until ${isoDay(drop.secret.endDate)} (${left} more day${left === 1 ? "" : "s"}): ${instead}, and whoever still uses it loses access at once. ` +
    "A change of secret.startDate, lifetimeDays or rotateAfterDays on a deployed client moves its schedule and does this. " +
    "Revert that change to keep the secrets. To cut over on purpose (a leaked secret, a schedule you must change now), make sure every consumer reads " +
    `the current secret from Key Vault (or can be updated right after the deploy), then deploy with --${ALLOW_DROP_OPTION} ${drop.client} ` +
    `(the Deploy workflow run by hand with allow-secret-drop: ${drop.client}); README.md, "Changing a deployed client's schedule".`
  );
}

/** The deploy gate's message for a new client whose first secret would expire inside the warning window. */
export function earlyExpiryMessage(found: EarlyExpiry, day: Date, warnDays: number, stackFile: string): string {
  const why =
    found.startDate === undefined
      ? "has no secret.startDate, so it joins the fixed schedule mid-generation"
      : `has secret.startDate ${found.startDate}, ${daysLeft(new Date(Date.parse(found.startDate)), day)} days back`;
  return (
    `${found.configKey} (${found.client}) is not deployed yet and ${why}: its first deploy on ${isoDay(day)} would create ` +
    `the secret of slot ${found.password.slot} (generation ${found.password.generation}) that expires on ${found.password.endDate.slice(0, 10)}, ` +
    `in ${found.daysLeft} day${found.daysLeft === 1 ? "" : "s"}, inside the ${warnDays}-day expiry warning window. ` +
    `${found.startDate === undefined ? "Add" : "Set"} this line under ${found.configKey.slice("k2-oauth:".length)}.secret in ${stackFile} (add \`secret:\` if the client has none): ` +
    `\`startDate: ${isoDay(day)}\`. The client then starts with one fresh secret of the full ${found.lifetimeDays}-day lifetime.`
  );
}

/** One finding of the secret checks, for the deploy gate and `npm run due`. */
export interface SecretFinding {
  client: string;
  kind: "drops-valid-secret" | "new-client-expires-early";
  message: string;
}

export interface SecretCheckInput {
  /** The apps judged: the clients (and the outbound app: secretOwners in components/secretDeclarations.ts). */
  clients: readonly JudgedOwner[];
  deployed: DeployedSecrets;
  day: Date;
  warnDays: number;
  /** The stack file, as messages name it (`stacks/Pulumi.<stack>.yaml`). */
  stackFile: string;
  /** Clients whose valid secrets may be dropped on purpose (`--allow-drop`). */
  allowDrop?: readonly string[];
}

/** What blocks a deploy, and the drops the override lets through (each still reported). */
export function secretChecks(input: SecretCheckInput): { blockers: SecretFinding[]; allowed: SecretFinding[] } {
  const allow = new Set(input.allowDrop ?? []);
  const blockers: SecretFinding[] = [];
  const allowed: SecretFinding[] = [];
  for (const drop of validSecretDrops(input.clients, input.deployed, input.day)) {
    const finding: SecretFinding = { client: drop.client, kind: "drops-valid-secret", message: dropMessage(drop, input.day) };
    (allow.has(drop.client) ? allowed : blockers).push(finding);
  }
  for (const early of earlyExpiries(input.clients, input.deployed, input.day, input.warnDays)) {
    blockers.push({ client: early.client, kind: "new-client-expires-early", message: earlyExpiryMessage(early, input.day, input.warnDays, input.stackFile) });
  }
  return { blockers, allowed };
}
