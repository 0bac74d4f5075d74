/**
 * The secret schedule over four years of days (2026-2029), for the example stacks' clients and the edges the config
 * allows, with deploys every 1, 7 and 30 days and with the scheduled workflow's rule (deploy when `npm run due` says
 * so). Each deploy replays what ClientApp declares that day through a model of the engine, Entra ID and Key Vault
 * (model.ts, simulate.ts); the first test checks, under the SDK's mock runtime, that ClientApp declares exactly that.
 *
 * For every client and every day:
 * - a client secret exists that stays valid at least the overlap (lifetimeDays - rotateAfterDays), and the client's
 *   one Key Vault secret holds, as its latest version, a secret valid all day with expires/notBefore following it;
 * - no password is deleted or replaced before its end date, and after each rotation the value the Key Vault secret
 *   held before stays valid for the overlap;
 * - no Key Vault secret name is created while a deleted one of that name could still be retained (90 days);
 * - nothing is replaced but the rotating slot's password, on the day its generation starts;
 * - with deploys stopped on any day, the due check warns at least the warning window (30 days or the stack's
 *   warnDays) before the last valid secret ends.
 * Deploys every N days keep the secrets valid when N <= the overlap; the simulation shows where they do not.
 *
 * Then the deploy gate's secret checks (cli/secretSafety.ts) over the same model: a deployed client's schedule
 * changed on any day never loses a valid secret unless the override says so, and a client added on any day without
 * a start date is refused exactly when its first secret would expire inside the warning window, and with the line the
 * gate asks for it starts clean.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dueReasons } from "../../cli/due/rule";
import type { DeployedSecret } from "../../cli/secretSafety";
import { parsePolicyConfigText } from "../../cli/analyzer/policyConfig";
import { loadStackFile } from "../../cli/stackFile";
import { secretDeclarations, type PasswordDeclaration } from "../../components/clientApp";
import { validateStackConfig, type ClientConfig } from "../../components/config";
import { parseUtcDay, secretSchedule } from "../../components/rotation";
import { installMocks, resolve, settle, type RecordedResource } from "../helpers/pulumiMocks";
import { DAY_MS, declaredPassword, type Declared } from "./model";
import { currentDesign, simulate, VAULT, type Cadence, type Scenario, type Simulation } from "./simulate";

const REPO_ROOT = path.resolve(__dirname, "../..");
const FIRST_DAY = parseUtcDay("2026-01-01")!;
const DAYS = 4 * 365 + 1;

const recorded = installMocks();

function overlapOf(c: ClientConfig): number {
  return c.secret.lifetimeDays - c.secret.rotateAfterDays;
}

function exampleScenarios(stack: "dev" | "prod"): Scenario[] {
  const config = validateStackConfig(loadStackFile(stack, REPO_ROOT).config);
  const policyFile = path.join(REPO_ROOT, "policies", "config", `${stack}.json`);
  const entry = parsePolicyConfigText(fs.readFileSync(policyFile, "utf8"), policyFile)["entra-client-secret-expiry-advisory"];
  const warnDays = typeof entry?.warnDays === "number" ? entry.warnDays : 30;
  return config.clients.map((client) => ({ label: `${stack} ${client.name} (${client.secret.lifetimeDays}/${client.secret.rotateAfterDays})`, client, warnDays }));
}

function edge(lifetimeDays: number, rotateAfterDays: number, startDate?: string): Scenario {
  const client = validateStackConfig({
    tenantId: "11111111-2222-3333-4444-555555555555",
    k2Api: { clientId: "22222222-3333-4444-5555-666666666666" },
    k2: { url: "https://k2.example.com", edition: "cloud" },
    clients: [{ name: "edge", displayName: "Edge", secret: { lifetimeDays, rotateAfterDays, ...(startDate !== undefined ? { startDate } : {}) } }],
  }).clients[0];
  return { label: `${lifetimeDays}/${rotateAfterDays}${startDate !== undefined ? ` from ${startDate}` : ""}`, client, warnDays: 30 };
}

const SCENARIOS: Scenario[] = [
  ...exampleScenarios("dev"),
  ...exampleScenarios("prod"),
  edge(180, 90), // lifetime = 2 x rotateAfter
  edge(730, 365), // lifetime 730, = 2 x rotateAfter
  edge(90, 89), // rotateAfter = lifetime - 1
  edge(730, 729), // lifetime 730, rotateAfter = lifetime - 1
  edge(2, 1), // the shortest schedule the config allows (shorter than any warning window)
  edge(90, 60, "2026-01-01"), // a client with a start date (its first day is the first day simulated)
];
const CADENCES: Cadence[] = [{ every: 1 }, { every: 7 }, { every: 30 }, "scheduled"];
const cadenceLabel = (c: Cadence): string => (c === "scheduled" ? "the scheduled workflow's rule" : `deploys every ${c.every} day${c.every === 1 ? "" : "s"}`);
/** The cadence's longest gap between deploys, in days. */
const gapOf = (c: Cadence): number => (c === "scheduled" ? 1 : c.every);
const isoDayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);

