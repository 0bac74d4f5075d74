/**
 * `runAdopt(args, io)`: the whole adopt run, in-process (tests call it directly; cli/adopt.ts wires it to the process).
 * Order: command line → stack file (or the settings for a new one) → sign-in → Microsoft Graph → (with --k2) K2 →
 * decisions → stack file written → report. Nothing is written unless everything was read; a problem before that
 * leaves the stack file as it was.
 *
 * Exit codes: 0 written (or nothing to write; with --dry-run: would be written), 1 Graph, K2 or sign-in failed,
 * 2 usage or configuration error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, DEFAULT_AUDIENCE, DEFAULT_SCOPE, type ConfigIssue, type StackConfig } from "../../components/config";
import { GRAPH_ROOTS, v1Endpoints, type Cloud } from "../../components/entra";
import { isoDay } from "../../components/rotation";
import { usage, usageErrorText } from "../args";
import { loadStackFile, parseStackText, SECRET_PLACEHOLDER, stackFilePath, StackFileError, validateLoadedStack, type LoadedStack } from "../stackFile";
import { DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT_MS, defaultBackoffMs, type HttpPolicy } from "../verify/http";
import { policyConfigFile } from "../plan/policy";
import { Redactor } from "../verify/redact";
import { decideAdoption, type Adoption, type ExistingClient, type OtherStack } from "./adoption";
import { createGraphReader, DEFAULT_MAX_PAGES, GraphError } from "./graph";
import { readK2Side, type K2SideRead } from "./k2Side";
import { ADOPT_COMMAND, parseAdoptOptions, UsageError, type AdoptOptions } from "./options";
import { renderJson, renderText, type AdoptReport } from "./report";
import { signIn } from "./signIn";
import { stackText, writeStackFile, type ClientToWrite, type NewStackFile } from "./stackWriter";
import { AdoptError, readTenant } from "./tenant";

export interface AdoptIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The adoption day and token expiry checks. Default: the system clock. */
  now?: () => Date;
  /** Waits (retry backoff, Retry-After, device-code polling). Default: setTimeout. Tests inject one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export type AdoptExitCode = 0 | 1 | 2;

export interface AdoptOutcome {
  exitCode: AdoptExitCode;
  report?: AdoptReport;
}

/** Graph asks clients to wait as long as Retry-After says; adopt waits up to this per retry. */
const MAX_RETRY_AFTER_MS = 120_000;
/** Attempts per Graph request: throttled requests are retried as Graph's guidance asks, within a bound. */
const GRAPH_ATTEMPTS = 6;

/** What adopt knows about the stack before reading the tenant. */
interface StackSide {
  exists: boolean;
  file: string;
  label: string;
  text: string | undefined;
  tenantId: string;
  cloud: Cloud;
  k2ApiClientId: string | undefined;
  scope: string;
  audience: string;
  existing: ExistingClient[];
  /** The validated config (with a stand-in client when the file lists none): for --k2. */
  config: StackConfig;
  newFile: Omit<NewStackFile, "k2Api"> | undefined;
}

const STAND_IN_CLIENT = { name: "adopt-stand-in", displayName: "stand-in" };

function hasNoClients(clients: unknown): boolean {
  return clients === undefined || clients === null || (Array.isArray(clients) && clients.length === 0);
}

/**
 * The stack's config checked as the program checks it; a file without clients yet is fine (adopt adds them). `what`
 * names what was checked in the message.
 */
function checkStack(loaded: LoadedStack, what: string): StackConfig {
  const raw = hasNoClients(loaded.config.clients) ? { ...loaded.config, clients: [STAND_IN_CLIENT] } : loaded.config;
  const parsed = validateLoadedStack({ ...loaded, config: raw });
  if (!parsed.ok) throw new UsageError(`${what} is not valid config; nothing was written:\n${new ConfigError(parsed.issues).message}`);
  return parsed.config;
}

function existingClients(raw: unknown): ExistingClient[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((c: unknown) => {
    if (typeof c !== "object" || c === null) return [];
    const o = c as { name?: unknown; displayName?: unknown; adopt?: unknown };
    const adopt = typeof o.adopt === "object" && o.adopt !== null ? (o.adopt as { applicationObjectId?: unknown }) : undefined;
    return typeof o.name === "string"
      ? [{ name: o.name, displayName: typeof o.displayName === "string" ? o.displayName : undefined, applicationObjectId: typeof adopt?.applicationObjectId === "string" ? adopt.applicationObjectId : undefined }]
      : [];
  });
}

