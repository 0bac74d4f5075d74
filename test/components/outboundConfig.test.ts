/**
 * `k2-oauth:outbound`: defaults, the resolved resources (audience per cloud, the service's app id, the parameter
 * profile), and the exact message of each mistake, with its key path.
 */
import { describe, expect, it } from "vitest";
import { parseStackConfig, validateStackConfig, type ConfigIssue } from "../../components/config";
import { APP_ONLY_PARAMETERS, DELEGATED_PARAMETERS } from "../../components/outbound";

const GRAPH_APP = "00000003-0000-0000-c000-000000000000";
const SHAREPOINT_APP = "00000003-0000-0ff1-ce00-000000000000";
const CUSTOM_APP = "99999999-8888-7777-6666-555555555555";

function base(outbound: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenantId: "11111111-2222-3333-4444-555555555555",
    k2Api: { clientId: "22222222-3333-4444-5555-666666666666" },
    k2: { url: "https://k2.contoso.com/", admin: { username: "DOMAIN\\svc", password: "pw-value-123" } },
    clients: [{ name: "power-automate", displayName: "K2 - Power Automate" }],
    outbound,
    ...extra,
  };
}

const GRAPH = { name: "Microsoft Graph", audience: "https://graph.microsoft.com", permissions: ["User.Read", "Group.Read.All"] };

function issuesOf(raw: Record<string, unknown>): ConfigIssue[] {
  const r = parseStackConfig(raw);
  if (r.ok) throw new Error("expected invalid config");
  return r.issues;
}