describe("ClientApp declares what the lifecycle replays", () => {
  it("registers, on any day, exactly the passwords and the Key Vault secret of secretDeclarations, and nothing else that moves", async () => {
    const client = exampleScenarios("dev")[1].client; // reporting, 90/60
    const k2Api = { clientId: "22222222-3333-4444-5555-666666666666", servicePrincipalObjectId: "sp", scopeId: "scope", scope: "user_impersonation" };
    const { ClientApp } = await import("../../components/clientApp");
    const days = ["2027-02-13", "2027-02-14", "2027-03-15", "2027-03-16"];
    const apps = days.map((d) => new ClientApp(`${client.name}-${d}`, { client: { ...client, name: `r${d.replace(/-/g, "")}` }, configPath: "k2-oauth:clients[1]", k2Api, keyVault: VAULT, now: parseUtcDay(d)! }));
    await Promise.all(apps.map((a) => resolve(a.clientId)));
    await settle();
    for (const [i, d] of days.entries()) {
      const name = `r${d.replace(/-/g, "")}`;
      const mine = (r: RecordedResource) => r.name.startsWith(`${name}-`);
      const expected = secretDeclarations({ ...client, name }, parseUtcDay(d)!, VAULT);
      const passwords = recorded.filter((r) => mine(r) && r.type === "azuread:index/applicationPassword:ApplicationPassword");
      expect(passwords.map((r) => ({ name: r.name, ...r.inputs }))).toEqual(
        expected.passwords.map((p) => ({
          name: p.resourceName,
          applicationId: expect.any(String),
          displayName: p.displayName,
          startDate: p.startDate,
          endDate: p.endDate,
          rotateWhenChanged: p.rotateWhenChanged,
        })),
      );
      const vault = recorded.filter((r) => mine(r) && r.type === "azure-native:keyvault:Secret");
      const v = expected.vaultSecret!;
      expect(vault.map((r) => [r.name, r.inputs.resourceGroupName, r.inputs.vaultName, r.inputs.secretName])).toEqual([[v.resourceName, v.resourceGroupName, v.vaultName, v.secretName]]);
      const props = (vault[0].inputs.properties as { value: { value: string; attributes: Record<string, unknown> } }).value;
      expect(props.attributes).toEqual({ enabled: true, notBefore: v.notBefore, expires: v.expires });
      expect(props.value).toBe(`s3cr3t-${v.holds}`);
      expect((vault[0].inputs.tags as Record<string, string>)["k2-oauth-generation"]).toBe(String(v.generation));
      // Everything else ClientApp declares has the same inputs whatever the day.
      const others = recorded.filter((r) => mine(r) && ["-app", "-sp", "-consent"].some((s) => r.name.endsWith(s)));
      const first = recorded.filter((r) => r.name.startsWith(`r${days[0].replace(/-/g, "")}-`) && ["-app", "-sp", "-consent"].some((s) => r.name.endsWith(s)));
      expect(others.map((r) => [r.name.slice(name.length), r.type, r.inputs.displayName, r.inputs.claimValues])).toEqual(
        first.map((r) => [r.name.slice(`r${days[0].replace(/-/g, "")}`.length), r.type, r.inputs.displayName, r.inputs.claimValues]),
      );
      expect(apps[i].keyVaultSecretName).toBe(`${name}-client-secret`);
    }
  });
});

const simulations = new Map<string, Simulation>();
beforeAll(() => {
  for (const s of SCENARIOS) for (const c of CADENCES) simulations.set(`${s.label}|${cadenceLabel(c)}`, simulate(s, c, FIRST_DAY, DAYS, { keepSnapshots: c === "scheduled" }));
});
const simulationOf = (s: Scenario, c: Cadence): Simulation => simulations.get(`${s.label}|${cadenceLabel(c)}`)!;

