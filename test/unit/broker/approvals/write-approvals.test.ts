import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteApprovals } from '../../../../app/broker/approvals/write-approvals.ts';
import type { WritePolicy } from '../../../../app/broker/approvals/write-approvals.ts';

function setup(options: { policy?: WritePolicy; interactive?: boolean } = {}) {
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const remembered: string[] = [];
  const changes = { count: 0 };
  let n = 0;
  const approvals = createWriteApprovals({
    now: () => new Date(Date.UTC(2026, 0, 1)),
    newId: () => `id${++n}`,
    timeoutMs: () => 120_000,
    policy: () => options.policy ?? 'ask',
    interactive: options.interactive ?? true,
    rememberAllowed: (t) => remembered.push(t),
    onChange: () => void changes.count++,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return { clear: () => (t.cleared = true) };
    },
  });
  return { approvals, timers, remembered, changes };
}
const params = { tool: 'mail_send', summary: "Send mail to ada@contoso.com: 'Q3'", details: { To: 'ada@contoso.com' } };

void test("'ask' holds a pending approval in the list until the user allows it", async () => {
  const { approvals, timers } = setup();
  const p = approvals.request('cursor', params);
  const [item] = approvals.list();
  assert.equal(item?.tool, 'mail_send');
  assert.equal(item?.client, 'cursor');
  assert.equal(item?.expiresAt, '2026-01-01T00:02:00.000Z');
  assert.deepEqual(approvals.decide('id1', 'allow-once'), { ok: true, value: undefined });
  assert.deepEqual(await p, { approved: true, remember: false });
  assert.deepEqual(approvals.list(), []);
  assert.equal(timers[0]?.cleared, true);
});

void test('deny and timeout both resolve to not approved with a reason', async () => {
  const { approvals, timers } = setup();
  const denied = approvals.request('cursor', params);
  approvals.decide('id1', 'deny');
  assert.equal((await denied).approved, false);
  const timedOut = approvals.request('cursor', params);
  assert.equal(timers[1]?.ms, 120_000);
  timers[1]?.fn();
  const r = await timedOut;
  assert.equal(r.approved, false);
  assert.match(r.reason ?? '', /within 120 s/);
});

void test('allow-always remembers the tool; an unknown id says it may have timed out', async () => {
  const { approvals, remembered } = setup();
  const p = approvals.request('cursor', params);
  approvals.decide('id1', 'allow-always');
  assert.deepEqual(await p, { approved: true, remember: true });
  assert.deepEqual(remembered, ['mail_send']);
  const r = approvals.decide('nope', 'deny');
  assert.ok(!r.ok && /may have timed out/.test(r.error.message));
});

void test("policy 'allow'/'deny' answer at once; headless without an approver denies with how to allow it", async () => {
  assert.deepEqual(await setup({ policy: 'allow' }).approvals.request('c', params), { approved: true });
  const deny = await setup({ policy: 'deny' }).approvals.request('c', params);
  assert.equal(deny.approved, false);
  const headless = setup({ interactive: false });
  const r = await headless.approvals.request('c', params);
  assert.equal(r.approved, false);
  assert.match(r.reason ?? '', /--approvals=ask/);
  assert.deepEqual(headless.approvals.list(), []);
});

void test('no reason the model reads names a command that grants access', async () => {
  const granting = /graph-bridge\s+(clients|approvals|resume|settings|pause)/;
  const reasons: string[] = [];
  const { approvals, timers } = setup();
  const timedOut = approvals.request('c', params);
  timers[0]?.fn();
  reasons.push((await timedOut).reason ?? '');
  const denied = approvals.request('c', params);
  approvals.decide('id2', 'deny');
  reasons.push((await denied).reason ?? '');
  reasons.push((await setup({ policy: 'deny' }).approvals.request('c', params)).reason ?? '');
  reasons.push((await setup({ interactive: false }).approvals.request('c', params)).reason ?? '');
  for (const reason of reasons) {
    assert.ok(reason.length > 0);
    assert.doesNotMatch(reason, granting);
  }
});

void test('denyAll settles everything pending (pause, shutdown)', async () => {
  const { approvals } = setup();
  const a = approvals.request('c', params);
  const b = approvals.request('c', params);
  approvals.denyAll('paused');
  assert.deepEqual(await Promise.all([a, b]), [
    { approved: false, reason: 'paused' },
    { approved: false, reason: 'paused' },
  ]);
});

void test('every reason and error is worded exactly as the user and the model are told it', async () => {
  const { approvals, timers } = setup();
  const timedOut = approvals.request('c', params);
  timers[0]?.fn();
  assert.deepEqual(await timedOut, {
    approved: false,
    reason:
      'Nobody approved within 120 s, so the write was not made. The user approves writes in the Graph Bridge window ' +
      '(tray icon) or in the terminal running the Graph Bridge agent; ask them, then try again.',
  });
  const denied = approvals.request('c', params);
  approvals.decide('id2', 'deny');
  assert.deepEqual(await denied, { approved: false, reason: 'The user denied this write.' });
  assert.deepEqual(await setup({ policy: 'deny' }).approvals.request('c', params), {
    approved: false,
    reason:
      `The user's Graph Bridge settings deny writes by "mail_send", so nothing was changed. Only the user can change ` +
      'that policy, in the Graph Bridge window (Settings).',
  });
  assert.deepEqual(await setup({ interactive: false }).approvals.request('c', params), {
    approved: false,
    reason:
      'Nobody can approve "mail_send" here, so nothing was changed: the Graph Bridge agent runs without approval ' +
      'prompts. The user can start the agent with approvals on (--approvals=ask) or use the Graph Bridge app, and ' +
      'approve writes there.',
  });
  assert.deepEqual(approvals.decide('id1', 'allow-once'), {
    ok: false,
    error: {
      code: 'BAD_REQUEST',
      message:
        'No pending approval "id1": it may have timed out or been decided already. The list of pending approvals ' +
        'shows what is waiting.',
    },
  });
});

void test('the list shows exactly what is asked; each change is announced once; a late timer changes nothing', async () => {
  const { approvals, timers, changes } = setup();
  const p = approvals.request('cursor', { tool: 'files_delete', summary: 'Delete a.txt' });
  assert.equal(changes.count, 1);
  assert.deepEqual(approvals.list(), [
    {
      id: 'id1',
      client: 'cursor',
      tool: 'files_delete',
      summary: 'Delete a.txt',
      details: {},
      requestedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T00:02:00.000Z',
    },
  ]);
  approvals.decide('id1', 'allow-once');
  assert.equal(changes.count, 2);
  timers[0]?.fn();
  assert.equal(changes.count, 2, 'the timer of a decided approval does nothing');
  assert.deepEqual(await p, { approved: true, remember: false });
  await setup({ policy: 'allow' }).approvals.request('c', params);
  const quiet = setup({ interactive: false });
  await quiet.approvals.request('c', params);
  assert.equal(quiet.changes.count, 0, 'an answer given at once changes no pending list');
});
