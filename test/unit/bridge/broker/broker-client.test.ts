import assert from 'node:assert/strict';
import { chmod, lstat, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, test } from 'node:test';
import { resolveBrokerEndpoint } from '../../../../app/shared/endpoint.ts';
import type { ApprovedHello } from '../../../../app/shared/bridge-contract.ts';
import {
  APPROVAL_DEADLINE_MARGIN_MS,
  BROKER_DEADLINES_MS,
  createBrokerClient,
  deadlineFor,
  type BrokerClientOptions,
} from '../../../../bridge/broker/broker-client.ts';
import { createLogger } from '../../../../bridge/log.ts';
import { startFakeBroker, type FakeBroker } from '../fake-broker.ts';

const HELLO_APPROVED: ApprovedHello = {
  protocolVersion: 1,
  brokerVersion: 'b',
  approval: 'approved',
  account: null,
  graphBaseUrl: 'https://graph.example.com/',
  toolGroups: ['profile'],
  readOnly: false,
  api: null,
  approvalTimeoutSeconds: 120,
};

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
    privateDir: { lstat, uid: process.getuid!() },
    clientInfo: () => ({ name: 'claude-ai', version: '1.2.3' }),
    pid: 4242,
    tools: [{ name: 'get_my_profile', group: 'profile', scopes: ['User.Read'], readOnly: true }],
    log: createLogger({ write: () => undefined, pid: 1 }),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
    ...extra,
  });
}

test('hello carries the key and the editor name; the tool catalog follows in tools.declare; calls are parsed', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  const c = client();
  const s = await c.session();
  assert.ok(s.ok && s.value.approval === 'approved');
  assert.equal(s.value.graphBaseUrl, 'https://graph.example.com/');
  const [hello, declare] = broker.requests;
  assert.equal(hello?.method, 'hello');
  assert.equal(hello.params.key, broker.key);
  assert.deepEqual(hello.params.client, { name: 'claude-ai', version: '1.2.3', pid: 4242 });
  assert.equal(hello.params.tools, undefined, 'hello stays small: no catalog');
  assert.ok(Buffer.byteLength(JSON.stringify(hello.params)) < 1024);
  assert.equal(declare?.method, 'tools.declare');
  assert.equal((declare.params.tools as unknown[]).length, 1);
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

test('warm: connects to a running broker ahead of the first call, which then reuses that session', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  const seen: string[] = [];
  const c = client();
  c.onSession((h) => seen.push(h.approval));
  const hello = await c.warm();
  assert.equal(hello?.approval, 'approved');
  assert.deepEqual(
    broker.requests.map((r) => r.method),
    ['hello', 'tools.declare'],
  );
  assert.deepEqual(seen, ['approved'], 'listeners hear the warm hello (the tool list follows it)');
  assert.ok((await c.call('token.get', { scopes: ['User.Read'] })).ok);
  assert.deepEqual(
    broker.requests.map((r) => r.method),
    ['hello', 'tools.declare', 'token.get'],
    'one hello for both',
  );
  c.close();
});

test('warm never launches Graph Bridge; the first call after it still does', async () => {
  let launched = 0;
  const launch = (): void => {
    launched++;
    void startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' }).then((b) => (broker = b));
  };
  const c = client({ launch, launchWaitMs: 5000 });
  assert.equal(await c.warm(), undefined, 'no broker: warm gives up quietly');
  assert.equal(launched, 0, 'warm launched nothing');
  // A call made while a warm attempt is still in flight must not inherit its "absent".
  const [, session] = await Promise.all([c.warm(), c.session()]);
  assert.ok(session.ok, JSON.stringify(session));
  assert.equal(launched, 1, 'launched by the call');
  c.close();
});

test('warm after close does not keep a connection', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  const c = client();
  const warming = c.warm();
  c.close();
  assert.equal(await warming, undefined);
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
  const c = client({ privateDir: { lstat, uid: process.getuid!() + 1 } });
  const r = await c.session();
  assert.equal(r.ok ? '' : r.error.code, 'BROKER_UNTRUSTED');
  assert.match(r.ok ? '' : r.error.message, /owned by uid/);
});

const PENDING = {
  protocolVersion: 1,
  brokerVersion: 'fake-1',
  approval: 'pending',
  message: 'Waiting for the user.',
} as const;

