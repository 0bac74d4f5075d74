/**
 * `OutboundOAuth` (`k2oauth:index:OutboundOAuth`): the other direction of K2 KB002028, K2 calling Microsoft services on
 * a user's (or its own) behalf. The Entra app registration K2 signs in with (single tenant, K2's redirect URI, implicit
 * grant off), its service principal, the permissions K2 needs on each audience (looked up by value on the service's
 * service principal: delegated scopes, or app roles for app-only resources), admin consent (one delegated grant per
 * service, app role assignments), and the app's client secret with the same two-slot rotation and Key Vault storage
 * as the inbound clients (./rotatingSecret.ts).
 *
 * The K2 side, one K2 OAuth resource per audience, is described by `k2Resources` (what to enter in K2 Management).
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { formatConfigPath, type KeyVaultConfig, type OutboundConfig, type OutboundResourceConfig } from "./config";
import { TYPE_OUTBOUND_OAUTH, type OutboundOAuthRecord } from "./contracts";
import type { K2Connection } from "./bearerToken";
import { CONSENT_CREATE_TIMEOUT } from "./clientApp";
import { assertStarted } from "./inboundOAuth";
import { OAuthResource } from "./outboundResource";
import { v1Endpoints, type Cloud } from "./entra";
import { outboundResourceFields, resourceSlug, type OutboundResourceFields } from "./outbound";
import { verifySignedInTenant } from "./providers";
import { declareRotatingSecrets, type ClientSecretInfo } from "./rotatingSecret";

export interface OutboundOAuthArgs {
  outbound: OutboundConfig;
  /** The K2 site (`k2-oauth:k2.url`): its host is the redirect URI's (recorded for the policy pack). */
  k2Url: string;
  tenantId: string;
  cloud: Cloud;
  keyVault?: KeyVaultConfig;
  /** The day the secret schedule is computed for. */
  now: Date;
  /** K2 Five: how K2 is reached, to manage one K2 OAuth resource per audience; undefined on K2 Cloud (values only). */
  k2?: K2Connection;
  /**
   * The tenant check InboundOAuth already made (its `signedInTenant`): everything here waits for it. Without it the
   * component makes its own.
   */
  signedInTenant?: pulumi.Output<string>;
}

/** A permission as a service principal offers it: a delegated scope or an app role. */
export interface OfferedPermission {
  id: string;
  value: string;
}

/** Where a permission value sits in the stack config, for messages. */
export interface PermissionOrigin {
  resourceIndex: number;
  permissionIndex: number;
  resourceAppId: string;
  appOnly: boolean;
}

/**
 * The permission with the configured value among those the service principal offers (scopes for delegated, app roles
 * for app-only), or a clear error naming the config key and listing the values offered.
 */
export function findPermission(offered: readonly OfferedPermission[], wanted: string, origin: PermissionOrigin): OfferedPermission {
  const found = offered.find((p) => p.value === wanted);
  if (found !== undefined) return found;
  const kind = origin.appOnly ? "app role" : "delegated scope";
  const values = offered.map((p) => p.value).filter((v) => v !== "");
  const key = formatConfigPath(["outbound", "resources", origin.resourceIndex, "permissions", origin.permissionIndex]);
  throw new pulumi.RunError(
    `${key}: the service principal of the app ${origin.resourceAppId} has no ${kind} with value '${wanted}'; ` +
      (values.length > 0
        ? `it offers: ${values.join(", ")}. Use one of them${origin.appOnly ? "" : " (or set appOnly: true for an app role)"}.`
        : `it offers no ${kind}s.${origin.appOnly ? " Set appOnly: false for delegated scopes," : " Set appOnly: true for app roles,"} or check the audience and resourceAppId.`),
  );
}

/** One service the app needs permissions on: its app id, the resources that use it, and its slug for names. */
interface ServiceAccess {
  resourceAppId: string;
  slug: string;
  resources: Array<{ resource: OutboundResourceConfig; index: number }>;
}

/** The services of the resources, in order of first use; the slug is the well-known service's, else the first resource's. */
export function servicesOf(resources: readonly OutboundResourceConfig[]): ServiceAccess[] {
  const out: ServiceAccess[] = [];
  resources.forEach((resource, index) => {
    const existing = out.find((s) => s.resourceAppId === resource.resourceAppId);
    if (existing !== undefined) existing.resources.push({ resource, index });
    else out.push({ resourceAppId: resource.resourceAppId, slug: resource.service ?? resource.slug, resources: [{ resource, index }] });
  });
  return out;
}

/** Values in order, each once. */
function unique(values: readonly string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}

/** What to enter in K2 Management for one resource (K2 Cloud) or what this stack manages (K2 Five); no secret in it. */
export interface K2ResourceValues extends OutboundResourceFields {
  audience: string;
  /** Where the client_secret value comes from (never the value itself). */
  clientSecretFrom: string;
}

