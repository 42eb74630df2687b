import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectRpc, RpcCallError } from '../../../app/broker/ipc/rpc-client.ts';
import {
  PROTOCOL_VERSION,
  RPC_ERROR,
  resultSchema,
  statusSchema,
  tokenGetResultSchema,
} from '../../../app/broker/protocol.ts';
import { startHarness } from './broker-harness.ts';

const tokenResult = resultSchema(tokenGetResultSchema);

const GRANTING = /graph-bridge\s+(clients|approvals|resume|settings|pause)/;

void test('a pending client is refused until approved, then served; a denied client gets CLIENT_NOT_APPROVED', async () => {
  const h = await startHarness();
  try {
    const { client, hello } = await h.bridge('cursor-vscode', await h.editorKey('cursor'));
    assert.equal((hello as { ok: boolean; value: { approval: string } }).value.approval, 'pending');
    const pending = tokenResult.parse(await client.call('token.get', { scopes: ['Mail.Read'] }));
    assert.equal(pending.ok, false);
    assert.equal(!pending.ok && pending.error.code, 'CLIENT_NOT_APPROVED');
    assert.match(!pending.ok ? pending.error.message : '', /Graph Bridge window/);
    assert.doesNotMatch(!pending.ok ? pending.error.message : '', GRANTING);
    assert.equal(h.auth.calls.length, 0, 'the token core is never reached for a pending client');

    assert.deepEqual(h.broker.decideClient('cursor', 'approve'), { ok: true, value: undefined });
    const served = tokenResult.parse(await client.call('token.get', { scopes: ['Mail.Read'] }));
    assert.equal(served.ok && served.value.accessToken, h.auth.tokenValue);

    h.broker.decideClient('cursor', 'deny');
    const denied = tokenResult.parse(await client.call('token.get', { scopes: ['Mail.Read'] }));
    assert.equal(!denied.ok && denied.error.code, 'CLIENT_NOT_APPROVED');
    assert.match(!denied.ok ? denied.error.message : '', /denied/);
    assert.doesNotMatch(!denied.ok ? denied.error.message : '', GRANTING);
  } finally {
    await h.close();
  }
});

void test("a second process that only claims an approved editor's name is a new pending client", async () => {
  const h = await startHarness();
  try {
    const real = await h.bridge('claude-ai', await h.editorKey('claude-desktop'));
    h.broker.decideClient('claude-desktop', 'approve');
    const impostor = await h.bridge('claude-ai');
    assert.equal((impostor.hello as { value: { approval: string } }).value.approval, 'pending');
    const forged = await h.bridge('claude-ai', 'e'.repeat(64));
    assert.equal((forged.hello as { value: { approval: string } }).value.approval, 'pending');
    const refused = tokenResult.parse(await impostor.client.call('token.get', { scopes: ['Mail.Read'] }));
    assert.equal(!refused.ok && refused.error.code, 'CLIENT_NOT_APPROVED');
    const served = tokenResult.parse(await real.client.call('token.get', { scopes: ['Mail.Read'] }));
    assert.equal(served.ok, true, 'the credentialed editor is still served');
    const rows = h.broker.status().clients.filter((c) => c.name === 'claude-ai');
    assert.deepEqual(
      rows.map((c) => [c.remembered, c.approval]),
      [
        [true, 'approved'],
        [false, 'pending'],
        [false, 'pending'],
      ],
    );
  } finally {
    await h.close();
  }
});

void test('the "allow" client policy approves new clients at hello', async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' } });
  try {
    const { client, hello } = await h.bridge('ci');
    assert.equal((hello as { value: { approval: string } }).value.approval, 'approved');
    const r = tokenResult.parse(await client.call('token.get', { scopes: ['User.Read'] }));
    assert.equal(r.ok, true);
  } finally {
    await h.close();
  }
});

void test('a wrong key or a request before hello is disconnected with nothing served', async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' } });
  try {
    const wrong = await connectRpc(h.broker.endpoint.path);
    await assert.rejects(
      wrong.call('hello', {
        protocolVersion: PROTOCOL_VERSION,
        key: 'a'.repeat(64),
        client: { name: 'x', version: '1', pid: 1 },
        tools: [],
      }),
      (e: unknown) => e instanceof RpcCallError && e.rpcCode === RPC_ERROR.UNAUTHENTICATED,
    );
    await wrong.closed;

    const early = await connectRpc(h.broker.endpoint.path);
    await assert.rejects(
      early.call('token.get', { scopes: ['User.Read'] }),
      (e: unknown) => e instanceof RpcCallError && e.rpcCode === RPC_ERROR.UNAUTHENTICATED,
    );
    await early.closed;
    assert.equal(h.auth.calls.length, 0);
  } finally {
    await h.close();
  }
});

void test('paused access returns PAUSED; CONSENT_REQUIRED queues a consent item that grantConsent clears', async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' } });
  try {
    const { client } = await h.bridge('vscode');
    h.broker.setPaused(true);
    const paused = tokenResult.parse(await client.call('token.get', { scopes: ['User.Read'] }));
    assert.equal(!paused.ok && paused.error.code, 'PAUSED');
    assert.match(!paused.ok ? paused.error.message : '', /resume it in the Graph Bridge window/);
    assert.doesNotMatch(!paused.ok ? paused.error.message : '', GRANTING);
    h.broker.setPaused(false);

    const consent = tokenResult.parse(await client.call('token.get', { scopes: ['Files.Read'] }));
    assert.equal(!consent.ok && consent.error.code, 'CONSENT_REQUIRED');
    const queued = h.broker.status().pendingConsent;
    assert.equal(queued.length, 1);
    assert.deepEqual(queued[0]?.scopes, ['Files.Read']);
    assert.equal(queued[0]?.requestedBy, 'vscode');

    const granted = await h.broker.grantConsent({ group: 'files' });
    assert.equal(granted.ok, true);
    assert.deepEqual(h.auth.consentCalls, [['Files.Read', 'Files.ReadWrite']]);
    assert.deepEqual(h.broker.status().pendingConsent, []);
  } finally {
    await h.close();
  }
});

void test('Grant for teams leaves the admin-only scope out; Grant for api asks for the configured API scope alone', async () => {
  const h = await startHarness({
    config: { api: { baseUrl: 'https://api.contoso.com/', scope: 'api://orders/access_as_user' } },
  });
  try {
    assert.equal((await h.broker.grantConsent({ group: 'teams' })).ok, true);
    assert.equal((await h.broker.grantConsent({ group: 'api' })).ok, true);
    assert.deepEqual(h.auth.consentCalls, [
      ['Chat.Read', 'Team.ReadBasic.All', 'ChatMessage.Send'],
      ['api://orders/access_as_user'],
    ]);
  } finally {
    await h.close();
  }
  const none = await startHarness();
  try {
    const r = await none.broker.grantConsent({ group: 'api' });
    assert.equal(!r.ok && r.error.code, 'BAD_REQUEST');
    assert.match(!r.ok ? r.error.message : '', /No API is configured.*"api": \{"baseUrl"/);
    assert.deepEqual(none.auth.consentCalls, []);
  } finally {
    await none.close();
  }
});

void test('status.get over IPC matches statusSchema and lists the connected client', async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' } });
  try {
    const { client } = await h.bridge('claude-ai');
    const r = resultSchema(statusSchema).parse(await client.call('status.get', {}));
    assert.ok(r.ok);
    const c = r.value.clients.find((x) => x.name === 'claude-ai');
    assert.equal(c?.connected, 1);
    assert.equal(r.value.endpoint, h.broker.endpoint.path);
  } finally {
    await h.close();
  }
});
