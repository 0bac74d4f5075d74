/**
 * The audiences (v1 `resource` values) of the Microsoft services K2 commonly calls on a user's behalf, per cloud, and
 * the application (client) id of each service's first-party app: what the outbound OAuth resources of a stack are
 * checked and mapped against. One place for these facts; pure (no Pulumi imports).
 *
 * Sources:
 * - Microsoft Graph hosts per cloud: Microsoft Learn, "Microsoft Graph national cloud deployments" (global
 *   graph.microsoft.com; US Government L4 / GCC High graph.microsoft.us; US Government L5 / DoD
 *   dod-graph.microsoft.us; China, operated by 21Vianet, microsoftgraph.chinacloudapi.cn). The same page: Microsoft 365
 *   GCC (moderate) tenants use the worldwide endpoints (cloud `public` here), and tokens of one national cloud are not
 *   accepted in another.
 * - SharePoint Online and Exchange Online hosts per cloud: Microsoft 365 network endpoint lists (Learn, "Office 365
 *   U.S. Government GCC High endpoints", "... DoD endpoints", "Office 365 operated by 21Vianet endpoints"). They are
 *   confirmed as hosts of the services; that each is also the OAuth audience of the service in that cloud is NOT
 *   confirmed by a Microsoft document, so this project never maps a public audience to them on its own: write the
 *   audience your tenant uses.
 * - Application ids of Microsoft Graph, Office 365 SharePoint Online and Office 365 Exchange Online: the constants of
 *   hashicorp/go-azure-sdk (sdk/environments/constants.go, vendored by terraform-provider-azuread v3.8.0, which
 *   @pulumi/azuread 6.9.1 is built on). go-azure-sdk uses one constant for every cloud; no Microsoft document was
 *   found that confirms the national clouds use the same ids, so a stack may name another one
 *   (`k2-oauth:outbound.resources[].resourceAppId`).
 */
import type { Cloud } from "./entra";

/** How a service's audience is recognised in one cloud: one exact origin, or any host under a suffix (tenant hosts). */
export type AudienceHost =
  | { kind: "exact"; host: string; label?: string }
  /** `.sharepoint.com`: `https://<tenant>.sharepoint.com` */
  | { kind: "suffix"; suffix: string; label?: string };

export interface WellKnownService {
  /** Slug used in resource names. */
  key: "microsoft-graph" | "sharepoint-online" | "exchange-online";
  displayName: string;
  /** Application (client) id of the service's first-party app (see the sources above). */
  appId: string;
  /** Audience hosts per cloud; the first is the usual one. */
  hosts: Readonly<Record<Cloud, readonly AudienceHost[]>>;
  /**
   * Clouds to which a public audience of this service is mapped by this project, because one host is confirmed as the
   * service's audience there. Elsewhere a public audience is refused and the stack must name the cloud's audience.
   */
  mappedTo: readonly Cloud[];
}

export const WELL_KNOWN_SERVICES: readonly WellKnownService[] = [
  {
    key: "microsoft-graph",
    displayName: "Microsoft Graph",
    appId: "00000003-0000-0000-c000-000000000000",
    hosts: {
      public: [{ kind: "exact", host: "graph.microsoft.com" }],
      usgov: [
        { kind: "exact", host: "graph.microsoft.us", label: "GCC High (L4)" },
        { kind: "exact", host: "dod-graph.microsoft.us", label: "DoD (L5)" },
      ],
      china: [{ kind: "exact", host: "microsoftgraph.chinacloudapi.cn" }],
    },
    mappedTo: ["china"],
  },
  {
    key: "sharepoint-online",
    displayName: "SharePoint Online",
    appId: "00000003-0000-0ff1-ce00-000000000000",
    hosts: {
      public: [{ kind: "suffix", suffix: ".sharepoint.com" }],
      usgov: [
        { kind: "suffix", suffix: ".sharepoint.us", label: "GCC High (L4)" },
        { kind: "suffix", suffix: ".sharepoint-mil.us", label: "DoD (L5)" },
      ],
      china: [{ kind: "suffix", suffix: ".sharepoint.cn" }],
    },
    mappedTo: [],
  },
  {
    key: "exchange-online",
    displayName: "Exchange Online",
    appId: "00000002-0000-0ff1-ce00-000000000000",
    hosts: {
      public: [
        { kind: "exact", host: "outlook.office365.com" },
        { kind: "exact", host: "outlook.office.com" },
      ],
      usgov: [
        { kind: "exact", host: "outlook.office365.us", label: "GCC High (L4)" },
        { kind: "exact", host: "outlook-dod.office365.us", label: "DoD (L5)" },
      ],
      china: [{ kind: "exact", host: "partner.outlook.cn" }],
    },
    mappedTo: [],
  },
];

const CLOUD_NAMES: Readonly<Record<Cloud, string>> = { public: "public (worldwide, also Microsoft 365 GCC)", usgov: "usgov", china: "china" };

