/**
 * The stack-config model (namespace `k2-oauth`), as ../shared/DESIGN.md lays it out: a zod schema with defaults and
 * cross-field rules, and a parser whose errors name the full key path and what is expected, all at once.
 *
 * Pure: no Pulumi imports, so the CLI can validate a stack file with the same rules the program uses.
 */
import { z } from "zod";
import { CLOUDS, GUID_PATTERN } from "./entra";
import { parseUtcDay } from "./rotation";

export const CONFIG_NAMESPACE = "k2-oauth";

/** The config keys of the namespace, in the order they are documented. */
export const CONFIG_KEYS = ["tenantId", "cloud", "k2Api", "k2", "keyVault", "clients"] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

export const DEFAULT_AUDIENCE = "https://api.k2.com/";
export const DEFAULT_SCOPE = "user_impersonation";
export const DEFAULT_BEARER_TOKEN_RESOURCE_NAME = "K2 API";
export const MAX_SECRET_LIFETIME_DAYS = 730;
export const DEFAULT_SECRET = { lifetimeDays: 180, rotateAfterDays: 150 } as const;

/** Paths (dot form, without namespace) whose values are secrets: never echoed, wrapped as Pulumi secrets. */
export const SECRET_CONFIG_PATHS = ["k2.admin.password"] as const;

const guid = z
  .string({ error: "expected a GUID string like 11111111-2222-3333-4444-555555555555" })
  .regex(GUID_PATTERN, { error: "expected a GUID like 11111111-2222-3333-4444-555555555555" })
  .transform((s) => s.toLowerCase());

function httpsUrl(what: string) {
  return z.string({ error: `expected ${what} as an https URL string` }).superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `expected ${what} as an absolute https URL` });
      return;
    }
    if (url.protocol !== "https:") ctx.addIssue({ code: "custom", message: `expected ${what} to use https, got ${url.protocol}//` });
    if (url.hostname.includes("*")) ctx.addIssue({ code: "custom", message: `expected ${what} without wildcards` });
    if (url.username !== "" || url.password !== "") {
      ctx.addIssue({ code: "custom", message: `expected ${what} without user name or password in the URL` });
    }
  });
}

const slug = z
  .string({ error: "expected a slug string" })
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "expected a slug of lower-case letters, digits and single hyphens, like power-automate" })
  .max(40, { error: "expected at most 40 characters (it becomes part of resource names)" });

const nonEmpty = (what: string) =>
  z.string({ error: `expected ${what} as a string` }).trim().min(1, { error: `expected a non-empty ${what}` });

export const SecretScheduleSchema = z
  .strictObject({
    lifetimeDays: z
      .number({ error: "expected a whole number of days" })
      .int({ error: "expected a whole number of days" })
      .min(1, { error: "expected at least 1 day" })
      .max(MAX_SECRET_LIFETIME_DAYS, { error: `expected at most ${MAX_SECRET_LIFETIME_DAYS} days (Entra ID's 24-month cap)` })
      .default(DEFAULT_SECRET.lifetimeDays),
    rotateAfterDays: z
      .number({ error: "expected a whole number of days" })
      .int({ error: "expected a whole number of days" })
      .min(1, { error: "expected at least 1 day" })
      .default(DEFAULT_SECRET.rotateAfterDays),
    /** The day the client joined: its first secret starts then, with the full lifetime (components/rotation.ts). */
    startDate: z
      .string({ error: "expected the day the client joined as a date string like 2026-03-01" })
      .refine((text) => parseUtcDay(text) !== undefined, { error: "expected a calendar day written YYYY-MM-DD, like 2026-03-01" })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (s.rotateAfterDays >= s.lifetimeDays) {
      ctx.addIssue({
        code: "custom",
        path: ["rotateAfterDays"],
        message: `expected fewer days than lifetimeDays (${s.lifetimeDays}) so that two valid secrets overlap after a rotation, got ${s.rotateAfterDays}`,
      });
    } else if (2 * s.rotateAfterDays < s.lifetimeDays) {
      // Two slots: the previous secret is replaced at the next rotation, so its overlap cannot exceed rotateAfterDays.
      ctx.addIssue({
        code: "custom",
        path: ["rotateAfterDays"],
        message: `expected at least half of lifetimeDays (>= ${Math.ceil(s.lifetimeDays / 2)}): with two secret slots the previous secret is replaced at the next rotation, so an overlap of lifetimeDays - rotateAfterDays = ${s.lifetimeDays - s.rotateAfterDays} days could not be kept; got ${s.rotateAfterDays}`,
      });
    }
  });

