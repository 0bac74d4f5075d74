/**
 * entra-app-redirect-uris: redirect URIs of app registrations use https and no wildcards; plain http only for the
 * loopback address of a public client (desktop/mobile apps listening on localhost).
 */
import { TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REDIRECT_URIS } from "../../components/contracts";
import { resourceRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import type { Outcome } from "../lib/outcome";
import { describeType, read, readList } from "../lib/values";

export type RedirectKind = "Web" | "SPA" | "PublicClient";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Why a redirect URI is not acceptable for `kind`, or undefined when it is. */
export function redirectUriProblem(uri: string, kind: RedirectKind): string | undefined {
  if (uri.includes("*")) return "contains a wildcard; register each exact redirect URI";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "is not an absolute URI";
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    if (!LOOPBACK_HOSTS.has(url.hostname)) return "uses http; redirect URIs must use https";
    if (kind === "PublicClient") return undefined;
    return "uses http on the loopback address, which only public (desktop/mobile) clients may do; use https";
  }
  return `uses the scheme ${url.protocol.replace(/:$/, "")}; expected https (or http://localhost for a public client)`;
}

function checkList(props: unknown, path: string, kind: RedirectKind, outcome: Outcome): void {
  const list = readList(props, path);
  if (!list.known) {
    outcome.undecidable(`${path} (whether the redirect URIs use https without wildcards)`);
    return;
  }
  if (list.notAList) {
    outcome.fail(`${path} must be a list of URIs`);
    return;
  }
  (list.items ?? []).forEach((item, i) => {
    if (!item.known) {
      outcome.undecidable(`${path}[${i}] (whether the redirect URI uses https without wildcards)`);
    } else if (typeof item.value !== "string") {
      outcome.fail(`${path}[${i}] must be a URI string, got ${describeType(item.value)}`);
    } else {
      const problem = redirectUriProblem(item.value, kind);
      if (problem !== undefined) outcome.fail(`${kind} redirect URI ${item.value} ${problem}`);
    }
  });
}

export const appRedirectUris = resourceRule({
  name: "entra-app-redirect-uris",
  displayName: "App registration redirect URIs use https without wildcards",
  description:
    "Redirect URIs of Entra ID app registrations must use https and contain no wildcards; http is allowed only for the loopback address (http://localhost) of a public client.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Register each exact https redirect URI the client uses (for Power Automate: https://global.consent.azure-apim.net/redirect). Remove wildcards and plain-http URIs; keep http://localhost only under publicClient (or ApplicationRedirectUris type PublicClient).",
  url: DOCS.redirectUris,
  tags: ["entra-id", "oauth"],
  appliesTo: [TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REDIRECT_URIS],
  check({ type, props, outcome }) {
    if (type === TYPE_AZUREAD_APPLICATION) {
      checkList(props, "web.redirectUris", "Web", outcome);
      checkList(props, "singlePageApplication.redirectUris", "SPA", outcome);
      checkList(props, "publicClient.redirectUris", "PublicClient", outcome);
      return;
    }
    const kind = read(props, "type");
    if (!kind.known) {
      outcome.undecidable("type (which redirect URIs are allowed)");
      return;
    }
    if (kind.value !== "Web" && kind.value !== "SPA" && kind.value !== "PublicClient") {
      outcome.fail(`type must be Web, SPA or PublicClient, got ${typeof kind.value === "string" ? `'${kind.value}'` : describeType(kind.value)}`);
      return;
    }
    checkList(props, "redirectUris", kind.value, outcome);
  },
});
