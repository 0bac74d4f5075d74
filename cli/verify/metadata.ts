/**
 * Step 1: the Metadata Endpoint K2 reads is the v1 one, its document names the v1 issuer
 * (`https://sts.windows.net/<tenant>/`), and the signing keys it points to are reachable.
 */
import type { JSONWebKeySet } from "jose";
import { classifyEndpoint, toV1Endpoint, v2Issuer, type V1Endpoints } from "../../components/entra";
import { fail, pass, undecided, type Check } from "./checks";
import { HttpFault, jsonBody, send, type HttpPolicy } from "./http";
import { ENV } from "./options";

export interface MetadataResult {
  checks: Check[];
  /** The signing keys, when reachable. */
  keys: JSONWebKeySet | undefined;
  /** The issuer the document names, when fetched. */
  documentIssuer: string | undefined;
}

export interface MetadataInput {
  metadataUrl: string;
  endpoints: V1Endpoints;
  tenantId: string;
  cloud: string;
}

const FIX_V1_METADATA =
  "in K2 Management > Authentication > OAuth > Resources, set the Bearer Token resource's Metadata Endpoint to the v1 URL " +
  "(no `v2.0/` segment) and, on K2 Five, run iisreset; for K2 Five this project manages it: run `pulumi up`";

export async function checkMetadata(input: MetadataInput, http: HttpPolicy): Promise<MetadataResult> {
  const checks: Check[] = [];
  const { metadataUrl, endpoints, tenantId } = input;

  // 1a. The URL itself.
  const c = classifyEndpoint(metadataUrl);
  if (c.version === "v2") {
    checks.push(
      fail("metadata-endpoint", "Metadata Endpoint is v1", `${metadataUrl} is a v2.0 metadata URL`, {
        cause: "v2 metadata: K2 validates v1 tokens against this document, whose issuer is the v2 one, so every token is rejected",
        fix: `use ${toV1Endpoint(metadataUrl) ?? endpoints.metadataEndpoint}; ${FIX_V1_METADATA}`,
      }),
    );
  } else if (c.tenant !== undefined && c.tenant !== tenantId) {
    checks.push(
      fail("metadata-endpoint", "Metadata Endpoint is v1", `${metadataUrl} names tenant ${c.tenant}, not ${tenantId}`, {
        cause: "the Metadata Endpoint belongs to another tenant (or uses common/organizations), so its issuer cannot match this tenant's tokens",
        fix: `use ${endpoints.metadataEndpoint}; ${FIX_V1_METADATA}`,
      }),
    );
  } else {
    checks.push(pass("metadata-endpoint", "Metadata Endpoint is v1", metadataUrl));
  }

  // 1b. The document and its issuer.
  let doc: Record<string, unknown> | undefined;
  try {
    const res = await send({ method: "GET", url: metadataUrl }, http);
    const json = jsonBody(res);
    if (res.status === 200 && typeof json === "object" && json !== null && !Array.isArray(json)) {
      doc = json as Record<string, unknown>;
    } else {
      checks.push(
        fail("metadata-issuer", "metadata names the v1 issuer", `HTTP ${res.status}${res.status === 200 ? ", not a JSON document" : ""} from ${metadataUrl}`, {
          cause: res.status === 400 || res.status === 404
            ? "the tenant or path is wrong (Entra answers 400 for an unknown tenant)"
            : "the endpoint did not return an OpenID metadata document",
          fix: `check k2-oauth:tenantId and cloud; the v1 Metadata Endpoint is ${endpoints.metadataEndpoint}`,
        }),
      );
    }
  } catch (e) {
    if (!(e instanceof HttpFault)) throw e;
    checks.push(
      fail("metadata-issuer", "metadata names the v1 issuer", e.message, {
        cause: "Entra ID's metadata endpoint could not be reached (network, proxy or an Entra ID outage)",
        fix: "check outbound HTTPS to the login host from here (proxy settings, firewall), then run verify again",
      }),
    );
  }

  let documentIssuer: string | undefined;
  if (doc !== undefined) {
    documentIssuer = typeof doc.issuer === "string" ? doc.issuer : undefined;
    const expected = endpoints.issuer;
    const loginHost = new URL(endpoints.authority).hostname;
    const looksV2 = documentIssuer !== undefined && (/\/v2\.0\/?$/.test(documentIssuer) || documentIssuer === v2Issuer(loginHost, tenantId));
    if (documentIssuer === undefined) {
      checks.push(
        fail("metadata-issuer", "metadata names the v1 issuer", "the document has no 'issuer'", {
          cause: "the URL does not serve an OpenID metadata document",
          fix: `use ${endpoints.metadataEndpoint}`,
        }),
      );
    } else if (looksV2) {
      checks.push(
        fail("metadata-issuer", "metadata names the v1 issuer", `issuer is ${documentIssuer} (v2)`, {
          cause: "v2 metadata: the document describes v2.0 tokens, while K2 is given v1 tokens (issuer https://sts.windows.net/<tenant>/), so K2 rejects them",
          fix: `use ${endpoints.metadataEndpoint}; ${FIX_V1_METADATA}`,
        }),
      );
    } else if (expected === undefined) {
      checks.push(
        undecided("metadata-issuer", "metadata names the v1 issuer", `issuer is ${documentIssuer}; the expected v1 issuer is unknown for cloud ${input.cloud}`, {
          cause: `the v1 issuer host of the ${input.cloud} cloud is unconfirmed, so verify cannot decide whether this issuer is right`,
          fix: `pass --issuer-host <host> (or ${ENV.issuerHost}) with the issuer host your K2 expects`,
        }),
      );
    } else if (documentIssuer !== expected) {
      checks.push(
        fail("metadata-issuer", "metadata names the v1 issuer", `issuer is ${documentIssuer}, expected ${expected}`, {
          cause: "the document belongs to another tenant or cloud than the stack's",
          fix: `check k2-oauth:tenantId and cloud; the v1 Metadata Endpoint is ${endpoints.metadataEndpoint}`,
        }),
      );
    } else {
      checks.push(pass("metadata-issuer", "metadata names the v1 issuer", `issuer ${documentIssuer}`));
    }
  }

  // 1c. The signing keys.
  const jwksUri = typeof doc?.jwks_uri === "string" ? doc.jwks_uri : endpoints.jwksUri;
  const keys = await fetchKeys(jwksUri, http, checks);
  return { checks, keys, documentIssuer };
}