const NEW_FILE_FLAGS = ["cloud", "k2Url", "k2Edition", "k2Admin"] as const;
const FLAG_NAMES: Record<(typeof NEW_FILE_FLAGS)[number], string> = { cloud: "--cloud", k2Url: "--k2-url", k2Edition: "--k2-edition", k2Admin: "--k2-admin" };

/** The stack as its file describes it (adopt adds clients to it). */
function existingStackSide(options: AdoptOptions, loaded: LoadedStack): StackSide {
  const given = NEW_FILE_FLAGS.filter((k) => options.newStack[k] !== undefined).map((k) => FLAG_NAMES[k]);
  if (given.length > 0) throw new UsageError(`${given.join(", ")} only describe a new stack file; ${loaded.label} exists and sets these itself`);
  const config = checkStack(loaded, loaded.label);
  if (options.tenant !== undefined && options.tenant !== config.tenantId) {
    throw new UsageError(`--tenant ${options.tenant} differs from k2-oauth:tenantId ${config.tenantId} of ${loaded.label}; leave --tenant out or adopt into another stack`);
  }
  return {
    exists: true,
    file: loaded.file,
    label: loaded.label,
    text: fs.readFileSync(loaded.file, "utf8"),
    tenantId: config.tenantId,
    cloud: config.cloud,
    k2ApiClientId: config.k2Api.clientId,
    scope: config.k2Api.scope,
    audience: config.k2Api.audience,
    existing: existingClients(loaded.config.clients),
    config,
    newFile: undefined,
  };
}

/** A stack file adopt creates: its stack-wide settings come from the command line, checked as the program checks them. */
function newStackSide(options: AdoptOptions, file: string, label: string): StackSide {
  const missing = [
    ...(options.tenant === undefined ? ["--tenant <id>"] : []),
    ...(options.newStack.k2Url === undefined ? ["--k2-url <url>"] : []),
    ...((options.newStack.k2Edition ?? "five") === "five" && options.newStack.k2Admin === undefined ? ["--k2-admin <user> (K2 Five; or --k2-edition cloud)"] : []),
  ];
  if (missing.length > 0) {
    throw new UsageError(`there is no ${label} yet: to create it adopt needs ${missing.join(", ")}; or create it from stacks/Pulumi.dev.yaml with the stack-wide settings and no clients`);
  }
  const edition = options.newStack.k2Edition ?? "five";
  const newFile = {
    tenantId: options.tenant ?? "",
    cloud: options.newStack.cloud,
    k2: { url: options.newStack.k2Url ?? "", edition, adminUsername: options.newStack.k2Admin },
  };
  const raw = {
    config: {
      "k2-oauth:tenantId": newFile.tenantId,
      ...(newFile.cloud !== undefined ? { "k2-oauth:cloud": newFile.cloud } : {}),
      // A stand-in K2 API id and password: only the settings given on the command line are checked here.
      "k2-oauth:k2Api": { clientId: "00000000-0000-0000-0000-000000000000" },
      "k2-oauth:k2": { url: newFile.k2.url, edition, ...(edition === "five" ? { admin: { username: newFile.k2.adminUsername, password: { secure: SECRET_PLACEHOLDER } } } : {}) },
      "k2-oauth:clients": [STAND_IN_CLIENT],
    },
  };
  const what = `what the command line gives for the new ${label} (--tenant, --cloud, --k2-url, --k2-edition, --k2-admin)`;
  const config = checkStack(parseStackText(JSON.stringify(raw), options.stack, file, label), what);
  return {
    exists: false,
    file,
    label,
    text: undefined,
    tenantId: config.tenantId,
    cloud: config.cloud,
    k2ApiClientId: undefined,
    scope: DEFAULT_SCOPE,
    audience: DEFAULT_AUDIENCE,
    existing: [],
    config,
    newFile,
  };
}

