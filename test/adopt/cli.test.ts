/**
 * `npm run adopt` in-process against the Entra ID and Microsoft Graph doubles: usage and config errors (exit 2,
 * nothing written), sign-in in every way and its failures explained (exit 1), the stack file written or left alone,
 * the report in text and JSON, and never a secret or token in any output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { usageErrorText } from "../../cli/args";
import { ADOPT_COMMAND } from "../../cli/adopt/options";
import { ADMIN, doubleArgs, NOW, PASSWORD_ENV, readStack, removeRoot, run, SIGN_IN_APP, skeletonStack, tempRoot, TENANT, useDoubles } from "./harness";
import { HAND_MADE_SECRET_VALUES, legacyApps, POWER_AUTOMATE, REPORTS, REPORTS_EU } from "./tenantFixtures";

const d = useDoubles(legacyApps);
let roots: string[] = [];
afterEach(() => {
  for (const root of roots) removeRoot(root);
  roots = [];
  d.entra.forceTokenError(undefined);
  d.entra.deviceScript = [];
});

function root(stacks: Record<string, string> = { legacy: skeletonStack() }): string {
  const r = tempRoot(stacks);
  roots.push(r);
  return r;
}

/** Every secret and token of the run: none may appear in any output or in the stack file. */
function secretsOf(): string[] {
  return [ADMIN.password, ...HAND_MADE_SECRET_VALUES, ...d.entra.issuedSecrets];
}

function expectNoSecret(...texts: string[]): void {
  for (const text of texts) for (const secret of secretsOf()) expect(text).not.toContain(secret);
}

