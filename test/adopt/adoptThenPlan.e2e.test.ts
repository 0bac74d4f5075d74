/**
 * The whole adoption, end to end: `npm run adopt -- --stack legacy` (in-process) against the Entra ID and Microsoft
 * Graph doubles holding three hand-made apps writes the stack file; the offline plan of that file (the real program in
 * its own process, the real policy pack over the analyzer protocol) shows three clients whose app registrations,
 * service principals and consents are imports with the ids the report named, and exactly the policy findings the
 * report named. What the program declares for each imported resource is then run through the model of the azuread
 * provider's import (providerModel.ts): the import is followed by no update. No secret value appears anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdoptReport } from "../../cli/adopt/report";
import { computePlan } from "../../cli/plan/computePlan";
import type { PlanResult, RecordedResource } from "../../cli/plan/model";
import { PLACEHOLDER_K2_API_SP_OBJECT_ID, PLACEHOLDER_K2_SCOPE_ID } from "../../cli/plan/placeholders";
import { planJson } from "../../cli/plan/render/json";
import { renderMarkdown } from "../../cli/plan/render/markdown";
import { renderText } from "../../cli/plan/render/text";
import { UNKNOWN_VALUE } from "../../cli/plan/wire";
import { TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT, TYPE_AZUREAD_SERVICE_PRINCIPAL, TYPE_CLIENT_APP } from "../../components/contracts";
import type { GraphJson } from "../doubles/graphServer";
import { linkedProject, type TempProject } from "../plan/project";
import { ADMIN, doubleArgs, NOW, readStack, run, skeletonStack, useDoubles, type AdoptRun } from "./harness";
import { importedApplication, importedGrant, importedServicePrincipal, plannedChanges } from "./providerModel";
import { HAND_MADE_SECRET_VALUES, K2_API_SP_ID, K2_SCOPE_ID, legacyApps } from "./tenantFixtures";

const d = useDoubles(legacyApps);
let project: TempProject;
let adopt: AdoptRun;
let report: AdoptReport;
let stackText: string;
let plan: PlanResult;

beforeAll(async () => {
  project = linkedProject();
  project.writeStack("legacy", skeletonStack());
  adopt = await run(["--stack", "legacy", ...doubleArgs(d, project.root)]);
  if (adopt.report === undefined) throw new Error(`adopt failed: ${adopt.stderr}`);
  report = adopt.report;
  stackText = readStack(project.root, "legacy");
  plan = (await computePlan({ root: project.root, stack: "legacy", date: NOW.toISOString().slice(0, 10) })).result;
}, 120_000);
afterAll(() => project?.remove());

const IMPORTED_AS = { "app registration": "app", "service principal": "sp", "tenant-wide consent": "consent" } as const;

describe("adopt, then the offline plan", () => {
  it("adopt wrote three clients and found nothing the stack still needs", () => {
    expect(adopt.exitCode).toBe(0);
    expect(report.adoption.clients.map((c) => c.entry.name)).toEqual(["k2-power-automate", "k2-reports", "k2-reports-2"]);
    expect(report.adoption.skipped).toEqual([]);
    expect(report.configProblems).toEqual([]);
  });

  it("shows the three clients, their app registrations, service principals and consents as imports with the ids the report named", () => {
    expect(plan.resources.filter((r) => r.type === TYPE_CLIENT_APP).map((r) => r.name)).toEqual(["k2-power-automate", "k2-reports", "k2-reports-2"]);
    const planned = plan.resources.filter((r) => r.importId !== undefined).map((r) => [r.name, r.importId]);
    const reported = report.adoption.clients.flatMap((c) => c.imports.map((i) => [`${c.entry.name}-${IMPORTED_AS[i.what]}`, i.importId]));
    expect(planned.sort()).toEqual(reported.sort());
    expect(planned).toHaveLength(7);
  });

  it("creates only what the report said: each client's managed secret, and the service principal and consent the third app lacked", () => {
    const created = plan.resources.filter((r) => r.custom && r.importId === undefined && r.type.startsWith("azuread:")).map((r) => r.name);
    expect(created.sort()).toEqual(
      ["k2-power-automate-secret-a", "k2-reports-secret-a", "k2-reports-2-secret-a", "k2-reports-2-sp", "k2-reports-2-consent"].sort(),
    );
    const widens =
      "tenant-wide consent to the K2 API scope 'user_impersonation' (there is none yet). This widens access: it grants the scope through this app for every user of the tenant, where before no user had consented. " +
      "If that is not wanted, remove this client from the stack file before pulumi up and keep managing the app by hand";
    expect(report.adoption.clients.map((c) => c.creates)).toEqual([[], [], ["its service principal (the app has none in this tenant)", widens]]);
  });

  it("reports exactly the policy findings the adopt report named, with their levels", () => {
    const found = plan.policy.violations.map((v) => [v.policy, v.level, v.urn?.split("::").pop()]);
    const named = report.adoption.clients.flatMap((c) => c.findings.map((f) => [f.policy, f.level, f.resource]));
    expect(found.sort()).toEqual(named.sort());
  });
});

/** The tenant's own ids where the offline plan has placeholders, and what the import gives where it has unknowns. */
function asDeployed(r: RecordedResource, byName: ReadonlyMap<string, RecordedResource>): GraphJson {
  const text = JSON.stringify(r.wireInputs).replaceAll(PLACEHOLDER_K2_SCOPE_ID, K2_SCOPE_ID).replaceAll(PLACEHOLDER_K2_API_SP_OBJECT_ID, K2_API_SP_ID);
  const inputs = JSON.parse(text) as GraphJson;
  const client = r.name.replace(/-(sp|consent)$/, "");
  const app = d.graph.applications.find((a) => `/applications/${String(a.id)}` === byName.get(`${client}-app`)?.importId);
  const sp = d.graph.servicePrincipals.find((s) => `/servicePrincipals/${String(s.id)}` === byName.get(`${client}-sp`)?.importId);
  // The service principal's clientId is the imported app's; the consent's service principal the imported one.
  if (inputs.clientId === UNKNOWN_VALUE) inputs.clientId = app?.appId;
  if (inputs.servicePrincipalObjectId === UNKNOWN_VALUE) inputs.servicePrincipalObjectId = sp?.id;
  return inputs;
}

