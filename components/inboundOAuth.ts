/**
 * `InboundOAuth` (`k2oauth:index:InboundOAuth`): the whole inbound OAuth set-up between Entra ID and K2 for one
 * environment: the K2 API lookup, one ClientApp per configured client, and (K2 Five) the K2-side Bearer Token resource.
 *
 * Providers come through the standard `providers` option (index.ts passes the ones pinned to the stack's tenant and
 * cloud: providers.ts); every child and lookup uses them. Before anything is created, the tenant the azuread provider
 * is signed in to is compared with `tenantId`: every ClientApp and the K2 side wait for that check, so a wrong sign-in
 * creates nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { declareK2Side, type BearerTokenResource, type K2SideSummary } from "./bearerToken";
import { ClientApp } from "./clientApp";
import { formatConfigPath, type StackConfig } from "./config";
import { TYPE_INBOUND_OAUTH, type InboundOAuthRecord } from "./contracts";
import { v1AuthorizeUrl, v1Endpoints, type V1Endpoints } from "./entra";
import { verifySignedInTenant } from "./providers";
import { withValueGiven } from "./configMessages";
import { isoDay, ScheduleNotStartedError, secretSchedule, type ScheduleInput } from "./rotation";

export interface InboundOAuthArgs {
  config: StackConfig;
  /** The K2 admin password as a Pulumi secret (K2 Five). */
  k2AdminPassword?: pulumi.Input<string>;
  /** The day the secret schedule is computed for. Defaults to now. */
  now?: Date;
}

export interface OAuthScope {
  id: string;
  value: string;
}

/** The delegated scope with the configured value, or a clear error listing what the K2 API offers. */
export function findScope(scopes: readonly OAuthScope[], wanted: string, k2ApiClientId: string): OAuthScope {
  const found = scopes.find((s) => s.value === wanted);
  if (found !== undefined) return found;
  const offered = scopes.map((s) => s.value).filter((v) => v !== "");
  throw new pulumi.RunError(
    `k2-oauth:k2Api.scope: the K2 API service principal (clientId ${k2ApiClientId}) has no delegated scope with value '${wanted}'; ` +
      (offered.length > 0
        ? `it offers: ${offered.join(", ")}. Set k2Api.scope to one of them.`
        : "it offers no delegated scopes. Check k2Api.clientId names the K2 API app in this tenant."),
  );
}

export class InboundOAuth extends pulumi.ComponentResource {
  public readonly endpoints: V1Endpoints;
  public readonly clients: Record<string, ClientApp>;
  public readonly k2ApiServicePrincipalObjectId: pulumi.Output<string>;
  public readonly k2ScopeId: pulumi.Output<string>;
  /** Per client, the v1 sign-in URL with `resource=<audience>` a tester pastes into Postman or a browser. */
  public readonly authUrls: Record<string, pulumi.Output<string>>;
  /** The tenant the azuread provider is signed in to, once it is known to be `tenantId` (fails otherwise). */
  public readonly signedInTenant: pulumi.Output<string>;
  // The K2 side
  /** K2 Five: the Bearer Token resource in K2 Management; undefined on K2 Cloud. */
  public readonly bearerTokenResource: BearerTokenResource | undefined;
  /** What this stack does on the K2 side (the `k2Side` stack output). */
  public readonly k2Side: pulumi.Output<K2SideSummary>;

  constructor(name: string, args: InboundOAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    const record = inboundOAuthRecord(args.config);
    super(TYPE_INBOUND_OAUTH, name, record, opts);
    const { config } = args;
    const now = args.now ?? new Date();
    this.endpoints = v1Endpoints(config.cloud, config.tenantId);
    assertClientsStarted(config, now);

    this.signedInTenant = verifySignedInTenant({ tenantId: config.tenantId, cloud: config.cloud }, { parent: this });
    // Resources wait for the check (a failed check leaves them unregistered): children of a component register only
    // after the component itself, which waits for its dependsOn.
    const afterTenantCheck = { parent: this, dependsOn: this.signedInTenant.apply((): pulumi.Resource[] => []) };

    const k2ApiSp = azuread.getServicePrincipalOutput({ clientId: config.k2Api.clientId }, { parent: this });
    this.k2ApiServicePrincipalObjectId = k2ApiSp.objectId;
    this.k2ScopeId = k2ApiSp.oauth2PermissionScopes.apply(
      (scopes) => findScope(scopes ?? [], config.k2Api.scope, config.k2Api.clientId).id,
    );

    this.clients = {};
    this.authUrls = {};
    config.clients.forEach((client, index) => {
      const app = new ClientApp(
        client.name,
        {
          client,
          configPath: formatConfigPath(["clients", index]),
          k2Api: {
            clientId: config.k2Api.clientId,
            servicePrincipalObjectId: this.k2ApiServicePrincipalObjectId,
            scopeId: this.k2ScopeId,
            scope: config.k2Api.scope,
          },
          keyVault: config.keyVault,
          now,
        },
        afterTenantCheck,
      );
      this.clients[client.name] = app;
      this.authUrls[client.name] = app.clientId.apply((id) =>
        v1AuthorizeUrl(this.endpoints, id, config.k2Api.audience, client.redirectUris[0]),
      );
    });

    // The K2 side: the Bearer Token resource on K2 Five, nothing on K2 Cloud
    const k2Side = declareK2Side(this, config, this.endpoints, args.k2AdminPassword, afterTenantCheck.dependsOn);
    this.bearerTokenResource = k2Side.resource;
    this.k2Side = k2Side.summary;

    this.registerOutputs({
      ...record,
      authority: this.endpoints.authority,
      tokenEndpoint: this.endpoints.tokenEndpoint,
      clients: Object.fromEntries(Object.entries(this.clients).map(([n, c]) => [n, c.clientId])),
      k2Side: this.k2Side,
    });
  }
}

/** A client whose `secret.startDate` lies after the day planned has no secret yet: stop, naming the key. */
function assertClientsStarted(config: StackConfig, now: Date): void {
  config.clients.forEach((client, i) => assertStarted(client.secret, ["clients", i, "secret", "startDate"], "client", now));
}

/** Stops, naming the key, when a schedule's `startDate` lies after the day planned (no secret exists before it). */
export function assertStarted(secret: ScheduleInput, key: Array<string | number>, what: string, now: Date): void {
  try {
    secretSchedule(secret, now);
  } catch (err) {
    if (!(err instanceof ScheduleNotStartedError)) throw err;
    const today = isoDay(err.day);
    throw new pulumi.RunError(
      `${formatConfigPath(key)}: ` +
        withValueGiven(`expected the day the ${what} is added, ${today} (the day planned) or earlier, like ${today}`, err.startDate) +
        ` (no secret exists before ${/^[aeiou]/.test(what) ? "an" : "a"} ${what}'s start date)`,
    );
  }
}

/**
 * What InboundOAuth records as its inputs and outputs for the policy pack (components/contracts.ts): the tenant,
 * cloud, audience and K2 API the stack expects.
 */
export function inboundOAuthRecord(config: StackConfig): InboundOAuthRecord {
  return {
    tenantId: config.tenantId,
    cloud: config.cloud,
    audience: config.k2Api.audience,
    k2Api: { clientId: config.k2Api.clientId, scope: config.k2Api.scope },
  };
}
