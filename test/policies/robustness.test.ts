/**
 * Rules never crash: malformed inputs (wrong types, nulls, unknown objects) give violations or undecided notes,
 * never an internal error; and an internal error, should one happen, is reported as a violation (fail closed).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { resourceRule, stackRule } from "../../policies/lib/define";
import { POLICIES } from "../../policies/registry";
import { contracts } from "./helpers/fixtures";
import { runResourceRule, runStackRule, UNKNOWN, UNKNOWN_ARRAY, UNKNOWN_OBJECT } from "./helpers/policyHarness";

const TYPES = [
  contracts.TYPE_BEARER_TOKEN_RESOURCE,
  contracts.TYPE_AZUREAD_APPLICATION,
  contracts.TYPE_AZUREAD_APPLICATION_REGISTRATION,
  contracts.TYPE_AZUREAD_APPLICATION_REDIRECT_URIS,
  contracts.TYPE_AZUREAD_APPLICATION_PASSWORD,
  contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD,
  contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL,
  contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
  contracts.TYPE_AZUREAD_APPLICATION_API_ACCESS,
  contracts.TYPE_AZUREAD_APPLICATION_OWNER,
  contracts.TYPE_KEYVAULT_SECRET,
];

const FIELDS = [
  "authorizationEndpoint", "tokenEndpoint", "metadataEndpoint", "refreshTokenEndpoint", "useHostServerAuthorizationEndpoint",
  "resourceType", "parameters", "web", "publicClient", "singlePageApplication", "requiredResourceAccesses", "owners",
  "signInAudience", "implicitAccessTokenIssuanceEnabled", "password", "startDate", "endDate", "endDateRelative", "keyId",
  "applicationId", "servicePrincipalId", "clientId", "objectId", "servicePrincipalObjectId", "resourceServicePrincipalObjectId",
  "claimValues", "userObjectId", "apiClientId", "scopeIds", "redirectUris", "type", "properties", "tags",
];

const SHAPES: Array<[string, unknown]> = [
  ["a number", 42],
  ["null", null],
  ["a list", [1, "x", null, { a: [] }]],
  ["an object", { web: 1, attributes: "x", audience: [], redirectUris: {}, "entra-key-id": 5, password: 1 }],
  ["an unknown string", UNKNOWN],
  ["an unknown list", UNKNOWN_ARRAY],
  ["an unknown object", UNKNOWN_OBJECT],
];

const resourcePolicies = POLICIES.filter((p): p is ResourceValidationPolicy => "validateResource" in p);
const stackPolicies = POLICIES.filter((p): p is StackValidationPolicy => "validateStack" in p && typeof p.validateStack === "function");

describe("malformed inputs", () => {
  it("reach every rule of the pack: each is a resource rule, a stack rule or both", () => {
    expect(resourcePolicies.length).toBeGreaterThan(0);
    expect(stackPolicies.length).toBeGreaterThan(0);
    expect(POLICIES.filter((p) => !resourcePolicies.includes(p as ResourceValidationPolicy) && !stackPolicies.includes(p as StackValidationPolicy)).map((p) => p.name)).toEqual([]);
  });

  it("never make a resource rule fail internally", async () => {
    for (const policy of resourcePolicies) {
      for (const type of TYPES) {
        for (const [label, value] of [["empty", undefined] as [string, unknown], ...SHAPES]) {
          const props = value === undefined ? {} : Object.fromEntries(FIELDS.map((f) => [f, value]));
          const run = await runResourceRule(policy, { type, props });
          for (const v of run.violations) expect(v.message, `${policy.name} on ${type} with ${label}`).not.toContain("could not evaluate");
        }
      }
    }
  });

  it("never make a stack rule, or the stack part of a resource rule, fail internally", async () => {
    for (const policy of stackPolicies) {
      for (const [label, value] of SHAPES) {
        // Every resource under an InboundOAuth and a ClientApp whose records are malformed too.
        const components = [contracts.TYPE_INBOUND_OAUTH, contracts.TYPE_CLIENT_APP].map((type, i) => ({
          type,
          name: `c${i}`,
          props: Object.fromEntries([...FIELDS, "configPath", "k2Api", "secret", "tenantId", "cloud", "audience"].map((f) => [f, value])),
          ...(i > 0 ? { parent: "c0" } : {}),
        }));
        const resources = [...components, ...TYPES.map((type, i) => ({ type, name: `r${i}`, parent: "c1", props: Object.fromEntries(FIELDS.map((f) => [f, value])), dependencies: i > 0 ? [`r${i - 1}`] : [] }))];
        const run = await runStackRule(policy, resources);
        for (const v of run.violations) expect(v.message, `${policy.name} with ${label}`).not.toContain("could not evaluate");
      }
    }
  });
});

describe("an internal error in a rule", () => {
  const docs = {
    displayName: "t",
    description: "test rule",
    severity: "low" as const,
    remediationSteps: "none",
    url: "https://learn.microsoft.com/",
  };

  it("is reported as a violation of that rule, not thrown", async () => {
    const broken = resourceRule({
      ...docs,
      name: "broken",
      enforcementLevel: "mandatory",
      settings: [],
      appliesTo: ["t:index:T"],
      needsRecords: true,
      check: () => {
        throw new TypeError("cannot read properties of undefined");
      },
    });
    const message = "policy broken could not evaluate this input (TypeError: cannot read properties of undefined); treat it as a violation and report the problem with the policy pack";
    expect((await runResourceRule(broken, { type: "t:index:T", props: {} })).violations).toEqual([{ message }]);
    // In the stack part (a resource of this project's components, for a rule that needs their records), attributed to that resource.
    const managed = await runStackRule(broken, [
      { type: contracts.TYPE_INBOUND_OAUTH, name: "k2-oauth", props: {} },
      { type: "t:index:T", name: "t", parent: "k2-oauth", props: {} },
    ]);
    expect(managed.violations).toEqual([{ message, urn: `urn:pulumi:test::k2-oauth::${contracts.TYPE_INBOUND_OAUTH}$t:index:T::t` }]);
    const brokenStack = stackRule({ ...docs, name: "broken-stack", enforcementLevel: "advisory", settings: [], check: () => { throw new RangeError("x"); } });
    expect((await runStackRule(brokenStack, [])).violations[0].message).toContain("policy broken-stack could not evaluate this input (RangeError: x)");
  });
});