describe("adopt: the legacy tenant", () => {
  it("writes three clients into the stack file, keeping the file as it was, and reports what pulumi up does", async () => {
    const r0 = root();
    const before = readStack(r0, "legacy");
    const r = await run(["--stack", "legacy", ...doubleArgs(d, r0)]);
    expect(r.exitCode).toBe(0);
    const after = readStack(r0, "legacy");
    expect(after.startsWith(before.replace(/\n$/, ""))).toBe(true);
    const config = (parse(after) as { config: Record<string, Array<{ name: string; adopt: Record<string, string> }>> }).config;
    expect(config["k2-oauth:clients"].map((c) => [c.name, c.adopt])).toEqual([
      ["k2-power-automate", { since: "2026-11-29", applicationObjectId: POWER_AUTOMATE.id, servicePrincipalObjectId: POWER_AUTOMATE.spId, grantId: POWER_AUTOMATE.grantId }],
      ["k2-reports", { since: "2026-11-29", applicationObjectId: REPORTS.id, servicePrincipalObjectId: REPORTS.spId, grantId: REPORTS.grantId }],
      ["k2-reports-2", { since: "2026-11-29", applicationObjectId: REPORTS_EU.id }],
    ]);
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "Adopt: stack legacy (stacks/Pulumi.legacy.yaml: updated)",
      `Tenant ${TENANT}: K2 API 'K2 API' (appId 22222222-3333-4444-5555-666666666666), delegated scope user_impersonation`,
      "3 app registrations request the K2 API: 3 adopted now, 0 adopted before, 0 left to be managed by hand",
    ]);
    expect(lines).toContain("    owners: none; of its service principal: bob@contoso.example");
    expect(lines).toContain("      client secret 'Power Automate connector' (key id 5ec00000-0000-4000-8000-000000000001) expires 2027-01-31 (in 63 days)");
    expect(lines).toContain("      client secret 'first secret' (key id 5ec00000-0000-4000-8000-000000000002) expired 2025-02-01 (666 days ago)");
    expect(lines).toContain("      client secret 'reports' (key id 5ec00000-0000-4000-8000-000000000003) expires 2026-12-15 (in 16 days)");
    expect(lines).toContain(
      "Same display name: 2 apps are named 'K2 - Reports' (clients k2-reports, k2-reports-2). Each keeps its display name and is told apart by its object id; adopted apps are declared without the provider's duplicate-name check (preventDuplicateNames off), which would refuse them.",
    );
    const findings = lines.indexOf("Policy findings to expect (the pack's defaults: npm run plan and pulumi preview report them; what to change after the adoption)");
    expect(lines.slice(findings + 1, findings + 8)).toEqual([
      "  A mandatory finding stops pulumi up with the pack: settle it first, or give the app a time-boxed exemption in policies/config/legacy.json until its consumers allow the change.",
      "  x mandatory  entra-app-implicit-grant  k2-reports-app: the app issues access tokens through the implicit grant",
      "      change: once its consumers use the authorization code flow, set implicitGrant.accessTokens: false for client k2-reports (adopt keeps it on: turning it off at import would break a consumer that uses it)",
      "  x mandatory  entra-app-implicit-grant  k2-reports-app: the app issues ID tokens through the implicit grant",
      "      change: once its consumers use the authorization code flow, set implicitGrant.idTokens: false for client k2-reports (adopt keeps it on: turning it off at import would break a consumer that uses it)",
      "  x mandatory  entra-app-owners  k2-reports-app: the app has no owners",
      "      change: add the object ids of the people who look after it to owners of client k2-reports",
    ]);
    expect(r.stderr.split("\n")).toEqual([
      `Signing in to tenant ${TENANT} for Microsoft Graph (${d.graph.url})...`,
      "K2 API service principal: K2 API (appId 22222222-3333-4444-5555-666666666666)",
      "App registrations requesting the K2 API: 3",
      "",
    ]);
    expectNoSecret(r.stdout, r.stderr, after);
  });

  it("--format json: the same report for scripts", async () => {
    const r = await run(["--stack", "legacy", "--format", "json", "--dry-run", ...doubleArgs(d, root())]);
    const json = JSON.parse(r.stdout) as Record<string, unknown> & { clients: Array<Record<string, unknown>> };
    expect(json).toMatchObject({ schemaVersion: 1, stack: "legacy", stackFile: "stacks/Pulumi.legacy.yaml", file: "updated", dryRun: true, tenantId: TENANT, appsFound: 3 });
    expect(json.clients.map((c) => [c.name, c.secretStartDate, (c.imports as unknown[]).length])).toEqual([
      ["k2-power-automate", "2026-11-29", 3],
      ["k2-reports", "2026-11-29", 3],
      ["k2-reports-2", "2026-11-29", 1],
    ]);
    expect(json.clients[0].credentials).toEqual([
      { kind: "client secret", keyId: "5ec00000-0000-4000-8000-000000000001", displayName: "Power Automate connector", endDate: "2027-01-31T10:00:00Z", status: "expires 2027-01-31 (in 63 days)" },
      { kind: "client secret", keyId: "5ec00000-0000-4000-8000-000000000002", displayName: "first secret", endDate: "2025-02-01T10:00:00Z", status: "expired 2025-02-01 (666 days ago)" },
    ]);
    expect(json.sharedDisplayNames).toEqual([{ displayName: "K2 - Reports", names: ["k2-reports", "k2-reports-2"] }]);
  });

  it("--dry-run writes nothing; a second run finds the clients adopted before and writes nothing either", async () => {
    const r0 = root();
    const before = readStack(r0, "legacy");
    const dry = await run(["--stack", "legacy", "--dry-run", ...doubleArgs(d, r0)]);
    expect(dry.stdout.split("\n")[0]).toBe("Adopt: stack legacy (stacks/Pulumi.legacy.yaml: would be updated (dry run))");
    expect(readStack(r0, "legacy")).toBe(before);
    await run(["--stack", "legacy", ...doubleArgs(d, r0)]);
    const adopted = readStack(r0, "legacy");
    const again = await run(["--stack", "legacy", ...doubleArgs(d, r0)]);
    expect(again.exitCode).toBe(0);
    expect(readStack(r0, "legacy")).toBe(adopted);
    expect(again.stdout.split("\n").slice(0, 3)[2]).toBe("3 app registrations request the K2 API: 0 adopted now, 3 adopted before, 0 left to be managed by hand");
    expect(again.stdout).toContain("Adopt: stack legacy (stacks/Pulumi.legacy.yaml: unchanged)");
  });

  it("creates a new stack file from --tenant, --k2-url and --k2-edition", async () => {
    const r0 = root({});
    const r = await run(["--stack", "legacy", "--tenant", TENANT, "--k2-url", "https://k2.contoso.example", "--k2-edition", "cloud", ...doubleArgs(d, r0)]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("Adopt: stack legacy (stacks/Pulumi.legacy.yaml: created)");
    const text = readStack(r0, "legacy");
    expect(text.split("\n")[0]).toBe(`# Stack legacy: written by npm run adopt on 2026-11-29 from tenant ${TENANT}.`);
    const config = (parse(text) as { config: Record<string, unknown> }).config;
    expect({ ...config, "k2-oauth:clients": undefined }).toEqual({
      "k2-oauth:tenantId": TENANT,
      "k2-oauth:k2Api": { clientId: "22222222-3333-4444-5555-666666666666", scope: "user_impersonation", audience: "https://api.k2.com/" },
      "k2-oauth:k2": { url: "https://k2.contoso.example", edition: "cloud" },
      "k2-oauth:clients": undefined,
    });
    expect((config["k2-oauth:clients"] as unknown[]).length).toBe(3);
  });
});

