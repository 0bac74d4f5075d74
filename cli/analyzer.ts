/**
 * A CrossGuard analyzer client that plays the Pulumi CLI's part without the CLI: it starts a policy pack exactly as
 * `pulumi preview --policy-pack <dir>` does (cli/analyzer/packProcess.ts), serves the minimal Engine the pack logs to
 * (cli/analyzer/engineServer.ts), and speaks the analyzer protocol with the SDK's own gRPC stubs
 * (`@pulumi/pulumi/proto/analyzer_grpc_pb`): Handshake, ConfigureStack, GetAnalyzerInfo, Configure (with the CLI's
 * config reconciliation and schema validation, cli/analyzer/policyConfig.ts), Analyze, AnalyzeStack and Remediate.
 *
 * Property values go over the wire in Pulumi's encoding (cli/analyzer/wire.ts): values marked with `secret()` or
 * listed in `secretPaths` travel as Pulumi secrets, `UNKNOWN` as the preview's unknown value. Nothing here prints a
 * property value.
 */
import * as grpc from "@grpc/grpc-js";
import * as path from "node:path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import { CallQueue } from "./analyzer/callQueue";
import { startEngineServer, type EngineLogLine } from "./analyzer/engineServer";
import { launchPack, PolicyPackStartError, type PackProcess } from "./analyzer/packProcess";
import {
  ENFORCEMENT_LEVELS,
  loadPolicyConfigFile,
  parsePolicyConfigText,
  PolicyConfigError,
  reconcilePolicyConfig,
  type EnforcementLevel,
  type PolicyConfigEntry,
  type PolicyPackConfig,
} from "./analyzer/policyConfig";
import { fromStruct, toStruct } from "./analyzer/wire";

export { loadPolicyConfigFile, parsePolicyConfigText, PolicyConfigError, PolicyPackStartError, ENFORCEMENT_LEVELS };
export type { EnforcementLevel, PolicyConfigEntry, PolicyPackConfig };
export { secret, isWireSecret, UNKNOWN, SIG_KEY, SECRET_SIG, WireValueError, type WireSecret } from "./analyzer/wire";

export interface AnalyzerResource {
  urn: string;
  type: string;
  name: string;
  /** Inputs (Analyze) or outputs (AnalyzeStack) in wire form: secrets via `secret()` or `secretPaths`, unknowns as UNKNOWN. */
  properties: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  /** Per top-level property, the URNs its value came from (AnalyzeStack). */
  propertyDependencies?: Record<string, string[]>;
  /** Provider reference: `<provider urn>::<id>` or a provider URN. */
  provider?: string;
  /** The provider resource's inputs in wire form (sent with the provider, as the engine does); absent: none sent. */
  providerInputs?: Record<string, unknown>;
  /** The resource's options as the program registered them (default: none set). */
  options?: AnalyzerOptions;
  /** Property paths (`properties.value`, `tags["entra-key-id"]`, `items[0]`) whose values are secrets. */
  secretPaths?: string[];
}

/** The resource options an analyzer receives (AnalyzerResourceOptions; the parent comes from `parent`). */
export interface AnalyzerOptions {
  protect?: boolean;
  ignoreChanges?: string[];
  /** Absent: not set by the program (the engine sends it as not defined). */
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs?: string[];
  aliases?: string[];
  /** In seconds, as the engine sends them (it parses the program's durations, `5m`, into seconds). */
  customTimeouts?: { create?: number; update?: number; delete?: number; read?: number };
}

export type FindingLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export interface PolicyFinding {
  policyName: string;
  policyPackName: string;
  level: FindingLevel;
  /** The resource in violation (for Analyze: the analysed resource). Absent: the stack as a whole. */
  urn?: string;
  message: string;
  description?: string;
  severity?: "low" | "medium" | "high" | "critical";
}

