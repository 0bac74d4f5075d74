/**
 * A Microsoft Entra ID (Azure AD) double on 127.0.0.1 (random port) for `verify` and K2 doubles: v1 and v2 OpenID
 * discovery documents, JWKS, the v1 authorize (reply URL validation only), device-code and token endpoints. Tokens
 * are RS256 JWTs signed with keys generated at start (jose generateKeyPair). Errors use Entra's OAuth error format
 * `{ error, error_description: "AADSTSnnnn: ...", error_codes: [n], timestamp, trace_id, correlation_id, error_uri }`.
 *
 * Switches: `tokenStyle` (v1, v2, wrong-aud, no-scope, expired, bad-signature), `metadataStyle` (v1 document or a v2
 * document served at the v1 path), `forceTokenError(code)`, a device-code script, and per-route faults
 * (HTTP status, connection reset, hang).
 *
 * Wire formats follow Microsoft's v1 protocol documentation and ADAL's use of it; every guess is marked ASSUMPTION.
 */
import { closeServer, serveOnLoopback } from "./loopback";
import * as http from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";

export interface EntraApp {
  clientId: string;
  displayName?: string;
  /** Client secrets; an app with any is confidential. */
  secrets?: Array<{ value: string; expires: Date }>;
  redirectUris?: string[];
  /** Delegated permission grant state for the K2 API scope. Default granted. */
  consent?: "granted" | "none" | "admin-required";
  /** "Allow public client flows": ROPC and device code without a secret. */
  publicClient?: boolean;
}

export interface EntraUser {
  username: string;
  password: string;
  oid?: string;
  name?: string;
}

export interface EntraResource {
  /** Application ID URI, e.g. https://api.k2.com/ (what v1 `resource=` names and v1 `aud` carries). */
  audience: string;
  /** The resource app's client id (a v2 token's `aud`). */
  clientId: string;
  /** Delegated scope values granted by consent. */
  scopes: string[];
}

export interface EntraDoubleOptions {
  tenantId: string;
  apps?: EntraApp[];
  users?: EntraUser[];
  resources?: EntraResource[];
  /** Clock for issued tokens and secret expiry. Default: the system clock. */
  now?: () => Date;
  /** Signing keys to use instead of generating them at start (lets a test process reuse one pair: RSA keygen is slow). */
  keys?: EntraSigningKeys;
}

export interface EntraSigningKeys {
  /** The tenant's key pair: published in the JWKS, signs tokens. */
  tenant: { privateKey: CryptoKey; publicKey: CryptoKey };
  /** A key pair not in the JWKS, for the bad-signature style. */
  foreign: { privateKey: CryptoKey };
}

/** Generates a fresh set of signing keys (RS256). */
export async function generateSigningKeys(): Promise<EntraSigningKeys> {
  const [tenant, foreign] = await Promise.all([generateKeyPair("RS256"), generateKeyPair("RS256")]);
  return { tenant, foreign };
}

export type TokenStyle = "v1" | "v2" | "wrong-aud" | "no-scope" | "expired" | "bad-signature";
export type Route = "metadata" | "metadata-v2" | "keys" | "authorize" | "devicecode" | "token";
export type Fault = { status: number } | "reset" | "hang";
export type DeviceStep = "authorization_pending" | "slow_down" | "expired_token" | "authorization_declined";

export interface RecordedRequest {
  method: string;
  route: Route | "unknown";
  path: string;
  /** Form fields with credentials removed (only names are kept for those). */
  form: Record<string, string>;
}

interface EntraErrorSpec {
  error: string;
  status: number;
  message: string;
}

/**
 * Entra's error texts (abridged from Microsoft's error reference). `{x}` placeholders are filled per request.
 * ASSUMPTION: the OAuth `error` value and HTTP status per code are as observed in Entra responses
 * (invalid_client → 401, others → 400).
 */
