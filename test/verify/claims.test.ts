/**
 * verify's token checks (cli/verify/claims.ts) called directly: one signed token per case, every check's status,
 * detail, cause and fix asserted, with a non-default audience, scope and tenant so that none of them can be a
 * hard-coded default. The end-to-end runs against the Entra ID double are in the other files beside this one.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { Check } from "../../cli/verify/checks";
import { NBF_SKEW_S, shownClaims, validateClaims, type ClaimsInput } from "../../cli/verify/claims";

const TENANT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const AUDIENCE = "https://k2-api.contoso.example/";
const K2_API = "5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f";
const SCOPE = "k2.access";
const ISSUER = `https://sts.windows.net/${TENANT}/`;
const NOW = new Date("2026-11-23T12:00:00Z");
const NOW_S = Math.floor(NOW.getTime() / 1000);

let tenantKey: CryptoKey;
let foreignKey: CryptoKey;
let keys: JSONWebKeySet;

beforeAll(async () => {
  const [tenant, foreign] = await Promise.all([generateKeyPair("RS256"), generateKeyPair("RS256")]);
  tenantKey = tenant.privateKey;
  foreignKey = foreign.privateKey;
  keys = { keys: [{ ...(await exportJWK(tenant.publicKey)), kid: "tenant-key", alg: "RS256", use: "sig" }] };
});

const V1: JWTPayload = { aud: AUDIENCE, iss: ISSUER, ver: "1.0", tid: TENANT, scp: `openid ${SCOPE}`, iat: NOW_S - 60, nbf: NOW_S - 60, exp: NOW_S + 3600 };

function sign(claims: JWTPayload, options: { key?: CryptoKey; kid?: string } = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: options.kid ?? "tenant-key", typ: "JWT" }).sign(options.key ?? tenantKey);
}

function input(overrides: Partial<ClaimsInput> = {}): ClaimsInput {
  return { keys, audience: AUDIENCE, expectedIssuer: ISSUER, tenantId: TENANT, scope: SCOPE, k2ApiClientId: K2_API, cloud: "public", now: NOW, ...overrides };
}

async function checksOf(claims: JWTPayload, overrides: Partial<ClaimsInput> = {}, options: { key?: CryptoKey; kid?: string } = {}): Promise<Record<string, Check>> {
  const result = await validateClaims(await sign(claims, options), input(overrides));
  const byId = Object.fromEntries(result.checks.map((c) => [c.id, c]));
  expect(Object.keys(byId)).toEqual(["token-signature", "token-lifetime", "token-audience", "token-issuer", "token-version", "token-tenant", "token-scope"]);
  return byId;
}

const exp = new Date((NOW_S + 3600) * 1000).toISOString();

describe("validateClaims: a v1 token for the K2 audience", () => {
  it("passes every check, each saying what it saw", async () => {
    const c = await checksOf(V1);
    expect(Object.values(c)).toEqual([
      { id: "token-signature", title: "signature (tenant keys)", status: "pass", detail: "RS256 signature verified with the tenant's keys" },
      { id: "token-lifetime", title: "not expired", status: "pass", detail: `valid until ${exp}` },
      { id: "token-audience", title: "aud is the K2 audience", status: "pass", detail: `aud ${AUDIENCE}` },
      { id: "token-issuer", title: "iss is the v1 issuer", status: "pass", detail: `iss ${ISSUER}` },
      { id: "token-version", title: "ver is 1.0", status: "pass", detail: "ver 1.0" },
      { id: "token-tenant", title: "tid is the stack's tenant", status: "pass", detail: `tid ${TENANT}` },
      { id: "token-scope", title: "scp has the K2 scope", status: "pass", detail: `scp openid ${SCOPE}` },
    ]);
  });

  it("takes the tenant id from the token in any case", async () => {
    const c = await checksOf({ ...V1, tid: TENANT.toUpperCase() });
    expect(c["token-tenant"]).toEqual({ id: "token-tenant", title: "tid is the stack's tenant", status: "pass", detail: `tid ${TENANT}` });
  });

  it("shows the claims it read, times as ISO dates, and nothing it did not", async () => {
    const result = await validateClaims(await sign({ ...V1, appid: K2_API, upn: "alice@contoso.example", roles: ["r1", 7], extra: "x" }), input());
    expect(result.claims).toEqual({
      aud: AUDIENCE,
      iss: ISSUER,
      ver: "1.0",
      tid: TENANT,
      scp: `openid ${SCOPE}`,
      roles: ["r1"],
      appid: K2_API,
      upn: "alice@contoso.example",
      iat: new Date((NOW_S - 60) * 1000).toISOString(),
      nbf: new Date((NOW_S - 60) * 1000).toISOString(),
      exp,
    });
  });
});

describe("shownClaims", () => {
  it("keeps string claims and string audiences only, and every named claim", () => {
    expect(
      shownClaims({ aud: ["a", 1 as unknown as string, "b"], azp: "azp-1", unique_name: "u", oid: "o-1", iss: 3 as unknown as string, iat: "x" as unknown as number }),
    ).toEqual({ aud: ["a", "b"], azp: "azp-1", unique_name: "u", oid: "o-1" });
    expect(shownClaims({})).toEqual({});
  });
});

describe("validateClaims: the audience", () => {
  const title = "aud is the K2 audience";

  it("another resource", async () => {
    const c = await checksOf({ ...V1, aud: "https://graph.microsoft.com" });
    expect(c["token-audience"]).toEqual({
      id: "token-audience",
      title,
      status: "fail",
      detail: `aud is https://graph.microsoft.com, expected ${AUDIENCE}`,
      cause: "wrong audience: the token was issued for another resource (requested with a different resource, or the client calls another API)",
      fix: `request the token with resource=${AUDIENCE}; check k2-oauth:k2Api.audience against K2's 'audience' Resource Parameter`,
    });
  });

  it("the K2 API's client id (in upper case too)", async () => {
    const c = await checksOf({ ...V1, aud: K2_API.toUpperCase() });
    expect(c["token-audience"]).toEqual({
      id: "token-audience",
      title,
      status: "fail",
      detail: `aud is ${K2_API.toUpperCase()}, expected ${AUDIENCE}`,
      cause: "wrong audience: the token was requested with the K2 API's client id as resource, not its identifier URI",
      fix: `request the token with resource=${AUDIENCE} (the Resource Parameter 'audience' in K2 expects exactly that)`,
    });
  });

  it("off only by the trailing slash, either way", async () => {
    const slash = {
      id: "token-audience",
      title,
      status: "fail",
      cause: "wrong audience: aud differs from k2Api.audience only by the trailing slash, and K2 compares them exactly",
      fix: `make k2-oauth:k2Api.audience, K2's 'audience' Resource Parameter and the client's resource identical (${AUDIENCE})`,
    };
    const without = AUDIENCE.slice(0, -1);
    expect((await checksOf({ ...V1, aud: without }))["token-audience"]).toEqual({ ...slash, detail: `aud is ${without}, expected ${AUDIENCE}` });
    const c = await checksOf({ ...V1, aud: AUDIENCE }, { audience: without });
    expect(c["token-audience"]).toEqual({
      ...slash,
      detail: `aud is ${AUDIENCE}, expected ${without}`,
      fix: `make k2-oauth:k2Api.audience, K2's 'audience' Resource Parameter and the client's resource identical (${without})`,
    });
  });

  it("a list with the K2 API's client id among others is still explained as the client id", async () => {
    const c = await checksOf({ ...V1, aud: ["https://other.example/", K2_API] });
    expect(c["token-audience"]).toMatchObject({ status: "fail", cause: "wrong audience: the token was requested with the K2 API's client id as resource, not its identifier URI" });
  });

  it("several trailing slashes count as the trailing slash, on either side", async () => {
    const slash = "wrong audience: aud differs from k2Api.audience only by the trailing slash, and K2 compares them exactly";
    expect((await checksOf({ ...V1, aud: `${AUDIENCE}/` }))["token-audience"]).toMatchObject({ status: "fail", cause: slash });
    expect((await checksOf({ ...V1, aud: AUDIENCE }, { audience: `${AUDIENCE}/` }))["token-audience"]).toMatchObject({ status: "fail", cause: slash });
  });

  it("missing, or a list of two that includes it", async () => {
    const { aud: _aud, ...noAud } = V1;
    expect((await checksOf(noAud))["token-audience"]).toMatchObject({ status: "fail", detail: `aud is missing, expected ${AUDIENCE}` });
    expect((await checksOf({ ...V1, aud: [AUDIENCE, "https://other.example/"] }))["token-audience"]).toMatchObject({
      status: "fail",
      detail: `aud is ${AUDIENCE}, https://other.example/, expected ${AUDIENCE}`,
      cause: expect.stringContaining("differs from k2Api.audience only by the trailing slash") as unknown as string,
    });
    expect((await checksOf({ ...V1, aud: [AUDIENCE] }))["token-audience"]).toMatchObject({ status: "pass", detail: `aud ${AUDIENCE}` });
  });
});

const V2_CAUSE =
  "v2 token: the K2 API app issues v2.0 access tokens (its manifest has accessTokenAcceptedVersion / requestedAccessTokenVersion = 2), " +
  "so aud is its client id and iss the v2 issuer, which K2's v1 Bearer Token resource rejects";
const V2_FIX =
  "set accessTokenAcceptedVersion to null or 1 in the K2 API app's manifest (a self-registered API app) so Entra ID issues v1 tokens; " +
  "the token endpoint used does not decide the version, the resource app does";

describe("validateClaims: a v2 token", () => {
  it("fails aud, iss and ver, each explained as a v2 token", async () => {
    const v2Issuer = `https://login.microsoftonline.com/${TENANT}/v2.0`;
    const c = await checksOf({ ...V1, aud: K2_API, iss: v2Issuer, ver: "2.0" });
    expect(c["token-audience"]).toEqual({ id: "token-audience", title: "aud is the K2 audience", status: "fail", detail: `aud is ${K2_API}, expected ${AUDIENCE}`, cause: V2_CAUSE, fix: V2_FIX });
    expect(c["token-issuer"]).toEqual({ id: "token-issuer", title: "iss is the v1 issuer", status: "fail", detail: `iss is ${v2Issuer}, expected ${ISSUER}`, cause: V2_CAUSE, fix: V2_FIX });
    expect(c["token-version"]).toEqual({ id: "token-version", title: "ver is 1.0", status: "fail", detail: "ver is 2.0", cause: V2_CAUSE, fix: V2_FIX });
  });

  it("a v2 issuer alone (a trailing slash too) is explained as a v2 token, even where the v1 issuer is unknown", async () => {
    const v2Issuer = `https://login.microsoftonline.com/${TENANT}/v2.0/`;
    const c = await checksOf({ ...V1, iss: v2Issuer }, { expectedIssuer: undefined });
    expect(c["token-issuer"]).toEqual({ id: "token-issuer", title: "iss is the v1 issuer", status: "fail", detail: `iss is ${v2Issuer}`, cause: V2_CAUSE, fix: V2_FIX });
  });
});

describe("validateClaims: what looks like a v2 issuer where the v1 issuer is unknown", () => {
  it("ends in /v2.0, with or without the slash; /v2.0 inside the path is no v2 issuer", async () => {
    const v2 = `https://login.microsoftonline.com/${TENANT}/v2.0`;
    expect((await checksOf({ ...V1, iss: v2 }, { expectedIssuer: undefined }))["token-issuer"]).toMatchObject({ status: "fail", detail: `iss is ${v2}`, cause: V2_CAUSE });
    const inside = `https://sts.example/v2.0/${TENANT}/`;
    expect((await checksOf({ ...V1, iss: inside }, { expectedIssuer: undefined }))["token-issuer"]).toMatchObject({ status: "undecided" });
  });
});

describe("validateClaims: issuer, version, tenant", () => {
  it("another tenant's issuer", async () => {
    const other = "https://sts.windows.net/99999999-9999-4999-8999-999999999999/";
    const c = await checksOf({ ...V1, iss: other });
    expect(c["token-issuer"]).toEqual({
      id: "token-issuer",
      title: "iss is the v1 issuer",
      status: "fail",
      detail: `iss is ${other}, expected ${ISSUER}`,
      cause: "the token comes from another tenant or cloud than the stack's",
      fix: "check k2-oauth:tenantId and cloud, and sign in to that tenant",
    });
  });

  it("an unknown v1 issuer host: undecided, naming the cloud and the way out; a missing iss fails", async () => {
    const c = await checksOf(V1, { expectedIssuer: undefined, cloud: "usgov" });
    expect(c["token-issuer"]).toEqual({
      id: "token-issuer",
      title: "iss is the v1 issuer",
      status: "undecided",
      detail: `iss is ${ISSUER}; the expected v1 issuer is unknown for cloud usgov`,
      cause: "the v1 issuer host of the usgov cloud is unconfirmed, so verify cannot decide",
      fix: "pass --issuer-host <host> (or K2_VERIFY_ISSUER_HOST)",
    });
    const { iss: _iss, ...noIss } = V1;
    expect((await checksOf(noIss, { expectedIssuer: undefined }))["token-issuer"]).toMatchObject({ status: "fail", detail: "iss is missing" });
    expect((await checksOf(noIss))["token-issuer"]).toMatchObject({ status: "fail", detail: `iss is missing, expected ${ISSUER}` });
  });

  it("a version other than 1.0, or none", async () => {
    const notV1 = { cause: "the token is not an Entra ID v1 access token", fix: "get the token from the v1 token endpoint of the tenant with resource=<audience>" };
    expect((await checksOf({ ...V1, ver: "1.1" }))["token-version"]).toEqual({ id: "token-version", title: "ver is 1.0", status: "fail", detail: "ver is 1.1", ...notV1 });
    const { ver: _ver, ...noVer } = V1;
    expect((await checksOf(noVer))["token-version"]).toEqual({ id: "token-version", title: "ver is 1.0", status: "fail", detail: "ver is missing", ...notV1 });
  });

  it("another tenant, or none", async () => {
    const other = "99999999-9999-4999-8999-999999999999";
    const why = { cause: "the token was issued by another tenant (a guest sign-in to the wrong directory, or the wrong tenant configured)", fix: "check k2-oauth:tenantId; sign in to that tenant" };
    expect((await checksOf({ ...V1, tid: other }))["token-tenant"]).toEqual({ id: "token-tenant", title: "tid is the stack's tenant", status: "fail", detail: `tid is ${other}, expected ${TENANT}`, ...why });
    const { tid: _tid, ...noTid } = V1;
    expect((await checksOf(noTid))["token-tenant"]).toMatchObject({ status: "fail", detail: `tid is missing, expected ${TENANT}` });
  });
});

describe("validateClaims: the scope", () => {
  const title = "scp has the K2 scope";
  const missing = {
    cause: `missing scope: the client app has no consented delegated permission '${SCOPE}' on K2 API (the permission or its grant is missing)`,
    fix: `run \`pulumi up\`: the app declares the K2 API permission and the tenant-wide grant for '${SCOPE}'; check k2-oauth:k2Api.scope matches the K2 API's scope value`,
  };

  it("other scopes only (a scope that contains the K2 one is not it)", async () => {
    const c = await checksOf({ ...V1, scp: `openid  ${SCOPE}.read` });
    expect(c["token-scope"]).toEqual({ id: "token-scope", title, status: "fail", detail: `scp is openid ${SCOPE}.read, expected it to include ${SCOPE}`, ...missing });
  });

  it("other scopes and roles: a delegated token without the K2 scope, not an app-only one", async () => {
    expect((await checksOf({ ...V1, scp: "openid", roles: ["Workflow.Read"] }))["token-scope"]).toEqual({ id: "token-scope", title, status: "fail", detail: `scp is openid, expected it to include ${SCOPE}`, ...missing });
  });

  it("no scope: missing, or an app-only token with roles", async () => {
    const { scp: _scp, ...noScp } = V1;
    expect((await checksOf(noScp))["token-scope"]).toEqual({ id: "token-scope", title, status: "fail", detail: `scp is missing, expected it to include ${SCOPE}`, ...missing });
    expect((await checksOf({ ...noScp, roles: ["Workflow.Read"] }))["token-scope"]).toEqual({
      id: "token-scope",
      title,
      status: "fail",
      detail: `scp is missing, expected it to include ${SCOPE}`,
      cause: "an app-only token (client credentials: roles, no scp): K2 needs a delegated token for a user",
      fix: "get the token for a user (device code, password or authorization code grant), not with client_credentials",
    });
  });
});

describe("validateClaims: signature and lifetime", () => {
  const sigOk = { id: "token-signature", title: "signature (tenant keys)", status: "pass", detail: "RS256 signature verified with the tenant's keys" };

  it("without keys: both skipped", async () => {
    const c = await checksOf(V1, { keys: undefined });
    expect([c["token-signature"], c["token-lifetime"]]).toEqual([
      { id: "token-signature", title: "signature (tenant keys)", status: "skip", detail: "no signing keys (see the JWKS check)" },
      { id: "token-lifetime", title: "not expired", status: "skip", detail: "signature not checked" },
    ]);
  });

  it("expired one second ago", async () => {
    const c = await checksOf({ ...V1, exp: NOW_S - 1 });
    expect([c["token-signature"], c["token-lifetime"]]).toEqual([
      sigOk,
      {
        id: "token-lifetime",
        title: "not expired",
        status: "fail",
        detail: `expired at ${new Date((NOW_S - 1) * 1000).toISOString()} (now ${NOW.toISOString()})`,
        cause: "expired token: it is past its exp (v1 access tokens live about 60-90 minutes), or this machine's clock is wrong",
        fix: "get a fresh token (drop --token-file, or refresh the file); check the clock",
      },
    ]);
  });

  it("a not-before exactly at the skew allowance passes; one second beyond fails", async () => {
    const within = await checksOf({ ...V1, nbf: NOW_S + NBF_SKEW_S });
    expect(within["token-lifetime"]).toEqual({
      id: "token-lifetime",
      title: "not expired",
      status: "pass",
      detail: `valid until ${exp} (nbf ${NBF_SKEW_S} s ahead of this clock, within the 5-minute skew allowance)`,
    });
    const beyond = await checksOf({ ...V1, nbf: NOW_S + NBF_SKEW_S + 1 });
    expect([beyond["token-signature"], beyond["token-lifetime"]]).toEqual([
      sigOk,
      {
        id: "token-lifetime",
        title: "not expired",
        status: "fail",
        detail: "claim nbf failed: check_failed",
        cause: "the token is not valid yet or has malformed time claims (often a clock set wrong here)",
        fix: "check this machine's clock (and the K2 server's), then get a fresh token",
      },
    ]);
  });

  it("a not-before within the allowance and no exp: valid, said so", async () => {
    const { exp: _exp, ...noExp } = V1;
    expect((await checksOf({ ...noExp, nbf: NOW_S + 10 }))["token-lifetime"]).toMatchObject({
      status: "pass",
      detail: "valid until (no exp) (nbf 10 s ahead of this clock, within the 5-minute skew allowance)",
    });
  });

  it("another time claim that fails (iat not a number) is no clock skew", async () => {
    const c = await checksOf({ ...V1, iat: "yesterday" as unknown as number });
    expect(c["token-lifetime"]).toEqual({
      id: "token-lifetime",
      title: "not expired",
      status: "fail",
      detail: "claim iat failed: invalid",
      cause: "the token is not valid yet or has malformed time claims (often a clock set wrong here)",
      fix: "check this machine's clock (and the K2 server's), then get a fresh token",
    });
  });

  it("an error jose raises for a reason not listed here is not taken for a bad signature", async () => {
    const broken: JSONWebKeySet = { keys: [{ kty: "RSA", kid: "tenant-key", alg: "RS256", n: "AA", e: "AQAB" }] };
    await expect(validateClaims(await sign(V1), input({ keys: broken }))).rejects.toThrow(new TypeError("RS256 requires key modulusLength to be 2048 bits or larger"));
  });

  it("no exp: valid, said so", async () => {
    const { exp: _exp, ...noExp } = V1;
    expect((await checksOf(noExp))["token-lifetime"]).toEqual({ id: "token-lifetime", title: "not expired", status: "pass", detail: "valid until (no exp)" });
  });

  it("a key id not in the tenant's keys", async () => {
    const c = await checksOf(V1, {}, { kid: "other-key" });
    expect([c["token-signature"], c["token-lifetime"]]).toEqual([
      {
        id: "token-signature",
        title: "signature (tenant keys)",
        status: "fail",
        detail: "no key in the tenant's key set matches the token's key id (kid)",
        cause: "the token was signed by another tenant or cloud, or with an app-specific signing key K2 cannot find in the metadata",
        fix: "use a token from this tenant's v1 endpoint for resource=<audience>; check k2-oauth:tenantId and cloud",
      },
      { id: "token-lifetime", title: "not expired", status: "skip", detail: "signature not verified" },
    ]);
  });

  it("signed with another key under the tenant key's id", async () => {
    const c = await checksOf(V1, {}, { key: foreignKey });
    expect([c["token-signature"], c["token-lifetime"]]).toEqual([
      {
        id: "token-signature",
        title: "signature (tenant keys)",
        status: "fail",
        detail: "signature rejected (JWSSignatureVerificationFailed)",
        cause: "the token was altered, or not signed by this tenant's keys (RS256)",
        fix: "get a new token from the tenant's v1 token endpoint; do not edit or re-encode it",
      },
      { id: "token-lifetime", title: "not expired", status: "skip", detail: "signature not verified" },
    ]);
  });

  it("not a JWT at all: one check, no claims", async () => {
    expect(await validateClaims("not-a-jwt", input())).toEqual({
      claims: undefined,
      checks: [
        {
          id: "token-format",
          title: "token is a JWT",
          status: "fail",
          detail: "the token is not a signed JWT (three base64url parts with a JSON payload)",
          cause: "the token file holds something else: an encrypted or opaque token, an id token's wrapper, or text copied incompletely",
          fix: "copy the whole access_token value of a v1 token response for resource https://api.k2.com/, or let verify sign in",
        },
      ],
    });
  });
});