/** The days on which a generation of the client's schedule starts. */
function generationStarts(client: ClientConfig): Set<number> {
  const starts = new Set<number>();
  for (let day = 0; day < DAYS; day++) {
    const at = FIRST_DAY.getTime() + day * DAY_MS;
    if (secretSchedule(client.secret, new Date(at)).current.startDate.getTime() === at) starts.add(day);
  }
  return starts;
}

describe.each(SCENARIOS)("$label", (scenario) => {
  const overlap = overlapOf(scenario.client);
  const holding = CADENCES.filter((c) => gapOf(c) <= overlap);
  const failing = CADENCES.filter((c) => gapOf(c) > overlap);

  it.each(holding.map((c) => ({ label: cadenceLabel(c), cadence: c })))(
    "with $label, always keeps a secret valid at least the overlap minus the days between deploys, and one Key Vault secret holding a valid one",
    ({ cadence }) => {
      const sim = simulationOf(scenario, cadence);
      const minRemaining = overlap + 1 - gapOf(cadence);
      const bad: string[] = [];
      for (const d of sim.days) {
        for (const [when, o] of [["before", d.before], ["after", d.after]] as const) {
          if (o === undefined) continue;
          if (o.bestRemainingDays < minRemaining || !o.vaultValueValidAllDay || !o.vaultAttributesFollow) {
            bad.push(`${isoDayOf(d.at)} ${when} the deploy: ${JSON.stringify(o)}`);
          }
        }
      }
      expect(bad).toEqual([]);
      expect(minRemaining).toBe(cadence === "scheduled" || gapOf(cadence) === 1 ? overlap : overlap + 1 - gapOf(cadence));
    },
  );

  it.each(failing.map((c) => ({ label: cadenceLabel(c), cadence: c })))("with $label, longer than the overlap, loses its valid secret after a rotation, as the model shows", ({ cadence }) => {
    const sim = simulationOf(scenario, cadence);
    const starts = [...generationStarts(scenario.client)];
    const gaps = sim.days.filter((d) => !d.after.vaultValueValidAllDay || (d.before !== undefined && !d.before.vaultValueValidAllDay));
    expect(gaps.length).toBeGreaterThan(0);
    for (const gap of gaps) {
      // Each gap lies after a generation start that no deploy had brought yet.
      const lastDeploy = Math.max(...sim.days.filter((d) => d.deployed && d.day < gap.day).map((d) => d.day));
      expect(starts.some((s) => s > lastDeploy && s <= gap.day), isoDayOf(gap.at)).toBe(true);
    }
  });

  it.each(CADENCES.map((c) => ({ label: cadenceLabel(c), cadence: c })))("with $label, never re-creates a Key Vault secret name, and replaces only the rotating slot", ({ cadence }) => {
    const sim = simulationOf(scenario, cadence);
    expect(sim.model.vaultConflicts).toEqual([]);
    const starts = generationStarts(scenario.client);
    const deployDays = sim.days.filter((d) => d.deployed).map((d) => d.day);
    for (const d of sim.days.filter((x) => x.deployed)) {
      const previousDeploy = Math.max(-1, ...deployDays.filter((x) => x < d.day));
      const declared = secretDeclarations(scenario.client, new Date(d.at), VAULT).passwords;
      for (const step of d.steps) {
        const where = `${isoDayOf(d.at)} ${step.op} ${step.name}`;
        // The Key Vault secret is created once and then only updated: never replaced, deleted or forgotten.
        if (step.kind === "vaultSecret") expect(step.op === "update" || (step.op === "create" && d.day === 0), where).toBe(true);
        if (step.op === "replace") {
          // A slot whose new generation started since the last deploy: on the very day with daily deploys or the
          // scheduled rule; with slower deploys, on the first deploy after it.
          const now = declared.find((p) => p.resourceName === step.name)!;
          const startDay = Math.round((Date.parse(now.startDate) - FIRST_DAY.getTime()) / DAY_MS);
          expect(startDay > previousDeploy && startDay <= d.day, `${where} (generation ${now.generation} starts ${now.startDate})`).toBe(true);
          expect(starts.has(startDay), where).toBe(true);
          if (gapOf(cadence) === 1) expect(startDay, where).toBe(d.day);
        }
      }
    }
    // The Key Vault secret's versions follow every rotation that was deployed.
    const updates = sim.model.steps.filter((s) => s.kind === "vaultSecret" && s.op === "update").length;
    const rotationsDeployed = new Set(sim.days.filter((d) => d.deployed).map((d) => secretSchedule(scenario.client.secret, new Date(d.at)).current.generation));
    expect(updates).toBe(rotationsDeployed.size - 1);
  });

  it.each(CADENCES.map((c) => ({ label: cadenceLabel(c), cadence: c })))("with $label, never deletes or replaces a password before its end date", ({ cadence }) => {
    const sim = simulationOf(scenario, cadence);
    const early = sim.model.steps
      .filter((st) => st.kind === "password" && (st.op === "delete" || st.op === "replace"))
      .filter((st) => st.removedEnd === undefined || st.removedEnd > FIRST_DAY.getTime() + st.day * DAY_MS)
      .map((st) => `${isoDayOf(FIRST_DAY.getTime() + st.day * DAY_MS)} ${st.op} ${st.name} (ends ${st.removedEnd === undefined ? "?" : isoDayOf(st.removedEnd)})`);
    expect(early).toEqual([]);
    expect(sim.model.validDrops).toEqual([]);
    // The check has something to look at: passwords are replaced or deleted over four years.
    expect(sim.model.steps.filter((st) => st.kind === "password" && st.op !== "create").length).toBeGreaterThan(0);
  });

  it.each(holding.map((c) => ({ label: cadenceLabel(c), cadence: c })))(
    "with $label, keeps the value the Key Vault secret held before a rotation valid for the overlap after it",
    ({ cadence }) => {
      const sim = simulationOf(scenario, cadence);
      const versions = sim.model.versions(VAULT.vaultName, `${scenario.client.name}-client-secret`);
      expect(versions.length).toBeGreaterThan(1);
      const short: string[] = [];
      for (let i = 1; i < versions.length; i++) {
        const [prev, next] = [versions[i - 1], versions[i]];
        // The previous generation ends `overlap` days after the one now written started.
        if ((prev.expires - next.notBefore) / DAY_MS !== overlap) short.push(`${isoDayOf(next.notBefore)}: previous ends ${isoDayOf(prev.expires)}`);
        // And stays valid in Entra ID every day from the write until then.
        for (let day = next.day; FIRST_DAY.getTime() + day * DAY_MS < prev.expires && day < DAYS; day++) {
          if (!sim.days[day].after.validKeys.includes(prev.value)) short.push(`${isoDayOf(FIRST_DAY.getTime() + day * DAY_MS)}: ${prev.value} not valid`);
        }
      }
      expect(short).toEqual([]);
    },
  );

  it("with the scheduled workflow's rule, deploys on the first day and on generation starts only, and never falls behind", () => {
    const sim = simulationOf(scenario, "scheduled");
    const starts = generationStarts(scenario.client);
    expect(sim.days.filter((d) => d.deployed).map((d) => d.day)).toEqual([0, ...[...starts].filter((s) => s > 0)]);
    for (const d of sim.days) {
      if (d.day > 0 && starts.has(d.day)) expect(d.dueReasons, isoDayOf(d.at)).toContain("rotation");
      expect(d.dueReasons, isoDayOf(d.at)).not.toContain("stale");
    }
  });
});

