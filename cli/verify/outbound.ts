/**
 * Outbound OAuth (`k2-oauth:outbound`): for each K2 OAuth resource, whether it exists in K2 with the declared
 * endpoints and the declared value of every parameter per request, read through the same K2 management transport the
 * provider uses (K2 Five, with the K2 admin password in K2_ADMIN_PASSWORD). The client secret is not compared: K2
 * stores it encrypted and returns it masked, and verify does not read it; the check says so. K2 Cloud: the values
 * are entered by hand, so there is nothing to read (the stack output `outbound.k2Resources` lists them).
 */
import * as path from "node:path";
import type { StackConfig } from "../../components/config";
import { v1Endpoints } from "../../components/entra";
import { retryPolicy, type RetryPolicy } from "../../components/k2/http";
import { createK2Management } from "../../components/k2/index";
import { PARAMETER_LEGS } from "../../components/k2/management";
import { DEFAULT_SMARTOBJECT_MAPPING, defaultSmartObjectServicesUrl, loadSmartObjectMappingFile } from "../../components/k2/mapping";
import { fieldDifferences, findResourceByName, sameName } from "../../components/k2/operations";
import { outboundResourceFields } from "../../components/outbound";
import { fail, pass, skip, undecided, type Check } from "./checks";
import type { StackOutputs } from "./outputs";

export const K2_ADMIN_PASSWORD_ENV = "K2_ADMIN_PASSWORD";
const ID = "k2-outbound-resource";

export interface OutboundCheckOptions {
  /** The project root (the mapping file's path is relative to it). */
  root: string;
  adminPassword: string | undefined;
  retry?: Partial<RetryPolicy>;
}

/** One check per outbound K2 OAuth resource; none without `k2-oauth:outbound`. */
export async function checkOutboundResources(config: StackConfig, outputs: StackOutputs | undefined, options: OutboundCheckOptions): Promise<Check[]> {
  const outbound = config.outbound;
  if (outbound === undefined) return [];
  const title = (name: string) => `K2 OAuth resource '${name}' (outbound)`;
  if (config.k2.edition === "cloud") {
    return outbound.resources.map((r) =>
      skip(ID, title(r.name), "K2 Cloud: entered by hand in K2 Management; compare it with the stack output outbound.k2Resources"),
    );
  }
  const admin = config.k2.admin;
  if (admin === undefined || options.adminPassword === undefined || options.adminPassword === "") {
    return outbound.resources.map((r) =>
      undecided(ID, title(r.name), "not read: no K2 admin password", {
        cause: `reading K2's OAuth resources needs the K2 admin account (k2-oauth:k2.admin.username) and its password in ${K2_ADMIN_PASSWORD_ENV}`,
        fix: `set ${K2_ADMIN_PASSWORD_ENV} and run verify again`,
      }),
    );
  }
  const mappingFile = config.k2.smartObjectServices?.mapping;
  const mapping = mappingFile === undefined ? DEFAULT_SMARTOBJECT_MAPPING : loadSmartObjectMappingFile(path.resolve(options.root, mappingFile), mappingFile);
  const serviceUrl = config.k2.smartObjectServices?.url ?? defaultSmartObjectServicesUrl(config.k2.url);
  const k2 = createK2Management({ transport: "smartobject-rest", serviceUrl, mapping }, { username: admin.username, password: options.adminPassword }, retryPolicy(options.retry));
  const endpoints = v1Endpoints(config.cloud, config.tenantId);
  const clientId = outputs?.outbound?.clientId;

  const checks: Check[] = [];
  for (const resource of outbound.resources) {
    const wanted = outboundResourceFields(resource, endpoints, { clientId: clientId ?? "", redirectUri: outbound.app.redirectUri });
    let existing;
    let rows;
    try {
      existing = await findResourceByName(k2, resource.name);
      // Its parameters in the same guard: a failed read is this resource's failed check, never the end of the run.
      rows = existing === undefined ? [] : await k2.listParameters(existing.id);
    } catch (e) {
      checks.push(fail(ID, title(resource.name), `K2 could not be read: ${(e as Error).message}`, { cause: "K2's management interface did not answer as expected", fix: "see the message; then run verify again" }));
      continue;
    }
    if (existing === undefined) {
      checks.push(fail(ID, title(resource.name), "does not exist in K2", { cause: "the stack was not deployed, or the resource was deleted in K2 Management", fix: "run `pulumi up` for this stack" }));
      continue;
    }
    const differences = fieldDifferences(existing, {
      name: resource.name,
      resourceType: wanted.resourceType,
      authorizationEndpoint: wanted.authorizationEndpoint,
      tokenEndpoint: wanted.tokenEndpoint,
      refreshTokenEndpoint: wanted.refreshTokenEndpoint,
      metadataEndpoint: wanted.metadataEndpoint,
      useHostServerAuthorizationEndpoint: false,
    }).map((f) => `${f}: K2 has '${String(existing[f])}'`);
    for (const [name, legs] of Object.entries(wanted.parameters)) {
      const row = rows.find((r) => sameName(r.name, name));
      if (row === undefined) {
        differences.push(`parameter '${name}' is missing`);
        continue;
      }
      for (const leg of PARAMETER_LEGS) {
        const value = legs[leg];
        // The client id is compared only when the outputs give it.
        if (value === undefined || (name === "client_id" && clientId === undefined) || !(leg in row.values) || row.maskedLegs.includes(leg)) continue;
        if (row.values[leg] !== value) differences.push(`parameter '${name}' (${leg}): K2 has '${row.values[leg] ?? ""}', declared '${value}'`);
      }
    }
    const secretNotes: string[] = [];
    for (const [name, legs] of Object.entries(wanted.secretLegs)) {
      const row = rows.find((r) => sameName(r.name, name));
      if (row === undefined) differences.push(`parameter '${name}' is missing`);
      else if (legs.some((leg) => leg in row.values && !row.maskedLegs.includes(leg) && row.values[leg] === "")) differences.push(`parameter '${name}' is empty`);
      else if (legs.some((leg) => row.maskedLegs.includes(leg))) secretNotes.push(`${name} set; not compared (K2 returned it masked, and verify does not read the secret)`);
      else secretNotes.push(`${name} set; not compared (verify does not read the secret)`);
    }
    const detail = `id ${existing.id}${clientId === undefined ? "; client_id not compared (no --outputs)" : ""}; ${secretNotes.join("; ")}`;
    checks.push(
      differences.length === 0
        ? pass(ID, title(resource.name), `exists with the declared endpoints and parameters (${detail})`)
        : fail(ID, title(resource.name), differences.join("; "), {
            cause: "the resource was changed in K2 Management, or the stack was changed and not deployed",
            fix: "run `pulumi up` for this stack (it puts the declared values back)",
          }),
    );
  }
  return checks;
}
