/**
 * The emulator's mail additions for issue #12: attachment shapes and `$value`, attachment upload
 * sessions (Outlook's wire protocol), forward, drafts-only PATCH fields, move (new id), delete,
 * triage PATCHes, folder creation, inbox rules, and shared mailboxes (`/users/{id|address}/…`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serveAttachmentUpload } from '../../emulator/graph/routes/mail-upload.ts';
import { ADELE, createTestService, list, MEGAN, num, str, type J, type TestService } from './fake-deps.ts';

const R = ['Mail.Read'];
const RW = ['Mail.Read', 'Mail.ReadWrite', 'Mail.Send'];
const SHARED_R = ['Mail.Read.Shared'];
const SUPPORT = 'support@contoso.onmicrosoft.com';

function inboxWith(t: TestService, type: string): { messageId: string; attachment: J } {
  let url: string | undefined = '/me/mailFolders/inbox/messages?$filter=hasAttachments eq true&$top=100&$select=id';
  while (url) {
    const page = t.call('GET', url, { scopes: R });
    for (const m of list(page.body.value)) {
      const atts = list(t.call('GET', `/me/messages/${str(m.id)}/attachments`, { scopes: R }).body.value);
      const a = atts.find((x) => x['@odata.type'] === (type as unknown));
      if (a) return { messageId: str(m.id), attachment: a };
    }
    url = page.body['@odata.nextLink'] === undefined ? undefined : str(page.body['@odata.nextLink']);
  }
  throw new Error(`no ${type} in the seeded inbox`);
}

function draft(t: TestService, subject = 'Draft'): string {
  const d = t.call('POST', '/me/messages', {
    scopes: RW,
    body: { subject, toRecipients: [{ emailAddress: { address: MEGAN.mail } }] },
  });
  assert.equal(d.status, 201);
  return str(d.body.id);
}

function up(t: TestService, token: string, method: string, o: { range?: string; body?: Buffer; auth?: string } = {}) {
  const headers: Record<string, string> = {};
  if (o.range !== undefined) headers['content-range'] = o.range;
  if (o.auth !== undefined) headers.authorization = o.auth;
  const res = serveAttachmentUpload(
    t.deps,
    t.service.store,
    { token, method, headers, body: o.body ?? Buffer.alloc(0) },
    { requestId: 'r-1', nowMs: t.deps.clock.nowMs() },
  );
  return { ...res, body: (res.json ?? {}) as J };
}

void describe('graph emulator: attachments', () => {
  const t = createTestService();

  void it('lists file, item and reference attachments with their @odata.type; $select keeps it', () => {
    const file = inboxWith(t, '#microsoft.graph.fileAttachment');
    const item = inboxWith(t, '#microsoft.graph.itemAttachment');
    const ref = inboxWith(t, '#microsoft.graph.referenceAttachment');
    assert.ok(str(file.attachment.contentBytes).length > 0, 'a listed file attachment carries contentBytes');
    assert.equal(item.attachment.item, undefined, 'the attached item is a navigation property');
    assert.match(str(ref.attachment.name), /\.docx$/);
    const sel = t.call('GET', `/me/messages/${file.messageId}/attachments?$select=name,size`, { scopes: R });
    const first = list(sel.body.value)[0];
    assert.equal(first?.['@odata.type'], '#microsoft.graph.fileAttachment');
    assert.equal(first?.contentBytes, undefined);
    assert.equal(typeof first?.size, 'number');
    const bad = t.call('GET', `/me/messages/${file.messageId}/attachments?$select=nope`, { scopes: R });
    assert.equal(bad.body.error?.code, 'RequestBroker--ParseUri');
  });

  void it('$value: a file as its bytes, an attached item as MIME, a link has none', () => {
    const file = inboxWith(t, '#microsoft.graph.fileAttachment');
    const v = t.call('GET', `/me/messages/${file.messageId}/attachments/${str(file.attachment.id)}/$value`, {
      scopes: R,
    });
    assert.equal(v.status, 200);
    assert.deepEqual(v.raw, Buffer.from(str(file.attachment.contentBytes), 'base64'));
    assert.equal(v.headers['Content-Type'], str(file.attachment.contentType));
    const item = inboxWith(t, '#microsoft.graph.itemAttachment');
    const mime = t.call('GET', `/me/messages/${item.messageId}/attachments/${str(item.attachment.id)}/$value`, {
      scopes: R,
    });
    assert.match(mime.raw?.toString('utf8') ?? '', /^From: .*\r\n[\s\S]*Subject: Original: /);
    const ref = inboxWith(t, '#microsoft.graph.referenceAttachment');
    const none = t.call('GET', `/me/messages/${ref.messageId}/attachments/${str(ref.attachment.id)}/$value`, {
      scopes: R,
    });
    assert.equal(none.status, 400);
    const basic = t.call('GET', `/me/messages/${file.messageId}/attachments`, { scopes: ['Mail.ReadBasic'] });
    assert.equal(basic.status, 403);
  });

  void it('adds a small file attachment to a draft; over 3 MB needs an upload session', () => {
    const id = draft(t);
    const small = t.call('POST', `/me/messages/${id}/attachments`, {
      scopes: RW,
      body: { '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.txt', contentBytes: 'aGVsbG8=' },
    });
    assert.equal(small.status, 201);
    assert.equal(t.call('GET', `/me/messages/${id}?$select=hasAttachments`, { scopes: R }).body.hasAttachments, true);
    const big = Buffer.alloc(3 * 1024 * 1024 + 1).toString('base64');
    const tooBig = t.call('POST', `/me/messages/${id}/attachments`, {
      scopes: RW,
      body: { '@odata.type': '#microsoft.graph.fileAttachment', name: 'b.bin', contentBytes: big },
    });
    assert.equal(tooBig.status, 413);
  });
});

void describe('graph emulator: attachment upload sessions', () => {
  void it('200 + NextExpectedRanges per range, 201 + Location at the last; the file is attached', () => {
    const t = createTestService();
    const id = draft(t);
    const size = 5 * 1024 * 1024 + 3;
    const s = t.call('POST', `/me/messages/${id}/attachments/createUploadSession`, {
      scopes: RW,
      body: { AttachmentItem: { attachmentType: 'file', name: 'big.bin', size } },
    });
    assert.equal(s.status, 201);
    const m = /^https:\/\/127\.0\.0\.1:8445\/_up\/([A-Za-z0-9_-]+)$/.exec(str(s.body.uploadUrl));
    assert.ok(m?.[1]);
    const token = m[1];
    const bytes = Buffer.alloc(size, 7);
    assert.equal(
      up(t, token, 'PUT', { range: `bytes 0-9/${size}`, body: bytes.subarray(0, 10), auth: 'Bearer x' }).status,
      401,
    );
    const tooBig = up(t, token, 'PUT', { range: `bytes 0-${size - 1}/${size}`, body: bytes });
    assert.equal(tooBig.status, 413, 'Outlook takes less than 4 MB per request');
    const half = 3 * 1024 * 1024;
    const first = up(t, token, 'PUT', { range: `bytes 0-${half - 1}/${size}`, body: bytes.subarray(0, half) });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.NextExpectedRanges, [String(half)]);
    const gap = up(t, token, 'PUT', { range: `bytes ${half + 1}-${size - 1}/${size}`, body: bytes.subarray(half + 1) });
    assert.equal(gap.status, 416);
    const last = up(t, token, 'PUT', { range: `bytes ${half}-${size - 1}/${size}`, body: bytes.subarray(half) });
    assert.equal(last.status, 201);
    assert.match(last.headers.Location ?? '', /\/messages\('.+'\)\/attachments\('.+'\)$/);
    const atts = list(t.call('GET', `/me/messages/${id}/attachments?$select=name,size`, { scopes: R }).body.value);
    assert.equal(atts[0]?.name, 'big.bin');
    assert.equal(up(t, token, 'GET').status, 404, 'the session ends with the last range');
  });

  void it('refuses item sessions, missing sizes and over 150 MB; DELETE cancels', () => {
    const t = createTestService();
    const id = draft(t);
    const ask = (item: Record<string, unknown>) =>
      t.call('POST', `/me/messages/${id}/attachments/createUploadSession`, {
        scopes: RW,
        body: { AttachmentItem: item },
      });
    assert.equal(ask({ attachmentType: 'item', name: 'x', size: 10 }).status, 400);
    assert.equal(ask({ attachmentType: 'file', name: 'x' }).status, 400);
    assert.equal(ask({ attachmentType: 'file', name: 'x', size: 150 * 1024 * 1024 + 1 }).status, 400);
    const s = ask({ attachmentType: 'file', name: 'x', size: 10 });
    const token = str(s.body.uploadUrl).split('/_up/')[1] ?? '';
    assert.equal(up(t, token, 'DELETE').status, 204);
    assert.equal(up(t, token, 'PUT', { range: 'bytes 0-9/10', body: Buffer.alloc(10) }).status, 404);
  });
});

void describe('graph emulator: forward, drafts, triage', () => {
  void it('forwards with the original attachments; a forward without recipients is 400', () => {
    const t = createTestService();
    const file = inboxWith(t, '#microsoft.graph.fileAttachment');
    const none = t.call('POST', `/me/messages/${file.messageId}/forward`, { scopes: RW, body: { comment: 'x' } });
    assert.equal(none.body.error?.code, 'ErrorInvalidRecipients');
    const fw = t.call('POST', `/me/messages/${file.messageId}/forward`, {
      scopes: RW,
      body: { comment: 'FYI', toRecipients: [{ emailAddress: { address: MEGAN.mail } }] },
    });
    assert.equal(fw.status, 202);
    const theirs = t.call('GET', '/me/mailFolders/inbox/messages?$top=1&$select=subject,hasAttachments', {
      scopes: R,
      oid: MEGAN.oid,
    });
    const got = list(theirs.body.value)[0];
    assert.match(str(got?.subject), /^FW: /);
    assert.equal(got?.hasAttachments, true);
  });

  void it("PATCH changes a draft's recipients; a sent message's recipients are refused", () => {
    const t = createTestService();
    const id = draft(t);
    const ok = t.call('PATCH', `/me/messages/${id}`, {
      scopes: RW,
      body: { toRecipients: [{ emailAddress: { address: ADELE.mail } }], body: { contentType: 'Text', content: 'v2' } },
    });
    assert.equal(ok.status, 200);
    assert.equal(list(ok.body.toRecipients)[0]?.emailAddress?.address, ADELE.mail);
    const sent = list(
      t.call('GET', '/me/mailFolders/sentitems/messages?$top=1&$select=id', { scopes: R }).body.value,
    )[0];
    const bad = t.call('PATCH', `/me/messages/${str(sent?.id)}`, {
      scopes: RW,
      body: { toRecipients: [{ emailAddress: { address: ADELE.mail } }] },
    });
    assert.deepEqual(
      [bad.status, bad.body.error?.code, bad.body.error?.message],
      [400, 'ErrorInvalidPropertySet', 'Message is not draft.'],
    );
  });

  void it('move answers 201 with a NEW id; the old id is gone; delete goes to Deleted Items', () => {
    const t = createTestService();
    const m = list(t.call('GET', '/me/mailFolders/inbox/messages?$top=2&$select=id', { scopes: R }).body.value);
    const id = str(m[0]?.id);
    const moved = t.call('POST', `/me/messages/${id}/move`, { scopes: RW, body: { destinationId: 'archive' } });
    assert.equal(moved.status, 201);
    assert.notEqual(moved.body.id, id);
    const archive = t.call('GET', '/me/mailFolders/archive', { scopes: R });
    assert.equal(moved.body.parentFolderId, archive.body.id);
    assert.equal(t.call('GET', `/me/messages/${id}`, { scopes: R }).status, 404);
    assert.equal(
      t.call('POST', `/me/messages/${str(moved.body.id)}/move`, { scopes: RW, body: { destinationId: 'AAMkNope' } })
        .status,
      404,
    );
    const other = str(m[1]?.id);
    assert.equal(t.call('DELETE', `/me/messages/${other}`, { scopes: RW }).status, 204);
    const deleted = t.call('GET', '/me/mailFolders/deleteditems', { scopes: R });
    assert.equal(
      t.call('GET', `/me/messages/${other}?$select=parentFolderId`, { scopes: R }).body.parentFolderId,
      deleted.body.id,
    );
    const triage = t.call('PATCH', `/me/messages/${str(moved.body.id)}`, {
      scopes: RW,
      body: { isRead: false, flag: { flagStatus: 'flagged' }, categories: ['Blue category'], importance: 'high' },
    });
    assert.deepEqual(
      [triage.body.isRead, triage.body.flag?.flagStatus, list(triage.body.categories)[0], triage.body.importance],
      [false, 'flagged', 'Blue category', 'high'],
    );
  });
});

void describe('graph emulator: folders and rules', () => {
  void it('creates top-level and child folders; a taken name is 409 ErrorFolderExists', () => {
    const t = createTestService();
    const top = t.call('POST', '/me/mailFolders', { scopes: RW, body: { displayName: 'Projects' } });
    assert.equal(top.status, 201);
    const child = t.call('POST', `/me/mailFolders/${str(top.body.id)}/childFolders`, {
      scopes: RW,
      body: { displayName: 'Falcon' },
    });
    assert.equal(child.status, 201);
    assert.equal(child.body.parentFolderId, top.body.id);
    const again = t.call('POST', '/me/mailFolders', { scopes: RW, body: { displayName: 'projects' } });
    assert.deepEqual([again.status, again.body.error?.code], [409, 'ErrorFolderExists']);
    const names = list(t.call('GET', '/me/mailFolders?$top=50', { scopes: R }).body.value).map((f) => f.displayName);
    assert.ok(names.includes('Projects' as unknown as J) && !names.includes('Falcon' as unknown as J));
    const kids = t.call('GET', `/me/mailFolders/${str(top.body.id)}/childFolders`, { scopes: R });
    assert.deepEqual(
      list(kids.body.value).map((f) => f.displayName),
      ['Falcon'],
    );
    assert.equal(t.call('GET', `/me/mailFolders/${str(top.body.id)}`, { scopes: R }).body.childFolderCount, 1);
    assert.equal(t.call('POST', '/me/mailFolders', { scopes: R, body: { displayName: 'x' } }).status, 403);
  });

  void it('lists inbox rules with MailboxSettings.Read only', () => {
    const t = createTestService();
    assert.equal(t.call('GET', '/me/mailFolders/inbox/messageRules', { scopes: R }).status, 403);
    const r = t.call('GET', '/me/mailFolders/inbox/messageRules', { scopes: ['MailboxSettings.Read'] });
    assert.equal(r.status, 200);
    const rules = list(r.body.value);
    assert.ok(rules.length >= 2);
    assert.equal(num(rules[0]?.sequence), 1);
    assert.ok(rules[0]?.conditions && rules[0]?.actions);
  });
});

void describe('graph emulator: shared mailboxes', () => {
  void it('a shared mailbox the user may open: *.Shared scopes read and write it', () => {
    const t = createTestService();
    assert.equal(t.call('GET', `/users/${SUPPORT}/messages`, { scopes: R }).status, 403, 'Mail.Read is own mail only');
    const r = t.call('GET', `/users/${SUPPORT}/mailFolders/inbox/messages?$top=2`, { scopes: SHARED_R });
    assert.equal(r.status, 200);
    assert.equal(list(r.body.value).length, 2);
    assert.match(str(r.body['@odata.context']), /users\('[0-9a-f-]+'\)/);
    const id = str(list(r.body.value)[0]?.id);
    assert.equal(t.call('GET', `/me/messages/${id}`, { scopes: R }).status, 404, 'not in my mailbox');
    assert.equal(
      t.call('PATCH', `/users/${SUPPORT}/messages/${id}`, { scopes: SHARED_R, body: { isRead: true } }).status,
      403,
    );
    const w = t.call('PATCH', `/users/${SUPPORT}/messages/${id}`, {
      scopes: ['Mail.ReadWrite.Shared'],
      body: { isRead: false },
    });
    assert.equal(w.body.isRead, false);
    const send = t.call('POST', `/users/${SUPPORT}/sendMail`, {
      scopes: ['Mail.Send.Shared'],
      body: { message: { subject: 'From support', toRecipients: [{ emailAddress: { address: MEGAN.mail } }] } },
    });
    assert.equal(send.status, 202);
    const got = list(
      t.call('GET', "/me/mailFolders/inbox/messages?$filter=subject eq 'From support'", { scopes: R, oid: MEGAN.oid })
        .body.value,
    )[0];
    assert.equal(got?.from?.emailAddress?.address, SUPPORT);
    const toShared = t.call('POST', '/me/sendMail', {
      scopes: RW,
      body: { message: { subject: 'Help please', toRecipients: [{ emailAddress: { address: SUPPORT } }] } },
    });
    assert.equal(toShared.status, 202);
    const inShared = t.call('GET', `/users/${SUPPORT}/messages?$filter=subject eq 'Help please'`, { scopes: SHARED_R });
    assert.equal(list(inShared.body.value).length, 1, 'mail to the shared address lands in its inbox');
  });

  void it("a colleague's own mailbox is 403 ErrorAccessDenied; an unknown one 404 ErrorInvalidUser; rules stay private", () => {
    const t = createTestService();
    const denied = t.call('GET', `/users/${MEGAN.mail}/messages`, { scopes: SHARED_R });
    assert.deepEqual([denied.status, denied.body.error?.code], [403, 'ErrorAccessDenied']);
    const unknown = t.call('GET', '/users/nobody@contoso.onmicrosoft.com/messages', { scopes: SHARED_R });
    assert.deepEqual([unknown.status, unknown.body.error?.code], [404, 'ErrorInvalidUser']);
    const rules = t.call('GET', `/users/${SUPPORT}/mailFolders/inbox/messageRules`, {
      scopes: ['MailboxSettings.Read'],
    });
    assert.equal(rules.status, 403);
    const own = t.call('GET', `/users/${ADELE.upn}/messages?$top=1`, { scopes: R });
    assert.equal(own.status, 200, '/users/{me} is /me');
  });
});
