/**
 * The part of the bridge that talks to the outside world, wired with production edges (net, fs,
 * child_process, the Graph client). server.ts imports this lazily at the first tool call so that
 * `initialize` and `tools/list` never load it and never contact the broker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { lstat, readFile } from 'node:fs/promises';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { BRIDGE_ENV } from '../app/shared/constants.ts';
import type { BrokerEndpoint } from '../app/shared/endpoint.ts';
import type { HelloResult, ToolCatalogEntry } from '../app/shared/bridge-contract.ts';
import { createApiClient } from './api-client.ts';
import { createBrokerClient, type BrokerClient } from './broker/broker-client.ts';
import { createTokenSource } from './broker/token-source.ts';
import type { BridgeConfig } from './config.ts';
import { createToolRunner, DEFAULT_LIMITS, type ToolRunner, type ToolRunnerDeps } from './context.ts';
import { ensureUserTempDir, saveDownload, streamDownload, userTempDir, type DownloadDirOptions } from './downloads.ts';
import { HTTP_TIMEOUT_ENV } from './graph/deadline.ts';
import { youngGc } from './young-gc.ts';
import { createGraphClientTransport } from './graph/graph-client.ts';
import { createKeepAliveFetch } from './graph/keep-alive-fetch.ts';
import { createHandleStore } from './handles/handle-store.ts';
import type { Logger } from './log.ts';
import { createLocalFiles, type LocalFilesEnv } from './uploads/local-files.ts';
import { nodeLocalFs, policyFactsFor } from './uploads/node-fs.ts';
import { createUploadUrlSender } from './uploads/upload-url.ts';

export interface RuntimeOptions {
  endpoint: BrokerEndpoint;
  pid: number;
  uid: number | undefined;
  /** uid or user name, for the per-user temp download dir. */
  userTag: string;
  tmpdir: string;
  /** GRAPH_BRIDGE_LAUNCH (JSON argv) as given, if any. */
  launchCommand?: string;
  /** The bridge's environment; Graph Bridge started through launchCommand gets launchEnv(env). */
  env: Readonly<Record<string, string | undefined>>;
  /** GRAPH_BRIDGE_DOWNLOAD_DIR, if set. */
  downloadDir?: string;
  /** process.platform and the home folder, for the upload policy's path rules (bridge/uploads). */
  platform: string;
  homedir: string;
  config: BridgeConfig;
  catalog: readonly ToolCatalogEntry[];
  clientInfo(): { name: string; version: string };
  log: Logger;
  /** Throttling wait budget per call (ms). */
  throttleBudgetMs?: number;
  /** Replaces every default broker deadline (GRAPH_BRIDGE_BROKER_TIMEOUT_MS). */
  brokerDeadlineMs?: number;
  /** Every answer of hello/session.get (the full server re-lists its tools from it). */
  onSession?: (hello: HelloResult) => void;
}

/** GRAPH_BRIDGE_HTTP_TIMEOUT_MS: deadline of one Graph/API exchange (1 s … 10 min; default 60 s). */
export function httpTimeoutFrom(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const text = env[HTTP_TIMEOUT_ENV];
  const ms = Number(text);
  return text !== undefined && Number.isInteger(ms) && ms >= 1000 && ms <= 600_000 ? ms : undefined;
}

export interface Runtime extends ToolRunner {
  /**
   * Gets ready for the first call while the editor is idle: connects to the broker if it runs (hello,
   * tools.declare; never launching it). Never fails.
   */
  warm(): void;
  close(): void;
  /** Tokens held in memory (for log redaction). */
  heldSecrets(): string[];
}

export function parseLaunchCommand(text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const argv: unknown = JSON.parse(text);
    if (Array.isArray(argv) && argv.length > 0 && argv.every((a) => typeof a === 'string' && a.length > 0))
      return argv as string[];
  } catch {
    // fall through
  }
  return undefined;
}

/**
 * The environment for Graph Bridge started through GRAPH_BRIDGE_LAUNCH: the bridge's own without
 * ELECTRON_RUN_AS_NODE. A packaged bridge runs as Node inside the Electron binary with that variable
 * set; inherited, it would start the tray as plain Node instead of as the Electron app.
 */
export function launchEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || key.toUpperCase() === 'ELECTRON_RUN_AS_NODE') continue;
    out[key] = value;
  }
  return out;
}

/**
 * Starts Graph Bridge detached (it outlives this bridge) with launchEnv(env); failures are only logged.
 * (node:child_process is imported statically: the engine runs as code compiled by vm, where a dynamic
 * import() has no loader — cli-agent-no-terminal.test.ts launches through the built bridge.)
 */
export function launchGraphBridge(
  argv: readonly [string, ...string[]],
  env: Readonly<Record<string, string | undefined>>,
  log: Pick<Logger, 'warn'>,
): ChildProcess {
  const [command, ...args] = argv;
  const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true, env: launchEnv(env) });
  child.on('error', (e) => log.warn(`launching Graph Bridge failed: ${e.message}`));
  child.unref();
  return child;
}

/** The local-file edge and path rules of this OS for upload tools (bridge/uploads). */
function localFilesEnv(options: RuntimeOptions, extra: Pick<LocalFilesEnv, 'sleep' | 'now'>): LocalFilesEnv {
  return {
    fs: nodeLocalFs(),
    send: createUploadUrlSender({ request: httpsRequest, agent: new HttpsAgent({ keepAlive: true }) }),
    facts: policyFactsFor(options.platform),
    homedir: options.homedir,
    ownFolders: [options.endpoint.dir],
    log: options.log,
    ...extra,
  };
}

