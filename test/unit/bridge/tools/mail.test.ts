import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GROUP_SCOPES } from '../../../../app/shared/tool-groups.ts';
import {
  createDraft,
  createMailFolder,
  getMessage,
  listMailFolders,
  listMessages,
  mailTools,
  replyToMessage,
  saveAttachments,
  sendMail,
  updateDraft,
  updateMessages,
} from '../../../../bridge/tools/mail.ts';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import { fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';
import { localFilesFixture } from '../uploads/local-files-fixture.ts';

const FROM_ADA = { emailAddress: { name: 'Ada', address: 'ada@contoso.com' } };
const SUPPORT = 'support@contoso.com';

test('mail tools: no output schemas, read tools read-only with read scopes, every scope in GROUP_SCOPES.mail', () => {
  const mail = GROUP_SCOPES.mail;
  for (const t of mailTools) {
    assert.equal(t.outputSchema, undefined, `${t.name} returns text only`);
    assert.equal(t.annotations.readOnlyHint, !t.write, t.name);
    for (const s of t.scopes) assert.ok([...mail.read, ...mail.write].includes(s), `${t.name}: ${s}`);
    if (!t.write) assert.deepEqual(t.scopes, ['Mail.Read'], t.name);
    assert.ok('mailbox' in t.inputSchema, `${t.name} takes mailbox`);
  }
  assert.equal(updateMessages.annotations.destructiveHint, true, 'update_messages can delete');
  assert.deepEqual(mail.onDemand, {
    read: ['Mail.Read.Shared', 'MailboxSettings.Read'],
    write: ['Mail.ReadWrite.Shared', 'Mail.Send.Shared'],
  });
});

test('list_messages: filters put receivedDateTime first (Outlook InefficientFilter rule) and escape quotes', async () => {
  const f = fakeContext({ routes: { 'GET /me/mailFolders/inbox/messages': { items: [], nextCursor: 'gb1.x' } } });
  const r = await listMessages.run(
    { folder: 'inbox', unreadOnly: true, from: "o'brien@contoso.com", since: '2026-01-01T00:00:00+02:00' },
    f.ctx,
  );
  const q = f.graph[0]!.call.query!;
  assert.equal(
    q.$filter,
    "receivedDateTime ge 2025-12-31T22:00:00.000Z and isRead eq false and from/emailAddress/address eq 'o''brien@contoso.com'",
  );
  assert.equal(q.$orderby, 'receivedDateTime desc');
  assert.equal(r.structured, undefined);
  assert.match(
    r.text,
    /^0 message\(s\) newest first; times UTC:\nMore results: call again with the same arguments and cursor "gb1\.x"\.$/,
  );
  await rejectsWithCode(listMessages.run({ folder: '../../drive' }, f.ctx), 'INVALID_INPUT');
});

test('mailbox: a shared mailbox is /users/{address} with the on-demand *.Shared scope of each call', async () => {
  const path = `/users/${encodeURIComponent(SUPPORT)}`;
  const f = fakeContext({
    routes: {
      [`GET ${path}/messages`]: {
        items: [
          { id: 'm1', subject: 'Printer', from: FROM_ADA, receivedDateTime: '2026-03-01T10:00:00Z', isRead: false },
        ],
        nextCursor: null,
      },
      [`GET ${path}/messages/m1`]: { id: 'm1', subject: 'Printer', from: FROM_ADA },
      [`POST ${path}/messages/m1/reply`]: undefined,
    },
  });
  const list = await listMessages.run({ mailbox: SUPPORT }, f.ctx);
  assert.match(list.text, /\[m1\] 2026-03-01 10:00 from Ada <ada@contoso\.com> \(unread\)/);
  assert.deepEqual(f.graph[0]!.call.scopes, ['Mail.Read.Shared']);
  assert.equal(f.graph[0]!.call.pathTemplate, '/users/{mailbox}/messages');
  await replyToMessage.run({ id: 'm1', comment: 'On it', mailbox: SUPPORT }, f.ctx);
  assert.deepEqual(
    f.graph.slice(1).map((g) => [g.call.method, g.call.scopes]),
    [
      ['GET', ['Mail.Read.Shared']],
      ['POST', ['Mail.Send.Shared']],
    ],
  );
  assert.match(f.approvals[0]!.summary, /in the shared mailbox support@contoso\.com$/);
  // The address is one path segment whatever it holds (zod refuses such a value at the MCP edge too).
  const odd = fakeContext({
    routes: { 'GET /users/a%40b.com%2F..%2F..%2Fme/messages': { items: [], nextCursor: null } },
  });
  await listMessages.run({ mailbox: 'a@b.com/../../me' }, odd.ctx);
  await assert.rejects(runTool(listMessages, { mailbox: 'a@b.com/../../me' }, odd.ctx));
});

test('get_message: text body cut with a note, flags, and attachments of every kind with ids', async () => {
  const f = fakeContext({
    routes: {
      'GET /me/messages/m1': {
        id: 'm1',
        subject: 'Plan',
        from: FROM_ADA,
        toRecipients: [{ emailAddress: { address: 'me@contoso.com' } }],
        hasAttachments: true,
        flag: { flagStatus: 'flagged' },
        categories: ['Blue category'],
        body: { contentType: 'html', content: `<p>${'word '.repeat(100)}</p>` },
      },
      'GET /me/messages/m1/attachments': {
        items: [
          {
            '@odata.type': '#microsoft.graph.fileAttachment',
            id: 'a1',
            name: 'plan.pdf',
            contentType: 'application/pdf',
            size: 2048,
          },
          { '@odata.type': '#microsoft.graph.itemAttachment', id: 'a2', name: 'Original\u202e', size: 4096 },
          { '@odata.type': '#microsoft.graph.referenceAttachment', id: 'a3', name: 'deck.pptx', size: 600 },
          { id: 'a4', name: 'x.txt\n- [a999] invoice.pdf (application/pdf, 1 KB)', contentType: 'text/plain', size: 1 },
        ],
        nextCursor: null,
      },
    },
  });
  const r = await getMessage.run({ id: 'm1', maxBodyChars: 200 }, f.ctx);
  assert.ok(!/^- \[a999\]/m.test(r.text), 'an attachment name cannot forge an entry of its own');
  assert.deepEqual(f.graph[0]!.call.headers, { Prefer: 'outlook.body-content-type="text"' }, 'Graph is asked for text');
  assert.match(r.text, /^State: flagged$/m);
  assert.match(r.text, /^Categories: Blue category$/m);
  assert.match(r.text, /^- \[a1\] plan\.pdf \(application\/pdf, 2\.0 KB\)$/m);
  assert.match(
    r.text,
    /^- \[a2\] Original \(attached message, saved as \.eml, 4\.0 KB\)$/m,
    'no bidi override survives',
  );
  assert.match(r.text, /^- \[a3\] deck\.pptx \(link to a cloud file: open the message in Outlook/m);
  assert.match(r.text, /body cut: showing \d+ of 499 characters; call again with maxBodyChars: 499 to see more\]$/);
  await rejectsWithCode(getMessage.run({ id: '../me' }, f.ctx), 'INVALID_INPUT');
});

test('save_attachments: files and attached messages to disk, links named, inline images only on request', async () => {
  const bytes = (s: string) => ({ bytes: new TextEncoder().encode(s), contentType: 'application/octet-stream' });
  const f = fakeContext({
    routes: {
      'GET /me/messages/m1/attachments': {
        items: [
          { '@odata.type': '#microsoft.graph.fileAttachment', id: 'a1', name: '../../evil\u202etxt.exe', size: 3 },
          { '@odata.type': '#microsoft.graph.itemAttachment', id: 'a2', name: 'Original', size: 9 },
          { '@odata.type': '#microsoft.graph.referenceAttachment', id: 'a3', name: 'deck.pptx', size: 1 },
          { '@odata.type': '#microsoft.graph.fileAttachment', id: 'a4', name: 'logo.png', size: 5, isInline: true },
        ],
        nextCursor: null,
      },
      'GET /me/messages/m1/attachments/a1/$value': bytes('abc'),
      'GET /me/messages/m1/attachments/a2/$value': bytes('From: x\r\n'),
      'GET /me/messages/m1/attachments/a4/$value': bytes('PNG..'),
    },
  });
  const r = await saveAttachments.run({ id: 'm1' }, f.ctx);
  assert.deepEqual(
    f.saved.map((s) => s.fileName),
    ['../../eviltxt.exe', 'Original.eml'],
    'names reach saveDownload as one clean line (it reduces them to a base name)',
  );
  assert.match(r.text, /deck\.pptx: a link to a cloud file, nothing to save/);
  assert.ok(!f.log.some((l) => l.includes('a3/$value')), 'no $value for a link');
  assert.equal(f.approvals.length, 0, 'saving is a read');
  const values = f.graph.filter((g) => g.call.path.endsWith('/$value'));
  assert.deepEqual(
    values.map((g) => g.kind),
    ['downloadToFile', 'downloadToFile'],
    'attachments stream socket → file, never whole in memory',
  );
  const one = await saveAttachments.run({ id: 'm1', attachmentIds: ['a4'] }, f.ctx);
  assert.match(one.text, /logo\.png \(5 bytes\) saved to \/tmp\/downloads\/logo\.png/);
  await rejectsWithCode(saveAttachments.run({ id: 'm1', attachmentIds: ['zz'] }, f.ctx), 'UNKNOWN_ID', /get_message/);
});

test('send_mail asks first with recipients and subject; a denial stops it before Graph', async () => {
  const denied = fakeContext({ deny: true });
  await rejectsWithCode(
    sendMail.run({ to: ['a@contoso.com'], cc: ['b@contoso.com'], subject: 'Hi', body: 'x' }, denied.ctx),
    'APPROVAL_DENIED',
  );
  assert.equal(denied.graph.length, 0);
  assert.deepEqual(denied.approvals, [
    {
      summary: 'Send mail to a@contoso.com: "Hi"',
      details: { To: 'a@contoso.com', Cc: 'b@contoso.com', Subject: 'Hi', Body: 'x' },
    },
  ]);
  const ok = fakeContext({ routes: { 'POST /me/sendMail': undefined } });
  await sendMail.run({ to: ['a@contoso.com'], subject: 'Hi', body: '<b>x</b>', bodyType: 'html' }, ok.ctx);
  assert.deepEqual(ok.graph[0]!.call.body, {
    message: {
      subject: 'Hi',
      body: { contentType: 'HTML', content: '<b>x</b>' },
      toRecipients: [{ emailAddress: { address: 'a@contoso.com' } }],
    },
    saveToSentItems: true,
  });
  await rejectsWithCode(
    sendMail.run({ subject: 'Hi', body: 'x' }, ok.ctx),
    'INVALID_INPUT',
    /needs to, subject and body/,
  );
  await rejectsWithCode(sendMail.run({ draftId: 'd1', subject: 'x' }, ok.ctx), 'INVALID_INPUT', /update_draft/);
});

test('send_mail draftId: the approval shows the draft as it will go out, then POST …/send', async () => {
  const f = fakeContext({
    routes: {
      'GET /me/messages/d1': {
        id: 'd1',
        subject: 'Offer',
        isDraft: true,
        toRecipients: [{ emailAddress: { address: 'bob@contoso.com' } }],
        hasAttachments: true,
        body: { contentType: 'text', content: 'Please sign.' },
      },
      'GET /me/messages/d1/attachments': { items: [{ id: 'a1', name: 'offer.pdf' }], nextCursor: null },
      'POST /me/messages/d1/send': undefined,
    },
  });
  const r = await sendMail.run({ draftId: 'd1' }, f.ctx);
  assert.deepEqual(f.approvals[0], {
    summary: 'Send the draft "Offer" to bob@contoso.com',
    details: { To: 'bob@contoso.com', Subject: 'Offer', Body: 'Please sign.', Attachments: 'offer.pdf' },
  });
  assert.deepEqual(f.log.slice(-2), ['approve', 'request POST /me/messages/d1/send']);
  assert.deepEqual(f.graph.at(-1)!.call.scopes, ['Mail.Send']);
  assert.match(r.text, /^Sent the draft "Offer"/);
  const sent = fakeContext({ routes: { 'GET /me/messages/s1': { id: 's1', subject: 'Old', isDraft: false } } });
  await rejectsWithCode(sendMail.run({ draftId: 's1' }, sent.ctx), 'NOT_A_DRAFT');
  assert.equal(sent.approvals.length, 0);
});

test('reply_to_message: reply all names every recipient; forward needs to and sends toRecipients', async () => {
  const original = {
    id: 'm1',
    subject: 'Plan',
    from: { emailAddress: { address: 'ada@contoso.com' } },
    toRecipients: [{ emailAddress: { address: 'me@contoso.com' } }],
    ccRecipients: [{ emailAddress: { address: 'bob@contoso.com' } }],
    hasAttachments: true,
  };
  const f = fakeContext({
    routes: {
      'GET /me/messages/m1': original,
      'POST /me/messages/m1/replyAll': undefined,
      'POST /me/messages/m1/forward': undefined,
    },
  });
  await replyToMessage.run({ id: 'm1', comment: 'ok', mode: 'replyAll' }, f.ctx);
  assert.equal(f.approvals[0]!.summary, 'Reply all to ada@contoso.com, me@contoso.com, bob@contoso.com: "RE: Plan"');
  const fw = await replyToMessage.run({ id: 'm1', comment: 'FYI', mode: 'forward', to: ['carol@contoso.com'] }, f.ctx);
  assert.equal(f.approvals[1]!.summary, 'Forward to carol@contoso.com: "FW: Plan"');
  assert.equal(f.approvals[1]!.details?.Forwards, 'the original message from ada@contoso.com and its attachments');
  assert.deepEqual(f.graph.at(-1)!.call.body, {
    comment: 'FYI',
    toRecipients: [{ emailAddress: { address: 'carol@contoso.com' } }],
  });
  assert.match(fw.text, /^Forwarded "FW: Plan" to carol@contoso\.com\.$/);
  await rejectsWithCode(replyToMessage.run({ id: 'm1', comment: 'x', mode: 'forward' }, f.ctx), 'INVALID_INPUT');
  await rejectsWithCode(replyToMessage.run({ id: 'm1', comment: 'x', to: ['x@contoso.com'] }, f.ctx), 'INVALID_INPUT');
});

test('update_draft: refuses a sent message before asking; PATCHes only the fields given', async () => {
  const sent = fakeContext({ routes: { 'GET /me/messages/s1': { id: 's1', subject: 'Sent one', isDraft: false } } });
  await rejectsWithCode(updateDraft.run({ id: 's1', body: 'new' }, sent.ctx), 'NOT_A_DRAFT', /reply_to_message/);
  assert.equal(sent.approvals.length, 0);
  const f = fakeContext({
    routes: {
      'GET /me/messages/d1': { id: 'd1', subject: 'Offer', isDraft: true, toRecipients: [] },
      'PATCH /me/messages/d1': { id: 'd1' },
    },
  });
  await updateDraft.run({ id: 'd1', to: ['bob@contoso.com'], body: 'v2' }, f.ctx);
  assert.equal(f.approvals[0]!.summary, 'Update the draft "Offer" (to nobody yet): body, toRecipients changed');
  assert.deepEqual(f.graph.at(-1)!.call.body, {
    body: { contentType: 'Text', content: 'v2' },
    toRecipients: [{ emailAddress: { address: 'bob@contoso.com' } }],
  });
  await rejectsWithCode(updateDraft.run({ id: 'd1' }, f.ctx), 'INVALID_INPUT');
});

test('update_messages: the approval lists every message and the action; move answers new ids', async () => {
  const ids = Array.from({ length: 12 }, (_, i) => `m${i}`);
  const routes: Record<string, unknown> = {
    'GET /me/mailFolders/archive': { id: 'F1', displayName: 'Archive' },
  };
  for (const id of ids) {
    routes[`GET /me/messages/${id}`] = { id, subject: `Subject ${id}\nInjected line`, from: FROM_ADA };
    routes[`POST /me/messages/${id}/move`] =
      id === 'm3'
        ? () => {
            throw new ToolError('GRAPH_NOT_FOUND', 'gone');
          }
        : { id: `${id}-new` };
  }
  const f = fakeContext({ routes: routes as Record<string, object> });
  const r = await updateMessages.run({ ids, action: 'move', folder: 'archive' }, f.ctx);
  assert.equal(f.approvals[0]!.summary, 'Move 12 message(s) to "Archive"');
  const details = f.approvals[0]!.details!;
  assert.deepEqual(Object.keys(details), ['Action', 'Move to', 'Messages 1–10', 'Messages 11–12']);
  assert.match(details['Messages 1–10']!, /^1\. Ada <ada@contoso\.com> — "Subject m0 Injected line"$/m);
  assert.equal(details['Messages 1–10']!.split('\n').length, 10, 'one line per message, no injected line');
  assert.equal(
    f.log.indexOf('approve'),
    13,
    'the folder and all 12 messages are read before the approval, nothing written',
  );
  assert.deepEqual(f.graph.find((g) => g.call.path === '/me/messages/m0/move')!.call.body, {
    destinationId: 'archive',
  });
  assert.match(r.text, /^move: 11 of 12 done\./);
  assert.match(r.text, /"Subject m0 Injected line": moved, new id \[m0-new\]/);
  assert.match(r.text, /"Subject m3 Injected line": FAILED \(GRAPH_NOT_FOUND: gone\)/);
});

test('update_messages: each action sends its own PATCH/DELETE; missing values are refused before Graph', async () => {
  const cases: [string, Record<string, unknown>, string, unknown][] = [
    ['markRead', {}, 'PATCH', { isRead: true }],
    ['markUnread', {}, 'PATCH', { isRead: false }],
    ['flag', {}, 'PATCH', { flag: { flagStatus: 'flagged' } }],
    ['unflag', {}, 'PATCH', { flag: { flagStatus: 'notFlagged' } }],
    ['categorize', { categories: ['Blue category'] }, 'PATCH', { categories: ['Blue category'] }],
    ['setImportance', { importance: 'high' }, 'PATCH', { importance: 'high' }],
    ['delete', {}, 'DELETE', undefined],
  ];
  for (const [action, extra, method, body] of cases) {
    const f = fakeContext({
      routes: {
        'GET /me/messages/m1': { id: 'm1', subject: 'S', from: FROM_ADA },
        [`${method} /me/messages/m1`]: undefined,
      },
    });
    await updateMessages.run({ ids: ['m1'], action, ...extra }, f.ctx);
    assert.equal(f.graph.at(-1)!.call.method, method, action);
    assert.deepEqual(f.graph.at(-1)!.call.body, body, action);
    assert.ok(f.approvals[0]!.summary.length > 0);
  }
  const none = fakeContext({});
  await rejectsWithCode(updateMessages.run({ ids: ['m1'], action: 'categorize' }, none.ctx), 'INVALID_INPUT');
  await rejectsWithCode(updateMessages.run({ ids: ['m1'], action: 'move' }, none.ctx), 'INVALID_INPUT');
  assert.equal(none.graph.length, 0);
  const denied = fakeContext({ deny: true, routes: { 'GET /me/messages/m1': { id: 'm1', subject: 'S' } } });
  await rejectsWithCode(updateMessages.run({ ids: ['m1'], action: 'delete' }, denied.ctx), 'APPROVAL_DENIED');
  assert.ok(denied.graph.every((g) => g.call.method === 'GET'));
});

test('list_mail_folders: subfolders of a parent; inbox rules with MailboxSettings.Read, own mailbox only', async () => {
  const f = fakeContext({
    routes: {
      'GET /me/mailFolders/inbox/childFolders': {
        items: [{ id: 'F2', displayName: 'Falcon', totalItemCount: 3 }],
        nextCursor: null,
      },
      'GET /me/mailFolders/inbox/messageRules': {
        items: [
          { id: 'r2', displayName: 'Second', sequence: 2, isEnabled: false, conditions: {}, actions: { delete: true } },
          {
            id: 'r1',
            displayName: 'First',
            sequence: 1,
            isEnabled: true,
            conditions: { subjectContains: ['x'] },
            actions: { markAsRead: true },
          },
        ],
        nextCursor: null,
      },
    },
  });
  const sub = await listMailFolders.run({ parent: 'inbox' }, f.ctx);
  assert.match(sub.text, /^- \[F2\] Falcon: 0 unread of 3$/m);
  const rules = await listMailFolders.run({ rules: true }, f.ctx);
  assert.deepEqual(f.graph.at(-1)!.call.scopes, ['MailboxSettings.Read']);
  assert.match(
    rules.text,
    /^- 1\. First: if \{"subjectContains":\["x"\]\} then \{"markAsRead":true\}\n- 2\. Second \(off\)/m,
  );
  await rejectsWithCode(listMailFolders.run({ rules: true, mailbox: SUPPORT }, f.ctx), 'INVALID_INPUT');
});

test('create_mail_folder: names the parent in the approval and returns the new id', async () => {
  const f = fakeContext({
    routes: {
      'GET /me/mailFolders/inbox': { id: 'F0', displayName: 'Inbox' },
      'POST /me/mailFolders/inbox/childFolders': { id: 'F9', displayName: 'Falcon' },
    },
  });
  const r = await createMailFolder.run({ name: 'Falcon\u001b[31m\u202e', parent: 'inbox' }, f.ctx);
  assert.equal(f.approvals[0]!.summary, 'Create the mail folder "Falcon" in "Inbox"', 'no escape or bidi override');
  assert.deepEqual(f.graph.at(-1)!.call.body, { displayName: 'Falcon' });
  assert.match(r.text, /\[F9\]/);
});

void test('attachments: local files open under the upload policy, are approved with size and SHA-256, small ones inline and large ones through an Outlook session', async () => {
  const home = await mkdtemp(join(tmpdir(), 'gb-mail-att-'));
  try {
    const small = join(home, 'notes.txt');
    const big = join(home, 'big.bin');
    await writeFile(small, 'hello');
    await writeFile(big, Buffer.alloc(7 * 1024 * 1024 + 5, 1));
    const fx = localFilesFixture({
      allowed: [home],
      homedir: '/nonexistent-home',
      respond: (req) => {
        const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.contentRange ?? '');
        const [end, total] = [Number(m?.[2]), Number(m?.[3])];
        return end + 1 === total
          ? { status: 201, headers: {}, body: undefined }
          : { status: 200, headers: {}, body: { NextExpectedRanges: [String(end + 1)] } };
      },
    });
    const f = fakeContext({
      localFiles: fx.files,
      routes: {
        'POST /me/messages': { id: 'D1' },
        'POST /me/messages/D1/attachments': { id: 'A1' },
        'POST /me/messages/D1/attachments/createUploadSession': { uploadUrl: 'https://upload.example/_up/tok' },
        'POST /me/messages/D1/send': undefined,
      },
    });
    const r = await runTool(
      sendMail,
      { to: ['bob@contoso.com'], subject: 'Files', body: 'see', attachments: [small, big] },
      f.ctx,
    );
    const details = f.approvals[0]!.details!;
    assert.match(
      details['Attachment 1']!,
      /^5 bytes, SHA-256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824: local file .*notes\.txt$/,
    );
    assert.match(
      details['Attachment 2']!,
      /^7\.0 MB \(7,340,037 bytes\), SHA-256 [0-9a-f]{64}: local file .*big\.bin$/,
    );
    assert.match(f.approvals[0]!.summary, /; attaching 2 local file\(s\) \(7\.0 MB\): notes\.txt, big\.bin$/);
    assert.deepEqual(
      f.log,
      [
        'approve',
        'request POST /me/messages',
        'request POST /me/messages/D1/attachments',
        'request POST /me/messages/D1/attachments/createUploadSession',
        'request POST /me/messages/D1/send',
      ],
      'a draft, its attachments, then send — all after the approval',
    );
    const inline = f.graph[1]!.call.body as { contentBytes: string; name: string };
    assert.equal(Buffer.from(inline.contentBytes, 'base64').toString(), 'hello');
    assert.deepEqual(f.graph[2]!.call.body, {
      AttachmentItem: {
        attachmentType: 'file',
        name: 'big.bin',
        size: 7 * 1024 * 1024 + 5,
        contentType: 'application/octet-stream',
      },
    });
    assert.deepEqual(
      fx.sent.map((s) => [s.method, s.contentRange, s.url]),
      [
        ['PUT', 'bytes 0-3276799/7340037', 'https://upload.example/_up/tok'],
        ['PUT', 'bytes 3276800-6553599/7340037', 'https://upload.example/_up/tok'],
        ['PUT', 'bytes 6553600-7340036/7340037', 'https://upload.example/_up/tok'],
      ],
      "Outlook's 200 + NextExpectedRanges between fragments, 201 at the end",
    );
    assert.ok(
      fx.bodies.every((b) => b.length < 4 * 1024 * 1024),
      'Outlook takes < 4 MB per request',
    );
    assert.match(r.text, /with 2 attachment\(s\)/);

    const refused = fakeContext({ localFiles: fx.files, routes: {} });
    await rejectsWithCode(
      runTool(createDraft, { subject: 's', body: 'b', attachments: ['/etc/passwd'] }, refused.ctx),
      'LOCAL_FILE_REFUSED',
    );
    assert.equal(refused.approvals.length + refused.graph.length, 0, 'refused before any approval or Graph call');
    const none = fakeContext({ routes: {} });
    await rejectsWithCode(
      runTool(createDraft, { subject: 's', body: 'b', attachments: [small] }, none.ctx),
      'LOCAL_FILE_REFUSED',
    );
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
