/**
 * The full bridge: the real McpServer (server.ts) with every enabled tool and the lazily created
 * runtime. main.ts import()s this module only when the fast start (front.ts) hands over — at the
 * first message the front does not answer itself — so the handshake never evaluates the SDK, zod or
 * the tool modules. From then on the SDK's own stdio transport reads every byte (`input`: the
 * replayed handshake, then the rest of stdin) and writes every answer (`output`: stdout).
 */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { BRIDGE_ENV, redactSecrets, resolveBrokerEndpoint } from '../../app/broker/protocol.ts';
import { ALL_TOOLS, selectTools, toCatalog } from '../catalog.ts';
import type { BridgeConfig } from '../config.ts';
import { createLogger, describeError, type LogLevel } from '../log.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { createBridgeServer } from '../server.ts';
import { REPLAYED_INITIALIZE_ID } from './front.ts';

/**
 * The SDK's StdioServerTransport, except that the answer to the initialize the front replays (the
 * editor already got the front's answer) is not written again.
 */
export class HandoverTransport extends StdioServerTransport {
  override send(message: JSONRPCMessage): Promise<void> {
    if (!('method' in message) && 'id' in message && message.id === REPLAYED_INITIALIZE_ID) return Promise.resolve();
    return super.send(message);
  }
}

/** Connects a server to the handed-over byte stream. */
export async function connectHandedOver(server: McpServer, input: Readable, output: Writable): Promise<void> {
  await server.connect(new HandoverTransport(input, output));
}

/** Everything the full bridge needs from the process (main.ts is the only module reading process.*). */
export interface FullServerDeps {
  config: BridgeConfig;
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
  pid: number;
  uid: number | undefined;
  username: string;
  homedir: string;
  tmpdir: string;
  writeLog(line: string): void;
  input: Readable;
  output: Writable;
}

export interface FullServer {
  close(): Promise<void>;
}

/** GRAPH_BRIDGE_THROTTLE_BUDGET_MS: how long one call may wait on Graph throttling (default 30 s). */
function throttleBudget(value: string | undefined): { throttleBudgetMs?: number } {
  const ms = Number(value);
  return value !== undefined && Number.isInteger(ms) && ms >= 0 && ms <= 300_000 ? { throttleBudgetMs: ms } : {};
}

/** The stderr line for a bridge that could not start its MCP server: redacted, and what to do. */
export function describeStartFailure(error: unknown): string {
  return (
    `could not start the MCP server (${redactSecrets(describeError(error))}). ` +
    'Reinstall Graph Bridge (from a checkout: npm run build), then restart the editor.'
  );
}

export async function startFullServer(deps: FullServerDeps): Promise<FullServer> {
  const { config, env } = deps;
  let runtime: Runtime | undefined;
  const level = env.GRAPH_BRIDGE_LOG_LEVEL as LogLevel | undefined;
  const log = createLogger({
    write: (line) => deps.writeLog(line),
    pid: deps.pid,
    ...(level && ['debug', 'info', 'warn', 'error'].includes(level) ? { level } : {}),
    secrets: () => runtime?.heldSecrets() ?? [],
  });
  const endpoint = resolveBrokerEndpoint({
    platform: deps.platform,
    env,
    homedir: deps.homedir,
    username: deps.username,
  });
  const tools = selectTools(ALL_TOOLS, config);
  const catalog = toCatalog(tools);
  const launchCommand = env[BRIDGE_ENV.launch];
  const downloadDir = env[BRIDGE_ENV.downloadDir];

  const server = createBridgeServer({
    tools,
    log,
    readOnly: config.readOnly,
    loadRunner: (mcp) => {
      runtime = createRuntime({
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
        config,
        catalog,
        clientInfo: () => {
          const info = mcp.server.getClientVersion();
          return { name: info?.name ?? 'unknown-editor', version: info?.version ?? '' };
        },
        log,
        ...throttleBudget(env.GRAPH_BRIDGE_THROTTLE_BUDGET_MS),
      });
      return Promise.resolve(runtime);
    },
  });
  await connectHandedOver(server, deps.input, deps.output);
  log.debug(
    `ready: ${tools.length} tools (${config.groups.join(',')}${config.readOnly ? ', read-only' : ''}), broker ${endpoint.path}`,
  );
  return {
    close: async () => {
      runtime?.close();
      await server.close();
    },
  };
}