describe("outbound config: defaults and resolution", () => {
  it("is optional", () => {
    expect(validateStackConfig(base(undefined)).outbound).toBeUndefined();
    expect(validateStackConfig(base(null)).outbound).toBeUndefined();
  });

  it("fills the app's defaults, the K2 redirect URI from k2.url and a delegated Microsoft Online resource", () => {
    const cfg = validateStackConfig(base({ app: { displayName: "K2 outbound (dev)" }, resources: [GRAPH] }));
    expect(cfg.outbound).toEqual({
      app: {
        name: "k2-outbound",
        displayName: "K2 outbound (dev)",
        owners: [],
        secret: { lifetimeDays: 180, rotateAfterDays: 150 },
        redirectUri: "https://k2.contoso.com/identity/token/oauth/2",
      },
      resources: [
        {
          name: "Microsoft Graph",
          slug: "microsoft-graph",
          audience: "https://graph.microsoft.com",
          service: "microsoft-graph",
          resourceAppId: GRAPH_APP,
          permissions: ["User.Read", "Group.Read.All"],
          appOnly: false,
          resourceType: "Microsoft Online",
          refreshTokenEndpoint: "token",
          metadataEndpoint: "none",
          parameters: DELEGATED_PARAMETERS,
        },
      ],
    });
  });

  it("takes every non-default value: app name, owners, schedule, redirect URI, app-only, type, endpoints, parameter changes", () => {
    const cfg = validateStackConfig(
      base({
        app: {
          name: "k2-calls-out",
          displayName: "  K2 outbound (prod)  ",
          owners: ["AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE"],
          secret: { lifetimeDays: 90, rotateAfterDays: 60, startDate: "2026-03-01" },
          redirectUri: "https://k2.contoso.com/Identity/token/oauth/2",
        },
        resources: [
          {
            name: "SharePoint (app-only)",
            audience: "https://contoso.sharepoint.com",
            permissions: ["Sites.Read.All"],
            appOnly: true,
            resourceType: "Client Credentials v2",
            refreshTokenEndpoint: "token",
            metadataEndpoint: "v1",
            parameters: { redirect_uri: null, scope: { token: "{audience}/.default" } },
          },
          { name: "Contoso API", audience: "https://api.contoso.com/", resourceAppId: CUSTOM_APP.toUpperCase(), permissions: ["access"] },
        ],
      }),
    );
    const { redirect_uri: _left, ...appOnly } = APP_ONLY_PARAMETERS;
    expect(cfg.outbound).toEqual({
      app: {
        name: "k2-calls-out",
        displayName: "K2 outbound (prod)",
        owners: ["aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"],
        secret: { lifetimeDays: 90, rotateAfterDays: 60, startDate: "2026-03-01" },
        redirectUri: "https://k2.contoso.com/Identity/token/oauth/2",
      },
      resources: [
        {
          name: "SharePoint (app-only)",
          slug: "sharepoint-app-only",
          audience: "https://contoso.sharepoint.com",
          service: "sharepoint-online",
          resourceAppId: SHAREPOINT_APP,
          permissions: ["Sites.Read.All"],
          appOnly: true,
          resourceType: "Client Credentials v2",
          refreshTokenEndpoint: "token",
          metadataEndpoint: "v1",
          parameters: { ...appOnly, scope: { token: "{audience}/.default" } },
        },
        {
          name: "Contoso API",
          slug: "contoso-api",
          audience: "https://api.contoso.com/",
          service: undefined,
          resourceAppId: CUSTOM_APP,
          permissions: ["access"],
          appOnly: false,
          resourceType: "Microsoft Online",
          refreshTokenEndpoint: "token",
          metadataEndpoint: "none",
          parameters: DELEGATED_PARAMETERS,
        },
      ],
    });
  });

  it("app-only resources default to the Client Credentials type, no refresh endpoint and token-only parameters", () => {
    const r = validateStackConfig(base({ app: { displayName: "x" }, resources: [{ ...GRAPH, appOnly: true }] })).outbound!.resources[0];
    expect([r.resourceType, r.refreshTokenEndpoint, r.parameters]).toEqual(["Client Credentials", "none", APP_ONLY_PARAMETERS]);
  });

  it("maps the public Microsoft Graph audience in China and keeps what was written", () => {
    const r = validateStackConfig(base({ app: { displayName: "x" }, resources: [GRAPH] }, { cloud: "china" })).outbound!.resources[0];
    expect([r.audience, r.audienceAsWritten, r.resourceAppId]).toEqual(["https://microsoftgraph.chinacloudapi.cn", "https://graph.microsoft.com", GRAPH_APP]);
  });

  it("keeps a national cloud's own audience in that cloud", () => {
    const r = validateStackConfig(base({ app: { displayName: "x" }, resources: [{ ...GRAPH, audience: "https://dod-graph.microsoft.us" }] }, { cloud: "usgov" })).outbound!
      .resources[0];
    expect([r.audience, r.audienceAsWritten, r.service]).toEqual(["https://dod-graph.microsoft.us", undefined, "microsoft-graph"]);
  });

  it("accepts the K2 host in another letter case for the redirect URI, and a resource value that is an https URL", () => {
    const cfg = validateStackConfig(
      base({ app: { displayName: "K2 outbound", redirectUri: "https://K2.Contoso.com/Identity/token/oauth/2" }, resources: [{ ...GRAPH, parameters: { resource: { token: "https://graph.microsoft.com/" } } }] }),
    );
    expect(cfg.outbound?.app.redirectUri).toBe("https://K2.Contoso.com/Identity/token/oauth/2");
    expect(cfg.outbound?.resources[0]?.parameters.resource).toEqual({ token: "https://graph.microsoft.com/" });
  });

  it("uses the stack's K2 host for the default redirect URI on K2 Cloud too", () => {
    const raw = base({ app: { displayName: "x" }, resources: [GRAPH] }, { k2: { url: "https://contoso.onk2.com", edition: "cloud" } });
    expect(validateStackConfig(raw).outbound!.app.redirectUri).toBe("https://contoso.onk2.com/identity/token/oauth/2");
  });
});

