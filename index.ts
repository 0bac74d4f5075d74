/**
 * The k2-oauth Pulumi program: validates the stack's `k2-oauth` config, pins the azuread and azure-native providers to
 * the stack's tenant and cloud, and declares one InboundOAuth component with them.
 * Stack outputs are described in README.md ("Stack outputs").
 */
import * as pulumi from "@pulumi/pulumi";
import { k2Connection } from "./components/bearerToken";
import { InboundOAuth } from "./components/inboundOAuth";
import { OutboundOAuth } from "./components/outboundOAuth";
import { planDay } from "./components/planDay";
import { loadProgramConfig } from "./components/programConfig";
import { pinnedProviders } from "./components/providers";
import { providerSettings } from "./components/providerSettings";
import { describeSecrets } from "./components/rotation";

const { config, k2AdminPassword } = loadProgramConfig();
const now = planDay();
const target = { tenantId: config.tenantId, cloud: config.cloud };
// The stack's own azuread:* and azure-native:* config goes to the pinned providers (the engine gives it only to default ones).
const providers = pinnedProviders("k2-oauth", target, undefined, providerSettings(pulumi.runtime.allConfig(), target));
const oauth = new InboundOAuth("k2-oauth", { config, k2AdminPassword, now }, { providers: [providers.azuread, providers.azureNative] });
const outboundOAuth =
  config.outbound === undefined
    ? undefined
    : new OutboundOAuth(
        "k2-oauth-outbound",
        {
          outbound: config.outbound,
          k2Url: config.k2.url,
          tenantId: config.tenantId,
          cloud: config.cloud,
          keyVault: config.keyVault,
          now,
          signedInTenant: oauth.signedInTenant,
          k2: k2Connection(config, k2AdminPassword),
        },
        { providers: [providers.azuread, providers.azureNative] },
      );

export const tenantId = config.tenantId;
export const cloud = config.cloud;
export const authority = oauth.endpoints.authority;
export const tokenEndpoint = oauth.endpoints.tokenEndpoint;
export const metadataEndpoint = oauth.endpoints.metadataEndpoint;
export const audience = config.k2Api.audience;
export const k2ScopeId = oauth.k2ScopeId;
/** K2 side: the Bearer Token resource this stack manages (K2 Five), or a note that K2 manages it (K2 Cloud). */
export const k2Side = oauth.k2Side;

export const clients = Object.fromEntries(
  Object.entries(oauth.clients).map(([name, app]) => [
    name,
    {
      clientId: app.clientId,
      tenantId: config.tenantId,
      authority: oauth.endpoints.authority,
      tokenEndpoint: oauth.endpoints.tokenEndpoint,
      authUrl: oauth.authUrls[name],
      nextRotation: app.nextRotation,
      overlapDays: app.overlapDays,
      currentSecretSlot: app.secrets.find((s) => s.current)?.slot,
      secrets: describeSecrets(app.secrets).map((s, i) => ({ ...s, keyId: app.secrets[i].keyId })),
      keyVaultSecretName: app.keyVaultSecretName,
    },
  ]),
);

/**
 * Secret values per client and slot, as one Pulumi secret, when no Key Vault is configured. With a vault the values
 * are not exported at all (read them from the vault); the output then says where they are.
 */
export const clientSecrets: pulumi.Output<Record<string, Record<string, string>>> | string =
  config.keyVault === undefined
    ? pulumi.secret(
        Object.fromEntries(
          Object.entries(oauth.clients).map(([name, app]) => [name, Object.fromEntries(app.secrets.map((s) => [s.slot, s.value]))]),
        ),
      )
    : `stored in Key Vault ${config.keyVault.vaultName}: the latest version of clients.<name>.keyVaultSecretName is the current secret`;

/**
 * Outbound OAuth (K2 calling Microsoft services), when `k2-oauth:outbound` is set: the app K2 signs in with, its secret
 * schedule, and per K2 OAuth resource the values K2 Management holds (the client secret named, never shown).
 */
export const outbound =
  outboundOAuth === undefined
    ? undefined
    : {
        name: outboundOAuth.appName,
        clientId: outboundOAuth.clientId,
        redirectUri: outboundOAuth.redirectUri,
        nextRotation: outboundOAuth.nextRotation,
        overlapDays: outboundOAuth.overlapDays,
        currentSecretSlot: outboundOAuth.currentSecret.slot,
        secrets: describeSecrets(outboundOAuth.secrets).map((s, i) => ({ ...s, keyId: outboundOAuth.secrets[i].keyId })),
        keyVaultSecretName: outboundOAuth.keyVaultSecretName,
        k2Management:
          config.k2.edition === "five"
            ? "K2 Five: this stack manages these K2 OAuth resources (client_secret follows the current secret); still manual: bind each service instance to its resource and sign in once as the K2 service account"
            : "K2 Cloud: enter these values in K2 Management > Authentication > OAuth > Resources (client_secret: from clientSecretFrom), and again on every rotation",
        k2Resources: outboundOAuth.k2Resources,
      };

/** The outbound app's secret values per slot, as one Pulumi secret, when no Key Vault is configured. */
export const outboundClientSecret =
  outboundOAuth === undefined || config.keyVault !== undefined
    ? undefined
    : pulumi.secret(Object.fromEntries(outboundOAuth.secrets.map((s) => [s.slot, s.value])));
