/**
 * Plays a client's secrets over years of days: each deploy day, what ClientApp declares (secretDeclarations) goes
 * through the model of the engine, Entra ID and Key Vault (model.ts); deploys happen every N days, or when the
 * scheduled workflow's rule (cli/due/rule.ts) says the stack is due.
 */
import { keyVaultSecretName, secretDeclarations } from "../../components/clientApp";
import type { ClientConfig, KeyVaultConfig } from "../../components/config";
import { dueReasons, type DeployedSecret } from "../../cli/due/rule";
import { CloudModel, DAY_MS, declaredPassword, declaredVaultSecret, type Declared, type Step } from "./model";

export interface Scenario {
  label: string;
  client: ClientConfig;
  /** The stack's expiry warning window (its policy config's warnDays, default 30). */
  warnDays: number;
}

export type Cadence = { every: number } | "scheduled";

/** What consumers have at 00:00 UTC of a day. */
export interface Observation {
  /** Whole days the longest-valid credential has left (0: none is valid). */
  bestRemainingDays: number;
  /** The latest version of the client's Key Vault secret holds a credential that is valid all day long. */
  vaultValueValidAllDay: boolean;
  /** Its `notBefore` and `expires` are the start and end of the credential it holds. */
  vaultAttributesFollow: boolean;
}

export interface DayRecord {
  day: number;
  /** 00:00 UTC of the day. */
  at: number;
  deployed: boolean;
  steps: Step[];
  /** The due rule's answer on this day for the state before its deploy (scheduled runs only). */
  dueReasons: string[];
  /** The latest end date among the deployed credentials, before and after the day's deploy. */
  newestEndBefore: number | undefined;
  newestEndAfter: number | undefined;
  /** Before the day's deploy (undefined on the first day: nothing deployed yet) and after it. */
  before: Observation | undefined;
  after: Observation;
}

export interface Simulation {
  scenario: Scenario;
  model: CloudModel;
  days: DayRecord[];
  /** The model after the deploy of each day (for "deploys stop on day s" questions): only kept when asked for. */
  snapshots?: DeployedSecret[][];
}

export const VAULT: KeyVaultConfig = { resourceGroupName: "rg-k2", vaultName: "kv-k2-sim" };

/** This project's design: the passwords of the day and the one Key Vault secret per client. */
export function currentDesign(client: ClientConfig, at: Date): Declared[] {
  const d = secretDeclarations(client, at, VAULT);
  return [...d.passwords.map(declaredPassword), ...(d.vaultSecret !== undefined ? [declaredVaultSecret(d.vaultSecret)] : [])];
}

/** The deployed secrets as the stack outputs give them to the due rule. */
export function deployedSecrets(model: CloudModel): DeployedSecret[] {
  return model.deployedPasswords().map((p) => ({ slot: p.slot, current: p.current, endDate: new Date(p.endDate) }));
}

export function observe(model: CloudModel, client: ClientConfig, at: number): Observation {
  const valid = model.validAt(at);
  const bestRemainingDays = valid.length === 0 ? 0 : Math.max(...valid.map((c) => Math.floor((c.end - at) / DAY_MS)));
  const latest = model.latestVersion(keyVaultSecretName(client.name));
  const held = latest === undefined ? undefined : model.credentials.get(latest.value);
  return {
    bestRemainingDays,
    vaultValueValidAllDay: held !== undefined && held.start <= at && held.end >= at + DAY_MS,
    vaultAttributesFollow: held !== undefined && latest !== undefined && latest.notBefore === held.start && latest.expires === held.end,
  };
}

function newestEnd(model: CloudModel): number | undefined {
  const ends = [...model.credentials.values()].map((c) => c.end);
  return ends.length === 0 ? undefined : Math.max(...ends);
}

export function simulate(
  scenario: Scenario,
  cadence: Cadence,
  firstDay: Date,
  dayCount: number,
  options: { declare?: (client: ClientConfig, at: Date) => Declared[]; keepSnapshots?: boolean } = {},
): Simulation {
  const model = new CloudModel();
  const days: DayRecord[] = [];
  const snapshots: DeployedSecret[][] = [];
  for (let day = 0; day < dayCount; day++) {
    const at = firstDay.getTime() + day * DAY_MS;
    const newestEndBefore = newestEnd(model);
    const before = day === 0 ? undefined : observe(model, scenario.client, at);
    let reasons: string[] = [];
    let deploy: boolean;
    if (cadence === "scheduled") {
      reasons = dueReasons([scenario.client], { [scenario.client.name]: deployedSecrets(model) }, new Date(at), scenario.warnDays).reasons.map((r) => r.kind);
      deploy = reasons.length > 0;
    } else {
      deploy = day % cadence.every === 0;
    }
    const steps = deploy ? model.deploy(day, at, (options.declare ?? currentDesign)(scenario.client, new Date(at))) : [];
    days.push({ day, at, deployed: deploy, steps, dueReasons: reasons, newestEndBefore, newestEndAfter: newestEnd(model), before, after: observe(model, scenario.client, at) });
    if (options.keepSnapshots === true) snapshots.push(deployedSecrets(model));
  }
  return { scenario, model, days, ...(options.keepSnapshots === true ? { snapshots } : {}) };
}
