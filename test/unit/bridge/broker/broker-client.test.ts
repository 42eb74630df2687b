import assert from 'node:assert/strict';
import { chmod, lstat, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, test } from 'node:test';
import { resolveBrokerEndpoint } from '../../../../app/broker/protocol.ts';
import { createBrokerClient, type BrokerClientOptions } from '../../../../bridge/broker/broker-client.ts';
import { createLogger } from '../../../../bridge/log.ts';
import { startFakeBroker, type FakeBroker } from '../fake-broker.ts';

let home: string;
let broker: FakeBroker | undefined;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'gb-bc-'));
});
afterEach(async () => {
  await broker?.stop();
  broker = undefined;
  await rm(home, { recursive: true, force: true });
});

function connect(path: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

function client(extra: Partial<BrokerClientOptions> = {}) {
  const endpoint = resolveBrokerEndpoint({
    platform: 'linux',
    env: { GRAPH_BRIDGE_HOME: home },
    homedir: home,
    username: 'u',
  });
  return createBrokerClient({
    endpoint,
    connect,
    readFile: (p) => readFile(p, 'utf8'),
    privateDir: { stat, lstat, uid: process.getuid!() },
    clientInfo: () => ({ name: 'claude-ai', version: '1.2.3' }),
    pid: 4242,
    tools: [{ name: 'get_my_profile', group: 'profile', scopes: ['User.Read'], readOnly: true }],
    log: createLogger({ write: () => undefined, pid: 1 }),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
    ...extra,
  });
}

test('hello carries the key, the editor name and the tool catalog; calls are parsed', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  const c = client();
  const s = await c.session();
  assert.ok(s.ok);
  assert.equal(s.value.graphBaseUrl, 'https://graph.example.com/');
  const hello = broker.requests[0]!;
  assert.equal(hello.method, 'hello');
  assert.equal(hello.params.key, broker.key);
  assert.deepEqual(hello.params.client, { name: 'claude-ai', version: '1.2.3', pid: 4242 });
  assert.equal((hello.params.tools as unknown[]).length, 1);
  const token = await c.call('token.get', { scopes: ['User.Read'] });
  assert.ok(token.ok);
  assert.equal(token.value.accessToken, 'fake-access-token-0001');
  c.close();
});

test('broker error results come back as typed failures', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  broker.handlers['token.get'] = () => ({
    ok: false,
    error: { code: 'CONSENT_REQUIRED', message: 'grant', missingScopes: ['Mail.Read'] },
  });
  const c = client();
  const r = await c.call('token.get', { scopes: ['Mail.Read'] });
  assert.deepEqual(r, {
    ok: false,
    error: { code: 'CONSENT_REQUIRED', message: 'grant', missingScopes: ['Mail.Read'] },
  });
  c.close();
});

test('a malformed result is a PROTOCOL_MISMATCH, not a crash', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  broker.handlers['token.get'] = () => ({ ok: true, value: { accessToken: 5 } });
  const c = client();
  const r = await c.call('token.get', { scopes: ['User.Read'] });
  assert.equal(r.ok ? '' : r.error.code, 'PROTOCOL_MISMATCH');
  c.close();
});

test('absent broker: fails fast with how to start Graph Bridge', async () => {
  const c = client();
  const started = Date.now();
  const r = await c.call('token.get', { scopes: ['User.Read'] });
  assert.equal(r.ok, false);
  assert.equal(r.ok ? '' : r.error.code, 'BROKER_UNAVAILABLE');
  assert.match(r.ok ? '' : r.error.message, /graph-bridge agent/);
  assert.ok(Date.now() - started < 5000);
});

test('reconnects with the new key after a broker restart', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  const c = client();
  assert.ok((await c.call('token.get', { scopes: ['User.Read'] })).ok);
  const oldKey = broker.key;
  await broker.restart();
  assert.notEqual(broker.key, oldKey);
  const again = await c.call('token.get', { scopes: ['User.Read'] });
  assert.ok(again.ok, JSON.stringify(again));
  const hellos = broker.requests.filter((r) => r.method === 'hello');
  assert.equal(hellos.at(-1)!.params.key, broker.key);
  c.close();
});

test('launch: starts Graph Bridge when absent and waits for its socket', async () => {
  let launched = 0;
  const c = client({
    launch: () => {
      launched++;
      void startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' }).then((b) => (broker = b));
    },
    launchWaitMs: 5000,
  });
  const r = await c.session();
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(launched, 1);
  c.close();
});

test('refuses a broker dir with group/other permissions (impersonation defence)', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  await chmod(broker.dir, 0o755);
  const c = client();
  const r = await c.session();
  assert.equal(r.ok ? '' : r.error.code, 'BROKER_UNTRUSTED');
  assert.match(r.ok ? '' : r.error.message, /chmod 700/);
  assert.equal(broker.requests.length, 0, 'nothing was sent to the untrusted endpoint');
});

test('refuses a dir owned by another uid', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  const c = client({ privateDir: { stat, lstat, uid: process.getuid!() + 1 } });
  const r = await c.session();
  assert.equal(r.ok ? '' : r.error.code, 'BROKER_UNTRUSTED');
  assert.match(r.ok ? '' : r.error.message, /owned by uid/);
});
