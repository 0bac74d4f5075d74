/**
 * One rotation across both systems, over years of days: the outbound app's secrets (declared by the same code as the
 * clients') and, on K2 Five, the K2 OAuth resource whose client_secret follows the CURRENT password. For every schedule
 * and every deploy cadence whose gap fits the overlap, the secret K2 holds is valid all day, every day, before and
 * after the day's deploy; and whenever K2's client_secret changes, the password it now holds was created earlier in the
 * same deploy (the engine's order: the value comes from that password), while the previous one stays valid.
 */
import { describe, expect, it } from "vitest";
import { validateStackConfig } from "../../components/config";
import { secretDeclarations } from "../../components/secretDeclarations";
import { loadStackFile } from "../../cli/stackFile";
import { REPO_ROOT } from "../helpers/program";
import { dependencyOrder } from "./model";
import { K2_RESOURCE, outboundDesign, simulate, VAULT, type Cadence, type Scenario } from "./simulate";

const FIRST_DAY = new Date(Date.UTC(2026, 10, 29));
const DAYS = 800;
const CADENCES: Cadence[] = [{ every: 1 }, { every: 7 }, { every: 30 }, "scheduled"];
const gapOf = (c: Cadence): number => (c === "scheduled" ? 1 : c.every);
const label = (c: Cadence): string => (c === "scheduled" ? "the scheduled workflow's rule" : `deploys every ${c.every} days`);

function app(lifetimeDays: number, rotateAfterDays: number, startDate?: string): Scenario {
  const config = validateStackConfig({
    tenantId: "11111111-2222-3333-4444-555555555555",
    k2Api: { clientId: "22222222-3333-4444-5555-666666666666" },
    k2: { url: "https://k2.example.com", admin: { username: "u", password: "p" } },
    clients: [{ name: "c", displayName: "C" }],
    outbound: {
      app: { displayName: "K2 outbound", secret: { lifetimeDays, rotateAfterDays, ...(startDate !== undefined ? { startDate } : {}) } },
      resources: [{ name: "Microsoft Graph", audience: "https://graph.microsoft.com", permissions: ["User.Read"] }],
    },
  });
  const a = config.outbound!.app;
  // The outbound app's secrets as a client's (secretDeclarations reads its name and schedule only).
  return { label: `${lifetimeDays}/${rotateAfterDays}${startDate !== undefined ? ` from ${startDate}` : ""}`, client: { ...config.clients[0]!, name: a.name, displayName: a.displayName, secret: a.secret }, warnDays: 30 };
}

function devApp(): Scenario {
  const config = validateStackConfig(loadStackFile("dev", REPO_ROOT).config);
  const a = config.outbound!.app;
  return { label: `the dev stack's outbound app (${a.secret.lifetimeDays}/${a.secret.rotateAfterDays} from ${a.secret.startDate})`, client: { ...config.clients[0]!, name: a.name, displayName: a.displayName, secret: a.secret }, warnDays: 30 };
}

const SCENARIOS: Scenario[] = [devApp(), app(180, 150), app(90, 60), app(180, 90), app(730, 729), app(2, 1)];

describe.each(SCENARIOS.map((s) => ({ ...s, overlap: s.client.secret.lifetimeDays - s.client.secret.rotateAfterDays })))("$label", (scenario) => {
  const holding = CADENCES.filter((c) => gapOf(c) <= scenario.overlap);

  it.each(holding.map((c) => ({ name: label(c), cadence: c })))("with $name, K2 holds a valid client secret every day, set after its password is created", ({ cadence }) => {
    const sim = simulate(scenario, cadence, FIRST_DAY, DAYS, { declare: outboundDesign });
    const problems: string[] = [];
    let updates = 0;
    for (const d of sim.days) {
      const where = new Date(d.at).toISOString().slice(0, 10);
      if (d.before !== undefined && d.before.k2ValidAllDay !== true && sim.days[0].deployed) problems.push(`${where} before the deploy: K2's secret is not valid all day`);
      if (d.after.k2ValidAllDay !== true) problems.push(`${where} after the deploy: K2's secret is not valid all day`);
      const k2Step = d.steps.findIndex((s) => s.kind === "k2Resource");
      if (k2Step < 0) continue;
      updates++;
      // K2 now holds the day's current password (by the schedule, not by the component's own choice); if that password
      // is new, its create came first in this deploy.
      const current = secretDeclarations(scenario.client, new Date(d.at), VAULT).passwords.find((p) => p.current)!;
      const held = d.after.k2HoldsPasswords;
      if (held.length !== 1 || held[0] !== current.resourceName) problems.push(`${where}: K2 holds ${JSON.stringify(held)}, not the current password ${current.resourceName}`);
      const created = d.steps.findIndex((s) => s.kind === "password" && s.name === current.resourceName && (s.op === "create" || s.op === "replace"));
      if (created > k2Step) problems.push(`${where}: K2 was updated (step ${k2Step}) before the password ${current.resourceName} was created (step ${created})`);
    }
    expect(problems).toEqual([]);
    // K2 is written on the first deploy and on each rotation deploy, not on every deploy.
    const rotations = new Set(sim.days.map((d) => secretDeclarations(scenario.client, new Date(d.at), VAULT).schedule.current.generation)).size;
    expect(updates).toBeGreaterThanOrEqual(1);
    expect(updates).toBeLessThanOrEqual(rotations);
    // The K2 resource is updated in place, never replaced or deleted.
    expect(sim.model.steps.filter((s) => s.kind === "k2Resource").map((s) => s.op).filter((op) => op !== "create" && op !== "update")).toEqual([]);
    expect(sim.model.k2.has(K2_RESOURCE)).toBe(true);
  });

  if (scenario.overlap < 30) {
    it("with deploys every 30 days, longer than the overlap, K2's secret lapses: the cadence must fit the overlap", () => {
      const sim = simulate(scenario, { every: 30 }, FIRST_DAY, DAYS, { declare: outboundDesign });
      expect(sim.days.some((d) => d.after.k2ValidAllDay === false || d.before?.k2ValidAllDay === false)).toBe(true);
    });
  }
});


describe("the model's deploy order", () => {
  it("runs a resource after the one whose value it holds, whatever the declaration order; without the dependency, as declared", () => {
    const design = outboundDesign(SCENARIOS[1]!.client, FIRST_DAY);
    const k2 = design.find((d) => d.kind === "k2Resource")!;
    const password = design.find((d) => d.kind === "password" && d.name === k2.holds);
    expect(dependencyOrder([k2, password!]).map((d) => d.name)).toEqual([password!.name, K2_RESOURCE]);
    const { holds: _h, ...independent } = k2;
    expect(dependencyOrder([independent, password!]).map((d) => d.name)).toEqual([K2_RESOURCE, password!.name]);
  });
});
