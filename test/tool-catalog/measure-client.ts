/**
 * The catalog as an MCP SDK Client sees it (issues #12, #13), for `npm run bench -- bridge`: spawns
 * the bridge over stdio, lists its tools with `client.listTools()` and counts the bytes of the
 * `tools/list` result it received; and times `listTools()`, which in the SDK also compiles every
 * tool's outputSchema with Ajv, against the same answer with the outputSchemas taken out before the
 * Client sees it. Printed by the bench, never asserted.
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { jsonBytes, listBytes } from './sizes.ts';

const withoutOutputSchema = (tool: unknown): Record<string, unknown> => {
  const { outputSchema: _dropped, ...rest } = tool as Record<string, unknown>;
  return rest;
};

export interface CatalogClient {
  /**
   * client.listTools(): the tools the Client returned, the tools and the bytes of the result as
   * received from the bridge, and the milliseconds listTools() took.
   */
  list(options?: {
    stripOutputSchemas?: boolean;
  }): Promise<{ tools: unknown[]; wire: unknown[]; bytes: number; ms: number }>;
  close(): Promise<void>;
}

/** A real SDK Client connected to `node <bridgeFile> …args` with GRAPH_BRIDGE_HOME=home. */
export async function connectCatalogClient(bridgeFile: string, home: string, args: string[]): Promise<CatalogClient> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bridgeFile, ...args],
    env: { ...getDefaultEnvironment(), GRAPH_BRIDGE_HOME: home },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'graph-bridge-bench', version: '1.0.0' });
  await client.connect(transport);
  // Sees each message as parsed from the wire, before the Client does.
  const deliver = transport.onmessage;
  let received = 0;
  let wire: unknown[] = [];
  let strip = false;
  transport.onmessage = (message: JSONRPCMessage) => {
    const result = (message as { result?: { tools?: Record<string, unknown>[] } }).result;
    if (Array.isArray(result?.tools)) {
      received = jsonBytes(result);
      wire = result.tools;
      if (strip) result.tools = result.tools.map(withoutOutputSchema);
    }
    deliver?.(message);
  };
  return {
    async list(options = {}) {
      strip = options.stripOutputSchemas === true;
      const started = performance.now();
      const { tools } = await client.listTools();
      const ms = performance.now() - started;
      return { tools, wire, bytes: received, ms };
    },
    close: () => client.close(),
  };
}

export interface ClientCatalogFigures {
  groups: { group: string; tools: number; bytes: number }[];
  defaults: { tools: number; bytes: number };
  /** outputSchemaBytes: how much of it the tools' outputSchemas take. */
  all: { tools: number; bytes: number; outputSchemaBytes: number };
  largest: { name: string; bytes: number };
  /** The first listTools() of the first client in this process (Ajv not yet warm). */
  firstListMs: number;
  /** Median listTools() with every outputSchema compiled, and with them stripped. */
  listMs: { withOutputSchemas: number; stripped: number; outputSchemas: number; rounds: number };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function listOnce(bridgeFile: string, home: string, args: string[]) {
  const c = await connectCatalogClient(bridgeFile, home, args);
  try {
    return await c.list();
  } finally {
    await c.close();
  }
}

/**
 * Measures tools/list through SDK Clients: one bridge per group (`--tools <group>`), the default
 * groups and all groups. `home`'s settings.json must enable every group (the bridge lists the
 * settings' groups ∩ --tools).
 */
export async function measureClientCatalog(options: {
  bridgeFile: string;
  home: string;
  groups: readonly string[];
  defaultGroups: readonly string[];
  rounds: number;
}): Promise<ClientCatalogFigures> {
  const { bridgeFile, home } = options;
  const everything = await connectCatalogClient(bridgeFile, home, ['--tools', 'all']);
  try {
    const first = await everything.list();
    const full: number[] = [];
    const stripped: number[] = [];
    for (let i = 0; i < options.rounds; i++) {
      full.push((await everything.list()).ms);
      stripped.push((await everything.list({ stripOutputSchemas: true })).ms);
    }
    const sizes = first.wire.map((t) => ({ name: (t as { name: string }).name, bytes: jsonBytes(t) }));
    const groups = [];
    for (const group of options.groups) {
      const { wire, bytes } = await listOnce(bridgeFile, home, ['--tools', group]);
      groups.push({ group, tools: wire.length, bytes });
    }
    const defaults = await listOnce(bridgeFile, home, ['--tools', options.defaultGroups.join(',')]);
    return {
      groups,
      defaults: { tools: defaults.wire.length, bytes: defaults.bytes },
      all: {
        tools: first.wire.length,
        bytes: first.bytes,
        outputSchemaBytes: first.bytes - listBytes(first.wire.map(withoutOutputSchema)),
      },
      largest: sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a)),
      firstListMs: first.ms,
      listMs: {
        withOutputSchemas: median(full),
        stripped: median(stripped),
        outputSchemas: first.wire.filter((t) => (t as { outputSchema?: unknown }).outputSchema !== undefined).length,
        rounds: options.rounds,
      },
    };
  } finally {
    await everything.close();
  }
}
