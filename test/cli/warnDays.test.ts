/**
 * cli/warnDays.ts reads a stack's expiry warning window as the policy pack is configured: the rule's name, level and
 * schema restated there are the rule's own, the default applies without a file or an entry, and an invalid value fails.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advisorySchema, EXPIRY_ADVISORY_POLICY, expiryWarnDays } from "../../cli/warnDays";
import { clientSecretExpiryAdvisory } from "../../policies/rules/clientSecretExpiryAdvisory";

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "k2-warn-days-"));
  fs.mkdirSync(path.join(root, "policies", "config"), { recursive: true });
  fs.writeFileSync(path.join(root, "policies", "config", "prod.json"), JSON.stringify({ [EXPIRY_ADVISORY_POLICY]: { warnDays: 45 } }));
  fs.writeFileSync(path.join(root, "policies", "config", "qa.json"), JSON.stringify({ "entra-app-owners": "mandatory" }));
  fs.writeFileSync(path.join(root, "policies", "config", "bad.json"), JSON.stringify({ [EXPIRY_ADVISORY_POLICY]: { warnDays: 2.5 } }));
  fs.writeFileSync(
    path.join(root, "policies", "config", "later.json"),
    JSON.stringify({ [EXPIRY_ADVISORY_POLICY]: { warnDays: 20, exemptions: [{ resource: "pa-secret-a", reason: "vendor fix", expires: "2040-03-31" }] } }),
  );
  fs.writeFileSync(path.join(root, "policies", "config", "typo.json"), JSON.stringify({ [EXPIRY_ADVISORY_POLICY]: { warnDay: 45 } }));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("expiryWarnDays", () => {
  it("states the rule exactly as the pack declares it", () => {
    const rule = clientSecretExpiryAdvisory;
    expect(advisorySchema()).toEqual({
      name: rule.name,
      enforcementLevel: rule.enforcementLevel,
      configSchema: { properties: rule.configSchema?.properties, required: rule.configSchema?.required ?? [] },
    });
  });

  it("reads the stack's value, or the pack's default without a file or an entry", () => {
    expect(expiryWarnDays(root, "prod")).toEqual({ warnDays: 45, file: "policies/config/prod.json" });
    expect(expiryWarnDays(root, "qa")).toEqual({ warnDays: 30, file: "policies/config/qa.json" });
    expect(expiryWarnDays(root, "dev")).toEqual({ warnDays: 30, file: undefined });
  });

  it("fails closed on a value or a setting the pack would refuse (never the default in its place)", () => {
    expect(() => expiryWarnDays(root, "bad")).toThrow(
      'policies/config/bad.json: invalid policy config (1 problem):\n  - "entra-client-secret-expiry-advisory".warnDays: expected a whole number from 0 to 365, like 30; got 2.5',
    );
    expect(() => expiryWarnDays(root, "typo")).toThrow(
      'policies/config/typo.json: invalid policy config (1 problem):\n  - "entra-client-secret-expiry-advisory".warnDay: unknown setting; did you mean warnDays?',
    );
  });

  it("bounds an exemption's expires to one year after the day planned (--date), not after today", () => {
    const at = (day: string) => new Date(`${day}T00:00:00Z`);
    expect(expiryWarnDays(root, "later", at("2039-04-01"))).toEqual({ warnDays: 20, file: "policies/config/later.json" });
    expect(expiryWarnDays(root, "later", at("2039-03-31"))).toEqual({ warnDays: 20, file: "policies/config/later.json" });
    expect(() => expiryWarnDays(root, "later", at("2039-03-30"))).toThrow(
      'policies/config/later.json: invalid policy config (1 problem):\n  - "entra-client-secret-expiry-advisory".exemptions[0].expires: expected a day at most one year ahead (2040-03-30 or earlier): exemptions are time-boxed; renew one when it runs out; got \'2040-03-31\'',
    );
  });
});