/** A schedule whose secrets outlive the warning window: the warning can come that early. */
const WARNABLE = SCENARIOS.filter((s) => s.client.secret.lifetimeDays >= s.warnDays);

it("leaves out of the stopped-deploys check only the schedules no warning window fits", () => {
  expect(SCENARIOS.filter((s) => !WARNABLE.includes(s)).map((s) => s.label)).toEqual(["2/1"]);
});

describe.each(WARNABLE)("$label, deploys stopped", (scenario) => {
  it("on any day: the due check warns at least the warning window before the last valid secret ends", () => {
    const sim = simulationOf(scenario, "scheduled");
    const warnedOn = (deployed: readonly DeployedSecret[], at: number): boolean =>
      dueReasons([scenario.client], { [scenario.client.name]: deployed }, new Date(at), scenario.warnDays).reasons.some(
        (r) => r.kind === "expiring" || r.kind === "stale",
      );
    const short: string[] = [];
    for (let stop = 1; stop < DAYS; stop++) {
      const frozen = sim.snapshots![stop - 1];
      const lastEnd = Math.max(...frozen.map((s) => s.endDate.getTime()));
      const lastDay = Math.round((lastEnd - FIRST_DAY.getTime()) / DAY_MS);
      const at = (day: number) => FIRST_DAY.getTime() + day * DAY_MS;
      // With nothing deployed any more, once the warning shows it stays: find the first warned day after the stop.
      let lo = stop;
      let hi = lastDay;
      expect(warnedOn(frozen, at(hi))).toBe(true);
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (warnedOn(frozen, at(mid))) hi = mid;
        else lo = mid + 1;
      }
      if (lo > stop) expect(warnedOn(frozen, at(lo - 1))).toBe(false);
      // A warning already showing before the stop (about the same last secret) started earlier.
      let first = lo;
      if (first === stop) {
        while (first > 0 && sim.days[first - 1].dueReasons.some((k) => k === "expiring" || k === "stale") && sim.days[first - 1].newestEndBefore === lastEnd) first--;
      }
      const lead = lastDay - first;
      if (lead < scenario.warnDays) short.push(`stop ${isoDayOf(at(stop))}: warned ${lead} days before ${isoDayOf(lastEnd)}`);
    }
    expect(short).toEqual([]);
  });
});

