/**
 * Where client secrets live in the resources this pack inspects: `ApplicationPassword`, `ServicePrincipalPassword`
 * and the inline `password` block of `Application` (azuread 6.x schema: displayName, startDate, endDate, keyId,
 * value; the separate resources also accept the deprecated `endDateRelative`).
 */
import {
  TYPE_AZUREAD_APPLICATION,
  TYPE_AZUREAD_APPLICATION_PASSWORD,
  TYPE_AZUREAD_SERVICE_PRINCIPAL_PASSWORD,
} from "../../components/contracts";
import { read, type Read } from "./values";

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
