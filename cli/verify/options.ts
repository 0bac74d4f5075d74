/**
 * Command line and environment of `npm run verify`. Usage problems throw UsageError (exit code 2).
 * Credentials come only from environment variables, never from flags (flags end up in shell history and CI logs).
 */
import { defineCommand, parseCommandLine, UsageError } from "../args";

export { UsageError } from "../args";

export const ENV = {
  username: "K2_VERIFY_USERNAME",
  password: "K2_VERIFY_PASSWORD",
  clientSecret: "K2_VERIFY_CLIENT_SECRET",
  clientId: "K2_VERIFY_CLIENT_ID",
  loginHost: "K2_VERIFY_LOGIN_HOST",
  issuerHost: "K2_VERIFY_ISSUER_HOST",
  k2Url: "K2_VERIFY_K2_URL",
  metadataUrl: "K2_VERIFY_METADATA_URL",
} as const;

export const VERIFY_COMMAND = defineCommand({
  script: "verify",
  description: [
    "Live end-to-end check of a stack's inbound OAuth: Entra ID v1 metadata and keys, the client's reply URLs,",
    "a real v1 token for the K2 audience and its claims, a K2 Workflow REST API call, client-secret expiry.",
  ].join("\n"),
  options: [
    { name: "stack", value: "<name>", required: true, help: "stack whose stacks/Pulumi.<name>.yaml to verify" },
    { name: "client", value: "<name>", help: "client from k2-oauth:clients to sign in with (default: the first one)" },
    { name: "format", value: "<format>", choices: ["text", "json"], help: "output format (default text)" },
    { name: "outputs", value: "<file>", help: "`pulumi stack output --json` of the stack: client ids and secret end dates" },
    {
      name: "auth",
      value: "<mode>",
      choices: ["device-code", "password"],
      inSynopsis: false,
      help: `how to get a token (default: password when ${ENV.username} is set, else device-code)`,
    },
    { name: "token-file", value: "<file>", inSynopsis: false, help: "use this access token instead of signing in (raw JWT, or JSON with access_token)" },
    { name: "client-id", value: "<guid>", inSynopsis: false, help: `client id of the client app (default: from --outputs, or ${ENV.clientId})` },
    { name: "odata", inSynopsis: false, help: "also call the SmartObject OData v4 service document" },
    { name: "skip-reply-urls", inSynopsis: false, help: "do not probe the client's reply URLs at the authorize endpoint" },
    {
      name: "login-host",
      value: "<host>",
      inSynopsis: false,
      help: `Entra login host instead of the cloud's (or ${ENV.loginHost}); http only for 127.0.0.1/localhost`,
    },
    { name: "issuer-host", value: "<host>", inSynopsis: false, help: `v1 token issuer host (or ${ENV.issuerHost}); needed for cloud usgov` },
    { name: "k2-url", value: "<url>", inSynopsis: false, help: `K2 base URL instead of k2-oauth:k2.url (or ${ENV.k2Url})` },
    {
      name: "metadata-url",
      value: "<url>",
      inSynopsis: false,
      help: `the Metadata Endpoint as entered in K2, if it differs from the v1 one (or ${ENV.metadataUrl})`,
    },
    { name: "root", value: "<dir>", inSynopsis: false, help: "project directory holding stacks/ (default: the current directory)" },
    { name: "timeout-ms", value: "<n>", inSynopsis: false, help: "per-request timeout in milliseconds (default 15000)" },
  ],
  notes: [
    `Environment (CI, password grant): ${ENV.username}, ${ENV.password} (a K2 service account without MFA),`,
    `${ENV.clientSecret} (the client app's secret value; confidential clients).`,
    "K2_ADMIN_PASSWORD (K2 Five with k2-oauth:outbound): the K2 admin password, to read each outbound K2 OAuth resource.",
  ].join("\n"),
  exitCodes: [
    [0, "every check passed (warnings allowed)"],
    [1, "a check failed, or verify could not finish"],
    [2, "usage or configuration error"],
  ],
  positionalHint: "name the stack with --stack <name>",
});

export type AuthMode = "device-code" | "password" | "token-file";
export type OutputFormat = "text" | "json";

