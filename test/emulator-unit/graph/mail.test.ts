import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADELE, createTestService, list, MEGAN, str } from './fake-deps.ts';

const R = ['Mail.Read'];
const RW = ['Mail.Read', 'Mail.ReadWrite', 'Mail.Send'];

void describe('graph emulator: mail reads', () => {
  const { call } = createTestService();

  void it('lists 10 newest by default with an absolute $skip nextLink and a few hundred in total', () => {
    const r = call('GET', '/me/messages', { scopes: R });
    assert.equal(r.status, 200);
    const items = list(r.body.value);
    assert.equal(items.length, 10);
    const dates = items.map((m) => str(m.receivedDateTime));
    assert.deepEqual(dates, [...dates].sort().reverse());
    assert.equal(r.body['@odata.nextLink'], 'https://localhost:8445/v1.0/me/messages?$skip=10');
    assert.equal(
      r.headers['Content-Type'],
      'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
    );
    const big = call('GET', '/me/messages?$top=5000&$select=id', { scopes: R });
    assert.equal(list(big.body.value).length, 300);
    assert.equal(big.body['@odata.nextLink'], undefined);
    assert.match(str(list(r.body.value)[0]?.body?.content), /^<html>/);
  });

  void it('follows $skip pages without duplicates', () => {
    const ids = new Set<string>();
    let url: string | undefined = '/me/mailFolders/inbox/messages?$top=50&$select=subject';
    let pages = 0;
    while (url) {
      const r = call('GET', url, { scopes: R });
      for (const m of list(r.body.value)) ids.add(str(m.id));
      url = r.body['@odata.nextLink'] === undefined ? undefined : str(r.body['@odata.nextLink']);
      pages++;
    }
    assert.equal(ids.size, 180);
    assert.equal(pages, 4);
  });

  void it('filters on isRead, sender address and receivedDateTime', () => {
    const unread = call('GET', '/me/messages?$filter=isRead eq false&$top=1000', { scopes: R });
    assert.ok(list(unread.body.value).length > 5);
    assert.ok(list(unread.body.value).every((m) => m.isRead === (false as unknown)));
    const from = call('GET', `/me/messages?$filter=from/emailAddress/address eq '${MEGAN.mail}'&$top=1000`, {
      scopes: R,
    });
    assert.ok(list(from.body.value).length > 0);
    assert.ok(list(from.body.value).every((m) => m.from?.emailAddress?.address === (MEGAN.mail as unknown)));
    const recent = call('GET', '/me/messages?$filter=receivedDateTime ge 2026-03-10T00:00:00Z&$top=1000', {
      scopes: R,
    });
    assert.ok(list(recent.body.value).every((m) => str(m.receivedDateTime) >= '2026-03-10T00:00:00Z'));
    assert.ok(list(recent.body.value).length > 0);
  });

  void it('enforces the $orderby/$filter rule (InefficientFilter) and accepts the allowed shape', () => {
    const bad = call('GET', '/me/messages?$filter=isRead eq false&$orderby=receivedDateTime desc', { scopes: R });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error?.code, 'InefficientFilter');
    assert.equal(bad.body.error?.message, 'The restriction or sort order is too complex for this operation.');
    const good = call(
      'GET',
      '/me/messages?$filter=receivedDateTime ge 2026-01-01 and isRead eq false&$orderby=receivedDateTime desc',
      { scopes: R },
    );
    assert.equal(good.status, 200);
    const asc = call('GET', '/me/messages?$orderby=subject&$top=20&$select=subject', { scopes: R });
    const subjects = list(asc.body.value).map((m) => str(m.subject).toLowerCase());
    assert.deepEqual(subjects, [...subjects].sort());
    assert.equal(
      call('GET', '/me/messages?$filter=nope eq 1', { scopes: R }).body.error?.code,
      'RequestBroker--ParseUri',
    );
  });

  void it('$search: KQL-lite, sorted by sent date, and its two real errors', () => {
    const r = call('GET', '/me/messages?$search="budget"&$top=1000&$select=subject,sentDateTime', { scopes: R });
    assert.ok(list(r.body.value).length > 0);
    const sent = list(r.body.value).map((m) => str(m.sentDateTime));
    assert.deepEqual(sent, [...sent].sort().reverse());
    const subj = call('GET', '/me/messages?$search="subject:falcon"&$top=1000&$select=subject', { scopes: R });
    assert.ok(list(subj.body.value).every((m) => /falcon/i.test(str(m.subject))));
    const from = call('GET', '/me/messages?$search="from:megan"&$top=1000', { scopes: R });
    assert.ok(list(from.body.value).every((m) => /megan/i.test(JSON.stringify(m.from))));
    const e1 = call('GET', '/me/messages?$search="budget"&$orderby=subject', { scopes: R });
    assert.deepEqual([e1.status, e1.body.error?.code], [400, 'SearchWithOrderBy']);
    assert.equal(e1.body.error?.message, "The query parameter '$orderBy' is not supported with '$search'.");
    const e2 = call('GET', '/me/messages?$search="budget"&$filter=isRead eq true', { scopes: R });
    assert.deepEqual([e2.status, e2.body.error?.code], [400, 'SearchWithFilter']);
  });

  void it('returns text bodies with Prefer: outlook.body-content-type="text"', () => {
    const r = call('GET', '/me/messages?$top=1', {
      scopes: R,
      headers: { prefer: 'outlook.body-content-type="text"' },
    });
    const body = list(r.body.value)[0]?.body;
    assert.equal(body?.contentType, 'text');
    assert.doesNotMatch(str(body?.content), /<p>/);
    assert.equal(r.headers['Preference-Applied'], 'outlook.body-content-type="text"');
  });

  void it('honours body-content-type among other preferences and confirms html too', () => {
    const first = list(call('GET', '/me/messages?$top=1&$select=id', { scopes: R }).body.value)[0];
    const id = str(first?.id);
    const text = call('GET', `/me/messages/${id}?$select=body,uniqueBody`, {
      scopes: R,
      headers: { prefer: 'odata.maxpagesize=5, outlook.body-content-type="text"' },
    });
    assert.equal(text.body.body?.contentType, 'text');
    assert.equal(text.body.uniqueBody?.contentType, 'text');
    assert.equal(text.headers['Preference-Applied'], 'outlook.body-content-type="text"');
    const html = call('GET', `/me/messages/${id}?$select=body`, {
      scopes: R,
      headers: { prefer: 'outlook.body-content-type="html"' },
    });
    assert.equal(html.body.body?.contentType, 'html');
    assert.equal(html.headers['Preference-Applied'], 'outlook.body-content-type="html"');
    const none = call('GET', `/me/messages/${id}?$select=body`, { scopes: R });
    assert.equal(none.headers['Preference-Applied'], undefined);
  });

  void it('gets one message, lists attachments, 404s unknown ids', () => {
    const withAtt = call('GET', '/me/messages?$filter=hasAttachments eq true&$top=1', { scopes: R });
    const id = str(list(withAtt.body.value)[0]?.id);
    const one = call('GET', `/me/messages/${id}?$select=subject,hasAttachments`, { scopes: R });
    assert.equal(one.body.hasAttachments, true);
    const atts = call('GET', `/me/messages/${id}/attachments`, { scopes: R });
    const a = list(atts.body.value)[0];
    assert.equal(a?.['@odata.type'], '#microsoft.graph.fileAttachment');
    assert.ok(Buffer.from(str(a?.contentBytes), 'base64').length > 10);
    const nf = call('GET', '/me/messages/AAMkAGnope=', { scopes: R });
    assert.deepEqual(
      [nf.status, nf.body.error?.code, nf.body.error?.message],
      [404, 'ErrorItemNotFound', 'The specified object was not found in the store.'],
    );
  });

  void it('lists mail folders with counts and accepts well-known names as ids', () => {
    const r = call('GET', '/me/mailFolders?$top=20', { scopes: R });
    const names = list(r.body.value).map((f) => f.displayName);
    assert.deepEqual(names, [
      'Archive',
      'Conversation History',
      'Deleted Items',
      'Drafts',
      'Inbox',
      'Junk Email',
      'Outbox',
      'Sent Items',
    ]);
    const inbox = call('GET', '/me/mailFolders/Inbox', { scopes: R });
    assert.equal(inbox.body.totalItemCount, 180);
    const byId = call('GET', `/me/mailFolders/${str(inbox.body.id)}/messages?$top=1`, { scopes: R });
    assert.equal(list(byId.body.value)[0]?.parentFolderId, inbox.body.id);
  });
});

