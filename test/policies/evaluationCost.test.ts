/**
 * What keeps the pack fast (docs/plan.md "Benchmark"), checked by counting work, never by timing:
 * - values.ts reads unknown values and primitives behind CrossGuard's proxy instead of letting it throw, with the
 *   proxy's results (unknowns still found deeper down, secrets unwrapped);
 * - single-type resource rules carry CrossGuard's type filter (`__pulumiType`), so the analyzer server skips them for
 *   other types before it deserializes anything;
 * - the not-applicable and undecided signals are thrown without a stack trace;
 * - stack rules link resources through indexes: their work grows linearly with the stack, not quadratically;
 * - each resource is decoded once per analyzer call, however many policies read it.
 */
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { shareDecodedProperties } from "../../policies/lib/sharedDecoding";
import { throwWithoutStack } from "../../policies/lib/signal";
import { read, readList } from "../../policies/lib/values";
import { POLICIES } from "../../policies/registry";
import { k2ApiAdminConsent } from "../../policies/rules/adminConsent";
import { appOwners } from "../../policies/rules/appOwners";
import { clientSecretExpiryAdvisory } from "../../policies/rules/clientSecretExpiryAdvisory";
import { keyVaultExpiryMatchesEntra } from "../../policies/rules/keyVaultExpiryMatches";
import { appLeastPrivilege } from "../../policies/rules/leastPrivilege";
import { clientSecretRotationOverlap } from "../../policies/rules/rotationOverlap";
import { contracts, K2_API_CLIENT_ID, OWNER } from "./helpers/fixtures";
import { UNKNOWN } from "./helpers/policyHarness";

/** The SDK's proxies and secret wrapper (internal exports of @pulumi/policy, untyped). */
const { unknownCheckingProxy } = require("@pulumi/policy") as { unknownCheckingProxy: <T>(value: T) => T };
const { secretsPreservingProxy } = require("@pulumi/policy/secret") as { secretsPreservingProxy: <T>(value: T) => T };
const { Secret } = require("@pulumi/policy") as { Secret: new (value: unknown) => object };

describe("reading values behind CrossGuard's proxy", () => {
  it("answers unknowns and primitives from the proxy's target, without going through its checks", () => {
    // Shaped like CrossGuard's proxy (@pulumi/policy proxy.js); reading a key through it fails the test.
    const target = { id: UNKNOWN, name: "app", count: 2, nested: { deeper: UNKNOWN } };
    const fake = new Proxy(target, {
      get: (obj, key) => {
        if (key === "__isSpecialProxy") return true;
        if (key === "__getSpecialProxyTarget") return obj;
        if (key === "nested") return obj.nested;
        throw new Error(`read ${String(key)} through the proxy`);
      },
    });
    expect(read(fake, "id")).toEqual({ known: false, path: "id" });
    expect(read(fake, "name")).toEqual({ known: true, value: "app" });
    expect(read(fake, "count")).toEqual({ known: true, value: 2 });
    expect(read(fake, "missing")).toEqual({ known: true, value: undefined });
    // Objects still come through the proxy, so what a rule does with them keeps the proxy's behaviour.
    expect(read(fake, "nested.deeper")).toEqual({ known: false, path: "nested.deeper" });
  });

  it("gives the same results as reading through the SDK's proxies, secrets unwrapped", () => {
    const raw = () => ({
      endpoint: "https://login.microsoftonline.com/t/oauth2/token",
      clientId: UNKNOWN,
      web: { redirectUris: ["https://a.example.com", UNKNOWN], implicitGrant: { accessTokenIssuanceEnabled: false } },
      list: UNKNOWN,
    });
    const analyzed = unknownCheckingProxy(raw());
    // Remediation: secrets wrapped (Secret) behind the secrets-preserving proxy, under the unknown-checking one.
    const withSecrets = { ...raw(), endpoint: new Secret("https://login.microsoftonline.com/t/oauth2/token"), clientId: new Secret(UNKNOWN) };
    const remediated = unknownCheckingProxy(secretsPreservingProxy(withSecrets));
    for (const props of [analyzed, remediated]) {
      expect(read(props, "endpoint")).toEqual({ known: true, value: "https://login.microsoftonline.com/t/oauth2/token" });
      expect(read(props, "clientId")).toEqual({ known: false, path: "clientId" });
      expect(read(props, "web.implicitGrant.accessTokenIssuanceEnabled")).toEqual({ known: true, value: false });
      const uris = readList(props, "web.redirectUris");
      expect(uris).toEqual({ known: true, notAList: false, items: [{ known: true, value: "https://a.example.com" }, { known: false, path: "web.redirectUris.1" }] });
      expect(readList(props, "list")).toEqual({ known: false, path: "list" });
    }
  });
});

