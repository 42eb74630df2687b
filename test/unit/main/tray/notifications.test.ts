import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notificationsFor } from '../../../../app/main/tray/notifications.ts';
import { client, consentRequest, signedIn, status, writeApproval } from '../status-fixture.ts';
import { HOSTILE_TEXT, RAW_UNSAFE } from '../../../helpers/hostile-text.ts';

const kinds = (ns: { kind: string; id: string }[]) => ns.map((n) => `${n.kind}:${n.id}`);

test('first status: everything pending notifies, except sign-in (nothing was lost)', () => {
  const s = status({
    clients: [client('cursor', 'pending')],
    pendingConsent: [consentRequest('c1')],
    pendingApprovals: [writeApproval('w1')],
  });
  assert.deepEqual(kinds(notificationsFor(null, s)), [
    'client-approval:client:cursor',
    'consent-needed:consent:c1',
    'write-approval:write:w1',
  ]);
});

test('no change, no notification (items already pending do not repeat)', () => {
  const s = signedIn({ clients: [client('cursor', 'pending')], pendingApprovals: [writeApproval('w1')] });
  assert.deepEqual(notificationsFor(s, s), []);
});

test('losing the account asks to sign in again, naming the account', () => {
  const [n, ...rest] = notificationsFor(signedIn(), status());
  assert.equal(rest.length, 0);
  assert.equal(n?.kind, 'sign-in-needed');
  assert.match(n?.body ?? '', /ada@contoso\.com is no longer signed in/);
  assert.deepEqual(notificationsFor(status(), status()), []);
});

test('a refresh that needs a new sign-in notifies once while the account is still listed', () => {
  const needed = signedIn({
    signInNeeded: { reason: 'Your Microsoft sign-in has expired or was revoked.', since: '2026-11-22T10:00:00.000Z' },
  });
  const [n, ...rest] = notificationsFor(signedIn(), needed);
  assert.equal(rest.length, 0);
  assert.equal(n?.kind, 'sign-in-needed');
  assert.match(n?.body ?? '', /ada@contoso\.com has to sign in again \(Your Microsoft sign-in has expired/);
  assert.deepEqual(notificationsFor(needed, needed), [], 'not repeated on every status change');
  assert.deepEqual(notificationsFor(needed, signedIn()), [], 'signing in again clears it silently');
});

test('only NEW items notify; approved clients and resolved items do not', () => {
  const before = signedIn({ pendingApprovals: [writeApproval('w1')], pendingConsent: [consentRequest('c1')] });
  const after = signedIn({
    clients: [client('claude-ai', 'approved'), client('cursor', 'pending')],
    pendingApprovals: [writeApproval('w1'), writeApproval('w2', 'files_delete')],
    pendingConsent: [],
  });
  const ns = notificationsFor(before, after);
  assert.deepEqual(kinds(ns), ['client-approval:client:cursor', 'write-approval:write:w2']);
  assert.equal(ns[1]?.title, 'Graph Bridge: claude-ai wants to run files_delete');
  assert.match(ns[1]?.body ?? '', /Send mail to bob@contoso\.com/);
});

test('peer-controlled names, tools and summaries reach a notification escaped: no forged line, no escape sequence', () => {
  const evil = HOSTILE_TEXT.newline + HOSTILE_TEXT.clearScreen + HOSTILE_TEXT.bidi;
  const s = signedIn({
    clients: [client(evil, 'pending')],
    pendingConsent: [{ ...consentRequest('c1'), requestedBy: evil }],
    pendingApprovals: [
      { ...writeApproval('w1', `mail_send${HOSTILE_TEXT.carriageReturn}`), client: evil, summary: evil },
    ],
  });
  const ns = notificationsFor(null, s);
  assert.equal(ns.length, 3);
  for (const n of ns) {
    assert.doesNotMatch(n.title, /[\n\r]/);
    assert.doesNotMatch(`${n.title}${n.body}`, RAW_UNSAFE);
    assert.match(n.body, /evil\\x0a2026/);
  }
  // The write approval keeps its own line break between the summary and the instruction, and only that one.
  assert.equal(ns[2]?.body.split('\n').length, 2);
});
