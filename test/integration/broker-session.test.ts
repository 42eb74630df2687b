/**
 * security.md "a pending client reads what it should not": a raw socket client holding broker.key,
 * against the REAL broker (real MSAL, keychain, emulator). Before approval it learns only that it is
 * pending and what the user must do — no account, no settings, no pause state, no other client's
 * name or pending write approval — from hello, session.get, status.get or any other method. Once the
 * user approves it (admin channel, as the CLI/tray do), session.get on the same connection says so.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { startTestBroker, type TestBroker } from '../helpers/broker.ts';
import { connectRpc, type RpcClient } from '../../app/shared/rpc-client.ts';
import { connectAdmin } from '../../app/cli/admin-client.ts';
import { PROTOCOL_VERSION } from '../../app/shared/constants.ts';
import {
  bridgeStatusSchema,
  helloResultSchema,
  resultSchema,
  type ToolCatalogEntry,
} from '../../app/shared/bridge-contract.ts';

const helloResult = resultSchema(helloResultSchema);
let emulator: RunningEmulator;
let tb: TestBroker;

before(async () => {
  emulator = await startEmulator();
  tb = await startTestBroker({ emulator, clientPolicy: 'ask', writes: 'ask', readOnly: false });
});
after(async () => {
  await tb?.stop();
  await emulator?.close();
});

const SEND_MAIL: ToolCatalogEntry = { name: 'send_mail', group: 'mail', scopes: ['Mail.Send'], readOnly: false };

async function connect(name: string): Promise<{ client: RpcClient; hello: unknown }> {
  const client = await connectRpc(tb.endpoint.path);
  const hello = await client.call('hello', {
    protocolVersion: PROTOCOL_VERSION,
    key: (await readFile(tb.endpoint.keyPath, 'utf8')).trim(),
    client: { name, version: '1', pid: process.pid },
  });
  await client.call('tools.declare', { tools: [SEND_MAIL] });
  return { client, hello };
}

/** The user approves the client that says it is `name`, in the window (the broker facade; no code). */
function approveByName(name: string): void {
  const c = tb.broker.status().clients.find((x) => x.name === name);
  assert.ok(c, `${name} is listed`);
  const r = tb.broker.decideClient(c.id, 'approve');
  assert.ok(r.ok);
}

void test('a pending client learns its state and what the user must do, nothing else; approval is learned later', async () => {
  const admin = await connectAdmin(tb.endpoint, false);
  assert.ok(admin, 'the admin channel is up');
  // Another, approved editor has a write waiting for the user.
  const trusted = await connect('trusted-editor');
  approveByName('trusted-editor');
  const write = trusted.client.call('approval.request', {
    tool: 'send_mail',
    summary: "Send mail to ceo@contoso.com: 'Acquisition of Fabrikam'",
    details: { To: 'ceo@contoso.com', Subject: 'Acquisition of Fabrikam' },
  });
  await new Promise<void>((resolve) => {
    const done = (): void => {
      if (tb.broker.status().pendingApprovals.length === 0) return;
      off();
      resolve();
    };
    const off = tb.broker.onStatusChanged(done);
    done();
  });

  const { client, hello } = await connect('curious-editor');
  const seen: unknown[] = [hello];
  const parsed = helloResult.parse(hello);
  assert.ok(parsed.ok && parsed.value.approval === 'pending', JSON.stringify(hello));
  assert.deepEqual(Object.keys(parsed.value).sort(), ['approval', 'brokerVersion', 'message', 'protocolVersion']);
  assert.match(parsed.value.message, /"curious-editor" is waiting for your approval/);
  for (const [method, params] of [
    ['session.get', {}],
    ['status.get', {}],
    ['token.get', { scopes: ['User.Read'] }],
    ['approval.request', { tool: 'send_mail', summary: 'Send mail to me' }],
    ['audit.record', { tool: 'send_mail', method: 'GET', pathTemplate: '/me', status: 200, durationMs: 1 }],
  ] as const) {
    const answer = await client.call(method, params);
    seen.push(answer);
    if (method === 'session.get') assert.deepEqual(answer, hello);
    else assert.equal((answer as { error?: { code: string } }).error?.code, 'CLIENT_NOT_APPROVED', method);
  }
  // Pausing (which also denies the waiting write) is not revealed either.
  tb.broker.setPaused(true);
  const whilePaused = await client.call('token.get', { scopes: ['User.Read'] });
  seen.push(whilePaused, await client.call('session.get', {}));
  assert.equal((whilePaused as { error?: { code: string } }).error?.code, 'CLIENT_NOT_APPROVED');
  const everything = JSON.stringify(seen);
  const account = tb.broker.status().account;
  assert.ok(account);
  for (const secret of [
    account.username,
    account.homeAccountId,
    account.tenantId,
    'trusted-editor',
    'ceo@contoso.com',
    'Fabrikam',
    emulator.graphOrigin,
    'paused',
    'PAUSED',
    'keychain',
  ]) {
    assert.equal(everything.includes(secret), false, `a pending client saw "${secret}"`);
  }

  // The user approves it: the same connection learns it (session.get), then gets its own status only.
  tb.broker.setPaused(false);
  approveByName('curious-editor');
  const approved = helloResult.parse(await client.call('session.get', {}));
  assert.ok(approved.ok && approved.value.approval === 'approved');
  assert.equal(approved.value.account?.username, account.username);
  assert.equal(approved.value.graphBaseUrl, `${emulator.graphOrigin}/`);
  assert.deepEqual(approved.value.toolGroups, tb.config.toolGroups);
  const status = resultSchema(bridgeStatusSchema).parse(await client.call('status.get', {}));
  assert.ok(status.ok);
  assert.deepEqual(status.value.neededScopes, ['Mail.Send']);
  assert.equal(JSON.stringify(status.value).includes('trusted-editor'), false);
  assert.equal(JSON.stringify(status.value).includes('ceo@contoso.com'), false);

  assert.equal(((await write) as { value?: { approved: boolean } }).value?.approved, false, 'the pause denied it');
  admin.close();
  client.close();
  trusted.client.close();
});