describe("the Key Vault design the simulation rejects", () => {
  it("one Key Vault secret per slot, deleted when its password expires, hits a soft-deleted name at the next rotation", () => {
    // The design this project used before: `<client>-client-secret-<slot>`, declared while the slot's password is.
    const legacy = (client: ClientConfig, at: Date): Declared[] =>
      secretDeclarations(client, at, VAULT).passwords.flatMap((p: PasswordDeclaration) => [
        declaredPassword(p),
        {
          name: `${p.resourceName}-kv`,
          kind: "vaultSecret" as const,
          inputs: { resourceGroupName: VAULT.resourceGroupName, vaultName: VAULT.vaultName, secretName: `${client.name}-client-secret-${p.slot}`, expires: Date.parse(p.endDate) / 1000 },
          replaceOn: ["resourceGroupName", "vaultName", "secretName"],
          retainOnDelete: false,
          holds: p.resourceName,
        },
      ]);
    const reporting = exampleScenarios("dev")[1];
    const sim = simulate(reporting, { every: 1 }, FIRST_DAY, DAYS, { declare: legacy });
    expect(sim.model.vaultConflicts.length).toBeGreaterThan(0);
    const first = sim.model.vaultConflicts[0];
    // A 90/60 schedule: the slot's secret expires, is deleted, and its name comes back 30 days later.
    expect(first.reason).toBe("409: a secret of this name is in a deleted but recoverable state");
    expect(first.secretName).toMatch(/^reporting-client-secret-[ab]$/);
    const deleted = sim.model.steps.find((s) => s.op === "delete" && s.kind === "vaultSecret" && s.day < first.day);
    expect(first.day - deleted!.day).toBe(30);
  });
});

describe("a client removed and added back", () => {
  it("leaves its Key Vault secret in place (never soft-deleted), so adding it back finds the name taken, not soft-deleted", () => {
    const reporting = exampleScenarios("dev")[1];
    const model = simulate(reporting, { every: 1 }, FIRST_DAY, 100).model;
    for (let day = 100; day < 110; day++) model.deploy(day, FIRST_DAY.getTime() + day * DAY_MS, []);
    const removal = model.steps.filter((s) => s.day === 100);
    expect(removal.filter((s) => s.kind === "vaultSecret").map((s) => [s.op, s.name])).toEqual([["forget", "reporting-secret-kv"]]);
    expect(removal.filter((s) => s.kind === "password").map((s) => s.op)).toEqual(["delete"]);
    expect(model.latestVersion(VAULT.vaultName, "reporting-client-secret")).toBeDefined();
    model.deploy(110, FIRST_DAY.getTime() + 110 * DAY_MS, currentDesign(reporting.client, new Date(FIRST_DAY.getTime() + 110 * DAY_MS)));
    // What `pulumi up` then reports: the secret exists (import it: README.md, "Removing a client"); never a 409.
    expect(model.vaultConflicts).toEqual([{ day: 110, secretName: "reporting-client-secret", reason: "a secret of this name already exists" }]);
  });
});

