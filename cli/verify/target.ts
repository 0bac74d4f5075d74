/**
 * What verify checks, resolved once from the stack file, the stack outputs and the overrides: tenant, endpoints,
 * audience, scope, the client and its client id, the K2 URL. Config problems become UsageError (exit code 2).
 */
import * as path from "node:path";
import { loadStackFile, StackFileError, validateLoadedStack } from "../stackFile";
import { ConfigError, type ClientConfig, type StackConfig } from "../../components/config";
import { classifyEndpoint, v1Endpoints, type V1Endpoints } from "../../components/entra";
import { loadStackOutputs, type StackOutputs } from "./outputs";
import { ENV, UsageError, type VerifyOptions } from "./options";

export interface VerifyTarget {
  stack: string;
  config: StackConfig;
  client: ClientConfig;
  /** Why this client: "--client" or "first of n clients". */
  clientChoice: string;
  clientId: string | undefined;
  clientIdSource: string | undefined;
  tenantId: string;
  audience: string;
  scope: string;
  endpoints: V1Endpoints;
  /** The login host actually used (host[:port]). */
  loginHost: string;
  /** The Metadata Endpoint checked: the one K2 uses (--metadata-url), else the v1 one. */
  metadataUrl: string;
  k2Url: string;
  outputs: StackOutputs | undefined;
}

export function resolveTarget(options: VerifyOptions, cwd: string): VerifyTarget {
  const root = path.resolve(cwd, options.root ?? ".");
  let config: StackConfig;
  try {
    const parsed = validateLoadedStack(loadStackFile(options.stack, root));
    if (!parsed.ok) throw new ConfigError(parsed.issues);
    config = parsed.config;
  } catch (e) {
    if (e instanceof StackFileError || e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }

  let client: ClientConfig;
  let clientChoice: string;
  if (options.client !== undefined) {
    const found = config.clients.find((c) => c.name === options.client);
    if (found === undefined) {
      throw new UsageError(`--client '${options.client}' is not in k2-oauth:clients of stack ${options.stack}; known: ${config.clients.map((c) => c.name).join(", ")}`);
    }
    client = found;
    clientChoice = "--client";
  } else {
    client = config.clients[0];
    clientChoice = config.clients.length === 1 ? "the only client" : `first of ${config.clients.length} clients; choose another with --client`;
  }

  const outputs = options.outputsFile === undefined ? undefined : loadStackOutputs(path.resolve(cwd, options.outputsFile));
  if (outputs?.tenantId !== undefined && outputs.tenantId.toLowerCase() !== config.tenantId) {
    throw new UsageError(`--outputs ${options.outputsFile}: its tenantId differs from k2-oauth:tenantId of stack ${options.stack}; pass the outputs of the same stack`);
  }

  let clientId: string | undefined;
  let clientIdSource: string | undefined;
  if (options.clientId !== undefined) {
    clientId = options.clientId;
    clientIdSource = `--client-id or ${ENV.clientId}`;
  } else {
    const fromOutputs = outputs?.clients[client.name]?.clientId;
    if (fromOutputs !== undefined && fromOutputs !== "[secret]") {
      clientId = fromOutputs.toLowerCase();
      clientIdSource = `stack outputs (${path.basename(outputs?.file ?? "")})`;
    }
  }
  if (clientId === undefined && options.auth !== "token-file") {
    throw new UsageError(
      `no client id for client '${client.name}': pass --outputs <file> with \`pulumi stack output --json --stack ${options.stack}\`, ` +
        `or --client-id <guid> (or ${ENV.clientId})`,
    );
  }

  const endpoints = v1Endpoints(config.cloud, config.tenantId, { loginHost: options.loginHost, issuerHost: options.issuerHost });
  const loginHost = new URL(endpoints.authority).host;
  if (options.metadataUrl !== undefined && classifyEndpoint(options.metadataUrl).kind !== "metadata") {
    throw new UsageError(`--metadata-url: expected an OpenID metadata URL ending in /.well-known/openid-configuration, got '${options.metadataUrl}'`);
  }
  return {
    stack: options.stack,
    config,
    client,
    clientChoice,
    clientId,
    clientIdSource,
    tenantId: config.tenantId,
    audience: config.k2Api.audience,
    scope: config.k2Api.scope,
    endpoints,
    loginHost,
    metadataUrl: options.metadataUrl ?? endpoints.metadataEndpoint,
    k2Url: (options.k2Url ?? config.k2.url).replace(/\/+$/, ""),
    outputs,
  };
}
