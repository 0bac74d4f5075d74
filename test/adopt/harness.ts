/**
 * Shared set-up for the adopt tests: an Entra ID double (sign-in) and a Microsoft Graph double on 127.0.0.1, a project
 * root in a temp directory, and `run(args)` that calls runAdopt in-process with a fixed clock, a recording sleep (no
 * real waits) and captured stdout/stderr.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { runAdopt, type AdoptOutcome } from "../../cli/adopt";
import { EntraDouble, generateSigningKeys } from "../doubles/entraServer";
import { GraphDouble } from "../doubles/graphServer";
import { AUDIENCE, K2_API_CLIENT_ID, K2_URL, TENANT } from "../helpers/testTenant";
import { GRAPH_APP_ID, seedTenant, type HandMadeApp } from "./tenantFixtures";

export { TENANT, K2_API_CLIENT_ID, AUDIENCE, K2_URL };
/** The app adopt signs in with (a public client with consent for the Graph permissions). */
export const SIGN_IN_APP = "5191a000-0000-4000-8000-000000000001";
export const ADMIN = { username: "reader@contoso.example", password: "R3ader!password-for-adopt" };
/** Everything runs on this day: the adoption day written as secret.startDate, and the report's expiry counts. */
export const NOW = new Date("2026-11-29T12:00:00Z");

export interface AdoptRun extends AdoptOutcome {
  stdout: string;
  stderr: string;
  /** Waits adopt asked for (retry backoff, Retry-After), in ms. */
  sleeps: number[];
}

export interface Doubles {
  entra: EntraDouble;
  graph: GraphDouble;
}

/** The stack file text of a stack with the stack-wide settings of the test tenant and the clients given (none: no key). */
export function skeletonStack(options: { comment?: string; edition?: "five" | "cloud"; clients?: string } = {}): string {
  const edition = options.edition ?? "five";
  return [
    options.comment ?? "# The legacy environment: its apps were made by hand (KB002784).",
    "config:",
    `  k2-oauth:tenantId: ${TENANT}`,
    "  k2-oauth:k2Api:",
    `    clientId: ${K2_API_CLIENT_ID}   # the K2 API enterprise application`,
    "  k2-oauth:k2:",
    `    url: ${K2_URL}`,
    `    edition: ${edition}`,
    ...(edition === "five" ? ["    admin:", "      username: EXAMPLE\\svc-k2", "      password:", "        secure: v1:PLACEHOLDER"] : []),
    ...(options.clients !== undefined ? [options.clients] : []),
    "",
  ].join("\n");
}

/** Starts both doubles once per test file, with the tenant's apps; closes them at the end. */
export function useDoubles(apps: () => HandMadeApp[]): Doubles {
  const doubles = {} as Doubles;
  beforeAll(async () => {
    const keys = await generateSigningKeys();
    doubles.graph = await GraphDouble.start();
    doubles.entra = await EntraDouble.start({
      tenantId: TENANT,
      keys,
      now: () => NOW,
      apps: [{ clientId: SIGN_IN_APP, displayName: "k2-oauth adopt", publicClient: true }],
      users: [{ username: ADMIN.username, password: ADMIN.password }],
      resources: [{ audience: doubles.graph.url, clientId: GRAPH_APP_ID, scopes: ["Application.Read.All", "Directory.Read.All"] }],
    });
    // The double's clock is fixed in the past of the wall clock: tokens it issues are checked against NOW.
    doubles.graph.acceptToken = acceptAt(doubles.graph, NOW);
    seedTenant(doubles.graph, apps());
  });
  afterAll(async () => {
    await doubles.entra?.close();
    await doubles.graph?.close();
  });
  return doubles;
}

function acceptAt(graph: GraphDouble, now: Date): (token: string) => boolean {
  return (token) => {
    const [, payload] = token.split(".");
    try {
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as { aud?: unknown; exp?: unknown };
      return claims.aud === graph.url && (typeof claims.exp !== "number" || claims.exp * 1000 > now.getTime());
    } catch {
      return false;
    }
  };
}

export function tempRoot(stacks: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "adopt-"));
  fs.mkdirSync(path.join(root, "stacks"));
  for (const [name, text] of Object.entries(stacks)) fs.writeFileSync(path.join(root, "stacks", `Pulumi.${name}.yaml`), text);
  return root;
}

export function removeRoot(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** The arguments that point adopt at the doubles and sign in with the password grant. */
export function doubleArgs(d: Doubles, root: string): string[] {
  return ["--root", root, "--login-host", d.entra.url, "--graph-url", d.graph.url];
}

export const PASSWORD_ENV = { K2_ADOPT_USERNAME: ADMIN.username, K2_ADOPT_PASSWORD: ADMIN.password, K2_ADOPT_CLIENT_ID: SIGN_IN_APP };

export async function run(args: string[], env: Record<string, string | undefined> = PASSWORD_ENV, cwd: string = os.tmpdir()): Promise<AdoptRun> {
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  const outcome = await runAdopt(args, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    cwd,
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { ...outcome, stdout: out.join(""), stderr: err.join(""), sleeps };
}

export function readStack(root: string, stack: string): string {
  return fs.readFileSync(path.join(root, "stacks", `Pulumi.${stack}.yaml`), "utf8");
}
