/**
 * `npm run discover -- --stack <name> [--service-url <url>] [--out <file>]` (options and exit codes: DISCOVER_COMMAND)
 *
 * Reads K2's SmartObject Services discovery document (endpoints.xml), reports which OAuth management SmartObjects
 * and methods exist, and writes the mapping the stack's Bearer Token resource uses (default
 * `stacks/k2-mapping.<stack>.json`; point `k2-oauth:k2.smartObjectServices.mapping` at it).
 *
 * The K2 admin user name comes from the stack's `k2-oauth:k2.admin.username`; the password from the environment
 * variable K2_ADMIN_PASSWORD (`secure:` config values are not decrypted offline). Only GET requests are sent.
 * Exit codes: 0 mapping written; 1 K2 error or no OAuth SmartObjects found; 2 usage or config problem.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../components/config";
import { serviceUrlProblem } from "../components/k2/bearerTokenChecks";
import { buildMapping, DiscoveryError, parseDiscoveryDocument, type DiscoveredSmartObject } from "../components/k2/discovery";
import { createHttpClient, isK2Error, retryPolicy, type RetryPolicy } from "../components/k2/http";
import { defaultSmartObjectServicesUrl, type SmartObjectMapping } from "../components/k2/mapping";
import { rowsFromJson, smartObjectMethodUrl } from "../components/k2/smartObjectRest";
import { defineCommand, readCommandLine } from "./args";
import { loadStackFile, StackFileError, validateLoadedStack } from "./stackFile";

export const PASSWORD_ENV = "K2_ADMIN_PASSWORD";

export interface DiscoverIo {
  env: Readonly<Record<string, string | undefined>>;
  /** Project root: stacks/ and the default output live below it. */
  root: string;
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => Date;
  retry?: Partial<RetryPolicy>;
}

export const DISCOVER_COMMAND = defineCommand({
  script: "discover",
  description: [
    "Reads K2's SmartObject Services discovery document (GET requests only), reports which OAuth management",
    "SmartObjects and methods exist, and writes the SmartObject mapping the stack's Bearer Token resource uses.",
  ].join("\n"),
  options: [
    { name: "stack", value: "<name>", required: true, help: "the stack (stacks/Pulumi.<name>.yaml): K2 URL and admin user name" },
    {
      name: "service-url",
      value: "<url>",
      help: "SmartObject Services root (default: k2.smartObjectServices.url, else the K2 host on port 8888)",
    },
    { name: "out", value: "<file>", help: "where to write the mapping (default stacks/k2-mapping.<stack>.json)" },
  ],
  notes: `Environment: ${PASSWORD_ENV}, the K2 admin password (stack secrets are not decrypted offline).`,
  exitCodes: [
    [0, "mapping written"],
    [1, "K2 error, or no OAuth SmartObjects found"],
    [2, "usage or configuration error"],
  ],
  positionalHint: "name the stack with --stack <name>",
});

/** A problem with the stack or the environment: exit code 2, printed without the synopsis. */
class ConfigProblem extends Error {}

function checkServiceUrl(value: string): string {
  const problem = serviceUrlProblem(value);
  if (problem !== undefined) throw new ConfigProblem(`SmartObject Services URL: ${problem}`);
  return value.replace(/\/+$/, "");
}

function describe(label: string, so: DiscoveredSmartObject, mapped: SmartObjectMapping["resource"] | SmartObjectMapping["resourceParameter"]): string[] {
  return [
    `  ${label}: ${so.categoryPath}/${so.displayName} (system name ${mapped.systemName})`,
    `    methods: ${Object.entries(mapped.methods).map(([role, name]) => `${role} = ${name}`).join(", ")}`,
    `    properties: ${Object.entries(mapped.properties).map(([role, name]) => `${role} = ${name}`).join(", ")}`,
  ];
}

