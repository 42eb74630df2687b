/**
 * The handover: the real McpServer (server.ts) with every tool the editor entry allows, for the
 * rare message the fast start does not answer itself (front.ts: a request with `_meta` it does not
 * know, a method the SDK serves but the front does not, a malformed line it cannot judge…). From
 * then on the SDK's own stdio transport reads every byte (`input`: the replayed handshake, then the
 * rest of stdin) and writes every answer (`output`: stdout). It shares the engine's runtime (engine.ts):
 * one broker session, one token cache, one Graph connection.
 *
 * Listing: registered are the tools the entry's flags allow; listed are those the broker will serve —
 * the listing the front had reached (settings.json ∩ flags, or the approved hello's settings ∩ flags),
 * then every later approved hello's. When the broker's answer lists something else, the editor gets
 * `notifications/tools/list_changed` and later `tools/list` calls get the new list. A call to a
 * registered but unlisted tool is refused by the tool runner (context.ts) and by the broker.
 */
import type { Readable, Writable } from 'node:stream';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage, Tool } from '@modelcontextprotocol/sdk/types.js';
import { redactSecrets } from '../../app/shared/redact.ts';
import type { HelloResult } from '../../app/shared/bridge-contract.ts';
import { selectTools } from '../catalog.ts';
import { effectiveSelection, sameSelection, type BridgeConfig, type Selection } from '../config.ts';
import type { ToolRunner } from '../context.ts';
import type { Logger } from '../log.ts';
import { describeError } from '../log.ts';
import { createBridgeServer } from '../server.ts';
import { buildToolList } from '../tool-list.ts';
import type { ToolDefinition } from '../tools/tool.ts';
import { REPLAYED_INITIALIZE_ID } from './front.ts';
import type { Sdk } from './sdk.ts';

/**
 * The SDK's StdioServerTransport, except that the answer to the initialize the front replays (the
 * editor already got the front's answer) is not written again.
 */
export function createHandoverTransport(sdk: Sdk, input: Readable, output: Writable): StdioServerTransport {
  const transport = new sdk.StdioServerTransport(input, output);
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage) =>
    !('method' in message) && 'id' in message && message.id === REPLAYED_INITIALIZE_ID
      ? Promise.resolve()
      : send(message);
  return transport;
}

/** Connects a server to the handed-over byte stream. */
export async function connectHandedOver(server: McpServer, sdk: Sdk, input: Readable, output: Writable): Promise<void> {
  await server.connect(createHandoverTransport(sdk, input, output));
}

export interface FullServer {
  close(): Promise<void>;
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
  options: {
    registered: readonly ToolDefinition[];
    config: BridgeConfig;
    initial: Selection;
    log: Logger;
    sdk: Pick<Sdk, 'ListToolsRequestSchema'>;
  },
): (hello: HelloResult) => void {
  let listing = options.initial;
  let listed: Tool[] | undefined;
  let all: Map<string, Tool> | undefined;
  server.server.setRequestHandler(options.sdk.ListToolsRequestSchema, () => {
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

export interface FullServerDeps {
  sdk: Sdk;
  config: BridgeConfig;
  /** The tools the entry's flags allow (registered). */
  tools: readonly ToolDefinition[];
  /** What is listed now (the front's last listing). */
  listing: Selection;
  /** The engine's runtime (created at most once). */
  runner(): Promise<ToolRunner>;
  /** Subscribes to every broker hello/session.get answer; returns the unsubscribe function. */
  onSession(listener: (hello: HelloResult) => void): () => void;
  log: Logger;
  input: Readable;
  output: Writable;
}

export async function startFullServer(deps: FullServerDeps): Promise<FullServer> {
  const { sdk, log } = deps;
  const server = createBridgeServer({
    sdk,
    tools: deps.tools,
    log,
    readOnly: deps.listing.readOnly,
    loadRunner: () => deps.runner(),
  });
  const follow = followBrokerListing(server, {
    registered: deps.tools,
    config: deps.config,
    initial: deps.listing,
    log,
    sdk,
  });
  const unsubscribe = deps.onSession(follow);
  await connectHandedOver(server, sdk, deps.input, deps.output);
  log.debug(`handed over to the MCP SDK's server, listing ${deps.listing.groups.join(',')}`);
  return {
    close: async () => {
      unsubscribe();
      await server.close();
    },
  };
}
