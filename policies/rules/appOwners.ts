/**
 * entra-app-owners (stack): every app registration has at least `minOwners` owners (default 1), so someone is notified
 * about and can manage its credentials (e.g. renew an expiring client secret). Counted: the Application's `owners`
 * and the ApplicationOwner resources that name the app (also for an ApplicationRegistration), each owner once.
 *
 * Maester MT.1077 ("App registrations with privileged API permissions should not have owners") points the other way
 * for apps with privileged permissions: owners can add credentials and act as the app. K2 clients hold one delegated
 * K2 scope (entra-app-least-privilege keeps it so), which is not privileged in that sense; docs/policies.md says more.
 */
import { TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_OWNER, TYPE_AZUREAD_APPLICATION_REGISTRATION } from "../../components/contracts";
import { changeHint, clientConfigKey, componentsOf } from "../lib/components";
import { stackRule } from "../lib/define";
import { DOCS } from "../lib/docs";
import { applicationIdKeys, ofType, referrers } from "../lib/stack";
import { read, readList } from "../lib/values";

export const appOwners = stackRule({
  name: "entra-app-owners",
  displayName: "App registrations have enough owners",
  description: "Every Entra ID app registration must have at least minOwners (default 1) owners who can manage it and its credentials.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "List the owners' object ids in the app's owners (Application.owners), or declare ApplicationOwner resources for it. With this project: add object ids to clients[].owners.",
  url: DOCS.appOwners,
  settings: ["minOwners"],
  tags: ["entra-id"],
  check({ resources, settings, outcome, notApplicable }) {
    const apps = ofType(resources, TYPE_AZUREAD_APPLICATION, TYPE_AZUREAD_APPLICATION_REGISTRATION);
    if (apps.length === 0) notApplicable("the stack declares no app registrations");
    const ownerResources = ofType(resources, TYPE_AZUREAD_APPLICATION_OWNER);
    for (const app of apps) {
      const owners = new Set<string>();
      let open = false;
      if (app.type === TYPE_AZUREAD_APPLICATION) {
        const list = readList(app.props, "owners");
        if (!list.known) open = true;
        (list.known ? (list.items ?? []) : []).forEach((item, i) => {
          if (!item.known) open = true;
          else if (typeof item.value === "string" && item.value !== "") owners.add(item.value.toLowerCase());
          else owners.add(`#${i}`);
        });
      }
      const found = referrers(app, ownerResources, "applicationId", applicationIdKeys);
      for (const owner of found.linked) {
        const id = read(owner.props, "ownerObjectId");
        owners.add(id.known && typeof id.value === "string" && id.value !== "" ? id.value.toLowerCase() : owner.urn);
      }
      if (owners.size >= settings.minOwners) continue;
      if (open || found.undecided.length > 0) {
        outcome.undecidable(`owners of ${app.name}${found.undecided.length > 0 ? ` (${found.undecided.join("; ")})` : ""}`);
        continue;
      }
      const count = owners.size === 0 ? "no owner" : `${owners.size} owner${owners.size === 1 ? "" : "s"}`;
      const key = clientConfigKey(componentsOf(app), "owners");
      outcome.fail(
        `${app.name} has ${count}, fewer than minOwners ${settings.minOwners}; ${app.type === TYPE_AZUREAD_APPLICATION ? "add owner object ids to its owners or declare ApplicationOwner resources" : "declare ApplicationOwner resources with its applicationId"}${changeHint(key)}`,
        app.urn,
      );
    }
  },
});
