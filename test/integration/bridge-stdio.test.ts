/**
 * Bridge process hygiene and editor-facing behaviour: stdout carries nothing but JSON-RPC, the MCP
 * Inspector CLI can drive it, read-only mode lists no write tools, and a revoked sign-in is reported
 * with a remedy. Real broker + emulator, the bridge spawned as a child process.
 */
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { JWT_PATTERN, startTestBroker, type TestBroker } from '../helpers/broker.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { bridgeCommand, bridgeEnv, REPO_ROOT, resultText, startBridgeClient } from '../helpers/mcp-client.ts';

let emulator: RunningEmulator;
let broker: TestBroker;

before(async () => {
  emulator = await startEmulator();
  broker = await startTestBroker({ emulator });
});
after(async () => {
  await broker?.stop();
  await emulator?.close();
});

test('stdout carries only JSON-RPC; logs go to stderr without tokens', async () => {
  const { command, args } = bridgeCommand();
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: bridgeEnv({ home: broker.home, caPath: emulator.caPath, env: { GRAPH_BRIDGE_LOG_LEVEL: 'debug' } }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const responses = new Map<number, Record<string, unknown>>();
  const waiters = new Map<number, () => void>();
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
    for (const line of stdout.split('\n').slice(0, -1)) {
      const msg = JSON.parse(line) as { id?: number };
      if (typeof msg.id === 'number' && !responses.has(msg.id)) {
        responses.set(msg.id, msg);
        waiters.get(msg.id)?.();
      }
    }
  });
  const send = (msg: object): void => void child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...msg })}\n`);
  const reply = (id: number) =>
    new Promise<Record<string, unknown>>((resolve) => {
      if (responses.has(id)) resolve(responses.get(id)!);
      else waiters.set(id, () => resolve(responses.get(id)!));
    });
  send({
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  await reply(1);
  send({ method: 'notifications/initialized' });
  send({ id: 2, method: 'tools/list', params: {} });
  send({ id: 3, method: 'tools/call', params: { name: 'get_my_profile', arguments: {} } });
  send({ id: 4, method: 'tools/call', params: { name: 'list_messages', arguments: { top: 2 } } });
  const [, list, profile, messages] = await Promise.all([reply(1), reply(2), reply(3), reply(4)]);
  assert.ok(((list.result as { tools: unknown[] }).tools.length ?? 0) > 10);
  for (const r of [profile, messages]) {
    if ((r.result as { isError?: boolean }).isError === true) {
      child.kill();
      // The broker log is redacted (no tokens); its tail says why a token was refused.
      const log = (await readFile(broker.logPath, 'utf8').catch(() => '')).split('\n').slice(-40).join('\n');
      assert.fail(`${JSON.stringify(r)}\n--- bridge stderr ---\n${stderr.slice(-3000)}\n--- broker log ---\n${log}`);
    }
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stdin.end();
  assert.equal(await exited, 0, 'the bridge exits when the editor closes stdin');

  const lines = stdout.split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 4);
  for (const line of lines) {
    const msg = JSON.parse(line) as { jsonrpc?: string };
    assert.equal(msg.jsonrpc, '2.0', line.slice(0, 200));
  }
  assert.match(stderr, /\[graph-bridge \d+\] .* info: connected to broker/);
  assert.ok(!JWT_PATTERN.test(stderr), 'no token in the bridge log');
  assert.ok(!JWT_PATTERN.test(stdout), 'no token in tool results');
});

test('the MCP Inspector CLI lists the tools and calls get_my_profile', async () => {
  const run = promisify(execFile);
  const cli = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/inspector-cli/build/cli.js');
  const { command, args } = bridgeCommand();
  const envArgs = Object.entries({ GRAPH_BRIDGE_HOME: broker.home, NODE_EXTRA_CA_CERTS: emulator.caPath }).flatMap(
    ([k, v]) => ['-e', `${k}=${v}`],
  );
  const base = [cli, '--cli', ...envArgs, command, ...args];
  // inspector-cli 1.0.3 finds its own package.json via `existsSync('../package.json')` relative to the
  // CWD, so run it from a folder whose parent has a package.json (bridge/ -> the repo root).
  const cwd = join(REPO_ROOT, 'bridge');
  const listed = await run(process.execPath, [...base, '--method', 'tools/list'], { cwd, timeout: 60_000 });
  const tools = (JSON.parse(listed.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
  assert.ok(tools.includes('get_my_profile') && tools.includes('send_mail'), tools.join(','));
  const called = await run(process.execPath, [...base, '--method', 'tools/call', '--tool-name', 'get_my_profile'], {
    cwd,
    timeout: 60_000,
  });
  const result = JSON.parse(called.stdout) as { content: { text: string }[] };
  assert.match(result.content[0]?.text ?? '', /"displayName":"Adele Vance"/);
});

test('read-only mode lists no write tools; --tools limits the groups', async () => {
  const ro = await startBridgeClient({
    home: broker.home,
    caPath: emulator.caPath,
    args: ['--read-only', '--tools', 'profile,mail'],
  });
  try {
    const names = (await ro.client.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(names, [
      'get_message',
      'get_my_profile',
      'get_presence',
      'get_user',
      'list_mail_folders',
      'list_messages',
      'save_attachments',
      'search_messages',
      'search_people',
      'search_users',
    ]);
    const r = await ro.call('send_mail', { to: ['a@b.example'], subject: 's', body: 'b' });
    assert.equal(r.isError, true);
  } finally {
    await ro.close();
  }
});

test('revoked sign-in: the call fails with how to sign in again', async () => {
  const bridge = await startBridgeClient({ home: broker.home, caPath: emulator.caPath });
  try {
    assert.notEqual((await bridge.call('get_my_profile')).isError, true);
    const oid = emulator.users.find((u) => u.upn.startsWith('adele@'))!.oid;
    emulator.control.revokeSessions(oid);
    emulator.control.advanceClock(3700);
    const r = await bridge.call('get_my_profile');
    assert.equal(r.isError, true, resultText(r));
    assert.match(resultText(r), /sign in/i);
  } finally {
    await bridge.close();
  }
});
