/**
 * Command line and environment of `npm run adopt`. Usage problems throw UsageError (exit code 2). Credentials come
 * only from environment variables or a token file, never from flags (flags end up in shell history and CI logs).
 */
import { defineCommand, parseCommandLine, UsageError } from "../args";
import { normaliseLoginHost } from "../verify/options";
import { CLOUDS, isGuid, type Cloud } from "../../components/entra";
import { serviceUrlProblem } from "../../components/k2/bearerTokenChecks";

export { UsageError } from "../args";

export const ADOPT_ENV = {
  username: "K2_ADOPT_USERNAME",
  password: "K2_ADOPT_PASSWORD",
  clientId: "K2_ADOPT_CLIENT_ID",
  clientSecret: "K2_ADOPT_CLIENT_SECRET",
  /** The K2 admin password for --k2 (the same variable `npm run discover` reads). */
  k2AdminPassword: "K2_ADMIN_PASSWORD",
} as const;

export const ADOPT_COMMAND = defineCommand({
  script: "adopt",
  description: [
    "Takes over an inbound OAuth setup clicked together by hand (K2 KB002784): reads the tenant through Microsoft Graph",
    "(GET requests only, read-only permissions), writes one client per app registration that requests the K2 API to",
    "stacks/Pulumi.<name>.yaml with the ids to import (keeping the file's comments and order), and reports what the",
    "first `pulumi up` imports, what this project's policies will flag, and the existing secrets it leaves alone.",
  ].join("\n"),
  options: [
    { name: "stack", value: "<name>", required: true, help: "the stack whose stacks/Pulumi.<name>.yaml to write (created when missing)" },
    { name: "tenant", value: "<id>", help: "the tenant id (GUID); needed when the stack file does not name one" },
    { name: "k2", help: "also read the existing K2 Five Bearer Token resource (password in K2_ADMIN_PASSWORD)" },
    {
      name: "service-url",
      value: "<url>",
      inSynopsis: false,
      help: "with --k2: SmartObject Services root (default: k2.smartObjectServices.url, else the K2 host on port 8888)",
    },
    { name: "format", value: "<format>", choices: ["text", "json"], inSynopsis: false, help: "report format (default text)" },
    { name: "dry-run", inSynopsis: false, help: "report what would be written, and write nothing" },
    {
      name: "skip-unreadable",
      inSynopsis: false,
      help: "leave out (and report) apps Microsoft Graph refuses to show (403) instead of stopping",
    },
    { name: "auth", value: "<mode>", choices: ["device-code", "password"], inSynopsis: false, help: `how to sign in (default: password when ${ADOPT_ENV.username} is set, else device-code)` },
    {
      name: "token-file",
      value: "<file>",
      inSynopsis: false,
      help: "use this Microsoft Graph access token instead of signing in\n(raw JWT, or JSON with access_token/accessToken: az account get-access-token --resource-type ms-graph)",
    },
    { name: "client-id", value: "<guid>", inSynopsis: false, help: `the app to sign in with (or ${ADOPT_ENV.clientId}); see README.md, "Adopting an existing setup"` },
    { name: "cloud", value: "<cloud>", choices: [...CLOUDS], inSynopsis: false, help: "a new stack file's cloud (default public)" },
    { name: "k2-url", value: "<url>", inSynopsis: false, help: "a new stack file's K2 site URL (https)" },
    { name: "k2-edition", value: "<edition>", choices: ["five", "cloud"], inSynopsis: false, help: "a new stack file's K2 edition (default five)" },
    { name: "k2-admin", value: "<user>", inSynopsis: false, help: "a new stack file's K2 admin user name (K2 Five), like DOMAIN\\svc-k2" },
    { name: "login-host", value: "<host>", inSynopsis: false, help: "Entra login host instead of the cloud's; http only for 127.0.0.1/localhost" },
    { name: "graph-url", value: "<url>", inSynopsis: false, help: "Microsoft Graph root instead of the cloud's (US Gov DoD: https://dod-graph.microsoft.us)" },
    { name: "root", value: "<dir>", inSynopsis: false, help: "project directory holding stacks/ (default: the current directory)" },
    { name: "timeout-ms", value: "<n>", inSynopsis: false, help: "per-request timeout in milliseconds (default 15000)" },
  ],
  notes: [
    `Environment: ${ADOPT_ENV.clientId} (the app to sign in with), ${ADOPT_ENV.username} and ${ADOPT_ENV.password}`,
    `(password sign-in, an account without MFA), ${ADOPT_ENV.clientSecret} (a confidential sign-in app's secret),`,
    `${ADOPT_ENV.k2AdminPassword} (with --k2). adopt never reads or prints a client secret's value.`,
  ].join("\n"),
  exitCodes: [
    [0, "the stack file was written (or, with --dry-run, would be); the report lists what was left out"],
    [1, "Microsoft Graph or K2 could not be read, or sign-in failed; nothing was written"],
    [2, "usage or configuration error; nothing was written"],
  ],
  positionalHint: "name the stack with --stack <name>",
});

export type AdoptAuth = "device-code" | "password" | "token-file";

/** Settings for a stack file adopt creates (the file does not exist yet). */
export interface NewStackSettings {
  cloud: Cloud | undefined;
  k2Url: string | undefined;
  k2Edition: "five" | "cloud" | undefined;
  k2Admin: string | undefined;
}

