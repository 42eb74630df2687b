/**
 * The built bridge (dist/bridge.js, as editors spawn it): its fast start answers initialize and
 * tools/list exactly like the real McpServer built from the current source (so the manifest inlined
 * at build time cannot drift), a tools/call after the handshake runs on the handed-over server against
 * the real broker + emulator, and config errors are reported at start. Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { ALL_TOOLS, selectTools } from '../../bridge/catalog.ts';
import { effectiveSelection, parseBridgeConfig } from '../../bridge/config.ts';
import { exchange, recordingServer } from '../../bridge/fast-start/generate.ts';
import { parseSettingsAllowance } from '../../bridge/fast-start/settings-file.ts';
import { startTestBroker, type TestBroker } from '../helpers/broker.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { bridgeCommand, bridgeEnv, REPO_ROOT } from '../helpers/mcp-client.ts';

let emulator: RunningEmulator;
let broker: TestBroker;

before(async () => {
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
    const real = await exchange(recordingServer(selectTools(ALL_TOOLS, selection), selection.readOnly), requests);
    assert.deepEqual(answers, real, `${args.join(' ')} ${JSON.stringify(env)}: rebuild (npm run build) if this fails`);
    assert.doesNotMatch(bridge.stderr(), /error|fatal/i);
  }
});

test('after the fast handshake a tools/call runs on the handed-over server against the real broker', async () => {
  const bridge = spawnBridge([], { GRAPH_BRIDGE_LOG_LEVEL: 'debug' });
  try {
    await bridge.request(initialize(1, '2025-06-18'));
    bridge.notify({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const list = (await bridge.request({ jsonrpc: '2.0', id: 2, method: 'tools/list' })) as {
      result: { tools: unknown[] };
    };
    assert.ok(list.result.tools.length > 10);
    assert.doesNotMatch(bridge.stderr(), /ready:/, 'the full server is not loaded by the handshake');
    const call = (await bridge.request({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'get_my_profile', arguments: {} },
    })) as { result: { isError?: boolean; content?: { text?: string }[] } };
    assert.notEqual(call.result.isError, true, JSON.stringify(call));
    assert.match(call.result.content?.[0]?.text ?? '', /"displayName":"Adele Vance"/);
    assert.match(bridge.stderr(), /ready: /);
    const again = await bridge.request({ jsonrpc: '2.0', id: 4, method: 'tools/list' });
    assert.deepEqual(again.result, list.result, 'the real server lists what the fast start listed');
    assert.deepEqual(await bridge.request({ jsonrpc: '2.0', id: 5, method: 'ping' }), {
      jsonrpc: '2.0',
      id: 5,
      result: {},
    });
    const clients = broker.broker.status().clients.map((c) => c.name);
    assert.ok(clients.includes('fast-start-test'), `the broker learned the editor name: ${clients.join(',')}`);
  } finally {
    assert.equal(await bridge.close(), 0);
  }
});

test('a bad --tools value is reported on stderr at start and the bridge exits 2', async () => {
  const bridge = spawnBridge(['--tools', 'mail,nope']);
  assert.equal(await bridge.close(), 2);
  assert.match(bridge.stderr(), /--tools: unknown tool group "nope"; allowed: profile, mail/);
});