void describe('graph emulator: mail writes', () => {
  void it('sendMail → 202, saved to Sent Items, delivered to a tenant recipient\u2019s Inbox', () => {
    const { call } = createTestService();
    const r = call('POST', '/me/sendMail', {
      scopes: RW,
      body: {
        message: {
          subject: 'Emulator hello',
          body: { contentType: 'Text', content: 'Hi Megan' },
          toRecipients: [{ emailAddress: { address: MEGAN.mail } }],
          attachments: [
            {
              '@odata.type': '#microsoft.graph.fileAttachment',
              name: 'a.txt',
              contentType: 'text/plain',
              contentBytes: Buffer.from('hey').toString('base64'),
            },
          ],
        },
      },
    });
    assert.equal(r.status, 202);
    assert.equal(r.json, undefined);
    const sent = call('GET', "/me/mailFolders/sentitems/messages?$filter=subject eq 'Emulator hello'", { scopes: R });
    assert.equal(list(sent.body.value).length, 1);
    assert.equal(list(sent.body.value)[0]?.hasAttachments, true);
    const theirs = call('GET', "/me/mailFolders/inbox/messages?$filter=subject eq 'Emulator hello'", {
      scopes: R,
      oid: MEGAN.oid,
    });
    const m = list(theirs.body.value)[0];
    assert.equal(m?.isRead, false);
    assert.equal(m?.from?.emailAddress?.address, ADELE.mail);
    const noRcpt = call('POST', '/me/sendMail', { scopes: RW, body: { message: { subject: 'x' } } });
    assert.equal(noRcpt.body.error?.code, 'ErrorInvalidRecipients');
    assert.equal(call('POST', '/me/sendMail', { scopes: RW, body: Buffer.from('{not json') }).status, 400);
  });

  void it('creates a draft (201, isDraft, Drafts folder), sends it, replies (202) and createReply (201)', () => {
    const { call } = createTestService();
    const drafts = call('GET', '/me/mailFolders/drafts', { scopes: R });
    const d = call('POST', '/me/messages', {
      scopes: RW,
      body: { subject: 'Draft 1', toRecipients: [{ emailAddress: { address: MEGAN.mail } }] },
    });
    assert.equal(d.status, 201);
    assert.equal(d.body.isDraft, true);
    assert.equal(d.body.parentFolderId, drafts.body.id);
    assert.equal(call('POST', `/me/messages/${str(d.body.id)}/send`, { scopes: RW }).status, 202);
    const inbox = call('GET', '/me/mailFolders/inbox/messages?$top=1', { scopes: R });
    const original = list(inbox.body.value)[0];
    const reply = call('POST', `/me/messages/${str(original?.id)}/reply`, { scopes: RW, body: { comment: 'Thanks!' } });
    assert.equal(reply.status, 202);
    const sent = call('GET', '/me/mailFolders/sentitems/messages?$top=2&$select=subject', { scopes: R });
    assert.ok(
      list(sent.body.value).some(
        (m) => m.subject === (`RE: ${str(original?.subject)}`.replace(/^RE: RE:/, 'RE:') as unknown),
      ),
    );
    const cr = call('POST', `/me/messages/${str(original?.id)}/createReply`, { scopes: RW });
    assert.equal(cr.status, 201);
    assert.equal(cr.body.isDraft, true);
    const patched = call('PATCH', `/me/messages/${str(original?.id)}`, { scopes: RW, body: { isRead: false } });
    assert.equal(patched.body.isRead, false);
  });
});
