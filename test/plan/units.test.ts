/**
 * Unit tests of the plan's pure parts: argument parsing, the wire-format constants, masking, the diff, the
 * scrubber, and colour selection. The end-to-end tests (real program, real policy pack) are in the *.e2e.test.ts files
 * beside this one.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as analyzer from "../../cli/analyzer/wire";
import { parsePlanArgs } from "../../cli/plan/args";
import { diffPlans } from "../../cli/plan/diff";
import { UsageError } from "../../cli/plan/errors";
import type { RecordedResource } from "../../cli/plan/model";
import { engineUrn } from "../../cli/plan/recordingMonitor";
import { useColor } from "../../cli/plan/render/style";
import { leaves } from "../../cli/plan/render/values";
import { plaintextSecrets } from "../../cli/plan/plaintextSecrets";
import { makeScrubber, scrubDeep } from "../../cli/plan/scrub";
import * as wire from "../../cli/plan/wire";
import { thrown } from "../helpers/thrown";

const secret = (value: unknown) => ({ [wire.SIG_KEY]: wire.SECRET_SIG, value });

describe("parsePlanArgs", () => {
  it("reads stack, format and against", () => {
    expect(parsePlanArgs(["--stack", "dev"])).toEqual({ stack: "dev", format: "text", deployGate: false, help: false });
    expect(parsePlanArgs(["--stack", "prod", "--format", "json", "--against", "origin/main", "--deploy-gate", "--outputs", "o.json"])).toEqual({
      stack: "prod",
      format: "json",
      against: "origin/main",
      deployGate: true,
      outputs: "o.json",
      help: false,
    });
    expect(parsePlanArgs(["--stack", "prod", "--deploy-gate", "--outputs", "o.json", "--allow-drop", " power-automate, reporting"])).toEqual({
      stack: "prod",
      format: "text",
      deployGate: true,
      outputs: "o.json",
      allowDrop: ["power-automate", "reporting"],
      help: false,
    });
  });

  it.each([
    [[], "--stack <name> is required"],
    [["--stack", "dev", "--format", "yaml"], "--format: expected 'text', 'markdown', 'json', got 'yaml'"],
    [["--stack", "dev", "--colour"], "unknown option '--colour'"],
    [["--stack", "dev", "--formt", "json"], "unknown option '--formt'; did you mean --format?"],
    [["-s", "dev"], "unknown option '-s'; did you mean --stack?"],
    [["dev"], "unexpected argument 'dev'; name the stack with --stack <name>"],
    [["--stack", "dev", "--against", ""], "--against needs a value: --against <git-ref>"],
    [["--stack", "dev", "--against"], "--against needs a value: --against <git-ref>"],
    [["--stack", "dev", "--deploy-gate=yes"], "--deploy-gate takes no value, got '--deploy-gate=yes'"],
  ])("rejects %j as a usage error", (argv, message) => {
    const error = thrown(() => parsePlanArgs(argv));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message);
  });

  it("--help and -h win over anything else", () => {
    expect(parsePlanArgs(["--stack", "dev", "-h"])).toEqual({ stack: "", format: "text", deployGate: false, help: true });
    expect(parsePlanArgs(["--bogus", "--help"])).toEqual({ stack: "", format: "text", deployGate: false, help: true });
  });
});

describe("wire format", () => {
  it("uses the SDK's signature constants", () => {
    expect(wire.SIG_KEY).toBe(rpc.specialSigKey);
    expect(wire.SECRET_SIG).toBe(rpc.specialSecretSig);
    expect(wire.RESOURCE_SIG).toBe(rpc.specialResourceSig);
    expect(wire.ASSET_SIG).toBe(rpc.specialAssetSig);
    expect(wire.ARCHIVE_SIG).toBe(rpc.specialArchiveSig);
    expect(wire.OUTPUT_VALUE_SIG).toBe(rpc.specialOutputValueSig);
    expect(wire.UNKNOWN_VALUE).toBe(rpc.unknownValue);
    // The analyzer client's encoding takes the same constants.
    expect([analyzer.SIG_KEY, analyzer.SECRET_SIG, analyzer.UNKNOWN]).toEqual([rpc.specialSigKey, rpc.specialSecretSig, rpc.unknownValue]);
  });

  it("masks secrets at any depth, unknowns and dynamic provider code", () => {
    const inputs = {
      properties: { value: secret("hunter22"), attributes: { expires: 1 } },
      nested: secret({ password: "hunter22" }),
      list: [secret("hunter22"), "plain"],
      clientId: wire.UNKNOWN_VALUE,
      parentRef: { [wire.SIG_KEY]: wire.RESOURCE_SIG, urn: "urn:pulumi:dev::p::t::n", id: "" },
      [wire.DYNAMIC_PROVIDER_KEY]: "exports.handler = ...",
    };
    const shown = wire.displayInputs(inputs);
    expect(shown).toEqual({
      properties: { value: "[secret]", attributes: { expires: 1 } },
      nested: "[secret]",
      list: ["[secret]", "plain"],
      clientId: "(known after apply)",
      parentRef: "urn:pulumi:dev::p::t::n",
      __provider: "(dynamic provider code)",
    });
    expect(JSON.stringify(shown)).not.toContain("hunter22");
  });
});

describe("engineUrn", () => {
  it("qualifies a type with the parent's whole type chain, root stack excluded", () => {
    const stack = engineUrn("dev", "k2-oauth", "", "pulumi:pulumi:Stack", "k2-oauth-dev");
    const top = engineUrn("dev", "k2-oauth", stack, "k2oauth:index:InboundOAuth", "k2-oauth");
    const client = engineUrn("dev", "k2-oauth", top, "k2oauth:index:ClientApp", "app");
    expect(top).toBe("urn:pulumi:dev::k2-oauth::k2oauth:index:InboundOAuth::k2-oauth");
    expect(engineUrn("dev", "k2-oauth", client, "azuread:index/application:Application", "app-app")).toBe(
      "urn:pulumi:dev::k2-oauth::k2oauth:index:InboundOAuth$k2oauth:index:ClientApp$azuread:index/application:Application::app-app",
    );
  });
});

describe("diffPlans", () => {
  const res = (name: string, wireInputs: Record<string, unknown>): RecordedResource => ({
    urn: `urn:pulumi:dev::p::t::${name}`,
    type: "t",
    name,
    custom: true,
    dependencies: [],
    wireInputs,
  });

  it("lists added, removed and changed input leaves, masking secrets on both sides", () => {
    const base = [
      res("same", { a: 1 }),
      res("gone", { a: 1 }),
      res("changed", { endDate: "2027-01-01", web: { redirectUris: ["https://a"] }, pw: secret("old-secret-1"), drop: true }),
    ];
    const head = [
      res("same", { a: 1 }),
      res("changed", { endDate: "2027-06-01", web: { redirectUris: ["https://a", "https://b"] }, pw: secret("new-secret-2"), extra: 1 }),
      res("new", { a: 2 }),
    ];
    const diff = diffPlans("main", base, head);
    expect(diff.base).toBe("existing");
    expect(diff.added.map((r) => r.name)).toEqual(["new"]);
    expect(diff.removed.map((r) => r.name)).toEqual(["gone"]);
    expect(diff.unchanged).toBe(1);
    expect(diff.changed).toHaveLength(1);
    expect(diff.changed[0].changes).toEqual([
      { path: "drop", kind: "removed", before: true },
      { path: "endDate", kind: "changed", before: "2027-01-01", after: "2027-06-01" },
      { path: "extra", kind: "added", after: 1 },
      { path: "pw", kind: "changed", before: "[secret]", after: "[secret]" },
      { path: "web.redirectUris[1]", kind: "added", after: "https://b" },
    ]);
    expect(JSON.stringify(diff)).not.toMatch(/old-secret-1|new-secret-2/);
  });

  it("treats a missing base as a new stack: everything added", () => {
    const diff = diffPlans("main", undefined, [res("a", {}), res("b", {})], "main has no stacks/Pulumi.dev.yaml");
    expect(diff).toMatchObject({ base: "new", baseNote: "main has no stacks/Pulumi.dev.yaml", removed: [], changed: [], unchanged: 0 });
    expect(diff.added.map((r) => r.name)).toEqual(["a", "b"]);
  });
});

describe("scrubber", () => {
  it("finds plaintext secrets at secret config paths and removes them, raw and JSON-escaped", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-plan-scrub-"));
    const file = path.join(dir, "Pulumi.x.yaml");
    fs.writeFileSync(file, 'config:\n  k2-oauth:k2:\n    admin:\n      username: u\n      password: p"w\\d-123\n');
    const secrets = plaintextSecrets(file);
    expect(secrets).toEqual(['p"w\\d-123']);
    const scrub = makeScrubber(secrets);
    expect(scrub('raw p"w\\d-123 and json "p\\"w\\\\d-123"')).toBe('raw [secret] and json "[secret]"');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("masks values of four characters or more, not shorter ones", () => {
    expect(makeScrubber(["abc", "wxyz"])("abc wxyz wxyz0 xyz")).toBe("abc [secret] [secret]0 xyz");
  });

  it("masks the longer of two overlapping secrets whole, whichever order they come in, and never inside a mask", () => {
    const text = "key=secret-long; other=secret";
    expect(makeScrubber(["secret", "secret-long"])(text)).toBe("key=[secret]; other=[secret]");
    expect(makeScrubber(["secret-long", "secret"])(text)).toBe("key=[secret]; other=[secret]");
  });

  it("takes regular-expression characters in a secret literally", () => {
    expect(makeScrubber(["a.b*c(d)$&|x"])("a.b*c(d)$&|x aXbbc(d)$&|x")).toBe("[secret] aXbbc(d)$&|x");
  });

  it("without secrets, leaves text as it is", () => {
    expect(makeScrubber([])("p@ss [secret] \\")).toBe("p@ss [secret] \\");
    expect(makeScrubber(["abc"])("abc")).toBe("abc");
  });

  it("scrubDeep masks every string inside a value, keys included, and keeps everything else", () => {
    const scrub = makeScrubber(["hunter22"]);
    const value = {
      "hunter22-key": "a hunter22 b",
      list: ["hunter22", 3, null, true, { inner: "xhunter22x" }],
      n: 0,
      f: false,
      nothing: null,
      kept: "plain",
    };
    expect(scrubDeep(value, scrub)).toEqual({
      "[secret]-key": "a [secret] b",
      list: ["[secret]", 3, null, true, { inner: "x[secret]x" }],
      n: 0,
      f: false,
      nothing: null,
      kept: "plain",
    });
    expect(scrubDeep("hunter22", scrub)).toBe("[secret]");
    expect(scrubDeep(undefined, scrub)).toBeUndefined();
  });

  it("ignores secure: values (never decrypted, nothing to scrub)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-plan-scrub-"));
    const file = path.join(dir, "Pulumi.x.yaml");
    fs.writeFileSync(file, "config:\n  k2-oauth:k2:\n    admin:\n      password:\n        secure: v1:abc\n");
    expect(plaintextSecrets(file)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("rendering helpers", () => {
  it("colours only a TTY without NO_COLOR", () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
  });

  it("flattens inputs to leaf paths", () => {
    expect(leaves({ web: { redirectUris: ["x"], implicitGrant: { a: false } }, owners: [] })).toEqual([
      ["web.redirectUris[0]", "x"],
      ["web.implicitGrant.a", false],
      ["owners", []],
    ]);
  });
});
