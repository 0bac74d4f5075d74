/**
 * The json format (docs/plan.md, "Formats"): `{ stack, resources: [{ urn, type, name, parent, inputs }],
 * checks: { resourcesChecked, failures: [{ urn, type, name, property, reason, configKeys, given }] },
 * policy: { violations: [{ policy, level, urn, message }] } }` plus extra fields. Wire-form inputs are never
 * included: only display inputs, where secrets are `[secret]`.
 */
import type { PlanResult } from "../model";

export function planJson(result: PlanResult): Record<string, unknown> {
  return {
    stack: result.stack,
    project: result.project,
    date: result.date,
    stackFile: result.stackFile,
    resources: result.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      inputs: r.inputs,
      custom: r.custom,
      importId: r.importId ?? null,
      dependencies: r.dependencies,
    })),
    checks: {
      resourcesChecked: result.checks.resourcesChecked,
      failures: result.checks.failures.map((f) => ({
        urn: f.urn,
        type: f.type,
        name: f.name,
        property: f.property,
        reason: f.reason,
        configKeys: f.configKeys,
        given: f.given ?? null,
      })),
    },
    policy: {
      packDir: result.policy.packDir,
      configFile: result.policy.configFile ?? null,
      /** True when the stack has no policy config file and the pack ran with its defaults. */
      defaults: result.policy.configFile === undefined,
      resourcesAnalyzed: result.policy.resourcesAnalyzed,
      violations: result.policy.violations.map((v) => ({
        policy: v.policy,
        level: v.level,
        urn: v.urn ?? null,
        message: v.message,
        enforcementLevel: v.enforcementLevel,
        policyPack: v.policyPack,
        ...(v.description !== undefined ? { description: v.description } : {}),
      })),
    },
    warnings: result.warnings,
    placeholders: result.placeholders,
    ...(result.diff !== undefined ? { diff: result.diff } : {}),
    ...(result.gate !== undefined
      ? {
          gate: {
            passed: result.gate.blockers.length === 0,
            blockers: result.gate.blockers.map((b) => ({ urn: b.urn ?? null, subject: b.subject, message: b.message })),
            allowed: result.gate.allowed.map((b) => ({ urn: b.urn ?? null, subject: b.subject, message: b.message })),
          },
        }
      : {}),
  };
}

export function renderJson(result: PlanResult): string {
  return `${JSON.stringify(planJson(result), null, 2)}\n`;
}