function matches(rule: AudienceHost, host: string): boolean {
  return rule.kind === "exact" ? host === rule.host : host.endsWith(rule.suffix) && host.length > rule.suffix.length;
}

/** `https://graph.microsoft.us`, `https://<tenant>.sharepoint.us` (GCC High (L4)). */
function describeHost(rule: AudienceHost, tenantLabel = "<tenant>"): string {
  const url = rule.kind === "exact" ? `https://${rule.host}` : `https://${tenantLabel}${rule.suffix}`;
  return rule.label === undefined ? url : `${url} (${rule.label})`;
}

/** The service and cloud an audience host belongs to, if it is a well-known one. */
export function serviceOfHost(host: string): { service: WellKnownService; cloud: Cloud; rule: AudienceHost } | undefined {
  const h = host.toLowerCase();
  for (const service of WELL_KNOWN_SERVICES) {
    for (const cloud of Object.keys(service.hosts) as Cloud[]) {
      const rule = service.hosts[cloud].find((r) => matches(r, h));
      if (rule !== undefined) return { service, cloud, rule };
    }
  }
  return undefined;
}

export type ResolvedAudience =
  | {
      ok: true;
      /** The audience to request (the `resource` value): as written, or mapped to the stack's cloud. */
      audience: string;
      /** The well-known service it belongs to; undefined for any other API. */
      service: WellKnownService | undefined;
      /** Set when the audience was mapped from its public form. */
      mappedFrom?: string;
    }
  | { ok: false; expected: string };

/** Why an audience value is not an https resource identifier, or undefined. */
export function audienceSyntaxProblem(audience: string): string | undefined {
  let url: URL;
  try {
    url = new URL(audience);
  } catch {
    return "expected the audience as an https URL (the resource the tokens are for), like https://graph.microsoft.com";
  }
  if (url.protocol !== "https:") return `expected an https audience, like https://graph.microsoft.com (https, not ${url.protocol.replace(/:$/, "")})`;
  if (audience !== audience.trim()) return "expected no leading or trailing blanks: a v1 token's aud is the requested resource, compared exactly";
  if (url.username !== "" || url.password !== "") return "expected an audience without user name or password, like https://graph.microsoft.com";
  if (url.search !== "" || url.hash !== "") return "expected an audience without query string or fragment, like https://graph.microsoft.com";
  if (url.hostname.includes("*")) return "expected an audience without wildcards, like https://contoso.sharepoint.com";
  return undefined;
}

/**
 * The audience a stack requests for `audience` in `cloud`: a well-known service's host of that cloud is kept; a public
 * audience is mapped where one host is confirmed for the cloud (Microsoft Graph in China), and refused elsewhere with
 * the hosts of that cloud; a host of another national cloud is refused; any other https audience is kept as it is.
 */
export function resolveAudience(audience: string, cloud: Cloud): ResolvedAudience {
  const syntax = audienceSyntaxProblem(audience);
  if (syntax !== undefined) return { ok: false, expected: syntax };
  const url = new URL(audience);
  if (url.port !== "") return { ok: true, audience, service: undefined };
  const found = serviceOfHost(url.hostname);
  if (found === undefined) return { ok: true, audience, service: undefined };
  const { service } = found;
  if (found.cloud === cloud) return { ok: true, audience, service };
  const tenantLabel = found.rule.kind === "suffix" ? url.hostname.slice(0, -found.rule.suffix.length) : undefined;
  const candidates = service.hosts[cloud];
  const listed = candidates.map((r) => describeHost(r, tenantLabel)).join(" or ");
  if (found.cloud !== "public") {
    return {
      ok: false,
      expected: `expected an audience of the ${CLOUD_NAMES[cloud]} cloud: this is ${service.displayName} of the ${found.cloud} cloud, whose tokens the ${cloud} cloud does not issue; ${service.displayName} there is ${listed}`,
    };
  }
  if (service.mappedTo.includes(cloud) && candidates.length === 1) {
    const target = candidates[0];
    const host = target.kind === "exact" ? target.host : `${tenantLabel ?? ""}${target.suffix}`;
    // The host replaced, the rest exactly as written (URL would add a slash to a bare origin).
    const rest = audience.slice(audience.toLowerCase().indexOf(url.host) + url.host.length);
    return { ok: true, audience: `https://${host}${rest}`, service, mappedFrom: audience };
  }
  const why =
    candidates.length > 1
      ? `the ${cloud} cloud has more than one ${service.displayName} (${listed})`
      : `no public source confirms ${listed} as the ${service.displayName} audience there`;
  return {
    ok: false,
    expected: `expected the ${service.displayName} audience of your tenant in the ${cloud} cloud: ${why}, so this project does not map the public one; write the one your tenant uses`,
  };
}

/** The well-known service whose first-party app id this is, if any. */
export function serviceOfAppId(appId: string): WellKnownService | undefined {
  return WELL_KNOWN_SERVICES.find((s) => s.appId === appId.toLowerCase());
}
