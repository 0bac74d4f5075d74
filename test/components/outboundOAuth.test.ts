/**
 * OutboundOAuth through the mock runtime: every declared resource and input, the permissions looked up by value
 * (scopes for delegated, app roles for app-only), consent per service, the shared secret rotation with Key Vault, the
 * values for K2 Management, and the errors for a permission a service does not offer.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { validateStackConfig, type StackConfig } from "../../components/config";
import { GRAPH_APP_ID, installMocks, resolve, SERVICE_PRINCIPALS, settle, SHAREPOINT_APP_ID } from "../helpers/pulumiMocks";
import { thrown } from "../helpers/thrown";

const recorded = installMocks();
let mod: typeof import("../../components/outboundOAuth");

beforeAll(async () => {
  mod = await import("../../components/outboundOAuth");
});

const TENANT = "11111111-2222-3333-4444-555555555555";
const OWNER = "33333333-4444-5555-6666-777777777777";
const VAULT = { resourceGroupName: "rg-k2", vaultName: "kv-k2-dev" };
const GRAPH = SERVICE_PRINCIPALS[GRAPH_APP_ID];
const SHAREPOINT = SERVICE_PRINCIPALS[SHAREPOINT_APP_ID];
// Day 1055 after the anchor: generation 7 (slot b) is current, generation 6 (slot a) is inside its overlap.
const IN_OVERLAP = new Date(Date.UTC(2024, 0, 1) + 1055 * 86_400_000);

function stack(resources: unknown[], extra: Record<string, unknown> = {}): StackConfig {
  return validateStackConfig({
    tenantId: TENANT,
    k2Api: { clientId: "22222222-3333-4444-5555-666666666666" },
    k2: { url: "https://k2.contoso.com", admin: { username: "DOMAIN\\svc", password: "pw" } },
    clients: [{ name: "power-automate", displayName: "K2 - Power Automate" }],
    outbound: { app: { name: "k2-out", displayName: "K2 outbound (test)", owners: [OWNER], secret: { lifetimeDays: 180, rotateAfterDays: 150 } }, resources },
    ...extra,
  });
}

const MIXED = [
  { name: "Microsoft Graph", audience: "https://graph.microsoft.com", permissions: ["User.Read", "Group.Read.All"] },
  { name: "Graph files", audience: "https://graph.microsoft.com", permissions: ["Files.Read.All", "User.Read"] },
  { name: "Graph app-only", audience: "https://graph.microsoft.com", permissions: ["Sites.Read.All"], appOnly: true },
  { name: "SharePoint", audience: "https://contoso.sharepoint.com", permissions: ["AllSites.Read"] },
];

async function build(name: string, cfg: StackConfig, keyVault = cfg.keyVault) {
  const before = recorded.length;
  const out = new mod.OutboundOAuth(name, { outbound: cfg.outbound!, k2Url: cfg.k2.url, tenantId: cfg.tenantId, cloud: cfg.cloud, keyVault, now: IN_OVERLAP });
  await resolve(out.k2Resources);
  await resolve(out.urn);
  await settle();
  const declared = () => recorded.slice(before).filter((r) => r.name.startsWith("k2-out") || r.name === name);
  return { out, declared };
}

const ofType = (list: ReturnType<Awaited<ReturnType<typeof build>>["declared"]>, type: string) => list.filter((r) => r.type === type);

describe("OutboundOAuth", () => {
  it("declares the app, its service principal, consent per service, two passwords and the Key Vault secret, with every input", async () => {
    const { out, declared } = await build("mixed", stack(MIXED, { keyVault: VAULT }));
    const list = declared();
    expect(list.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "azure-native:keyvault:Secret k2-out-secret-kv",
      "azuread:index/appRoleAssignment:AppRoleAssignment k2-out-role-microsoft-graph-sites-read-all",
      "azuread:index/application:Application k2-out-app",
      "azuread:index/applicationPassword:ApplicationPassword k2-out-secret-a",
      "azuread:index/applicationPassword:ApplicationPassword k2-out-secret-b",
      "azuread:index/servicePrincipal:ServicePrincipal k2-out-sp",
      "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant k2-out-consent-microsoft-graph",
      "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant k2-out-consent-sharepoint-online",
      "k2oauth:index:OutboundOAuth mixed",
    ]);
    // The component records what the policy pack checks the outbound side against.
    expect(list.find((r) => r.type === "k2oauth:index:OutboundOAuth")?.inputs).toEqual({
      configPath: "k2-oauth:outbound",
      tenantId: TENANT,
      cloud: "public",
      k2Url: "https://k2.contoso.com",
      redirectUri: "https://k2.contoso.com/identity/token/oauth/2",
    });
    const app = ofType(list, "azuread:index/application:Application")[0].inputs;
    expect(app).toEqual({
      displayName: "K2 outbound (test)",
      signInAudience: "AzureADMyOrg",
      owners: [OWNER],
      preventDuplicateNames: true,
      web: { redirectUris: ["https://k2.contoso.com/identity/token/oauth/2"], implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } },
      requiredResourceAccesses: [
        {
          resourceAppId: GRAPH_APP_ID,
          resourceAccesses: [
            { id: GRAPH.scopes[0].id, type: "Scope" },
            { id: GRAPH.scopes[1].id, type: "Scope" },
            { id: GRAPH.scopes[2].id, type: "Scope" },
            { id: GRAPH.roles[0].id, type: "Role" },
          ],
        },
        { resourceAppId: SHAREPOINT_APP_ID, resourceAccesses: [{ id: SHAREPOINT.scopes[0].id, type: "Scope" }] },
      ],
    });
    const appObject = (await resolve(out.application.objectId)).value;
    const sp = ofType(list, "azuread:index/servicePrincipal:ServicePrincipal")[0].inputs;
    expect(sp).toEqual({ clientId: (await resolve(out.clientId)).value, owners: [OWNER], appRoleAssignmentRequired: false });
    const spObject = (await resolve(out.servicePrincipal.objectId)).value;
    const grants = ofType(list, "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant");
    // Registrations complete in any order: by name.
    expect(grants.sort((a, b) => a.name.localeCompare(b.name)).map((g) => g.inputs)).toEqual([
      { servicePrincipalObjectId: spObject, resourceServicePrincipalObjectId: GRAPH.objectId, claimValues: ["User.Read", "Group.Read.All", "Files.Read.All"] },
      { servicePrincipalObjectId: spObject, resourceServicePrincipalObjectId: SHAREPOINT.objectId, claimValues: ["AllSites.Read"] },
    ]);
    expect(ofType(list, "azuread:index/appRoleAssignment:AppRoleAssignment")[0].inputs).toEqual({
      appRoleId: GRAPH.roles[0].id,
      principalObjectId: spObject,
      resourceObjectId: GRAPH.objectId,
    });
    const passwords = ofType(list, "azuread:index/applicationPassword:ApplicationPassword").map((p) => p.inputs);
    expect(passwords).toEqual([
      {
        applicationId: `/applications/${appObject}`,
        displayName: "k2-oauth slot a (generation 6, until 2026-12-16)",
        startDate: "2026-06-19T00:00:00Z",
        endDate: "2026-12-16T00:00:00Z",
        rotateWhenChanged: { generation: "6" },
      },
      {
        applicationId: `/applications/${appObject}`,
        displayName: "k2-oauth slot b (generation 7, until 2027-05-15)",
        startDate: "2026-11-16T00:00:00Z",
        endDate: "2027-05-15T00:00:00Z",
        rotateWhenChanged: { generation: "7" },
      },
    ]);
    const kv = ofType(list, "azure-native:keyvault:Secret")[0].inputs as { secretName: string; vaultName: string; properties: Record<string, unknown>; tags: Record<string, string> };
    // azure-native applies defaults to `properties` as one Output: the secret value makes the whole object secret.
    const props = kv.properties.value as { contentType: string; attributes: unknown; value: unknown };
    expect([kv.secretName, kv.vaultName, props.contentType, props.attributes, props.value]).toEqual([
      "k2-out-client-secret",
      "kv-k2-dev",
      "application/x-entra-client-secret",
      { enabled: true, notBefore: Date.UTC(2026, 10, 16) / 1000, expires: Date.UTC(2027, 4, 15) / 1000 },
      "s3cr3t-k2-out-secret-b",
    ]);
    expect(kv.properties["4dabf18193072939515e22adb298388d"]).toBeDefined();
    expect(kv.tags).toMatchObject({ "k2-oauth-client": "k2-out", "k2-oauth-slot": "b", "k2-oauth-generation": "7" });
    expect([out.currentSecret.slot, out.keyVaultSecretName, out.nextRotation, out.overlapDays]).toEqual(["b", "k2-out-client-secret", "2027-04-15T00:00:00Z", 30]);
    expect((await resolve(out.currentSecret.value)).secret).toBe(true);
  });

  it("describes each K2 resource: v1 endpoints of the tenant, the refresh endpoint per choice, parameters filled, client_secret named not shown", async () => {
    const { out } = await build("values", stack([MIXED[0], { ...MIXED[2], metadataEndpoint: "v1" }], { keyVault: VAULT }));
    const clientId = (await resolve(out.clientId)).value!;
    const authority = `https://login.microsoftonline.com/${TENANT}`;
    const values = (await resolve(out.k2Resources)).value!;
    expect(values).toEqual([
      {
        resourceName: "Microsoft Graph",
        resourceType: "Microsoft Online",
        audience: "https://graph.microsoft.com",
        authorizationEndpoint: `${authority}/oauth2/authorize`,
        tokenEndpoint: `${authority}/oauth2/token`,
        refreshTokenEndpoint: `${authority}/oauth2/token`,
        metadataEndpoint: "",
        useHostServerAuthorizationEndpoint: false,
        parameters: {
          client_id: { authorization: clientId, token: clientId, refresh: clientId },
          redirect_uri: { authorization: "https://k2.contoso.com/identity/token/oauth/2", token: "https://k2.contoso.com/identity/token/oauth/2" },
          response_type: { authorization: "code" },
          grant_type: { token: "authorization_code", refresh: "refresh_token" },
          resource: { authorization: "https://graph.microsoft.com", token: "https://graph.microsoft.com", refresh: "https://graph.microsoft.com" },
        },
        secretLegs: { client_secret: ["token", "refresh"] },
        clientSecretFrom: "the latest version of Key Vault secret k2-out-client-secret in vault kv-k2-dev",
      },
      {
        resourceName: "Graph app-only",
        resourceType: "Client Credentials",
        audience: "https://graph.microsoft.com",
        authorizationEndpoint: `${authority}/oauth2/authorize`,
        tokenEndpoint: `${authority}/oauth2/token`,
        refreshTokenEndpoint: "",
        metadataEndpoint: `${authority}/.well-known/openid-configuration`,
        useHostServerAuthorizationEndpoint: false,
        parameters: {
          client_id: { token: clientId },
          redirect_uri: { token: "https://k2.contoso.com/identity/token/oauth/2" },
          grant_type: { token: "client_credentials" },
          resource: { token: "https://graph.microsoft.com" },
        },
        secretLegs: { client_secret: ["token"] },
        clientSecretFrom: "the latest version of Key Vault secret k2-out-client-secret in vault kv-k2-dev",
      },
    ]);
    expect(JSON.stringify(values)).not.toContain("s3cr3t");
  });

  it("without a vault names the stack output and declares no vault secret; in China the endpoints and audience are China's", async () => {
    const { out, declared } = await build("china", stack([MIXED[0]], { cloud: "china" }));
    expect(ofType(declared(), "azure-native:keyvault:Secret")).toEqual([]);
    expect(out.keyVaultSecretName).toBeUndefined();
    const [values] = (await resolve(out.k2Resources)).value!;
    expect(values.tokenEndpoint).toBe(`https://login.partner.microsoftonline.cn/${TENANT}/oauth2/token`);
    expect(values.parameters.resource).toEqual({ authorization: "https://microsoftgraph.chinacloudapi.cn", token: "https://microsoftgraph.chinacloudapi.cn", refresh: "https://microsoftgraph.chinacloudapi.cn" });
    expect(values.clientSecretFrom).toBe("the stack output outboundClientSecret (a secret: pulumi stack output --show-secrets outboundClientSecret)");
  });
});

describe("OutboundOAuth: the app's start date", () => {
  it("stops, naming outbound.app.secret.startDate, when the day planned is before it", () => {
    const raw = stack([MIXED[0]]);
    const cfg = { ...raw, outbound: { ...raw.outbound!, app: { ...raw.outbound!.app, secret: { lifetimeDays: 180, rotateAfterDays: 150, startDate: "2026-12-01" } } } };
    const err = thrown(() => new mod.OutboundOAuth("early", { outbound: cfg.outbound, k2Url: cfg.k2.url, tenantId: TENANT, cloud: "public", now: new Date(Date.UTC(2026, 10, 29)) }));
    expect(err).toBeInstanceOf(pulumi.RunError);
    expect((err as Error).message).toBe(
      "k2-oauth:outbound.app.secret.startDate: expected the day the outbound app is added, 2026-11-29 (the day planned) or earlier, like 2026-11-29; got '2026-12-01' (no secret exists before an outbound app's start date)",
    );
  });
});

describe("findPermission", () => {
  const offered = [{ id: "1", value: "User.Read" }, { id: "2", value: "Mail.Read" }];
  it("finds by exact value", () => {
    expect(mod.findPermission(offered, "Mail.Read", { resourceIndex: 0, permissionIndex: 0, resourceAppId: GRAPH_APP_ID, appOnly: false })).toEqual(offered[1]);
  });
  it("names the config key and lists what the service offers", () => {
    const err = thrown(() => mod.findPermission(offered, "mail.read", { resourceIndex: 2, permissionIndex: 1, resourceAppId: GRAPH_APP_ID, appOnly: false }));
    expect(err).toBeInstanceOf(pulumi.RunError);
    expect((err as Error).message).toBe(
      `k2-oauth:outbound.resources[2].permissions[1]: the service principal of the app ${GRAPH_APP_ID} has no delegated scope with value 'mail.read'; it offers: User.Read, Mail.Read. Use one of them (or set appOnly: true for an app role).`,
    );
  });
  it("says when a service offers no app roles at all", () => {
    const err = thrown(() => mod.findPermission([], "Sites.Read.All", { resourceIndex: 0, permissionIndex: 0, resourceAppId: SHAREPOINT_APP_ID, appOnly: true }));
    expect((err as Error).message).toBe(
      `k2-oauth:outbound.resources[0].permissions[0]: the service principal of the app ${SHAREPOINT_APP_ID} has no app role with value 'Sites.Read.All'; it offers no app roles. Set appOnly: false for delegated scopes, or check the audience and resourceAppId.`,
    );
  });
});

describe("OutboundOAuth on K2 Five: the K2 OAuth resources as declared", () => {
  it("declares one OAuthResource per resource with every input (client id filled in), the secrets as Pulumi secrets and in additionalSecretOutputs", async () => {
    const { TYPE_OAUTH_RESOURCE } = await import("../../components/contracts");
    const { DEFAULT_SMARTOBJECT_MAPPING } = await import("../../components/k2/mapping");
    const cfg = stack([MIXED[0], MIXED[2]], { keyVault: VAULT });
    const management = { transport: "smartobject-rest" as const, serviceUrl: "https://k2.contoso.com/smartobjectservices/rest", mapping: DEFAULT_SMARTOBJECT_MAPPING };
    const captured: Array<{ name: string; props: Record<string, unknown>; opts: pulumi.CustomResourceOptions }> = [];
    const before = recorded.length;
    const out = new mod.OutboundOAuth(
      "five",
      {
        outbound: cfg.outbound!,
        k2Url: cfg.k2.url,
        tenantId: cfg.tenantId,
        cloud: cfg.cloud,
        keyVault: VAULT,
        now: IN_OVERLAP,
        k2: { k2Url: cfg.k2.url, credentials: pulumi.secret({ username: "DOMAIN\\svc", password: "K2-admin-Passw0rd" }), management },
      },
      {
        transformations: [
          (a) => {
            if (a.type === TYPE_OAUTH_RESOURCE) captured.push({ name: a.name, props: a.props, opts: a.opts as pulumi.CustomResourceOptions });
            return undefined;
          },
        ],
      },
    );
    await resolve(out.urn);
    for (let i = 0; i < 50 && recorded.slice(before).filter((r) => r.type === TYPE_OAUTH_RESOURCE).length < 2; i++) await settle();
    const clientId = (await resolve(out.clientId)).value!;
    const authority = `https://login.microsoftonline.com/${TENANT}`;
    const redirect = "https://k2.contoso.com/identity/token/oauth/2";
    const k2 = recorded.slice(before).filter((r) => r.type === TYPE_OAUTH_RESOURCE).sort((a, b) => a.name.localeCompare(b.name));
    expect(k2.map((r) => r.name)).toEqual(["k2-out-k2-graph-app-only", "k2-out-k2-microsoft-graph"]);
    // The mock runtime's shape of a secret value: the secret signature key and the value.
    const SIG = "4dabf18193072939515e22adb298388d";
    const SECRET_VALUE_SIG = "1b47061264138c4ac30d75fd1eb44270";
    const common = {
      k2Url: "https://k2.contoso.com",
      authorizationEndpoint: `${authority}/oauth2/authorize`,
      tokenEndpoint: `${authority}/oauth2/token`,
      useHostServerAuthorizationEndpoint: false,
      clientSecret: { [SIG]: SECRET_VALUE_SIG, value: "s3cr3t-k2-out-secret-b" },
      credentials: { [SIG]: SECRET_VALUE_SIG, value: { username: "DOMAIN\\svc", password: "K2-admin-Passw0rd" } },
      management,
    };
    const withoutProvider = (inputs: Record<string, unknown>) => {
      const { __provider: _p, ...rest } = inputs;
      return rest;
    };
    expect(k2.map((r) => withoutProvider(r.inputs))).toEqual([
      {
        ...common,
        resourceName: "Graph app-only",
        resourceType: "Client Credentials",
        refreshTokenEndpoint: "",
        metadataEndpoint: "",
        parameters: {
          client_id: { token: clientId },
          redirect_uri: { token: redirect },
          grant_type: { token: "client_credentials" },
          resource: { token: "https://graph.microsoft.com" },
        },
        secretLegs: { client_secret: ["token"] },
      },
      {
        ...common,
        resourceName: "Microsoft Graph",
        resourceType: "Microsoft Online",
        refreshTokenEndpoint: `${authority}/oauth2/token`,
        metadataEndpoint: "",
        parameters: {
          client_id: { authorization: clientId, token: clientId, refresh: clientId },
          redirect_uri: { authorization: redirect, token: redirect },
          response_type: { authorization: "code" },
          grant_type: { token: "authorization_code", refresh: "refresh_token" },
          resource: { authorization: "https://graph.microsoft.com", token: "https://graph.microsoft.com", refresh: "https://graph.microsoft.com" },
        },
        secretLegs: { client_secret: ["token", "refresh"] },
      },
    ]);
    expect(captured.map((c) => c.name).sort()).toEqual(["k2-out-k2-graph-app-only", "k2-out-k2-microsoft-graph"]);
    for (const c of captured) {
      expect(c.opts.additionalSecretOutputs).toEqual(["credentials", "clientSecret"]);
      expect(await pulumi.isSecret(c.props.clientSecret as pulumi.Output<string>)).toBe(true);
      expect(await pulumi.isSecret(c.props.credentials as pulumi.Output<unknown>)).toBe(true);
    }
    // Nothing else carries the secret or the admin password.
    for (const r of k2) {
      const { clientSecret: _s, credentials: _c, ...rest } = withoutProvider(r.inputs);
      expect(JSON.stringify(rest)).not.toMatch(/s3cr3t|K2-admin-Passw0rd/);
    }
  });
});
