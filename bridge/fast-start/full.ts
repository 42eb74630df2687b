/**
 * The full bridge: the real McpServer (server.ts) with every tool the editor entry allows and the
 * lazily created runtime. main.ts import()s this module only when the fast start (front.ts) hands
 * over — at the first message the front does not answer itself — so the handshake never evaluates
 * the SDK, zod or the tool modules. From then on the SDK's own stdio transport reads every byte
 * (`input`: the replayed handshake, then the rest of stdin) and writes every answer (`output`: stdout).
 *
 * Listing: registered are the tools the entry's flags allow; listed are those the broker will serve —
 * settings.json ∩ flags at first (the same `listing` the front answered with), then the approved
 * hello's settings ∩ flags. When the broker's answer lists something else, the editor gets
 * `notifications/tools/list_changed` and later `tools/list` calls get the new list. A call to a
 * registered but unlisted tool is refused by the tool runner (context.ts) and by the broker.
 */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ListToolsRequestSchema, type JSONRPCMessage, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { BRIDGE_ENV } from '../../app/shared/constants.ts';
import { redactSecrets } from '../../app/shared/redact.ts';
import { resolveBrokerEndpoint } from '../../app/shared/endpoint.ts';
import type { HelloResult } from '../../app/shared/bridge-contract.ts';
import { ALL_TOOLS, selectTools, toCatalog } from '../catalog.ts';
import { effectiveSelection, sameSelection, type BridgeConfig, type Selection } from '../config.ts';
import { type Logger, createLogger, describeError, type LogLevel } from '../log.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { createBridgeServer } from '../server.ts';
import { buildToolList } from '../tool-list.ts';
import type { ToolDefinition } from '../tools/tool.ts';
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
  /** What the fast start listed (settings.json ∩ flags). */
  listing: Selection;
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

/**
 * GRAPH_BRIDGE_BROKER_TIMEOUT_MS: replaces every default broker deadline (tests; 1 ms … 10 min).
 * Default: 60 s for token.get, 10 s for the rest, the approval window + 15 s for approval.request.
 */
export function brokerDeadline(value: string | undefined): { brokerDeadlineMs?: number } {
  const ms = Number(value);
  return value !== undefined && Number.isInteger(ms) && ms >= 1 && ms <= 600_000 ? { brokerDeadlineMs: ms } : {};
}

/**
 * Serves `tools/list` from the current selection instead of every registered tool, and moves the
 * selection to the broker's approved answer (notifying the editor when it changes).
 */
export function followBrokerListing(
  server: McpServer,
  options: { registered: readonly ToolDefinition[]; config: BridgeConfig; initial: Selection; log: Logger },
): (hello: HelloResult) => void {
  let listing = options.initial;
  let listed: Tool[] | undefined;
  let all: Map<string, Tool> | undefined;
  server.server.setRequestHandler(ListToolsRequestSchema, () => {
    all ??= new Map(buildToolList(options.registered).map((t) => [t.name, t]));
    const built = all;
    listed ??= selectTools(options.registered, listing).flatMap((t) => built.get(t.name) ?? []);
    return { tools: listed };
  });
  return (hello) => {
    if (hello.approval !== 'approved') return;
    const next = effectiveSelection(options.config, hello);
    if (sameSelection(next, listing)) return;
    listing = next;
    listed = undefined;
    options.log.info(
      `the broker serves ${next.groups.join(',') || 'no groups'}${next.readOnly ? ' (read-only)' : ''}: tool list changed`,
    );
    server.sendToolListChanged();
  };
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
    readOnly: deps.listing.readOnly,
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
        ...brokerDeadline(env.GRAPH_BRIDGE_BROKER_TIMEOUT_MS),
        onSession: (hello) => follow(hello),
      });
      return Promise.resolve(runtime);
    },
  });
  const follow = followBrokerListing(server, { registered: tools, config, initial: deps.listing, log });
  await connectHandedOver(server, deps.input, deps.output);
  log.debug(
    `ready: ${tools.length} tools registered, listing ${deps.listing.groups.join(',')}${deps.listing.readOnly ? ' (read-only)' : ''}, broker ${endpoint.path}`,
  );
  return {
    close: async () => {
      runtime?.close();
      await server.close();
    },
  };
}
