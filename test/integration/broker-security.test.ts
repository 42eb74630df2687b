/**
 * security.md defences of the broker, proven with REAL sockets, the REAL AuthService (MSAL, the real
 * keychain under `node test/run.mjs integration`) and the emulator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../emulator/index.ts';
import type { RunningEmulator } from '../emulator/index.ts';
import { issuedRefreshTokens, scanForSecrets, startTestBroker } from '../helpers/broker.ts';
import type { TestBroker, TestBrokerOptions } from '../helpers/broker.ts';
import { connectRpc, RpcProtocolError } from '../../app/shared/rpc-client.ts';
import type { RpcClient } from '../../app/shared/rpc-client.ts';
import { connectAdmin } from '../../app/cli/admin-client.ts';
import { ADMIN_PROTOCOL_VERSION } from '../../app/broker/admin-protocol.ts';
import { PROTOCOL_VERSION, RPC_ERROR } from '../../app/shared/constants.ts';
import { approvalRequestResultSchema, resultSchema, tokenGetResultSchema } from '../../app/shared/bridge-contract.ts';
import { systemTool } from '../helpers/system-tool.ts';

const tokenResult = resultSchema(tokenGetResultSchema);
let emulator: RunningEmulator;
let base: string;

before(async () => {
  emulator = await startEmulator();
  base = await mkdtemp(join(tmpdir(), 'gb-sec-'));
  await chmod(base, 0o755);
});
after(async () => {
  // Every log/state file these tests produced must be free of tokens.
  const { findings, scanned } = await scanForSecrets({
    dirs: [base],
    secrets: issuedRefreshTokens(emulator),
    skip: (p) => p.includes('token-cache'),
  });
  await emulator.close();
  await rm(base, { recursive: true, force: true });
  assert.ok(scanned.length > 0);
  assert.deepEqual(findings, []);
});

async function broker(options: Partial<TestBrokerOptions> = {}): Promise<TestBroker> {
  const home = await mkdtemp(join(base, 'home-'));
  await chmod(home, 0o755);
  return startTestBroker({ emulator, home, ...options });
}

/** Connects, says hello and declares a small catalog (what a bridge does). */
async function hello(tb: TestBroker, name: string, key?: string): Promise<{ client: RpcClient; result: unknown }> {
  const client = await connectRpc(tb.endpoint.path);
  const result = await client.call('hello', {
    protocolVersion: PROTOCOL_VERSION,
    key: key ?? (await readFile(tb.endpoint.keyPath, 'utf8')).trim(),
    client: { name, version: '1', pid: process.pid },
  });
  await client.call('tools.declare', {
    tools: [
      { name: 'get_my_profile', group: 'profile', scopes: ['User.Read'], readOnly: true },
      { name: 'send_mail', group: 'mail', scopes: ['Mail.Send'], readOnly: false },
      { name: 'delete_file', group: 'files', scopes: ['Files.ReadWrite'], readOnly: false },
    ],
  });
  return { client, result };
}

const tokenRequests = (since: number) =>
  emulator.requestLog().filter((e) => e.seq > since && e.host === 'entra' && e.path.endsWith('/token'));
const lastSeq = () => emulator.requestLog().at(-1)?.seq ?? 0;

