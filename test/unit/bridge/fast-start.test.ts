/**
 * The fast start (bridge/fast-start/front.ts, with the engine's tools/call in tool-call.ts) must
 * write exactly the bytes the real McpServer writes — answers, errors, silence — hand everything else
 * to it, and leave it in the state the handshake put it in. The reference is always the real server
 * (server.ts) for the same config and the same tool runner, read through the SDK's own stdio transport.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { PassThrough, Writable } from 'node:stream';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { ALL_TOOLS, selectTools } from '../../../bridge/catalog.ts';
import { parseBridgeConfig, type BridgeConfig } from '../../../bridge/config.ts';
import type { ToolRunner } from '../../../bridge/context.ts';
import { createFront, REPLAYED_INITIALIZE_ID, type Front } from '../../../bridge/fast-start/front.ts';
import { connectHandedOver, describeStartFailure } from '../../../bridge/fast-start/full.ts';
import { exchange, generateFastStartManifest, recordingServer } from '../../../bridge/fast-start/generate.ts';
import type { FastStartManifest } from '../../../bridge/fast-start/manifest.ts';
import { loadSdk, type Sdk } from '../../../bridge/fast-start/sdk.ts';
import { createSdkToolCaller, runToolCall } from '../../../bridge/fast-start/tool-call.ts';
import { createLogger } from '../../../bridge/log.ts';
import { createBridgeServer } from '../../../bridge/server.ts';
import { ToolError } from '../../../bridge/tools/tool.ts';

let manifest: FastStartManifest;
let sdk: Sdk;
before(async () => {
  sdk = await loadSdk();
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

const silent = createLogger({ write: () => undefined, pid: 1 });
type Run = ToolRunner['run'];
const noRun: Run = () => Promise.reject(new Error('no tool runs here'));

function realServer(c: BridgeConfig, run: Run = noRun): McpServer {
  return createBridgeServer({
    sdk,
    tools: selectTools(ALL_TOOLS, c),
    readOnly: c.readOnly,
    log: silent,
    loadRunner: () => Promise.resolve({ run }),
  });
}

/** What the engine answers tools/call with (engine.ts wires the same two functions). */
function engineCall(c: BridgeConfig, run: Run) {
  const caller = createSdkToolCaller(selectTools(ALL_TOOLS, c), (tool, args, signal) =>
    runToolCall(tool, args, { runner: () => Promise.resolve({ run }), log: silent, signal }),
  );
  return (call: { name: string; arguments: Record<string, unknown> | undefined }, signal: AbortSignal) =>
    caller.call(call.name, call.arguments, signal);
}

const text = (message: unknown): string => (typeof message === 'string' ? message : JSON.stringify(message));

/** Collects the lines a stream writes; `until` waits for a line with that id. */
function collector() {
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      partial += chunk.toString('utf8');
      for (let nl = partial.indexOf('\n'); nl !== -1; nl = partial.indexOf('\n')) {
        lines.push(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
      for (const w of waiters.splice(0)) w();
      done();
    },
  });
  const until = async (id: unknown): Promise<void> => {
    while (!lines.some((l) => (JSON.parse(l) as { id?: unknown }).id === id))
      await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { stream, lines, until, write: (t: string) => void stream.write(t) };
}

const SENTINEL = { jsonrpc: '2.0', id: 'sentinel', method: 'ping' };

/** Answers, one id after the other (concurrent calls may finish in any order), without the sentinel's. */
const answers = (lines: string[]): string[] =>
  lines
    .filter((l) => (JSON.parse(l) as { id?: unknown }).id !== 'sentinel')
    .sort((a, b) =>
      String((JSON.parse(a) as { id?: unknown }).id).localeCompare(String((JSON.parse(b) as { id?: unknown }).id)),
    );

/**
 * The real server fed these lines through the SDK's stdio transport: every line it wrote, once the
 * given ids are answered and a final ping came back (so silence is silence, not slowness).
 */
async function sdkWrites(c: BridgeConfig, messages: unknown[], options: { run?: Run; ids?: unknown[] } = {}) {
  const server = realServer(c, options.run);
  const out = collector();
  const input = new PassThrough();
  await server.connect(new sdk.StdioServerTransport(input, out.stream));
  for (const m of [...messages, SENTINEL]) input.write(`${text(m)}\n`);
  for (const id of [...(options.ids ?? []), 'sentinel']) await out.until(id);
  await server.close();
  return answers(out.lines);
}