export const ClientSchema = z.strictObject({
  name: slug,
  displayName: nonEmpty("display name").pipe(z.string().max(120, { error: "expected at most 120 characters" })),
  redirectUris: z.array(httpsUrl("a redirect URI"), { error: "expected a list of https redirect URIs" }).default([]),
  owners: z.array(guid, { error: "expected a list of owner object ids (GUIDs)" }).default([]),
  secret: SecretScheduleSchema.default({ ...DEFAULT_SECRET }),
});

export const K2ApiSchema = z.strictObject({
  clientId: guid,
  scope: nonEmpty("delegated scope value").default(DEFAULT_SCOPE),
  audience: httpsUrl("the audience (token resource)").default(DEFAULT_AUDIENCE),
});

export const K2AdminSchema = z.strictObject({
  username: nonEmpty("K2 admin user name, like DOMAIN\\svc-k2"),
  password: z.string({ error: "expected the password as a secret string (pulumi config set --secret --path 'k2.admin.password')" }).min(1, {
    error: "expected a non-empty password",
  }),
});

export const BearerTokenResourceConfigSchema = z.strictObject({
  name: nonEmpty("K2 OAuth resource name").default(DEFAULT_BEARER_TOKEN_RESOURCE_NAME),
});

/** Optional (issue 4): where K2's SmartObject REST services are and which mapping `npm run discover` wrote. */
export const SmartObjectServicesConfigSchema = z.strictObject({
  /** Default: the K2 site's scheme and host on port 8888, path /SmartObjectServices. */
  url: httpsUrl("the SmartObject Services root, like https://k2.example.com:8888/SmartObjectServices")
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  /** Path (from the project root) of the mapping file, like stacks/k2-mapping.dev.json. */
  mapping: nonEmpty("path of the mapping file written by npm run discover, like stacks/k2-mapping.dev.json").optional(),
});

export const K2Schema = z
  .strictObject({
    url: httpsUrl("the K2 site URL").transform((u) => u.replace(/\/+$/, "")),
    edition: z.enum(["five", "cloud"], { error: "expected 'five' (K2 Five, on premises) or 'cloud' (K2 Cloud)" }).default("five"),
    bearerTokenResource: BearerTokenResourceConfigSchema.optional(),
    admin: K2AdminSchema.optional(),
    smartObjectServices: SmartObjectServicesConfigSchema.optional(),
  })
  .superRefine((k2, ctx) => {
    if (k2.edition === "cloud" && k2.bearerTokenResource !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["bearerTokenResource"],
        message: "expected no bearerTokenResource with edition 'cloud': K2 Cloud manages its side of the OAuth resource itself",
      });
    }
    if (k2.edition === "five" && k2.admin === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["admin"],
        message: "expected K2 admin credentials (username, and password set with --secret) with edition 'five', to manage the Bearer Token resource",
      });
    }
  })
  .transform((k2) =>
    k2.edition === "five" && k2.bearerTokenResource === undefined
      ? { ...k2, bearerTokenResource: { name: DEFAULT_BEARER_TOKEN_RESOURCE_NAME } }
      : k2,
  );

export const KeyVaultSchema = z.strictObject({
  resourceGroupName: nonEmpty("resource group name").pipe(
    z.string().regex(/^[-\w._()]{1,90}$/, { error: "expected 1-90 letters, digits, '-', '_', '.', '(' or ')'" }),
  ),
  vaultName: z
    .string({ error: "expected the Key Vault name as a string" })
    .regex(/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/, {
      error: "expected a Key Vault name of 3-24 letters, digits and hyphens, starting with a letter",
    })
    .refine((s) => !s.includes("--"), { error: "expected no consecutive hyphens in a Key Vault name" }),
});