describe("outbound config: mistakes, with their messages", () => {
  const app = { displayName: "K2 outbound" };
  const rows: Array<[string, Record<string, unknown>, ConfigIssue[]]> = [
    [
      "US Gov refuses the public Graph audience (two Graph deployments there)",
      base({ app, resources: [GRAPH] }, { cloud: "usgov" }),
      [
        {
          path: "k2-oauth:outbound.resources[0].audience",
          message:
            "expected the Microsoft Graph audience of your tenant in the usgov cloud: the usgov cloud has more than one Microsoft Graph (https://graph.microsoft.us (GCC High (L4)) or https://dod-graph.microsoft.us (DoD (L5))), so this project does not map the public one; write the one your tenant uses; got 'https://graph.microsoft.com'",
        },
      ],
    ],
    [
      "China refuses the public SharePoint audience (no confirmed audience there)",
      base({ app, resources: [{ ...GRAPH, audience: "https://contoso.sharepoint.com" }] }, { cloud: "china" }),
      [
        {
          path: "k2-oauth:outbound.resources[0].audience",
          message:
            "expected the SharePoint Online audience of your tenant in the china cloud: no public source confirms https://contoso.sharepoint.cn as the SharePoint Online audience there, so this project does not map the public one; write the one your tenant uses; got 'https://contoso.sharepoint.com'",
        },
      ],
    ],
    [
      "a national cloud's audience in the public cloud",
      base({ app, resources: [{ ...GRAPH, audience: "https://graph.microsoft.us" }] }),
      [
        {
          path: "k2-oauth:outbound.resources[0].audience",
          message:
            "expected an audience of the public (worldwide, also Microsoft 365 GCC) cloud: this is Microsoft Graph of the usgov cloud, whose tokens the public cloud does not issue; Microsoft Graph there is https://graph.microsoft.com; got 'https://graph.microsoft.us'",
        },
      ],
    ],
    [
      "an http audience",
      base({ app, resources: [{ ...GRAPH, audience: "http://graph.microsoft.com" }] }),
      [{ path: "k2-oauth:outbound.resources[0].audience", message: "expected an https audience, like https://graph.microsoft.com (https, not http); got 'http://graph.microsoft.com'" }],
    ],
    [
      "an unknown service without its app id",
      base({ app, resources: [{ ...GRAPH, audience: "https://api.contoso.com" }] }),
      [
        {
          path: "k2-oauth:outbound.resources[0].resourceAppId",
          message:
            "is required; expected the application (client) id of the service whose audience is https://api.contoso.com, a GUID like 11111111-2222-3333-4444-555555555555: it is not one of the well-known services (Microsoft Graph, SharePoint Online, Exchange Online), whose ids are known",
        },
      ],
    ],
    [
      "the app named like a client",
      base({ app: { ...app, name: "power-automate" }, resources: [GRAPH] }),
      [
        {
          path: "k2-oauth:outbound.app.name",
          message:
            "expected a name no client has (clients[0] is named the same; the Key Vault secret power-automate-client-secret would be shared), like k2-outbound; got 'power-automate'",
        },
      ],
    ],
    [
      "two resources K2 cannot tell apart, one named like the Bearer Token resource",
      base({ app, resources: [GRAPH, { ...GRAPH, name: "MICROSOFT GRAPH" }, { ...GRAPH, name: "k2 api" }] }),
      [
        { path: "k2-oauth:outbound.resources[1].name", message: "expected a unique name (resources[0] has the same one, or one K2 or a resource name cannot tell apart); got 'MICROSOFT GRAPH'" },
        {
          path: "k2-oauth:outbound.resources[2].name",
          message: "expected a name other than the Bearer Token resource's (k2-oauth:k2.bearerTokenResource.name): K2 resource names are unique; got 'k2 api'",
        },
      ],
    ],
    [
      "a repeated permission and an empty list",
      base({ app, resources: [{ ...GRAPH, permissions: ["User.Read", "user.read"] }, { ...GRAPH, name: "Other", permissions: [] }] }),
      [
        { path: "k2-oauth:outbound.resources[0].permissions[1]", message: "expected each permission once (permissions[0] is the same); got 'user.read'" },
        { path: "k2-oauth:outbound.resources[1].permissions", message: "expected at least one permission value, like [User.Read]; got an empty list" },
      ],
    ],
    [
      "client_secret left out, combined with text, or written as a value",
      base({ app, resources: [{ ...GRAPH, parameters: { client_secret: null, extra: { token: "x{clientSecret}" } } }, { ...GRAPH, name: "B", parameters: { client_secret: { token: "s3cr3t" } } }] }),
      [
        {
          path: "k2-oauth:outbound.resources[0].parameters.client_secret",
          message: "expected client_secret to stay: it carries the app's current secret, which this project rotates in Entra ID and K2 together",
        },
        { path: "k2-oauth:outbound.resources[0].parameters.extra.token", message: "expected {clientSecret} alone: the client secret is never combined with other text; got 'x{clientSecret}'" },
        {
          path: "k2-oauth:outbound.resources[1].parameters.client_secret.token",
          message: "expected {clientSecret}: this project fills client_secret from the app's current secret, never from a value in the stack file; got 's3cr3t'",
        },
      ],
    ],
    [
      "an unknown placeholder and a mistyped request name",
      base({ app, resources: [{ ...GRAPH, parameters: { resource: { token: "{tenant}" }, scope: { tokn: "x", token: "y" } } }] }),
      [
        { path: "k2-oauth:outbound.resources[0].parameters.scope.tokn", message: "unknown key; did you mean token?" },
        {
          path: "k2-oauth:outbound.resources[0].parameters.resource.token",
          message: "expected a value with the placeholders {clientId}, {clientSecret}, {redirectUri}, {audience} only (got {tenant}); got '{tenant}'",
        },
      ],
    ],
    [
      "unknown keys in the app and a resource, an unknown endpoint choice",
      base({ app: { ...app, secrets: {} }, resources: [{ ...GRAPH, audiences: [], refreshTokenEndpoint: "v2" }] }),
      [
        { path: "k2-oauth:outbound.app.secrets", message: "unknown key; did you mean secret?" },
        { path: "k2-oauth:outbound.resources[0].refreshTokenEndpoint", message: "expected 'token' (the v1 token endpoint) or 'none' (left empty); got 'v2'" },
        { path: "k2-oauth:outbound.resources[0].audiences", message: "unknown key; did you mean audience?" },
      ],
    ],
    [
      "no resources and no app",
      base({ resources: [] }),
      [
        { path: "k2-oauth:outbound.app", message: "is required; expected a mapping with displayName (optional: name, owners, secret, redirectUri)" },
        { path: "k2-oauth:outbound.resources", message: "expected at least one K2 OAuth resource, a mapping with name, audience and permissions; got an empty list" },
      ],
    ],
    [
      "the resource parameter left out, or not an audience (the mandatory policy would refuse every plan)",
      base({ app, resources: [{ ...GRAPH, parameters: { resource: null } }, { ...GRAPH, name: "Graph 2", parameters: { resource: { authorization: "{audience}", token: "graph.microsoft.com", refresh: "http://graph.microsoft.com" } } }] }),
      [
        {
          path: "k2-oauth:outbound.resources[0].parameters.resource",
          message:
            "expected resource to stay: on Entra ID's v1 endpoints it names the audience K2 asks a token for (without it K2 keeps no refresh token; the policy k2-outbound-resource-v1 requires it)",
        },
        {
          path: "k2-oauth:outbound.resources[1].parameters.resource.token",
          message: "expected {audience} or an https audience, like https://graph.microsoft.com: K2 asks Entra ID's v1 endpoints for a token for this audience; got 'graph.microsoft.com'",
        },
        {
          path: "k2-oauth:outbound.resources[1].parameters.resource.refresh",
          message: "expected {audience} or an https audience, like https://graph.microsoft.com: K2 asks Entra ID's v1 endpoints for a token for this audience; got 'http://graph.microsoft.com'",
        },
      ],
    ],
    [
      "a redirect URI on another host than the K2 site (AADSTS50011), or another port",
      base({ app: { ...app, redirectUri: "https://k2-old.contoso.com/identity/token/oauth/2" }, resources: [GRAPH] }),
      [
        {
          path: "k2-oauth:outbound.app.redirectUri",
          message:
            "expected a redirect URI on the K2 site of k2-oauth:k2.url, like https://k2.contoso.com/identity/token/oauth/2: Entra ID sends the code back to K2 there (another host fails with AADSTS50011; the policy k2-outbound-redirect-uri requires the K2 host); got 'https://k2-old.contoso.com/identity/token/oauth/2'",
        },
      ],
    ],
    [
      "the same host on another port",
      base({ app: { ...app, redirectUri: "https://k2.contoso.com:8443/identity/token/oauth/2" }, resources: [GRAPH] }),
      [
        {
          path: "k2-oauth:outbound.app.redirectUri",
          message:
            "expected a redirect URI on the K2 site of k2-oauth:k2.url, like https://k2.contoso.com/identity/token/oauth/2: Entra ID sends the code back to K2 there (another host fails with AADSTS50011; the policy k2-outbound-redirect-uri requires the K2 host); got 'https://k2.contoso.com:8443/identity/token/oauth/2'",
        },
      ],
    ],
    [
      "the app's schedule follows the clients' rules",
      base({ app: { ...app, secret: { lifetimeDays: 800 } }, resources: [GRAPH] }),
      [
        {
          path: "k2-oauth:outbound.app.secret.lifetimeDays",
          message: "expected a whole number of days from 1 to 730 (Entra ID's 24-month cap), like 180; got 800",
        },
      ],
    ],
  ];
  it.each(rows)("%s", (_label, raw, expected) => {
    expect(issuesOf(raw)).toEqual(expected);
  });
});
