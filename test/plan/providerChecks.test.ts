/**
 * The plan runs each dynamic provider's check as `pulumi preview` does (cli/plan/providerChecks.ts): on the inputs the
 * engine would hand the provider (no secrets, unknowns as the unknown sentinel), taking the checked inputs with their
 * secretness put back (the engine's annotateSecrets), and with every secret masked in what the check says.
 */
import { describe, expect, it } from "vitest";
import { checkOutcome } from "../../cli/plan/computePlan";
import type { RecordedResource } from "../../cli/plan/model";
import { isDynamicResource, ProviderCheckError, providerChecks, ProviderUnavailableError } from "../../cli/plan/providerChecks";
import { planJson } from "../../cli/plan/render/json";
import { renderMarkdown } from "../../cli/plan/render/markdown";
import { checkFailureText, renderText } from "../../cli/plan/render/text";
import { sdkDirFrom } from "../../cli/plan/sdkInternals";
import type { DynamicProviderLike, LightSdk } from "../../cli/plan/sdkLoading";
import { annotateSecrets, OUTPUT_VALUE_SIG, providerInputs, RESOURCE_SIG, SECRET_SIG, secretStrings, SIG_KEY, UNKNOWN_VALUE } from "../../cli/plan/wire";
import { REPO_ROOT } from "../helpers/program";
import { rejection } from "../helpers/thrown";
import { planResult } from "./project";

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
const TYPE = "pulumi-nodejs:dynamic/k2:BearerTokenResource";
const FINGERPRINT = "offline-plan:dynamic-provider-fingerprint:abc";
const SECRET_VALUE = "Pl4n-Secret-Value-9";

function sdkWith(providers: Record<string, DynamicProviderLike>): LightSdk {
  return {
    probe: { sdkDir: sdkDirFrom(REPO_ROOT), version: "3.248.0", problems: {} },
    warnings: [],
    providerFor: (text) => providers[text],
  };
}

function resource(wireInputs: Record<string, unknown>, type = TYPE): RecordedResource {
  return { urn: `urn:pulumi:dev::k2-oauth::${type}::r`, type, name: "r", custom: true, dependencies: [], wireInputs };
}

describe("wire conversions for provider checks", () => {
  it("providerInputs: secrets unwrapped, unknowns kept, references as id (custom) or URN (component), output values unwrapped", () => {
    expect(
      providerInputs({
        a: secret({ user: "u", password: "p" }),
        b: UNKNOWN_VALUE,
        c: { [SIG_KEY]: RESOURCE_SIG, urn: "urn:x", id: "id-1" },
        d: { [SIG_KEY]: RESOURCE_SIG, urn: "urn:component" },
        e: { [SIG_KEY]: OUTPUT_VALUE_SIG, value: "v", secret: true },
        f: { [SIG_KEY]: OUTPUT_VALUE_SIG },
        g: [secret("s"), 1],
      }),
    ).toEqual({ a: { user: "u", password: "p" }, b: UNKNOWN_VALUE, c: "id-1", d: "urn:component", e: "v", f: UNKNOWN_VALUE, g: ["s", 1] });
  });

  it("annotateSecrets: as the engine, recursing into objects, otherwise the whole value becomes secret", () => {
    const ins = { creds: secret({ u: "a", p: "b" }), nested: { token: secret("t"), plain: "x" }, list: ["a", secret("b")], plain: "y", gone: secret("z") };
    const outs = { creds: { u: "a", p: "b" }, nested: { token: "t", plain: "x" }, list: ["a", "b"], plain: "y2", added: "new" };
    expect(annotateSecrets(outs, ins)).toEqual({
      creds: secret({ u: "a", p: "b" }),
      nested: { token: secret("t"), plain: "x" },
      list: secret(["a", "b"]),
      plain: "y2",
      added: "new",
    });
    expect(annotateSecrets({ s: secret("v") }, { s: secret("v") })).toEqual({ s: secret("v") });
  });

  it("secretStrings: every string under a secret, however deep, and nothing else", () => {
    expect(secretStrings({ a: "plain", b: secret({ u: "user", list: ["p1", 2] }), c: { [SIG_KEY]: OUTPUT_VALUE_SIG, value: "ov", secret: true }, d: [secret("s")] }).sort()).toEqual(
      ["ov", "p1", "s", "user"].sort(),
    );
  });
});

