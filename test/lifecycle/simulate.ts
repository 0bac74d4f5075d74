/**
 * Plays a client's secrets over years of days: each deploy day, what ClientApp declares (secretDeclarations) goes
 * through the model of the engine, Entra ID and Key Vault (model.ts); deploys happen every N days, or when the
 * scheduled workflow's rule (cli/due/rule.ts) says the stack is due. With `gate`, each deploy first goes through the
 * deploy gate's secret checks (cli/secretSafety.ts) on the deployed outputs, as deploy-stack.yml runs it, and a
 * refused deploy changes nothing. The client's config may change from one day to the next (`clientOn`), as a commit
 * on main would change it.
 */
import { currentPasswordIndex, keyVaultSecretName, secretDeclarations } from "../../components/secretDeclarations";
import type { ClientConfig, KeyVaultConfig } from "../../components/config";
import { dueReasons } from "../../cli/due/rule";
import { secretChecks, type DeployedSecret, type SecretFinding } from "../../cli/secretSafety";
import { CloudModel, DAY_MS, declaredK2Resource, declaredPassword, declaredVaultSecret, type Declared, type Step } from "./model";

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
  /** The key ids of the credentials valid at that instant. */
  validKeys: string[];
  /** The latest version of the client's Key Vault secret holds a credential that is valid all day long. */
  vaultValueValidAllDay: boolean;
  /** Its `notBefore` and `expires` are the start and end of the credential it holds. */
  vaultAttributesFollow: boolean;
  /** Outbound: every K2 OAuth resource's client_secret is a credential valid all day long (undefined: no K2 resource). */
  k2ValidAllDay: boolean | undefined;
  /** Outbound: the deployed passwords (resource names) whose values the K2 OAuth resources hold, in their order. */
  k2HoldsPasswords: Array<string | undefined>;
}

export interface DayRecord {
  day: number;
  /** 00:00 UTC of the day. */
  at: number;
  /** A deploy ran (and was not refused by the gate). */
  deployed: boolean;
  /** The deploy gate refused the day's deploy: what it said. */
  refused: SecretFinding[];
  /** Drops of valid secrets the day's deploy made because the override allowed them. */
  allowed: SecretFinding[];
  steps: Step[];
  /** The due rule's kinds on this day for the state before its deploy (scheduled runs only). */
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
  /** The deployed secrets after each day (for "deploys stop on day s" questions): only kept when asked for. */
  snapshots?: DeployedSecret[][];
}

export interface SimulationOptions {
  declare?: (client: ClientConfig, at: Date) => Declared[];
  keepSnapshots?: boolean;
  /** The client's config on a day (a change on main); default: the scenario's, every day. */
  clientOn?: (day: number) => ClientConfig;
  /** Days a push to main deploys whatever the cadence says (the day a config change lands). */
  pushDays?: ReadonlySet<number>;
  /** Run the deploy gate's secret checks before each deploy; `allowDropOn` days pass the override for the client. */
  gate?: { allowDropOn?: ReadonlySet<number> };
}

export const VAULT: KeyVaultConfig = { resourceGroupName: "rg-k2", vaultName: "kv-k2-sim" };

/** This project's design: the passwords of the day and the one Key Vault secret per client. */
export function currentDesign(client: ClientConfig, at: Date): Declared[] {
  const d = secretDeclarations(client, at, VAULT);
  return [...d.passwords.map(declaredPassword), ...(d.vaultSecret !== undefined ? [declaredVaultSecret(d.vaultSecret)] : [])];
}

/** The K2 OAuth resource OutboundOAuth declares on K2 Five for the dev stack's Microsoft Graph resource. */
export const K2_RESOURCE = "k2-outbound-k2-microsoft-graph";

/**
 * The outbound app on K2 Five: its passwords and Key Vault secret (the same code as a client's), and a K2 OAuth
 * resource whose client_secret is the current password's value (OutboundOAuth: declareRotatingSecrets' currentPassword).
 */
export function outboundDesign(client: ClientConfig, at: Date): Declared[] {
  const declared = secretDeclarations(client, at, VAULT);
  // The password the component feeds K2 (its own choice), declared FIRST: the model runs it after that password only
  // because it holds its value (the dependency), not because of where it is listed.
  const fed = declared.passwords[currentPasswordIndex(declared)];
  return [declaredK2Resource(K2_RESOURCE, fed.resourceName), ...currentDesign(client, at)];
}