async function fetchKeys(jwksUri: string, http: HttpPolicy, checks: Check[]): Promise<JSONWebKeySet | undefined> {
  const title = "signing keys (JWKS) reachable";
  try {
    const res = await send({ method: "GET", url: jwksUri }, http);
    const json = jsonBody(res) as { keys?: unknown } | undefined;
    const keys = Array.isArray(json?.keys) ? (json.keys as unknown[]).filter((k): k is Record<string, unknown> => typeof k === "object" && k !== null) : [];
    if (res.status === 200 && keys.length > 0) {
      checks.push(pass("signing-keys", title, `${keys.length} key${keys.length === 1 ? "" : "s"} at ${jwksUri}`));
      return { keys: keys as JSONWebKeySet["keys"] };
    }
    checks.push(
      fail("signing-keys", title, `HTTP ${res.status} from ${jwksUri}${res.status === 200 ? " without keys" : ""}`, {
        cause: "the metadata's jwks_uri does not serve a key set, so no token signature can be checked (K2 fails the same way)",
        fix: "use the v1 Metadata Endpoint of the tenant; its jwks_uri is the tenant's signing keys",
      }),
    );
  } catch (e) {
    if (!(e instanceof HttpFault)) throw e;
    checks.push(
      fail("signing-keys", title, e.message, {
        cause: "the signing keys could not be fetched (network, proxy or an Entra ID outage)",
        fix: "check outbound HTTPS to the login host from here and from the K2 server, then run verify again",
      }),
    );
  }
  return undefined;
}
