/**
 * entra-app-owners (stack): every app registration has at least one owner, so someone is notified about and can
 * manage its credentials (e.g. renew an expiring client secret). Application: its `owners`; ApplicationRegistration:
 * ApplicationOwner resources that name it.
 */
import {
  TYPE_AZUREAD_APPLICATION,
  TYPE_AZUREAD_APPLICATION_OWNER,
  TYPE_AZUREAD_APPLICATION_REGISTRATION,
} from "../../components/contracts";
import { stackRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { applicationIdKeys, ofType, referrers } from "../lib/stack";
import { readList } from "../lib/values";

export const appOwners = stackRule({
  name: "entra-app-owners",
  displayName: "App registrations have an owner",
  description: "Every Entra ID app registration should have at least one owner who can manage it and its credentials.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    "List the owners' object ids in the client's owners (Application.owners), or declare an ApplicationOwner for an ApplicationRegistration.",
  url: DOCS.appOwners,
  tags: ["entra-id"],
  check({ resources, outcome, notApplicable }) {
    const apps = ofType(resources, TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION);
    if (apps.length === 0) notApplicable("the stack declares no app registrations");
    const ownerResources = ofType(resources, TYPE_AZUREAD_APPLICATION_OWNER);
    for (const app of apps) {
      if (app.type === TYPE_AZUREAD_APPLICATION) {
        const owners = readList(app.props, "owners");
        if (!owners.known) outcome.undecidable(`${app.name}.owners`);
        else if ((owners.items ?? []).length === 0) outcome.fail(`${app.name} has no owners; add at least one owner object id`, app.urn);
        continue;
      }
      const found = referrers(app, ownerResources, "applicationId", applicationIdKeys);
      if (found.linked.length > 0) continue;
      if (found.undecided.length > 0) outcome.undecidable(`owners of ${app.name} (${found.undecided.join("; ")})`);
      else outcome.fail(`${app.name} has no ApplicationOwner; declare one with its applicationId`, app.urn);
    }
  },
});