export interface VerifyOptions {
  help: boolean;
  stack: string;
  client: string | undefined;
  format: OutputFormat;
  outputsFile: string | undefined;
  auth: AuthMode;
  tokenFile: string | undefined;
  clientId: string | undefined;
  odata: boolean;
  skipReplyUrls: boolean;
  /** host[:port], scheme removed. */
  loginHost: string | undefined;
  issuerHost: string | undefined;
  k2Url: string | undefined;
  metadataUrl: string | undefined;
  root: string | undefined;
  timeoutMs: number | undefined;
  /** From the environment; never printed. */
  credentials: { username?: string; password?: string; clientSecret?: string };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** `http://127.0.0.1:8080/` or `127.0.0.1:8080` → `127.0.0.1:8080`; http only for loopback. */
export function normaliseLoginHost(input: string): string {
  const m = /^(?:(https?):\/\/)?([^/\s?#]+)\/?$/i.exec(input.trim());
  if (m === null) throw new UsageError(`--login-host: expected a host name like login.microsoftonline.com (optionally http://127.0.0.1:PORT for tests), got '${input}'`);
  const scheme = m[1]?.toLowerCase();
  const host = m[2].toLowerCase();
  const loopback = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host);
  if (scheme === "http" && !loopback) throw new UsageError(`--login-host: http is allowed only for 127.0.0.1 or localhost, got '${input}'`);
  if (scheme === "https" && loopback) throw new UsageError(`--login-host: use http for 127.0.0.1 or localhost, got '${input}'`);
  return host;
}

function httpUrl(flag: string, input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UsageError(`${flag}: expected an absolute URL, got '${input}'`);
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new UsageError(`${flag}: expected an https URL (http only for 127.0.0.1 or localhost), got '${input}'`);
  }
  if (url.username !== "" || url.password !== "") throw new UsageError(`${flag}: expected a URL without user name or password`);
  return input.replace(/\/+$/, "");
}

/** Reads the command line and the environment; throws UsageError. */
export function parseOptions(args: readonly string[], env: Readonly<Record<string, string | undefined>>): VerifyOptions {
  const line = parseCommandLine(VERIFY_COMMAND, args);
  if (line.kind === "help") return { ...emptyOptions(), help: true };
  const v = line.values;
  const stack = v.stack;
  const format: OutputFormat = v.format === "json" ? "json" : "text";

  const credentials = {
    username: nonEmpty(env[ENV.username]),
    password: env[ENV.password] === "" ? undefined : env[ENV.password],
    clientSecret: env[ENV.clientSecret] === "" ? undefined : env[ENV.clientSecret],
  };

  const tokenFile = nonEmpty(v["token-file"]);
  let auth: AuthMode;
  if (v.auth !== undefined) {
    if (v.auth !== "device-code" && v.auth !== "password") throw new UsageError(`--auth: expected 'device-code' or 'password', got '${v.auth}'`);
    if (tokenFile !== undefined) throw new UsageError(`--auth and --token-file exclude each other: --token-file already supplies the token`);
    auth = v.auth;
  } else if (tokenFile !== undefined) {
    auth = "token-file";
  } else {
    auth = credentials.username !== undefined ? "password" : "device-code";
  }
  if (auth === "password") {
    if (credentials.username === undefined) throw new UsageError(`--auth password needs the service account's user name in ${ENV.username}`);
    if (credentials.password === undefined) throw new UsageError(`--auth password needs the service account's password in ${ENV.password}`);
  }

  const clientId = nonEmpty(v["client-id"]) ?? nonEmpty(env[ENV.clientId]);
  if (clientId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)) {
    throw new UsageError(`--client-id / ${ENV.clientId}: expected the client app's application (client) id as a GUID`);
  }

  const loginHostRaw = nonEmpty(v["login-host"]) ?? nonEmpty(env[ENV.loginHost]);
  const issuerHostRaw = nonEmpty(v["issuer-host"]) ?? nonEmpty(env[ENV.issuerHost]);
  if (issuerHostRaw !== undefined && !/^[a-z0-9.-]+$/i.test(issuerHostRaw)) {
    throw new UsageError(`--issuer-host / ${ENV.issuerHost}: expected a bare host name like sts.windows.net, got '${issuerHostRaw}'`);
  }
  const k2UrlRaw = nonEmpty(v["k2-url"]) ?? nonEmpty(env[ENV.k2Url]);
  const metadataRaw = nonEmpty(v["metadata-url"]) ?? nonEmpty(env[ENV.metadataUrl]);

  let timeoutMs: number | undefined;
  if (v["timeout-ms"] !== undefined) {
    timeoutMs = Number(v["timeout-ms"]);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
      throw new UsageError(`--timeout-ms: expected a whole number of milliseconds between 1 and 600000, got '${v["timeout-ms"]}'`);
    }
  }

  return {
    help: false,
    stack,
    client: nonEmpty(v.client),
    format,
    outputsFile: nonEmpty(v.outputs),
    auth,
    tokenFile,
    clientId: clientId?.toLowerCase(),
    odata: v.odata,
    skipReplyUrls: v["skip-reply-urls"],
    loginHost: loginHostRaw === undefined ? undefined : normaliseLoginHost(loginHostRaw),
    issuerHost: issuerHostRaw?.toLowerCase(),
    k2Url: k2UrlRaw === undefined ? undefined : httpUrl("--k2-url", k2UrlRaw),
    metadataUrl: metadataRaw === undefined ? undefined : httpUrl("--metadata-url", metadataRaw),
    root: nonEmpty(v.root),
    timeoutMs,
    credentials,
  };
}

function emptyOptions(): VerifyOptions {
  return {
    help: false,
    stack: "",
    client: undefined,
    format: "text",
    outputsFile: undefined,
    auth: "device-code",
    tokenFile: undefined,
    clientId: undefined,
    odata: false,
    skipReplyUrls: false,
    loginHost: undefined,
    issuerHost: undefined,
    k2Url: undefined,
    metadataUrl: undefined,
    root: undefined,
    timeoutMs: undefined,
    credentials: {},
  };
}