export const StackConfigSchema = z
  .strictObject({
    tenantId: guid,
    cloud: z.enum(CLOUDS, { error: `expected one of ${CLOUDS.join(", ")}` }).default("public"),
    k2Api: K2ApiSchema,
    k2: K2Schema,
    keyVault: KeyVaultSchema.optional(),
    clients: z.array(ClientSchema, { error: "expected a list of client apps" }).min(1, { error: "expected at least one client app" }),
  })
  .superRefine((cfg, ctx) => {
    const firstIndex = new Map<string, number>();
    cfg.clients.forEach((client, i) => {
      const before = firstIndex.get(client.name);
      if (before !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["clients", i, "name"],
          message: duplicateNameMessage(client.name, before),
        });
      } else {
        firstIndex.set(client.name, i);
      }
    });
  });

export type StackConfig = z.output<typeof StackConfigSchema>;
export type ClientConfig = StackConfig["clients"][number];
export type SecretScheduleConfig = ClientConfig["secret"];
export type K2Config = StackConfig["k2"];
export type K2ApiConfig = StackConfig["k2Api"];
export type KeyVaultConfig = NonNullable<StackConfig["keyVault"]>;

/** A config problem: the full key path (`k2-oauth:clients[1].secret.lifetimeDays`) and what is expected. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(
      `Invalid stack configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** `["clients", 1, "secret", "lifetimeDays"]` → `k2-oauth:clients[1].secret.lifetimeDays`. */
export function formatConfigPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return `${CONFIG_NAMESPACE}`;
  let out = `${CONFIG_NAMESPACE}:${String(path[0])}`;
  for (const part of path.slice(1)) out += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => `'${k}'`).join(", ")}; check the spelling against the documented keys`;
    case "invalid_type":
      if (issue.input === undefined) return `is required: ${issue.message}`;
      return issue.message;
    default:
      return issue.message;
  }
}

export type ParseResult = { ok: true; config: StackConfig } | { ok: false; issues: ConfigIssue[] };

/**
 * Validates raw config values, keyed by the key without namespace (`tenantId`, `clients`, ...).
 * Returns every problem at once. Messages never include a config value (some are secrets).
 */
export function parseStackConfig(raw: Readonly<Record<string, unknown>>): ParseResult {
  const result = StackConfigSchema.safeParse(raw);
  if (result.success) return { ok: true, config: result.data };
  const issues = result.error.issues.map((issue) => ({ path: formatConfigPath(issue.path), message: describeIssue(issue) }));
  // zod skips object-level refinements once a field fails, so duplicate names are also checked on the raw input:
  // every problem is reported in one run.
  for (const dup of duplicateClientNames(raw.clients)) {
    if (!issues.some((i) => i.path === dup.path && i.message === dup.message)) issues.push(dup);
  }
  return { ok: false, issues };
}

function duplicateClientNames(clients: unknown): ConfigIssue[] {
  if (!Array.isArray(clients)) return [];
  const firstIndex = new Map<string, number>();
  const out: ConfigIssue[] = [];
  clients.forEach((client: unknown, i) => {
    const name = typeof client === "object" && client !== null ? (client as { name?: unknown }).name : undefined;
    if (typeof name !== "string") return;
    const before = firstIndex.get(name);
    if (before === undefined) firstIndex.set(name, i);
    else out.push({ path: formatConfigPath(["clients", i, "name"]), message: duplicateNameMessage(name, before) });
  });
  return out;
}

function duplicateNameMessage(name: string, firstIndex: number): string {
  return `expected a unique name; '${name}' is already used by clients[${firstIndex}]`;
}

/** As parseStackConfig, throwing a ConfigError that lists every problem. */
export function validateStackConfig(raw: Readonly<Record<string, unknown>>): StackConfig {
  const result = parseStackConfig(raw);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}
