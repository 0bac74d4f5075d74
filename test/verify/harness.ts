/**
 * Shared set-up for the verify tests: an Entra ID double and a K2 Workflow REST double on 127.0.0.1, a stack file and
 * a `pulumi stack output --json` file in a temp directory, and `run(args)` that calls runVerify in-process with a
 * fixed clock, a recording sleep (no real waits) and captured stdout/stderr.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { runVerify, type VerifyOutcome } from "../../cli/verify";
import type { Check } from "../../cli/verify/checks";
import { rfc3339, secretSchedule } from "../../components/rotation";
import { EntraDouble, generateSigningKeys, type EntraApp, type EntraSigningKeys } from "../doubles/entraServer";
import { K2WorkflowApiDouble } from "../doubles/k2WorkflowApi";
import { tempProjectRoot, testStackYaml } from "../helpers/stackFile";
import { AUDIENCE, K2_API_CLIENT_ID, TENANT } from "../helpers/testTenant";

export { AUDIENCE, K2_API_CLIENT_ID, TENANT };
export const CLIENT_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
export const SCOPE = "user_impersonation";
export const REDIRECT_URI = "https://global.consent.azure-apim.net/redirect";
export const USERNAME = "svc-k2@contoso.example";
export const PASSWORD = "Pa55w0rd!for-the-K2-service-account";
export const CLIENT_SECRET = "Xy8Q~client.secret-VALUE_0123456789abcdef";
/** Everything runs on this clock: the doubles' tokens, verify's checks, the secret schedule. */
export const NOW = new Date("2026-11-23T12:00:00Z");
export const LIFETIME_DAYS = 180;
export const ROTATE_AFTER_DAYS = 150;

export function stackYaml(overrides: { cloud?: string; redirectUris?: string[] } = {}): string {
  return testStackYaml({
    cloud: overrides.cloud ?? "public",
    k2Api: { scope: SCOPE, audience: AUDIENCE },
    clients: [
      {
        name: "power-automate",
        displayName: "K2 - Power Automate",
        redirectUris: overrides.redirectUris ?? [REDIRECT_URI],
        secret: { lifetimeDays: LIFETIME_DAYS, rotateAfterDays: ROTATE_AFTER_DAYS },
      },
      { name: "reporting", displayName: "K2 - Reporting", redirectUris: [] },
    ],
  });
}

/** Stack outputs as index.ts exports them, with the schedule's secrets as of NOW. */
export function stackOutputs(secrets?: Array<{ slot: string; current: boolean; expires: string }>, now: Date = NOW): Record<string, unknown> {
  const client = (clientId: string, lifetimeDays: number, rotateAfterDays: number) => {
    const s = secretSchedule({ lifetimeDays, rotateAfterDays }, now);
    return {
      clientId,
      tenantId: TENANT,
      secrets:
        secrets ??
        s.active.map((g) => ({
          slot: g.slot,
          generation: g.generation,
          current: g === s.current,
          keyId: `0000000${g.generation}-0000-0000-0000-000000000000`,
          startDate: rfc3339(g.startDate),
          expires: rfc3339(g.endDate),
        })),
    };
  };
  return {
    tenantId: TENANT,
    cloud: "public",
    audience: AUDIENCE,
    clients: {
      "power-automate": client(CLIENT_ID, LIFETIME_DAYS, ROTATE_AFTER_DAYS),
      reporting: client("bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee", 180, 150),
    },
    clientSecrets: "[secret]",
  };
}

export interface RunResult extends VerifyOutcome {
  stdout: string;
  stderr: string;
  /** Parsed stdout when --format json. */
  json: Record<string, unknown> | undefined;
  /** Every wait verify asked for (ms), in order. */
  sleeps: number[];
  /** Find one check by id (the first; pass a title filter for per-URI/per-secret checks). */
  check(id: string, titleIncludes?: string): Check;
}

export interface Harness {
  entra: EntraDouble;
  k2: K2WorkflowApiDouble;
  root: string;
  outputsFile: string;
  /** runVerify with the standard arguments (stack, login host, K2 URL, outputs) followed by `extra`. */
  /** `now` overrides verify's clock only (the doubles keep theirs), to simulate clock skew. */
  run(extra?: string[], opts?: { env?: Record<string, string | undefined>; baseArgs?: string[]; now?: Date }): Promise<RunResult>;
  baseArgs(): string[];
  passwordEnv: Record<string, string>;
  close(): Promise<void>;
}

export function defaultApp(overrides: Partial<EntraApp> = {}): EntraApp {
  return {
    clientId: CLIENT_ID,
    displayName: "K2 - Power Automate",
    secrets: [{ value: CLIENT_SECRET, expires: new Date("2027-05-15T00:00:00Z") }],
    redirectUris: [REDIRECT_URI],
    consent: "granted",
    ...overrides,
  };
}

/** One key set per test process (RSA key generation takes a few hundred ms); each double still gets a fresh kid. */
let sharedKeys: Promise<EntraSigningKeys> | undefined;

