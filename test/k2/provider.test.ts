import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BearerTokenOutputs } from "../../components/k2/bearerTokenProvider";
import { smartObjectMethodUrl } from "../../components/k2/smartObjectRest";
import { MASK, startK2SmartObjectDouble, type K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";
import { assertNoSecret, AUDIENCE, create, inputsFor, KB002784_FIELDS, TENANT, testProvider } from "./fixtures";

let double: K2SmartObjectDouble;

beforeEach(async () => {
  double = await startK2SmartObjectDouble();
});
afterEach(async () => {
  await double.close();
});

async function readProps(provider: ReturnType<typeof testProvider>["provider"], id: string, props: BearerTokenOutputs) {
  const result = await provider.read!(id, props);
  return { id: result.id, props: result.props as BearerTokenOutputs };
}

describe("BearerTokenResource provider: create, read, update, delete against the K2 double", () => {
  it("creates the resource with the KB002784 fields and edits the audience row that the Resource Type gave it", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    const { id, outs } = await create(provider, inputs);

    const stored = double.resources();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toEqual({ id, ...KB002784_FIELDS });
    // Rows come from the Resource Type: both exist, only audience was edited.
    expect(double.parameters(id).map((p) => [p.name, p.tokenValue])).toEqual([
      ["audience", AUDIENCE],
      ["client_assertion", ""],
    ]);
    expect(outs.resourceId).toBe(id);
    expect(outs.maskedParameters).toEqual([]);
    expect(outs.parameters).toEqual({ audience: AUDIENCE });
    expect(double.count("create", "resource")).toBe(1);
    // Credentials went in the Authorization header only, never into a request body.
    expect(double.requests.every((r) => r.authenticated)).toBe(true);
    assertNoSecret(double.requests.map((r) => r.body + r.path), double);
  });

  it("read without drift reports exactly what was created, and diff then sees no change", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    const { id, outs } = await create(provider, inputs);
    const read = await readProps(provider, id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toEqual(outs);
    expect(await provider.diff!(id, read.props, inputs)).toMatchObject({ changes: false, replaces: [] });
  });

  it("a refresh shows edits made in K2 Management, and the next update puts the declared values back", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    const { id, outs } = await create(provider, inputs);

    const v2 = `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`;
    double.management.editResource("K2 API", { tokenEndpoint: v2, useHostServerAuthorizationEndpoint: true });
    double.management.setParameter("K2 API", "audience", "https://api.k2.com");

    const read = await readProps(provider, id, outs);
    expect(read.props.tokenEndpoint).toBe(v2);
    expect(read.props.useHostServerAuthorizationEndpoint).toBe(true);
    expect(read.props.parameters).toEqual({ audience: "https://api.k2.com" });

    const diff = await provider.diff!(id, read.props, inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });

    const updated = await provider.update!(id, read.props, inputs);
    expect(double.resources()[0]).toMatchObject({ tokenEndpoint: inputs.tokenEndpoint, useHostServerAuthorizationEndpoint: false });
    expect(double.parameterValue("K2 API", "audience")).toBe(AUDIENCE);
    expect(updated.outs).toMatchObject({ tokenEndpoint: inputs.tokenEndpoint, parameters: { audience: AUDIENCE }, resourceId: id });
    const again = await readProps(provider, id, updated.outs as BearerTokenOutputs);
    expect(await provider.diff!(id, again.props, inputs)).toMatchObject({ changes: false });
  });

  it("values K2 stores encrypted read back masked without false drift", async () => {
    await double.close();
    double = await startK2SmartObjectDouble({ resourceTypes: [{ name: "Bearer Token", parameters: [{ name: "audience", encrypted: true }] }] });
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    const { id, outs } = await create(provider, inputs);
    expect(double.parameterValue("K2 API", "audience")).toBe(AUDIENCE);
    expect(outs.maskedParameters).toEqual(["audience"]);

    const read = await readProps(provider, id, outs);
    expect(read.props.parameters).toEqual({ audience: AUDIENCE });
    expect(await provider.diff!(id, read.props, inputs)).toMatchObject({ changes: false });
    // K2 (the double) really returns the value masked on the wire.
    const mapping = inputs.management.mapping;
    const wire = await fetch(smartObjectMethodUrl(double.serviceUrl, mapping.resourceParameter, mapping.resourceParameter.methods.list, { $format: "json" }), {
      headers: { Authorization: `Basic ${Buffer.from(`${double.username}:${double.password}`).toString("base64")}` },
    }).then((r) => r.text());
    expect(wire).toContain(MASK);
    expect(wire).not.toContain(AUDIENCE);
  });

  it("updates endpoints in place and only touches K2 for what changed", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    const { id, outs } = await create(provider, inputs);
    const next = inputsFor(double, { metadataEndpoint: `https://LOGIN.microsoftonline.com/${TENANT}/.well-known/openid-configuration` });
    expect(await provider.diff!(id, outs, next)).toMatchObject({ changes: true, replaces: [] });
    const before = double.requests.length;
    await provider.update!(id, outs, next);
    const sent = double.requests.slice(before);
    expect(sent.filter((r) => r.operation === "update" && r.target === "resource")).toHaveLength(1);
    expect(sent.find((r) => r.operation === "update")?.body).toContain("<MetadataEndpoint>");
    expect(sent.find((r) => r.operation === "update")?.body).not.toContain("<TokenEndpoint>");
    expect(sent.filter((r) => r.target === "parameter" && r.operation === "update")).toHaveLength(0);
    expect(double.resources()[0].metadataEndpoint).toBe(next.metadataEndpoint);
  });

  it("a credentials-only change is a state-only update: nothing is written to K2, and wrong new credentials fail", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    const { id, outs } = await create(provider, inputs);
    // Same values: no diff at all.
    expect(await provider.diff!(id, outs, inputsFor(double))).toMatchObject({ changes: false });

    const rotated = inputsFor(double, { credentials: { username: double.username.toUpperCase(), password: double.password } });
    expect(await provider.diff!(id, outs, rotated)).toMatchObject({ changes: true, replaces: [] });
    // K2 accepts user names without regard to case? The double does not: the new credentials are checked by a read.
    const before = double.requests.length;
    const error = await provider.update!(id, outs, rotated).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/HTTP 401.*k2-oauth:k2\.admin\.username/s);
    expect(double.requests.slice(before).every((r) => r.method === "GET")).toBe(true);

    const sameCreds = inputsFor(double, { management: { ...inputs.management, serviceUrl: `${double.serviceUrl}/` } });
    expect(await provider.diff!(id, outs, sameCreds)).toMatchObject({ changes: false });
  });

  it("diff: server, name and type replace; a type change on the same name deletes first; endpoints and parameters update", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    const { id, outs } = await create(provider, inputs);
    const diff = (o: Partial<typeof inputs>) => provider.diff!(id, outs, { ...inputs, ...o });

    expect(await diff({ k2Url: "https://k2-other.example.com" })).toMatchObject({ changes: true, replaces: ["k2Url"], deleteBeforeReplace: false });
    expect(await diff({ k2Url: "https://K2.example.com/" })).toMatchObject({ changes: false, replaces: [] });
    expect(await diff({ resourceName: "K2 API v2" })).toMatchObject({ replaces: ["resourceName"], deleteBeforeReplace: false });
    expect(await diff({ resourceName: "k2 api" })).toMatchObject({ replaces: ["resourceName"], deleteBeforeReplace: true });
    expect(await diff({ resourceType: "Microsoft Online" })).toMatchObject({ replaces: ["resourceType"], deleteBeforeReplace: true });
    expect(await diff({ parameters: { audience: "https://api.example.com/" } })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff({ parameters: { audience: AUDIENCE } })).toMatchObject({ changes: false });
  });

  it("delete removes the resource and its parameter rows; already gone counts as deleted; read then reports it missing", async () => {
    const { provider } = testProvider();
    const { id, outs } = await create(provider, inputsFor(double));
    await provider.delete!(id, outs);
    expect(double.resources()).toEqual([]);
    expect(double.parameters(id)).toEqual([]);
    await expect(provider.delete!(id, outs)).resolves.toBeUndefined();
    expect((await provider.read!(id, outs)).id).toBe("");
  });

  it("an update of a resource deleted in K2 Management fails clearly", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    const { id, outs } = await create(provider, inputs);
    double.management.deleteResource("K2 API");
    const next = inputsFor(double, { tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/token/` });
    await expect(provider.update!(id, outs, next)).rejects.toThrow(/no longer exists in K2.*pulumi refresh/);
  });

  it("adopts an identical resource that already exists instead of creating a second one", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    const existing = double.management.createResource({
      name: "K2 API",
      resourceType: "Bearer Token",
      authorizationEndpoint: inputs.authorizationEndpoint,
      tokenEndpoint: inputs.tokenEndpoint,
      refreshTokenEndpoint: "",
      metadataEndpoint: inputs.metadataEndpoint,
      useHostServerAuthorizationEndpoint: false,
    });
    const { id } = await create(provider, inputs);
    expect(id).toBe(existing.id);
    expect(double.count("create", "resource")).toBe(0);
    expect(double.resources()).toHaveLength(1);
    expect(double.parameterValue("K2 API", "audience")).toBe(AUDIENCE);
  });

  it("refuses to adopt a same-named resource that differs, changing nothing", async () => {
    const { provider } = testProvider();
    const inputs = inputsFor(double);
    double.management.createResource(
      {
        name: "k2 api",
        resourceType: "Bearer Token",
        authorizationEndpoint: inputs.authorizationEndpoint,
        tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
        refreshTokenEndpoint: "",
        metadataEndpoint: inputs.metadataEndpoint,
        useHostServerAuthorizationEndpoint: false,
      },
      { audience: "https://other.example.com/" },
    );
    const error = await create(provider, inputs).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/already exists in K2.*tokenEndpoint: K2 has .*v2\.0.*parameter 'audience'.*not adopted and nothing was changed/s);
    expect(double.count("create", "resource")).toBe(0);
    expect(double.count("update")).toBe(0);
    expect(double.parameterValue("k2 api", "audience")).toBe("https://other.example.com/");
  });

  it("fails with a clear message when the Resource Type gives no audience row (rows are edited, never added)", async () => {
    await double.close();
    double = await startK2SmartObjectDouble({ resourceTypes: [{ name: "Bearer Token", parameters: [{ name: "scope" }] }] });
    const { provider } = testProvider();
    const error = await create(provider, inputsFor(double)).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/no parameter 'audience'.*Resource Type \('Bearer Token'\).*Parameters the resource has: scope\. Add the parameter to the Resource Type in K2 Management > Authentication > OAuth > Resource Types/s);
    expect(double.requests.some((r) => r.target === "parameter" && r.method !== "GET")).toBe(false);
  });

  it("mentions the placeholder mapping when K2 does not have the SmartObject (404)", async () => {
    const { provider } = testProvider();
    const mapping = { ...inputsFor(double).management.mapping };
    const inputs = inputsFor(double, {}, { ...mapping, resource: { ...mapping.resource, displayName: "No Such SmartObject" } });
    const error = await create(provider, inputs).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/HTTP 404.*PLACEHOLDER mapping.*npm run discover/s);
    expect(double.requests).toHaveLength(1);
  });
});
