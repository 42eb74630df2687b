/**
 * Starts the bridge as editors do — a child process speaking MCP over stdio — and connects a real
 * MCP SDK Client to it. Used by the bridge integration tests (and the other tool suites).
 *
 *   const bridge = await startBridgeClient({ home, caPath });
 *   const result = await bridge.client.callTool({ name: 'get_my_profile', arguments: {} });
 *   await bridge.close();
 *
 * Runs `node --import tsx bridge/main.ts` (source) by default, or dist/bridge.js with entry:'dist'.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BRIDGE_SOURCE = fileURLToPath(new URL('../../bridge/main.ts', import.meta.url));
export const BRIDGE_BUNDLE = fileURLToPath(new URL('../../dist/bridge.js', import.meta.url));

export interface BridgeClientOptions {
  /** GRAPH_BRIDGE_HOME: where the bridge looks for the broker's private dir (<home>/run). */
  home: string;
  /** The emulator's CA (NODE_EXTRA_CA_CERTS) so the bridge trusts its HTTPS Graph. */
  caPath?: string;
  /** Bridge arguments, e.g. ['--read-only'] or ['--tools', 'mail']. */
  args?: string[];
  /** Extra environment for the bridge process. */
  env?: Record<string, string>;
  /** 'source' (default) runs bridge/main.ts through tsx; 'dist' runs the esbuild bundle. */
  entry?: 'source' | 'dist';
  /** MCP clientInfo the bridge reports to the broker as the editor name. */
  clientName?: string;
}

export interface BridgeClient {
  client: Client;
  transport: StdioClientTransport;
  /** Everything the bridge wrote to stderr so far. */
  stderr(): string;
  /** Calls a tool and returns its result (never throws for isError results). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export function bridgeCommand(entry: 'source' | 'dist' = 'source'): { command: string; args: string[] } {
  if (entry === 'dist') {
    if (!existsSync(BRIDGE_BUNDLE)) throw new Error(`${BRIDGE_BUNDLE} is missing: run npm run build first`);
    return { command: process.execPath, args: [BRIDGE_BUNDLE] };
  }
  return { command: process.execPath, args: ['--import', 'tsx', BRIDGE_SOURCE] };
}

export function bridgeEnv(options: Pick<BridgeClientOptions, 'home' | 'caPath' | 'env'>): Record<string, string> {
  return {
    ...getDefaultEnvironment(),
    GRAPH_BRIDGE_HOME: options.home,
    ...(options.caPath ? { NODE_EXTRA_CA_CERTS: options.caPath } : {}),
    ...options.env,
  };
}

export async function startBridgeClient(options: BridgeClientOptions): Promise<BridgeClient> {
  const { command, args } = bridgeCommand(options.entry);
  const transport = new StdioClientTransport({
    command,
    args: [...args, ...(options.args ?? [])],
    env: bridgeEnv(options),
    cwd: REPO_ROOT,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: options.clientName ?? 'graph-bridge-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    transport,
    stderr: () => stderr,
    call: async (name, callArgs = {}) => (await client.callTool({ name, arguments: callArgs })) as CallToolResult,
    close: () => client.close(),
  };
}

/** The text of a tool result's first content block. */
export function resultText(result: CallToolResult): string {
  const first = result.content[0];
  return first && first.type === 'text' ? first.text : '';
}
