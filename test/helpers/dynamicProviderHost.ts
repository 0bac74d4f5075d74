/**
 * Pulumi's dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`, the process the engine starts for
 * `pulumi-nodejs:dynamic` resources) started as the engine starts it, and driven over its gRPC ResourceProvider
 * interface with the SDK's own stubs, as the engine drives it. Its answers are what `pulumi preview` / `pulumi up`
 * print: a gRPC error's details for a failed create/read/update/delete, and the check failures.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";

export interface HostError {
  code: number;
  details: string;
}

export interface DynamicProviderHost {
  /** Everything the host wrote to stderr (the engine shows it as the provider's diagnostics). */
  stderr(): string;
  check(urn: string, news: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; failures: Array<{ property: string; reason: string }> }>;
  create(urn: string, properties: Record<string, unknown>): Promise<{ id: string; properties: Record<string, unknown> }>;
  read(urn: string, id: string, properties: Record<string, unknown>): Promise<{ id: string; properties: Record<string, unknown> }>;
  diff(urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ changes: boolean | undefined; replaces: string[]; deleteBeforeReplace: boolean }>;
  update(urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ properties: Record<string, unknown> }>;
  delete(urn: string, id: string, properties: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** The gRPC error a call failed with (code and details), or a thrown Error if it succeeded. */
export async function hostError(call: Promise<unknown>): Promise<HostError> {
  const outcome = await call.then(
    () => undefined,
    (e: unknown) => e as grpc.ServiceError,
  );
  if (outcome === undefined) throw new Error("expected the call to fail");
  return { code: outcome.code, details: outcome.details };
}

const struct = (value: Record<string, unknown>): Struct => Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);

/** A Diff or Update request: the resource and its old and new properties. */
function change<R extends proto.DiffRequest | proto.UpdateRequest>(req: R, urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>): R {
  req.setUrn(urn);
  req.setId(id);
  req.setOlds(struct(olds));
  req.setNews(struct(news));
  return req;
}

function unary<Req, Res>(method: (req: Req, callback: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(req, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Starts the host from the project at `root` (its @pulumi/pulumi), as the engine does: `<host> <engine address>`. */
export async function startDynamicProviderHost(root: string): Promise<DynamicProviderHost> {
  const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [root] });
  // The engine address is only used for logging; nothing listens there and nothing is logged in these tests.
  const child: ChildProcess = spawn(process.execPath, [script, "127.0.0.1:1"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = out.split("\n")[0];
      if (out.includes("\n") && /^\d+$/.test(line.trim())) resolve(Number(line.trim()));
    });
    child.once("exit", (code) => reject(new Error(`the dynamic-provider host exited (${code}) before reporting its port: ${err}`)));
  });
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const configure = new proto.ConfigureRequest();
  configure.setArgs(Struct.fromJavaScript({}));
  configure.setAcceptsecrets(true);
  configure.setAcceptresources(true);
  await unary(client.configure.bind(client), configure);

  return {
    stderr: () => err,
    async check(urn, news) {
      const req = new proto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(Struct.fromJavaScript({}));
      req.setNews(struct(news));
      const res = await unary<proto.CheckRequest, proto.CheckResponse>(client.check.bind(client), req);
      return {
        inputs: (res.getInputs()?.toJavaScript() ?? {}) as Record<string, unknown>,
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async create(urn, properties) {
      const req = new proto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(struct(properties));
      const res = await unary<proto.CreateRequest, proto.CreateResponse>(client.create.bind(client), req);
      return { id: res.getId(), properties: (res.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown> };
    },
    async read(urn, id, properties) {
      const req = new proto.ReadRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(struct(properties));
      const res = await unary<proto.ReadRequest, proto.ReadResponse>(client.read.bind(client), req);
      return { id: res.getId(), properties: (res.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown> };
    },
    async diff(urn, id, olds, news) {
      const req = change(new proto.DiffRequest(), urn, id, olds, news);
      const res = await unary<proto.DiffRequest, proto.DiffResponse>(client.diff.bind(client), req);
      const changes = res.getChanges();
      const DiffChanges = proto.DiffResponse.DiffChanges;
      return {
        changes: changes === DiffChanges.DIFF_SOME ? true : changes === DiffChanges.DIFF_NONE ? false : undefined,
        replaces: res.getReplacesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
      };
    },
    async update(urn, id, olds, news) {
      const req = change(new proto.UpdateRequest(), urn, id, olds, news);
      const res = await unary<proto.UpdateRequest, proto.UpdateResponse>(client.update.bind(client), req);
      return { properties: (res.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown> };
    },
    async delete(urn, id, properties) {
      const req = new proto.DeleteRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(struct(properties));
      await unary(client.delete.bind(client), req);
    },
    async close() {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGKILL");
        await gone;
      }
    },
  };
}