export interface AdoptOptions {
  stack: string;
  tenant: string | undefined;
  k2: boolean;
  /** With --k2: the SmartObject Services root instead of the stack's. */
  serviceUrl: string | undefined;
  format: "text" | "json";
  dryRun: boolean;
  skipUnreadable: boolean;
  auth: AdoptAuth;
  tokenFile: string | undefined;
  clientId: string | undefined;
  newStack: NewStackSettings;
  loginHost: string | undefined;
  graphUrl: string | undefined;
  root: string | undefined;
  timeoutMs: number | undefined;
  /** From the environment; never printed. */
  credentials: { username?: string; password?: string; clientSecret?: string; k2AdminPassword?: string };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function secret(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

/** https, or http on 127.0.0.1/localhost (test doubles); no path beyond `/`, no query, no user info. */
function graphRoot(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UsageError(`--graph-url: expected the Microsoft Graph root like https://graph.microsoft.com, got '${input}'`);
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost";
  if (!(url.protocol === "https:" || (url.protocol === "http:" && loopback))) {
    throw new UsageError(`--graph-url: expected an https URL (http only for 127.0.0.1 or localhost), got '${input}'`);
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "" || (url.pathname !== "/" && url.pathname !== "")) {
    throw new UsageError(`--graph-url: expected only the root, like https://graph.microsoft.com (no path, query or user name), got '${input}'`);
  }
  return url.origin;
}

/** Reads the command line and the environment; throws UsageError. Returns undefined for --help. */
export function parseAdoptOptions(args: readonly string[], env: Readonly<Record<string, string | undefined>>): AdoptOptions | undefined {
  const line = parseCommandLine(ADOPT_COMMAND, args);
  if (line.kind === "help") return undefined;
  const v = line.values;

  const tenant = nonEmpty(v.tenant);
  if (tenant !== undefined && !isGuid(tenant)) throw new UsageError(`--tenant: expected the tenant id, a GUID like 11111111-2222-3333-4444-555555555555; got '${tenant}'`);

  const credentials = {
    username: nonEmpty(env[ADOPT_ENV.username]),
    password: secret(env[ADOPT_ENV.password]),
    clientSecret: secret(env[ADOPT_ENV.clientSecret]),
    k2AdminPassword: secret(env[ADOPT_ENV.k2AdminPassword]),
  };
  const tokenFile = nonEmpty(v["token-file"]);
  let auth: AdoptAuth;
  if (v.auth !== undefined) {
    if (tokenFile !== undefined) throw new UsageError("--auth and --token-file exclude each other: --token-file already supplies the token");
    auth = v.auth === "password" ? "password" : "device-code";
  } else if (tokenFile !== undefined) auth = "token-file";
  else auth = credentials.username !== undefined ? "password" : "device-code";
  if (auth === "password") {
    if (credentials.username === undefined) throw new UsageError(`--auth password needs the account's user name in ${ADOPT_ENV.username}`);
    if (credentials.password === undefined) throw new UsageError(`--auth password needs the account's password in ${ADOPT_ENV.password}`);
  }
  const clientId = nonEmpty(v["client-id"]) ?? nonEmpty(env[ADOPT_ENV.clientId]);
  if (clientId !== undefined && !isGuid(clientId)) throw new UsageError(`--client-id / ${ADOPT_ENV.clientId}: expected the sign-in app's application (client) id, a GUID; got '${clientId}'`);
  if (auth !== "token-file" && clientId === undefined) {
    throw new UsageError(
      `signing in needs the app to sign in with: --client-id <guid> or ${ADOPT_ENV.clientId} (README.md, "Adopting an existing setup", says which permissions it needs), or pass a Microsoft Graph token with --token-file`,
    );
  }
  if (v.k2 && credentials.k2AdminPassword === undefined) {
    throw new UsageError(`--k2 needs the K2 admin password in ${ADOPT_ENV.k2AdminPassword} (stack secrets are not decrypted offline), e.g.\n  read -rs ${ADOPT_ENV.k2AdminPassword} && export ${ADOPT_ENV.k2AdminPassword}`);
  }

  let timeoutMs: number | undefined;
  if (v["timeout-ms"] !== undefined) {
    timeoutMs = Number(v["timeout-ms"]);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
      throw new UsageError(`--timeout-ms: expected a whole number of milliseconds between 1 and 600000, got '${v["timeout-ms"]}'`);
    }
  }
  const serviceUrl = nonEmpty(v["service-url"]);
  if (serviceUrl !== undefined) {
    if (!v.k2) throw new UsageError("--service-url is the K2 SmartObject Services root for --k2; add --k2 or leave it out");
    const problem = serviceUrlProblem(serviceUrl);
    if (problem !== undefined) throw new UsageError(`--service-url: ${problem}; got '${serviceUrl}'`);
  }
  const loginHost = nonEmpty(v["login-host"]);
  const graphUrl = nonEmpty(v["graph-url"]);
  return {
    stack: v.stack,
    tenant: tenant?.toLowerCase(),
    k2: v.k2,
    serviceUrl: serviceUrl?.replace(/\/+$/, ""),
    format: v.format === "json" ? "json" : "text",
    dryRun: v["dry-run"],
    skipUnreadable: v["skip-unreadable"],
    auth,
    tokenFile,
    clientId: clientId?.toLowerCase(),
    newStack: {
      cloud: v.cloud as Cloud | undefined,
      k2Url: nonEmpty(v["k2-url"]),
      k2Edition: v["k2-edition"] === "cloud" ? "cloud" : v["k2-edition"] === "five" ? "five" : undefined,
      k2Admin: nonEmpty(v["k2-admin"]),
    },
    loginHost: loginHost === undefined ? undefined : normaliseLoginHost(loginHost),
    graphUrl: graphUrl === undefined ? undefined : graphRoot(graphUrl),
    root: nonEmpty(v.root),
    timeoutMs,
    credentials,
  };
}
