import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attentionCounts, trayIconState, trayTooltip } from '../../../../app/main/tray/tray-state.ts';
import { client, consentRequest, signedIn, status, writeApproval } from '../status-fixture.ts';

test('icon: signed out / signed in', () => {
  assert.equal(trayIconState(status()), 'signed-out');
  assert.equal(trayIconState(signedIn()), 'signed-in');
});

test('icon: attention for a pending client, a consent request or a write approval', () => {
  assert.equal(trayIconState(signedIn({ clients: [client('cursor', 'pending')] })), 'attention');
  assert.equal(trayIconState(signedIn({ pendingConsent: [consentRequest('c')] })), 'attention');
  assert.equal(trayIconState(status({ pendingApprovals: [writeApproval('w')] })), 'attention');
  assert.equal(
    trayIconState(signedIn({ clients: [client('cursor', 'approved'), client('x', 'denied')] })),
    'signed-in',
  );
});

test('icon and tooltip: attention when the account has to sign in again', () => {
  const s = signedIn({ signInNeeded: { reason: 'Session revoked.', since: '2026-11-22T10:00:00.000Z' } });
  assert.equal(trayIconState(s), 'attention');
  assert.match(trayTooltip(s), /Signed in as ada@contoso\.com\nSign-in needed/);
});

test('icon: paused wins over attention', () => {
  assert.equal(trayIconState(signedIn({ paused: true, pendingApprovals: [writeApproval('w')] })), 'paused');
});

test('counts and tooltip name the account and what waits', () => {
  const s = signedIn({
    clients: [client('cursor', 'pending')],
    pendingApprovals: [writeApproval('a'), writeApproval('b')],
  });
  assert.deepEqual(attentionCounts(s), { clients: 1, consent: 0, writes: 2, total: 3 });
  assert.equal(
    trayTooltip(s),
    'Graph Bridge\nSigned in as ada@contoso.com\nWaiting for you: 1 editor, 2 write approvals',
  );
  assert.equal(trayTooltip(status({ paused: true })), 'Graph Bridge\nNot signed in\nAccess paused');
});