describe("a new client", () => {
  const base = exampleScenarios("dev")[0]; // power-automate, 180/150, warning window 30 days

  it("with a start date, gets on its first deploy only secrets that outlive the warning window, on any day it joins", () => {
    for (let day = 0; day < 365; day++) {
      const joined = new Date(FIRST_DAY.getTime() + day * DAY_MS);
      const client = { ...base.client, secret: { ...base.client.secret, startDate: isoDayOf(joined.getTime()) } };
      const first = secretDeclarations(client, joined, VAULT).passwords;
      expect(first.map((p) => [p.generation, p.startDate])).toEqual([[0, `${isoDayOf(joined.getTime())}T00:00:00Z`]]);
      for (const p of first) expect((Date.parse(p.endDate) - joined.getTime()) / DAY_MS).toBeGreaterThan(base.warnDays);
    }
  });

  it("without one, would start on some days with a previous-generation secret inside the warning window", () => {
    const early: string[] = [];
    for (let day = 0; day < 365; day++) {
      const joined = new Date(FIRST_DAY.getTime() + day * DAY_MS);
      const soon = secretDeclarations(base.client, joined, VAULT).passwords.filter((p) => (Date.parse(p.endDate) - joined.getTime()) / DAY_MS <= base.warnDays);
      if (soon.length > 0) early.push(isoDayOf(joined.getTime()));
    }
    // Every day of the 30-day overlap after each of the three rotations of 2026 (2026-01-20, 06-19 and 11-16).
    expect(early.length).toBe(90);
    for (const rotation of ["2026-01-20", "2026-06-19", "2026-11-16"]) expect(early).toContain(rotation);
    for (const dayBefore of ["2026-01-19", "2026-06-18", "2026-11-15"]) expect(early).not.toContain(dayBefore);
  });
});

describe("replacements as the providers order them", () => {
  const reporting = exampleScenarios("dev")[1];
  /**
   * The client's Key Vault secret, retained on delete or not (from the first day: the engine applies the deployed
   * resource's retainOnDelete to its delete), moved on day 10 to another resource group of the same vault name: a
   * replace-triggering input.
   */
  const moved = (retainOnDelete: boolean) => (client: ClientConfig, at: Date): Declared[] =>
    currentDesign(client, at).map((d) =>
      d.kind !== "vaultSecret"
        ? d
        : { ...d, retainOnDelete, inputs: at.getTime() >= FIRST_DAY.getTime() + 10 * DAY_MS ? { ...d.inputs, resourceGroupName: "rg-other" } : d.inputs },
    );

  it("a retained Key Vault secret is forgotten, not deleted, so its replacement meets the name still there", () => {
    const sim = simulate(reporting, { every: 1 }, FIRST_DAY, 12, { declare: moved(true) });
    expect(sim.model.steps.filter((s) => s.kind === "vaultSecret").map((s) => [s.day, s.op])).toEqual([
      [0, "create"],
      [10, "replace"],
      // Nothing in the state any more (the create failed), so the next day tries again.
      [11, "create"],
    ]);
    expect(sim.model.vaultConflicts).toEqual([
      { day: 10, secretName: "reporting-client-secret", reason: "a secret of this name already exists" },
      { day: 11, secretName: "reporting-client-secret", reason: "a secret of this name already exists" },
    ]);
  });

  it("azure-native deletes before it creates: a secret that is not retained is soft-deleted first, and the create meets a 409", () => {
    const sim = simulate(reporting, { every: 1 }, FIRST_DAY, 11, { declare: moved(false) });
    expect(sim.model.vaultConflicts).toEqual([{ day: 10, secretName: "reporting-client-secret", reason: "409: a secret of this name is in a deleted but recoverable state" }]);
  });

  it("an azuread password replaced on a rotation day (lifetime = 2 x rotateAfter) is one whose end is that day", () => {
    const sim = simulationOf(SCENARIOS.find((x) => x.label === "180/90")!, { every: 1 });
    const rotation = sim.days.find((d) => d.day > 0 && d.steps.some((s) => s.op === "replace" && s.kind === "password"))!;
    const replaced = rotation.steps.find((s) => s.op === "replace" && s.kind === "password")!;
    expect(replaced.removedEnd).toBe(rotation.at);
  });
});

