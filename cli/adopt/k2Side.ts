/**
 * `npm run adopt --k2`: reads the K2 Five Bearer Token resource an administrator created by hand (K2 KB002784 step 3)
 * through the K2 transport the Bearer Token resource uses (SmartObject REST, with the mapping `npm run discover`
 * wrote), GET requests only, and says what the first `pulumi up` will do with it. That resource is not imported: its
 * provider's create looks the resource up by name and adopts it when it is identical to the declared one, and stops
 * (changing nothing) when it differs. adopt tells which it will be, and which name to declare.
 */
import * as path from "node:path";
import type { StackConfig } from "../../components/config";
import type { V1Endpoints } from "../../components/entra";
import { BEARER_TOKEN_RESOURCE_TYPE } from "../../components/k2/bearerTokenChecks";
import { declaredBearerToken } from "../../components/k2/declaration";
import { isK2Error, retryPolicy, type RetryPolicy } from "../../components/k2/http";
import { createK2Management } from "../../components/k2/index";
import type { OAuthResourceRecord } from "../../components/k2/management";
import { defaultSmartObjectServicesUrl, loadSmartObjectMappingFile, MappingError } from "../../components/k2/mapping";
import { adoptionConflicts, sameName } from "../../components/k2/operations";
import { DEFAULT_BEARER_TOKEN_RESOURCE_NAME } from "../../components/config";
import { UsageError } from "./options";
import { AdoptError } from "./tenant";

export type K2SideRead =
  /** A resource with the declared name: adopted by the first `pulumi up` when `differences` is empty. */
  | { kind: "named"; resource: OAuthResourceRecord; differences: string[] }
  /** No resource with the declared name, one Bearer Token resource under another: its name is to be declared. */
  | { kind: "renamed"; resource: OAuthResourceRecord; differences: string[] }
  /** No Bearer Token resource at all: the first `pulumi up` creates one. */
  | { kind: "absent"; declaredName: string }
  /** Several Bearer Token resources and none with the declared name: the user picks. */
  | { kind: "ambiguous"; declaredName: string; names: string[] };

export interface K2SideInput {
  config: StackConfig;
  endpoints: Pick<V1Endpoints, "authorizationEndpoint" | "tokenEndpoint" | "metadataEndpoint">;
  password: string;
  /** The SmartObject Services root instead of the stack's (`--service-url`). */
  serviceUrl?: string;
  /** Project root: the mapping file's path is relative to it. */
  root: string;
  retry?: Partial<RetryPolicy>;
}

export async function readK2Side(input: K2SideInput): Promise<K2SideRead> {
  const k2 = input.config.k2;
  if (k2.edition === "cloud") throw new UsageError("--k2: k2-oauth:k2.edition is 'cloud': K2 Cloud manages its side of the OAuth resource itself, there is nothing to read");
  if (k2.admin === undefined) throw new UsageError("--k2: k2-oauth:k2.admin.username is required to read K2");
  const mappingFile = k2.smartObjectServices?.mapping;
  if (mappingFile === undefined) {
    throw new UsageError(
      "--k2 reads K2 through the OAuth management SmartObjects `npm run discover` finds, and k2-oauth:k2.smartObjectServices.mapping is not set: " +
        "run npm run discover for this stack, set the mapping key, then run adopt again",
    );
  }
  let mapping;
  try {
    mapping = loadSmartObjectMappingFile(path.resolve(input.root, mappingFile), mappingFile);
  } catch (e) {
    if (e instanceof MappingError) throw new UsageError(`k2-oauth:k2.smartObjectServices.mapping: ${e.message}`);
    throw e;
  }
  const declaredName = k2.bearerTokenResource?.name ?? DEFAULT_BEARER_TOKEN_RESOURCE_NAME;
  const k2Api = createK2Management(
    { transport: "smartobject-rest", serviceUrl: input.serviceUrl ?? k2.smartObjectServices?.url ?? defaultSmartObjectServicesUrl(k2.url), mapping },
    { username: k2.admin.username, password: input.password },
    retryPolicy(input.retry),
  );
  try {
    const all = await k2Api.listResources();
    const named = all.filter((r) => sameName(r.name, declaredName));
    const bearer = all.filter((r) => sameName(r.resourceType, BEARER_TOKEN_RESOURCE_TYPE));
    if (named.length > 1) {
      throw new AdoptError(`K2 holds ${named.length} OAuth resources named '${declaredName}'; keep one in K2 Management > Authentication > OAuth > Resources, then run adopt again. Nothing was written.`);
    }
    const resource = named[0] ?? (bearer.length === 1 ? bearer[0] : undefined);
    if (resource === undefined) {
      return bearer.length === 0 ? { kind: "absent", declaredName } : { kind: "ambiguous", declaredName, names: bearer.map((r) => r.name) };
    }
    const desired = declaredBearerToken(resource.name, input.endpoints, input.config.k2Api.audience);
    const differences = adoptionConflicts(resource, await k2Api.listParameters(resource.id), desired);
    return named[0] !== undefined ? { kind: "named", resource, differences } : { kind: "renamed", resource, differences };
  } catch (e) {
    if (isK2Error(e)) throw new AdoptError(`could not read the K2 OAuth resources (${k2Api.description}): ${e.message}. Nothing was written.`);
    throw e;
  }
}
