/**
 * Every policy of the pack, in the order the README lists them. policies/index.ts serves this list; the tests import
 * it to check each policy's metadata.
 */
import type { Policies } from "@pulumi/policy";
import { k2ApiAdminConsent } from "./rules/adminConsent";
import { appImplicitGrant } from "./rules/appImplicitGrant";
import { appOwners } from "./rules/appOwners";
import { appRedirectUris } from "./rules/appRedirectUris";
import { appSingleTenant } from "./rules/appSingleTenant";
import { bearerTokenAudience } from "./rules/bearerTokenAudience";
import { bearerTokenV1Endpoints } from "./rules/bearerTokenEndpoints";
import { bearerTokenSettings } from "./rules/bearerTokenSettings";
import { clientSecretExpiry } from "./rules/clientSecretExpiry";
import { clientSecretExpiryAdvisory } from "./rules/clientSecretExpiryAdvisory";
import { keyVaultClientSecretContentType } from "./rules/keyVaultContentType";
import { keyVaultExpiryMatchesEntra } from "./rules/keyVaultExpiryMatches";
import { keyVaultSecretExpires } from "./rules/keyVaultSecretExpires";
import { appLeastPrivilege } from "./rules/leastPrivilege";
import { appPreferCertificate } from "./rules/preferCertificate";
import { clientSecretRotationOverlap } from "./rules/rotationOverlap";
import { outboundClientSecretCurrent } from "./rules/outboundClientSecret";
import { outboundDelegatedExpiry } from "./rules/outboundDelegatedExpiry";
import { outboundResourceV1 } from "./rules/outboundEndpoints";
import { outboundRedirectUri } from "./rules/outboundRedirectUri";

export const POLICY_PACK_NAME = "k2-oauth";

export const POLICIES: Policies = [
  bearerTokenV1Endpoints,
  bearerTokenAudience,
  bearerTokenSettings,
  clientSecretExpiry,
  clientSecretExpiryAdvisory,
  clientSecretRotationOverlap,
  appRedirectUris,
  appImplicitGrant,
  appSingleTenant,
  appOwners,
  appLeastPrivilege,
  appPreferCertificate,
  k2ApiAdminConsent,
  keyVaultSecretExpires,
  keyVaultClientSecretContentType,
  keyVaultExpiryMatchesEntra,
  outboundResourceV1,
  outboundRedirectUri,
  outboundClientSecretCurrent,
  outboundDelegatedExpiry,
];
