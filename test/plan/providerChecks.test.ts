/**
 * The plan runs each dynamic provider's check as `pulumi preview` does (cli/plan/providerChecks.ts): on the inputs the
 * engine would hand the provider (no secrets, unknowns as the unknown sentinel), taking the checked inputs with their
 * secretness put back (the engine's annotateSecrets), and with every secret masked in what the check says.
 */
import { describe, expect, it } from "vitest";
import { checkOutcome } from "../../cli/plan/computePlan";
import type { RecordedResource } from "../../cli/plan/model";
import { isDynamicResource, providerChecks, ProviderUnavailableError } from "../../cli/plan/providerChecks";
import { checkFailureText } from "../../cli/plan/render/text";
import { sdkDirFrom } from "../../cli/plan/sdkInternals";
import type { DynamicProviderLike, LightSdk } from "../../cli/plan/sdkLoading";
import { annotateSecrets, OUTPUT_VALUE_SIG, providerInputs, RESOURCE_SIG, SECRET_SIG, secretStrings, SIG_KEY, UNKNOWN_VALUE } from "../../cli/plan/wire";
import { REPO_ROOT } from "../helpers/program";

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
  it("dynamic resource types carrying a serialized provider; nothing else", () => {
    expect(isDynamicResource(resource({ __provider: "x" }))).toBe(true);
    expect(isDynamicResource(resource({ __provider: "x" }, "pulumi-nodejs:dynamic:Resource"))).toBe(true);
    expect(isDynamicResource(resource({}, TYPE))).toBe(false);
    expect(isDynamicResource(resource({ __provider: "x" }, "azuread:index/application:Application"))).toBe(false);
    expect(isDynamicResource(resource({ __provider: "x" }, "pulumi-nodejs:dynamicity:Other"))).toBe(false);
  });
});

describe("providerChecks", () => {
  it("passes other resources through unchanged, at once", () => {
    const prepare = providerChecks(sdkWith({}));
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
    const checked = await providerChecks(sdkWith({ [FINGERPRINT]: provider }))(input);
    expect(calls).toEqual([[{}, { __provider: FINGERPRINT, k2Url: "https://k2.example.com/", label: "visible", later: UNKNOWN_VALUE, credentials: { username: "u", password: SECRET_VALUE } }]]);
    expect(checked).toEqual({
      ...input,
      wireInputs: { __provider: FINGERPRINT, k2Url: "https://k2.example.com", label: "visible", later: UNKNOWN_VALUE, credentials: secret({ username: "u", password: SECRET_VALUE }) },
      checkFailures: [{ property: "credentials.[secret]", reason: "rejected password [secret] for visible" }],
    });
    // In the order a protobuf Struct gives them, as the program's own inputs arrive (the plan shows them so).
    expect(Object.keys(checked.wireInputs)).toEqual(["__provider", "credentials", "k2Url", "label", "later"]);
  });

  it("a check that throws is a failure of that resource, its message masked", async () => {
    const provider: DynamicProviderLike = {
      check: () => Promise.reject(new TypeError(`cannot use ${SECRET_VALUE}`)),
      create: async () => ({}),
    };
    const input = resource({ __provider: secret(FINGERPRINT), token: secret(SECRET_VALUE) });
    const checked = await providerChecks(sdkWith({ [FINGERPRINT]: provider }))(input);
    expect(checked.checkFailures).toEqual([{ property: "", reason: "the provider's check failed with TypeError: cannot use [secret]" }]);
    expect(checked.wireInputs).toBe(input.wireInputs);
  });

  it("a provider without check accepts the inputs as they are", async () => {
    const input = resource({ __provider: FINGERPRINT, a: secret("s"), b: "x" });
    const checked = await providerChecks(sdkWith({ [FINGERPRINT]: { create: async () => ({}) } }))(input);
    expect(checked.wireInputs).toEqual(input.wireInputs);
    expect(checked.checkFailures).toEqual([]);
  });

  it("runs a serialized provider (the SDK's own serializer in use) loaded as the dynamic-provider host loads it", async () => {
    const text =
      'exports.handler = () => ({ check: async (olds, news) => ({ inputs: news, failures: news.size > 2 ? [{ property: "size", reason: "expected at most 2, got " + news.size }] : [] }), create: async () => ({ id: "x" }) });';
    const checked = await providerChecks(sdkWith({}))(resource({ __provider: text, size: 3 }));
    expect(checked.checkFailures).toEqual([{ property: "size", reason: "expected at most 2, got 3" }]);
  });

  it("a provider that cannot be found or loaded stops the plan; nothing is skipped", async () => {
    const prepare = providerChecks(sdkWith({}));
    await expect(prepare(resource({ __provider: "offline-plan:dynamic-provider-fingerprint:unknown" }))).rejects.toThrow(
      new ProviderUnavailableError(`urn:pulumi:dev::k2-oauth::${TYPE}::r`, "no provider was seen for its fingerprint (__provider)").message,
    );
    await expect(prepare(resource({ __provider: "this is not JavaScript" }))).rejects.toThrow(
      `the offline plan could not run the provider check of urn:pulumi:dev::k2-oauth::${TYPE}::r: its provider could not be loaded from __provider (SyntaxError: `,
    );
    await expect(prepare(resource({ __provider: "module.exports = {};" }))).rejects.toThrow(
      `the offline plan could not run the provider check of urn:pulumi:dev::k2-oauth::${TYPE}::r: its provider could not be loaded from __provider (Error: its serialized code exports no handler)`,
    );
    await expect(prepare(resource({ __provider: UNKNOWN_VALUE }))).rejects.toThrow(ProviderUnavailableError);
    await expect(prepare(resource({ __provider: "" }))).rejects.toThrow("its __provider input holds no provider code");
  });
});