describe("the analyzer server's own type filter", () => {
  it("is attached to every resource rule that inspects one type, and to no other", () => {
    for (const p of POLICIES) {
      if (!("validateResource" in p) || typeof p.validateResource !== "function") continue;
      const filter = (p.validateResource as { __pulumiType?: unknown }).__pulumiType;
      if (filter === undefined) continue;
      expect(typeof filter, p.name).toBe("string");
    }
    const filtered = POLICIES.filter((p) => "validateResource" in p && (p.validateResource as { __pulumiType?: unknown }).__pulumiType !== undefined).map((p) => p.name);
    expect(filtered.sort()).toEqual(["k2-bearer-token-audience", "k2-bearer-token-settings", "k2-bearer-token-v1-endpoints", "keyvault-client-secret-content-type", "keyvault-secret-expires"]);
  });
});

describe("signals thrown without a stack trace", () => {
  it("carries its message but no stack frames, and leaves Error.stackTraceLimit as it was", () => {
    const before = Error.stackTraceLimit;
    let caught: unknown;
    try {
      throwWithoutStack(() => {
        throw new Error("not applicable");
      });
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).message).toBe("not applicable");
    expect((caught as Error).stack ?? "").not.toMatch(/^\s+at /m);
    expect(Error.stackTraceLimit).toBe(before);
  });
});

/** Counts every property read on the values below it (and wraps what it returns). */
function counting<T>(value: T, counter: { reads: number }): T {
  if (typeof value !== "object" || value === null) return value;
  return new Proxy(value as object, {
    get: (target, key) => {
      counter.reads++;
      return counting((target as Record<PropertyKey, unknown>)[key], counter);
    },
  }) as T;
}

/**
 * A stack of `clients` clients as the offline plan sends it (inputs only: ids unknown, linked by dependencies), under
 * InboundOAuth and one ClientApp per client with their records, as the program declares them.
 */
function planStack(clients: number, counter: { reads: number }): PolicyResource[] {
  const resources: PolicyResource[] = [];
  const add = (type: string, name: string, props: Record<string, unknown>, dependencies: PolicyResource[], parent?: PolicyResource): PolicyResource => {
    const chain = parent === undefined ? type : `${parent.urn.split("::")[2]}$${type}`;
    const r = {
      type,
      name,
      urn: `urn:pulumi:bench::k2-oauth::${chain}::${name}`,
      props: counting(props, counter),
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies,
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
      ...(parent !== undefined ? { parent } : {}),
    } as PolicyResource;
    resources.push(r);
    return r;
  };
  const inbound = add(contracts.TYPE_INBOUND_OAUTH, "k2-oauth", { tenantId: "11111111-2222-3333-4444-555555555555", cloud: "public", audience: "https://api.k2.com/", k2Api: { clientId: K2_API_CLIENT_ID, scope: "user_impersonation" } }, []);
  for (let i = 0; i < clients; i++) {
    const client = add(
      contracts.TYPE_CLIENT_APP,
      `c${i}`,
      {
        configPath: `k2-oauth:clients[${i}]`,
        k2Api: { clientId: K2_API_CLIENT_ID, scope: "user_impersonation", scopeId: UNKNOWN, servicePrincipalObjectId: "0ff11e00-0000-4000-8000-000000000001" },
        secret: { lifetimeDays: 180, rotateAfterDays: 150 },
      },
      [],
      inbound,
    );
    const app = add(
      contracts.TYPE_AZUREAD_APPLICATION,
      `c${i}-app`,
      {
        displayName: `client ${i}`,
        owners: [OWNER],
        web: { redirectUris: [`https://c${i}.example.com/signin`], implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } },
        requiredResourceAccesses: [{ resourceAppId: K2_API_CLIENT_ID, resourceAccesses: [{ id: UNKNOWN, type: "Scope" }] }],
      },
      [],
      client,
    );
    const sp = add(contracts.TYPE_AZUREAD_SERVICE_PRINCIPAL, `c${i}-sp`, { clientId: UNKNOWN }, [app], client);
    add(
      contracts.TYPE_AZUREAD_DELEGATED_PERMISSION_GRANT,
      `c${i}-consent`,
      { servicePrincipalObjectId: UNKNOWN, resourceServicePrincipalObjectId: "0ff11e00-0000-4000-8000-000000000001", claimValues: ["user_impersonation"] },
      [sp],
      client,
    );
    for (const slot of ["a", "b"]) {
      const password = add(
        contracts.TYPE_AZUREAD_APPLICATION_PASSWORD,
        `c${i}-secret-${slot}`,
        { applicationId: UNKNOWN, startDate: "2026-09-01T00:00:00Z", endDate: "2027-03-01T00:00:00Z" },
        [app],
        client,
      );
      add(
        contracts.TYPE_KEYVAULT_SECRET,
        `c${i}-secret-${slot}-kv`,
        { properties: { value: UNKNOWN, contentType: contracts.CLIENT_SECRET_CONTENT_TYPE, attributes: { expires: 1803772800 } }, tags: { [contracts.TAG_KEY_ID]: UNKNOWN } },
        [password, app],
        client,
      );
    }
  }
  return resources;
}

