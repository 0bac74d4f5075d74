/**
 * K2's "Bearer Token" OAuth resource as this project declares it for the test tenant (K2 KB002784: the tenant's v1
 * endpoints of the public cloud, audience https://api.k2.com/). The values are spelled out, not computed by
 * components/entra.ts, so that tests can also use them as expected values. Shared by the K2 provider tests (which add
 * how K2 is reached) and the policy tests (which see only these inputs).
 */
import type { BearerTokenInputs } from "../../components/k2/bearerTokenProvider";
import type { OAuthResourceFields } from "../../components/k2/management";
import { AUDIENCE, K2_URL, TENANT } from "./testTenant";

/** The OAuth Resource fields KB002784 prescribes for TENANT, as K2 Management shows them. */
export const KB002784_FIELDS: Readonly<OAuthResourceFields> = {
  name: "K2 API",
  resourceType: "Bearer Token",
  authorizationEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/authorize`,
  tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/token`,
  refreshTokenEndpoint: "",
  metadataEndpoint: `https://login.microsoftonline.com/${TENANT}/.well-known/openid-configuration`,
  useHostServerAuthorizationEndpoint: false,
};

/** The resource's inputs that describe it in K2, without how K2 is reached (credentials, management). */
export type BearerTokenResourceInputs = Omit<BearerTokenInputs, "credentials" | "management">;

/** A fresh copy of the resource's inputs (KB002784's fields) for TENANT (credentials and management left out). */
export function bearerTokenResourceInputs(): BearerTokenResourceInputs {
  const { name, ...fields } = KB002784_FIELDS;
  return { k2Url: K2_URL, resourceName: name, ...fields, parameters: { audience: AUDIENCE } };
}