describe("check failures as the plan reports them", () => {
  const withFailures = (wireInputs: Record<string, unknown>, failures: Array<{ property: string; reason: string }>): RecordedResource => ({
    ...resource(wireInputs),
    checkFailures: failures,
  });

  it("each failure names its resource, the config key to change and the value given (display form: secrets masked, unknowns left out)", () => {
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
        { property: "", reason: "the provider's check failed with Error: boom" },
      ],
    );
    const outcome = checkOutcome([r, resource({ a: 1 }, "pulumi-nodejs:dynamic:Resource")]);
    const base = { urn: r.urn, type: TYPE, name: "r" };
    expect(outcome).toEqual({
      resourcesChecked: 1,
      failures: [
        { ...base, property: "parameters.audience", reason: "expected exactly https://api.k2.com/", configKey: "k2-oauth:k2Api.audience", given: "https://api.k2.com" },
        { ...base, property: "parameters.extra", reason: "expected a string" },
        { ...base, property: "credentials.password", reason: "expected a non-empty password", configKey: "k2-oauth:k2.admin.password", given: "[secret]" },
        { ...base, property: "management", reason: "expected { transport: 'smartobject-rest', serviceUrl, mapping }", given: { transport: "rest" } },
        { ...base, property: "resourceName", reason: "expected a non-empty K2 OAuth resource name", configKey: "k2-oauth:k2.bearerTokenResource.name", given: "" },
        { ...base, property: "k2Url", reason: "expected the K2 site URL", configKey: "k2-oauth:k2.url" },
        { ...base, property: "", reason: "the provider's check failed with Error: boom" },
      ],
    });
    expect(outcome.failures.map(checkFailureText)).toEqual([
      "expected exactly https://api.k2.com/; got 'https://api.k2.com'",
      "expected a string",
      "expected a non-empty password (the value given is not shown: it is stored as a secret)",
      "expected { transport: 'smartobject-rest', serviceUrl, mapping }; got a mapping",
      "expected a non-empty K2 OAuth resource name; got ''",
      "expected the K2 site URL",
      "the provider's check failed with Error: boom",
    ]);
    expect(JSON.stringify(outcome).includes(SECRET_VALUE)).toBe(false);
  });
});
