/**
 * A minimal Pulumi Engine gRPC server (pulumirpc.Engine), the `<engine-addr>` a policy pack is started with.
 * The SDK inside the pack sends its log messages here (`@pulumi/pulumi` log/index.ts, e.g. a policy pack that fails
 * to load reports its error with log.error); they are handed to `onLog` as text lines.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { EngineService, type IEngineServer } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";

export interface EngineLogLine {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

const SEVERITY: Record<number, EngineLogLine["severity"]> = {
  [engineProto.LogSeverity.DEBUG]: "debug",
  [engineProto.LogSeverity.INFO]: "info",
  [engineProto.LogSeverity.WARNING]: "warning",
  [engineProto.LogSeverity.ERROR]: "error",
};

export interface EngineServer {
  /** `127.0.0.1:<port>` */
  address: string;
  close(): Promise<void>;
}

export function startEngineServer(onLog: (line: EngineLogLine) => void): Promise<EngineServer> {
  const server = new grpc.Server();
  let rootUrn = "";
  const impl: IEngineServer = {
    log(call, callback) {
      const req = call.request;
      onLog({ severity: SEVERITY[req.getSeverity()] ?? "info", message: req.getMessage(), urn: req.getUrn() });
      callback(null, new Empty());
    },
    getRootResource(_call, callback) {
      callback(null, new engineProto.GetRootResourceResponse().setUrn(rootUrn));
    },
    setRootResource(call, callback) {
      rootUrn = call.request.getUrn();
      callback(null, new engineProto.SetRootResourceResponse());
    },
    startDebugging(_call, callback) {
      callback({ code: grpc.status.UNIMPLEMENTED, details: "debugging is not supported by this engine" }, null);
    },
    requirePulumiVersion(_call, callback) {
      // No Pulumi CLI here: every version requirement is accepted.
      callback(null, new engineProto.RequirePulumiVersionResponse());
    },
  };
  server.addService(EngineService, impl);
  return new Promise((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err !== null) {
        reject(new Error(`cannot start the engine server on 127.0.0.1: ${err.message}`));
        return;
      }
      resolve({
        address: `127.0.0.1:${port}`,
        // forceShutdown, not tryShutdown: a call still open from a killed pack would hold a graceful shutdown.
        close: async () => server.forceShutdown(),
      });
    });
  });
}
