/**
 * The built bridge (dist/bridge.js, as editors spawn it): its fast start answers initialize and
 * tools/list exactly like the real McpServer built from the current source (so the manifest inlined
 * at build time cannot drift), it connects to the broker while the editor is idle after tools/list, a
 * tools/call runs on the engine against the real broker + emulator without loading the MCP SDK, the
 * engine's V8 code cache is written once and trusted only when intact, a handover to the SDK's server
 * answers like the engine, and config errors are reported at start. Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { ALL_TOOLS, selectTools } from '../../bridge/catalog.ts';
import { effectiveSelection, parseBridgeConfig } from '../../bridge/config.ts';
import { exchange, recordingServer } from '../../bridge/fast-start/generate.ts';
import { loadSdk, type Sdk } from '../../bridge/fast-start/sdk.ts';
import { parseSettingsAllowance } from '../../bridge/fast-start/settings-file.ts';
import { startTestBroker, type TestBroker } from '../helpers/broker.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { bridgeCommand, bridgeEnv, REPO_ROOT } from '../helpers/mcp-client.ts';

let emulator: RunningEmulator;
let broker: TestBroker;
let sdk: Sdk;

before(async () => {
  sdk = await loadSdk();
  emulator = await startEmulator();
  // Not the default groups, so the listing visibly follows settings.json ∩ the entry's flags.
  broker = await startTestBroker({ emulator, toolGroups: ['profile', 'mail', 'calendar', 'graph', 'api'] });
});
after(async () => {
  await broker?.stop();
  await emulator?.close();
});

interface Raw {
  child: ChildProcessWithoutNullStreams;
  request(message: Record<string, unknown>): Promise<Record<string, unknown>>;
  notify(message: Record<string, unknown>): void;
  stderr(): string;
  close(): Promise<number | null>;
}

function spawnBridge(args: string[], env: Record<string, string> = {}): Raw {
  const { command, args: base } = bridgeCommand('dist');
  const child = spawn(command, [...base, ...args], {
    cwd: REPO_ROOT,
    env: bridgeEnv({ home: broker.home, caPath: emulator.caPath, env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting = new Map<unknown, (m: Record<string, unknown>) => void>();
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
    let nl = stdout.indexOf('\n');
    while (nl !== -1) {
      const msg = JSON.parse(stdout.slice(0, nl)) as Record<string, unknown>;
      stdout = stdout.slice(nl + 1);
      waiting.get(msg.id)?.(msg);
      nl = stdout.indexOf('\n');
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    request: (message) =>
      new Promise((resolve) => {
        waiting.set(message.id, resolve);
        child.stdin.write(`${JSON.stringify(message)}\n`);
      }),
    notify: (message) => void child.stdin.write(`${JSON.stringify(message)}\n`),
    stderr: () => stderr,
    close: () => {
      child.stdin.end();
      return exited;
    },
  };
}

const initialize = (id: number, protocolVersion: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'fast-start-test', version: '1' } },
});

test('dist/bridge.js answers initialize and tools/list like the real server of the current source, listing settings.json ∩ flags', async () => {
  const settings = parseSettingsAllowance(await readFile(join(broker.home, 'config', 'settings.json'), 'utf8'));
  assert.deepEqual(settings.toolGroups, ['profile', 'mail', 'calendar', 'graph', 'api']);
  const configs: [string[], Record<string, string>][] = [
    [[], {}],
    [['--read-only'], {}],
    [['--tools', 'profile,mail'], {}],
    [['--tools', 'all', '--read-only'], {}],
    [[], { GRAPH_BRIDGE_TOOLS: 'calendar,api', GRAPH_BRIDGE_READ_ONLY: '1' }],
  ];
  for (const [args, env] of configs) {
    const parsed = parseBridgeConfig(args, env);
    assert.ok(parsed.ok);
    const requests = [
      initialize(1, LATEST_PROTOCOL_VERSION),
      initialize(2, '2024-11-05'),
      initialize(3, '2099-01-01'),
      { jsonrpc: '2.0', id: 4, method: 'tools/list', params: {} },
      { jsonrpc: '2.0', id: 5, method: 'ping' },
    ];
    const bridge = spawnBridge(args, env);
    const answers: unknown[] = [];
    for (const r of requests) answers.push(await bridge.request(r));
    assert.equal(await bridge.close(), 0);
    const selection = effectiveSelection(parsed.config, settings);
    const real = await exchange(recordingServer(selectTools(ALL_TOOLS, selection), selection.readOnly, sdk), requests);
    assert.deepEqual(answers, real, `${args.join(' ')} ${JSON.stringify(env)}: rebuild (npm run build) if this fails`);
    assert.doesNotMatch(bridge.stderr(), /error|fatal/i);
  }
});

/** Waits (up to a generous ceiling) until `check` holds; for conditions another process brings about. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), what);
}

const profileCall = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'get_my_profile', arguments: {} },
});

test('after the handshake the bridge meets the broker while idle; a tools/call runs on the engine, without the SDK', async () => {
  const bridge = spawnBridge([], { GRAPH_BRIDGE_LOG_LEVEL: 'debug' });
  try {
    await bridge.request(initialize(1, '2025-06-18'));
    bridge.notify({ jsonrpc: '2.0', method: 'notifications/initialized' });
    assert.doesNotMatch(bridge.stderr(), /engine ready/, 'the handshake does not load the engine');
    const list = (await bridge.request({ jsonrpc: '2.0', id: 2, method: 'tools/list' })) as {
      result: { tools: unknown[] };
    };
    assert.ok(list.result.tools.length > 10);
    // No tool called yet: the warm-up after tools/list said hello to the broker on its own.
    await eventually(
      () => broker.broker.status().clients.some((c) => c.name === 'fast-start-test'),
      'the broker learned the editor before its first call',
    );
    const call = (await bridge.request(profileCall(3))) as {
      result: { isError?: boolean; content?: { text?: string }[] };
    };
    assert.notEqual(call.result.isError, true, JSON.stringify(call));
    assert.match(call.result.content?.[0]?.text ?? '', /"displayName":"Adele Vance"/);
    const again = await bridge.request({ jsonrpc: '2.0', id: 4, method: 'tools/list' });
    assert.deepEqual(again.result, list.result, 'the same listing after the call');
    assert.deepEqual(await bridge.request({ jsonrpc: '2.0', id: 5, method: 'ping' }), {
      jsonrpc: '2.0',
      id: 5,
      result: {},
    });
    assert.doesNotMatch(bridge.stderr(), /handed over/, 'the MCP SDK was never loaded');
  } finally {
    assert.equal(await bridge.close(), 0);
  }
});

test('a handover to the SDK server answers tool calls like the engine (valid and invalid input)', async () => {
  const bad = {
    jsonrpc: '2.0',
    id: 3,
    method: 'tools/call',
    params: { name: 'list_messages', arguments: { top: 500 } },
  };
  const engine = spawnBridge([]);
  const handed = spawnBridge([], { GRAPH_BRIDGE_LOG_LEVEL: 'debug' });
  try {
    for (const b of [engine, handed]) await b.request(initialize(1, '2025-06-18'));
    // tools/list with _meta: the front leaves that to the SDK, which serves everything from then on.
    const listed = (await handed.request({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/list',
      params: { _meta: { progressToken: 1 } },
    })) as { result: { tools: unknown[] } };
    assert.ok(listed.result.tools.length > 10);
    await eventually(() => /handed over/.test(handed.stderr()), 'the SDK server took over');
    assert.deepEqual(await handed.request(bad), await engine.request(bad), 'the same input validation error');
    const call = (await handed.request(profileCall(4))) as { result: { content?: { text?: string }[] } };
    assert.match(call.result.content?.[0]?.text ?? '', /"displayName":"Adele Vance"/);
  } finally {
    assert.equal(await engine.close(), 0);
    assert.equal(await handed.close(), 0);
  }
});

async function oneCall(env: Record<string, string> = {}): Promise<string> {
  const bridge = spawnBridge([], { GRAPH_BRIDGE_LOG_LEVEL: 'debug', ...env });
  await bridge.request(initialize(1, '2025-06-18'));
  const call = (await bridge.request(profileCall(2))) as { result: { isError?: boolean } };
  assert.notEqual(call.result.isError, true, JSON.stringify(call));
  // After the first call, the bridge writes its code cache and THEN fixes its young generation's
  // size (a V8 flag changes the hash a code cache must match: the other order would make every later
  // start reject the cache — the "accepted" checks below fail then).
  await eventually(() => /young generation held at/.test(bridge.stderr()), 'the young generation held');
  assert.equal(await bridge.close(), 0);
  return bridge.stderr();
}

test('the engine code cache: written once after a call (0600 in a 0700 dir), then used; a damaged one is ignored and replaced', async () => {
  const dir = join(broker.home, 'cache');
  await rm(dir, { recursive: true, force: true });
  assert.match(
    await oneCall(),
    /code cache not used \(no cache yet\)[\s\S]*code cache written[\s\S]*young generation held at/,
  );
  const [name, ...others] = await readdir(dir);
  assert.ok(name !== undefined && /^engine-[0-9a-f]{16}\.v8cache$/.test(name) && others.length === 0, name);
  const file = join(dir, name);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  const second = await oneCall();
  assert.match(second, /code cache accepted/);
  assert.doesNotMatch(second, /code cache written/, 'an accepted cache is not rewritten');

  // One flipped payload byte: the checksum no longer matches, V8 never sees it.
  const bytes = await readFile(file);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0xff, bytes.length - 100);
  await writeFile(file, bytes, { mode: 0o600 });
  assert.match(
    await oneCall(),
    /code cache not used \(made for another build or runtime, or damaged\)[\s\S]*code cache written/,
  );
  assert.match(await oneCall(), /code cache accepted/);

  await rm(dir, { recursive: true, force: true });
  assert.match(await oneCall({ GRAPH_BRIDGE_CODE_CACHE: '0' }), /code cache not used \(turned off\)/);
  await assert.rejects(stat(dir), 'nothing written when turned off');
});

test('a start and a tool call compile no code from strings (zod runs jitless: bridge/zod-jitless.ts)', async () => {
  const probe = join(REPO_ROOT, 'test/fixtures/preload/count-code-from-strings.mjs');
  const stderr = await oneCall({ NODE_OPTIONS: `--import ${pathToFileURL(probe).href}` });
  assert.match(stderr, /^code-from-strings 0$/m);
});

test('a bad --tools value is reported on stderr at start and the bridge exits 2', async () => {
  const bridge = spawnBridge(['--tools', 'mail,nope']);
  assert.equal(await bridge.close(), 2);
  assert.match(bridge.stderr(), /--tools: unknown tool group "nope"; allowed: profile, mail/);
});
