/**
 * Step 3: the token as K2 will judge it, validated with jose against the tenant's signing keys: signature and
 * lifetime (jose's jwtVerify with verify's clock), then each claim K2 depends on, one check each so that every
 * problem is named: `aud` = the audience, `iss` = the v1 issuer, `ver` = 1.0, `tid` = the tenant, the K2 scope in
 * `scp`. Only claims are ever shown, never the token.
 */
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { fail, pass, skip, undecided, type Check, type Explanation } from "./checks";
import { ENV } from "./options";

/** Tolerated clock skew for a token's not-before time (the .NET default that K2 inherits is 5 minutes). */
export const NBF_SKEW_S = 300;

export interface ClaimsInput {
  keys: JSONWebKeySet | undefined;
  audience: string;
  /** Undefined where the cloud's v1 issuer host is unconfirmed and none was given. */
  expectedIssuer: string | undefined;
  tenantId: string;
  scope: string;
  /** The K2 API app's client id: a v2 token's `aud`. */
  k2ApiClientId: string;
  cloud: string;
  /** The time the token is judged at: read when validating, after the token was obtained. */
  now: Date;
}

/** The claims shown to the user. */
export interface ShownClaims {
  aud?: string | string[];
  iss?: string;
  ver?: string;
  tid?: string;
  scp?: string;
  roles?: string[];
  appid?: string;
  azp?: string;
  upn?: string;
  unique_name?: string;
  oid?: string;
  iat?: string;
  nbf?: string;
  exp?: string;
}

export interface ClaimsResult {
  checks: Check[];
  claims: ShownClaims | undefined;
}

const V2_TOKEN_EXPLANATION: Explanation = {
  cause:
    "v2 token: the K2 API app issues v2.0 access tokens (its manifest has accessTokenAcceptedVersion / requestedAccessTokenVersion = 2), " +
    "so aud is its client id and iss the v2 issuer, which K2's v1 Bearer Token resource rejects",
  fix:
    "set accessTokenAcceptedVersion to null or 1 in the K2 API app's manifest (a self-registered API app) so Entra ID issues v1 tokens; " +
    "the token endpoint used does not decide the version, the resource app does",
};

