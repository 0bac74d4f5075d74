/** Shared inputs for the K2 Bearer Token tests: a provider with recorded (not waited) backoff, against a double. */
import { makeBearerTokenProvider, type BearerTokenInputs, type BearerTokenOutputs } from "../../components/k2/bearerTokenProvider";
import { DEFAULT_SMARTOBJECT_MAPPING, type SmartObjectMapping } from "../../components/k2/mapping";
import type { K2SmartObjectDouble } from "../doubles/k2SmartObjectServer";
import { bearerTokenResourceInputs } from "../helpers/bearerTokenInputs";

export { KB002784_FIELDS, bearerTokenResourceInputs } from "../helpers/bearerTokenInputs";
export { AUDIENCE, K2_API_CLIENT_ID, K2_URL, TENANT } from "../helpers/testTenant";
export const OTHER_TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

export function inputsFor(double: K2SmartObjectDouble, overrides: Partial<BearerTokenInputs> = {}, mapping: SmartObjectMapping = DEFAULT_SMARTOBJECT_MAPPING): BearerTokenInputs {
  return {
    ...bearerTokenResourceInputs(),
    credentials: { username: double.username, password: double.password },
    management: { transport: "smartobject-rest", serviceUrl: double.serviceUrl, mapping },
    ...overrides,
  };
}

/**
 * A provider whose backoff waits are recorded instead of waited. Its attempt timeout is the shipped one (30 s) unless
 * `timeoutMs` is given: pass one only against a server that never answers, so that no answer can come too late on a
 * loaded machine.
 */
export function testProvider(timeoutMs?: number) {
  const delays: number[] = [];
  const provider = makeBearerTokenProvider({
    retry: {
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      delay: async (ms: number) => {
        delays.push(ms);
      },
    },
  });
  return { provider, delays };
}

export type Provider = ReturnType<typeof testProvider>["provider"];

/** Creates and returns id and outputs (fails the test if create fails). */
export async function create(provider: Provider, inputs: BearerTokenInputs): Promise<{ id: string; outs: BearerTokenOutputs }> {
  const checked = await provider.check!(inputs, inputs);
  if ((checked.failures ?? []).length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  const result = await provider.create(checked.inputs as BearerTokenInputs);
  return { id: result.id, outs: result.outs as BearerTokenOutputs };
}

/** Every string a secret could leak into: messages, stacks, JSON of values. */
export function assertNoSecret(haystack: unknown, double: K2SmartObjectDouble): void {
  const text = typeof haystack === "string" ? haystack : JSON.stringify(haystack, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v));
  const basic = Buffer.from(`${double.username}:${double.password}`).toString("base64");
  if (text.includes(double.password) || text.includes(basic)) throw new Error("a secret value leaked into output");
}
