/**
 * Time-boxed exemptions (every policy's `exemptions` setting): a finding on the named resource (its name or URN) is
 * reported as advisory, "exempted until <day>: <reason>", through the end of the `expires` day (UTC, at most one year
 * ahead: ./config.ts refuses more). From the next day the finding is reported at the policy's level again.
 *
 * Every policy also reviews its exemptions against the whole stack (AnalyzeStack), as advisory notes: one that has
 * expired (renew or remove it), and one that names no resource of the stack, which therefore hides nothing (a typo
 * or a resource since removed; the finding it was meant for is reported at full level). Both are advisory so that an
 * old entry never blocks the deploys that rotate secrets.
 */
import type { PolicyResource } from "@pulumi/policy";
import { closestName } from "../../components/similarNames";
import type { Exemption } from "./config";
import { isoDay, utcDay } from "./dates";
import type { Findings } from "./outcome";

/** The resource name a URN ends with. */
export function nameOfUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(3).join("::") : urn;
}

export function isActive(exemption: Exemption, now: Date): boolean {
  return utcDay(now).getTime() <= exemption.expires.getTime();
}

function names(exemption: Exemption, urn: string): boolean {
  return exemption.resource === urn || exemption.resource === nameOfUrn(urn);
}

/** The exemption that hides a finding on `urn` today, if any. */
export function activeExemption(exemptions: readonly Exemption[], urn: string, now: Date): Exemption | undefined {
  return exemptions.find((e) => names(e, urn) && isActive(e, now));
}

/** How an exempted finding is reported. */
export function exemptedMessage(exemption: Exemption, finding: string): string {
  return `exempted until ${isoDay(exemption.expires)}: ${exemption.reason}. The finding: ${finding}`;
}

/** Advisory notes about exemptions that have expired or name no resource of the stack. */
export function reviewExemptions(exemptions: readonly Exemption[], resources: readonly PolicyResource[], now: Date, findings: Findings): void {
  if (exemptions.length === 0) return;
  const urns = new Set(resources.map((r) => r.urn));
  const resourceNames = [...new Set(resources.map((r) => r.name))];
  const known = new Set(resourceNames);
  for (const e of exemptions) {
    const target = resources.find((r) => r.urn === e.resource) ?? resources.find((r) => r.name === e.resource);
    if (!urns.has(e.resource) && !known.has(e.resource)) {
      const near = closestName(nameOfUrn(e.resource), resourceNames);
      findings.advise(
        `the exemption for "${e.resource}" names no resource of this stack (by name or URN), so it hides nothing${near !== undefined ? `; did you mean ${near}?` : ""}: correct or remove it`,
      );
    } else if (!isActive(e, now)) {
      findings.advise(`the exemption for "${e.resource}" expired on ${isoDay(e.expires)} (${e.reason}): its findings are reported again; renew it with a new expires day or remove it`, target?.urn);
    }
  }
}
