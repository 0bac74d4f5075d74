/**
 * Time-boxed exemptions (every policy's `exemptions` setting, policies/lib/exemptions.ts): a finding on the named
 * resource is advisory "exempted until <day>: <reason>" through the end of that UTC day, and at the policy's level
 * again from the next day, when the expired exemption is reported too; an exemption naming no resource is reported.
 */
import { afterEach, describe, expect, it } from "vitest";
import { setClock } from "../../policies/lib/clock";
import { appImplicitGrant } from "../../policies/rules/appImplicitGrant";
import { appOwners } from "../../policies/rules/appOwners";
import { appRedirectUris } from "../../policies/rules/appRedirectUris";
import { applicationProps, clientApp, contracts, inboundOAuth } from "./helpers/fixtures";
import { runResourceRule, runRule, runStackRule, urnOf, type StackInput } from "./helpers/policyHarness";

const day = (iso: string, hour = 0) => new Date(`${iso}T${String(hour).padStart(2, "0")}:00:00Z`);
afterEach(() => setClock(undefined));

const implicit = { type: contracts.TYPE_AZUREAD_APPLICATION, name: "legacy-app", props: applicationProps("legacy", { web: { redirectUris: [], implicitGrant: { accessTokenIssuanceEnabled: true } } }) };
const finding = "web.implicitGrant.accessTokenIssuanceEnabled is on: access tokens would be issued through the implicit grant; set it to false";
const exemption = (resource: string, expires = "2027-03-31") => ({ exemptions: [{ resource, reason: "the vendor's SPA moves to the code flow in March", expires }] });
const exempted = `exempted until 2027-03-31: the vendor's SPA moves to the code flow in March. The finding: ${finding}`;

describe("an exemption on a resource checked on its own (Analyze)", () => {
  const run = (config: Record<string, unknown>) => runResourceRule(appImplicitGrant, implicit, config);

  it("reports the finding as advisory, with the day and the reason, through the end of its expires day", async () => {
    for (const at of [day("2026-04-01"), day("2027-03-31"), day("2027-03-31", 23)]) {
      setClock(() => at);
      expect(await run(exemption("legacy-app")), at.toISOString()).toEqual({ violations: [], advisories: [{ message: exempted }] });
    }
  });

  it("no longer hides it from the next day on", async () => {
    setClock(() => day("2027-04-01"));
    expect(await run(exemption("legacy-app"))).toEqual({ violations: [{ message: finding }] });
  });

  it("matches the resource by name or URN, and nothing else", async () => {
    setClock(() => day("2027-01-01"));
    expect((await run(exemption(urnOf(implicit)))).advisories).toEqual([{ message: exempted }]);
    expect(await run(exemption("legacy"))).toEqual({ violations: [{ message: finding }] });
    expect(await run(exemption("LEGACY-APP"))).toEqual({ violations: [{ message: finding }] });
  });

  it("hides nothing where nothing is found", async () => {
    setClock(() => day("2027-01-01"));
    expect(await runResourceRule(appImplicitGrant, { ...implicit, props: applicationProps("legacy") }, exemption("legacy-app"))).toEqual({ violations: [] });
  });
});

describe("an exemption on a resource of this project's components (checked in Analyze, reviewed with the stack)", () => {
  const stack: StackInput[] = [
    inboundOAuth(),
    clientApp("pa", 0),
    { type: contracts.TYPE_AZUREAD_APPLICATION, name: "pa-app", parent: "pa", props: applicationProps("pa", { web: { redirectUris: ["https://pa.azurewebsites.net/signin"] } }) },
  ];
  const urn = urnOf({ type: contracts.TYPE_AZUREAD_APPLICATION, name: "pa-app" }, [contracts.TYPE_INBOUND_OAUTH, contracts.TYPE_CLIENT_APP]);
  const message =
    "web.redirectUris[0] (Web) is on the shared hosting domain *.azurewebsites.net, where a released name can be claimed by another Azure customer and receive the authorization codes (subdomain takeover); use a custom domain you own; change redirectUris[0] of the client named pa in k2-oauth:clients";
  const config = { exemptions: [{ resource: "pa-app", reason: "custom domain ordered", expires: "2027-03-31" }] };

  it("is advisory until the end of its day, then the finding is back at full level and the expired exemption reported", async () => {
    setClock(() => day("2027-03-31", 12));
    expect(await runRule(appRedirectUris, stack, config)).toEqual({
      violations: [],
      advisories: [{ message: `exempted until 2027-03-31: custom domain ordered. The finding: ${message}`, urn }],
    });
    setClock(() => day("2027-04-01"));
    expect(await runRule(appRedirectUris, stack, config)).toEqual({
      violations: [{ message, urn }],
      advisories: [{ message: 'the exemption for "pa-app" expired on 2027-03-31 (custom domain ordered): its findings are reported again; renew it with a new expires day or remove it', urn }],
    });
  });

  it("reports an exemption that names no resource of the stack, suggesting the closest name", async () => {
    setClock(() => day("2027-01-01"));
    const r = await runRule(appRedirectUris, stack, { exemptions: [{ resource: "pa-ap", reason: "typo", expires: "2027-03-31" }] });
    expect(r).toEqual({
      violations: [{ message, urn }],
      advisories: [{ message: 'the exemption for "pa-ap" names no resource of this stack (by name or URN), so it hides nothing; did you mean pa-app?: correct or remove it' }],
    });
  });

  it("is reviewed even where the policy finds nothing to check", async () => {
    setClock(() => day("2027-01-01"));
    const r = await runStackRule(appRedirectUris, [inboundOAuth()], { exemptions: [{ resource: "gone-app", reason: "removed", expires: "2027-03-31" }] });
    expect(r).toEqual({ violations: [], advisories: [{ message: 'the exemption for "gone-app" names no resource of this stack (by name or URN), so it hides nothing: correct or remove it' }] });
  });
});

describe("an exemption of a stack rule", () => {
  it("hides the finding on the resource it names, and only that one", async () => {
    setClock(() => day("2027-01-01"));
    const apps: StackInput[] = ["a-app", "b-app"].map((name) => ({ type: contracts.TYPE_AZUREAD_APPLICATION, name, props: applicationProps(name, { owners: [] }) }));
    const r = await runStackRule(appOwners, apps, { exemptions: [{ resource: "b-app", reason: "owners being hired", expires: "2027-02-01" }] });
    expect(r).toEqual({
      violations: [{ message: "a-app has no owner, fewer than minOwners 1; add owner object ids to its owners or declare ApplicationOwner resources", urn: urnOf(apps[0]) }],
      advisories: [
        {
          message: "exempted until 2027-02-01: owners being hired. The finding: b-app has no owner, fewer than minOwners 1; add owner object ids to its owners or declare ApplicationOwner resources",
          urn: urnOf(apps[1]),
        },
      ],
    });
  });
});
