/**
 * Where client secrets live in the resources this pack inspects: `ApplicationPassword`, `ServicePrincipalPassword`
 * and the inline `password` block of `Application` (azuread 6.x schema: displayName, startDate, endDate, keyId,
 * value; the separate resources also accept the deprecated `endDateRelative`), their validity windows, and which
 * application each belongs to.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  TYPE_AZUREAD_APPLICATION,
  TYPE_AZUREAD_APPLICATION_PASSWORD,
  TYPE_AZUREAD_APPLICATION_REGISTRATION,
  TYPE_AZUREAD_SERVICE_PRINCIPAL,
  TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD,
} from "../../components/contracts";
import { parseRfc3339 } from "./dates";
import type { Findings } from "./outcome";
import { applicationIdKeys, clientIdKeys, ofType, referrers, servicePrincipalKeys } from "./stack";
import { describeType, read, type Read } from "./values";

export const CLIENT_SECRET_TYPES = [TYPE_AZUREAD_APPLICATION_PASSWORD, TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD, TYPE_AZUREAD_APPLICATION] as const;

export interface ClientSecretView {
  /** Where the secret is in the resource, for messages: "" for a password resource, "password" for the inline block. */
  at: string;
  startDate: Read;
  endDate: Read;
  endDateRelative: Read;
  keyId: Read;
}

/**
 * The client secrets a resource declares: one for a password resource, zero or one for an Application (its inline
 * `password` block). Never reads the secret value.
 */
export function clientSecretsOf(type: string, props: unknown): ClientSecretView[] {
  if (type === TYPE_AZUREAD_APPLICATION_PASSWORD || type === TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD) {
    return [view(props, "")];
  }
  if (type === TYPE_AZUREAD_APPLICATION) {
    const block = read(props, "password");
    if (!block.known) {
      const unknown: Read = { known: false, path: "password" };
      return [{ at: "password", startDate: unknown, endDate: unknown, endDateRelative: { known: true, value: undefined }, keyId: unknown }];
    }
    if (block.value === undefined || block.value === null) return [];
    return [view(props, "password")];
  }
  return [];
}

function view(props: unknown, at: string): ClientSecretView {
  const p = (key: string) => (at === "" ? key : `${at}.${key}`);
  return {
    at,
    startDate: read(props, p("startDate")),
    endDate: read(props, p("endDate")),
    endDateRelative: at === "" ? read(props, "endDateRelative") : { known: true, value: undefined },
    keyId: read(props, p("keyId")),
  };
}

/** `endDate` or `password.endDate`: the field name as the user wrote it. */
export function fieldName(secret: ClientSecretView, key: string): string {
  return secret.at === "" ? key : `${secret.at}.${key}`;
}

/** The dates of one secret once known and valid. */
export interface SecretWindow {
  start: Date;
  /** True when startDate was not given: the secret starts when it is created (now). */
  startsNow: boolean;
  end: Date;
}

/**
 * Reads a secret's start and end. Reports (through `onProblem`) a missing, relative-only or unparseable end date and
 * an unparseable start date, naming the field, never its value; records unknown values as undecided.
 */
export function secretWindow(secret: ClientSecretView, now: Date, findings: Findings, onProblem: (message: string) => void): SecretWindow | undefined {
  const endField = fieldName(secret, "endDate");
  const startField = fieldName(secret, "startDate");
  if (!secret.endDate.known) {
    findings.undecidable(`${endField} (expiry and lifetime of the client secret)`);
    return undefined;
  }
  const endRaw = secret.endDate.value;
  if (endRaw === undefined || endRaw === null || endRaw === "") {
    const relative = secret.endDateRelative.known && typeof secret.endDateRelative.value === "string" && secret.endDateRelative.value !== "";
    onProblem(
      relative
        ? `${endField} is not set: the deprecated endDateRelative does not count; set ${endField} to an explicit RFC 3339 date`
        : `${endField} is not set, so the provider picks the expiry; set ${endField} to an explicit RFC 3339 date`,
    );
    return undefined;
  }
  const end = parseDateField(endField, endRaw, "2026-06-30T00:00:00Z", onProblem);
  if (end === undefined) return undefined;
  if (!secret.startDate.known) {
    findings.undecidable(`${startField} (lifetime of the client secret)`);
    return undefined;
  }
  const startRaw = secret.startDate.value;
  if (startRaw === undefined || startRaw === null || startRaw === "") return { start: now, startsNow: true, end };
  const start = parseDateField(startField, startRaw, "2026-01-01T00:00:00Z", onProblem);
  return start === undefined ? undefined : { start, startsNow: false, end };
}

