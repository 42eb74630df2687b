/**
 * The fast start (bridge/fast-start/front.ts) must answer exactly what the real McpServer answers,
 * hand everything else to it, and leave it in the state the handshake put it in. The reference is
 * always the real server (server.ts) for the same config, asked over an in-memory transport.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { PassThrough, Writable } from 'node:stream';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { ALL_TOOLS, selectTools } from '../../../bridge/catalog.ts';
import { parseBridgeConfig, type BridgeConfig } from '../../../bridge/config.ts';
import { createFront, REPLAYED_INITIALIZE_ID } from '../../../bridge/fast-start/front.ts';
import { connectHandedOver, describeStartFailure } from '../../../bridge/fast-start/full.ts';
import { exchange, generateFastStartManifest, recordingServer } from '../../../bridge/fast-start/generate.ts';
import type { FastStartManifest } from '../../../bridge/fast-start/manifest.ts';
import { createLogger } from '../../../bridge/log.ts';
import { createBridgeServer } from '../../../bridge/server.ts';

let manifest: FastStartManifest;
before(async () => {
  manifest = await generateFastStartManifest();
});

const CONFIGS: [string, string[], Record<string, string>][] = [
  ['defaults', [], {}],
  ['--read-only', ['--read-only'], {}],
  ['--tools profile,mail', ['--tools', 'profile,mail'], {}],
  ['--tools all', ['--tools', 'all'], {}],
  ['--read-only --tools=mail,calendar,api', ['--read-only', '--tools=mail,calendar,api'], {}],
  [
    'env GRAPH_BRIDGE_TOOLS=files,tasks GRAPH_BRIDGE_READ_ONLY=1',
    [],
    { GRAPH_BRIDGE_TOOLS: 'files,tasks', GRAPH_BRIDGE_READ_ONLY: '1' },
  ],
];

function config(argv: string[], env: Record<string, string>): BridgeConfig {
  const parsed = parseBridgeConfig(argv, env);
  assert.ok(parsed.ok);
  return parsed.config;
}

function realServer(c: BridgeConfig): McpServer {
  return recordingServer(selectTools(ALL_TOOLS, c), c.readOnly);
}

/** Feeds lines to a front; returns what it wrote and whether it handed over. */
function front(c: BridgeConfig, lines: unknown[]): { written: unknown[]; handedOver: boolean; first?: string } {
  const written: unknown[] = [];
  let first: string | undefined;
  const f = createFront({
    manifest,
    selection: c,
    write: (text) => {
      assert.ok(text.endsWith('\n') && !text.slice(0, -1).includes('\n'), 'one JSON-RPC message per line');
      written.push(JSON.parse(text));
    },
    handover: (bytes) => {
      first = bytes.toString('utf8');
      return () => undefined;
    },
  });
  for (const line of lines) f.push(Buffer.from(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`));
  return { written, handedOver: f.handedOver, ...(first !== undefined ? { first } : {}) };
}

const init = (id: number | string, protocolVersion: string, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'editor', version: '1.2.3' }, ...extra },
});

test('initialize: the same answer as the real server for every config and protocol version (incl. unsupported)', async () => {
  const versions = [...SUPPORTED_PROTOCOL_VERSIONS, '2023-01-01', 'not-a-version', ''];
  for (const [name, argv, env] of CONFIGS) {
    const c = config(argv, env);
    for (const version of versions) {
      const request = init(7, version);
      const fast = front(c, [request]);
      assert.equal(fast.handedOver, false, `${name} ${version}: answered by the front`);
      const real = await exchange(realServer(c), [request]);
      assert.deepEqual(fast.written, real, `${name} ${version}`);
    }
  }
  const unsupported = front(config([], {}), [init(1, '1999-12-31')]).written[0] as {
    result: { protocolVersion: string };
  };
  assert.equal(unsupported.result.protocolVersion, LATEST_PROTOCOL_VERSION, 'negotiated down to the latest');
});

test('initialize: client capabilities and info variants the front accepts are answered like the SDK', async () => {
  const c = config([], {});
  const variants: Record<string, unknown>[] = [
    { capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: {} } },
    { capabilities: { elicitation: { form: { applyDefaults: true }, url: {} }, experimental: { x: {} } } },
    { clientInfo: { name: 'Visual Studio Code', title: 'VS Code', version: '1.99', websiteUrl: 'https://x.example' } },
  ];
  for (const extra of variants) {
    const request = init('s-1', '2025-06-18', extra);
    const fast = front(c, [request]);
    assert.equal(fast.handedOver, false, JSON.stringify(extra));
    assert.deepEqual(fast.written, await exchange(realServer(c), [request]), JSON.stringify(extra));
  }
});

test('tools/list and ping: the same answers as the real server; cursor ignored like the SDK handler', async () => {
  for (const [name, argv, env] of CONFIGS) {
    const c = config(argv, env);
    const requests = [
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
      { jsonrpc: '2.0', id: 'c', method: 'tools/list', params: { cursor: 'abc' } },
      { jsonrpc: '2.0', id: 3, method: 'ping' },
    ];
    const fast = front(c, requests);
    assert.equal(fast.handedOver, false, name);
    const real = await exchange(realServer(c), requests);
    assert.deepEqual(fast.written, real, name);
    const names = (real[0] as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
    assert.deepEqual(
      names,
      selectTools(ALL_TOOLS, c).map((t) => t.name),
      `${name}: the selection of catalog.ts`,
    );
  }
});

test('anything the front is not sure the SDK accepts is handed over unanswered', () => {
  const c = config([], {});
  const cases: unknown[] = [
    { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_my_profile', arguments: {} } },
    { jsonrpc: '2.0', id: 1, method: 'resources/list' },
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {} } },
    { jsonrpc: '2.0', id: 1, method: 'initialize' },
    init(1, '2025-06-18', { capabilities: { roots: { listChanged: 'yes' } } }),
    init(1, '2025-06-18', { capabilities: { tasks: {} } }),
    init(1, '2025-06-18', { clientInfo: { name: 'x', version: '1', icons: [] } }),
    init(1, '2025-06-18', { _meta: { progressToken: 1 } }),
    { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: {} } },
    { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: 5 } },
    { jsonrpc: '2.0', id: null, method: 'ping' },
    { jsonrpc: '2.0', id: 1.5, method: 'ping' },
    { jsonrpc: '1.0', id: 1, method: 'ping' },
    { jsonrpc: '2.0', id: 1, method: 'ping', extra: true },
    { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } },
    { jsonrpc: '2.0', id: 1, result: {} },
    '{not json',
    '[]',
  ];
  for (const message of cases) {
    const r = front(c, [message]);
    assert.equal(r.handedOver, true, JSON.stringify(message));
    assert.deepEqual(r.written, [], JSON.stringify(message));
    const line = typeof message === 'string' ? message : JSON.stringify(message);
    assert.equal(r.first, `${line}\n`, 'the real server reads the message unchanged');
  }
});

test('handover replays the answered initialize (with its own id) and initialized, then the rest unchanged', () => {
  const c = config([], {});
  const hello = init(1, '2025-06-18');
  const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
  const call = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_my_profile', arguments: {} } };
  const r = front(c, [hello, initialized, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, call]);
  assert.equal(r.written.length, 2);
  assert.deepEqual(
    r.first
      ?.split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown),
    [{ ...hello, id: REPLAYED_INITIALIZE_ID }, initialized, call],
  );
});

/** Answers to concurrent requests may come in any order. */
const byId = (lines: Record<string, unknown>[]): Record<string, unknown>[] =>
  [...lines].sort((a, b) => String(a.id).localeCompare(String(b.id), 'en', { numeric: true }));

/** The production wiring of main.ts, in-process: front -> PassThrough -> HandoverTransport -> server. */
function pipeline(c: BridgeConfig, server: McpServer) {
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let text = '';
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      let nl = text.indexOf('\n');
      while (nl !== -1) {
        lines.push(JSON.parse(text.slice(0, nl)) as Record<string, unknown>);
        text = text.slice(nl + 1);
        nl = text.indexOf('\n');
      }
      for (const w of waiters.splice(0)) w();
      done();
    },
  });
  let connected: Promise<void> | undefined;
  const f = createFront({
    manifest,
    selection: c,
    write: (t) => void output.write(t),
    handover: (first) => {
      const input = new PassThrough();
      input.write(first);
      connected = connectHandedOver(server, input, output);
      return (chunk) => void input.write(chunk);
    },
  });
  const send = (message: unknown): void => f.push(Buffer.from(`${JSON.stringify(message)}\n`));
  const until = async (count: number): Promise<Record<string, unknown>[]> => {
    while (lines.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return lines;
  };
  return { send, until, lines, connected: () => connected };
}

test('a tools/call after the fast handshake runs on the handed-over real server, which knows the client', async () => {
  const c = config(['--tools', 'profile,mail'], {});
  let runs = 0;
  const server = createBridgeServer({
    tools: selectTools(ALL_TOOLS, c),
    readOnly: c.readOnly,
    log: createLogger({ write: () => undefined, pid: 1 }),
    loadRunner: () =>
      Promise.resolve({
        run: () => {
          runs++;
          return Promise.resolve({ text: '{"id":"u1"}', structured: { id: 'u1', displayName: 'Adele' } });
        },
      }),
  });
  const p = pipeline(c, server);
  p.send(init(1, '2025-03-26', { capabilities: { roots: { listChanged: true } } }));
  p.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  p.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  assert.equal(p.connected(), undefined, 'the handshake and tools/list did not load the server');
  p.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_my_profile', arguments: {} } });
  p.send({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'list_messages', arguments: { top: 500 } } });
  p.send({ jsonrpc: '2.0', id: 5, method: 'tools/list' });
  const lines = byId(await p.until(5));
  assert.deepEqual(
    lines.map((l) => l.id),
    [1, 2, 3, 4, 5],
    'every request answered once; the replayed initialize is not answered again',
  );
  assert.deepEqual(lines[2], {
    jsonrpc: '2.0',
    id: 3,
    result: {
      content: [{ type: 'text', text: '{"id":"u1"}' }],
      structuredContent: { id: 'u1', displayName: 'Adele' },
    },
  });
  assert.equal((lines[3]!.result as { isError?: boolean }).isError, true, 'the SDK validates the input');
  assert.deepEqual(lines[4]!.result, lines[1]!.result, 'the real server lists what the front listed');
  assert.equal(runs, 1);
  assert.deepEqual(server.server.getClientVersion(), { name: 'editor', version: '1.2.3' });
  assert.deepEqual(server.server.getClientCapabilities(), { roots: { listChanged: true } });
  await server.close();
});

test('error replies come from the SDK itself: a malformed initialize gets the real server error', async () => {
  const c = config([], {});
  const bad = { jsonrpc: '2.0', id: 9, method: 'initialize', params: { protocolVersion: 5, capabilities: {} } };
  const unknown = { jsonrpc: '2.0', id: 10, method: 'resources/list' };
  const p = pipeline(c, realServer(c));
  p.send(bad);
  p.send(unknown);
  const lines = byId(await p.until(2));
  const reference = byId((await exchange(realServer(c), [bad, unknown])) as Record<string, unknown>[]);
  assert.deepEqual(lines, reference);
  assert.ok((lines[0] as { error?: unknown }).error, 'an error reply');
});

void test('a full server that cannot start: the stderr line is redacted and says what to do', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';
  const line = describeStartFailure(new Error(`connect failed with Authorization: Bearer ${jwt}`));
  assert.doesNotMatch(line, /eyJhbGci/);
  assert.match(line, /could not start the MCP server \(Error: connect failed.*\)\. Reinstall Graph Bridge/);
});
