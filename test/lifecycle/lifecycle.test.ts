/**
 * The secret schedule over four years of days (2026-2029), for the example stacks' clients and the edges the config
 * allows, with deploys every 1, 7 and 30 days and with the scheduled workflow's rule (deploy when `npm run due` says
 * so). Each deploy replays what ClientApp declares that day through a model of the engine, Entra ID and Key Vault
 * (model.ts, simulate.ts); the first test checks, under the SDK's mock runtime, that ClientApp declares exactly that.
 *
 * For every client and every day:
 * - a client secret exists that stays valid at least the overlap (lifetimeDays - rotateAfterDays), and the client's
 *   one Key Vault secret holds, as its latest version, a secret valid all day with expires/notBefore following it;
 * - no Key Vault secret name is created while a deleted one of that name could still be retained (90 days);
 * - nothing is replaced but the rotating slot's password, on the day its generation starts;
 * - with deploys stopped on any day, the due check warns at least the warning window (30 days or the stack's
 *   warnDays) before the last valid secret ends.
 * Deploys every N days keep the secrets valid when N <= the overlap; the simulation shows where they do not.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dueReasons, type DeployedSecret } from "../../cli/due/rule";
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
  edge(2, 1), // the shortest schedule the config allows
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
    const apps = days.map((d) => new ClientApp(`${client.name}-${d}`, { client: { ...client, name: `r${d.replace(/-/g, "")}` }, k2Api, keyVault: VAULT, now: parseUtcDay(d)! }));
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

  it("with the scheduled workflow's rule, deploys on generation starts and whenever the warning window calls for it, and only then", () => {
    const sim = simulationOf(scenario, "scheduled");
    const starts = generationStarts(scenario.client);
    for (const d of sim.days) {
      const expectDeploy = d.day === 0 || starts.has(d.day) || d.dueReasons.includes("expiring");
      expect(d.deployed, isoDayOf(d.at)).toBe(expectDeploy);
      if (d.day > 0 && starts.has(d.day)) expect(d.dueReasons, isoDayOf(d.at)).toContain("rotation");
    }
    // With an overlap at least the warning window, only rotation days deploy (plus the first).
    if (overlap >= scenario.warnDays) {
      expect(sim.days.filter((d) => d.deployed).map((d) => d.day)).toEqual([0, ...[...starts].filter((s) => s > 0)]);
    }
  });

  it("with deploys stopped on any day, warns at least the warning window before the last valid secret ends", () => {
    if (scenario.client.secret.lifetimeDays < scenario.warnDays) return; // no secret lives that long: nothing to warn so early
    const sim = simulationOf(scenario, "scheduled");
    const dueOn = (deployed: readonly DeployedSecret[], at: number): boolean =>
      dueReasons([scenario.client], { [scenario.client.name]: deployed }, new Date(at), scenario.warnDays).due;
    const short: string[] = [];
    for (let stop = 1; stop < DAYS; stop++) {
      const frozen = sim.snapshots![stop - 1];
      const lastEnd = Math.max(...frozen.map((s) => s.endDate.getTime()));
      const lastDay = Math.round((lastEnd - FIRST_DAY.getTime()) / DAY_MS);
      const at = (day: number) => FIRST_DAY.getTime() + day * DAY_MS;
      // With nothing deployed any more, once the stack is due it stays due: find the first due day after the stop.
      let lo = stop;
      let hi = lastDay;
      expect(dueOn(frozen, at(hi))).toBe(true);
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (dueOn(frozen, at(mid))) hi = mid;
        else lo = mid + 1;
      }
      if (lo > stop) expect(dueOn(frozen, at(lo - 1))).toBe(false);
      // A warning already showing before the stop (about the same last secret) started earlier.
      let first = lo;
      if (first === stop) {
        while (first > 0 && sim.days[first - 1].dueReasons.length > 0 && sim.days[first - 1].newestEndBefore === lastEnd) first--;
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
    expect(model.latestVersion("reporting-client-secret")).toBeDefined();
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
