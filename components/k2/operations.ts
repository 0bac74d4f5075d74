/**
 * Transport-independent K2 OAuth operations with the safety rules the provider relies on:
 * - create looks the resource up by name before every attempt, so a create retried after a lost answer never makes
 *   a second resource; an existing resource is adopted only when identical, otherwise the operation fails and says why;
 * - parameters follow K2's model: rows come from the Resource Type and only their Token Value is edited;
 * - values K2 returns masked (stored encrypted) are treated as unknown, never as drift.
 *
 * Runs inside the serialized dynamic provider: no module-level imports of packages or built-ins.
 */
import { backoffMs, isK2Error, k2Error, problemOf, type K2Error, type RetryPolicy } from "./http";
import {
  OAUTH_RESOURCE_FIELDS,
  PARAMETER_LEGS,
  type K2OAuthManagement,
  type ParameterLegs,
  type OAuthParameterRecord,
  type OAuthResourceFields,
  type OAuthResourceRecord,
} from "./management";

export interface DesiredResource {
  fields: OAuthResourceFields;
  /** Parameter name → its values per request (the Bearer Token resource: the Token Value only). */
  parameters: Record<string, ParameterLegs>;
  /** Parameters whose values are secret (client_secret): never quoted in a message. */
  secretParameters?: readonly string[];
  /** What to do when an existing resource of the same name differs (default: the Bearer Token resource's keys). */
  conflictHint?: string;
}

export interface ResourceSnapshot {
  resource: OAuthResourceRecord;
  parameters: OAuthParameterRecord[];
}

/** K2 resource and parameter names are compared without regard to case or surrounding blanks. */
export function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function isRetryable(e: unknown): e is K2Error {
  return isK2Error(e) && e.retryable;
}

export async function findResourceByName(client: K2OAuthManagement, name: string): Promise<OAuthResourceRecord | undefined> {
  const matches = (await client.listResources()).filter((r) => sameName(r.name, name));
  if (matches.length > 1) {
    throw k2Error("conflict", `K2 holds ${matches.length} OAuth resources named '${name}' (ids ${matches.map((m) => m.id).join(", ")}).`, {
      hint: "Keep one and remove the others in K2 Management > Authentication > OAuth > Resources, then run the command again.",
    });
  }
  return matches[0];
}

export async function readSnapshot(client: K2OAuthManagement, id: string): Promise<ResourceSnapshot | undefined> {
  const resource = (await client.listResources()).find((r) => r.id.toLowerCase() === id.toLowerCase());
  if (resource === undefined) return undefined;
  return { resource, parameters: await client.listParameters(resource.id) };
}

/** Field names whose values differ (the name without regard to case). */
export function fieldDifferences(actual: OAuthResourceFields, wanted: OAuthResourceFields): Array<keyof OAuthResourceFields> {
  return OAUTH_RESOURCE_FIELDS.filter((f) => (f === "name" ? !sameName(actual.name, wanted.name) : actual[f] !== wanted[f]));
}

function show(value: string | boolean): string {
  return typeof value === "boolean" ? String(value) : value === "" ? "(empty)" : `'${value}'`;
}

/**
 * Unmasked parameter values that differ from the wanted ones. An empty value (a row K2 just created from the
 * Resource Type), a masked one (unknown) or one the transport cannot read is not a conflict. A secret parameter's
 * values are never quoted.
 */
function parameterConflicts(rows: OAuthParameterRecord[], wanted: Record<string, ParameterLegs>, secret: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [name, legs] of Object.entries(wanted)) {
    const row = rows.find((r) => sameName(r.name, name));
    if (row === undefined) continue;
    for (const leg of PARAMETER_LEGS) {
      const value = legs[leg];
      const has = row.values[leg];
      if (value === undefined || has === undefined || has === "" || has === value) continue;
      const hidden = secret.some((s) => sameName(s, name));
      // The request is named where the parameter has values for others too (a Token Value alone needs no label).
      const label = Object.keys(legs).length === 1 && leg === "token" ? "" : ` (${leg})`;
      out.push(`parameter '${name}'${label}: ${hidden ? "K2 has another value (not shown: secret)" : `K2 has ${show(has)}, wanted ${show(value)}`}`);
    }
  }
  return out;
}

/** The requests of a row to set for `legs`: those that differ, are masked (cannot be compared) or cannot be read. */
function legsToSet(row: OAuthParameterRecord, legs: ParameterLegs): ParameterLegs {
  const out: ParameterLegs = {};
  for (const leg of PARAMETER_LEGS) {
    const value = legs[leg];
    if (value === undefined) continue;
    if (row.maskedLegs.includes(leg) || !(leg in row.values) || row.values[leg] !== value) out[leg] = value;
  }
  return out;
}