function stackSide(options: AdoptOptions, root: string): StackSide {
  try {
    // loadStackFile also refuses a stack name that cannot be a file name, existing or not.
    const file = stackFilePath(options.stack, root);
    if (fs.existsSync(file) || !/^[A-Za-z0-9_.-]+$/.test(options.stack)) return existingStackSide(options, loadStackFile(options.stack, root));
    return newStackSide(options, file, path.relative(root, file).split(path.sep).join("/"));
  } catch (e) {
    if (e instanceof StackFileError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * The project's other stack files with the same tenant and the clients they declare: an app one of them manages is
 * not adopted into this one. A file that cannot be read stops adopt (it cannot tell which apps that stack manages).
 */
function otherStacks(options: AdoptOptions, side: StackSide, root: string): OtherStack[] {
  const dir = path.dirname(side.file);
  if (!fs.existsSync(dir)) return [];
  const names = fs
    .readdirSync(dir)
    .sort()
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && s !== options.stack);
  return names.flatMap((name) => {
    let loaded: LoadedStack;
    try {
      loaded = loadStackFile(name, root);
    } catch (e) {
      if (e instanceof StackFileError) {
        throw new UsageError(`cannot tell which apps stack ${name} manages; nothing was written. Fix that file, or move it out of stacks/ while adopting:\n${e.message}`);
      }
      throw e;
    }
    const tenant = loaded.config.tenantId;
    return typeof tenant === "string" && tenant.toLowerCase() === side.tenantId.toLowerCase() ? [{ label: loaded.label, clients: existingClients(loaded.config.clients) }] : [];
  });
}

function httpPolicy(options: AdoptOptions, io: AdoptIo, sleep: (ms: number) => Promise<void>, attempts: number): HttpPolicy {
  return {
    attempts,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    backoffMs: defaultBackoffMs,
    maxRetryAfterMs: MAX_RETRY_AFTER_MS,
    sleep,
    fetch: io.fetch ?? globalThis.fetch,
  };
}

function clientsToWrite(adoption: Adoption, today: string): ClientToWrite[] {
  return adoption.clients.map((c) => ({
    entry: c.entry,
    comment: `Adopted by npm run adopt on ${today}: app registration '${c.entry.displayName}' (appId ${c.appId}), made by hand before.`,
    permissionNames: c.permissionNames,
  }));
}

/** The stack file's problems as written (what `npm run plan` and `pulumi up` would say), for the report. */
function problemsOf(text: string, side: StackSide, stack: string): ConfigIssue[] {
  try {
    const parsed = validateLoadedStack(parseStackText(text, stack, side.file, side.label));
    return parsed.ok ? [] : parsed.issues;
  } catch (e) {
    if (e instanceof StackFileError) return [{ path: side.label, message: e.message }];
    throw e;
  }
}

async function adopt(options: AdoptOptions, io: AdoptIo, redactor: Redactor, err: (text: string) => void): Promise<AdoptReport> {
  const root = path.resolve(io.cwd, options.root ?? ".");
  const side = stackSide(options, root);
  const siblings = otherStacks(options, side, root);
  const clock = io.now ?? (() => new Date());
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const today = isoDay(clock());
  const endpoints = v1Endpoints(side.cloud, side.tenantId, { loginHost: options.loginHost });
  const graphRoot = options.graphUrl ?? GRAPH_ROOTS[side.cloud];

  err(`Signing in to tenant ${side.tenantId} for Microsoft Graph (${graphRoot})...\n`);
  const token = await signIn(options, {
    tenantId: side.tenantId,
    endpoints,
    graphRoot,
    http: httpPolicy(options, io, sleep, DEFAULT_ATTEMPTS),
    redactor,
    notify: (line) => err(`${line}\n`),
    sleep,
    now: clock,
    cwd: io.cwd,
  });
  redactor.add(token);

  const graph = createGraphReader({ root: graphRoot, token, http: httpPolicy(options, io, sleep, GRAPH_ATTEMPTS), maxPages: DEFAULT_MAX_PAGES });
  const tenant = await readTenant(graph, {
    k2ApiClientId: side.k2ApiClientId,
    audience: side.audience,
    tenantId: side.tenantId,
    skipUnreadable: options.skipUnreadable,
    progress: (line) => err(`${line}\n`),
  });
  const scopeId = [...tenant.k2Api.scopes].find(([, value]) => value === side.scope)?.[0];
  if (scopeId === undefined) {
    const offered = [...tenant.k2Api.scopes.values()];
    throw new AdoptError(
      `the K2 API service principal (appId ${tenant.k2Api.appId}) has no delegated scope '${side.scope}'; it offers ${offered.length > 0 ? offered.join(", ") : "none"}. ` +
        "Set k2-oauth:k2Api.scope to the one K2 clients use, then run adopt again. Nothing was written.",
    );
  }
  const adoption = decideAdoption(tenant, { scope: { value: side.scope, id: scopeId }, existing: side.existing, otherStacks: siblings, today });

  let k2Side: K2SideRead | undefined;
  if (options.k2) {
    const password = options.credentials.k2AdminPassword ?? "";
    err("Reading the K2 Bearer Token resource...\n");
    // What the stack declares: the cloud's login host, whatever adopt signed in through.
    const declared = v1Endpoints(side.cloud, side.tenantId);
    k2Side = await readK2Side({ config: side.config, endpoints: declared, password, root, serviceUrl: options.serviceUrl, retry: { delay: sleep } });
  }

  const k2ResourceName = k2Side?.kind === "renamed" ? k2Side.resource.name : undefined;
  const toWrite = clientsToWrite(adoption, today);
  const newFile: NewStackFile | undefined =
    side.newFile === undefined ? undefined : { ...side.newFile, k2Api: { clientId: tenant.k2Api.appId, scope: side.scope, audience: side.audience } };
  const changes = toWrite.length > 0 || k2ResourceName !== undefined;
  // A new file needs at least one client to be valid config: with none adopted, there is nothing to create.
  const file: AdoptReport["file"] = !side.exists ? (toWrite.length === 0 ? "not created" : "created") : changes ? "updated" : "unchanged";
  let configProblems: ConfigIssue[] = [];
  if (file === "created" || file === "updated") {
    const text = stackText({
      stack: options.stack,
      existingText: side.text,
      newFile,
      header: `Stack ${options.stack}: written by npm run adopt on ${today} from tenant ${side.tenantId}.`,
      clients: toWrite,
      k2ResourceName,
    });
    configProblems = problemsOf(text, side, options.stack);
    if (!options.dryRun) writeStackFile(side.file, text);
  }
  const policyFile = policyConfigFile(root, options.stack);
  return {
    stack: options.stack,
    stackFile: side.label,
    file,
    dryRun: options.dryRun,
    tenantId: side.tenantId,
    k2Api: { appId: tenant.k2Api.appId, displayName: tenant.k2Api.displayName, scope: side.scope },
    appsFound: tenant.apps.length,
    adoption,
    k2Side,
    configProblems,
    today,
    policyConfig: policyFile === undefined ? undefined : path.relative(root, policyFile).split(path.sep).join("/"),
  };
}

export async function runAdopt(args: readonly string[], io: AdoptIo): Promise<AdoptOutcome> {
  const redactor = new Redactor();
  for (const name of ["K2_ADOPT_PASSWORD", "K2_ADOPT_CLIENT_SECRET", "K2_ADMIN_PASSWORD"]) redactor.add(io.env[name]);
  const out = (text: string) => io.stdout(redactor.apply(text));
  const err = (text: string) => io.stderr(redactor.apply(text));

  let options: AdoptOptions | undefined;
  try {
    options = parseAdoptOptions(args, io.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(usageErrorText(ADOPT_COMMAND, e.message));
    return { exitCode: 2 };
  }
  if (options === undefined) {
    out(usage(ADOPT_COMMAND));
    return { exitCode: 0 };
  }
  try {
    const report = await adopt(options, io, redactor, err);
    out(options.format === "json" ? renderJson(report) : renderText(report));
    return { exitCode: 0, report };
  } catch (e) {
    if (e instanceof UsageError) {
      err(`adopt: ${e.message}\n`);
      return { exitCode: 2 };
    }
    // Graph, K2 or sign-in failed (AdoptError, GraphError), or something unforeseen: nothing was written.
    const known = e instanceof AdoptError || e instanceof GraphError;
    err(`adopt${known ? "" : " could not finish"}: ${e instanceof Error ? e.message : String(e)}\n`);
    return { exitCode: 1 };
  }
}