/**
 * The front fed the same lines (a handover goes to a real server, as main.ts does): what it wrote,
 * whether it handed over and the bytes the real server was handed first.
 */
async function frontWrites(c: BridgeConfig, messages: unknown[], options: { run?: Run; ids?: unknown[] } = {}) {
  const out = collector();
  let first: string | undefined;
  let server: McpServer | undefined;
  const f = createFront({
    manifest,
    selection: c,
    write: out.write,
    callTool: engineCall(c, options.run ?? noRun),
    handover: (bytes) => {
      first = bytes.toString('utf8');
      server = realServer(c, options.run);
      const input = new PassThrough();
      input.write(bytes);
      void connectHandedOver(server, sdk, input, out.stream);
      return (chunk) => void input.write(chunk);
    },
  });
  for (const m of [...messages, SENTINEL]) f.push(Buffer.from(`${text(m)}\n`));
  for (const id of [...(options.ids ?? []), 'sentinel']) await out.until(id);
  await server?.close();
  return { written: answers(out.lines), handedOver: f.handedOver, first };
}

const init = (id: number | string, protocolVersion: string, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'editor', version: '1.2.3' }, ...extra },
});

const callTool = (id: number | string, name: string, args?: Record<string, unknown>, extra = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, ...(args === undefined ? {} : { arguments: args }), ...extra },
});

test('initialize: the same bytes as the real server for every config and protocol version (incl. unsupported)', async () => {
  const versions = [...SUPPORTED_PROTOCOL_VERSIONS, '2023-01-01', 'not-a-version', ''];
  for (const [name, argv, env] of CONFIGS) {
    const c = config(argv, env);
    const requests = versions.map((v, i) => init(i + 1, v));
    const fast = await frontWrites(c, requests, { ids: requests.map((r) => r.id) });
    assert.equal(fast.handedOver, false, name);
    assert.deepEqual(fast.written, await sdkWrites(c, requests, { ids: requests.map((r) => r.id) }), name);
  }
  const unsupported = JSON.parse(
    (await frontWrites(config([], {}), [init(1, '1999-12-31')], { ids: [1] })).written[0]!,
  ) as unknown;
  assert.equal(
    (unsupported as { result: { protocolVersion: string } }).result.protocolVersion,
    LATEST_PROTOCOL_VERSION,
  );
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
    const fast = await frontWrites(c, [request], { ids: ['s-1'] });
    assert.equal(fast.handedOver, false, JSON.stringify(extra));
    assert.deepEqual(fast.written, await sdkWrites(c, [request], { ids: ['s-1'] }), JSON.stringify(extra));
  }
});

