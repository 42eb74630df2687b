/**
 * Records the fast start's manifest from the real thing: creates the real McpServer (server.ts) for
 * every tool, read-write and read-only, sends it `initialize` and `tools/list` over an in-memory
 * transport and keeps its answers (JSON round-tripped, as they would cross stdio), probes every
 * client request method the SDK knows to learn which ones it serves, and keeps the SDK's protocol
 * versions. build/build.mjs runs this at build time; main.ts runs it at start when the bridge runs
 * from source.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  ClientRequestSchema,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { ALL_TOOLS } from '../catalog.ts';
import { createLogger } from '../log.ts';
import { createBridgeServer } from '../server.ts';
import type { ToolDefinition } from '../tools/tool.ts';
import type { FastStartManifest } from './manifest.ts';
import { loadSdk, type Sdk } from './sdk.ts';

/** A real bridge server that never runs a tool (recording only needs its handshake answers). */
export function recordingServer(tools: readonly ToolDefinition[], readOnly: boolean, sdk: Sdk): McpServer {
  return createBridgeServer({
    sdk,
    tools,
    readOnly,
    log: createLogger({ write: () => undefined, pid: 0 }),
    loadRunner: () => Promise.reject(new Error('the recording server runs no tools')),
  });
}

/**
 * Sends raw JSON-RPC messages to a server and returns every message it sent back, parsed from JSON
 * text exactly as a stdio client would see them. Requests are answered in order.
 */
export async function exchange(server: McpServer, messages: readonly unknown[]): Promise<unknown[]> {
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  const received: unknown[] = [];
  const pending = new Map<string | number, () => void>();
  client.onmessage = (message) => {
    received.push(JSON.parse(JSON.stringify(message)) as unknown);
    const id = (message as { id?: string | number }).id;
    if (id !== undefined) pending.get(id)?.();
  };
  await server.connect(serverSide);
  await client.start();
  for (const message of messages) {
    const id = (message as { id?: string | number }).id;
    const answered = id === undefined ? Promise.resolve() : new Promise<void>((resolve) => pending.set(id, resolve));
    await client.send(message as JSONRPCMessage);
    await answered;
  }
  await server.close();
  return received;
}

const PROBE_INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'probe', version: '0' } },
};

async function record(
  readOnly: boolean,
  sdk: Sdk,
): Promise<{ initialize: Record<string, unknown>; tools: unknown[]; methods: string[] }> {
  // Every client request method of the SDK's schema; the server serves those not answered -32601.
  const candidates = ClientRequestSchema.options.map((o) => o.shape.method.value as string);
  const probes = candidates.map((method, i) => ({ jsonrpc: '2.0', id: `probe-${i}`, method, params: {} }));
  const [init, list, ...probed] = (await exchange(recordingServer(ALL_TOOLS, readOnly, sdk), [
    PROBE_INITIALIZE,
    { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
    ...probes,
  ])) as [
    { result: Record<string, unknown> },
    { result: { tools: unknown[] } },
    ...{ id: string; error?: { code: number } }[],
  ];
  const { protocolVersion, ...initialize } = init.result;
  if (protocolVersion !== LATEST_PROTOCOL_VERSION)
    throw new Error(`unexpected protocolVersion ${String(protocolVersion)}`);
  const methods = candidates.filter((_, i) => probed.find((m) => m.id === `probe-${i}`)?.error?.code !== -32601);
  return { initialize, tools: list.result.tools, methods };
}

export async function generateFastStartManifest(): Promise<FastStartManifest> {
  const sdk = await loadSdk();
  const readWrite = await record(false, sdk);
  const readOnly = await record(true, sdk);
  if (readWrite.tools.length !== ALL_TOOLS.length) throw new Error('tools/list does not list every tool');
  return {
    protocol: { latest: LATEST_PROTOCOL_VERSION, supported: [...SUPPORTED_PROTOCOL_VERSIONS] },
    initialize: { readWrite: readWrite.initialize, readOnly: readOnly.initialize },
    tools: ALL_TOOLS.map((t, i) => {
      const listing = readWrite.tools[i] as Record<string, unknown>;
      if (listing.name !== t.name) throw new Error(`tools/list order differs from the catalog at ${t.name}`);
      return { name: t.name, group: t.group, write: t.write, listing };
    }),
    methods: readWrite.methods,
  };
}