describe("adopt: the project's other stacks in the tenant", () => {
  const prod = (tenant: string) =>
    skeletonStack({
      comment: "# prod",
      clients: ["  k2-oauth:clients:", "    - name: flows", "      displayName: Flows", "      adopt:", `        applicationObjectId: ${POWER_AUTOMATE.id}`].join("\n"),
    }).replace(TENANT, tenant);

  it("an app another stack of the same tenant adopted is left to it; a stack of another tenant does not count", async () => {
    const same = await run(["--stack", "legacy", "--dry-run", "--format", "json", ...doubleArgs(d, root({ legacy: skeletonStack(), prod: prod(TENANT) }))]);
    const report = JSON.parse(same.stdout) as { clients: Array<{ name: string }>; skipped: Array<{ id: string; reasons: string[] }> };
    expect(report.clients.map((c) => c.name)).toEqual(["k2-reports", "k2-reports-2"]);
    expect(report.skipped).toEqual([
      {
        id: POWER_AUTOMATE.id,
        appId: POWER_AUTOMATE.appId,
        displayName: "K2 - Power Automate",
        reasons: [
          "client 'flows' of stacks/Pulumi.prod.yaml (same tenant) declares it by its object id (adopt.applicationObjectId): two stacks would manage one app, each with its own secrets, undoing each other's changes. Manage it there; adopt it here only after removing it there",
        ],
      },
    ]);
    const other = await run(["--stack", "legacy", "--dry-run", "--format", "json", ...doubleArgs(d, root({ legacy: skeletonStack(), prod: prod("99999999-2222-3333-4444-555555555555") }))]);
    expect((JSON.parse(other.stdout) as { clients: unknown[] }).clients.length).toBe(3);
  });
});

describe("adopt: the stack's own policy config", () => {
  it("is named in the report: the expected findings are the pack's defaults, the plan applies the file", async () => {
    const r0 = root();
    fs.mkdirSync(path.join(r0, "policies", "config"), { recursive: true });
    fs.writeFileSync(path.join(r0, "policies", "config", "legacy.json"), JSON.stringify({ "entra-app-owners": { minOwners: 2 } }));
    const text = await run(["--stack", "legacy", "--dry-run", ...doubleArgs(d, r0)]);
    const lines = text.stdout.split("\n");
    const at = lines.indexOf("Policy findings to expect (the pack's defaults: npm run plan and pulumi preview report them; what to change after the adoption)");
    expect(lines[at + 1]).toBe(
      "  policies/config/legacy.json sets this stack's own levels, limits and exemptions, which these do not take into account: npm run plan -- --stack legacy shows the findings with them.",
    );
    const json = await run(["--stack", "legacy", "--dry-run", "--format", "json", ...doubleArgs(d, r0)]);
    expect((JSON.parse(json.stdout) as { policyConfig: unknown }).policyConfig).toBe("policies/config/legacy.json");
    const without = await run(["--stack", "legacy", "--dry-run", "--format", "json", ...doubleArgs(d, root())]);
    expect((JSON.parse(without.stdout) as { policyConfig: unknown }).policyConfig).toBeNull();
  });
});

