/**
 * Reads `pulumi stack output --json` of a k2-oauth stack (index.ts exports `clients.<name>.clientId` and
 * `clients.<name>.secrets[] { slot, generation, current, keyId, startDate, expires }`). Only those fields are read;
 * anything else in the file, such as `clientSecrets` when printed with --show-secrets, is ignored and never echoed.
 * `npm run verify`, `npm run due` and the deploy gate read deployed secrets through it.
 */
import * as fs from "node:fs";
import { z } from "zod";
import type { DeployedSecret, DeployedSecrets } from "../secretSafety";
import { UsageError } from "./options";

const SecretOutput = z.looseObject({
  slot: z.string(),
  generation: z.number().int().optional(),
  current: z.boolean().optional(),
  keyId: z.string().optional(),
  startDate: z.string().optional(),
  /** End date (RFC 3339), as index.ts exports it. */
  expires: z.string().optional(),
  /** Accepted too: the ApplicationPassword's own field name. */
  endDate: z.string().optional(),
});

const ClientOutput = z.looseObject({
  clientId: z.string().optional(),
  secrets: z.array(SecretOutput).optional(),
});

const StackOutputsSchema = z.looseObject({
  tenantId: z.string().optional(),
  metadataEndpoint: z.string().optional(),
  clients: z.record(z.string(), ClientOutput).optional(),
  /** The outbound app (`k2-oauth:outbound`): its name (`outbound.app.name`) and secrets. */
  outbound: z.looseObject({ name: z.string(), clientId: z.string().optional(), secrets: z.array(SecretOutput).optional() }).optional(),
});

/** A deployed client secret (the same shape the secret checks of the deploy gate use). */
export type SecretInfo = DeployedSecret;

export interface ClientOutputs {
  clientId: string | undefined;
  secrets: SecretInfo[] | undefined;
}

export interface StackOutputs {
  file: string;
  tenantId: string | undefined;
  clients: Record<string, ClientOutputs>;
  /** The outbound app, when the stack has one. */
  outbound?: ClientOutputs & { name: string };
}

export function parseStackOutputs(text: string, file: string): StackOutputs {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`--outputs ${file}: not JSON; expected the output of \`pulumi stack output --json --stack <name>\``);
  }
  const parsed = StackOutputsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `--outputs ${file}: unexpected shape at '${issue.path.join(".") || "(top)"}' (${issue.message}); expected the output of \`pulumi stack output --json --stack <name>\``,
    );
  }
  const secretsOf = (where: string, list: z.infer<typeof SecretOutput>[] | undefined): SecretInfo[] | undefined =>
    list?.map((s, i) => {
      const end = s.expires ?? s.endDate;
      const endDate = end === undefined ? undefined : new Date(end);
      if (endDate === undefined || Number.isNaN(endDate.getTime())) {
        throw new UsageError(`--outputs ${file}: ${where}.secrets[${i}] has no valid 'expires' date (RFC 3339)`);
      }
      const startDate = s.startDate === undefined ? undefined : new Date(s.startDate);
      if (startDate !== undefined && Number.isNaN(startDate.getTime())) {
        throw new UsageError(`--outputs ${file}: ${where}.secrets[${i}] has an invalid 'startDate' (RFC 3339 expected)`);
      }
      return { slot: s.slot, generation: s.generation, current: s.current, keyId: s.keyId, startDate, endDate };
    });
  const clients: Record<string, ClientOutputs> = {};
  for (const [name, c] of Object.entries(parsed.data.clients ?? {})) {
    clients[name] = { clientId: c.clientId, secrets: secretsOf(`clients.${name}`, c.secrets) };
  }
  const out = parsed.data.outbound;
  return {
    file,
    tenantId: parsed.data.tenantId,
    clients,
    ...(out !== undefined ? { outbound: { name: out.name, clientId: out.clientId, secrets: secretsOf("outbound", out.secrets) } } : {}),
  };
}

/** The deployed secrets per client (a client with no `secrets` counts as not deployed). */
export function deployedSecretsOf(outputs: StackOutputs): DeployedSecrets {
  const clients = Object.entries(outputs.clients).map(([name, c]) => [name, c.secrets] as const);
  // The outbound app's name is never a client's (the config refuses it): one map for both.
  return Object.fromEntries(outputs.outbound === undefined ? clients : [...clients, [outputs.outbound.name, outputs.outbound.secrets]]);
}

/** Reads and parses the outputs file; `label` names it in messages (default: the path given). */
export function loadStackOutputs(file: string, label: string = file): StackOutputs {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--outputs ${label}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseStackOutputs(text, label);
}
