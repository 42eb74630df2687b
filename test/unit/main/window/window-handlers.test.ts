import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWindowHandlers, type WindowHandlerDeps } from '../../../../app/main/window/window-handlers.ts';
import { createIpcRouter, type IpcRegistrar } from '../../../../app/main/window/ipc-router.ts';
import type { Broker, WriteDecision } from '../../../../app/broker/broker-api.ts';
import type { BrokerStatus } from '../../../../app/shared/bridge-contract.ts';
import { signedIn, writeApproval } from '../status-fixture.ts';

/** A broker fake that keeps pending write approvals and records decisions (the approval flow's edge). */
function fakeBroker(initial: BrokerStatus) {
  let current = initial;
  const decisions: [string, WriteDecision][] = [];
  let paused = false;
  const broker = {
    status: () => ({ ...current, paused }),
    decideWrite(id: string, decision: WriteDecision) {
      if (!current.pendingApprovals.some((a) => a.id === id)) {
        return {
          ok: false as const,
          error: { code: 'BAD_REQUEST' as const, message: 'That approval already expired or was answered.' },
        };
      }
      decisions.push([id, decision]);
      current = { ...current, pendingApprovals: current.pendingApprovals.filter((a) => a.id !== id) };
      return { ok: true as const, value: undefined };
    },
    setPaused(p: boolean) {
      paused = p;
    },
    audit: async (q: unknown) => [
      {
        time: '2025-01-01T10:00:00.000Z',
        client: 'claude-ai',
        tool: JSON.stringify(q),
        method: 'GET',
        pathTemplate: '/me',
        status: 200,
        durationMs: 12,
      },
    ],
    auditLogPath: () => '/state/audit.jsonl',
  };
  return { broker: broker as unknown as Broker, decisions };
}

function deps(broker: Broker, extra: Partial<WindowHandlerDeps> = {}): WindowHandlerDeps {
  const unused = () => {
    throw new Error('unused');
  };
  return {
    broker,
    signIn: { busy: false, deviceLoginUrl: null, signIn: unused, signInWithCode: unused },
    settings: { view: unused, save: unused },
    editors: { list: unused, connect: unused },
    openExternal: unused,
    openPath: async () => '',
    confirmationCodes: () => [],
    ...extra,
  };
}

function router(d: WindowHandlerDeps) {
  const registrar: IpcRegistrar = { handle: () => undefined, removeHandler: () => undefined };
  const r = createIpcRouter({ registrar, isTrustedSender: () => true });
  r.register(createWindowHandlers(d));
  const ev = { sender: { id: 1 }, senderFrame: { url: 'file:///x/index.html', parent: null } };
  return (channel: string, payload: unknown) => r.dispatch(ev, channel, payload);
}

test('write approval flow: allow once, always, deny reach the broker; a stale id explains itself', async () => {
  const { broker, decisions } = fakeBroker(
    signedIn({ pendingApprovals: [writeApproval('w1'), writeApproval('w2'), writeApproval('w3')] }),
  );
  const call = router(deps(broker));
  assert.deepEqual(await call('write:decide', { id: 'w1', decision: 'allow-once' }), { ok: true, value: null });
  assert.deepEqual(await call('write:decide', { id: 'w2', decision: 'allow-always' }), { ok: true, value: null });
  assert.deepEqual(await call('write:decide', { id: 'w3', decision: 'deny' }), { ok: true, value: null });
  assert.deepEqual(decisions, [
    ['w1', 'allow-once'],
    ['w2', 'allow-always'],
    ['w3', 'deny'],
  ]);
  const again = await call('write:decide', { id: 'w1', decision: 'allow-once' });
  assert.deepEqual(again, {
    ok: false,
    error: { code: 'BAD_REQUEST', message: 'That approval already expired or was answered.' },
  });
  const bogus = await call('write:decide', { id: 'w9', decision: 'allow-forever' });
  assert.equal(bogus.ok === false && bogus.error.code, 'INVALID_PAYLOAD');
  assert.equal((await call('status:get', {})).ok, true);
});

test('pause, audit (bounded, with the filter) and open-log', async () => {
  const { broker } = fakeBroker(signedIn());
  const opened: string[] = [];
  const call = router(deps(broker, { openPath: async (p) => (opened.push(p), '') }));
  await call('access:set-paused', { paused: true });
  const s = await call('status:get', {});
  assert.equal(s.ok && (s.value as BrokerStatus).paused, true);
  const audit = await call('audit:query', { tool: 'mail_send' });
  assert.ok(audit.ok);
  assert.deepEqual(JSON.parse((audit.value as { tool: string }[])[0]?.tool ?? ''), { limit: 200, tool: 'mail_send' });
  assert.deepEqual(await call('audit:open-log', {}), { ok: true, value: null });
  assert.deepEqual(opened, ['/state/audit.jsonl']);
  const failing = router(deps(broker, { openPath: async () => 'No application is associated' }));
  const r = await failing('audit:open-log', {});
  assert.equal(r.ok === false && r.error.message, 'Could not open the audit log: No application is associated');
});