describe("adopt: nothing to adopt", () => {
  it("no app requests the K2 API: no stack file is created (a stack needs a client)", async () => {
    const r0 = root({});
    const apps = d.graph.applications.splice(0);
    try {
      const r = await run(["--stack", "legacy", "--tenant", TENANT, "--k2-url", "https://k2.contoso.example", "--k2-edition", "cloud", ...doubleArgs(d, r0)]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout.split("\n").slice(0, 3)).toEqual([
        "Adopt: stack legacy (stacks/Pulumi.legacy.yaml: not created)",
        `Tenant ${TENANT}: K2 API 'K2 API' (appId 22222222-3333-4444-5555-666666666666), delegated scope user_impersonation`,
        "0 app registrations request the K2 API: 0 adopted now, 0 adopted before, 0 left to be managed by hand",
      ]);
      expect(fs.readdirSync(path.join(r0, "stacks"))).toEqual([]);
    } finally {
      d.graph.applications.push(...apps);
    }
  });
});

describe("adopt: sign-in", () => {
  it("device code: shows the code, polls, and reads", async () => {
    d.entra.deviceScript = ["authorization_pending", "authorization_pending"];
    const r = await run(["--stack", "legacy", "--dry-run", ...doubleArgs(d, root())], { K2_ADOPT_CLIENT_ID: SIGN_IN_APP });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/\nTo sign in, open https:\/\/microsoft\.com\/devicelogin and enter the code [A-Z0-9]{9} \(valid for 15 minutes\)\.\n/);
    expect(r.sleeps).toEqual([5_000, 5_000, 5_000]);
    expectNoSecret(r.stdout, r.stderr);
  });

  it("explains an Entra ID error in adopt's terms, and writes nothing", async () => {
    const r0 = root();
    const before = readStack(r0, "legacy");
    d.entra.forceTokenError(65001);
    const r = await run(["--stack", "legacy", ...doubleArgs(d, r0)]);
    expect(r.exitCode).toBe(1);
    const message = r.stderr.split("\n").slice(1).join("\n");
    expect(message).toMatch(
      new RegExp(
        "^adopt: sign-in failed: password grant for reader@contoso\\.example: AADSTS65001 invalid_grant: The user or administrator has not consented to use the application with ID '5191a000-0000-4000-8000-000000000001' named 'app'\\. Send an interactive authorization request for this user and resource\\. \\(trace id [0-9a-f-]+\\)\n" +
          "  cause: the app you sign in with has no consent for Microsoft Graph's delegated permissions Application\\.Read\\.All and Directory\\.Read\\.All\n" +
          "  fix: have an administrator grant admin consent for them on that app \\(App registrations > the app > API permissions > Grant admin consent\\), then run adopt again\n$",
      ),
    );
    expect(readStack(r0, "legacy")).toBe(before);
  });

  it("--token-file: a Microsoft Graph token for the tenant is used as it is; any other is refused before Graph is called", async () => {
    const r0 = root();
    const app = d.entra.app(SIGN_IN_APP);
    const graphResource = { audience: d.graph.url, clientId: "00000003-0000-0000-c000-000000000000", scopes: [] };
    const good = await d.entra.issue(app!, graphResource, ADMIN.username);
    const tokenFile = path.join(r0, "token.json");
    fs.writeFileSync(tokenFile, JSON.stringify({ accessToken: good, tokenType: "Bearer" }));
    const ok = await run(["--stack", "legacy", "--dry-run", "--token-file", tokenFile, ...doubleArgs(d, r0)], {});
    expect(ok.exitCode).toBe(0);
    // A relative --token-file is read from the run's working directory.
    const relative = await run(["--stack", "legacy", "--dry-run", "--token-file", "token.json", ...doubleArgs(d, r0)], {}, r0);
    expect([relative.exitCode, relative.stderr.includes("token.json")]).toEqual([0, false]);
    expectNoSecret(ok.stdout, ok.stderr);
    expect(ok.stdout).not.toContain(good);

    const k2Token = await d.entra.issue(app!, { audience: "https://api.k2.com/", clientId: "k2", scopes: [] }, ADMIN.username);
    fs.writeFileSync(tokenFile, k2Token);
    const requests = d.graph.requests.length;
    const wrong = await run(["--stack", "legacy", "--token-file", tokenFile, ...doubleArgs(d, r0)], {});
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr.split("\n")[1]).toBe(
      `adopt: --token-file ${tokenFile}: the token is for 'https://api.k2.com/', not Microsoft Graph (${d.graph.url}); get one with az account get-access-token --resource-type ms-graph`,
    );
    fs.writeFileSync(tokenFile, "not a token");
    expect((await run(["--stack", "legacy", "--token-file", tokenFile, ...doubleArgs(d, r0)], {})).stderr.split("\n")[1]).toBe(
      `adopt: --token-file ${tokenFile}: the token is not a JWT; expected a Microsoft Graph access token (az account get-access-token --resource-type ms-graph)`,
    );
    expect(d.graph.requests.length).toBe(requests);
  });
});