describe("isDynamicResource", () => {
  it("the type alone decides, as for the engine: a dynamic resource without __provider is still one", () => {
    expect(isDynamicResource(resource({ __provider: "x" }))).toBe(true);
    expect(isDynamicResource(resource({ __provider: "x" }, "pulumi-nodejs:dynamic:Resource"))).toBe(true);
    expect(isDynamicResource(resource({}, TYPE))).toBe(true);
    expect(isDynamicResource(resource({ __provider: "x" }, "azuread:index/application:Application"))).toBe(false);
    expect(isDynamicResource(resource({ __provider: "x" }, "pulumi-nodejs:dynamicity:Other"))).toBe(false);
  });
});

const ENGINE = { config: { "k2-oauth:tenantId": "11111111-2222-3333-4444-555555555555", "other:key": "v" }, project: "k2-oauth" };
const URN = `urn:pulumi:dev::k2-oauth::${TYPE}::r`;

describe("providerChecks", () => {
  const checks = (providers: Record<string, DynamicProviderLike>) => providerChecks(sdkWith(providers), ENGINE);

  it("passes other resources through unchanged, at once", () => {
    const prepare = checks({});
    const r = resource({ displayName: "x" }, "azuread:index/application:Application");
    expect(prepare(r)).toBe(r);
  });

  it("checks with the engine's inputs, keeps the checked inputs with their secretness, masks secrets in failures", async () => {
    const calls: unknown[][] = [];
    const provider: DynamicProviderLike = {
      async check(olds, news) {
        calls.push([olds, news]);
        return {
          inputs: { ...news, k2Url: String(news.k2Url).replace(/\/$/, "") },
          failures: [{ property: `credentials.${SECRET_VALUE}`, reason: `rejected password ${SECRET_VALUE} for ${String(news.label)}` }],
        };
      },
      create: async () => ({}),
    };
    const input = resource({ __provider: FINGERPRINT, k2Url: "https://k2.example.com/", label: "visible", later: UNKNOWN_VALUE, credentials: secret({ username: "u", password: SECRET_VALUE }) });
    const checked = await checks({ [FINGERPRINT]: provider })(input);
    expect(calls).toEqual([[{}, { __provider: FINGERPRINT, k2Url: "https://k2.example.com/", label: "visible", later: UNKNOWN_VALUE, credentials: { username: "u", password: SECRET_VALUE } }]]);
    expect(checked).toEqual({
      ...input,
      wireInputs: { __provider: FINGERPRINT, k2Url: "https://k2.example.com", label: "visible", later: UNKNOWN_VALUE, credentials: secret({ username: "u", password: SECRET_VALUE }) },
      checkFailures: [{ property: "credentials.[secret]", reason: "rejected password [secret] for visible" }],
    });
  });

  it("inputs travel as the host's protobuf Structs: keys sorted at every level both ways, a Date becomes {}", async () => {
    let seen: unknown;
    const provider: DynamicProviderLike = {
      async check(_olds, news) {
        seen = news;
        return { inputs: { zeta: { b: 1, a: 2 }, when: new Date(0) as unknown, alpha: news.nested } as Record<string, unknown> };
      },
      create: async () => ({}),
    };
    const checked = await checks({ [FINGERPRINT]: provider })(resource({ nested: { y: 1, x: [{ d: 1, c: 2 }] }, __provider: FINGERPRINT }));
    expect(JSON.stringify(seen)).toBe(JSON.stringify({ __provider: FINGERPRINT, nested: { x: [{ c: 2, d: 1 }], y: 1 } }));
    expect(JSON.stringify(checked.wireInputs)).toBe(JSON.stringify({ __provider: FINGERPRINT, alpha: { x: [{ c: 2, d: 1 }], y: 1 }, when: {}, zeta: { a: 2, b: 1 } }));
  });

  it("checked inputs the host cannot send (undefined) stop the plan, as they fail the host's Check", async () => {
    const provider: DynamicProviderLike = { check: async (_olds, news) => ({ inputs: { ...news, later: undefined } }), create: async () => ({}) };
    await expect(checks({ [FINGERPRINT]: provider })(resource({ __provider: FINGERPRINT, a: 1 }))).rejects.toThrow(
      new ProviderCheckError(
        URN,
        "Error: the inputs its check returned cannot travel as a protobuf Struct, which holds JSON values only (not undefined, functions or class instances): Unexpected struct type.",
      ).message,
    );
  });

  it("a check that throws stops the plan (the host fails the engine's Check call), its message masked", async () => {
    const provider: DynamicProviderLike = {
      check: () => Promise.reject(new TypeError(`cannot use ${SECRET_VALUE}`)),
      create: async () => ({}),
    };
    const input = resource({ __provider: secret(FINGERPRINT), token: secret(SECRET_VALUE) });
    const e = await rejection(Promise.resolve(checks({ [FINGERPRINT]: provider })(input)));
    expect(e).toBeInstanceOf(ProviderCheckError);
    expect((e as Error).message).toBe(
      `the provider check of ${URN} failed with TypeError: cannot use [secret]; pulumi preview fails at this resource too (the dynamic-provider host returns the error to the engine, which stops the preview)`,
    );
  });

  it("a provider without check accepts the inputs as they are", async () => {
    const input = resource({ __provider: FINGERPRINT, a: secret("s"), b: "x" });
    const checked = await checks({ [FINGERPRINT]: { create: async () => ({}) } })(input);
    expect(checked.wireInputs).toEqual(input.wireInputs);
    expect(checked.checkFailures).toEqual([]);
  });

  it("configure runs once per provider before its first check, with the engine's config and project, as the host does", async () => {
    const seen: string[] = [];
    const provider: DynamicProviderLike = {
      async configure(req) {
        const config = req.config as { get(key: string): string | undefined; require(key: string): string };
        seen.push(`configure: ${config.require("tenantId")} ${config.get("other:key")} ${String(config.get("missing"))}`);
      },
      async check(_olds, news) {
        seen.push(`check ${String(news.n)}`);
        return {};
      },
      create: async () => ({}),
    };
    const prepare = checks({ [FINGERPRINT]: provider });
    await prepare(resource({ __provider: FINGERPRINT, n: 1 }));
    await prepare(resource({ __provider: FINGERPRINT, n: 2 }));
    expect(seen).toEqual(["configure: 11111111-2222-3333-4444-555555555555 v undefined", "check 1", "check 2"]);
  });

  it("a configure that throws stops the plan like a check that throws", async () => {
    const provider: DynamicProviderLike = {
      async configure(req) {
        (req.config as { require(key: string): string }).require("absent");
      },
      create: async () => ({}),
    };
    await expect(checks({ [FINGERPRINT]: provider })(resource({ __provider: FINGERPRINT }))).rejects.toThrow(
      new ProviderCheckError(URN, "Error: Missing required configuration key: absent").message,
    );
  });

  it("runs a serialized provider (the SDK's own serializer in use) loaded as the dynamic-provider host loads it", async () => {
    const text =
      'exports.handler = () => ({ check: async (olds, news) => ({ inputs: news, failures: news.size > 2 ? [{ property: "size", reason: "expected at most 2, got " + news.size }] : [] }), create: async () => ({ id: "x" }) });';
    const checked = await checks({})(resource({ __provider: text, size: 3 }));
    expect(checked.checkFailures).toEqual([{ property: "size", reason: "expected at most 2, got 3" }]);
    expect(checked.wireInputs).toEqual({ __provider: text, size: 3 });
  });

  it("a provider that cannot be found or loaded stops the plan; nothing is skipped", async () => {
    const prepare = checks({});
    const unavailable = (why: string) => new ProviderUnavailableError(URN, why).message;
    await expect(prepare(resource({ __provider: "offline-plan:dynamic-provider-fingerprint:unknown" }))).rejects.toThrow(unavailable("no provider was seen for its fingerprint (__provider)"));
    await expect(prepare(resource({ __provider: "this is not JavaScript" }))).rejects.toThrow(`${unavailable("its provider could not be loaded from __provider (SyntaxError: ")}`);
    await expect(prepare(resource({ __provider: "module.exports = {};" }))).rejects.toThrow(
      unavailable("its provider could not be loaded from __provider (Error: its serialized code exports no handler)"),
    );
    await expect(prepare(resource({ __provider: UNKNOWN_VALUE }))).rejects.toThrow(unavailable("its __provider input is not known before apply"));
    await expect(prepare(resource({ __provider: "" }))).rejects.toThrow(unavailable("its __provider input holds no provider code"));
    await expect(prepare(resource({ a: 1 }))).rejects.toThrow(unavailable("it has no __provider input (the serialized provider every dynamic resource carries)"));
  });
});