function time(v: unknown): string | undefined {
  return typeof v === "number" ? new Date(v * 1000).toISOString() : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function shownClaims(p: JWTPayload): ShownClaims {
  const out: ShownClaims = {
    aud: Array.isArray(p.aud) ? p.aud.filter((a): a is string => typeof a === "string") : str(p.aud),
    iss: str(p.iss),
    ver: str(p.ver),
    tid: str(p.tid),
    scp: str(p.scp),
    roles: Array.isArray(p.roles) ? p.roles.filter((r): r is string => typeof r === "string") : undefined,
    appid: str(p.appid),
    azp: str(p.azp),
    upn: str(p.upn),
    unique_name: str(p.unique_name),
    oid: str(p.oid),
    iat: time(p.iat),
    nbf: time(p.nbf),
    exp: time(p.exp),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as ShownClaims;
}

export async function validateClaims(token: string, input: ClaimsInput): Promise<ClaimsResult> {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(token);
  } catch {
    return {
      claims: undefined,
      checks: [
        fail("token-format", "token is a JWT", "the token is not a signed JWT (three base64url parts with a JSON payload)", {
          cause: "the token file holds something else: an encrypted or opaque token, an id token's wrapper, or text copied incompletely",
          fix: "copy the whole access_token value of a v1 token response for resource https://api.k2.com/, or let verify sign in",
        }),
      ],
    };
  }
  const claims = shownClaims(payload);
  const checks: Check[] = [];
  const isV2 = payload.ver === "2.0";

  // Signature and lifetime, by jose.
  checks.push(...(await signatureAndLifetime(token, input)));

  // aud
  const aud = payload.aud;
  const audList = Array.isArray(aud) ? aud : typeof aud === "string" ? [aud] : [];
  if (audList.length === 1 && audList[0] === input.audience) {
    checks.push(pass("token-audience", "aud is the K2 audience", `aud ${input.audience}`));
  } else {
    const shown = audList.length === 0 ? "missing" : audList.join(", ");
    const asClientId = audList.some((a) => a.toLowerCase() === input.k2ApiClientId);
    const slashOnly = audList.some((a) => a.replace(/\/+$/, "") === input.audience.replace(/\/+$/, ""));
    const why: Explanation = isV2
      ? V2_TOKEN_EXPLANATION
      : asClientId
        ? {
            cause: "wrong audience: the token was requested with the K2 API's client id as resource, not its identifier URI",
            fix: `request the token with resource=${input.audience} (the Resource Parameter 'audience' in K2 expects exactly that)`,
          }
        : slashOnly
          ? {
              cause: "wrong audience: aud differs from k2Api.audience only by the trailing slash, and K2 compares them exactly",
              fix: `make k2-oauth:k2Api.audience, K2's 'audience' Resource Parameter and the client's resource identical (${input.audience})`,
            }
          : {
              cause: "wrong audience: the token was issued for another resource (requested with a different resource, or the client calls another API)",
              fix: `request the token with resource=${input.audience}; check k2-oauth:k2Api.audience against K2's 'audience' Resource Parameter`,
            };
    checks.push(fail("token-audience", "aud is the K2 audience", `aud is ${shown}, expected ${input.audience}`, why));
  }

  // iss
  const iss = str(payload.iss);
  // Stryker disable next-line ConditionalExpression: RegExp.test(undefined) reads "undefined", which is no v2 issuer.
  const looksV2Issuer = iss !== undefined && /\/v2\.0\/?$/.test(iss);
  if (input.expectedIssuer !== undefined && iss === input.expectedIssuer) {
    checks.push(pass("token-issuer", "iss is the v1 issuer", `iss ${iss}`));
  } else if (input.expectedIssuer === undefined && !looksV2Issuer && iss !== undefined) {
    checks.push(
      undecided("token-issuer", "iss is the v1 issuer", `iss is ${iss}; the expected v1 issuer is unknown for cloud ${input.cloud}`, {
        cause: `the v1 issuer host of the ${input.cloud} cloud is unconfirmed, so verify cannot decide`,
        fix: `pass --issuer-host <host> (or ${ENV.issuerHost})`,
      }),
    );
  } else {
    checks.push(
      fail("token-issuer", "iss is the v1 issuer", `iss is ${iss ?? "missing"}${input.expectedIssuer === undefined ? "" : `, expected ${input.expectedIssuer}`}`, isV2 || looksV2Issuer
        ? V2_TOKEN_EXPLANATION
        : {
            cause: "the token comes from another tenant or cloud than the stack's",
            fix: "check k2-oauth:tenantId and cloud, and sign in to that tenant",
          }),
    );
  }

  // ver
  if (payload.ver === "1.0") {
    checks.push(pass("token-version", "ver is 1.0", "ver 1.0"));
  } else {
    checks.push(
      fail("token-version", "ver is 1.0", `ver is ${str(payload.ver) ?? "missing"}`, isV2
        ? V2_TOKEN_EXPLANATION
        : { cause: "the token is not an Entra ID v1 access token", fix: "get the token from the v1 token endpoint of the tenant with resource=<audience>" }),
    );
  }

  // tid
  const tid = str(payload.tid)?.toLowerCase();
  if (tid === input.tenantId) {
    checks.push(pass("token-tenant", "tid is the stack's tenant", `tid ${tid}`));
  } else {
    checks.push(
      fail("token-tenant", "tid is the stack's tenant", `tid is ${tid ?? "missing"}, expected ${input.tenantId}`, {
        cause: "the token was issued by another tenant (a guest sign-in to the wrong directory, or the wrong tenant configured)",
        fix: "check k2-oauth:tenantId; sign in to that tenant",
      }),
    );
  }

  // scp
  const scopes = (str(payload.scp) ?? "").split(" ").filter((s) => s !== "");
  if (scopes.includes(input.scope)) {
    checks.push(pass("token-scope", "scp has the K2 scope", `scp ${scopes.join(" ")}`));
  } else {
    const appOnly = scopes.length === 0 && Array.isArray(payload.roles);
    checks.push(
      fail("token-scope", "scp has the K2 scope", `scp is ${scopes.length === 0 ? "missing" : scopes.join(" ")}, expected it to include ${input.scope}`, appOnly
        ? {
            cause: "an app-only token (client credentials: roles, no scp): K2 needs a delegated token for a user",
            fix: "get the token for a user (device code, password or authorization code grant), not with client_credentials",
          }
        : {
            cause: `missing scope: the client app has no consented delegated permission '${input.scope}' on K2 API (the permission or its grant is missing)`,
            fix: `run \`pulumi up\`: the app declares the K2 API permission and the tenant-wide grant for '${input.scope}'; check k2-oauth:k2Api.scope matches the K2 API's scope value`,
          }),
    );
  }
  return { checks, claims };
}

async function signatureAndLifetime(token: string, input: ClaimsInput): Promise<Check[]> {
  const sig = "signature (tenant keys)";
  const life = "not expired";
  if (input.keys === undefined) {
    return [skip("token-signature", sig, "no signing keys (see the JWKS check)"), skip("token-lifetime", life, "signature not checked")];
  }
  const lifetimeOk = (p: JWTPayload): Check => pass("token-lifetime", life, `valid until ${time(p.exp) ?? "(no exp)"}`);
  const sigOk = pass("token-signature", sig, "RS256 signature verified with the tenant's keys");
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(input.keys), { algorithms: ["RS256"], currentDate: input.now });
    return [sigOk, lifetimeOk(payload)];
  } catch (e) {
    // jose checks the signature before the claims: a claim error means the signature was good.
    if (e instanceof errors.JWTExpired) {
      return [
        sigOk,
        // Stryker disable next-line StringLiteral: jose raises JWTExpired only for a numeric exp.
        fail("token-lifetime", life, `expired at ${time(e.payload.exp) ?? "?"} (now ${input.now.toISOString()})`, {
          cause: "expired token: it is past its exp (v1 access tokens live about 60-90 minutes), or this machine's clock is wrong",
          fix: "get a fresh token (drop --token-file, or refresh the file); check the clock",
        }),
      ];
    }
    if (e instanceof errors.JWTClaimValidationFailed && e.claim === "nbf") {
      // Issued "in the future" by a few seconds or minutes: clock skew between Entra ID and this machine, which
      // relying parties such as K2 (.NET, 5 minutes by default) tolerate.
      // Stryker disable next-line ConditionalExpression: a non-numeric nbf gives NaN, which is not within the skew either.
      const ahead = typeof e.payload.nbf === "number" ? e.payload.nbf - Math.floor(input.now.getTime() / 1000) : Infinity;
      if (ahead <= NBF_SKEW_S) {
        return [sigOk, pass("token-lifetime", life, `valid until ${time(e.payload.exp) ?? "(no exp)"} (nbf ${ahead} s ahead of this clock, within the ${NBF_SKEW_S / 60}-minute skew allowance)`)];
      }
    }
    if (e instanceof errors.JWTClaimValidationFailed) {
      return [
        sigOk,
        fail("token-lifetime", life, `claim ${e.claim} failed: ${e.reason}`, {
          cause: "the token is not valid yet or has malformed time claims (often a clock set wrong here)",
          fix: "check this machine's clock (and the K2 server's), then get a fresh token",
        }),
      ];
    }
    if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) {
      return [
        fail("token-signature", sig, "no key in the tenant's key set matches the token's key id (kid)", {
          cause: "the token was signed by another tenant or cloud, or with an app-specific signing key K2 cannot find in the metadata",
          fix: "use a token from this tenant's v1 endpoint for resource=<audience>; check k2-oauth:tenantId and cloud",
        }),
        skip("token-lifetime", life, "signature not verified"),
      ];
    }
    if (e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) {
      return [
        fail("token-signature", sig, `signature rejected (${(e as Error).name})`, {
          cause: "the token was altered, or not signed by this tenant's keys (RS256)",
          fix: "get a new token from the tenant's v1 token endpoint; do not edit or re-encode it",
        }),
        skip("token-lifetime", life, "signature not verified"),
      ];
    }
    throw e;
  }
}