test('tools/list and ping: the same bytes as the real server; cursor ignored like the SDK handler', async () => {
  for (const [name, argv, env] of CONFIGS) {
    const c = config(argv, env);
    const requests = [
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
      { jsonrpc: '2.0', id: 'c', method: 'tools/list', params: { cursor: 'abc' } },
      { jsonrpc: '2.0', id: 3, method: 'ping' },
    ];
    const ids = requests.map((r) => r.id);
    const fast = await frontWrites(c, requests, { ids });
    assert.equal(fast.handedOver, false, name);
    const real = await sdkWrites(c, requests, { ids });
    assert.deepEqual(fast.written, real, name);
    const names = (JSON.parse(real[0]!) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
    assert.deepEqual(
      names,
      selectTools(ALL_TOOLS, c).map((t) => t.name),
      `${name}: the selection of catalog.ts`,
    );
  }
});

const profile = { id: 'u1', displayName: 'Adele' };
/** A runner that answers by tool: what each case below needs. */
const fakeRun: Run = (tool, input) => {
  switch (tool.name) {
    case 'get_my_profile':
      return Promise.resolve({ text: JSON.stringify(profile), structured: profile });
    case 'graph_request':
      // Not what graph_request's output schema allows: the SDK refuses the result.
      return Promise.resolve({ text: 'x', structured: { method: 5 } });
    case 'search_people':
      return Promise.resolve({ text: 'no structured content' });
    case 'list_mail_folders':
      return Promise.reject(new ToolError('PAUSED', 'Graph Bridge is paused. The user can resume it in the window.'));
    case 'list_chats':
      return Promise.reject(new Error('boom'));
    case 'list_messages':
      return Promise.resolve({
        text: JSON.stringify(input),
        // Keys a Graph answer could carry, record-copied by the SDK.
        structured: JSON.parse('{"messages":[],"__proto__":{"x":1},"10":"ten","nextCursor":null}') as Record<
          string,
          unknown
        >,
      });
    default:
      return Promise.resolve({ text: `ran ${tool.name}` });
  }
};

test('tools/call: the same bytes as the real McpServer — results, tool errors, input/output validation, unknown tools', async () => {
  const c = config(['--tools', 'all'], {});
  const calls = [
    callTool(1, 'get_my_profile', {}),
    callTool('two', 'get_my_profile'),
    callTool(3, 'get_my_profile', { extra: 'stripped' }, { _meta: { progressToken: 'p1' } }),
    callTool(4, 'graph_request', { path: '/me' }),
    callTool(5, 'search_people', { query: 'x' }),
    callTool(6, 'list_mail_folders', {}),
    callTool(7, 'list_chats', {}),
    callTool(8, 'list_messages', { top: 500, since: 'yesterday' }),
    callTool(9, 'list_messages', { top: 5, unreadOnly: true }),
    callTool(10, 'no_such_tool', {}),
    callTool(11, 'search_users', { query: 7, cursor: ['x'] }),
    callTool(12, 'list_events', {}),
    callTool(0, 'get_my_profile', {}),
  ];
  const ids = calls.map((m) => m.id);
  const fast = await frontWrites(c, calls, { run: fakeRun, ids });
  assert.equal(fast.handedOver, false);
  const real = await sdkWrites(c, calls, { run: fakeRun, ids });
  assert.equal(real.length, calls.length);
  for (let i = 0; i < real.length; i++) assert.equal(fast.written[i], real[i]);
  assert.match(real.join('\n'), /Input validation error: Invalid arguments for tool list_messages/);
  assert.match(real.join('\n'), /Output validation error: Invalid structured content for tool graph_request/);
  assert.match(real.join('\n'), /Tool no_such_tool not found/);
});

test('methods the real server has no handler for: the same "Method not found" bytes', async () => {
  const c = config([], {});
  const requests = ['resources/list', 'prompts/list', 'logging/setLevel', 'completion/complete', 'x/y'].map(
    (method, i) => ({ jsonrpc: '2.0', id: i + 1, method, params: {} }),
  );
  const ids = requests.map((r) => r.id);
  const fast = await frontWrites(c, requests, { ids });
  assert.equal(fast.handedOver, false);
  assert.deepEqual(fast.written, await sdkWrites(c, requests, { ids }));
  assert.deepEqual(manifest.methods.sort(), ['initialize', 'ping', 'tools/call', 'tools/list']);
});

test('lines the SDK answers nothing to are dropped: not JSON, not a request, a request it does not parse', async () => {
  const c = config([], {});
  const lines: unknown[] = [
    '{not json',
    '[]',
    '5',
    { jsonrpc: '2.0', id: 1, result: {} },
    { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
    { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
    { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } },
    { jsonrpc: '2.0', method: 'notifications/initialized', extra: 1 },
    { jsonrpc: '2.0', id: null, method: 'ping' },
    { jsonrpc: '2.0', id: 1.5, method: 'ping' },
    { jsonrpc: '1.0', id: 1, method: 'ping' },
    { jsonrpc: '2.0', id: 1, method: 'ping', extra: true },
    { jsonrpc: '2.0', id: 1, method: 'tools/list', params: [] },
  ];
  const fast = await frontWrites(c, lines);
  assert.equal(fast.handedOver, false);
  assert.deepEqual(fast.written, []);
  assert.deepEqual(await sdkWrites(c, lines), [], 'the real server answers none of them either');
});

test('anything the front is not sure how the SDK answers is handed over unanswered and unchanged', async () => {
  const c = config([], {});
  const cases: unknown[] = [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {} } },
    { jsonrpc: '2.0', id: 1, method: 'initialize' },
    init(1, '2025-06-18', { capabilities: { roots: { listChanged: 'yes' } } }),
    init(1, '2025-06-18', { capabilities: { tasks: {} } }),
    init(1, '2025-06-18', { clientInfo: { name: 'x', version: '1', icons: [] } }),
    init(1, '2025-06-18', { _meta: { progressToken: 1 } }),
    { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: {} } },
    { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: 5 } },
    { jsonrpc: '2.0', id: 1, method: 'tools/call' },
    callTool(1, 'get_my_profile', {}, { task: { ttl: 1000 } }),
    callTool(1, 'get_my_profile', {}, { _meta: { progressToken: 1, other: true } }),
    callTool(1, 'get_my_profile', [] as unknown as Record<string, unknown>),
    callTool(1, 'constructor', {}),
    `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_my_profile","arguments":{"__proto__":{"x":1}}}}`,
    { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, _meta: {} } },
  ];
  for (const message of cases) {
    const ids = text(message).includes('"id":1') ? [1] : [];
    const r = await frontWrites(c, [message], { ids });
    assert.equal(r.handedOver, true, text(message));
    assert.equal(r.first, `${text(message)}\n`, 'the real server reads the message unchanged');
    assert.deepEqual(r.written, await sdkWrites(c, [message], { ids }), `${text(message)}: the SDK's own answer`);
  }
});