describe("adopt: nothing is written when Graph fails", () => {
  it("a request that keeps failing stops the run with exit code 1 and the stack file as it was", async () => {
    const r0 = root();
    const before = readStack(r0, "legacy");
    d.graph.injectFaults("oauth2PermissionGrants", ...Array.from({ length: 6 }, () => ({ status: 503 })));
    const r = await run(["--stack", "legacy", ...doubleArgs(d, r0)]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n").at(-2)).toBe(
      `adopt: could not read the delegated permission grants of app 'K2 - Power Automate' (${POWER_AUTOMATE.id}): GET ${d.graph.url}/v1.0/oauth2PermissionGrants failed 6 times in a row; last: HTTP 503. Nothing was written.`,
    );
    expect(readStack(r0, "legacy")).toBe(before);
    expect(r.sleeps).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
  });
});

describe("adopt: usage and configuration errors (exit code 2, nothing written, no request sent)", () => {
  const usageCases: Array<[string, string[], Record<string, string>, string]> = [
    [
      "no app to sign in with",
      ["--stack", "legacy"],
      {},
      `signing in needs the app to sign in with: --client-id <guid> or K2_ADOPT_CLIENT_ID (README.md, "Adopting an existing setup", says which permissions it needs), or pass a Microsoft Graph token with --token-file`,
    ],
    ["a tenant that is not a GUID", ["--stack", "legacy", "--tenant", "contoso.onmicrosoft.com"], PASSWORD_ENV, "--tenant: expected the tenant id, a GUID like 11111111-2222-3333-4444-555555555555; got 'contoso.onmicrosoft.com'"],
    ["Graph over http", ["--stack", "legacy", "--graph-url", "http://graph.example.com"], PASSWORD_ENV, "--graph-url: expected an https URL (http only for 127.0.0.1 or localhost), got 'http://graph.example.com'"],
    ["Graph with a path", ["--stack", "legacy", "--graph-url", "https://graph.microsoft.com/v1.0"], PASSWORD_ENV, "--graph-url: expected only the root, like https://graph.microsoft.com (no path, query or user name), got 'https://graph.microsoft.com/v1.0'"],
    ["--k2 without the K2 password", ["--stack", "legacy", "--k2"], PASSWORD_ENV, "--k2 needs the K2 admin password in K2_ADMIN_PASSWORD (stack secrets are not decrypted offline), e.g.\n  read -rs K2_ADMIN_PASSWORD && export K2_ADMIN_PASSWORD"],
    ["--service-url without --k2", ["--stack", "legacy", "--service-url", "https://k2.example.com:8888/SmartObjectServices"], PASSWORD_ENV, "--service-url is the K2 SmartObject Services root for --k2; add --k2 or leave it out"],
    ["--auth password without a password", ["--stack", "legacy", "--auth", "password"], { K2_ADOPT_USERNAME: "u", K2_ADOPT_CLIENT_ID: SIGN_IN_APP }, "--auth password needs the account's password in K2_ADOPT_PASSWORD"],
  ];
  it.each(usageCases)("%s", async (_, args, env, message) => {
    const r = await run(args, env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(usageErrorText(ADOPT_COMMAND, message));
    expect(r.stdout).toBe("");
  });

  const stackCases: Array<[string, Record<string, string>, string[], string]> = [
    [
      "no stack file and no settings for a new one",
      {},
      [],
      "adopt: there is no stacks/Pulumi.legacy.yaml yet: to create it adopt needs --tenant <id>, --k2-url <url>, --k2-admin <user> (K2 Five; or --k2-edition cloud); or create it from stacks/Pulumi.dev.yaml with the stack-wide settings and no clients",
    ],
    ["settings for a new file while the file exists", { legacy: skeletonStack() }, ["--k2-url", "https://k2.example.com", "--cloud", "china"], "adopt: --cloud, --k2-url only describe a new stack file; stacks/Pulumi.legacy.yaml exists and sets these itself"],
    [
      "another tenant than the stack's",
      { legacy: skeletonStack() },
      ["--tenant", "99999999-2222-3333-4444-555555555555"],
      `adopt: --tenant 99999999-2222-3333-4444-555555555555 differs from k2-oauth:tenantId ${TENANT} of stacks/Pulumi.legacy.yaml; leave --tenant out or adopt into another stack`,
    ],
    [
      "an invalid stack file",
      { legacy: skeletonStack().replace("url: https://k2.example.com", "url: http://k2.example.com") },
      [],
      "adopt: stacks/Pulumi.legacy.yaml is not valid config; nothing was written:\nInvalid stack configuration (1 problem):\n  - k2-oauth:k2.url: expected the K2 site URL as an https URL, like https://k2.example.com (https, not http); got 'http://k2.example.com'",
    ],
    [
      "a stack file that is not YAML",
      { legacy: "config:\n  k2-oauth:tenantId: [\n" },
      [],
      "adopt: stacks/Pulumi.legacy.yaml is not valid YAML: line 2, column 23: the indentation does not match the lines around it: the keys of one mapping start in the same column, and a [ or { must be closed\n    2 |   k2-oauth:tenantId: [\n      |                       ^",
    ],
    [
      "bad settings for a new file",
      {},
      ["--tenant", TENANT, "--k2-url", "http://k2.example.com", "--k2-admin", "EXAMPLE\\svc"],
      "adopt: what the command line gives for the new stacks/Pulumi.legacy.yaml (--tenant, --cloud, --k2-url, --k2-edition, --k2-admin) is not valid config; nothing was written:\nInvalid stack configuration (1 problem):\n  - k2-oauth:k2.url: expected the K2 site URL as an https URL, like https://k2.example.com (https, not http); got 'http://k2.example.com'",
    ],
    [
      "another stack file that cannot be read (adopt cannot tell which apps it manages)",
      { legacy: skeletonStack(), prod: "config:\n  k2-oauth:tenantId: [\n" },
      [],
      "adopt: cannot tell which apps stack prod manages; nothing was written. Fix that file, or move it out of stacks/ while adopting:\nstacks/Pulumi.prod.yaml is not valid YAML: line 2, column 23: the indentation does not match the lines around it: the keys of one mapping start in the same column, and a [ or { must be closed\n    2 |   k2-oauth:tenantId: [\n      |                       ^",
    ],
  ];
  it.each(stackCases)("%s", async (_, stacks, extra, message) => {
    const r0 = root(stacks);
    const files = Object.fromEntries(Object.keys(stacks).map((s) => [s, readStack(r0, s)]));
    const requests = d.graph.requests.length + d.entra.requests.length;
    const r = await run(["--stack", "legacy", ...extra, ...doubleArgs(d, r0)]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`${message}\n`);
    expect(Object.fromEntries(Object.keys(stacks).map((s) => [s, readStack(r0, s)]))).toEqual(files);
    expect(fs.readdirSync(path.join(r0, "stacks")).length).toBe(Object.keys(stacks).length);
    expect(d.graph.requests.length + d.entra.requests.length).toBe(requests);
  });

  it("a stack name that cannot be a file name", async () => {
    const r = await run(["--stack", "../legacy", ...doubleArgs(d, root())]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("adopt: invalid stack name '../legacy': expected letters, digits, '-', '_' or '.'\n");
  });

  it("NOW is the adoption day the tests assume", () => {
    expect(NOW.toISOString().slice(0, 10)).toBe("2026-11-29");
  });
});
