/**
 * #11.10: tool results teach the model nothing that grants access. Every refusal an editor's model can
 * provoke — a pending client, a denied one, paused access, read-only, a write denied by policy, a write
 * nobody approved in time, a write on a headless agent — is driven through a REAL MCP stdio client and
 * the real bridge against a real broker, and no result or error text may contain a granting command
 * (`graph-bridge clients|approvals|resume|settings|pause …`). Each text must still say what the user does.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startTestBroker, type TestBroker, type TestBrokerOptions } from '../helpers/broker.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { startBridgeClient } from '../helpers/mcp-client.ts';

const GRANTING = /graph-bridge\s+(?:--home\s+\S+\s+)?(clients|approvals|resume|settings|pause)\b/i;
let emulator: RunningEmulator;

before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

/** Everything the model reads from a result: its text blocks and any structured content. */
function allText(r: CallToolResult): string {
  const blocks = r.content.map((c) => (c.type === 'text' ? c.text : JSON.stringify(c)));
  return [...blocks, r.structuredContent === undefined ? '' : JSON.stringify(r.structuredContent)].join('\n');
}

async function withBridge(
  options: Partial<TestBrokerOptions>,
  fn: (tb: TestBroker, call: (tool: string, args?: Record<string, unknown>) => Promise<string>) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  const tb = await startTestBroker({ emulator, ...options });
  const bridge = await startBridgeClient({ home: tb.home, caPath: emulator.caPath, clientName: 'model-editor', args });
  try {
    await fn(tb, async (tool, callArgs = {}) => {
      const r = await bridge.call(tool, callArgs);
      const text = allText(r);
      assert.doesNotMatch(text, GRANTING, `${tool} told the model a command that grants access: ${text}`);
      return text;
    });
  } finally {
    await bridge.close();
    await tb.stop();
  }
}

const MAIL = { to: ['megan@contoso.example'], subject: 'Q3 plan', body: 'Hi' };

void test('pending, denied and paused: the model is told to ask the user, never a command', () =>
  withBridge({ clientPolicy: 'ask' }, async (tb, call) => {
    assert.match(await call('get_my_profile'), /waiting for your approval.*Graph Bridge window/);
    const id = tb.broker.status().clients.find((c) => c.name === 'model-editor')?.id ?? '';
    assert.ok(tb.broker.decideClient(id, 'deny').ok);
    assert.match(await call('get_my_profile'), /was denied access.*Only the user can change that/);
    assert.ok(tb.broker.decideClient(id, 'approve').ok);
    tb.broker.setPaused(true);
    assert.match(await call('get_my_profile'), /paused by the user.*resume it in the Graph Bridge window/);
    tb.broker.setPaused(false);
    assert.match(await call('get_my_profile'), /Adele Vance/);
  }));

void test('read-only (broker settings): the refusal names the window, not a command', () =>
  withBridge({ readOnly: true, toolGroups: ['profile', 'mail', 'graph'] }, async (_tb, call) => {
    const text = await call('graph_request', { method: 'POST', path: '/me/sendMail', body: {} });
    assert.match(text, /read-only mode.*status window \(Settings\)/);
  }));

void test('a write denied by policy, one nobody approved in time, and one on a headless agent', async () => {
  await withBridge({ writes: 'ask', writeTools: { send_mail: 'deny' } }, async (_tb, call) => {
    assert.match(await call('send_mail', MAIL), /settings deny writes by "send_mail".*Only the user/);
  });
  await withBridge({ writes: 'ask' }, async (tb, call) => {
    tb.config.approvalTimeoutSeconds = 1;
    assert.match(await call('send_mail', MAIL), /Nobody approved within 1 s.*ask them/);
  });
  await withBridge({ writes: 'ask', interactiveApprovals: false }, async (_tb, call) => {
    assert.match(await call('send_mail', MAIL), /Nobody can approve "send_mail" here/);
  });
});

void test('a write denied by the user, and one cut off by pause', () =>
  withBridge({ writes: 'ask' }, async (tb, call) => {
    const denied = call('send_mail', MAIL);
    await waitForPending(tb);
    const id = tb.broker.status().pendingApprovals[0]?.id ?? '';
    assert.ok(tb.broker.decideWrite(id, 'deny').ok);
    assert.match(await denied, /did not approve this action \(The user denied this write\.\)/);
    const paused = call('send_mail', MAIL);
    await waitForPending(tb);
    tb.broker.setPaused(true);
    assert.match(await paused, /paused Graph Bridge access/);
  }));

async function waitForPending(tb: TestBroker): Promise<void> {
  for (let i = 0; i < 400 && tb.broker.status().pendingApprovals.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(tb.broker.status().pendingApprovals.length, 1, 'the write is waiting for approval');
}
