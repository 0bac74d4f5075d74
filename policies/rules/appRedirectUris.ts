/**
 * entra-app-redirect-uris: redirect URIs of app registrations are exact https addresses the organisation controls:
 * - no wildcard (Microsoft: wildcards "should be avoided"), and an absolute URI;
 * - no fragment (RFC 6749 section 3.1.2: "The endpoint URI MUST NOT include a fragment component");
 * - not on a shared hosting domain whose names any Azure customer can claim once released, so a dangling name lets
 *   someone else receive the authorization codes (subdomain takeover; Microsoft's Zero Trust assessment flags
 *   `*.azurewebsites.net`, and "Prevent dangling DNS entries and avoid subdomain takeover" lists the others below);
 * - not on localhost or a loopback address unless the stack allows it (`allowLoopback`, for a development stack);
 *   plain http only there (Microsoft: "HTTP ... is supported only for localhost URIs");
 * - a custom (native) scheme only on the public-client (mobile and desktop) platform.
 * Covers Application (web, singlePageApplication, publicClient) and ApplicationRedirectUris, which accepts any
 * scheme for every type. Messages name the list entry, never the URI (a redirect URI can carry a secret-marked part).
 */
import { TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REDIRECT_URIS } from "../../components/contracts";
import { changeHint } from "../lib/components";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import type { Findings } from "../lib/outcome";
import { describeType, read, readList } from "../lib/values";

export type RedirectKind = "Web" | "SPA" | "PublicClient";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Shared hosting domains where a released name can be claimed by anyone: Microsoft Learn, "Prevent dangling DNS
 * entries and avoid subdomain takeover" (Azure Front Door, Blob storage, CDN, public IP DNS names, Traffic Manager,
 * Container Instances, API Management, App Service, and classic cloud services in each cloud).
 */
export const SHARED_HOSTING_SUFFIXES = [
  "azurewebsites.net",
  "azurefd.net",
  "blob.core.windows.net",
  "azureedge.net",
  "cloudapp.azure.com",
  "trafficmanager.net",
  "azurecontainer.io",
  "azure-api.net",
  "cloudapp.net",
  "chinacloudapp.cn",
  "usgovcloudapp.net",
  "azurecloudapp.de",
] as const;

export function sharedHostingSuffix(host: string): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, "");
  return SHARED_HOSTING_SUFFIXES.find((s) => h === s || h.endsWith(`.${s}`));
}

/** Why a redirect URI is not acceptable for `kind`, or undefined when it is. Words only, never the URI itself. */
export function redirectUriProblem(uri: string, kind: RedirectKind, allowLoopback: boolean): string | undefined {
  if (uri.includes("*")) return "contains a wildcard; register each exact redirect URI";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "is not an absolute URI";
  }
  if (url.hash !== "" || uri.includes("#")) return "has a fragment (#...), which a redirect URI must not have (RFC 6749 section 3.1.2); remove it";
  const scheme = url.protocol.replace(/:$/, "");
  const web = scheme === "https" || scheme === "http";
  if (!web) {
    return kind === "PublicClient" ? undefined : `uses the custom scheme ${scheme}, which only the public-client (mobile and desktop) platform may register; use https`;
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
  if (loopback && !allowLoopback) {
    return "points to localhost or a loopback address, which belongs in a development app registration (allowLoopback), not in this stack";
  }
  if (loopback) return undefined;
  if (scheme === "http") return "uses http, which Entra ID accepts only for localhost; use https";
  const shared = sharedHostingSuffix(url.hostname);
  if (shared !== undefined) {
    return `is on the shared hosting domain *.${shared}, where a released name can be claimed by another Azure customer and receive the authorization codes (subdomain takeover); use a custom domain you own`;
  }
  return undefined;
}

/** Where to change entry `i` of the list (this project's client), or undefined. */
type EntryKey = ((i: number) => string | undefined) | undefined;

function checkList(props: unknown, path: string, kind: RedirectKind, allowLoopback: boolean, outcome: Findings, entryKey: EntryKey): void {
  const list = readList(props, path);
  if (!list.known) {
    outcome.undecidable(`${path} (whether the redirect URIs are safe)`);
    return;
  }
  if (list.notAList) {
    outcome.fail(`${path} must be a list of URIs`);
    return;
  }
  (list.items ?? []).forEach((item, i) => {
    if (!item.known) {
      outcome.undecidable(`${path}[${i}] (whether the redirect URI is safe)`);
    } else if (typeof item.value !== "string") {
      outcome.fail(`${path}[${i}] must be a URI string, got ${describeType(item.value)}`);
    } else {
      const problem = redirectUriProblem(item.value, kind, allowLoopback);
      if (problem !== undefined) outcome.fail(`${path}[${i}] (${kind}) ${problem}${changeHint(entryKey?.(i))}`);
    }
  });
}

export const appRedirectUris = resourceRule({
  name: "entra-app-redirect-uris",
  displayName: "App registration redirect URIs are exact https addresses you control",
  description:
    "Redirect URIs of Entra ID app registrations must be absolute https URIs without wildcards or fragments, not on shared hosting domains such as *.azurewebsites.net, not on localhost/loopback unless the stack allows it (allowLoopback, for development; plain http only there), and use custom schemes only on the public-client platform.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Register each exact https redirect URI the client uses, on a domain you own (for Power Automate: https://global.consent.azure-apim.net/redirect). Remove wildcards, fragments and plain-http URIs; keep localhost URIs in a development stack with allowLoopback; register custom schemes under publicClient. With this project: change clients[].redirectUris.",
  url: DOCS.redirectUris,
  settings: ["allowLoopback"],
  tags: ["entra-id", "oauth"],
  appliesTo: [TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REDIRECT_URIS],
  check({ type, props, settings, outcome, clientSetting }) {
    if (type === TYPE_AZUREAD_APPLICATION) {
      // A ClientApp's Application takes its web redirect URIs from the client's redirectUris, in order.
      checkList(props, "web.redirectUris", "Web", settings.allowLoopback, outcome, (i) => clientSetting("redirectUris", i));
      checkList(props, "singlePageApplication.redirectUris", "SPA", settings.allowLoopback, outcome, undefined);
      checkList(props, "publicClient.redirectUris", "PublicClient", settings.allowLoopback, outcome, undefined);
      return;
    }
    const kind = read(props, "type");
    if (!kind.known) {
      outcome.undecidable("type (which redirect URIs are allowed)");
      return;
    }
    if (kind.value !== "Web" && kind.value !== "SPA" && kind.value !== "PublicClient") {
      outcome.fail(`type must be Web, SPA or PublicClient, got ${typeof kind.value === "string" ? "another value" : describeType(kind.value)}`);
      return;
    }
    checkList(props, "redirectUris", kind.value, settings.allowLoopback, outcome, undefined);
  },
});