export class OutboundOAuth extends pulumi.ComponentResource {
  public readonly application: azuread.Application;
  public readonly servicePrincipal: azuread.ServicePrincipal;
  /** One delegated grant (AllPrincipals) per service with delegated permissions, by service slug. */
  public readonly delegatedGrants: Record<string, azuread.ServicePrincipalDelegatedPermissionGrant>;
  /** One assignment per app role of app-only resources. */
  public readonly appRoleAssignments: azuread.AppRoleAssignment[];
  public readonly passwords: azuread.ApplicationPassword[];
  public readonly secrets: ClientSecretInfo[];
  /** The current secret: the value K2's client_secret parameters hold. */
  public readonly currentSecret: ClientSecretInfo;
  /** Its password: whatever sets the current value elsewhere depends on it. */
  public readonly currentPassword: azuread.ApplicationPassword;
  public readonly keyVaultSecretName: string | undefined;
  public readonly nextRotation: string;
  public readonly overlapDays: number;
  public readonly clientId: pulumi.Output<string>;
  /** `k2-oauth:outbound.app.name`: the prefix of the resource names and of the Key Vault secret name. */
  public readonly appName: string;
  public readonly redirectUri: string;
  /** Per K2 resource (in config order), its fields and parameter values; client_secret named, never shown. */
  public readonly k2Resources: pulumi.Output<K2ResourceValues[]>;
  /** K2 Five: the K2 OAuth resources this stack manages, by config name; empty on K2 Cloud. */
  public readonly k2OAuthResources: Record<string, OAuthResource>;

  constructor(name: string, args: OutboundOAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    const record: OutboundOAuthRecord = {
      configPath: "k2-oauth:outbound",
      tenantId: args.tenantId,
      cloud: args.cloud,
      k2Url: args.k2Url,
      redirectUri: args.outbound.app.redirectUri,
    };
    super(TYPE_OUTBOUND_OAUTH, name, record, opts);
    const { outbound } = args;
    const app = outbound.app;
    this.redirectUri = app.redirectUri;
    assertStarted(app.secret, ["outbound", "app", "secret", "startDate"], "outbound app", args.now);
    this.appName = app.name;

    const signedInTenant = args.signedInTenant ?? verifySignedInTenant({ tenantId: args.tenantId, cloud: args.cloud }, { parent: this });
    const child = { parent: this, dependsOn: signedInTenant.apply((): pulumi.Resource[] => []) };

    const services = servicesOf(outbound.resources);
    const lookups = services.map((service) => ({
      service,
      sp: azuread.getServicePrincipalOutput({ clientId: service.resourceAppId }, { parent: this }),
    }));

    this.application = new azuread.Application(
      `${app.name}-app`,
      {
        displayName: app.displayName,
        signInAudience: "AzureADMyOrg",
        owners: app.owners,
        preventDuplicateNames: true,
        web: {
          redirectUris: [app.redirectUri],
          implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false },
        },
        requiredResourceAccesses: lookups.map(({ service, sp }) => ({
          resourceAppId: service.resourceAppId,
          resourceAccesses: pulumi.all([sp.oauth2PermissionScopes, sp.appRoles]).apply(([scopes, roles]) => {
            const accesses: Array<{ id: string; type: string }> = [];
            for (const { resource, index } of service.resources) {
              resource.permissions.forEach((value, permissionIndex) => {
                const origin = { resourceIndex: index, permissionIndex, resourceAppId: service.resourceAppId, appOnly: resource.appOnly };
                const found = findPermission(resource.appOnly ? (roles ?? []) : (scopes ?? []), value, origin);
                const type = resource.appOnly ? "Role" : "Scope";
                if (!accesses.some((a) => a.id === found.id && a.type === type)) accesses.push({ id: found.id, type });
              });
            }
            return accesses;
          }),
        })),
      },
      child,
    );
    this.clientId = this.application.clientId;

    this.servicePrincipal = new azuread.ServicePrincipal(
      `${app.name}-sp`,
      { clientId: this.application.clientId, owners: app.owners, appRoleAssignmentRequired: false },
      child,
    );

