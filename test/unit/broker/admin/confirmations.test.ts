/**
 * The human gate on the admin channel, over real sockets: approving a client or a write, resuming and
 * loosening settings answer CONFIRMATION_REQUIRED until they carry the one-time code the host showed;
 * codes are single use, bound to one action, expire, allow few attempts, and never travel over a socket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAdmin, type AdminClient } from '../../../../app/cli/admin-client.ts';
import { createConfirmations } from '../../../../app/broker/admin/confirmations.ts';
import { createSettingsControl } from '../../../../app/broker/admin/settings-control.ts';
import { SEND_MAIL, startHarness, type Harness } from '../broker-harness.ts';

async function admin(h: Harness): Promise<AdminClient> {
  const a = await connectAdmin(h.broker.endpoint, false);
  assert.ok(a, 'admin channel reachable');
  return a;
}

function challengeOf(r: { ok: boolean; error?: { code: string; confirmation?: { challengeId: string } } }): string {
  assert.equal(r.ok, false);
  assert.equal(r.error?.code, 'CONFIRMATION_REQUIRED');
  const id = r.error?.confirmation?.challengeId;
  assert.ok(id !== undefined);
  return id;
}

const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

void test('approving a client needs the code the host showed; a wrong code costs an attempt; a code works once', async () => {
  const h = await startHarness();
  const a = await admin(h);
  try {
    await h.bridge('inspector-cli');
    const id = h.broker.status().clients[0]?.id ?? '';
    const asked = await a.call('clients.decide', { id, decision: 'approve' });
    const challengeId = challengeOf(asked);
    assert.equal(h.codes.length, 1);
    const shown = h.codes[0];
    assert.ok(shown !== undefined);
    assert.match(shown.code, /^[0-9]{6}$/);
    assert.match(
      shown.action,
      /Allow "inspector-cli" \(session-\d+: not a connected editor, so for this session only\)/,
    );
    assert.ok(!JSON.stringify(asked).includes(shown.code), 'the code is never sent over the socket');
    assert.equal(h.broker.status().clients[0]?.approval, 'pending');

    const bad = await a.call('clients.decide', {
      id,
      decision: 'approve',
      confirmation: { challengeId, code: wrong(shown.code) },
    });
    assert.deepEqual(bad.ok ? null : [bad.error.code, bad.error.attemptsLeft], ['CONFIRMATION_FAILED', 2]);
    assert.equal(h.broker.status().clients[0]?.approval, 'pending');

    const good = await a.call('clients.decide', {
      id,
      decision: 'approve',
      confirmation: { challengeId, code: shown.code },
    });
    assert.deepEqual(good, { ok: true, value: {} });
    assert.equal(h.broker.status().clients[0]?.approval, 'approved');

    h.broker.decideClient(id, 'deny');
    const replay = await a.call('clients.decide', {
      id,
      decision: 'approve',
      confirmation: { challengeId, code: shown.code },
    });
    assert.equal(replay.ok ? null : replay.error.code, 'CONFIRMATION_FAILED', 'a used code is spent');
    assert.equal(h.broker.status().clients[0]?.approval, 'denied');

    // Deny and forget tighten: no code.
    assert.deepEqual(await a.call('clients.decide', { id, decision: 'deny' }), { ok: true, value: {} });
  } finally {
    a.close();
    await h.close();
  }
});

void test('a code is bound to its action: the code for one client does not approve another', async () => {
  const h = await startHarness();
  const a = await admin(h);
  try {
    await h.bridge('mine');
    await h.bridge('sneaky');
    const [mine, sneaky] = h.broker.status().clients;
    assert.ok(mine && sneaky);
    const challengeId = challengeOf(await a.call('clients.decide', { id: mine.id, decision: 'approve' }));
    const code = h.codes[0]?.code ?? '';
    const swapped = await a.call('clients.decide', {
      id: sneaky.id,
      decision: 'approve',
      confirmation: { challengeId, code },
    });
    assert.equal(swapped.ok ? null : swapped.error.code, 'CONFIRMATION_FAILED');
    assert.deepEqual(
      h.broker.status().clients.map((c) => c.approval),
      ['pending', 'pending'],
    );
  } finally {
    a.close();
    await h.close();
  }
});

void test('allowing a write and resuming need a code; denying and pausing do not', async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' } });
  const a = await admin(h);
  try {
    const { client } = await h.bridge('vscode', [SEND_MAIL]);
    const write = client.call('approval.request', { tool: 'send_mail', summary: 'Send mail to ada@contoso.com' });
    let pending = h.broker.status().pendingApprovals;
    for (let i = 0; pending.length === 0 && i < 200; i++) {
      await new Promise((r) => setImmediate(r));
      pending = h.broker.status().pendingApprovals;
    }
    const approvalId = pending[0]?.id ?? '';
    const challengeId = challengeOf(await a.call('approvals.decide', { id: approvalId, decision: 'allow-once' }));
    assert.match(h.codes[0]?.action ?? '', /Allow "vscode" to run send_mail once: Send mail to ada@contoso\.com/);
    const code = h.codes[0]?.code ?? '';
    assert.deepEqual(
      await a.call('approvals.decide', { id: approvalId, decision: 'allow-once', confirmation: { challengeId, code } }),
      { ok: true, value: {} },
    );
    assert.deepEqual(await write, { ok: true, value: { approved: true, remember: false } });

    assert.deepEqual(await a.call('pause', { paused: true }), { ok: true, value: {} });
    assert.equal(h.broker.status().paused, true);
    const resume = challengeOf(await a.call('pause', { paused: false }));
    assert.equal(h.broker.status().paused, true, 'still paused without the code');
    const resumeCode = h.codes[1]?.code ?? '';
    assert.deepEqual(
      await a.call('pause', { paused: false, confirmation: { challengeId: resume, code: resumeCode } }),
      {
        ok: true,
        value: {},
      },
    );
    assert.equal(h.broker.status().paused, false);
  } finally {
    a.close();
    await h.close();
  }
});

void test('a host with nowhere to show a code refuses loosening over the admin channel; the facade (window) still decides', async () => {
  const h = await startHarness({ showCodes: false });
  const a = await admin(h);
  try {
    await h.bridge('x');
    const id = h.broker.status().clients[0]?.id ?? '';
    const r = await a.call('clients.decide', { id, decision: 'approve' });
    assert.equal(r.ok ? null : r.error.code, 'NO_CONFIRMATION_DISPLAY');
    assert.match(r.ok ? '' : r.error.message, /Graph Bridge window/);
    assert.equal(h.broker.status().clients[0]?.approval, 'pending');
    assert.deepEqual(h.broker.decideClient(id, 'approve'), { ok: true, value: undefined });
  } finally {
    a.close();
    await h.close();
  }
});

void test('codes expire, allow three attempts, and too many failures lock out new codes (injected clock)', () => {
  let t = Date.parse('2026-01-01T10:00:00Z');
  const shown: string[] = [];
  const hidden: string[] = [];
  let n = 0;
  const c = createConfirmations({
    now: () => new Date(t),
    show: (p) => (shown.push(p.code), 'here'),
    hide: (id) => hidden.push(id),
    randomCode: () => String(123456 + n++),
  });
  const id = (r: ReturnType<typeof c.request>) => (r.ok ? '' : (r.error.confirmation?.challengeId ?? ''));
  const first = id(c.request('k', 'do it'));
  t += 120_001;
  const late = c.verify({ challengeId: first, code: '123456' }, 'k');
  assert.equal(late.ok ? null : late.error.code, 'CONFIRMATION_FAILED');
  assert.deepEqual(hidden, [first], 'an expired code is withdrawn from the display');

  const second = id(c.request('k', 'do it'));
  for (const left of [2, 1, 0]) {
    const r = c.verify({ challengeId: second, code: '000000' }, 'k');
    assert.equal(r.ok ? null : r.error.attemptsLeft, left);
  }
  assert.equal(
    c.verify({ challengeId: second, code: '123457' }, 'k').ok,
    false,
    'no attempts left, even for the right code',
  );

  for (let i = 0; i < 6; i++) c.verify({ challengeId: 'nope', code: '000000' }, 'k');
  const locked = c.request('k', 'do it');
  assert.equal(locked.ok ? null : locked.error.code, 'CONFIRMATION_FAILED');
  assert.match(locked.ok ? '' : locked.error.message, /Too many wrong confirmation codes/);
  assert.equal(shown.length, 2, 'no code is shown while locked out');
  t += 5 * 60_000 + 1;
  assert.equal(id(c.request('k', 'do it')).length > 0, true, 'the lockout passes');
});

void test('withdrawAll retires every open code at once; typed later it says why and to ask again, and is no wrong guess', () => {
  const hidden: string[] = [];
  let n = 0;
  const c = createConfirmations({
    now: () => new Date(),
    show: () => 'here',
    hide: (id) => hidden.push(id),
    randomCode: () => String(111111 + n++),
    maxFailures: 2,
  });
  const id = (r: ReturnType<typeof c.request>) => (r.ok ? '' : (r.error.confirmation?.challengeId ?? ''));
  const a = id(c.request('a', 'do a'));
  const b = id(c.request('b', 'do b'));
  c.withdrawAll('Withdrawn: the sign-in restarted.');
  assert.deepEqual(hidden, [a, b], 'the display is told at once');
  for (let i = 0; i < 3; i++) {
    const r = c.verify({ challengeId: a, code: '111111' }, 'a');
    assert.equal(r.ok ? null : r.error.code, 'CONFIRMATION_FAILED');
    assert.equal(
      r.ok ? '' : r.error.message,
      'Withdrawn: the sign-in restarted. Run the command again for a new code.',
    );
  }
  const again = c.request('a', 'do a');
  assert.equal(
    again.ok ? null : again.error.code,
    'CONFIRMATION_REQUIRED',
    'withdrawn codes typed back do not lock out',
  );
  assert.deepEqual(c.verify({ challengeId: id(again), code: '111113' }, 'a'), { ok: true, value: null });
});

void test('an action text with control characters is shown escaped', () => {
  const actions: string[] = [];
  const c = createConfirmations({ now: () => new Date(), show: (p) => (actions.push(p.action), 'here') });
  c.request('k', 'Allow "evil\u001b[2J\nname\u202e"');
  assert.equal(actions[0], 'Allow "evil\\x1b[2J\\x0aname\\u202e"');
});

void test('settings over the admin channel: tightening applies at once; loosening needs the code; onlyIfTightening makes no code', async () => {
  const configDir = await mkdtemp(join(tmpdir(), 'gb-settings-'));
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'settings.json'), JSON.stringify({ toolGroups: ['mail'], readOnly: false }));
  const applied: boolean[] = [];
  const settings = createSettingsControl({
    configDir,
    env: {},
    apply: (s) => (applied.push(s.readOnly), Promise.resolve({ ok: true, value: { note: null } })),
  });
  const h = await startHarness({ settings });
  const a = await admin(h);
  try {
    const on = await a.call('settings.update', { changes: [{ key: 'readOnly', value: true }] });
    assert.ok(on.ok, JSON.stringify(on));
    assert.equal(on.value.snapshot.settings.readOnly, true);
    assert.deepEqual(applied, [true]);
    assert.equal(h.codes.length, 0);

    const quiet = await a.call('settings.update', {
      changes: [{ key: 'readOnly', value: false }],
      onlyIfTightening: true,
    });
    assert.equal(quiet.ok ? null : quiet.error.code, 'CONFIRMATION_REQUIRED');
    assert.match(quiet.ok ? '' : quiet.error.message, /read-only off/);
    assert.equal(h.codes.length, 0, 'no code is made for a caller without a person');

    const off = await a.call('settings.update', {
      changes: [
        { key: 'readOnly', value: false },
        { key: 'toolGroups', value: ['mail', 'teams'] },
      ],
    });
    const challengeId = challengeOf(off);
    assert.match(h.codes[0]?.action ?? '', /read-only off; enable tool group teams/);
    const code = h.codes[0]?.code ?? '';
    const done = await a.call('settings.update', {
      changes: [
        { key: 'readOnly', value: false },
        { key: 'toolGroups', value: ['mail', 'teams'] },
      ],
      confirmation: { challengeId, code },
    });
    assert.ok(done.ok);
    const file = JSON.parse(await readFile(join(configDir, 'settings.json'), 'utf8')) as {
      readOnly: boolean;
      toolGroups: string[];
    };
    assert.deepEqual([file.readOnly, file.toolGroups], [false, ['mail', 'teams']]);

    const invalid = await a.call('settings.update', {
      changes: [{ key: 'approvalPolicy.writes.default', value: 'sometimes' }],
    });
    assert.match(
      invalid.ok ? '' : invalid.error.message,
      /Setting "approvalPolicy\.writes\.default" is "sometimes" in the new settings; allowed: "ask", "allow", "deny"/,
    );
  } finally {
    a.close();
    await h.close();
    await rm(configDir, { recursive: true, force: true });
  }
});