test('a pending session re-reads session.get at each session() and learns its approval without reconnecting', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  const approved = broker.hello;
  broker.hello = PENDING;
  const seen: string[] = [];
  const c = client();
  c.onSession((h) => seen.push(h.approval));
  const first = await c.session();
  assert.equal(first.ok && first.value.approval, 'pending');
  broker.hello = approved;
  const second = await c.session();
  assert.equal(second.ok && second.value.approval, 'approved');
  const third = await c.session();
  assert.equal(third.ok && third.value.approval, 'approved');
  assert.deepEqual(
    broker.requests.map((r) => r.method),
    ['hello', 'tools.declare', 'session.get'],
    'one connection; approved sessions are not re-read',
  );
  assert.deepEqual(seen, ['pending', 'approved']);
  c.close();
});

test('a pending answer that carries more than the state is refused (the bridge parses it strictly)', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  broker.hello = {
    ...PENDING,
    account: { homeAccountId: 'a', username: 'ada@contoso.com', tenantId: 't', environment: 'e' },
  } as never;
  const c = client();
  const s = await c.session();
  assert.equal(s.ok ? '' : s.error.code, 'PROTOCOL_MISMATCH');
  c.close();
});

test('READ_ONLY / GROUP_DISABLED from the broker re-read the session (so the tool list can follow)', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  broker.handlers['approval.request'] = () => ({ ok: false, error: { code: 'READ_ONLY', message: 'read-only' } });
  const c = client();
  const seen: boolean[] = [];
  c.onSession((h) => seen.push(h.approval === 'approved' && h.readOnly));
  assert.ok((await c.session()).ok);
  broker.hello = { ...broker.hello, readOnly: true } as typeof broker.hello;
  const r = await c.call('approval.request', { tool: 'send_mail', summary: 'x' });
  assert.equal(r.ok ? '' : r.error.code, 'READ_ONLY');
  assert.deepEqual(seen, [false, true]);
  c.close();
});

test('a broker that does not answer: the call fails at its deadline saying what to check, and no retry', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  broker.handlers['token.get'] = () => new Promise(() => undefined);
  const c = client();
  const r = await c.call('token.get', { scopes: ['User.Read'] }, { timeoutMs: 50 });
  assert.equal(r.ok ? '' : r.error.code, 'BROKER_UNAVAILABLE');
  assert.match(
    r.ok ? '' : r.error.message,
    /did not answer a token\.get request within 1 s.*tray icon.*graph-bridge agent/,
  );
  assert.equal(broker.requests.filter((x) => x.method === 'token.get').length, 1);
  assert.equal(broker.requests.filter((x) => x.method === 'hello').length, 1, 'the connection is kept');
  c.close();
});

test('deadlineMs (GRAPH_BRIDGE_BROKER_TIMEOUT_MS) bounds hello on a broker that accepts but never answers', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  broker.handlers.hello = () => new Promise(() => undefined);
  const c = client({ deadlineMs: 50 });
  const r = await c.session();
  assert.equal(r.ok ? '' : r.error.code, 'BROKER_UNAVAILABLE');
  assert.match(r.ok ? '' : r.error.message, /did not answer a hello request/);
  c.close();
});

test('an AbortSignal ends the wait at once with its reason', async () => {
  broker = await startFakeBroker({ home, graphBaseUrl: 'https://graph.example.com/' });
  broker.handlers['approval.request'] = () => new Promise(() => undefined);
  const c = client();
  const controller = new AbortController();
  const call = c.call('approval.request', { tool: 'send_mail', summary: 'x' }, { signal: controller.signal });
  await new Promise((r) => setImmediate(r));
  controller.abort(new Error('cancelled by the editor'));
  await assert.rejects(call, /cancelled by the editor/);
  await assert.rejects(
    c.call('token.get', { scopes: ['User.Read'] }, { signal: controller.signal }),
    /cancelled by the editor/,
    'an already aborted signal rejects before sending',
  );
  c.close();
});

test('default deadlines: approval.request waits the announced approval window plus a margin', () => {
  const approved = { ...HELLO_APPROVED, approvalTimeoutSeconds: 45 };
  assert.equal(deadlineFor('approval.request', approved, {}), 45_000 + APPROVAL_DEADLINE_MARGIN_MS);
  assert.equal(deadlineFor('token.get', approved, {}), BROKER_DEADLINES_MS['token.get']);
  assert.equal(deadlineFor('hello', undefined, { helloTimeoutMs: 7 }), 7);
  assert.equal(deadlineFor('approval.request', approved, { deadlineMs: 3 }), 3);
});