export interface HarnessOptions {
  /** The stack file's text (default stackYaml()). */
  stack?: string;
  /** Changes to the registered client app (defaultApp()). */
  app?: Partial<EntraApp>;
  /**
   * Defaults to the fixed NOW; a child-process run (which uses the real clock) needs the real clock in the doubles
   * too.
   */
  clock?: () => Date;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? (() => NOW);
  const entra = await EntraDouble.start({
    tenantId: TENANT,
    apps: [defaultApp(options.app)],
    users: [{ username: USERNAME, password: PASSWORD, name: "K2 Service" }],
    resources: [{ audience: AUDIENCE, clientId: K2_API_CLIENT_ID, scopes: [SCOPE] }],
    now: clock,
    keys: await (sharedKeys ??= generateSigningKeys()),
  });
  const k2 = await K2WorkflowApiDouble.start({ metadataEndpoint: entra.metadataUrl, audience: AUDIENCE, now: clock });
  const root = tempProjectRoot("k2-verify-", { test: options.stack ?? stackYaml() });
  const outputsFile = path.join(root, "outputs.json");
  fs.writeFileSync(outputsFile, JSON.stringify(stackOutputs(undefined, clock()), null, 2));
  const passwordEnv = { K2_VERIFY_USERNAME: USERNAME, K2_VERIFY_PASSWORD: PASSWORD, K2_VERIFY_CLIENT_SECRET: CLIENT_SECRET };
  const baseArgs = () => ["--stack", "test", "--login-host", entra.url, "--k2-url", k2.url, "--outputs", outputsFile];

  const run: Harness["run"] = async (extra = [], opts = {}) => {
    let stdout = "";
    let stderr = "";
    const sleeps: number[] = [];
    const outcome = await runVerify([...(opts.baseArgs ?? baseArgs()), ...extra], {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env: opts.env ?? passwordEnv,
      cwd: root,
      now: opts.now === undefined ? clock : () => opts.now as Date,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    let json: Record<string, unknown> | undefined;
    if ([...extra, ...(opts.baseArgs ?? [])].includes("json")) json = JSON.parse(stdout) as Record<string, unknown>;
    return {
      ...outcome,
      stdout,
      stderr,
      json,
      sleeps,
      check(id: string, titleIncludes?: string): Check {
        const found = outcome.report?.checks.find((c) => c.id === id && (titleIncludes === undefined || c.title.includes(titleIncludes) || c.detail.includes(titleIncludes)));
        if (found === undefined) throw new Error(`no check '${id}' in:\n${stdout}\n${stderr}`);
        return found;
      },
    };
  };

  return {
    entra,
    k2,
    root,
    outputsFile,
    run,
    baseArgs,
    passwordEnv,
    async close() {
      await Promise.all([entra.close(), k2.close()]);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The harness of the running test, as `useHarness` hands it out: it stays the same object across tests. */
export interface HarnessHandle extends Omit<Harness, "close"> {
  /** Closes this test's harness and starts another with these options (e.g. another stack file). */
  restart(options: HarnessOptions): Promise<void>;
}

/**
 * Registers the hooks that start a harness before each test (`per: "test"`, the default) or once before the file's
 * tests (`per: "file"`) and close it afterwards, and returns a handle that reads through to the current one.
 */
export function useHarness(options: HarnessOptions & { per?: "test" | "file" } = {}): HarnessHandle {
  const { per = "test", ...startOptions } = options;
  const [setUp, tearDown] = per === "test" ? [beforeEach, afterEach] : [beforeAll, afterAll];
  let current: Harness | undefined;
  const stop = async () => {
    const running = current;
    current = undefined;
    await running?.close();
  };
  setUp(async () => {
    current = await startHarness(startOptions);
  });
  tearDown(stop);
  const harness = (): Harness => {
    if (current === undefined) throw new Error("the verify harness runs only inside a test (useHarness starts it in a hook)");
    return current;
  };
  return {
    get entra() {
      return harness().entra;
    },
    get k2() {
      return harness().k2;
    },
    get root() {
      return harness().root;
    },
    get outputsFile() {
      return harness().outputsFile;
    },
    get passwordEnv() {
      return harness().passwordEnv;
    },
    run: (extra, opts) => harness().run(extra, opts),
    baseArgs: () => harness().baseArgs(),
    async restart(next) {
      await stop();
      current = await startHarness(next);
    },
  };
}

/** No issued token, refresh token, device code, password or client secret appears anywhere in the output. */
export function expectNoLeak(result: { stdout: string; stderr: string }, entra: EntraDouble): void {
  const all = `${result.stdout}\n${result.stderr}`;
  const secrets = [PASSWORD, CLIENT_SECRET, ...entra.issuedSecrets];
  // Also a token's payload and signature parts alone: a truncated or re-wrapped token would still show one of them.
  for (const token of entra.issuedTokens) secrets.push(token.split(".")[1], token.split(".")[2]);
  for (const s of secrets) {
    expect(all.includes(s), `a secret of length ${s.length} leaked into the output`).toBe(false);
  }
}

/** The text output shows this check's cause and fix. */
export function expectExplained(result: RunResult, check: Check): void {
  expect(check.cause, `check ${check.id} has no cause`).toBeTruthy();
  expect(check.fix, `check ${check.id} has no fix`).toBeTruthy();
  expect(result.stdout).toContain(`cause: ${check.cause}`);
  expect(result.stdout).toContain(`fix:   ${check.fix}`);
}
