/**
 * The doubles keep to the wire formats verify relies on: Entra's OAuth error body and v1/v2 discovery documents,
 * and a K2 Workflow REST API that refuses anything but a valid v1 token for its audience.
 */
import { describe, expect, it } from "vitest";
import { AUDIENCE, CLIENT_ID, CLIENT_SECRET, PASSWORD, TENANT, useHarness, USERNAME } from "./harness";

const h = useHarness({ per: "file" });

async function token(form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h.entra.url}/${TENANT}/oauth2/token`, { method: "POST", body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const ropc = { grant_type: "password", client_id: CLIENT_ID, client_secret: CLIENT_SECRET, resource: AUDIENCE, username: USERNAME, password: PASSWORD };

describe("Entra ID double", () => {
  it("answers errors in Entra's OAuth error format", async () => {
    const { status, body } = await token({ ...ropc, password: "wrong-password" });
    expect(status).toBe(400);
    expect(Object.keys(body).sort()).toEqual(["correlation_id", "error", "error_codes", "error_description", "error_uri", "timestamp", "trace_id"]);
    expect(body).toMatchObject({ error: "invalid_grant", error_codes: [50126] });
    expect(String(body.error_description)).toMatch(/^AADSTS50126: .+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body.timestamp).toBe("2026-11-23 12:00:00Z");
  });

  it("serves v1 and v2 discovery documents and the keys they point to", async () => {
    const v1 = (await (await fetch(h.entra.metadataUrl)).json()) as Record<string, string>;
    expect(v1.issuer).toBe(`https://sts.windows.net/${TENANT}/`);
    expect(v1.token_endpoint).toBe(`${h.entra.url}/${TENANT}/oauth2/token`);
    const v2 = (await (await fetch(h.entra.v2MetadataUrl)).json()) as Record<string, string>;
    expect(v2.issuer).toBe(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    for (const uri of [v1.jwks_uri, v2.jwks_uri]) {
      const jwks = (await (await fetch(uri)).json()) as { keys: Array<Record<string, string>> };
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kty: "RSA", use: "sig" });
      expect(jwks.keys[0].d).toBeUndefined();
    }
    const unknownTenant = await fetch(`${h.entra.url}/99999999-2222-3333-4444-555555555555/.well-known/openid-configuration`);
    expect(unknownTenant.status).toBe(400);
  });
});

describe("K2 Workflow REST API double", () => {
  const workflows = () => `${h.k2.url}/api/workflow/v1/workflows`;

  it("answers 401 without a token or with a token it cannot validate", async () => {
    expect((await fetch(workflows())).status).toBe(401);
    const bad = await fetch(workflows(), { headers: { authorization: "Bearer not.a.jwt" } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });

  it("answers 200 with itemCount and workflows for a valid v1 token, and 401 for a v2 one", async () => {
    h.entra.tokenStyle = "v1";
    const v1 = String((await token(ropc)).body.access_token);
    const ok = await fetch(workflows(), { headers: { authorization: `Bearer ${v1}` } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { itemCount: number; workflows: Array<Record<string, unknown>> };
    expect(body.itemCount).toBe(body.workflows.length);
    expect(Object.keys(body.workflows[0]).sort()).toEqual(["defaultVersionId", "folder", "id", "name", "systemName"]);

    h.entra.tokenStyle = "v2";
    const v2 = String((await token(ropc)).body.access_token);
    expect((await fetch(workflows(), { headers: { authorization: `Bearer ${v2}` } })).status).toBe(401);
    h.entra.tokenStyle = "v1";
  });
});
