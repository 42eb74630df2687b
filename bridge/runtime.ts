/**
 * The part of the bridge that talks to the outside world, wired with production edges (net, fs,
 * child_process, the Graph client). server.ts imports this lazily at the first tool call so that
 * `initialize` and `tools/list` never load it and never contact the broker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { lstat, readFile, stat } from 'node:fs/promises';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { BRIDGE_ENV, type BrokerEndpoint, type ToolCatalogEntry } from '../app/broker/protocol.ts';
import { createApiClient } from './api-client.ts';
import { createBrokerClient } from './broker/broker-client.ts';
import { createTokenSource } from './broker/token-source.ts';
import type { BridgeConfig } from './config.ts';
import { createToolRunner, DEFAULT_LIMITS, type ToolRunner } from './context.ts';
import { saveDownload } from './downloads.ts';
import { createGraphClientTransport } from './graph/graph-client.ts';
import { createKeepAliveFetch } from './graph/keep-alive-fetch.ts';
import type { Logger } from './log.ts';

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
  config: BridgeConfig;
  catalog: readonly ToolCatalogEntry[];
  clientInfo(): { name: string; version: string };
  log: Logger;
  /** Throttling wait budget per call (ms). */
  throttleBudgetMs?: number;
}

export interface Runtime extends ToolRunner {
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

/** Starts Graph Bridge detached (it outlives this bridge) with launchEnv(env); failures are only logged. */
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

export function createRuntime(options: RuntimeOptions): Runtime {
  const { log } = options;
  const launchArgv = parseLaunchCommand(options.launchCommand);
  if (options.launchCommand !== undefined && launchArgv === undefined) {
    log.warn('GRAPH_BRIDGE_LAUNCH is not a JSON array of strings; ignoring it');
  }
  const now = (): number => Date.now();
  const editorKey = options.env[BRIDGE_ENV.editorKey]?.trim();
  const keyOk = editorKey !== undefined && /^[0-9a-f]{64}$/.test(editorKey);
  if (editorKey !== undefined && editorKey !== '' && !keyOk) {
    log.warn(`${BRIDGE_ENV.editorKey} is not 64 hex characters; ignoring it (run graph-bridge connect again)`);
  }
  const sleep = (ms: number): Promise<void> => delay(ms).then(() => undefined);
  const broker = createBrokerClient({
    endpoint: options.endpoint,
    connect: (path) => connectSocket(path, 1000),
    readFile: (path) => readFile(path, 'utf8'),
    privateDir: { stat, lstat, uid: options.uid },
    clientInfo: () => options.clientInfo(),
    pid: options.pid,
    tools: options.catalog,
    ...(keyOk ? { editorKey } : {}),
    log,
    sleep,
    now,
    ...(launchArgv
      ? {
          launch: () => {
            launchGraphBridge(launchArgv as [string, ...string[]], options.env, log);
          },
        }
      : {}),
  });
  const tokens = createTokenSource(broker, now);
  // One keep-alive TLS connection pool for every Graph call of this process (keep-alive-fetch.ts).
  const graphFetch = createKeepAliveFetch({ request: httpsRequest, agent: new HttpsAgent({ keepAlive: true }) });
  const runner = createToolRunner({
    broker,
    tokens,
    config: options.config,
    createTransport: (graphBaseUrl, getToken) =>
      createGraphClientTransport({ graphBaseUrl, getToken, fetch: graphFetch }),
    createApiClient: (getHello, getToken) =>
      createApiClient({
        api: async () => (await getHello()).api,
        getToken: (scope) => getToken(scope, 'api_request'),
        fetch,
        maxBodyChars: DEFAULT_LIMITS.maxResultChars,
      }),
    saveDownload: (fileName, bytes) =>
      saveDownload(
        {
          tmpdir: options.tmpdir,
          userTag: options.userTag,
          uid: options.uid,
          ...(options.downloadDir ? { dir: options.downloadDir } : {}),
        },
        fileName,
        bytes,
      ),
    clientName: () => options.clientInfo().name,
    log,
    sleep,
    now,
    ...(options.throttleBudgetMs !== undefined ? { graphPolicy: { throttleBudgetMs: options.throttleBudgetMs } } : {}),
  });
  return {
    run: (tool, input) => runner.run(tool, input),
    close: () => broker.close(),
    heldSecrets: () => tokens.held(),
  };
}