/** The deploy gate over the model: deploys by the scheduled rule, plus a push on the day a change lands. */
describe("a deployed client's schedule changed on main, with the deploy gate", () => {
  const base = exampleScenarios("dev")[0]; // power-automate, 180/150, warning window 30 days
  const CHANGES: Array<[string, (client: ClientConfig, day: number) => ClientConfig]> = [
    ["a start date set to the day of the change", (c, day) => ({ ...c, secret: { ...c.secret, startDate: isoDayOf(FIRST_DAY.getTime() + day * DAY_MS) } })],
    ["lifetimeDays 180 -> 170", (c) => ({ ...c, secret: { ...c.secret, lifetimeDays: 170 } })],
    ["rotateAfterDays 150 -> 120", (c) => ({ ...c, secret: { ...c.secret, rotateAfterDays: 120 } })],
  ];
  /** The days the change lands on: spread over two years, across rotations and overlaps. */
  const CHANGE_DAYS = Array.from({ length: 32 }, (_, i) => 40 + i * 23);
  /** Long enough after the change for every secret deployed before it to end (lifetime 180) and the next to follow. */
  const lengthFor = (changeDay: number): number => changeDay + 400;

  describe.each(CHANGES)("%s", (_label, change) => {
    it("is refused on every deploy until nothing valid is left to drop, and the due check warns the window ahead and turns stale", () => {
      const problems: string[] = [];
      for (const changeDay of CHANGE_DAYS) {
        const changed = change(base.client, changeDay);
        const sim = simulate(base, "scheduled", FIRST_DAY, lengthFor(changeDay), { clientOn: (day) => (day < changeDay ? base.client : changed), pushDays: new Set([changeDay]), gate: {} });
        const where = `change on ${isoDayOf(FIRST_DAY.getTime() + changeDay * DAY_MS)}`;
        if (sim.model.validDrops.length > 0) problems.push(`${where}: dropped ${JSON.stringify(sim.model.validDrops)}`);
        if (sim.days.some((d) => d.day < changeDay && d.refused.length > 0)) problems.push(`${where}: refused before the change`);
        const first = sim.days[changeDay];
        if (first.refused.length === 0 || !first.refused.every((f) => f.kind === "drops-valid-secret" && f.message.startsWith("k2-oauth:clients[0] (power-automate): this deploy would"))) {
          problems.push(`${where}: the push was not refused for dropping a valid secret: ${JSON.stringify(first.refused)}`);
        }
        // Every later day is a due day (a rotation of the new schedule waits) and is refused while a valid secret is deployed.
        // The refused deploys leave the credentials as they were: the newest one ends on lastDay.
        const lastEnd = sim.days[changeDay].newestEndAfter!;
        const lastDay = Math.round((lastEnd - FIRST_DAY.getTime()) / DAY_MS);
        for (let day = changeDay; day < lastDay; day++) {
          if (sim.days[day].refused.length === 0) problems.push(`${where}: ${isoDayOf(FIRST_DAY.getTime() + day * DAY_MS)} not refused`);
        }
        // The due check warns (expiring, or stale from the day after a rotation should have come) at least the warning
        // window before the last valid secret ends.
        const warnedFrom = sim.days.findIndex((d) => d.day >= changeDay && d.dueReasons.some((k) => k === "expiring" || k === "stale"));
        const staleFrom = sim.days.findIndex((d) => d.day >= changeDay && d.dueReasons.includes("stale"));
        if (warnedFrom < 0 || lastDay - warnedFrom < base.warnDays || staleFrom < 0 || staleFrom > warnedFrom + 1) {
          problems.push(`${where}: warned from day ${warnedFrom}, stale from day ${staleFrom}, last valid secret ends on day ${lastDay}`);
        }
        // Once nothing valid is left, the gate lets the new schedule deploy.
        if (!sim.days[lastDay].deployed || sim.days[lastDay].refused.length > 0) problems.push(`${where}: not deployed on ${isoDayOf(lastEnd)}`);
      }
      expect(problems).toEqual([]);
    });

    it("goes through on the day the override names the client, dropping the valid secrets that day only, and is kept from then on", () => {
      const problems: string[] = [];
      for (const changeDay of CHANGE_DAYS) {
        const changed = change(base.client, changeDay);
        const overrideDay = changeDay + 3;
        const sim = simulate(base, "scheduled", FIRST_DAY, lengthFor(changeDay), {
          clientOn: (day) => (day < changeDay ? base.client : changed),
          pushDays: new Set([changeDay]),
          gate: { allowDropOn: new Set([overrideDay]) },
        });
        const where = `change on ${isoDayOf(FIRST_DAY.getTime() + changeDay * DAY_MS)}`;
        if (sim.model.validDrops.some((d) => d.day !== overrideDay) || sim.model.validDrops.length === 0) problems.push(`${where}: drops ${JSON.stringify(sim.model.validDrops)}`);
        const o = sim.days[overrideDay];
        if (!o.deployed || o.allowed.length === 0 || o.allowed.some((f) => f.client !== "power-automate")) problems.push(`${where}: override day ${JSON.stringify(o.allowed)}`);
        const overlap = overlapOf(changed);
        for (const d of sim.days.filter((x) => x.day > overrideDay)) {
          if (d.refused.length > 0) problems.push(`${where}: refused on ${isoDayOf(d.at)}`);
          if (d.after.bestRemainingDays < overlap || !d.after.vaultValueValidAllDay) problems.push(`${where}: ${isoDayOf(d.at)} ${JSON.stringify(d.after)}`);
        }
      }
      expect(problems).toEqual([]);
    });
  });

  it("without the gate, the same change drops the valid secrets at once (what the gate is for)", () => {
    const changeDay = 100;
    const changed = CHANGES[0][1](base.client, changeDay);
    const sim = simulate(base, "scheduled", FIRST_DAY, 200, { clientOn: (day) => (day < changeDay ? base.client : changed), pushDays: new Set([changeDay]) });
    // On 2026-04-11 the current generation (5, slot b) is valid until 2026-07-19: the re-anchored schedule declares
    // generation 0 in slot a only, so slot b's password is deleted (slot a's, generation 4, had ended already).
    expect(sim.model.validDrops.map((d) => [d.day, d.name, isoDayOf(d.end)])).toEqual([[changeDay, "power-automate-secret-b", "2026-07-19"]]);
  });
});

