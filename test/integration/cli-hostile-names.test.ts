/**
 * Threat "a local process names itself to forge output" (#11.7), through the public interfaces: the
 * real `graph-bridge agent` (tsx source, temp GRAPH_BRIDGE_HOME, real keychain), a RAW socket client
 * that holds broker.key and says hello with the worst client names (newline, CR, ANSI clear-screen,
 * bidi overrides, C1/separators, invisible characters, 10 KB), then `graph-bridge clients list` and
 * `graph-bridge status` as typed. The agent log and both outputs must show each name escaped, on one
 * line, and the name exactly as printed must work when pasted into `graph-bridge clients approve`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { PROTOCOL_VERSION } from '../../app/shared/constants.ts';
import { HOSTILE_TEXT, RAW_UNSAFE } from '../helpers/hostile-text.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'app/cli/main.ts');
let home: string;
let env: NodeJS.ProcessEnv;
let agent: ChildProcessWithoutNullStreams;
let agentOut = '';

// A long name still fits hello's pre-hello frame cap (8 KiB); a longer hello is refused outright (below).
const NAMES = { ...HOSTILE_TEXT, sixKilobytes: `big\x1b[31m${'x'.repeat(6 * 1024)}` };

function runCli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

/**
 * One hello over a raw socket: the bytes a hostile local process would send. Resolves to the reply; the
 * connection stays open (a client without an editor credential is listed only while it is connected).
 */
const open: Socket[] = [];
async function rawHello(key: string, name: string): Promise<unknown> {
  const socket = connect(join(home, 'run', 'broker.sock'));
  await once(socket, 'connect');
  const hello = {
    jsonrpc: '2.0',
    id: 1,
    method: 'hello',
    params: { protocolVersion: PROTOCOL_VERSION, key, client: { name, version: '1.0\n\x1b[2J', pid: 4242 }, tools: [] },
  };
  socket.write(`${JSON.stringify(hello)}\n`);
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    socket.on('data', (d: Buffer) => {
      buffered += d.toString();
      if (buffered.includes('\n')) resolve(buffered.slice(0, buffered.indexOf('\n')));
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`the broker closed the connection; it said: ${buffered}`)));
  });
  open.push(socket);
  return JSON.parse(line);
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'gb-names-'));
  env = { ...process.env, GRAPH_BRIDGE_HOME: home, GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-test-${randomUUID()}` };
  agent = spawn(process.execPath, ['--import', 'tsx', CLI, 'agent'], { cwd: ROOT, env });
  await new Promise<void>((resolve) => {
    const onData = (d: Buffer): void => {
      agentOut += d.toString();
      if (/Press Ctrl-C to stop/.test(agentOut)) resolve();
    };
    agent.stdout.on('data', onData);
    agent.stderr.on('data', onData);
    agent.on('close', () => resolve());
  });
});

after(async () => {
  for (const s of open) s.destroy();
  if (agent.exitCode === null) {
    agent.kill('SIGINT');
    await once(agent, 'close');
  }
  await rm(home, { recursive: true, force: true });
});

void test('hostile client names: agent log, clients list and status show each escaped on one line; pasting works', async () => {
  assert.match(agentOut, /Press Ctrl-C to stop/, agentOut);
  const key = (await readFile(join(home, 'run', 'broker.key'), 'utf8')).trim();
  for (const name of Object.values(NAMES)) {
    const reply = (await rawHello(key, name)) as { result?: { ok: boolean; value?: { approval: string } } };
    assert.equal(reply.result?.ok, true, JSON.stringify(reply));
    assert.equal(reply.result.value?.approval, 'pending');
  }

  const log = await readFile(join(home, 'state', 'logs', 'agent.log'), 'utf8');
  const list = await runCli('clients', 'list');
  const status = await runCli('status');
  assert.equal(list.code, 0, list.err);
  assert.equal(status.code, 0, status.err);
  for (const [what, text] of [
    ['agent.log', log],
    ['clients list', list.out],
    ['status', status.out],
  ] as const) {
    assert.doesNotMatch(text, RAW_UNSAFE, `${what} has a raw control/bidi character`);
    assert.doesNotMatch(text, /\r/, what);
    assert.doesNotMatch(text, /\n2026-01-01T00:00:00\.000Z INFO/, `${what}: a forged log line`);
    const lines = text.split('\n');
    // The log has two lines per client ("New client …: pending", "Bridge connected: …"); the lists one.
    const perName = what === 'agent.log' ? 2 : 1;
    assert.equal(lines.filter((l) => l.includes('evil\\x0a2026-01-01T00:00:00.000Z INFO [1]')).length, perName);
    for (const fragment of [
      'evil\\x1b[2J\\x1b[Hclaude-ai',
      'evil\\u202eia-edualc\\u202c\\u2066x\\u2069',
      'evil\\x0dclaude-ai\\x09approved',
    ]) {
      assert.equal(lines.filter((l) => l.includes(fragment)).length, perName, `${what}: ${fragment}`);
    }
    assert.ok(!text.includes('x'.repeat(200)), `${what}: the 6 KB name is cut`);
    assert.ok(text.includes(`big\\x1b[31m${'x'.repeat(50)}`), `${what}: the 6 KB name is shown (cut)`);
  }
  for (const line of log.trimEnd().split('\n'))
    assert.match(line, /^\d{4}-\d\d-\d\dT\S+Z (DEBUG|INFO|WARN|ERROR) \[\d+\] /);
  assert.match(log, /Bridge connected: "evil\\x1b\[2J\\x1b\[Hclaude-ai" 1\.0\\x0a\\x1b\[2J pid 4242/);

  // A 10 KB name does not fit hello's pre-hello frame cap: refused before anything is registered.
  const tooLong: unknown = await rawHello(key, `big${'y'.repeat(10 * 1024)}`).catch((e: unknown) => String(e));
  assert.match(JSON.stringify(tooLong), /Frame larger than 8192 bytes before hello/);

  // The id printed beside the escaped name is the id to type: `clients deny <id>` denies that client.
  const row = list.out.split('\n').find((l) => l.split('\t')[1]?.startsWith('evil\\x1b[2J')) ?? '';
  const [id = '', printedName = ''] = row.split('\t');
  const deny = await runCli('clients', 'deny', id);
  assert.equal(deny.code, 0, deny.err);
  assert.doesNotMatch(deny.out, RAW_UNSAFE);
  const after = await runCli('clients', 'list', '--json');
  const clients = JSON.parse(after.out) as { id: string; name: string; approval: string }[];
  const denied = clients.find((c) => c.id === id);
  assert.equal(denied?.approval, 'denied');
  assert.equal(denied.name, printedName, 'the list shows the name as stored (already escaped)');
  assert.doesNotMatch(after.out, /[\u202a-\u202e\u2066-\u2069\u2028\u2029\x7f-\x9f\u200b\ufeff]/);
});
