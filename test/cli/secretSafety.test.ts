/**
 * The deploy gate's secret checks (cli/secretSafety.ts): no deploy deletes or replaces a client secret that is still
 * valid unless the override names its client, and a client not deployed yet is refused when its first secret would
 * expire inside the warning window. Deployed secrets here are what the program exports for a deploy on a given day.
 */
import { describe, expect, it } from "vitest";
import { earlyExpiries, isGeneration, secretChecks, validSecretDrops, type DeployedSecret } from "../../cli/secretSafety";
import { ClientSchema, type ClientConfig } from "../../components/config";
import { DAY_MS, parseUtcDay } from "../../components/rotation";
import { secretDeclarations } from "../../components/secretDeclarations";

const day = (text: string): Date => parseUtcDay(text)!;
const client = (name: string, secret: ClientConfig["secret"]): ClientConfig => ClientSchema.parse({ name, displayName: name, secret });
/** power-automate of the dev example: 180/150, generation 7 (slot b) 2026-11-16 to 2027-05-15, 6 (slot a) until 2026-12-16. */
const pa = client("power-automate", { lifetimeDays: 180, rotateAfterDays: 150 });
const reporting = client("reporting", { lifetimeDays: 90, rotateAfterDays: 60 });

/** What a deploy on `on` left: the stack outputs' secrets, with key ids. */
function deployedOn(c: ClientConfig, on: string): DeployedSecret[] {
  return secretDeclarations(c, day(on), undefined).passwords.map((p) => ({
    slot: p.slot,
    generation: p.generation,
    keyId: `key-${p.generation}`,
    startDate: new Date(p.startDate),
    endDate: new Date(p.endDate),
    current: p.current,
  }));
}