describe("check failures as the plan reports them", () => {
  const withFailures = (wireInputs: Record<string, unknown>, failures: Array<{ property: string; reason: string }>): RecordedResource => ({
    ...resource(wireInputs),
    checkFailures: failures,
  });

  it("each failure names its resource, the config keys to change and the value given (display form: secrets masked, unknowns left out), in every format", () => {
    const r = withFailures(
      {
        parameters: { audience: "https://api.k2.com", extra: UNKNOWN_VALUE },
        credentials: secret({ username: "svc-k2", password: SECRET_VALUE }),
        management: { transport: "rest" },
        resourceName: "",
      },
      [
        { property: "parameters.audience", reason: "expected exactly https://api.k2.com/" },
        { property: "parameters.extra", reason: "expected a string" },
        { property: "credentials.password", reason: "expected a non-empty password" },
        { property: "management", reason: "expected { transport: 'smartobject-rest', serviceUrl, mapping }" },
        { property: "resourceName", reason: "expected a non-empty K2 OAuth resource name" },
        { property: "k2Url", reason: "expected the K2 site URL" },
        { property: "tokenEndpoint", reason: "expected a v1 endpoint" },
        { property: "management.serviceUrl", reason: "expected https" },
        { property: "", reason: "the inputs do not fit together" },
      ],
    );
    const outcome = checkOutcome([r, resource({ a: 1 }, "pulumi-nodejs:dynamic:Resource")]);
    const base = { urn: r.urn, type: TYPE, name: "r" };
    expect(outcome).toEqual({
      resourcesChecked: 1,
      failures: [
        { ...base, property: "parameters.audience", reason: "expected exactly https://api.k2.com/", configKeys: ["k2-oauth:k2Api.audience"], given: "https://api.k2.com" },
        { ...base, property: "parameters.extra", reason: "expected a string", configKeys: [] },
        { ...base, property: "credentials.password", reason: "expected a non-empty password", configKeys: ["k2-oauth:k2.admin.password"], given: "[secret]" },
        { ...base, property: "management", reason: "expected { transport: 'smartobject-rest', serviceUrl, mapping }", configKeys: [], given: { transport: "rest" } },
        { ...base, property: "resourceName", reason: "expected a non-empty K2 OAuth resource name", configKeys: ["k2-oauth:k2.bearerTokenResource.name"], given: "" },
        { ...base, property: "k2Url", reason: "expected the K2 site URL", configKeys: ["k2-oauth:k2.url"] },
        { ...base, property: "tokenEndpoint", reason: "expected a v1 endpoint", configKeys: ["k2-oauth:tenantId", "k2-oauth:cloud"] },
        { ...base, property: "management.serviceUrl", reason: "expected https", configKeys: ["k2-oauth:k2.smartObjectServices.url", "k2-oauth:k2.url"] },
        { ...base, property: "", reason: "the inputs do not fit together", configKeys: [] },
      ],
    });
    expect(outcome.failures.map(checkFailureText)).toEqual([
      "expected exactly https://api.k2.com/; got 'https://api.k2.com'",
      "expected a string",
      "expected a non-empty password (the value given is not shown: it is stored as a secret)",
      "expected { transport: 'smartobject-rest', serviceUrl, mapping }; got a mapping",
      "expected a non-empty K2 OAuth resource name; got ''",
      "expected the K2 site URL",
      "expected a v1 endpoint",
      "expected https",
      "the inputs do not fit together",
    ]);
    const text = renderText(planResult({ checks: outcome }), { color: false });
    expect(text).toContain("    x r  tokenEndpoint\n        expected a v1 endpoint\n        change: k2-oauth:tenantId or k2-oauth:cloud\n");
    expect(text).toContain("    x r  parameters.extra\n        expected a string\n    x r  credentials.password\n");
    expect(text).toContain("    x r  (no input named)\n        the inputs do not fit together\n");
    expect(renderMarkdown(planResult({ checks: outcome }))).toContain(
      "| :x: failed | `r` | `management.serviceUrl` | expected https | `k2-oauth:k2.smartObjectServices.url` or `k2-oauth:k2.url` |",
    );
    expect((planJson(planResult({ checks: outcome })).checks as { failures: Array<{ configKeys: unknown }> }).failures.map((f) => f.configKeys)).toEqual(
      outcome.failures.map((f) => f.configKeys),
    );
    expect(JSON.stringify(outcome).includes(SECRET_VALUE)).toBe(false);
  });
});
