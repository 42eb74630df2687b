/**
 * The emulator rejects what Microsoft Graph v1.0 rejects (issue #12) — names checked against
 * Microsoft's schema, not the emulator's own lists — and accepts the valid requests it used to
 * refuse (`GET /me/contacts`, `GET /me/messages/{id}/$value`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestService, list, str, type J } from './fake-deps.ts';

const ALL = [
  'User.Read.All',
  'Mail.ReadWrite',
  'Calendars.Read',
  'Files.Read',
  'Chat.Read',
  'Tasks.Read',
  'Contacts.Read',
];

void describe('graph emulator: schema checks', () => {
  const { call } = createTestService();
  const get = (url: string, scopes = ALL): ReturnType<typeof call> => call('GET', url, { scopes });
  const error = (r: { body: J }): string => `${str(r.body.error?.code)}: ${str(r.body.error?.message)}`;

  void it("answers Graph's 400 for member names the schema lacks, with each workload's code", () => {
    const cases: [string, string][] = [
      [
        '/me/messages?$select=subject,subjekt',
        "RequestBroker--ParseUri: Could not find a property named 'subjekt' on type 'microsoft.graph.message'.",
      ],
      [
        '/me/messages?$orderby=received desc',
        "RequestBroker--ParseUri: Could not find a property named 'received' on type 'microsoft.graph.message'.",
      ],
      [
        "/me/messages?$filter=toRecipients/any(r: r/emailAddress/mail eq 'a')",
        "RequestBroker--ParseUri: Could not find a property named 'mail' on type 'microsoft.graph.emailAddress'.",
      ],
      [
        '/me/mailFolders?$select=wellKnownName',
        "RequestBroker--ParseUri: Could not find a property named 'wellKnownName' on type 'microsoft.graph.mailFolder'.",
      ],
      [
        '/me/chats?$expand=memberz',
        "BadRequest: Could not find a property named 'memberz' on type 'microsoft.graph.chat'.",
      ],
      [
        '/users?$select=displayName,favouriteColour',
        "Request_BadRequest: Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'.",
      ],
      [
        '/me/drive/root/children?$orderby=nom',
        "invalidRequest: Could not find a property named 'nom' on type 'microsoft.graph.driveItem'.",
      ],
    ];
    for (const [url, expected] of cases) {
      const r = get(url);
      assert.equal(r.status, 400, url);
      assert.equal(error(r), expected, url);
    }
  });

  void it('accepts every schema property in $select (case-insensitively), null when the emulator does not model it', () => {
    const r = get('/me/messages?$top=1&$select=Subject,internetMessageHeaders,uniqueBody');
    assert.equal(r.status, 200, error(r));
    const [m] = list(r.body.value);
    assert.equal(typeof m?.subject, 'string');
    assert.ok(m && 'internetMessageHeaders' in m);
    const me = get('/me?$select=displayName,aboutMe');
    assert.equal(me.status, 200, error(me));
    assert.equal(me.body.aboutMe, null);
  });

  void it("refuses body properties and action parameters the schema lacks, as OData's reader does", () => {
    const MAIL = ['Mail.ReadWrite', 'Mail.Send'];
    const send = (body: unknown): ReturnType<typeof call> => call('POST', '/me/sendMail', { scopes: MAIL, body });
    const to = [{ emailAddress: { address: 'megan@contoso.onmicrosoft.com' } }];
    const typo = send({ message: { subject: 'x', toRecipients: to, importanse: 'high' } });
    assert.equal(typo.status, 400);
    assert.equal(
      error(typo),
      "RequestBodyRead: The property 'importanse' does not exist on type 'microsoft.graph.message'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    );
    const param = send({ mesage: { subject: 'x', toRecipients: to } });
    assert.equal(
      error(param),
      "RequestBodyRead: The parameter 'mesage' in the request payload is not a valid parameter for the operation 'sendMail'.",
    );
    const nested = send({ message: { subject: 'x', toRecipients: [{ emailAddress: { adress: 'a@b.c' } }] } });
    assert.match(error(nested), /The property 'adress' does not exist on type 'microsoft\.graph\.emailAddress'/);
    assert.equal(send({ message: { subject: 'x', toRecipients: to }, saveToSentItems: false }).status, 202);
    const listId = str(list(get('/me/todo/lists').body.value)[0]?.id);
    const taskId = str(list(get(`/me/todo/lists/${listId}/tasks`).body.value)[0]?.id);
    const patch = call('PATCH', `/me/todo/lists/${listId}/tasks/${taskId}`, {
      scopes: ['Tasks.ReadWrite'],
      body: { title: 'x', colour: 'red' },
    });
    assert.equal(patch.status, 400);
    assert.match(
      error(patch),
      /^RequestBodyRead: The property 'colour' does not exist on type 'microsoft\.graph\.todoTask'/,
    );
  });

  void it("valid paths it does not serve answer 501 NotImplemented; invalid ones Graph's 400", () => {
    const unserved = get('/me/memberOf');
    assert.equal(unserved.status, 501);
    assert.match(
      error(unserved),
      /^NotImplemented: The Graph emulator does not serve GET \/me\/memberOf \(valid in Microsoft Graph v1\.0/,
    );
    const invalid = get('/me/membrOf');
    assert.equal(invalid.status, 400);
    assert.equal(error(invalid), "BadRequest: Resource not found for the segment 'membrOf'.");
  });

  void it('checks inner $batch requests the same way', () => {
    const r = call('POST', '/$batch', {
      scopes: ALL,
      body: { requests: [{ id: '1', method: 'GET', url: '/me/messages?$select=nope' }] },
    });
    const [inner] = list(r.body.responses);
    assert.equal(inner?.status, 400);
    assert.match(
      str(inner?.body?.error?.message),
      /Could not find a property named 'nope' on type 'microsoft\.graph\.message'/,
    );
  });

  void it('GET /me/contacts: an Outlook collection of contacts with $select, $filter, paging and Contacts.Read', () => {
    const r = get('/me/contacts');
    assert.equal(r.status, 200, error(r));
    assert.match(
      str(r.body['@odata.context']),
      /^https:\/\/localhost:8445\/v1\.0\/\$metadata#users\('[^']+'\)\/contacts$/,
    );
    const contacts = list(r.body.value);
    assert.equal(contacts.length, 8);
    assert.ok(contacts.every((c) => str(c.emailAddresses?.[0]?.address).includes('@')));
    const names = contacts.map((c) => str(c.displayName));
    assert.deepEqual(
      names,
      [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
    const sel = get('/me/contacts?$select=displayName&$top=3');
    assert.deepEqual(Object.keys(list(sel.body.value)[0] ?? {}).sort(), ['@odata.etag', 'displayName', 'id']);
    assert.match(str(sel.body['@odata.nextLink']), /\$skip=3/);
    const first = contacts[0];
    const one = get(`/me/contacts/${str(first?.id)}`);
    assert.equal(one.body.displayName, first?.displayName);
    const filtered = get(`/me/contacts?$filter=displayName eq '${str(first?.displayName)}'`);
    assert.equal(list(filtered.body.value).length, 1);
    assert.equal(get('/me/contacts/AAMkAGnope').status, 404);
    const denied = get('/me/contacts', ['Mail.Read']);
    assert.equal(denied.status, 403);
    assert.equal(str(denied.body.error?.code), 'ErrorAccessDenied');
  });

  void it('GET /me/messages/{id}/$value: the MIME text, attachments as base64 parts; needs more than Mail.ReadBasic', () => {
    const withAtt = list(get('/me/messages?$filter=hasAttachments eq true&$top=1&$select=id,subject').body.value)[0];
    const id = str(withAtt?.id);
    const r = get(`/me/messages/${encodeURIComponent(id)}/$value`);
    assert.equal(r.status, 200, error(r));
    assert.equal(r.headers['Content-Type'], 'text/plain');
    const mime = r.raw?.toString('utf8') ?? '';
    assert.match(mime, /^From: /);
    assert.ok(mime.includes(`Subject: ${str(withAtt?.subject)}`) || /Subject: =\?utf-8\?B\?/.test(mime));
    assert.match(mime, /MIME-Version: 1\.0\r\n/);
    assert.match(mime, /Content-Type: multipart\/mixed; boundary="([^"]+)"/);
    const atts = list(get(`/me/messages/${encodeURIComponent(id)}/attachments`).body.value);
    for (const a of atts) {
      assert.ok(mime.includes(`filename="${str(a.name)}"`));
      assert.ok(mime.replace(/\r\n/g, '').includes(str(a.contentBytes)));
    }
    assert.equal(get(`/me/messages/${encodeURIComponent(id)}/$value`, ['Mail.ReadBasic']).status, 403);
    assert.equal(get('/me/messages/AAMkAGnope/$value').status, 404);
    assert.equal(get(`/me/events/${encodeURIComponent(id)}/$value`).status, 400, 'events have no media stream');
  });
});