/** The deployed secrets as the stack outputs give them (index.ts: slot, generation, current, keyId, startDate, expires). */
export function deployedSecrets(model: CloudModel): DeployedSecret[] {
  return model.deployedPasswords().map((p) => ({
    slot: p.slot,
    generation: p.generation,
    keyId: p.keyId,
    startDate: new Date(p.startDate),
    endDate: new Date(p.endDate),
    current: p.current,
  }));
}

export function observe(model: CloudModel, client: ClientConfig, at: number): Observation {
  const valid = model.validAt(at);
  const bestRemainingDays = valid.length === 0 ? 0 : Math.max(...valid.map((c) => Math.floor((c.end - at) / DAY_MS)));
  const latest = model.latestVersion(VAULT.vaultName, keyVaultSecretName(client.name));
  const held = latest === undefined ? undefined : model.credentials.get(latest.value);
  const k2Held = [...model.k2.values()].map((keyId) => (keyId === undefined ? undefined : model.credentials.get(keyId)));
  return {
    k2HoldsPasswords: [...model.k2.values()].map((keyId) => model.deployedPasswords().find((p) => p.keyId === keyId)?.resourceName),
    k2ValidAllDay: k2Held.length === 0 ? undefined : k2Held.every((c) => c !== undefined && c.start <= at && c.end >= at + DAY_MS),
    bestRemainingDays,
    validKeys: valid.map((c) => c.keyId),
    vaultValueValidAllDay: held !== undefined && held.start <= at && held.end >= at + DAY_MS,
    vaultAttributesFollow: held !== undefined && latest !== undefined && latest.notBefore === held.start && latest.expires === held.end,
  };
}

function newestEnd(model: CloudModel): number | undefined {
  const ends = [...model.credentials.values()].map((c) => c.end);
  return ends.length === 0 ? undefined : Math.max(...ends);
}

export function simulate(scenario: Scenario, cadence: Cadence, firstDay: Date, dayCount: number, options: SimulationOptions = {}): Simulation {
  const model = new CloudModel();
  const days: DayRecord[] = [];
  const snapshots: DeployedSecret[][] = [];
  for (let day = 0; day < dayCount; day++) {
    const at = firstDay.getTime() + day * DAY_MS;
    const client = options.clientOn?.(day) ?? scenario.client;
    const newestEndBefore = newestEnd(model);
    const before = day === 0 ? undefined : observe(model, client, at);
    const outputs = { [client.name]: model.everDeployed ? deployedSecrets(model) : undefined };
    let reasons: string[] = [];
    let deploy: boolean;
    if (cadence === "scheduled") {
      const due = dueReasons([client], outputs, new Date(at), scenario.warnDays);
      reasons = due.reasons.map((r) => r.kind);
      deploy = due.due;
    } else {
      deploy = day % cadence.every === 0;
    }
    if (options.pushDays?.has(day) === true) deploy = true;
    let refused: SecretFinding[] = [];
    let allowed: SecretFinding[] = [];
    if (deploy && options.gate !== undefined) {
      const checked = secretChecks({
        clients: [client],
        deployed: outputs,
        day: new Date(at),
        warnDays: scenario.warnDays,
        stackFile: "stacks/Pulumi.sim.yaml",
        ...(options.gate.allowDropOn?.has(day) === true ? { allowDrop: [client.name] } : {}),
      });
      refused = checked.blockers;
      allowed = checked.allowed;
      if (refused.length > 0) deploy = false;
    }
    const steps = deploy ? model.deploy(day, at, (options.declare ?? currentDesign)(client, new Date(at))) : [];
    days.push({
      day,
      at,
      deployed: deploy,
      refused,
      allowed,
      steps,
      dueReasons: reasons,
      newestEndBefore,
      newestEndAfter: newestEnd(model),
      before,
      after: observe(model, client, at),
    });
    if (options.keepSnapshots === true) snapshots.push(deployedSecrets(model));
  }
  return { scenario, model, days, ...(options.keepSnapshots === true ? { snapshots } : {}) };
}
