/**
 * components/providerSettings.ts: the stack's azuread:* and azure-native:* config, typed for the pinned providers;
 * tenantId and environment only when they agree with what the stack pins; anything else named as a config error.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, resolve } from "../helpers/pulumiMocks";
import { TENANT } from "../helpers/testTenant";

installMocks();
let mod: typeof import("../../components/providerSettings");
beforeAll(async () => {
  mod = await import("../../components/providerSettings");
});

const target = { tenantId: TENANT, cloud: "usgov" as const };

describe("providerSettings", () => {
  it("passes each key on with its kind: text, flags, lists, and secrets kept secret", async () => {
    const s = mod.providerSettings(
      {
        "k2-oauth:tenantId": TENANT,
        "azure-native:subscriptionId": "99999999-aaaa-4bbb-8ccc-dddddddddddd",
        "azure-native:useOidc": "true",
        "azure-native:auxiliaryTenantIds": '["aaaaaaaa-0000-4000-8000-000000000001"]',
        "azuread:useCli": "false",
        "azuread:clientSecret": "s3cr3t",
        "aws:region": "eu-west-1",
      },
      target,
    );
    expect(s.azureNative).toEqual({ subscriptionId: "99999999-aaaa-4bbb-8ccc-dddddddddddd", useOidc: true, auxiliaryTenantIds: ["aaaaaaaa-0000-4000-8000-000000000001"] });
    expect(Object.keys(s.azuread).sort()).toEqual(["clientSecret", "useCli"]);
    expect(s.azuread.useCli).toBe(false);
    expect(await resolve(s.azuread.clientSecret as pulumi.Output<string>)).toEqual({ value: "s3cr3t", secret: true });
  });

  it("accepts tenantId and environment that agree with what the stack pins, whatever the letter case of the tenant", () => {
    expect(
      mod.providerSettings({ "azuread:tenantId": TENANT.toUpperCase(), "azuread:environment": "usgovernment", "azure-native:environment": "usgovernment" }, target),
    ).toEqual({ azuread: {}, azureNative: {} });
  });

  it("names every key it cannot pass on, and what it expects", () => {
    expect(() =>
      mod.providerSettings(
        {
          "azuread:tenantId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
          "azure-native:environment": "public",
          "azure-native:useMsi": "yes",
          "azure-native:auxiliaryTenantIds": "aaaaaaaa-0000-4000-8000-000000000001",
          "azuread:subscriptionId": "x",
        },
        target,
      ),
    ).toThrow(
      [
        "Invalid stack configuration (5 problems):",
        `  - azuread:tenantId: expected no value, or k2-oauth:tenantId (${TENANT}): the providers are pinned to k2-oauth:tenantId; got 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'`,
        "  - azure-native:environment: expected no value, or 'usgovernment' (what k2-oauth:cloud usgov pins it to): set the cloud with k2-oauth:cloud; got 'public'",
        "  - azure-native:useMsi: expected true or false; got 'yes'",
        "  - azure-native:auxiliaryTenantIds: expected a list of tenant ids (set it with pulumi config set --path 'auxiliaryTenantIds[0]' ...); got 'aaaaaaaa-0000-4000-8000-000000000001'",
        "  - azuread:subscriptionId: is not an argument of the azuread provider, so it cannot be passed to the pinned one; expected one of adoPipelineServiceConnectionId, " +
          "clientCertificate, clientCertificatePassword, clientCertificatePath, clientId, clientIdFilePath, clientSecret, clientSecretFilePath, disableTerraformPartnerId, " +
          "metadataHost, msiEndpoint, oidcRequestToken, oidcRequestUrl, oidcToken, oidcTokenFilePath, partnerId, useAksWorkloadIdentity, useCli, useMsi, useOidc",
      ].join("\n"),
    );
  });
});
