/**
 * The engine: what the fast start (front.ts) hands tool calls to — the tools the editor entry
 * allows, their zod schemas, the runtime (broker session, tokens, Graph) — without the MCP SDK.
 * build/build.mjs bundles this module as the string main.ts compiles at the first need (V8 code
 * cache: code-cache.ts), which is at the first tools/call or, earlier, right after the front answered
 * tools/list (`warm`: the model is thinking, the bridge is idle): then it also connects to the broker
 * (hello, tools.declare; never launching it), so the first call does not wait for that.
 *
 * `callTool` answers as McpServer would (tool-call.ts). The SDK itself is loaded only for a handover
 * (`startFullServer`: full.ts), and then shares this runtime.
 */
// First: zod's settings apply to schemas built after it (zod-jitless.ts).
import '../zod-jitless.ts';
import type { Readable, Writable } from 'node:stream';
import { BRIDGE_ENV } from '../../app/shared/constants.ts';
import { resolveBrokerEndpoint, type BrokerEndpoint } from '../../app/shared/endpoint.ts';
import type { HelloResult } from '../../app/shared/bridge-contract.ts';
import { ALL_TOOLS, selectTools, toCatalog } from '../catalog.ts';
import type { BridgeConfig, Selection } from '../config.ts';
import type { Logger } from '../log.ts';
import { createLogger, type LogLevel } from '../log.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import type { ToolDefinition } from '../tools/tool.ts';
import { brokerDeadline, describeStartFailure, startFullServer, type FullServer, type FullServerDeps } from './full.ts';
import { loadSdk, type Sdk } from './sdk.ts';
import { createSdkToolCaller, runToolCall, type ToolCallResult } from './tool-call.ts';

export { describeStartFailure };

/** Everything the engine needs from the process (main.ts is the only module reading process.*). */
export interface EngineDeps {
  config: BridgeConfig;
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
  pid: number;
  uid: number | undefined;
  username: string;
  homedir: string;
  tmpdir: string;
  writeLog(line: string): void;
  /** The editor, from the last initialize the front answered. */
  clientInfo(): { name: string; version: string };
  /** Loads the MCP SDK for a handover (dist/bridge.js: its own bundle; default: the packages). */
  loadSdk?: () => Promise<Sdk>;
}

export interface Engine {
  log: Logger;
  /** The result McpServer would send for this tools/call (never rejects). */
  callTool(name: string, args: Record<string, unknown> | undefined, signal: AbortSignal): Promise<ToolCallResult>;
  /** Connects to the broker if it runs (never launches it). */
  warm(): void;
  /** Every broker hello/session.get answer; returns the unsubscribe function. */
  onSession(listener: (hello: HelloResult) => void): () => void;
  /** Hands the stream over to the MCP SDK's server (loads the SDK). */
  startFullServer(deps: { listing: Selection; input: Readable; output: Writable }): Promise<FullServer>;
  close(): void;
}

/** GRAPH_BRIDGE_THROTTLE_BUDGET_MS: how long one call may wait on Graph throttling (default 30 s). */
function throttleBudget(value: string | undefined): { throttleBudgetMs?: number } {
  const ms = Number(value);
  return value !== undefined && Number.isInteger(ms) && ms >= 0 && ms <= 300_000 ? { throttleBudgetMs: ms } : {};
}

/** GRAPH_BRIDGE_LOG_LEVEL, when it names a level (else the logger's default). */
function logLevel(value: string | undefined): { level?: LogLevel } {
  const level = value as LogLevel | undefined;
  return level && ['debug', 'info', 'warn', 'error'].includes(level) ? { level } : {};
}

/** What the runtime is built from. */
interface RuntimeParts {
  deps: EngineDeps;
  endpoint: BrokerEndpoint;
  tools: readonly ToolDefinition[];
  log: Logger;
  listeners: ReadonlySet<(hello: HelloResult) => void>;
}

/** Creates the runtime when called (startEngine keeps the one); launch and download settings are read now. */
function runtimeFactory({ deps, endpoint, tools, log, listeners }: RuntimeParts): () => Runtime {
  const { env } = deps;
  const launchCommand = env[BRIDGE_ENV.launch];
  const downloadDir = env[BRIDGE_ENV.downloadDir];
  return () =>
    createRuntime({
      env,
      endpoint,
      pid: deps.pid,
      uid: deps.uid,
      userTag: deps.uid !== undefined ? String(deps.uid) : deps.username,
      tmpdir: deps.tmpdir,
      ...(launchCommand !== undefined ? { launchCommand } : {}),
      ...(downloadDir ? { downloadDir } : {}),
      platform: deps.platform,
      homedir: deps.homedir,
      config: deps.config,
      catalog: toCatalog(tools),
      clientInfo: () => deps.clientInfo(),
      log,
      ...throttleBudget(env.GRAPH_BRIDGE_THROTTLE_BUDGET_MS),
      ...brokerDeadline(env.GRAPH_BRIDGE_BROKER_TIMEOUT_MS),
      onSession: (hello) => {
        for (const listener of listeners) listener(hello);
      },
    });
}

/** The engine's side of a handover: loads the SDK and starts its server over this runtime. */
async function handOver(
  engine: Omit<FullServerDeps, 'sdk' | 'listing' | 'input' | 'output'> & { loadSdk: () => Promise<Sdk> },
  { listing, input, output }: { listing: Selection; input: Readable; output: Writable },
): Promise<FullServer> {
  const sdk = await engine.loadSdk();
  return startFullServer({
    sdk,
    config: engine.config,
    tools: engine.tools,
    listing,
    runner: engine.runner,
    onSession: engine.onSession,
    log: engine.log,
    input,
    output,
  });
}

export function startEngine(deps: EngineDeps): Engine {
  const { config, env } = deps;
  let runtime: Runtime | undefined;
  const log = createLogger({
    write: (line) => deps.writeLog(line),
    pid: deps.pid,
    ...logLevel(env.GRAPH_BRIDGE_LOG_LEVEL),
    secrets: () => runtime?.heldSecrets() ?? [],
  });
  const endpoint = resolveBrokerEndpoint({
    platform: deps.platform,
    env,
    homedir: deps.homedir,
    username: deps.username,
  });
  const tools = selectTools(ALL_TOOLS, config);
  const listeners = new Set<(hello: HelloResult) => void>();
  const create = runtimeFactory({ deps, endpoint, tools, log, listeners });
  const getRuntime = (): Runtime => (runtime ??= create());
  const runner = (): Promise<Runtime> => Promise.resolve(getRuntime());
  const caller = createSdkToolCaller(tools, (tool, args, signal) => runToolCall(tool, args, { runner, log, signal }));
  log.debug(`engine ready: ${tools.length} tools registered, broker ${endpoint.path}`);
  const onSession = (listener: (hello: HelloResult) => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return {
    log,
    callTool: (name, args, signal) => caller.call(name, args, signal),
    warm: () => getRuntime().warm(),
    onSession,
    startFullServer: (streams) =>
      handOver({ config, tools, runner, onSession, log, loadSdk: deps.loadSdk ?? loadSdk }, streams),
    close: () => runtime?.close(),
  };
}
