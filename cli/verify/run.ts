/**
 * `runVerify(args, io)`: the whole verify run, in-process (tests call it directly; cli/verify.ts wires it to the
 * process). Order: config → metadata and keys → reply URLs → token → claims → K2 API → secret expiry → report.
 * Exit codes: 0 every check passed (warnings and undecided allowed), 1 a check failed (or verify could not finish),
 * 2 usage or configuration error.
 */
import type { CommandIo } from "../commandIo";
import { explainAadsts, type AadstsContext } from "./aadsts";
import { failed, skip, type Check } from "./checks";
import { validateClaims, type ShownClaims } from "./claims";
import { DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT_MS, defaultBackoffMs, type HttpPolicy } from "./http";
import { checkODataApi, checkWorkflowApi } from "./k2Api";
import { checkMetadata } from "./metadata";
import { usage, usageErrorText } from "../args";
import { ENV, parseOptions, UsageError, VERIFY_COMMAND, type VerifyOptions } from "./options";
import { Redactor } from "./redact";
import { checkReplyUrls } from "./replyUrl";
import { renderErrorJson, renderJson, renderText, REPORT_SCHEMA_VERSION, summarise, type VerifyReport } from "./report";
import { secretOwners } from "../../components/secretDeclarations";
import { checkOutboundResources, K2_ADMIN_PASSWORD_ENV } from "./outbound";
import { checkSecrets } from "./secrets";
import { resolveTarget, type VerifyTarget } from "./target";
import type { TokenRequestContext, TokenResult } from "./token/context";
import { deviceCodeGrant } from "./token/deviceCode";
import { passwordGrant } from "./token/passwordGrant";
import { readTokenFile } from "./token/tokenFile";

/** What the command takes from the process (cli/commandIo.ts). */
export type VerifyIo = CommandIo;

export type ExitCode = 0 | 1 | 2;

export interface VerifyOutcome {
  exitCode: ExitCode;
  report?: VerifyReport;
}

function wantsJson(args: readonly string[]): boolean {
  return args.some((a, i) => a === "--format=json" || (a === "--format" && args[i + 1] === "json"));
}

export async function runVerify(args: readonly string[], io: VerifyIo): Promise<VerifyOutcome> {
  const redactor = new Redactor();
  redactor.add(io.env[ENV.password]);
  redactor.add(io.env[ENV.clientSecret]);
  redactor.add(io.env[K2_ADMIN_PASSWORD_ENV]);
  const out = (text: string) => io.stdout(redactor.apply(text));
  const err = (text: string) => io.stderr(redactor.apply(text));

  let options: VerifyOptions;
  try {
    options = parseOptions(args, io.env);
  } catch (e) {
    if (!(e instanceof UsageError)) return couldNotFinish(e, args, out, err);
    // The command line itself is wrong: the problem and the synopsis (cli/args.ts).
    err(usageErrorText(VERIFY_COMMAND, e.message));
    if (wantsJson(args)) out(renderErrorJson(2, e.message));
    return { exitCode: 2 };
  }
  if (options.help) {
    out(usage(VERIFY_COMMAND));
    return { exitCode: 0 };
  }
  try {
    const report = await verify(options, io, redactor, err);
    out(options.format === "json" ? renderJson(report) : renderText(report));
    return { exitCode: report.exitCode, report };
  } catch (e) {
    if (e instanceof UsageError) {
      err(`verify: ${e.message}\n`);
      if (wantsJson(args)) out(renderErrorJson(2, e.message));
      return { exitCode: 2 };
    }
    return couldNotFinish(e, args, out, err);
  }
}

function couldNotFinish(e: unknown, args: readonly string[], out: (text: string) => void, err: (text: string) => void): VerifyOutcome {
  const message = e instanceof Error ? e.message : String(e);
  err(`verify could not finish: ${message}\n`);
  if (wantsJson(args)) out(renderErrorJson(1, message));
  return { exitCode: 1 };
}

function httpPolicy(options: VerifyOptions, io: VerifyIo, sleep: (ms: number) => Promise<void>): HttpPolicy {
  return {
    attempts: DEFAULT_ATTEMPTS,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    backoffMs: defaultBackoffMs,
    maxRetryAfterMs: 30_000,
    sleep,
    fetch: io.fetch ?? globalThis.fetch,
  };
}