/**
 * Why an existing resource (found by name) cannot be adopted as the declared one, one line per difference (a field, or
 * an unmasked parameter value that differs); none: create adopts it and sets its parameters. `npm run adopt --k2` says
 * the same before the first `pulumi up` does.
 */
export function adoptionConflicts(existing: OAuthResourceFields, parameters: OAuthParameterRecord[], desired: DesiredResource): string[] {
  const { fields } = desired;
  return [
    ...fieldDifferences(existing, fields).map((f) => `${f}: K2 has ${show(existing[f])}, wanted ${show(fields[f])}`),
    ...parameterConflicts(parameters, desired.parameters, desired.secretParameters),
  ];
}

/**
 * Sets the wanted values of each parameter on the resource's existing rows (those that differ, and masked ones,
 * whose value cannot be compared). Fails, changing nothing, when a row does not exist: rows come from the Resource
 * Type and are never added here.
 */
export async function applyParameters(
  client: K2OAuthManagement,
  resource: Pick<OAuthResourceRecord, "id" | "resourceType">,
  wanted: Record<string, ParameterLegs>,
): Promise<OAuthParameterRecord[]> {
  const rows = await client.listParameters(resource.id);
  const missing = Object.keys(wanted).filter((name) => !rows.some((r) => sameName(r.name, name)));
  if (missing.length > 0) {
    throw k2Error(
      "conflict",
      `the OAuth resource ${resource.id} has no parameter ${missing.map((m) => `'${m}'`).join(", ")}: K2 creates a resource's parameter rows from its Resource Type ('${resource.resourceType}') and this project only edits their values. ` +
        `Parameters the resource has: ${rows.length > 0 ? rows.map((r) => r.name).join(", ") : "none"}.`,
      { hint: "Add the parameter to the Resource Type in K2 Management > Authentication > OAuth > Resource Types, then run pulumi up again." },
    );
  }
  let changed = false;
  for (const [name, legs] of Object.entries(wanted)) {
    const row = rows.find((r) => sameName(r.name, name)) as OAuthParameterRecord;
    const set = legsToSet(row, legs);
    if (Object.keys(set).length > 0) {
      await client.setParameterValues(row, set);
      changed = true;
    }
  }
  return changed ? client.listParameters(resource.id) : rows;
}

/**
 * Creates the resource, or adopts an identical one that already exists (e.g. created by an earlier attempt whose
 * answer was lost), then sets its parameters. Never sends a second create for one call: before every attempt the
 * resource is looked up by name, and once K2 accepted a create only lookups follow.
 */
export async function createOrAdopt(
  client: K2OAuthManagement,
  desired: DesiredResource,
  policy: RetryPolicy,
): Promise<ResourceSnapshot & { adopted: boolean }> {
  const { fields } = desired;
  let accepted = false;
  let lastError: K2Error | undefined;
  for (let attempt = 1; ; attempt++) {
    const existing = await findResourceByName(client, fields.name);
    if (existing !== undefined) {
      const differences = adoptionConflicts(existing, await client.listParameters(existing.id), desired);
      if (differences.length > 0) {
        throw k2Error(
          "conflict",
          `an OAuth resource named '${fields.name}' already exists in K2 (id ${existing.id}) and differs from the declared one (${differences.join("; ")}). It was not adopted and nothing was changed.`,
          { hint: desired.conflictHint ?? "Make it match in K2 Management, delete it there, or choose another k2-oauth:k2.bearerTokenResource.name." },
        );
      }
      const parameters = await applyParameters(client, existing, desired.parameters);
      return { resource: existing, parameters, adopted: !accepted };
    }
    if (attempt > policy.maxAttempts) break;
    if (!accepted) {
      try {
        await client.createResource(fields);
        accepted = true;
        continue; // look it up at once
      } catch (e) {
        if (!isRetryable(e)) throw e;
        lastError = e;
      }
    }
    await policy.delay(backoffMs(attempt, policy));
  }
  if (accepted) {
    throw k2Error("protocol", `K2 accepted the create of OAuth resource '${fields.name}' but does not list it after ${policy.maxAttempts} lookups.`, {
      hint: "Check the resource list in K2 Management and the mapping's list method, then run pulumi up again (an identical resource is adopted, not duplicated).",
    });
  }
  const last = lastError as K2Error;
  throw k2Error(
    last.kind,
    `could not create OAuth resource '${fields.name}' after ${policy.maxAttempts} attempts (each preceded by a lookup, so no duplicate was made); last failure: ${problemOf(last)}`,
    { hint: last.hint, ...(last.status !== undefined ? { status: last.status } : {}), retryable: true },
  );
}
