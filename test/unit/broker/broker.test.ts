import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectRpc, RpcProtocolError } from '../../../app/shared/rpc-client.ts';
import { PROTOCOL_VERSION, RPC_ERROR } from '../../../app/shared/constants.ts';
import {
  approvalRequestResultSchema,
  bridgeStatusSchema,
  helloResultSchema,
  resultSchema,
  tokenGetResultSchema,
} from '../../../app/shared/bridge-contract.ts';
import type { ToolCatalogEntry } from '../../../app/shared/bridge-contract.ts';
import type { ToolGroup } from '../../../app/shared/tool-groups.ts';
import { MAIL_LIST, SEND_MAIL, startHarness } from './broker-harness.ts';
import { createFakeAuth } from './fake-auth-service.ts';

const tokenResult = resultSchema(tokenGetResultSchema);
const approvalResult = resultSchema(approvalRequestResultSchema);

const GRANTING = /graph-bridge\s+(clients|approvals|resume|settings|pause)/;

void test('a pending client is refused until approved, then served; a denied client gets CLIENT_NOT_APPROVED', async () => {
  const h = await startHarness();
  try {
    const { client, hello } = await h.bridge('cursor-vscode', undefined, await h.editorKey('cursor'));
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
    const real = await h.bridge('claude-ai', undefined, await h.editorKey('claude-desktop'));
    h.broker.decideClient('claude-desktop', 'approve');
    const impostor = await h.bridge('claude-ai');
    assert.equal((impostor.hello as { value: { approval: string } }).value.approval, 'pending');
    const forged = await h.bridge('claude-ai', undefined, 'e'.repeat(64));
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
      (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === RPC_ERROR.UNAUTHENTICATED,
    );
    await wrong.closed;

    const early = await connectRpc(h.broker.endpoint.path);
    await assert.rejects(
      early.call('token.get', { scopes: ['User.Read'] }),
      (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === RPC_ERROR.UNAUTHENTICATED,
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
      [
        'Chat.Read',
        'Team.ReadBasic.All',
        'Channel.ReadBasic.All',
        'ChatMessage.Send',
        'ChannelMessage.Send',
        'Chat.Create',
        'User.ReadBasic.All',
      ],
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

void test("status.get (approved only) is the session's own view: no other clients, accounts or approvals", async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' } });
  try {
    const { client } = await h.bridge('claude-ai', [MAIL_LIST, SEND_MAIL]);
    await h.bridge('cursor');
    const r = resultSchema(bridgeStatusSchema).parse(await client.call('status.get', {}));
    assert.ok(r.ok);
    assert.deepEqual(r.value.neededScopes, ['Mail.Read', 'Mail.Send']);
    assert.equal(JSON.stringify(r.value).includes('cursor'), false);
    assert.equal(
      h.broker.status().clients.find((x) => x.name === 'claude-ai')?.connected,
      1,
      'the tray still sees all',
    );
    assert.deepEqual(
      h.broker.neededScopes().filter((x) => x.startsWith('Mail.')),
      ['Mail.Read', 'Mail.ReadWrite', 'Mail.Send'],
    );
  } finally {
    await h.close();
  }
});

void test('a pending client learns its state and what to do — not the account, settings, pause or others', async () => {
  const h = await startHarness({ interactiveApprovals: true });
  try {
    const trusted = await h.bridge('trusted', [SEND_MAIL]);
    const trustedId = h.broker.status().clients.find((c) => c.name === 'trusted')?.id ?? '';
    assert.ok(h.broker.decideClient(trustedId, 'approve').ok);
    const write = trusted.client.call('approval.request', {
      tool: 'send_mail',
      summary: 'Send mail to ceo@contoso.com: "Merger"',
      details: { To: 'ceo@contoso.com' },
    });
    await waitFor(() => h.broker.status().pendingApprovals.length === 1);
    h.broker.setPaused(false);

    const { client, hello } = await h.bridge('intruder');
    const parsed = resultSchema(helloResultSchema).parse(hello);
    assert.ok(parsed.ok && parsed.value.approval === 'pending');
    assert.deepEqual(Object.keys(parsed.value).sort(), ['approval', 'brokerVersion', 'message', 'protocolVersion']);
    assert.match(parsed.value.message, /"intruder" is waiting for your approval/);
    const again = resultSchema(helloResultSchema).parse(await client.call('session.get', {}));
    assert.deepEqual(again, parsed);
    for (const [method, params] of [
      ['status.get', {}],
      ['token.get', { scopes: ['Mail.Read'] }],
      ['approval.request', { tool: 'mail_list', summary: 'x' }],
      ['audit.record', { tool: 'mail_list', method: 'GET', pathTemplate: '/me', status: 200, durationMs: 1 }],
    ] as const) {
      const r = (await client.call(method, params)) as { ok: boolean; error?: { code: string; message: string } };
      assert.equal(r.error?.code, 'CLIENT_NOT_APPROVED', method);
    }
    h.broker.setPaused(true);
    const whilePaused = (await client.call('token.get', { scopes: ['Mail.Read'] })) as { error?: { code: string } };
    assert.equal(whilePaused.error?.code, 'CLIENT_NOT_APPROVED', 'pause state is not revealed either');
    const everything = JSON.stringify([hello, again, whilePaused]);
    for (const secret of [
      'ceo@contoso.com',
      'Merger',
      'trusted',
      h.auth.snapshot().account?.username ?? 'x',
      'graph.microsoft.com',
    ]) {
      assert.equal(everything.includes(secret), false, secret);
    }
    assert.equal(h.auth.calls.length, 0);
    await write;
  } finally {
    await h.close();
  }
});

void test('the broker enforces its settings: read-only and disabled groups refuse approvals and scopes', async () => {
  const config = {
    clientPolicy: 'allow' as const,
    readOnly: true,
    toolGroups: ['profile', 'mail', 'graph'] as ToolGroup[],
  };
  const auth = createFakeAuth({ granted: ['User.Read', 'Mail.Read', 'Bookings.Read.All'] });
  const h = await startHarness({ config, interactiveApprovals: true, auth });
  try {
    const graphRequest: ToolCatalogEntry = {
      name: 'graph_request',
      group: 'graph',
      scopes: ['User.Read'],
      readOnly: true,
    };
    const teamsSend: ToolCatalogEntry = {
      name: 'send_chat_message',
      group: 'teams',
      scopes: ['ChatMessage.Send'],
      readOnly: false,
    };
    const { client } = await h.bridge('editor', [MAIL_LIST, SEND_MAIL, graphRequest, teamsSend]);
    const ask = async (tool: string) =>
      approvalResult.parse(await client.call('approval.request', { tool, summary: `${tool} something` }));
    const ro = await ask('send_mail');
    assert.equal(!ro.ok && ro.error.code, 'READ_ONLY');
    assert.match(!ro.ok ? ro.error.message : '', /nothing was sent.*Graph Bridge window/);
    assert.doesNotMatch(!ro.ok ? ro.error.message : '', /graph-bridge /);
    assert.equal(((await ask('graph_request')) as { error?: { code: string } }).error?.code, 'READ_ONLY');
    const off = await ask('send_chat_message');
    assert.equal(!off.ok && off.error.code, 'GROUP_DISABLED');
    assert.match(!off.ok ? off.error.message : '', /teams tools are turned off.*"teams" tool group on/);
    const undeclared = await ask('delete_everything');
    assert.equal(!undeclared.ok && undeclared.error.code, 'BAD_REQUEST');
    assert.deepEqual(h.broker.status().pendingApprovals, [], 'nothing reached the user');

    const token = async (scopes: string[], tool?: string) => {
      const r = tokenResult.parse(await client.call('token.get', { scopes, ...(tool ? { tool } : {}) }));
      return r.ok ? 'ok' : r.error.code;
    };
    assert.equal(await token(['Mail.Read']), 'ok');
    assert.equal(await token(['Mail.Send']), 'READ_ONLY');
    assert.equal(await token(['Chat.Read']), 'GROUP_DISABLED');
    assert.equal(await token(['Bookings.Read.All']), 'ok', 'graph_request may read what no group lists');
    assert.equal(await token(['Bookings.ReadWrite.All']), 'READ_ONLY');
    assert.equal(await token(['Contacts.Read']), 'GROUP_DISABLED', 'the contacts group lists it and is off');
    assert.equal(await token(['https://evil.example/.default']), 'BAD_REQUEST');
    assert.equal(await token(['User.Read'], 'send_chat_message'), 'GROUP_DISABLED');
    assert.deepEqual(
      h.auth.calls.map((c) => c.scopes),
      [['Mail.Read'], ['Bookings.Read.All']],
      'refused scopes never reach the token core',
    );
  } finally {
    await h.close();
  }
});

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}