test('handover replays the answered initialize (with its own id) and initialized, then the rest unchanged', async () => {
  const c = config([], {});
  const hello = init(1, '2025-06-18');
  const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
  const odd = { jsonrpc: '2.0', id: 3, method: 'tools/list', params: { _meta: { progressToken: 1 } } };
  const r = await frontWrites(c, [hello, initialized, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, odd], {
    ids: [1, 2, 3],
  });
  assert.equal(r.handedOver, true);
  assert.deepEqual(
    r.first
      ?.split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown),
    [{ ...hello, id: REPLAYED_INITIALIZE_ID }, initialized, odd],
  );
  assert.equal(r.written.length, 3, 'every request answered once; the replayed initialize is not answered again');
});

/** A runner whose calls wait until cancelled (as the real one does when MCP cancels a call). */
function waitingRunner() {
  const seen: { name: string; reason: unknown }[] = [];
  let started!: () => void;
  let running = new Promise<void>((resolve) => (started = resolve));
  const ended: Promise<void>[] = [];
  const run: Run = (tool, _input, options) => {
    started();
    const done = new Promise<never>((_resolve, reject) => {
      options?.signal?.addEventListener('abort', () => {
        seen.push({ name: tool.name, reason: options.signal?.reason });
        reject(new ToolError('CANCELLED', 'cancelled'));
      });
    });
    ended.push(done.catch(() => undefined));
    return done;
  };
  return {
    run,
    seen,
    started: () => running,
    next: () => (running = new Promise<void>((resolve) => (started = resolve))),
    ended: () => Promise.all(ended),
  };
}

test('notifications/cancelled aborts the call with its reason and nothing is answered, as in the SDK', async () => {
  const c = config([], {});
  for (const mode of ['front', 'sdk'] as const) {
    const runner = waitingRunner();
    const out = collector();
    let push: (m: unknown) => void;
    let close = (): Promise<void> => Promise.resolve();
    if (mode === 'front') {
      const f = createFront({
        manifest,
        selection: c,
        write: out.write,
        callTool: engineCall(c, runner.run),
        handover: () => assert.fail('no handover'),
      });
      push = (m) => f.push(Buffer.from(`${text(m)}\n`));
    } else {
      const server = realServer(c, runner.run);
      const input = new PassThrough();
      await server.connect(new sdk.StdioServerTransport(input, out.stream));
      push = (m) => void input.write(`${text(m)}\n`);
      close = () => server.close();
    }
    push(callTool(7, 'get_my_profile', {}));
    await runner.started();
    push({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 0 } });
    push({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 7, reason: 'the user pressed stop' },
    });
    await runner.ended();
    push(SENTINEL);
    await out.until('sentinel');
    assert.deepEqual(runner.seen, [{ name: 'get_my_profile', reason: 'the user pressed stop' }], mode);
    assert.deepEqual(answers(out.lines), [], `${mode}: a cancelled call is not answered`);
    await close();
  }
});

