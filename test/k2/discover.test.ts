import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { usageErrorText } from "../../cli/args";
import { DISCOVER_COMMAND, PASSWORD_ENV, runDiscover } from "../../cli/discover";
import { loadSmartObjectMappingFile, type SmartObjectMapping } from "../../components/k2/mapping";
import { startK2SmartObjectDouble, type K2DoubleOptions, type K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";
import { tempProjectRoot, testStackYaml } from "../helpers/stackFile";
import { assertNoSecret, create, inputsFor, testProvider } from "./fixtures";

/** Names a server could use: deliberately unlike the project's placeholders, so discover has to find them. */
const SERVER_MAPPING: SmartObjectMapping = {
  origin: "discovered",
  placeholders: [],
  resource: {
    categoryPath: "Management/Authentication/OAuth",
    displayName: "OAuth Resources",
    systemName: "com_K2_OAuth_Resource",
    methods: { list: "List Resources", create: "Create Resource", update: "Save Resource", delete: "Remove Resource" },
    properties: {
      id: "Resource_Guid",
      name: "Resource_Name",
      resourceType: "Resource_Type_Name",
      authorizationEndpoint: "Authorization_URL",
      tokenEndpoint: "Token_URL",
      refreshTokenEndpoint: "Refresh_Token_URL",
      metadataEndpoint: "Metadata_URL",
      useHostServerAuthorizationEndpoint: "Use_Host_Server_Auth",
    },
  },
  resourceParameter: {
    categoryPath: "Management/Authentication/OAuth",
    displayName: "OAuth Resource Parameters",
    systemName: "com_K2_OAuth_Resource_Parameter",
    methods: { list: "List Parameters", update: "Update Parameter" },
    properties: { id: "Parameter_Guid", resourceId: "Resource_Guid", name: "Parameter_Name", tokenValue: "Token_Value" },
  },
  maskedValuePattern: "^\\*+$",
};

/** The test tenant's stack file with K2 of this edition. */
const stack = (edition: "five" | "cloud") =>
  testStackYaml({ edition, adminUsername: "K2DEMO\\svc-k2", clients: [{ name: "power-automate", displayName: "K2 - Power Automate" }] });

let root: string;
let double: K2SmartObjectDouble;
let out: string[];
let err: string[];

async function start(options: K2DoubleOptions = {}) {
  double = await startK2SmartObjectDouble({ mapping: SERVER_MAPPING, ...options });
}

function discover(argv: string[], env: Record<string, string | undefined> = { [PASSWORD_ENV]: double.password }) {
  return runDiscover(argv, {
    env,
    root,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => new Date("2026-11-23T10:00:00Z"),
    retry: { delay: async () => undefined },
  });
}

beforeEach(() => {
  root = tempProjectRoot("k2-discover-", { test: stack("five"), cloud: stack("cloud") });
  out = [];
  err = [];
});
afterEach(async () => {
  await double?.close();
  assertNoSecret([out, err], double);
  fs.rmSync(root, { recursive: true, force: true });
});

describe("npm run discover", () => {
  it("reports the OAuth SmartObjects and writes a mapping that the provider then uses", async () => {
    await start();
    const code = await discover(["--stack", "test", "--service-url", double.serviceUrl]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const report = out.join("\n");
    expect(report).toContain("resource: Management/Authentication/OAuth/OAuth Resources (system name com_K2_OAuth_Resource)");
    expect(report).toContain("list = List Resources, create = Create Resource, update = Save Resource, delete = Remove Resource");
    expect(report).toContain("resourceParameter: Management/Authentication/OAuth/OAuth Resource Parameters");
    expect(report).toContain("also present (not used): Management/Authentication/OAuth/OAuth Resource Types");
    expect(report).toContain("Wrote stacks/k2-mapping.test.json");
    expect(report).toContain("pulumi config set --path 'k2.smartObjectServices.mapping' stacks/k2-mapping.test.json --stack test");

    const mapping = loadSmartObjectMappingFile(path.join(root, "stacks", "k2-mapping.test.json"));
    expect(mapping).toMatchObject({ origin: "discovered", discoveredFrom: double.serviceUrl, discoveredAt: "2026-11-23T10:00:00.000Z" });
    expect(mapping.resource).toEqual(SERVER_MAPPING.resource);
    expect(mapping.resourceParameter).toEqual(SERVER_MAPPING.resourceParameter);
    expect(mapping.placeholders).toEqual(["maskedValuePattern"]);
    // Only reads were sent.
    expect(double.requests.every((r) => r.method === "GET")).toBe(true);

    const { provider } = testProvider();
    const { id } = await create(provider, inputsFor(double, {}, mapping));
    expect(double.resources().map((r) => r.id)).toEqual([id]);
    expect(double.parameterValue("K2 API", "audience")).toBe("https://api.k2.com/");
  });

  it("learns properties from a list record when the document does not list them, and marks what it could not find", async () => {
    await start({ discoveryListsProperties: false });
    double.management.createResource({
      name: "Existing",
      resourceType: "Bearer Token",
      authorizationEndpoint: "",
      tokenEndpoint: "",
      refreshTokenEndpoint: "",
      metadataEndpoint: "",
      useHostServerAuthorizationEndpoint: false,
    });
    const file = path.join(root, "custom", "map.json");
    expect(await discover(["--stack", "test", "--service-url", double.serviceUrl, "--out", file])).toBe(0);
    const mapping = loadSmartObjectMappingFile(file);
    expect(mapping.resource.properties).toEqual(SERVER_MAPPING.resource.properties);
    expect(mapping.resourceParameter.properties).toEqual(SERVER_MAPPING.resourceParameter.properties);
    expect(double.requests.filter((r) => r.operation === "list").every((r) => r.path.includes("$top=1"))).toBe(true);
  });

  it("maps a parameter's Authorization and Refresh Values when the server has them (outbound resources set them)", async () => {
    const withLegs = structuredClone(SERVER_MAPPING);
    withLegs.resourceParameter.properties = { ...withLegs.resourceParameter.properties, authorizationValue: "Authorization_Value", refreshValue: "Refresh_Value" };
    double = await startK2SmartObjectDouble({ mapping: withLegs });
    const file = path.join(root, "legs.json");
    expect(await discover(["--stack", "test", "--service-url", double.serviceUrl, "--out", file])).toBe(0);
    expect(loadSmartObjectMappingFile(file).resourceParameter.properties).toEqual({
      id: "Parameter_Guid",
      resourceId: "Resource_Guid",
      name: "Parameter_Name",
      tokenValue: "Token_Value",
      authorizationValue: "Authorization_Value",
      refreshValue: "Refresh_Value",
    });
  });

  it("fails clearly, writing nothing, when the discovery document has no OAuth SmartObjects", async () => {
    await start({ discoveryIncludesOAuth: false });
    const code = await discover(["--stack", "test", "--service-url", double.serviceUrl]);
    expect(code).toBe(1);
    expect(err.join("\n")).toMatch(/lists 1 SmartObject but none for OAuth management.*Expose K2's OAuth management SmartObjects/s);
    expect(fs.existsSync(path.join(root, "stacks", "k2-mapping.test.json"))).toBe(false);
  });

  it("needs the password in K2_ADMIN_PASSWORD, and reports K2's 401 with what to check", async () => {
    await start();
    expect(await discover(["--stack", "test", "--service-url", double.serviceUrl], {})).toBe(2);
    expect(err.join("\n")).toMatch(/K2_ADMIN_PASSWORD is not set.*K2DEMO\\svc-k2/s);
    err = [];
    expect(await discover(["--stack", "test", "--service-url", double.serviceUrl], { [PASSWORD_ENV]: "wrong-password" })).toBe(1);
    expect(err.join("\n")).toMatch(/HTTP 401.*k2-oauth:k2\.admin\.username/s);
    expect(err.join("\n")).not.toContain("wrong-password");
  });

  it("usage and config problems exit 2 with a message", async () => {
    await start();
    expect(await discover([])).toBe(2);
    expect(err.pop()).toBe(usageErrorText(DISCOVER_COMMAND, "--stack <name> is required").replace(/\n$/, ""));
    expect(await discover(["--stack", "nope"])).toBe(2);
    expect(err.pop()).toMatch(/no stack file stacks\/Pulumi\.nope\.yaml; known stacks: .*test/);
    expect(await discover(["--stack", "cloud"])).toBe(2);
    expect(err.pop()).toMatch(/K2 Cloud manages its OAuth resource itself/);
    expect(await discover(["--stack", "test", "--service-url", "http://k2.example.com:8888/SmartObjectServices"])).toBe(2);
    expect(err.pop()).toMatch(/expected https/);
    expect(double.requests).toEqual([]);
  });
});