    // Admin consent. Delegated: one grant per service for every principal (AllPrincipals), with the scope values. App-only:
    // one app role assignment per role. Both wait for the new service principal (Entra replication: see ClientApp).
    const afterSp = { ...child, dependsOn: [this.servicePrincipal], customTimeouts: { create: CONSENT_CREATE_TIMEOUT } };
    this.delegatedGrants = {};
    this.appRoleAssignments = [];
    for (const { service, sp } of lookups) {
      const delegated = unique(service.resources.filter((r) => !r.resource.appOnly).flatMap((r) => r.resource.permissions));
      if (delegated.length > 0) {
        this.delegatedGrants[service.slug] = new azuread.ServicePrincipalDelegatedPermissionGrant(
          `${app.name}-consent-${service.slug}`,
          { servicePrincipalObjectId: this.servicePrincipal.objectId, resourceServicePrincipalObjectId: sp.objectId, claimValues: delegated },
          afterSp,
        );
      }
      const roles = service.resources.filter((r) => r.resource.appOnly);
      const seen = new Set<string>();
      for (const { resource, index } of roles) {
        resource.permissions.forEach((value, permissionIndex) => {
          if (seen.has(value)) return;
          seen.add(value);
          const origin = { resourceIndex: index, permissionIndex, resourceAppId: service.resourceAppId, appOnly: true };
          this.appRoleAssignments.push(
            new azuread.AppRoleAssignment(
              `${app.name}-role-${service.slug}-${resourceSlug(value)}`,
              {
                appRoleId: sp.appRoles.apply((offered) => findPermission(offered ?? [], value, origin).id),
                principalObjectId: this.servicePrincipal.objectId,
                resourceObjectId: sp.objectId,
              },
              afterSp,
            ),
          );
        });
      }
    }

    const rotating = declareRotatingSecrets(this, this.application, app, args.now, args.keyVault);
    this.passwords = rotating.passwords;
    this.secrets = rotating.secrets;
    this.currentSecret = rotating.current;
    this.currentPassword = rotating.currentPassword;
    this.keyVaultSecretName = rotating.keyVaultSecretName;
    this.nextRotation = rotating.nextRotation;
    this.overlapDays = rotating.overlapDays;

    const endpoints = v1Endpoints(args.cloud, args.tenantId);
    const clientSecretFrom =
      args.keyVault === undefined
        ? "the stack output outboundClientSecret (a secret: pulumi stack output --show-secrets outboundClientSecret)"
        : `the latest version of Key Vault secret ${rotating.keyVaultSecretName} in vault ${args.keyVault.vaultName}`;
    this.k2Resources = this.application.clientId.apply((clientId) =>
      outbound.resources.map(
        (resource): K2ResourceValues => ({
          ...outboundResourceFields(resource, endpoints, { clientId, redirectUri: app.redirectUri }),
          audience: resource.audience,
          clientSecretFrom,
        }),
      ),
    );

    // K2 Five: one K2 OAuth resource per audience, its client_secret the current secret. It depends on the current
    // password (its value comes from it, and dependsOn says so), so a rotation day creates the new password first and
    // then updates K2, in the same `pulumi up`; the previous secret stays valid for the overlap.
    this.k2OAuthResources = {};
    const k2 = args.k2;
    if (k2 !== undefined) {
      const current = rotating.currentPassword;
      // Known at plan time except the app's client id: only the values that hold it wait for the app.
      const marker = "\u0000clientId\u0000";
      const clientId = this.application.clientId;
      outbound.resources.forEach((resource) => {
        const fields = outboundResourceFields(resource, endpoints, { clientId: marker, redirectUri: app.redirectUri });
        const secretLegs = fields.secretLegs;
        const parameters = Object.fromEntries(
          Object.entries(fields.parameters).map(([name, legs]) => [
            name,
            Object.fromEntries(
              Object.entries(legs).map(([leg, value]) => [leg, value.includes(marker) ? clientId.apply((id) => value.split(marker).join(id)) : value]),
            ),
          ]),
        );
        this.k2OAuthResources[resource.name] = new OAuthResource(
          `${app.name}-k2-${resource.slug}`,
          {
            k2Url: k2.k2Url,
            resourceName: resource.name,
            resourceType: resource.resourceType,
            authorizationEndpoint: fields.authorizationEndpoint,
            tokenEndpoint: fields.tokenEndpoint,
            refreshTokenEndpoint: fields.refreshTokenEndpoint,
            metadataEndpoint: fields.metadataEndpoint,
            useHostServerAuthorizationEndpoint: false,
            parameters,
            secretLegs,
            clientSecret: rotating.current.value,
            credentials: k2.credentials,
            management: k2.management,
          },
          { parent: this, dependsOn: signedInTenant.apply((): pulumi.Resource[] => [current]) },
        );
      });
    }

    this.registerOutputs({
      ...record,
      clientId: this.clientId,
      servicePrincipalObjectId: this.servicePrincipal.objectId,
      redirectUri: this.redirectUri,
      secrets: this.secrets.map((s) => ({ slot: s.slot, keyId: s.keyId, endDate: s.endDate, current: s.current })),
      keyVaultSecretName: this.keyVaultSecretName,
      k2Resources: this.k2Resources,
    });
  }
}
