/** What a K2 Cloud stack with `k2-oauth:outbound` exports (shared by the program tests with and without a vault). */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";
import type { ProgramRun } from "../helpers/program";
import { resolve } from "../helpers/pulumiMocks";

/** The dev stack's K2 turned into K2 Cloud (no admin: K2 Cloud has no K2 side this stack manages). */
export function cloudK2(cfg: Record<string, string>): void {
  cfg["k2-oauth:k2"] = JSON.stringify({ url: "https://contoso.onk2.com", edition: "cloud" });
}

export async function expectCloudOutbound(run: ProgramRun, clientSecretFrom: string): Promise<void> {
  const outbound = run.exports.outbound as Record<string, unknown>;
  expect(outbound.k2Management).toBe(
    "K2 Cloud: enter these values in K2 Management > Authentication > OAuth > Resources (client_secret: from clientSecretFrom), and again on every rotation",
  );
  expect(outbound.redirectUri).toBe("https://contoso.onk2.com/identity/token/oauth/2");
  const { value: resources, secret } = await resolve(outbound.k2Resources as pulumi.Output<Array<Record<string, unknown>>>);
  expect(secret).toBe(false);
  const clientId = (await resolve(outbound.clientId as pulumi.Output<string>)).value!;
  const authority = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555";
  const redirect = "https://contoso.onk2.com/identity/token/oauth/2";
  expect(resources).toEqual([
    {
      resourceName: "Microsoft Graph",
      resourceType: "Microsoft Online",
      audience: "https://graph.microsoft.com",
      authorizationEndpoint: `${authority}/oauth2/authorize`,
      tokenEndpoint: `${authority}/oauth2/token`,
      refreshTokenEndpoint: `${authority}/oauth2/token`,
      metadataEndpoint: "",
      useHostServerAuthorizationEndpoint: false,
      parameters: {
        client_id: { authorization: clientId, token: clientId, refresh: clientId },
        redirect_uri: { authorization: redirect, token: redirect },
        response_type: { authorization: "code" },
        grant_type: { token: "authorization_code", refresh: "refresh_token" },
        resource: { authorization: "https://graph.microsoft.com", token: "https://graph.microsoft.com", refresh: "https://graph.microsoft.com" },
      },
      secretLegs: { client_secret: ["token", "refresh"] },
      clientSecretFrom,
    },
  ]);
  // No secret value anywhere in the outbound output.
  const secrets = (await resolve(outbound.secrets as pulumi.Output<unknown>)).value;
  expect(JSON.stringify({ resources, secrets })).not.toContain("s3cr3t");
}