describe("validSecretDrops", () => {
  it("finds nothing on any day of four years of daily deploys, whatever the schedule: rotation never drops a valid secret", () => {
    const schedules = [pa, reporting, client("edge", { lifetimeDays: 180, rotateAfterDays: 90 }), client("tight", { lifetimeDays: 90, rotateAfterDays: 89 })];
    const found: string[] = [];
    for (const c of schedules) {
      for (let t = day("2026-01-02").getTime(); t < day("2030-01-01").getTime(); t += DAY_MS) {
        const yesterday = new Date(t - DAY_MS).toISOString().slice(0, 10);
        const drops = validSecretDrops([c], { [c.name]: deployedOn(c, yesterday) }, new Date(t));
        if (drops.length > 0) found.push(`${c.name} ${new Date(t).toISOString().slice(0, 10)}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("lets a secret that ends at the day's midnight go, and stops one that ends a day later", () => {
    // 180/90: on a rotation day the replaced slot's secret ends exactly that day.
    const edge = client("edge", { lifetimeDays: 180, rotateAfterDays: 90 });
    const deployed = deployedOn(edge, "2026-03-20");
    const rotationDay = day("2026-03-21");
    expect(secretDeclarations(edge, rotationDay, undefined).passwords.map((p) => [p.slot, p.generation, p.startDate])).toContainEqual(["b", 9, "2026-03-21T00:00:00Z"]);
    expect(validSecretDrops([edge], { edge: deployed }, rotationDay)).toEqual([]);
    const oneDayLonger = deployed.map((s) => (s.endDate.getTime() === rotationDay.getTime() ? { ...s, endDate: new Date(s.endDate.getTime() + DAY_MS) } : s));
    expect(validSecretDrops([edge], { edge: oneDayLonger }, rotationDay).map((d) => [d.secret.slot, d.how])).toEqual([["b", "replaced"]]);
  });

  it.each([
    ["its generation", (s: DeployedSecret): DeployedSecret => ({ ...s, generation: (s.generation ?? 0) + 2 })],
    ["its start date", (s: DeployedSecret): DeployedSecret => ({ ...s, startDate: new Date((s.startDate?.getTime() ?? 0) + DAY_MS) })],
    ["its end date", (s: DeployedSecret): DeployedSecret => ({ ...s, endDate: new Date(s.endDate.getTime() + DAY_MS) })],
  ])("sees a deployed secret with %s one off as another secret, which the day's declaration replaces", (_label, change) => {
    const deployed = deployedOn(pa, "2026-11-29");
    const current = deployed.find((s) => s.current === true)!;
    expect(validSecretDrops([pa], { "power-automate": deployed }, day("2026-11-30"))).toEqual([]);
    const drops = validSecretDrops([pa], { "power-automate": deployed.map((s) => (s === current ? change(s) : s)) }, day("2026-11-30"));
    expect(drops.map((d) => [d.client, d.index, d.secret.slot, d.how, d.by?.generation])).toEqual([["power-automate", 0, "b", "replaced", 7]]);
  });

  it("reports a start date added to a deployed client: the valid secret of the other slot deleted, the one in slot a replaced", () => {
    const joined = { ...pa, secret: { ...pa.secret, startDate: "2026-11-30" } };
    const drops = validSecretDrops([reporting, joined], { "power-automate": deployedOn(pa, "2026-11-29"), reporting: deployedOn(reporting, "2026-11-29") }, day("2026-11-30"));
    expect(drops.map((d) => [d.client, d.index, d.secret.slot, d.secret.generation, d.how, d.by?.generation])).toEqual([
      ["power-automate", 1, "a", 6, "replaced", 0],
      ["power-automate", 1, "b", 7, "deleted", undefined],
    ]);
  });

  it("leaves clients that are not deployed to the new-client check", () => {
    expect(validSecretDrops([pa], {}, day("2026-11-30"))).toEqual([]);
  });
});

describe("isGeneration", () => {
  it("matches outputs without generation and start date (earlier releases) by slot and end date", () => {
    const [s] = deployedOn(reporting, "2027-02-14").filter((x) => x.current === true);
    const gen = { slot: "b" as const, generation: 19, startDate: day("2027-02-14"), endDate: day("2027-05-15") };
    expect(isGeneration(s, gen)).toBe(true);
    expect(isGeneration({ ...s, generation: undefined, startDate: undefined }, gen)).toBe(true);
    expect(isGeneration({ ...s, generation: undefined, startDate: undefined }, { ...gen, slot: "a" })).toBe(false);
  });
});

describe("earlyExpiries", () => {
  it("refuses a new client whose first secret ends within the window, counting the boundary day in", () => {
    // On 2027-02-14 reporting (90/60) would get generation 18, ending 2027-03-16: 30 days.
    const found = earlyExpiries([pa, reporting], {}, day("2027-02-14"), 30);
    expect(found.map((f) => [f.client, f.index, f.password.generation, f.daysLeft, f.startDate])).toEqual([["reporting", 1, 18, 30, undefined]]);
    expect(earlyExpiries([pa, reporting], {}, day("2027-02-14"), 29)).toEqual([]);
  });

  it("also refuses a start date so far back that the first secret is about to end, and never a deployed client", () => {
    const old = { ...reporting, secret: { ...reporting.secret, startDate: "2026-10-17" } };
    expect(earlyExpiries([old], {}, day("2027-02-14"), 30).map((f) => [f.startDate, f.password.generation, f.daysLeft])).toEqual([["2026-10-17", 1, 30]]);
    expect(earlyExpiries([old], { reporting: deployedOn(old, "2027-02-13") }, day("2027-02-14"), 30)).toEqual([]);
    const fresh = { ...reporting, secret: { ...reporting.secret, startDate: "2027-02-14" } };
    expect(earlyExpiries([fresh], {}, day("2027-02-14"), 89)).toEqual([]);
    expect(earlyExpiries([fresh], {}, day("2027-02-14"), 90).map((f) => f.daysLeft)).toEqual([90]);
  });
});

describe("secretChecks", () => {
  const joined = { ...pa, secret: { ...pa.secret, startDate: "2026-11-30" } };
  const deployed = { "power-automate": deployedOn(pa, "2026-11-29") };
  const input = { clients: [joined], deployed, day: day("2026-11-30"), warnDays: 30, stackFile: "stacks/Pulumi.prod.yaml" };

  it("blocks each valid secret a deploy would drop, naming the client, the secret, its end and what to do", () => {
    const { blockers, allowed } = secretChecks(input);
    expect(allowed).toEqual([]);
    expect(blockers).toEqual([
      {
        client: "power-automate",
        kind: "drops-valid-secret",
        message:
          "k2-oauth:clients[0] (power-automate): this deploy would replace the client secret in slot a (generation 6, key id key-6), which is valid until 2026-12-16 " +
          "(16 more days): the schedule now declares generation 0 there (2026-11-30 to 2027-05-29), and whoever still uses it loses access at once. A change of " +
          "secret.startDate, lifetimeDays or rotateAfterDays on a deployed client moves its schedule and does this. Revert that change to keep the secrets. To cut " +
          "over on purpose (a leaked secret, a schedule you must change now), make sure every consumer reads the current secret from Key Vault (or can be updated " +
          "right after the deploy), then deploy with --allow-drop power-automate (the Deploy workflow run by hand with allow-secret-drop: power-automate); " +
          'README.md, "Changing a deployed client\'s schedule".',
      },
      {
        client: "power-automate",
        kind: "drops-valid-secret",
        message: expect.stringMatching(
          /^k2-oauth:clients\[0\] \(power-automate\): this deploy would delete the client secret in slot b \(generation 7, key id key-7\), which is valid until 2027-05-15 \(166 more days\): no secret is declared in that slot any more, and whoever/,
        ),
      },
    ]);
  });

  it("lets the drops of the clients --allow-drop names through, still listed, and only those", () => {
    expect(secretChecks({ ...input, allowDrop: ["power-automate"] })).toEqual({ blockers: [], allowed: secretChecks(input).blockers });
    expect(secretChecks({ ...input, allowDrop: ["reporting"] })).toEqual({ blockers: secretChecks(input).blockers, allowed: [] });
  });
});