test('a call still running at a handover finishes there, and its cancellation is still honoured', async () => {
  const c = config([], {});
  const runner = waitingRunner();
  const out = collector();
  let server: McpServer | undefined;
  const f: Front = createFront({
    manifest,
    selection: c,
    write: out.write,
    callTool: engineCall(c, runner.run),
    handover: (bytes) => {
      server = realServer(c, fakeRun);
      const input = new PassThrough();
      input.write(bytes);
      void connectHandedOver(server, sdk, input, out.stream);
      return (chunk) => void input.write(chunk);
    },
  });
  const push = (m: unknown): void => f.push(Buffer.from(`${text(m)}\n`));
  push(init(1, '2025-06-18'));
  push(callTool(2, 'get_my_profile', {}));
  await runner.started();
  push({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: { _meta: { progressToken: 1 } } });
  assert.equal(f.handedOver, true);
  push(callTool(4, 'get_my_profile', {}));
  await out.until(4);
  assert.deepEqual(JSON.parse(out.lines.find((l) => l.includes('"id":4'))!), {
    result: { content: [{ type: 'text', text: JSON.stringify(profile) }], structuredContent: profile },
    jsonrpc: '2.0',
    id: 4,
  });
  // The cancellation of the engine's call arrives split across chunks, after the handover.
  const cancel = `${text({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2 } })}\n`;
  f.push(Buffer.from(cancel.slice(0, 20)));
  f.push(Buffer.from(cancel.slice(20)));
  await runner.ended();
  push(SENTINEL);
  await out.until('sentinel');
  assert.deepEqual(
    runner.seen.map((s) => s.name),
    ['get_my_profile'],
  );
  assert.ok(!out.lines.some((l) => l.includes('"id":2')), 'the cancelled call is not answered');
  await server?.close();
});

test('a changed listing is announced with the bytes McpServer sends, and tools/list follows it', async () => {
  const c = config([], {});
  const out = collector();
  const f = createFront<{ groups: string[]; readOnly: boolean }>({
    manifest,
    selection: { groups: ['profile'], readOnly: true },
    write: out.write,
    callTool: engineCall(c, noRun),
    handover: () => assert.fail('no handover'),
  });
  assert.equal(f.setSelection({ groups: ['profile'], readOnly: true }), false, 'the same selection: no notice');
  assert.equal(f.setSelection({ groups: ['profile', 'mail'], readOnly: false }), true);
  const server = realServer(c);
  const real = collector();
  await server.connect(new sdk.StdioServerTransport(new PassThrough(), real.stream));
  server.sendToolListChanged();
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(out.lines, real.lines);
  f.push(Buffer.from(`${text({ jsonrpc: '2.0', id: 1, method: 'tools/list' })}\n`));
  const listed = (JSON.parse(out.lines[1]!) as { result: { tools: { name: string }[] } }).result.tools;
  assert.ok(listed.some((t) => t.name === 'send_mail') && !listed.some((t) => t.name === 'list_chats'));
  await server.close();
});

test('the handshake neither calls the engine nor hands over; onListed follows the first tools/list', () => {
  const c = config([], {});
  let listed = 0;
  const f = createFront({
    manifest,
    selection: c,
    write: () => undefined,
    callTool: () => assert.fail('the handshake runs no tool'),
    onListed: () => listed++,
    handover: () => assert.fail('no handover'),
  });
  f.push(
    Buffer.from(`${text(init(1, '2025-06-18'))}\n${text({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`),
  );
  assert.equal(listed, 0);
  f.push(Buffer.from(`${text({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`));
  f.push(Buffer.from(`${text({ jsonrpc: '2.0', id: 3, method: 'tools/list' })}\n`));
  assert.equal(listed, 1);
  assert.deepEqual(f.clientInfo(), { name: 'editor', version: '1.2.3' });
});

test('the recording server and the in-memory exchange still agree with the manifest', async () => {
  const c = config(['--tools', 'all'], {});
  const [, list] = (await exchange(recordingServer(ALL_TOOLS, false, sdk), [
    init(1, LATEST_PROTOCOL_VERSION),
    { jsonrpc: '2.0', id: 2, method: 'tools/list' },
  ])) as [unknown, { result: { tools: unknown[] } }];
  assert.deepEqual(
    list.result.tools,
    manifest.tools.filter((t) => selectTools(ALL_TOOLS, c).some((s) => s.name === t.name)).map((t) => t.listing),
  );
});

void test('a full server that cannot start: the stderr line is redacted and says what to do', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';
  const line = describeStartFailure(new Error(`connect failed with Authorization: Bearer ${jwt}`));
  assert.doesNotMatch(line, /eyJhbGci/);
  assert.match(line, /could not start the MCP server \(Error: connect failed.*\)\. Reinstall Graph Bridge/);
});
