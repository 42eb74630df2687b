import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getMessage, listMessages, replyToMessage, sendMail } from '../../../../bridge/tools/mail.ts';
import { getMyProfile, searchUsers } from '../../../../bridge/tools/profile.ts';
import { ToolError, type GraphCall, type ToolContext } from '../../../../bridge/tools/tool.ts';

function fakeContext(responses: Record<string, unknown>, approve: 'yes' | 'no' = 'yes') {
  const calls: GraphCall[] = [];
  const approvals: { summary: string; details?: Record<string, string> }[] = [];
  const answer = (call: GraphCall): unknown => {
    calls.push(call);
    return responses[`${call.method} ${call.pathTemplate}`];
  };
  const ctx: ToolContext = {
    graph: {
      request: async <T>(call: GraphCall) => answer(call) as T,
      page: async <T>(call: GraphCall, cursor?: string) => {
        const body = answer(cursor ? { ...call, path: cursor } : call) as { value: T[]; next?: string };
        return { items: body.value, nextCursor: body.next ?? null };
      },
      download: () => Promise.reject(new Error('no')),
      downloadToFile: () => Promise.reject(new Error('no')),
    },
    api: { request: () => Promise.reject(new Error('no')) },
    approve: async (summary, details) => {
      approvals.push({ summary, ...(details ? { details } : {}) });
      if (approve === 'no') throw new ToolError('APPROVAL_DENIED', 'denied');
    },
    saveDownload: () => Promise.reject(new Error('no')),
    limits: { maxResultChars: 20_000, maxInlineFileBytes: 1024 },
  };
  return { ctx, calls, approvals };
}

test('list_messages: filters put receivedDateTime first (Outlook InefficientFilter rule) and escape quotes', async () => {
  const f = fakeContext({ 'GET /me/mailFolders/{id}/messages': { value: [], next: 'gb1.x' } });
  const r = await listMessages.run(
    { folder: 'inbox', unreadOnly: true, from: "o'brien@contoso.com", since: '2026-01-01T00:00:00+02:00' },
    f.ctx,
  );
  const q = f.calls[0]!.query!;
  assert.equal(f.calls[0]!.path, '/me/mailFolders/inbox/messages');
  assert.equal(
    q.$filter,
    "receivedDateTime ge 2025-12-31T22:00:00.000Z and isRead eq false and from/emailAddress/address eq 'o''brien@contoso.com'",
  );
  assert.equal(q.$orderby, 'receivedDateTime desc');
  assert.deepEqual(r.structured, { messages: [], nextCursor: 'gb1.x' });
});

test('get_message: HTML body to text, truncated with a note, attachments listed', async () => {
  const f = fakeContext({
    'GET /me/messages/{id}': {
      id: 'm1',
      subject: 'Plan',
      from: { emailAddress: { name: 'Ada', address: 'ada@contoso.com' } },
      toRecipients: [{ emailAddress: { address: 'me@contoso.com' } }],
      hasAttachments: true,
      body: { contentType: 'html', content: `<p>${'word '.repeat(100)}</p>` },
    },
    'GET /me/messages/{id}/attachments': {
      value: [{ id: 'a1', name: 'plan.pdf', contentType: 'application/pdf', size: 10 }],
    },
  });
  const r = await getMessage.run({ id: 'm1', maxBodyChars: 200 }, f.ctx);
  assert.deepEqual(f.calls[0]!.headers, { Prefer: 'outlook.body-content-type="text"' }, 'Graph is asked for text');
  const s = r.structured as { body: string; bodyTruncated: boolean; from: string; attachments: unknown[] };
  assert.equal(s.from, 'Ada <ada@contoso.com>');
  assert.equal(s.bodyTruncated, true);
  assert.match(s.body, /^word word/);
  assert.match(s.body, /body cut: showing \d+ of 499 characters; call again with maxBodyChars: 499 to see more\]$/);
  assert.deepEqual(s.attachments, [{ id: 'a1', name: 'plan.pdf', contentType: 'application/pdf', size: 10 }]);
  assert.match(r.text, /Attachments: plan\.pdf \(application\/pdf, 10 bytes\)/);
  await assert.rejects(getMessage.run({ id: '../me' }, f.ctx), /id must be a message id/);
});

test('send_mail asks first with recipients and subject; a denial stops it before Graph', async () => {
  const denied = fakeContext({}, 'no');
  await assert.rejects(
    sendMail.run({ to: ['a@contoso.com'], cc: ['b@contoso.com'], subject: 'Hi', body: 'x' }, denied.ctx),
  );
  assert.equal(denied.calls.length, 0);
  assert.deepEqual(denied.approvals, [
    {
      summary: 'Send mail to a@contoso.com: "Hi"',
      details: { To: 'a@contoso.com', Cc: 'b@contoso.com', Subject: 'Hi', Body: 'x' },
    },
  ]);
  const ok = fakeContext({ 'POST /me/sendMail': undefined });
  await sendMail.run({ to: ['a@contoso.com'], subject: 'Hi', body: '<b>x</b>', bodyType: 'html' }, ok.ctx);
  assert.deepEqual(ok.calls[0]!.body, {
    message: {
      subject: 'Hi',
      body: { contentType: 'HTML', content: '<b>x</b>' },
      toRecipients: [{ emailAddress: { address: 'a@contoso.com' } }],
    },
    saveToSentItems: true,
  });
});

test('reply_to_message names the real recipients in the approval (replyAll adds to/cc)', async () => {
  const f = fakeContext({
    'GET /me/messages/{id}': {
      id: 'm1',
      subject: 'Plan',
      from: { emailAddress: { address: 'ada@contoso.com' } },
      toRecipients: [{ emailAddress: { address: 'me@contoso.com' } }],
      ccRecipients: [{ emailAddress: { address: 'bob@contoso.com' } }],
    },
  });
  const r = await replyToMessage.run({ id: 'm1', comment: 'ok', replyAll: true }, f.ctx);
  assert.equal(f.approvals[0]!.summary, 'Reply all to ada@contoso.com, me@contoso.com, bob@contoso.com: "RE: Plan"');
  assert.equal(f.calls.at(-1)!.path, '/me/messages/m1/replyAll');
  assert.deepEqual(r.structured, {
    sent: true,
    to: ['ada@contoso.com', 'me@contoso.com', 'bob@contoso.com'],
    subject: 'RE: Plan',
  });
});

test('profile: $select on /me, OData-escaped directory search', async () => {
  const f = fakeContext({
    'GET /me': { id: 'u', displayName: 'Ada', businessPhones: [] },
    'GET /users': { value: [{ id: 'x', displayName: "D'Arcy" }] },
  });
  const me = await getMyProfile.run({}, f.ctx);
  assert.deepEqual(me.structured, { id: 'u', displayName: 'Ada' });
  assert.match(String(f.calls[0]!.query!.$select), /^id,displayName,/);
  await searchUsers.run({ query: "D'Ar" }, f.ctx);
  assert.match(
    String(f.calls[1]!.query!.$filter),
    /^startswith\(displayName,'D''Ar'\) or startswith\(givenName,'D''Ar'\)/,
  );
});