/** A set date field's value as a Date, or undefined after reporting that it is not an RFC 3339 string. */
function parseDateField(field: string, raw: unknown, example: string, onProblem: (message: string) => void): Date | undefined {
  if (typeof raw !== "string") {
    onProblem(`${field} must be an RFC 3339 date string, got ${describeType(raw)}`);
    return undefined;
  }
  const at = parseRfc3339(raw);
  if (at === undefined) onProblem(`${field} is not an RFC 3339 date-time like ${example}`);
  return at;
}

/** One dated secret of an application. */
export interface DatedSecret extends SecretWindow {
  /** `power-automate-secret-a`, or `app.password` for an inline block. */
  name: string;
  holder: PolicyResource;
}

/** The dated secrets of one application (or, `app` undefined, a password whose application is not in the stack). */
export interface SecretGroup {
  app: PolicyResource | undefined;
  /** By start, then end. */
  secrets: DatedSecret[];
}

function datedSecrets(holder: PolicyResource, now: Date, findings: Findings): DatedSecret[] {
  const out: DatedSecret[] = [];
  for (const secret of clientSecretsOf(holder.type, holder.props)) {
    // Date problems are entra-client-secret-expiry's findings; unknown dates are undecided here too.
    const w = secretWindow(secret, now, findings, () => undefined);
    if (w !== undefined && w.end.getTime() > w.start.getTime()) out.push({ ...w, name: secret.at === "" ? holder.name : `${holder.name}.${secret.at}`, holder });
  }
  return out;
}

const byStart = (a: SecretWindow, b: SecretWindow): number => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime();

/**
 * The stack's client secrets grouped by application: an Application's inline password, the ApplicationPasswords that
 * name it and the ServicePrincipalPasswords of its service principals. A password that names no application of the
 * stack forms a group of its own. A link that cannot be decided yet (preview) is reported as undecided and the
 * application left out.
 */
export function secretGroups(resources: readonly PolicyResource[], now: Date, findings: Findings): SecretGroup[] {
  const apps = ofType(resources, TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION);
  const appPasswords = ofType(resources, TYPE_AZUREAD_APPLICATION_PASSWORD);
  const spPasswords = ofType(resources, TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD);
  const sps = ofType(resources, TYPE_AZUREAD_SERVICE_PRINCIPAL);
  const claimed = new Set<PolicyResource>();
  const groups: SecretGroup[] = [];
  let someUndecided = false;
  for (const app of apps) {
    const holders: PolicyResource[] = app.type === TYPE_AZUREAD_APPLICATION ? [app] : [];
    const direct = referrers(app, appPasswords, "applicationId", applicationIdKeys);
    holders.push(...direct.linked);
    const undecided = [...direct.undecided];
    if (spPasswords.length > 0) {
      const appSps = referrers(app, sps, "clientId", clientIdKeys);
      undecided.push(...appSps.undecided);
      for (const sp of appSps.linked) {
        const viaSp = referrers(sp, spPasswords, "servicePrincipalId", servicePrincipalKeys);
        holders.push(...viaSp.linked);
        undecided.push(...viaSp.undecided);
      }
    }
    for (const h of holders) claimed.add(h);
    if (undecided.length > 0) {
      someUndecided = true;
      findings.undecidable(`client secrets of ${app.name} (${undecided.join("; ")})`);
      continue;
    }
    groups.push({ app, secrets: holders.flatMap((h) => datedSecrets(h, now, findings)).sort(byStart) });
  }
  // A password no application claims has none in the stack, unless a link is still undecided (then it may have one).
  for (const password of someUndecided ? [] : [...appPasswords, ...spPasswords]) {
    if (!claimed.has(password)) groups.push({ app: undefined, secrets: datedSecrets(password, now, findings) });
  }
  return groups.filter((g) => g.secrets.length > 0);
}