void test('wrong or missing key: disconnected, nothing served, no request reaches Entra', async () => {
  const tb = await broker();
  try {
    const since = lastSeq();
    await assert.rejects(
      hello(tb, 'intruder', randomBytes(32).toString('hex')),
      (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === RPC_ERROR.UNAUTHENTICATED,
    );
    const noKey = await connectRpc(tb.endpoint.path);
    await assert.rejects(
      noKey.call('hello', {
        protocolVersion: PROTOCOL_VERSION,
        client: { name: 'x', version: '1', pid: 1 },
      }),
      (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === RPC_ERROR.UNAUTHENTICATED,
    );
    await noKey.closed;
    const direct = await connectRpc(tb.endpoint.path);
    await assert.rejects(
      direct.call('token.get', { scopes: ['User.Read'] }),
      (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === RPC_ERROR.UNAUTHENTICATED,
    );
    await direct.closed;
    assert.deepEqual(tokenRequests(since), []);
    assert.equal(
      tb.broker.status().clients.some((c) => c.name === 'intruder'),
      false,
    );
  } finally {
    await tb.stop();
  }
});

void test('the socket is 0600 and the key file 0600 inside a 0700 dir; the admin socket and key live in another', async () => {
  const tb = await broker();
  try {
    const { readdir, stat } = await import('node:fs/promises');
    assert.equal((await stat(tb.endpoint.dir)).mode & 0o777, 0o700);
    assert.equal((await stat(tb.endpoint.path)).mode & 0o777, 0o600);
    assert.equal((await stat(tb.endpoint.keyPath)).mode & 0o777, 0o600);
    assert.match((await readFile(tb.endpoint.keyPath, 'utf8')).trim(), /^[0-9a-f]{64}$/);
    // Nothing a bridge is told about (its run dir, its environment) holds or names the admin key.
    assert.deepEqual((await readdir(tb.endpoint.dir)).sort(), ['broker.key', 'broker.sock']);
    const admin = tb.broker.adminEndpoint;
    assert.ok(!admin.dir.startsWith(`${tb.endpoint.dir}/`), 'the admin dir is not inside the run dir');
    assert.equal((await stat(admin.dir)).mode & 0o777, 0o700);
    assert.equal((await stat(admin.keyPath)).mode & 0o777, 0o600);
    assert.equal((await stat(admin.path)).mode & 0o777, 0o600);
  } finally {
    await tb.stop();
  }
});

void test('an admin dir with group/other bits: the broker refuses to start', async () => {
  const home = await mkdtemp(join(base, 'bad-admin-'));
  const adminDir = join(home, 'run-admin');
  await mkdir(adminDir, { mode: 0o755 });
  await chmod(adminDir, 0o755);
  await assert.rejects(startTestBroker({ emulator, home, signIn: false }), /run-admin has permissions 755.*chmod 700/s);
});

void test('a run dir with group/other bits or another owner: the broker refuses to start', async (t) => {
  const home = await mkdtemp(join(base, 'bad-'));
  const runDir = join(home, 'run');
  await mkdir(runDir, { mode: 0o755 });
  await chmod(runDir, 0o755);
  await assert.rejects(startTestBroker({ emulator, home, signIn: false }), /permissions 755.*chmod 700/s);
  if (process.getuid?.() !== 0) return t.skip('owner check needs root to chown (not root here)');
  await chmod(runDir, 0o700);
  await chown(runDir, 65534, 65534);
  await assert.rejects(startTestBroker({ emulator, home, signIn: false }), /owned by uid 65534/);
});

void test('a second OS user cannot connect to the socket or read the key', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to create a second user (useradd); not root here');
  const user = `gbt${randomBytes(3).toString('hex')}`;
  const [useradd, runuser, userdel] = [systemTool('useradd'), systemTool('runuser'), systemTool('userdel')];
  if (useradd === null || runuser === null || userdel === null) {
    return t.skip('useradd, runuser or userdel not found (on PATH, /usr/sbin or /sbin)');
  }
  const add = spawnSync(useradd, ['--no-create-home', '--shell', '/usr/sbin/nologin', user], { encoding: 'utf8' });
  if (add.status !== 0) return t.skip(`useradd failed: ${(add.stderr || String(add.error)).trim()}`);
  const tb = await broker();
  try {
    const script = `
      const net = require('node:net'); const fs = require('node:fs');
      let key = 'none'; try { fs.readFileSync(${JSON.stringify(tb.endpoint.keyPath)}); key = 'READ'; } catch (e) { key = e.code; }
      const s = net.createConnection(${JSON.stringify(tb.endpoint.path)});
      s.on('connect', () => { console.log('CONNECTED ' + key); process.exit(0); });
      s.on('error', (e) => { console.log('REFUSED ' + e.code + ' ' + key); process.exit(0); });`;
    const r = spawnSync(runuser, ['-u', user, '--', process.execPath, '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^REFUSED (EACCES|EPERM) (EACCES|EPERM)/);
    // The same script as the owner connects, so the refusal is about the user, not the path.
    const own = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.match(own.stdout, /^CONNECTED READ/);
  } finally {
    await tb.stop();
    spawnSync(userdel, [user]);
  }
});

void test('10 clients hitting an expired token at once cause exactly one refresh at Entra', async () => {
  emulator.control.settings({ tokenLifetime: 250 });
  const tb = await broker({ clientPolicy: 'allow' });
  try {
    const clients = await Promise.all(Array.from({ length: 10 }, (_, i) => hello(tb, `editor-${i}`)));
    const since = lastSeq();
    const results = await Promise.all(clients.map((c) => c.client.call('token.get', { scopes: ['User.Read'] })));
    for (const r of results) assert.equal(tokenResult.parse(r).ok, true);
    const refreshes = tokenRequests(since).filter((e) => e.form?.grant_type === 'refresh_token');
    assert.equal(refreshes.length, 1);
    for (const c of clients) c.client.close();
  } finally {
    emulator.control.settings({ tokenLifetime: 3600 });
    await tb.stop();
  }
});

void test('revoked sessions: token.get returns NOT_SIGNED_IN with how to sign in again', async () => {
  const tb = await broker({ clientPolicy: 'allow' });
  try {
    const { client } = await hello(tb, 'vscode');
    const oid = tb.account?.homeAccountId.split('.')[0] ?? '';
    emulator.control.revokeSessions(oid);
    const r = tokenResult.parse(await client.call('token.get', { scopes: ['User.Read'], forceRefresh: true }));
    assert.equal(!r.ok && r.error.code, 'NOT_SIGNED_IN');
    assert.match(!r.ok ? r.error.message : '', /sign in|graph-bridge login/i);
    client.close();
  } finally {
    await tb.stop();
  }
});

void test('client approval: pending -> approved (admin channel) -> served; denied -> CLIENT_NOT_APPROVED', async () => {
  const tb = await broker({ clientPolicy: 'ask' });
  try {
    const { client, result } = await hello(tb, 'cursor');
    assert.equal((result as { value: { approval: string } }).value.approval, 'pending');
    const pending = tokenResult.parse(await client.call('token.get', { scopes: ['User.Read'] }));
    assert.equal(!pending.ok && pending.error.code, 'CLIENT_NOT_APPROVED');

    const admin = await connectAdmin(tb.endpoint, false);
    assert.ok(admin, 'admin channel reachable');
    const id = tb.broker.status().clients.find((c) => c.name === 'cursor')?.id ?? '';
    const asked = await admin.call('clients.decide', { id, decision: 'approve' });
    assert.equal(asked.ok ? null : asked.error.code, 'CONFIRMATION_REQUIRED', 'approving needs the one-time code');
    const challengeId = asked.ok ? '' : (asked.error.confirmation?.challengeId ?? '');
    const code = tb.codes.at(-1)?.code ?? '';
    assert.deepEqual(
      await admin.call('clients.decide', { id, decision: 'approve', confirmation: { challengeId, code } }),
      {
        ok: true,
        value: {},
      },
    );
    const served = tokenResult.parse(await client.call('token.get', { scopes: ['User.Read'] }));
    assert.ok(served.ok);
    assert.equal(emulator.verifyAccessToken(`Bearer ${served.value.accessToken}`).ok, true);

    await admin.call('clients.decide', { id, decision: 'deny' });
    const denied = tokenResult.parse(await client.call('token.get', { scopes: ['User.Read'] }));
    assert.equal(!denied.ok && denied.error.code, 'CLIENT_NOT_APPROVED');
    admin.close();
    client.close();
  } finally {
    await tb.stop();
  }
});

void test('a bridge cannot approve itself: no admin methods on the bridge socket, broker.key is refused on the admin socket', async () => {
  const tb = await broker({ clientPolicy: 'ask' });
  try {
    const { client } = await hello(tb, 'sneaky');
    await assert.rejects(
      client.call('clients.decide', { id: 'session-1', decision: 'approve' }),
      (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === RPC_ERROR.METHOD_NOT_FOUND,
    );
    const adminSock = await connectRpc(tb.broker.adminEndpoint.path);
    await assert.rejects(
      adminSock.call('hello', {
        protocolVersion: ADMIN_PROTOCOL_VERSION,
        key: (await readFile(tb.endpoint.keyPath, 'utf8')).trim(),
      }),
      (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === RPC_ERROR.UNAUTHENTICATED,
    );
    assert.ok(
      tb.broker.status().clients.every((c) => c.approval !== 'approved'),
      'nothing was approved',
    );
  } finally {
    await tb.stop();
  }
});

void test('write approval: denied by the user and denied by policy both come back not approved', async () => {
  const tb = await broker({ clientPolicy: 'allow', writes: 'ask', writeTools: { delete_file: 'deny' } });
  try {
    const { client } = await hello(tb, 'claude-ai');
    const asking = client.call('approval.request', {
      tool: 'send_mail',
      summary: 'Send mail to ada@contoso.com',
      details: { To: 'ada@contoso.com' },
    });
    let pending = tb.broker.status().pendingApprovals;
    for (let i = 0; i < 50 && pending.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      pending = tb.broker.status().pendingApprovals;
    }
    assert.equal(pending[0]?.summary, 'Send mail to ada@contoso.com');
    const admin = await connectAdmin(tb.endpoint, false);
    assert.ok(admin);
    await admin.call('approvals.decide', { id: pending[0]?.id ?? '', decision: 'deny' });
    admin.close();
    const r = resultSchema(approvalRequestResultSchema).parse(await asking);
    assert.ok(r.ok && !r.value.approved);
    const policy = resultSchema(approvalRequestResultSchema).parse(
      await client.call('approval.request', { tool: 'delete_file', summary: 'Delete /a.txt' }),
    );
    assert.ok(policy.ok && !policy.value.approved && /settings deny writes/.test(policy.value.reason ?? ''));
  } finally {
    await tb.stop();
  }
});