/** Property reads one stack rule makes on a stack of `clients` clients. */
function readsFor(rule: StackValidationPolicy, clients: number): number {
  const counter = { reads: 0 };
  const resources = planStack(clients, counter);
  counter.reads = 0;
  const report: ReportViolation = () => undefined;
  try {
    void rule.validateStack(
      {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string): never => {
          throw new Error(reason);
        },
      },
      report,
    );
  } catch {
    // undecided or not applicable: the reads are what counts here
  }
  return counter.reads;
}

describe("stack rules link resources in linear work", () => {
  for (const rule of [k2ApiAdminConsent, clientSecretRotationOverlap, clientSecretExpiryAdvisory, keyVaultExpiryMatchesEntra, appOwners, appLeastPrivilege]) {
    it(`${rule.name}: four times the clients, at most about four times the reads`, () => {
      const small = readsFor(rule, 10);
      const large = readsFor(rule, 40);
      expect(small).toBeGreaterThan(0);
      // Linear work gives 4x; pairwise linking (every app against every service principal...) gave 16x.
      expect(large / small).toBeLessThanOrEqual(4.5);
    });
  }
});

describe("one decoding of each resource per call, shared by every policy", () => {
  it("the analyzer server decodes each resource once per AnalyzeStack call, not once per policy (policies/lib/sharedDecoding.ts)", async () => {
    const proto = require("@pulumi/pulumi/proto/analyzer_pb") as typeof import("@pulumi/pulumi/proto/analyzer_pb");
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
    const decoding = require("@pulumi/policy/deserialize") as { deserializeProperties: (s: unknown, p: boolean) => unknown };
    const original = decoding.deserializeProperties;
    let decoded = 0;
    decoding.deserializeProperties = (s, p) => {
      decoded++;
      return original(s, p);
    };
    expect(shareDecodedProperties()).toBe(true);
    const server = require("@pulumi/policy/server") as { makeAnalyzeStackRpcFun: (...a: unknown[]) => (call: unknown, cb: (err: unknown, res: unknown) => void) => Promise<void> };
    const analyzeStack = server.makeAnalyzeStackRpcFun("k2-oauth", "1.0.0", "mandatory", POLICIES);
    const resources = Array.from({ length: 12 }, (_, i) =>
      new proto.AnalyzerResource()
        .setUrn(`urn:pulumi:test::k2-oauth::${contracts.TYPE_AZUREAD_APPLICATION}::app-${i}`)
        .setType(contracts.TYPE_AZUREAD_APPLICATION)
        .setName(`app-${i}`)
        .setProperties(Struct.fromJavaScript({ displayName: `app ${i}`, owners: [OWNER] }))
        .setOptions(new proto.AnalyzerResourceOptions().setCustomtimeouts(new proto.AnalyzerResourceOptions.CustomTimeouts())),
    );
    const request = new proto.AnalyzeStackRequest().setResourcesList(resources);
    const stackPolicies = POLICIES.filter((p) => "validateStack" in p && typeof p.validateStack === "function" && p.enforcementLevel !== "disabled");
    expect(stackPolicies.length).toBeGreaterThan(10);
    await new Promise<void>((resolve, reject) => void analyzeStack({ request }, (err) => (err ? reject(err as Error) : resolve())));
    expect(decoded).toBe(resources.length);
    // Remediate's decoding keeps secrets wrapped: never shared.
    const struct = Struct.fromJavaScript({ a: 1 });
    expect(decoding.deserializeProperties(struct, true)).not.toBe(decoding.deserializeProperties(struct, true));
    expect(decoding.deserializeProperties(struct, false)).toBe(decoding.deserializeProperties(struct, false));
  });
});