export interface PolicySummary {
  name: string;
  displayName?: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  policyType: "resource" | "stack" | "unknown";
  severity?: "low" | "medium" | "high" | "critical";
  remediationSteps?: string;
  url?: string;
  tags: string[];
  configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export interface AnalyzerInfoSummary {
  name: string;
  version: string;
  displayName?: string;
  description?: string;
  supportsConfig: boolean;
  policies: PolicySummary[];
  initialConfig: PolicyPackConfig;
}

export interface RemediationResult {
  policyName: string;
  policyPackName: string;
  description?: string;
  /** The remediated properties in wire form (secrets stay wrapped), when the policy changed them. */
  properties?: Record<string, unknown>;
  /** Why the remediation could not run (e.g. unknown values during preview). */
  diagnostic?: string;
}

export interface PolicyPackSession {
  readonly pid: number;
  info(): Promise<AnalyzerInfoSummary>;
  /**
   * Configure, after reconciling `config` with the policies' defaults and validating it as the CLI does; a config the
   * pack itself refuses (INVALID_ARGUMENT) is a PolicyConfigError too. `source`: the config file as messages name it
   * (like policies/config/dev.json).
   */
  configure(config: PolicyPackConfig, source?: string): Promise<void>;
  /** Analyze one resource. Call it for many resources at once: the session keeps a bounded number of calls in flight. */
  analyze(resource: AnalyzerResource): Promise<PolicyFinding[]>;
  analyzeStack(resources: AnalyzerResource[]): Promise<PolicyFinding[]>;
  remediate(resource: AnalyzerResource): Promise<RemediationResult[]>;
  /** Stops the pack process and the engine server. Safe to call more than once. */
  close(): Promise<void>;
}

export interface StartPolicyPackOptions {
  /** The pack directory (holds PulumiPolicy.yaml), absolute or relative to `cwd`. */
  packDir: string;
  /** Base directory for a relative `packDir` (default: the working directory). The pack itself runs in packDir. */
  cwd?: string;
  /** Time allowed from start until the pack reports its port (default 60 s: the first start type-checks the pack). */
  timeoutMs?: number;
  /** Deadline of each analyzer call (default 60 s). */
  callTimeoutMs?: number;
  stack?: string;
  project?: string;
  organization?: string;
  /** True for a preview (default), false for an update. */
  dryRun?: boolean;
  /** Further environment variables for the pack process (e.g. K2_OAUTH_PLAN_DATE, its clock). */
  env?: Record<string, string>;
  /** Receives the pack's log lines: engine log messages, stdout and stderr. */
  onLog?: (line: string) => void;
}

export const DEFAULT_START_TIMEOUT_MS = 60_000;
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;
/** The analyzer server accepts messages up to 400 MiB (@pulumi/policy server.js); so does the client. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

export class PolicyPackCallError extends Error {
  readonly code: grpc.status;
  /** What the pack (or gRPC) said, without the method and code. */
  readonly details: string;
  constructor(method: string, code: grpc.status, details: string) {
    super(`policy pack call ${method} failed (${grpc.status[code] ?? code}): ${details}`);
    this.name = "PolicyPackCallError";
    this.code = code;
    this.details = details;
  }
}

/** Thrown for an enforcement level the protocol does not define: the engine fails the run on it too. */
export class UnknownEnforcementLevelError extends Error {
  constructor(level: number, where: string) {
    super(
      `the policy pack sent enforcement level ${level} ${where}, which the analyzer protocol does not define (advisory, mandatory, remediate, disabled); ` +
        "the Pulumi CLI stops on it too (invalid enforcement level)",
    );
    this.name = "UnknownEnforcementLevelError";
  }
}

const LEVEL_NAMES: Record<number, FindingLevel> = {
  [proto.EnforcementLevel.ADVISORY]: "advisory",
  [proto.EnforcementLevel.MANDATORY]: "mandatory",
  [proto.EnforcementLevel.DISABLED]: "disabled",
  [proto.EnforcementLevel.REMEDIATE]: "remediate",
};

/** The name of a protocol enforcement level; an unknown one is an error, never a guess. */
function levelName(level: number, where: string): FindingLevel {
  const name = LEVEL_NAMES[level];
  if (name === undefined) throw new UnknownEnforcementLevelError(level, where);
  return name;
}

const LEVEL_VALUES: Record<EnforcementLevel, proto.EnforcementLevel> = {
  advisory: proto.EnforcementLevel.ADVISORY,
  mandatory: proto.EnforcementLevel.MANDATORY,
  disabled: proto.EnforcementLevel.DISABLED,
  remediate: proto.EnforcementLevel.REMEDIATE,
};