describe("a client added on any day, with the deploy gate", () => {
  const JOIN_DAYS = Array.from({ length: 365 }, (_, i) => i);

  describe.each([...exampleScenarios("dev"), ...exampleScenarios("prod")])("$label", (scenario) => {
    const withoutStart: ClientConfig = { ...scenario.client, secret: { lifetimeDays: scenario.client.secret.lifetimeDays, rotateAfterDays: scenario.client.secret.rotateAfterDays } };

    it("is refused without a start date exactly when its first secret would expire inside the warning window, with the line to add", () => {
      const problems: string[] = [];
      let refusedDays = 0;
      for (const join of JOIN_DAYS) {
        const at = FIRST_DAY.getTime() + join * DAY_MS;
        const sim = simulate({ ...scenario, client: withoutStart }, "scheduled", new Date(at), 1, { gate: {} });
        const firstEnd = Math.min(...secretDeclarations(withoutStart, new Date(at), VAULT).passwords.map((p) => Date.parse(p.endDate)));
        const inside = (firstEnd - at) / DAY_MS <= scenario.warnDays;
        const refused = sim.days[0].refused;
        if (inside) refusedDays++;
        if (inside !== (refused.length > 0)) problems.push(`${isoDayOf(at)}: inside ${inside}, refused ${refused.length}`);
        if (refused.length > 0 && !refused[0].message.includes(`\`startDate: ${isoDayOf(at)}\``)) problems.push(`${isoDayOf(at)}: ${refused[0].message}`);
      }
      expect(problems).toEqual([]);
      // Every day of the warning window's share of each overlap in the year is refused: not none, not all.
      expect(refusedDays).toBeGreaterThan(0);
      expect(refusedDays).toBeLessThan(JOIN_DAYS.length);
    });

    it("with the start date the gate asks for, starts with one secret that outlives the window and keeps the invariants for two lifetimes", () => {
      const problems: string[] = [];
      const overlap = overlapOf(scenario.client);
      // Everything of a start-dated client is relative to its start date: a join day every week of the year covers
      // every weekday and month (the full year is covered above, where the anchor's schedule matters).
      for (const join of JOIN_DAYS.filter((d) => d % 7 === 0)) {
        const at = FIRST_DAY.getTime() + join * DAY_MS;
        const client: ClientConfig = { ...withoutStart, secret: { ...withoutStart.secret, startDate: isoDayOf(at) } };
        const sim = simulate({ ...scenario, client }, "scheduled", new Date(at), 2 * client.secret.lifetimeDays, { gate: {} });
        const where = `joined ${isoDayOf(at)}`;
        if (sim.days.some((d) => d.refused.length > 0)) problems.push(`${where}: refused`);
        if (sim.model.validDrops.length > 0) problems.push(`${where}: valid secret dropped`);
        if (sim.days[0].after.bestRemainingDays !== client.secret.lifetimeDays) problems.push(`${where}: first secret ${sim.days[0].after.bestRemainingDays} days`);
        for (const d of sim.days) {
          if (d.after.bestRemainingDays < overlap || !d.after.vaultValueValidAllDay || d.dueReasons.includes("stale")) problems.push(`${where}: ${isoDayOf(d.at)} ${JSON.stringify(d.after)}`);
        }
      }
      expect(problems).toEqual([]);
    });
  });
});