const ERRORS: Record<number, EntraErrorSpec> = {
  90094: { error: "invalid_grant", status: 400, message: "The grant requires admin permission." },
  65001: {
    error: "invalid_grant",
    status: 400,
    message: "The user or administrator has not consented to use the application with ID '{app}' named '{name}'. Send an interactive authorization request for this user and resource.",
  },
  50011: {
    error: "invalid_request",
    status: 400,
    message: "The redirect URI '{redirect}' specified in the request does not match the redirect URIs configured for the application '{app}'.",
  },
  700016: {
    error: "unauthorized_client",
    status: 400,
    message: "Application with identifier '{app}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  },
  7000215: {
    error: "invalid_client",
    status: 401,
    message: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{app}'.",
  },
  7000222: {
    error: "invalid_client",
    status: 401,
    message: "The provided client secret keys for app '{app}' are expired. Visit the Azure portal to create new keys for your app or consider using certificate credentials for added security.",
  },
  7000218: {
    error: "invalid_client",
    status: 401,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  },
  500011: {
    error: "invalid_resource",
    status: 400,
    message: "The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.",
  },
  50126: { error: "invalid_grant", status: 400, message: "Error validating credentials due to invalid username or password." },
  50034: { error: "invalid_grant", status: 400, message: "The user account does not exist in the {tenant} directory." },
  50076: {
    error: "invalid_grant",
    status: 400,
    message: "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{resource}'.",
  },
  90002: { error: "invalid_request", status: 400, message: "Tenant '{tenant}' not found." },
  // Device flow. ASSUMPTION: codes 70016 (pending) and 70019 (expired) as documented; slow_down and declined carry no
  // documented code, so none is sent for them.
  70016: { error: "authorization_pending", status: 400, message: "OAuth 2.0 device flow error. Authorization is pending. Continue polling." },
  70019: { error: "expired_token", status: 400, message: "Verification code expired." },
};

const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ23456789";

export class EntraDouble {
  readonly tenantId: string;
  /** `http://127.0.0.1:<port>` */
  url = "";
  /** `127.0.0.1:<port>`: what `--login-host` takes. */
  host = "";

  tokenStyle: TokenStyle = "v1";
  /** "v2" serves the v2 document at the v1 metadata path (a misrouted or wrongly configured metadata URL). */
  metadataStyle: "v1" | "v2" = "v1";
  /** The `aud` of tokens in the wrong-aud style. */
  wrongAudience = "https://graph.windows.net/";
  /** Token lifetime in seconds. */
  tokenLifetimeS = 3600;
  /** Device code `interval` and `expires_in` it announces (seconds). */
  deviceInterval = 5;
  deviceExpiresIn = 900;
  /** What successive device-code polls answer before success (consumed one per poll). */
  deviceScript: DeviceStep[] = [];
  /** The user a device-code sign-in completes as. */
  deviceUser: string | undefined;

  /** Every access token issued, so tests can assert none leaks. */
  readonly issuedTokens: string[] = [];
  /** Every credential-like value handed out: access and refresh tokens, device codes. */
  readonly issuedSecrets: string[] = [];
  readonly requests: RecordedRequest[] = [];

  private readonly apps = new Map<string, EntraApp>();
  private readonly users = new Map<string, EntraUser>();
  private readonly resources: EntraResource[];
  private readonly now: () => Date;
  private readonly givenKeys: EntraSigningKeys | undefined;
  private readonly faults = new Map<Route, Fault[]>();
  private readonly stickyFaults = new Map<Route, Fault>();
  private readonly deviceCodes = new Map<string, { clientId: string; resource: string; script: DeviceStep[] }>();
  private forcedTokenError: number | undefined;
  private server: http.Server | undefined;
  private signingKey: CryptoKey | undefined;
  private foreignKey: CryptoKey | undefined;
  private kid = "";
  private jwks: { keys: JWK[] } = { keys: [] };

  private constructor(options: EntraDoubleOptions) {
    this.tenantId = options.tenantId.toLowerCase();
    for (const a of options.apps ?? []) this.addApp(a);
    for (const u of options.users ?? []) this.users.set(u.username.toLowerCase(), u);
    this.resources = options.resources ?? [];
    this.now = options.now ?? (() => new Date());
    this.givenKeys = options.keys;
  }

  static async start(options: EntraDoubleOptions): Promise<EntraDouble> {
    const d = new EntraDouble(options);
    await d.listen();
    return d;
  }

  private async listen(): Promise<void> {
    const keys = this.givenKeys ?? (await generateSigningKeys());
    const { privateKey, publicKey } = keys.tenant;
    this.signingKey = privateKey;
    this.foreignKey = keys.foreign.privateKey;
    this.kid = randomBytes(12).toString("base64url");
    // ASSUMPTION: Entra's JWKS entries carry kty, use "sig", kid, x5t, n, e (x5c omitted here).
    this.jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: this.kid, x5t: this.kid, use: "sig" }] };
    const { server, host } = await serveOnLoopback((req, res) => this.handle(req, res));
    this.server = server;
    this.host = host;
    this.url = `http://${this.host}`;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  addApp(app: EntraApp): void {
    this.apps.set(app.clientId.toLowerCase(), app);
  }

  app(clientId: string): EntraApp | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  /** Every token request fails with this AADSTS code until cleared (undefined). */
  forceTokenError(code: number | undefined): void {
    this.forcedTokenError = code;
  }

  /** The next requests to `route` get these faults, one each, in order. */
  injectFaults(route: Route, ...faults: Fault[]): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...faults]);
  }

  /** Every request to `route` gets this fault until cleared (undefined). */
  setStickyFault(route: Route, fault: Fault | undefined): void {
    if (fault === undefined) this.stickyFaults.delete(route);
    else this.stickyFaults.set(route, fault);
  }

  /** The v1 issuer its v1 tokens carry. ASSUMPTION: the double stands for the public cloud, so sts.windows.net. */
  get v1Issuer(): string {
    return `https://sts.windows.net/${this.tenantId}/`;
  }

  /** ASSUMPTION: the v2 issuer names the public login host, as real v2 documents do, not the double's address. */
  get v2Issuer(): string {
    return `https://login.microsoftonline.com/${this.tenantId}/v2.0`;
  }

  get metadataUrl(): string {
    return `${this.url}/${this.tenantId}/.well-known/openid-configuration`;
  }

  get v2MetadataUrl(): string {
    return `${this.url}/${this.tenantId}/v2.0/.well-known/openid-configuration`;
  }

  get jwksUri(): string {
    return `${this.url}/common/discovery/keys`;
  }

  // -------------------------------------------------------------------------------------------------------------

  private route(method: string, path: string): { route: Route | "unknown"; tenant: string | undefined } {
    const segs = path.split("/").filter((s) => s !== "");
    const tail = segs.slice(1).join("/");
    const tenant = segs[0];
    if (method === "GET" && (path === "/common/discovery/keys" || path === "/discovery/v2.0/keys" || tail === "discovery/keys" || tail === "discovery/v2.0/keys")) {
      return { route: "keys", tenant: undefined };
    }
    if (method === "GET" && tail === ".well-known/openid-configuration") return { route: "metadata", tenant };
    if (method === "GET" && tail === "v2.0/.well-known/openid-configuration") return { route: "metadata-v2", tenant };
    if (method === "GET" && tail === "oauth2/authorize") return { route: "authorize", tenant };
    if (method === "POST" && tail === "oauth2/devicecode") return { route: "devicecode", tenant };
    if (method === "POST" && tail === "oauth2/token") return { route: "token", tenant };
    return { route: "unknown", tenant };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    const { route, tenant } = this.route(method, url.pathname);
    const body = method === "POST" ? await readBody(req) : "";
    const form = Object.fromEntries(new URLSearchParams(body));
    const shownForm = Object.fromEntries(
      Object.entries(form).map(([k, v]) => [k, ["password", "client_secret", "code", "refresh_token"].includes(k) ? "(set)" : v]),
    );
    this.requests.push({ method, route, path: url.pathname, form: shownForm });

    if (route !== "unknown") {
      const fault = this.faults.get(route)?.shift() ?? this.stickyFaults.get(route);
      if (fault === "reset") {
        req.socket.destroy();
        return;
      }
      if (fault === "hang") return; // never answers; close() ends the connection
      if (fault !== undefined) {
        sendJson(res, fault.status, { error: "temporarily_unavailable", error_description: `simulated HTTP ${fault.status}` });
        return;
      }
    }

    if (route === "keys") return sendJson(res, 200, this.jwks);
    if (route === "unknown") return sendJson(res, 404, { error: "not_found" });
    if (tenant?.toLowerCase() !== this.tenantId) {
      return this.sendError(res, 90002, { tenant: tenant ?? "" });
    }
    switch (route) {
      case "metadata":
        return sendJson(res, 200, this.metadataStyle === "v2" ? this.v2Document() : this.v1Document());
      case "metadata-v2":
        return sendJson(res, 200, this.v2Document());
      case "authorize":
        return this.authorize(url, res);
      case "devicecode":
        return this.deviceCode(form, res);
      case "token":
        return this.token(form, res);
    }
  }

  private v1Document(): Record<string, unknown> {
    const base = `${this.url}/${this.tenantId}`;
    // Shape of the v1 document at login.microsoftonline.com/<tenant>/.well-known/openid-configuration (abridged).
    return {
      token_endpoint: `${base}/oauth2/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: this.jwksUri,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
      scopes_supported: ["openid"],
      issuer: this.v1Issuer,
      microsoft_multi_refresh_token: true,
      authorization_endpoint: `${base}/oauth2/authorize`,
      device_authorization_endpoint: `${base}/oauth2/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/logout`,
      claims_supported: ["sub", "iss", "cloud_instance_name", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce", "email", "given_name", "family_name", "nickname"],
      cloud_instance_name: "microsoftonline.com",
    };
  }

  private v2Document(): Record<string, unknown> {
    const base = `${this.url}/${this.tenantId}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: this.v2Issuer,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      cloud_instance_name: "microsoftonline.com",
    };
  }

  private errorBody(code: number, vars: Record<string, string>): { status: number; body: Record<string, unknown> } {
    const spec = ERRORS[code] ?? { error: "invalid_request", status: 400, message: "Simulated error." };
    const message = spec.message.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = this.now().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
    return {
      status: spec.status,
      body: {
        error: spec.error,
        error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${this.url}/error?code=${code}`,
      },
    };
  }

  private sendError(res: http.ServerResponse, code: number, vars: Record<string, string> = {}, bodyOverride?: Partial<Record<string, unknown>>): void {
    const { status, body } = this.errorBody(code, { tenant: this.tenantId, ...vars });
    sendJson(res, status, { ...body, ...bodyOverride });
  }

  /**
   * Reply URL validation only. ASSUMPTION: like Entra, an unknown client or an unregistered redirect_uri gets an
   * HTML error page carrying the AADSTS code (HTTP 400 here) instead of a redirect; a valid pair with prompt=none
   * and no session redirects back with error=login_required (AADSTS50058).
   */
  private authorize(url: URL, res: http.ServerResponse): void {
    const clientId = url.searchParams.get("client_id") ?? "";
    const redirect = url.searchParams.get("redirect_uri") ?? "";
    const app = this.app(clientId);
    const page = (code: number, vars: Record<string, string>) => {
      const { body } = this.errorBody(code, { tenant: this.tenantId, ...vars });
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      res.end(`<html><body><div id="error">Sign in<br/>Sorry, but we're having trouble signing you in.<br/>${escapeHtml(String(body.error_description))}</div></body></html>`);
    };
    if (app === undefined) return page(700016, { app: clientId });
    if (!(app.redirectUris ?? []).includes(redirect)) return page(50011, { app: clientId, redirect });
    const back = new URL(redirect);
    back.searchParams.set("error", "login_required");
    back.searchParams.set("error_description", "AADSTS50058: A silent sign-in request was sent but no user is signed in.");
    const state = url.searchParams.get("state");
    if (state !== null) back.searchParams.set("state", state);
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  /** Client checks shared by both grants; returns the AADSTS code to fail with, or undefined. */
  private clientProblem(app: EntraApp | undefined, form: Record<string, string>): { code: number; vars: Record<string, string> } | undefined {
    const clientId = form.client_id ?? "";
    if (app === undefined) return { code: 700016, vars: { app: clientId } };
    const resource = this.resources.find((r) => r.audience === form.resource || r.clientId === form.resource);
    if (resource === undefined) return { code: 500011, vars: { resource: form.resource ?? "" } };
    const secrets = app.secrets ?? [];
    const confidential = secrets.length > 0;
    const given = form.client_secret;
    if (given !== undefined) {
      const match = secrets.find((s) => s.value === given);
      if (match === undefined) return { code: 7000215, vars: { app: clientId } };
      if (match.expires.getTime() <= this.now().getTime()) return { code: 7000222, vars: { app: clientId } };
    } else if (confidential && app.publicClient !== true) {
      return { code: 7000218, vars: { app: clientId } };
    }
    return undefined;
  }

  private consentProblem(app: EntraApp): { code: number; vars: Record<string, string> } | undefined {
    const vars = { app: app.clientId, name: app.displayName ?? app.clientId };
    if (app.consent === "none") return { code: 65001, vars };
    if (app.consent === "admin-required") return { code: 90094, vars };
    return undefined;
  }

  /** v1 device code request. ASSUMPTION: v1 answers numbers as strings and names the URL `verification_url`. */
  private deviceCode(form: Record<string, string>, res: http.ServerResponse): void {
    const app = this.app(form.client_id ?? "");
    if (app === undefined) return this.sendError(res, 700016, { app: form.client_id ?? "" });
    if (!this.resources.some((r) => r.audience === form.resource || r.clientId === form.resource)) {
      return this.sendError(res, 500011, { resource: form.resource ?? "" });
    }
    const deviceCode = randomBytes(48).toString("base64url");
    this.issuedSecrets.push(deviceCode);
    const userCode = Array.from(randomBytes(9), (b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]).join("");
    this.deviceCodes.set(deviceCode, { clientId: app.clientId, resource: form.resource ?? "", script: [...this.deviceScript] });
    const verificationUrl = "https://microsoft.com/devicelogin";
    sendJson(res, 200, {
      user_code: userCode,
      device_code: deviceCode,
      verification_url: verificationUrl,
      expires_in: String(this.deviceExpiresIn),
      interval: String(this.deviceInterval),
      message: `To sign in, use a web browser to open the page ${verificationUrl} and enter the code ${userCode} to authenticate.`,
    });
  }

  private async token(form: Record<string, string>, res: http.ServerResponse): Promise<void> {
    const grant = form.grant_type;
    if (this.forcedTokenError !== undefined) {
      return this.sendError(res, this.forcedTokenError, { app: form.client_id ?? "", resource: form.resource ?? "", name: "app" });
    }
    let username: string;
    if (grant === "password") {
      const app = this.app(form.client_id ?? "");
      const problem = this.clientProblem(app, form);
      if (problem !== undefined) return this.sendError(res, problem.code, problem.vars);
      const user = this.users.get((form.username ?? "").toLowerCase());
      if (user === undefined) return this.sendError(res, 50034);
      if (user.password !== form.password) return this.sendError(res, 50126);
      const consent = this.consentProblem(app as EntraApp);
      if (consent !== undefined) return this.sendError(res, consent.code, consent.vars);
      username = user.username;
    } else if (grant === "device_code") {
      // ASSUMPTION (ADAL v1): grant_type=device_code with the device code in `code`.
      const session = this.deviceCodes.get(form.code ?? "");
      if (session === undefined) return sendJson(res, 400, { error: "bad_verification_code", error_description: "AADSTS70000: The provided value for the 'code' parameter is not valid." });
      const app = this.app(form.client_id ?? "");
      const problem = this.clientProblem(app, form);
      if (problem !== undefined) return this.sendError(res, problem.code, problem.vars);
      const step = session.script.shift();
      if (step === "authorization_pending") return this.sendError(res, 70016);
      if (step === "expired_token") return this.sendError(res, 70019);
      if (step === "slow_down") return sendJson(res, 400, { error: "slow_down", error_description: "Polling too frequently; slow down." });
      if (step === "authorization_declined") return sendJson(res, 400, { error: "authorization_declined", error_description: "The end user declined the authorization request." });
      const consent = this.consentProblem(app as EntraApp);
      if (consent !== undefined) return this.sendError(res, consent.code, consent.vars);
      this.deviceCodes.delete(form.code ?? "");
      username = this.deviceUser ?? [...this.users.values()][0]?.username ?? "user@example.com";
    } else {
      return sendJson(res, 400, { error: "unsupported_grant_type", error_description: `AADSTS70003: The app requested an unsupported grant type '${grant ?? ""}'.`, error_codes: [70003] });
    }
    const resource = this.resources.find((r) => r.audience === form.resource || r.clientId === form.resource) as EntraResource;
    const app = this.app(form.client_id ?? "") as EntraApp;
    const accessToken = await this.issue(app, resource, username);
    const nowS = Math.floor(this.now().getTime() / 1000);
    const refreshToken = randomBytes(64).toString("base64url");
    this.issuedSecrets.push(refreshToken);
    // ASSUMPTION: v1 token responses carry numbers as strings and include a refresh token.
    sendJson(res, 200, {
      token_type: "Bearer",
      scope: resource.scopes.join(" "),
      expires_in: String(this.tokenLifetimeS),
      ext_expires_in: String(this.tokenLifetimeS),
      expires_on: String(nowS + this.tokenLifetimeS),
      not_before: String(nowS),
      resource: form.resource,
      access_token: accessToken,
      refresh_token: refreshToken,
    });
  }

  /** Signs an access token in the current tokenStyle. */
  async issue(app: EntraApp, resource: EntraResource, username: string): Promise<string> {
    const nowS = Math.floor(this.now().getTime() / 1000);
    const user = this.users.get(username.toLowerCase());
    const oid = user?.oid ?? "99999999-8888-7777-6666-555555555555";
    const style = this.tokenStyle;
    const times = style === "expired" ? { iat: nowS - 7200, nbf: nowS - 7200, exp: nowS - 3600 } : { iat: nowS, nbf: nowS, exp: nowS + this.tokenLifetimeS };
    const scp = resource.scopes.join(" ");
    let claims: Record<string, unknown>;
    if (style === "v2") {
      claims = {
        aud: resource.clientId,
        iss: this.v2Issuer,
        ...times,
        azp: app.clientId,
        azpacr: (app.secrets ?? []).length > 0 ? "1" : "0",
        name: user?.name ?? username,
        oid,
        preferred_username: username,
        scp,
        sub: randomBytes(16).toString("base64url"),
        tid: this.tenantId,
        uti: randomBytes(16).toString("base64url"),
        ver: "2.0",
      };
    } else {
      claims = {
        aud: style === "wrong-aud" ? this.wrongAudience : resource.audience,
        iss: this.v1Issuer,
        ...times,
        acr: "1",
        amr: ["pwd"],
        appid: app.clientId,
        appidacr: (app.secrets ?? []).length > 0 ? "1" : "0",
        name: user?.name ?? username,
        oid,
        ...(style === "no-scope" ? {} : { scp }),
        sub: randomBytes(16).toString("base64url"),
        tid: this.tenantId,
        unique_name: username,
        upn: username,
        uti: randomBytes(16).toString("base64url"),
        ver: "1.0",
      };
    }
    const key = style === "bad-signature" ? this.foreignKey : this.signingKey;
    const token = await new SignJWT(claims).setProtectedHeader({ typ: "JWT", alg: "RS256", kid: this.kid, x5t: this.kid }).sign(key as CryptoKey);
    this.issuedTokens.push(token);
    this.issuedSecrets.push(token);
    return token;
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}