const ownerIds = (id: unknown): string[] => (d.graph.owners.get(String(id).toLowerCase()) ?? []).map((o) => String(o.id));

describe("the round trip: what the program declares is what the provider imports", () => {
  it("no imported resource would be changed by the update that follows its import", () => {
    const byName = new Map(plan.resources.map((r) => [r.name, r]));
    const changes: Array<[string, string]> = [];
    for (const r of plan.resources.filter((x) => x.importId !== undefined)) {
      const id = (r.importId ?? "").split("/").pop();
      const declared = asDeployed(r, byName);
      let planned;
      if (r.type === TYPE_AZUREAD_APPLICATION) {
        const app = d.graph.applications.find((a) => a.id === id);
        planned = plannedChanges("application", declared, importedApplication(app ?? {}, ownerIds(id)));
      } else if (r.type === TYPE_AZUREAD_SERVICE_PRINCIPAL) {
        const sp = d.graph.servicePrincipals.find((s) => s.id === id);
        planned = plannedChanges("servicePrincipal", declared, importedServicePrincipal(sp ?? {}, ownerIds(id)));
      } else if (r.type === TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT) {
        const grant = d.graph.grants.find((g) => g.id === id);
        planned = plannedChanges("grant", declared, importedGrant(grant ?? {}));
      } else throw new Error(`unexpected import of ${r.type}`);
      for (const c of planned) changes.push([r.name, c.path]);
    }
    expect(changes).toEqual([]);
  });

  it("the model sees a change when the stack file is one setting off (the check can fail)", () => {
    const app = plan.resources.find((r) => r.name === "k2-reports-app");
    if (app === undefined) throw new Error("no k2-reports-app");
    const byName = new Map(plan.resources.map((r) => [r.name, r]));
    const declared = asDeployed(app, byName);
    const graphApp = d.graph.applications.find((a) => `/applications/${String(a.id)}` === app.importId) ?? {};
    const off = { ...declared, web: { ...(declared.web as GraphJson), implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: true } } };
    expect(plannedChanges("application", off, importedApplication(graphApp, ownerIds(graphApp.id))).map((c) => c.path)).toEqual(["web.implicitGrant.accessTokenIssuanceEnabled"]);
  });
});

describe("secrets", () => {
  it("no secret value or token in adopt's output, the stack file or the plan in any format", () => {
    const secrets = [ADMIN.password, ...HAND_MADE_SECRET_VALUES, ...d.entra.issuedSecrets];
    expect(secrets.length).toBeGreaterThan(2);
    const outputs = [adopt.stdout, adopt.stderr, stackText, renderText(plan, { color: false }), renderMarkdown(plan), JSON.stringify(planJson(plan))];
    for (const text of outputs) for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