async function verify(options: VerifyOptions, io: VerifyIo, redactor: Redactor, err: (text: string) => void): Promise<VerifyReport> {
  const target = resolveTarget(options, io.cwd);
  const clock = io.now ?? (() => new Date());
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const http = httpPolicy(options, io, sleep);
  const aadsts: AadstsContext = { client: target.client.name, audience: target.audience, scope: target.scope, tenantId: target.tenantId };

  // Read a token file before any network call: a bad file is a usage error.
  const fromFile = options.auth === "token-file" && options.tokenFile !== undefined ? readTokenFile(options.tokenFile, redactor) : undefined;

  const checks: Check[] = [];
  const metadata = await checkMetadata(
    { metadataUrl: target.metadataUrl, endpoints: target.endpoints, tenantId: target.tenantId, cloud: target.config.cloud },
    http,
  );
  checks.push(...metadata.checks);

  if (!options.skipReplyUrls) {
    checks.push(
      ...(await checkReplyUrls(
        { endpoints: target.endpoints, clientId: target.clientId, audience: target.audience, redirectUris: target.client.redirectUris, context: aadsts },
        http,
      )),
    );
  }

  const tokenResult = fromFile ?? (await acquireToken(options, target, { http, redactor, aadsts, notify: (l) => err(`${l}\n`), sleep }));
  checks.push(tokenResult.check);

  let claims: ShownClaims | undefined;
  if (tokenResult.token !== undefined) {
    const validated = await validateClaims(tokenResult.token, {
      keys: metadata.keys,
      audience: target.audience,
      expectedIssuer: target.endpoints.issuer,
      tenantId: target.tenantId,
      scope: target.scope,
      k2ApiClientId: target.config.k2Api.clientId,
      cloud: target.config.cloud,
      // Read now, not at the start: a device-code sign-in can take minutes.
      now: clock(),
    });
    checks.push(...validated.checks);
    claims = validated.claims;
  }

  const tokenProblems = checks.some((c) => c.id.startsWith("token-") && c.status === "fail");
  const k2Input = { k2Url: target.k2Url, token: tokenResult.token, tokenProblems, edition: target.config.k2.edition };
  checks.push(await checkWorkflowApi(k2Input, http));
  checks.push(options.odata ? await checkODataApi(k2Input, http) : skip("k2-odata-api", "K2 SmartObject OData v4 answers", "not requested (--odata)"));

  // The outbound K2 OAuth resources (K2 Five: read with the K2 admin password), then every secret's days left: the
  // clients' and the outbound app's.
  checks.push(...(await checkOutboundResources(target.config, target.outputs, { root: io.cwd, adminPassword: io.env[K2_ADMIN_PASSWORD_ENV] })));
  const owners = secretOwners(target.config).filter((o) => options.client === undefined || o.name === target.client.name || o.configKey === "k2-oauth:outbound.app");
  const secrets = checkSecrets(owners, target.outputs, clock());
  checks.push(...secrets.checks);

  const exitCode = failed(checks) ? 1 : 0;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    stack: target.stack,
    client: target.client.name,
    clientId: target.clientId,
    tenantId: target.tenantId,
    cloud: target.config.cloud,
    loginHost: target.loginHost,
    metadataUrl: target.metadataUrl,
    k2Url: target.k2Url,
    auth: options.auth,
    ok: exitCode === 0,
    exitCode,
    summary: summarise(checks),
    checks,
    claims,
    secrets: secrets.secrets,
    warnings: target.clientChoice.startsWith("first of") ? [`client ${target.client.name}: ${target.clientChoice}`] : [],
  };
}

interface AcquireDeps {
  http: HttpPolicy;
  redactor: Redactor;
  aadsts: AadstsContext;
  notify: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
}

async function acquireToken(options: VerifyOptions, target: VerifyTarget, deps: AcquireDeps): Promise<TokenResult> {
  // resolveTarget and parseOptions already demand these for the sign-in modes; checked again rather than asserted.
  if (target.clientId === undefined) throw new UsageError(`no client id for client '${target.client.name}'`);
  const ctx: TokenRequestContext = {
    endpoints: target.endpoints,
    clientId: target.clientId,
    clientSecret: options.credentials.clientSecret,
    audience: target.audience,
    http: deps.http,
    redactor: deps.redactor,
    explain: (code, entraMessage) => explainAadsts(code, deps.aadsts, entraMessage),
    notify: deps.notify,
  };
  if (options.auth === "password") {
    const { username, password } = options.credentials;
    if (username === undefined || password === undefined) throw new UsageError(`--auth password needs ${ENV.username} and ${ENV.password}`);
    return passwordGrant(ctx, username, password);
  }
  return deviceCodeGrant(ctx, { sleep: deps.sleep });
}