function connectSocket(path: string, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const timer = setTimeout(() => socket.destroy(new Error(`timed out connecting to ${path}`)), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** What the environment asks for, checked: a bad value is logged and ignored (the default applies). */
interface RuntimeEnv {
  launchArgv: string[] | undefined;
  timeoutMs: number | undefined;
  editorKey: string | undefined;
}

function checkedEnv(options: RuntimeOptions): RuntimeEnv {
  const { log, env } = options;
  const launchArgv = parseLaunchCommand(options.launchCommand);
  if (options.launchCommand !== undefined && launchArgv === undefined) {
    log.warn('GRAPH_BRIDGE_LAUNCH is not a JSON array of strings; ignoring it');
  }
  const timeoutMs = httpTimeoutFrom(env);
  if (env[HTTP_TIMEOUT_ENV] !== undefined && timeoutMs === undefined)
    log.warn(`${HTTP_TIMEOUT_ENV} must be a whole number of milliseconds from 1000 to 600000; using the default`);
  const editorKey = env[BRIDGE_ENV.editorKey]?.trim();
  const keyOk = editorKey !== undefined && /^[0-9a-f]{64}$/.test(editorKey);
  if (editorKey !== undefined && editorKey !== '' && !keyOk) {
    log.warn(`${BRIDGE_ENV.editorKey} is not 64 hex characters; ignoring it (run graph-bridge connect again)`);
  }
  return { launchArgv, timeoutMs, editorKey: keyOk ? editorKey : undefined };
}

interface Clock {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function runtimeBroker(options: RuntimeOptions, env: RuntimeEnv, clock: Clock): BrokerClient {
  const { log } = options;
  const { launchArgv, editorKey } = env;
  const broker = createBrokerClient({
    endpoint: options.endpoint,
    connect: (path) => connectSocket(path, 1000),
    readFile: (path) => readFile(path, 'utf8'),
    privateDir: { lstat, uid: options.uid },
    clientInfo: () => options.clientInfo(),
    pid: options.pid,
    tools: options.catalog,
    ...(editorKey !== undefined ? { editorKey } : {}),
    log,
    ...clock,
    ...(options.brokerDeadlineMs !== undefined ? { deadlineMs: options.brokerDeadlineMs } : {}),
    ...(launchArgv
      ? {
          launch: () => {
            launchGraphBridge(launchArgv as [string, ...string[]], options.env, log);
          },
        }
      : {}),
  });
  if (options.onSession) broker.onSession(options.onSession);
  return broker;
}

/** Where downloads go, and the young-generation collection long downloads offer V8 (young-gc.ts). */
function downloadsFor(options: RuntimeOptions): Pick<ToolRunnerDeps, 'saveDownload' | 'streamDownload'> {
  const downloadDir: DownloadDirOptions = {
    tmpdir: options.tmpdir,
    userTag: options.userTag,
    uid: options.uid,
    ...(options.downloadDir ? { dir: options.downloadDir } : {}),
  };
  // Taken at the first download only, so a start never pays for it.
  let youngCollect: (() => void) | undefined | null = null;
  const collect = (): void => {
    if (youngCollect === null) youngCollect = youngGc();
    youngCollect?.();
  };
  return {
    saveDownload: (fileName, bytes) => saveDownload(downloadDir, fileName, bytes),
    streamDownload: (fileName, body, maxBytes) => streamDownload(downloadDir, { fileName, body, maxBytes, collect }),
  };
}

/** The Graph transport (one keep-alive TLS pool for every Graph call: keep-alive-fetch.ts) and api_request's client. */
function transportsFor(timeoutMs: number | undefined): Pick<ToolRunnerDeps, 'createTransport' | 'createApiClient'> {
  const graphFetch = createKeepAliveFetch({ request: httpsRequest, agent: new HttpsAgent({ keepAlive: true }) });
  return {
    createTransport: (graphBaseUrl, getToken) =>
      createGraphClientTransport({ graphBaseUrl, getToken, fetch: graphFetch }),
    createApiClient: (getHello, getToken) =>
      createApiClient({
        api: async () => (await getHello()).api,
        getToken: (scope) => getToken(scope, 'api_request'),
        fetch: (input, init) => fetch(input, init),
        maxBodyChars: DEFAULT_LIMITS.maxResultChars,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      }),
  };
}

/** Short ids and cursors, shared by every bridge of this user (bridge/handles). */
function handlesFor(options: RuntimeOptions) {
  const dir = userTempDir(options, 'handles');
  return createHandleStore({ dir, ensureDir: () => ensureUserTempDir(dir, options.uid), log: options.log });
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const { log } = options;
  const env = checkedEnv(options);
  const clock: Clock = {
    now: () => Date.now(),
    sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}).then(() => undefined),
  };
  const broker = runtimeBroker(options, env, clock);
  const tokens = createTokenSource(broker, clock.now);
  const uploadsEnv = localFilesEnv(options, clock);
  const runner = createToolRunner({
    broker,
    handles: handlesFor(options),
    tokens,
    config: options.config,
    ...transportsFor(env.timeoutMs),
    ...downloadsFor(options),
    localFiles: (call) => createLocalFiles(uploadsEnv, call),
    clientName: () => options.clientInfo().name,
    log,
    ...clock,
    graphPolicy: {
      ...(options.throttleBudgetMs !== undefined ? { throttleBudgetMs: options.throttleBudgetMs } : {}),
      ...(env.timeoutMs !== undefined ? { timeoutMs: env.timeoutMs } : {}),
    },
  });
  return {
    run: (tool, input, runOptions) => runner.run(tool, input, runOptions),
    warm() {
      void broker.warm();
    },
    close: () => broker.close(),
    heldSecrets: () => tokens.held(),
  };
}
