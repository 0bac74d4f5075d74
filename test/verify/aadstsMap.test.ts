/**
 * The AADSTS map (cli/verify/aadsts.ts) word for word: every code's cause and fix for a context whose every field
 * differs from the defaults, so that each message is checked with what it names. The double-driven runs are in
 * aadsts.test.ts.
 */
import { describe, expect, it } from "vitest";
import { AADSTS_EXPLANATIONS, aadstsInText, describeEntraError, explainAadsts, parseEntraError } from "../../cli/verify/aadsts";
import type { Explanation } from "../../cli/verify/checks";

const ctx = { client: "hr-portal", audience: "https://k2-api.contoso.example/", scope: "k2.access", tenantId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" };

const EXPECTED: Array<[number, Explanation]> = [
  [50011, {
    cause: "reply URL mismatch: the redirect URI sent is not one of the 'hr-portal' app's registered reply URLs (they must match exactly: scheme, host, path, trailing slash)",
    fix: "add the exact URI to `k2-oauth:clients[].redirectUris` for 'hr-portal' and run `pulumi up`; a URI added by hand in the portal is removed again by the next `pulumi up`",
  }],
  [50020, {
    cause: "the user's account is from another identity provider and not a member or guest of this tenant",
    fix: "sign in with an account of this tenant, or invite it as a guest",
  }],
  [50034, {
    cause: "the service account does not exist in this tenant",
    fix: "check K2_VERIFY_USERNAME and `k2-oauth:tenantId`",
  }],
  [50053, {
    cause: "the service account is locked (too many failed sign-ins)",
    fix: "wait for the lockout to end, then check K2_VERIFY_PASSWORD",
  }],
  [50055, {
    cause: "the service account's password has expired",
    fix: "reset the password and update K2_VERIFY_PASSWORD in the CI secret store",
  }],
  [50057, {
    cause: "the service account is disabled",
    fix: "enable the account in Entra ID or use another K2 service account",
  }],
  [50076, {
    cause: "multi-factor authentication is required, and the password grant cannot perform MFA",
    fix: "run verify interactively (--auth device-code), or exclude the CI service account from the MFA policy for the CI network in Conditional Access",
  }],
  [50079, {
    cause: "the service account must register for multi-factor authentication, which the password grant cannot do",
    fix: "use --auth device-code, or an account exempt from MFA registration for CI",
  }],
  [50105, {
    cause: "the signed-in user is not assigned to the app and the app requires assignment",
    fix: "assign the user (or a group) to the 'hr-portal' app or to K2 API in Enterprise applications",
  }],
  [50126, {
    cause: "invalid user name or password for the service account",
    fix: "check K2_VERIFY_USERNAME (the account's UPN, user@domain) and K2_VERIFY_PASSWORD; federated (ADFS) accounts cannot use the password grant: use --auth device-code or a cloud-only account",
  }],
  [53003, {
    cause: "a Conditional Access policy blocked the sign-in",
    fix: "check the sign-in log entry (trace id above) for the policy; allow the CI network or account",
  }],
  [65001, {
    cause: "consent not granted: neither the user nor an administrator has consented to the 'hr-portal' app using 'k2.access' on K2 API (the grant is missing, was removed, or has not replicated yet)",
    fix: "run `pulumi up` for this stack with an identity allowed to grant tenant-wide consent: it declares the `hr-portal-consent` delegated permission grant (scope 'k2.access' on the K2 API service principal); or have a Global, Privileged Role or Cloud Application Administrator click \"Grant admin consent\" on the app's API permissions page. Right after a new app or grant, wait a few minutes for replication and run verify again",
  }],
  [70011, {
    cause: "invalid scope: the requested permission is not offered by the resource 'https://k2-api.contoso.example/'",
    fix: "check `k2-oauth:k2Api.scope` against the K2 API service principal's delegated scopes",
  }],
  [70019, {
    cause: "the device code expired before the sign-in finished",
    fix: "run verify again and complete the sign-in within the time shown",
  }],
  [90002, {
    cause: "tenant 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d was not found in this cloud",
    fix: "check `k2-oauth:tenantId` and `k2-oauth:cloud` (public, usgov or china)",
  }],
  [90094, {
    cause: "admin consent is required: the tenant lets only administrators consent to the K2 API permission for the 'hr-portal' app, and no tenant-wide grant exists yet",
    fix: "run `pulumi up` for this stack with an identity allowed to grant tenant-wide consent: it declares the `hr-portal-consent` delegated permission grant (scope 'k2.access' on the K2 API service principal); or have a Global, Privileged Role or Cloud Application Administrator click \"Grant admin consent\" on the app's API permissions page. Right after a new app or grant, wait a few minutes for replication and run verify again",
  }],
  [500011, {
    cause: "resource not found: no app in tenant 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d has the identifier 'https://k2-api.contoso.example/' (K2 API was never added to this tenant, or k2Api.audience differs from its Application ID URI)",
    fix: "set `k2-oauth:k2Api.audience` to the K2 API's Application ID URI (default https://api.k2.com/), and have an administrator add K2 API to the tenant with the consent link from KB002784",
  }],
  [650057, {
    cause: "invalid resource: the 'hr-portal' app does not list K2 API among its required permissions",
    fix: "run `pulumi up` (the app declares the K2 API permission from `k2-oauth:k2Api.clientId`); check that clientId is the K2 API app of this tenant",
  }],
  [700016, {
    cause: "application not found: no app with this client id exists in tenant 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d (wrong client id, another tenant's app, a deleted app, or one created moments ago and not replicated yet)",
    fix: "use the clientId from `pulumi stack output clients --json` (pass the file with --outputs), check `k2-oauth:tenantId` and `cloud`; if the app was just created, wait a few minutes and retry",
  }],
  [7000215, {
    cause: "invalid client secret: the value sent is not a current secret of the 'hr-portal' app; often the secret's ID (keyId) was used instead of its value, or a secret from another app or an old rotation",
    fix: "set K2_VERIFY_CLIENT_SECRET (and the consumer's setting) to the secret VALUE of the current slot: the latest version of `hr-portal-client-secret` in Key Vault, or `pulumi stack output --show-secrets clientSecrets`",
  }],
  [7000218, {
    cause: "the 'hr-portal' app is a confidential client and the request carried no client secret (public client flows are disabled for it)",
    fix: "set K2_VERIFY_CLIENT_SECRET to the current secret value of 'hr-portal'",
  }],
  [7000222, {
    cause: "expired client secret: the secret sent for the 'hr-portal' app has passed its end date",
    fix: "run `pulumi up` (the rotation schedule declares a fresh secret in the other slot), then give consumers the current slot's value (Key Vault or `pulumi stack output --show-secrets clientSecrets`)",
  }],

];

describe("explainAadsts", () => {
  it("explains every mapped code in this project's terms, naming the context", () => {
    expect(Object.keys(AADSTS_EXPLANATIONS).map(Number).sort((a, b) => a - b)).toEqual(EXPECTED.map(([code]) => code).sort((a, b) => a - b));
    for (const [code, explanation] of EXPECTED) expect(explainAadsts(code, ctx, "ignored for a mapped code"), `AADSTS${code}`).toEqual(explanation);
  });

  it("an unmapped code: Entra's own message and Microsoft's lookup page", () => {
    expect(explainAadsts(9999999, ctx, "Something failed.")).toEqual({
      cause: "Entra ID rejected the request with AADSTS9999999: Something failed.",
      fix: "look the code up at https://login.microsoftonline.com/error?code=9999999",
    });
    expect(explainAadsts(9999999, ctx, "")).toEqual({
      cause: "Entra ID rejected the request with AADSTS9999999",
      fix: "look the code up at https://login.microsoftonline.com/error?code=9999999",
    });
    expect(explainAadsts(9999999, ctx).cause).toBe("Entra ID rejected the request with AADSTS9999999");
  });

  it("no code at all", () => {
    expect(explainAadsts(undefined, ctx, "bad request")).toEqual({
      cause: "Entra ID rejected the request without an AADSTS code: bad request",
      fix: "check the request settings named in the message",
    });
    expect(explainAadsts(undefined, ctx)).toEqual({ cause: "Entra ID rejected the request without an AADSTS code", fix: "check the request settings named in the message" });
  });
});

describe("Entra's error bodies", () => {
  it("takes the first of several error codes, the first line of a \\n-separated description, and no trace id when there is none", () => {
    const e = parseEntraError(JSON.stringify({ error: "invalid_grant", error_description: "  AADSTS50126: Error validating credentials.  \nTrace ID: t", error_codes: [50126, 50034] }));
    expect(e).toEqual({ error: "invalid_grant", code: 50126, message: "AADSTS50126: Error validating credentials.", traceId: undefined, correlationId: undefined });
    expect(describeEntraError(e!)).toBe("AADSTS50126 invalid_grant: Error validating credentials.");
  });

  it("skips error codes that are not numbers, and has no code when neither the codes nor the description give one", () => {
    expect(parseEntraError(JSON.stringify({ error: "invalid_request", error_description: "AADSTS90002: Tenant not found", error_codes: ["x"] }))?.code).toBe(90002);
    const e = parseEntraError(JSON.stringify({ error: "invalid_request", error_description: 5, error_codes: "90002", trace_id: 7 }));
    expect(e).toEqual({ error: "invalid_request", code: undefined, message: "", traceId: undefined, correlationId: undefined });
    expect(describeEntraError(e!)).toBe("invalid_request: ");
  });

  it("takes the first number among the error codes over the description's code", () => {
    expect(parseEntraError(JSON.stringify({ error: "invalid_grant", error_description: "no code here", error_codes: ["x", 50126] }))?.code).toBe(50126);
    expect(parseEntraError(JSON.stringify({ error: "invalid_grant", error_description: "AADSTS65001: x", error_codes: [50126] }))?.code).toBe(50126);
  });

  it("drops the code and the blanks after it only at the start of the message", () => {
    const e = { error: "invalid_grant", code: 50126, traceId: undefined, correlationId: undefined };
    expect(describeEntraError({ ...e, message: "AADSTS50126:   Error validating credentials." })).toBe("AADSTS50126 invalid_grant: Error validating credentials.");
    expect(describeEntraError({ ...e, message: "See AADSTS50034: not found" })).toBe("AADSTS50126 invalid_grant: See AADSTS50034: not found");
  });

  it("is not an error body: JSON without a string error, null, a number, text", () => {
    expect(parseEntraError(JSON.stringify({ error: 400 }))).toBeUndefined();
    expect(parseEntraError("null")).toBeUndefined();
    expect(parseEntraError("42")).toBeUndefined();
    expect(parseEntraError("Bad Request")).toBeUndefined();
  });

  it("finds an AADSTS code of five to eight digits in text, and none of four", () => {
    expect(aadstsInText("error=AADSTS7000215 then AADSTS50011")).toBe(7000215);
    expect(aadstsInText("AADSTS1234: no")).toBeUndefined();
    expect(aadstsInText("no code")).toBeUndefined();
  });
});