/** Runs discover; returns the exit code. */
export async function runDiscover(argv: readonly string[], io: DiscoverIo): Promise<number> {
  const line = readCommandLine(DISCOVER_COMMAND, argv, { stdout: (t) => io.out(t.replace(/\n$/, "")), stderr: (t) => io.err(t.replace(/\n$/, "")) });
  if ("exitCode" in line) return line.exitCode;
  const args = line.values;
  let serviceUrl: string;
  let username: string;
  try {
    const parsed = validateLoadedStack(loadStackFile(args.stack, io.root));
    if (!parsed.ok) throw new ConfigProblem(new ConfigError(parsed.issues).message);
    const k2 = parsed.config.k2;
    if (k2.edition === "cloud") {
      throw new ConfigProblem("k2-oauth:k2.edition is 'cloud': K2 Cloud manages its OAuth resource itself, there is nothing to discover");
    }
    if (k2.admin === undefined) throw new ConfigProblem("k2-oauth:k2.admin.username is required");
    username = k2.admin.username;
    serviceUrl = checkServiceUrl(args["service-url"] ?? k2.smartObjectServices?.url ?? defaultSmartObjectServicesUrl(k2.url));
  } catch (e) {
    if (e instanceof ConfigProblem || e instanceof StackFileError) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
  const password = io.env[PASSWORD_ENV];
  if (password === undefined || password === "") {
    io.err(
      `${PASSWORD_ENV} is not set: export the K2 admin password for ${username} in this variable (stack secrets are not decrypted offline), e.g.\n  read -rs ${PASSWORD_ENV} && export ${PASSWORD_ENV}`,
    );
    return 2;
  }

  const http = createHttpClient({ username, password }, retryPolicy(io.retry));
  const discoveryUrl = `${serviceUrl}/endpoints/endpoints.xml`;
  try {
    const doc = await http.send({ method: "GET", url: discoveryUrl, what: "read the discovery document", idempotent: true });
    const all = parseDiscoveryDocument(doc.text);
    const probe = async (so: DiscoveredSmartObject, list: string): Promise<string[]> => {
      const ref = { categoryPath: so.categoryPath, displayName: so.displayName, systemName: so.systemName ?? so.displayName };
      const res = await http.send({
        method: "GET",
        url: smartObjectMethodUrl(serviceUrl, ref, list, { $format: "json", $top: "1" }),
        what: `read one record of '${so.displayName}' to learn its properties`,
        idempotent: true,
      });
      const rows = rowsFromJson(res.text, `the list of '${so.displayName}'`);
      return rows.length > 0 ? Object.keys(rows[0]) : [];
    };
    const built = await buildMapping(all, probe, serviceUrl, io.now());
    const outFile = path.resolve(io.root, args.out ?? path.join("stacks", `k2-mapping.${args.stack}.json`));
    const document = {
      $comment:
        "Written by `npm run discover`. K2 does not document its OAuth management SmartObjects: these names were read from the server's discovery document; entries listed under `placeholders` were not found there and still hold project guesses - check them.",
      ...built.mapping,
    };
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, `${JSON.stringify(document, null, 2)}\n`);
    const relative = path.relative(io.root, outFile).split(path.sep).join("/");
    io.out(`K2 SmartObject Services at ${serviceUrl}: the discovery document lists ${all.length} SmartObject(s).`);
    io.out("OAuth management SmartObjects:");
    for (const line of describe("resource", built.resource, built.mapping.resource)) io.out(line);
    for (const line of describe("resourceParameter", built.parameter, built.mapping.resourceParameter)) io.out(line);
    if (built.otherOAuth.length > 0) io.out(`  also present (not used): ${built.otherOAuth.map((s) => `${s.categoryPath}/${s.displayName}`).join(", ")}`);
    io.out(`Still placeholders, check them on the server: ${built.mapping.placeholders.join(", ")}`);
    io.out(`Wrote ${relative}`);
    io.out(`Next: pulumi config set --path 'k2.smartObjectServices.mapping' ${relative} --stack ${args.stack}`);
    return 0;
  } catch (e) {
    if (isK2Error(e) || e instanceof DiscoveryError) {
      io.err(`discover: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  runDiscover(process.argv.slice(2), {
    env: process.env,
    root: process.cwd(),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    now: () => new Date(),
  }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`discover: unexpected error: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