const SEVERITY_NAMES: Record<number, PolicyFinding["severity"]> = {
  [proto.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
  [proto.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
  [proto.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
  [proto.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

function optional<K extends string, V>(key: K, value: V | undefined | ""): { [P in K]?: V } {
  return (value === undefined || value === "" ? {} : { [key]: value }) as { [P in K]?: V };
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` -> type and name (the type may carry parent types before `$`). */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return { type: "", name: "" };
  const qualifiedType = parts[2];
  return { type: qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

/** The URN the engine gives a resource (`parentType` is the parent's qualified type, for nested resources). */
export function resourceUrn(args: { stack: string; project: string; type: string; name: string; parentType?: string }): string {
  const qualified = args.parentType === undefined ? args.type : `${args.parentType}$${args.type}`;
  return `urn:pulumi:${args.stack}::${args.project}::${qualified}::${args.name}`;
}

/** The URN of a provider reference (`<provider urn>::<id>`; the URN itself is four `::`-separated segments). */
export function providerUrn(ref: string): string {
  return ref.split("::").slice(0, 4).join("::");
}

function providerMessage(ref: string, inputs: Record<string, unknown> | undefined): proto.AnalyzerProviderResource {
  const urn = providerUrn(ref);
  const { type, name } = parseUrn(urn);
  return new proto.AnalyzerProviderResource()
    .setUrn(urn)
    .setType(type)
    .setName(name)
    .setProperties(inputs === undefined ? new Struct() : toStruct(inputs));
}

function optionsMessage(r: AnalyzerResource): proto.AnalyzerResourceOptions {
  const o = r.options ?? {};
  const timeouts = o.customTimeouts ?? {};
  return new proto.AnalyzerResourceOptions()
    .setProtect(o.protect ?? false)
    .setIgnorechangesList(o.ignoreChanges ?? [])
    .setDeletebeforereplace(o.deleteBeforeReplace ?? false)
    .setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined)
    .setAliasesList(o.aliases ?? [])
    .setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? [])
    .setCustomtimeouts(
      new proto.AnalyzerResourceOptions.CustomTimeouts()
        .setCreate(timeouts.create ?? 0)
        .setUpdate(timeouts.update ?? 0)
        .setDelete(timeouts.delete ?? 0)
        .setRead(timeouts.read ?? 0),
    )
    .setParent(r.parent ?? "");
}

/** The setters that AnalyzeRequest (Analyze) and AnalyzerResource (AnalyzeStack) have in common. */
interface ResourceMessage {
  setUrn(value: string): unknown;
  setType(value: string): unknown;
  setName(value: string): unknown;
  setProperties(value?: Struct): unknown;
  setOptions(value?: proto.AnalyzerResourceOptions): unknown;
  setProvider(value?: proto.AnalyzerProviderResource): unknown;
}

/** Sets what both messages carry of a resource: URN, type, name, properties, options and provider. */
/** The wire form of prepared resources' properties (`prepareResource`), built once for Analyze and AnalyzeStack. */
const preparedProperties = new WeakMap<AnalyzerResource, Struct>();

/**
 * A frozen copy of `r` whose properties are converted to their wire form now, once: pass it to `analyze` and later
 * in `analyzeStack`, which then reuse that form (the offline plan prepares each resource as the program registers it,
 * so AnalyzeStack, at the end of the plan, does not convert every resource again). Do not change `r.properties` after.
 */
export function prepareResource(r: AnalyzerResource): AnalyzerResource {
  const prepared = Object.freeze({ ...r });
  preparedProperties.set(prepared, toStruct(r.properties, r.secretPaths));
  return prepared;
}

function withResource<M extends ResourceMessage>(message: M, r: AnalyzerResource): M {
  message.setUrn(r.urn);
  message.setType(r.type);
  message.setName(r.name);
  message.setProperties(preparedProperties.get(r) ?? toStruct(r.properties, r.secretPaths));
  message.setOptions(optionsMessage(r));
  if (r.provider !== undefined && r.provider !== "") message.setProvider(providerMessage(r.provider, r.providerInputs));
  return message;
}

function analyzeRequest(r: AnalyzerResource): proto.AnalyzeRequest {
  return withResource(new proto.AnalyzeRequest(), r);
}

function stackResource(r: AnalyzerResource): proto.AnalyzerResource {
  const res = withResource(new proto.AnalyzerResource(), r)
    .setParent(r.parent ?? "")
    .setDependenciesList(r.dependencies ?? []);
  const deps = res.getPropertydependenciesMap();
  for (const [prop, urns] of Object.entries(r.propertyDependencies ?? {})) {
    if (urns.length > 0) deps.set(prop, new proto.AnalyzerPropertyDependencies().setUrnsList(urns));
  }
  return res;
}

/** The findings of an Analyze or AnalyzeStack response; an unknown enforcement level throws UnknownEnforcementLevelError. */
export function findingsOf(resp: proto.AnalyzeResponse, defaultUrn?: string): PolicyFinding[] {
  return resp.getDiagnosticsList().map((d) => {
    const urn = d.getUrn() !== "" ? d.getUrn() : defaultUrn;
    return {
      policyName: d.getPolicyname(),
      policyPackName: d.getPolicypackname(),
      level: levelName(d.getEnforcementlevel(), `for a violation of ${d.getPolicyname()}`),
      ...optional("urn", urn),
      message: d.getMessage(),
      ...optional("description", d.getDescription()),
      ...optional("severity", SEVERITY_NAMES[d.getSeverity()]),
    };
  });
}

/** GetAnalyzerInfo's answer; an unknown enforcement level throws UnknownEnforcementLevelError. */
export function summaryOf(info: proto.AnalyzerInfo): AnalyzerInfoSummary {
  const initialConfig: PolicyPackConfig = {};
  info.getInitialconfigMap().forEach((c, name) => {
    initialConfig[name] = { ...fromStruct(c.getProperties()), enforcementLevel: levelName(c.getEnforcementlevel(), `in the initial config of ${name}`) };
  });
  return {
    name: info.getName(),
    version: info.getVersion(),
    ...optional("displayName", info.getDisplayname()),
    ...optional("description", info.getDescription()),
    supportsConfig: info.getSupportsconfig(),
    initialConfig,
    policies: info.getPoliciesList().map((p) => {
      const schema = p.getConfigschema();
      return {
        name: p.getName(),
        ...optional("displayName", p.getDisplayname()),
        description: p.getDescription(),
        enforcementLevel: levelName(p.getEnforcementlevel(), `as the level of ${p.getName()}`),
        policyType:
          p.getPolicyType() === proto.PolicyType.POLICY_TYPE_RESOURCE ? "resource" : p.getPolicyType() === proto.PolicyType.POLICY_TYPE_STACK ? "stack" : "unknown",
        ...optional("severity", SEVERITY_NAMES[p.getSeverity()]),
        ...optional("remediationSteps", p.getRemediationSteps()),
        ...optional("url", p.getUrl()),
        tags: p.getTagsList(),
        ...(schema !== undefined ? { configSchema: { properties: fromStruct(schema.getProperties()), required: schema.getRequiredList() } } : {}),
      };
    }),
  };
}

/** Starts the policy pack in `packDir` and connects to it. Always `close()` the session (e.g. in afterAll/finally). */
export async function startPolicyPack(opts: StartPolicyPackOptions): Promise<PolicyPackSession> {
  const packDir = path.resolve(opts.cwd ?? process.cwd(), opts.packDir);
  const callTimeoutMs = opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const stack = opts.stack ?? "dev";
  const project = opts.project ?? "project";
  const dryRun = opts.dryRun ?? true;
  const onLog = opts.onLog ?? (() => undefined);
  const engineErrors: string[] = [];

  const engine = await startEngineServer((line: EngineLogLine) => {
    if (line.severity === "error" || line.severity === "warning") {
      engineErrors.push(`${line.severity}: ${line.message}`);
      if (engineErrors.length > 20) engineErrors.shift();
    }
    onLog(`${line.severity}: ${line.message}`);
  });

  let pack: PackProcess;
  try {
    pack = await launchPack({
      packDir,
      engineAddress: engine.address,
      timeoutMs: opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      env: {
        // As the CLI's constructEnv: the stack's identity for the pack (and the engine the SDK logs to).
        PULUMI_NODEJS_ENGINE: engine.address,
        PULUMI_NODEJS_PROJECT: project,
        PULUMI_NODEJS_STACK: stack,
        PULUMI_NODEJS_DRY_RUN: String(dryRun),
        PULUMI_PROJECT: project,
        PULUMI_STACK: stack,
        PULUMI_DRY_RUN: String(dryRun),
        ...(opts.organization !== undefined ? { PULUMI_NODEJS_ORGANIZATION: opts.organization, PULUMI_ORGANIZATION: opts.organization } : {}),
        ...opts.env,
      },
      onLine: (stream, line) => onLog(stream === "stderr" ? `stderr: ${line}` : line),
      describeLogs: () => (engineErrors.length > 0 ? `engine log:\n${engineErrors.join("\n")}` : ""),
    });
  } catch (e) {
    await engine.close();
    throw e;
  }

  const client = new AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    // Channelz (gRPC's introspection service) is never served here; its per-call bookkeeping is pure cost.
    "grpc.enable_channelz": 0,
  });
  let closed = false;
  const analyzeQueue = new CallQueue();

  const call = <Req, Res>(
    method: string,
    fn: (req: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
    req: Req,
  ): Promise<Res> => {
    if (closed) return Promise.reject(new Error(`policy pack session is closed (${method})`));
    return new Promise<Res>((resolve, reject) => {
      fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + callTimeoutMs }, (err, res) => {
        if (err === null) {
          resolve(res);
          return;
        }
        const exited = pack.hasExited() ? ` (the policy pack process has exited)${pack.stderrTail() ? `\nstderr:\n${pack.stderrTail()}` : ""}` : "";
        reject(new PolicyPackCallError(method, err.code, `${err.details}${exited}`));
      });
    });
  };

  let infoCache: Promise<AnalyzerInfoSummary> | undefined;
  const session: PolicyPackSession = {
    pid: pack.pid,
    info() {
      if (closed) return Promise.reject(new Error("policy pack session is closed (GetAnalyzerInfo)"));
      infoCache ??= call("GetAnalyzerInfo", client.getAnalyzerInfo, new Empty()).then(summaryOf);
      return infoCache;
    },
    async configure(config, source) {
      const info = await session.info();
      // Initial config the pack declared first, then the given config, as the CLI's ReconcilePolicyPackConfig.
      const merged: PolicyPackConfig = { ...info.initialConfig };
      for (const [name, entry] of Object.entries(config)) merged[name] = { ...(merged[name] ?? {}), ...entry };
      const { config: reconciled } = reconcilePolicyConfig(info.policies, merged, source, info.name);
      const req = new proto.ConfigureAnalyzerRequest();
      const map = req.getPolicyconfigMap();
      for (const [name, entry] of Object.entries(reconciled)) {
        map.set(
          name,
          new proto.PolicyConfig()
            .setEnforcementlevel(LEVEL_VALUES[entry.enforcementLevel])
            .setProperties(Struct.fromJavaScript(entry.properties as Parameters<typeof Struct.fromJavaScript>[0])),
        );
      }
      try {
        await call("Configure", client.configure, req);
      } catch (e) {
        // The pack refused the config itself (it checks more than the schemas it reports): a config error, like the
        // CLI's "configuring policy pack ...: <problems>".
        if (e instanceof PolicyPackCallError && e.code === grpc.status.INVALID_ARGUMENT) {
          throw new PolicyConfigError(`${source !== undefined ? `${source}: ` : ""}${e.details}`);
        }
        throw e;
      }
    },
    async analyze(resource) {
      // Queued: many calls in flight, started a few per event-loop turn (cli/analyzer/callQueue.ts).
      const resp = await analyzeQueue.run(() => call("Analyze", client.analyze, analyzeRequest(resource)));
      return findingsOf(resp, resource.urn);
    },
    async analyzeStack(resources) {
      const req = new proto.AnalyzeStackRequest().setResourcesList(resources.map(stackResource));
      return findingsOf(await call("AnalyzeStack", client.analyzeStack, req));
    },
    async remediate(resource) {
      const resp = await call("Remediate", client.remediate, analyzeRequest(resource));
      return resp.getRemediationsList().map((r) => {
        const props = r.getProperties();
        return {
          policyName: r.getPolicyname(),
          policyPackName: r.getPolicypackname(),
          ...optional("description", r.getDescription()),
          ...(props !== undefined ? { properties: fromStruct(props) } : {}),
          ...optional("diagnostic", r.getDiagnostic()),
        };
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      client.close();
      await pack.kill();
      await engine.close();
    },
  };

  try {
    // As the CLI: Handshake (optional for packs; @pulumi/policy does not implement it), then the stack's identity.
    await call("Handshake", client.handshake, new proto.AnalyzerHandshakeRequest().setEngineAddress(engine.address).setRootDirectory(packDir).setProgramDirectory(packDir)).catch(
      (e: unknown) => {
        if (!(e instanceof PolicyPackCallError && e.code === grpc.status.UNIMPLEMENTED)) throw e;
      },
    );
    await call(
      "ConfigureStack",
      client.configureStack,
      new proto.AnalyzerStackConfigureRequest().setStack(stack).setProject(project).setOrganization(opts.organization ?? "").setDryRun(dryRun),
    ).catch((e: unknown) => {
      if (!(e instanceof PolicyPackCallError && e.code === grpc.status.UNIMPLEMENTED)) throw e;
    });
  } catch (e) {
    await session.close();
    throw new PolicyPackStartError(`policy pack ${packDir} started but does not answer the analyzer protocol: ${(e as Error).message}`, pack.pid);
  }
  return session;
}
