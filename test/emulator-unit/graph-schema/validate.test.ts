/**
 * The request validator against Microsoft's real v1.0 schema: requests in the shapes Microsoft's
 * Graph docs show must pass; typos, wrong methods, wrong parameters and made-up members must fail
 * with a message that names the culprit.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadGraphSchema } from '../../graph-schema/load.ts';
import { resolvePath } from '../../graph-schema/path.ts';
import { validateGraphRequest } from '../../graph-schema/validate.ts';

const schema = loadGraphSchema();
const check = (method: string, url: string, body?: unknown): string[] =>
  validateGraphRequest(schema, { method, url, ...(body === undefined ? {} : { body }) });

const MSG = 'AAMkAGI2TG93AAA=';
const ITEM = '01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K';

/** Known-good requests (docs patterns). */
const GOOD: [string, string, unknown?][] = [
  ['GET', '/me'],
  ['GET', '/v1.0/me?$select=displayName,mail,userPrincipalName'],
  ['GET', '/users?$filter=startswith(displayName,%27Meg%27)&$select=id,displayName&$top=5&$count=true'],
  ['GET', '/users/$count'],
  ['GET', "/users('87d349ed-44d7-43e1-9a83-5f2406dee5bd')/messages"],
  ['GET', '/users/megan@contoso.com/mailFolders/inbox/messages?$top=10'],
  ['GET', '/me/messages?$select=subject,from,receivedDateTime&$orderby=receivedDateTime desc&$top=25'],
  ['GET', "/me/messages?$filter=from/emailAddress/address eq 'a@b.com' and isRead eq false"],
  ['GET', "/me/messages?$filter=categories/any(c:c eq 'Red category')"],
  ['GET', "/me/messages?$filter=toRecipients/any(r: r/emailAddress/address eq 'a@b.com')"],
  ['GET', '/me/messages?$filter=receivedDateTime ge 2026-01-01T00:00:00Z and hasAttachments eq true'],
  ['GET', '/me/messages?$search="budget"&$select=subject'],
  ['GET', '/me/messages/$count'],
  ['GET', `/me/messages/${MSG}/$value`],
  ['GET', `/me/messages/${MSG}?$expand=attachments($select=name,size)`],
  ['GET', `/me/messages/${MSG}/attachments/AAMkADA1M-zAAA=/microsoft.graph.fileAttachment`],
  ['GET', `/me/messages/${MSG}/attachments?$select=name,microsoft.graph.fileAttachment/contentBytes`],
  ['GET', '/me/mailFolders/inbox/messages/delta()?$select=subject'],
  ['GET', '/me/mailFolders/sentitems/messages/delta'],
  ['GET', '/me/contacts'],
  ['GET', '/me/contacts?$select=displayName,emailAddresses&$orderby=displayName'],
  [
    'PATCH',
    `/me/messages/${MSG}`,
    { isRead: true, flag: { flagStatus: 'flagged' }, importance: 'High', categories: ['x'] },
  ],
  ['DELETE', `/me/messages/${MSG}`],
  [
    'POST',
    '/me/messages',
    {
      subject: 'Hi',
      body: { contentType: 'HTML', content: '<p>x</p>' },
      toRecipients: [{ emailAddress: { address: 'a@b.com', name: 'A' } }],
    },
  ],
  ['POST', `/me/messages/${MSG}/send`],
  ['POST', `/me/messages/${MSG}/reply`, { comment: 'Thanks' }],
  ['POST', `/me/messages/${MSG}/move`, { destinationId: 'deleteditems' }],
  [
    'POST',
    '/me/sendMail',
    {
      message: {
        subject: 'Lunch?',
        body: { contentType: 'Text', content: 'Noon?' },
        toRecipients: [{ emailAddress: { address: 'a@b.com' } }],
        attachments: [
          {
            '@odata.type': '#microsoft.graph.fileAttachment',
            name: 'a.txt',
            contentType: 'text/plain',
            contentBytes: 'SGk=',
          },
        ],
      },
      saveToSentItems: false,
    },
  ],
  [
    'GET',
    '/me/calendarView?startDateTime=2026-03-16T00:00:00Z&endDateTime=2026-03-23T00:00:00Z&$select=subject,start,end&$orderby=start/dateTime',
  ],
  ['GET', "/me/calendar/events?$filter=start/dateTime ge '2026-03-16T00:00:00'"],
  [
    'POST',
    '/me/calendar/getSchedule',
    {
      schedules: ['a@b.com'],
      startTime: { dateTime: '2026-03-16T09:00:00', timeZone: 'UTC' },
      endTime: { dateTime: '2026-03-16T18:00:00', timeZone: 'UTC' },
      availabilityViewInterval: 30,
    },
  ],
  [
    'POST',
    '/me/events',
    {
      subject: 'Sync',
      start: { dateTime: '2026-03-16T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-03-16T09:30:00', timeZone: 'UTC' },
      attendees: [{ emailAddress: { address: 'a@b.com' }, type: 'required' }],
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
    },
  ],
  ['POST', '/me/events/AAMkAGE1=/accept', { comment: 'ok', sendResponse: true }],
  ['POST', '/me/events/AAMkAGE1=/tentativelyAccept', { comment: 'maybe', sendResponse: false }],
  ['GET', '/me/drive/root/children?$select=id,name,size,file,folder,@microsoft.graph.downloadUrl&$top=50'],
  ['GET', "/me/drive/root/search(q='Falcon plan')?$select=id,name"],
  ['GET', "/me/drive/search(q='x')"],
  ['GET', '/me/drive/root:/Documents/Project%20Falcon:/children'],
  ['GET', '/me/drive/root:/Notes/todo.txt'],
  ['GET', '/me/drive/root:/Notes/todo.txt:'],
  ['GET', '/me/drive/root:/Notes/todo.txt:/content'],
  ['PUT', '/me/drive/root:/Notes/new.txt:/content'],
  ['PUT', `/me/drive/items/${ITEM}:/new.txt:/content`],
  ['GET', `/me/drive/items/${ITEM}/content`],
  [
    'POST',
    `/me/drive/items/${ITEM}/children`,
    { name: 'New folder', folder: {}, '@microsoft.graph.conflictBehavior': 'rename' },
  ],
  ['POST', `/me/drive/items/${ITEM}/copy`, { parentReference: { driveId: 'b!x', id: ITEM }, name: 'copy.txt' }],
  ['GET', `/me/drive/items/${ITEM}/workbook/worksheets('Sheet1')/range(address='A1:B2')`],
  ['GET', `/me/drive/items/${ITEM}/workbook/worksheets/Sheet1/usedRange`],
  ['GET', `/drives/b!abc/items/${ITEM}/thumbnails`],
  ['GET', '/sites/contoso.sharepoint.com:/sites/team:/drive'],
  ['GET', '/sites/root/lists'],
  ['GET', '/me/photo/$value'],
  ['PUT', '/me/photo/$value'],
  ['GET', '/me/memberOf?$select=displayName'],
  ['GET', "/me/chats?$expand=members&$filter=chatType eq 'group'"],
  ['GET', '/chats/19:abc@thread.v2/messages?$top=20'],
  ['POST', '/chats/19:abc@thread.v2/messages', { body: { contentType: 'text', content: 'hi' } }],
  ['GET', '/teams/962a4436/channels/19:x@thread.skype/messages/123/replies'],
  ['GET', '/me/joinedTeams'],
  ['GET', "/me/todo/lists/AAMk=/tasks?$filter=status ne 'completed'"],
  ['PATCH', '/me/todo/lists/AAMk=/tasks/AAMk2=', { status: 'completed' }],
  [
    'POST',
    '/me/todo/lists/AAMk=/tasks',
    { title: 'Buy milk', dueDateTime: { dateTime: '2026-03-20T00:00:00', timeZone: 'UTC' }, importance: 'high' },
  ],
  ['GET', '/planner/plans/xyz/tasks'],
  [
    'POST',
    '/search/query',
    { requests: [{ entityTypes: ['driveItem'], query: { queryString: 'falcon' }, from: 0, size: 25 }] },
  ],
  ['POST', '/groups/g1/members/$ref', { '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/u1' }],
  ['DELETE', '/groups/g1/members/u1/$ref'],
  ['PATCH', '/me/mailboxSettings', { automaticRepliesSetting: { status: 'alwaysEnabled' } }],
  ['GET', '/me/people?$search="meg"&$top=5'],
  [
    'POST',
    '/$batch',
    {
      requests: [
        { id: '1', method: 'GET', url: '/me/messages?$select=subject' },
        { id: '2', method: 'GET', url: 'me/events', dependsOn: ['1'] },
      ],
    },
  ],
];

/** Known-bad requests and the part of the message that must name the culprit. */
const BAD: [string, string, unknown, RegExp][] = [
  [
    'GET',
    '/me/messages?$select=id,subjct',
    undefined,
    /`\$select=subjct`: no property `subjct` on microsoft\.graph\.message/,
  ],
  ['GET', '/me/messages?$select=Subject', undefined, /no property `Subject`/],
  [
    'GET',
    '/me/messages?$orderby=received desc',
    undefined,
    /`\$orderby=received`: no property `received` on microsoft\.graph\.message/,
  ],
  [
    'GET',
    '/me/chats?$expand=memberz',
    undefined,
    /`\$expand=memberz`: no property `memberz` on microsoft\.graph\.chat/,
  ],
  ['GET', '/me/chats?$expand=topic', undefined, /`topic` on microsoft\.graph\.chat is not a navigation property/],
  [
    'GET',
    "/me/messages?$filter=from/address eq 'a'",
    undefined,
    /no property `address` on microsoft\.graph\.recipient/,
  ],
  [
    'GET',
    "/me/messages?$filter=toRecipients/any(r: r/emailAddress/mail eq 'a')",
    undefined,
    /no property `mail` on microsoft\.graph\.emailAddress/,
  ],
  ['GET', "/me/messages?$filter=subject/any(s: s eq 'a')", undefined, /`subject` is not a collection/],
  [
    'GET',
    `/me/messages/${MSG}/attachments?$select=contentBytes`,
    undefined,
    /no property `contentBytes` on microsoft\.graph\.attachment/,
  ],
  [
    'GET',
    '/me/mailFolders?$select=wellKnownName',
    undefined,
    /no property `wellKnownName` on microsoft\.graph\.mailFolder/,
  ],
  ['GET', '/me/messages?$top=ten', undefined, /`\$top=ten`: not a non-negative integer/],
  ['GET', '/me/messages?$frobnicate=1', undefined, /`\$frobnicate`: not an OData system query option/],
  [
    'GET',
    '/me/mesages',
    undefined,
    /no property, navigation property or bound operation `mesages` on microsoft\.graph\.user/,
  ],
  ['GET', '/mee', undefined, /no entity set or singleton named `mee`/],
  ['GET', '/me/events/AAMk=/$value', undefined, /microsoft\.graph\.event has no media stream/],
  [
    'GET',
    "/me/drive/root/search(query='x')",
    undefined,
    /function microsoft\.graph\.search has no parameter `query` \(parameters: q\)/,
  ],
  ['GET', '/me/drive/root/search', undefined, /needs `q`/],
  ['GET', `/me/drive/items/${ITEM}/workbook/worksheets('S')/range(adress='A1')`, undefined, /no parameter `adress`/],
  ['GET', '/me/sendMail', undefined, /GET is not allowed on the action microsoft\.graph\.sendMail \(allowed: POST\)/],
  ['POST', "/me/drive/root/search(q='x')", undefined, /POST is not allowed on the function microsoft\.graph\.search/],
  ['DELETE', '/me/messages', undefined, /DELETE is not allowed on a collection of microsoft\.graph\.message/],
  ['DELETE', '/me', undefined, /DELETE is not allowed on the singleton \/me/],
  ['PUT', `/me/messages/${MSG}`, undefined, /PUT is not allowed on an entity of microsoft\.graph\.message/],
  [
    'POST',
    '/me/sendMail',
    { message: { subject: 'x', to: [] } },
    /`body\.message\.to`: no property `to` on microsoft\.graph\.message/,
  ],
  [
    'POST',
    '/me/sendMail',
    { mesage: { subject: 'x' } },
    /action microsoft\.graph\.sendMail has no parameter `mesage` \(parameters: Message, SaveToSentItems\)/,
  ],
  ['POST', '/me/sendMail', { saveToSentItems: true }, /action microsoft\.graph\.sendMail needs `Message`/],
  [
    'POST',
    '/me/sendMail',
    { message: { toRecipients: [{ emailAddress: { adress: 'a@b' } }] } },
    /`body\.message\.toRecipients\[0\]\.emailAddress\.adress`: no property `adress` on microsoft\.graph\.emailAddress/,
  ],
  [
    'POST',
    '/me/events/X/accept',
    { comment: 'x', notify: true },
    /no parameter `notify` \(parameters: SendResponse, Comment\)/,
  ],
  [
    'PATCH',
    `/me/messages/${MSG}`,
    { importance: 'urgent' },
    /`urgent` is not a member of microsoft\.graph\.importance/,
  ],
  ['PATCH', `/me/messages/${MSG}`, { isRead: 'yes' }, /`body\.isRead`: expected Edm\.Boolean, got string/],
  [
    'PATCH',
    `/me/messages/${MSG}`,
    { body: 'plain' },
    /`body\.body`: expected an object of microsoft\.graph\.itemBody, got string/,
  ],
  [
    'POST',
    '/me/events',
    { subject: 'x', start: { dateTime: '2026-01-01T00:00:00', timezone: 'UTC' } },
    /no property `timezone` on microsoft\.graph\.dateTimeTimeZone/,
  ],
  [
    'POST',
    '/me/messages',
    { '@odata.type': '#microsoft.graph.event' },
    /microsoft\.graph\.event is not a microsoft\.graph\.message/,
  ],
  ['POST', '/me/messages', { 'attachmentz@odata.bind': [] }, /no property `attachmentz` on microsoft\.graph\.message/],
  ['GET', '/beta/me', undefined, /uses \/beta/],
  [
    'POST',
    '/$batch',
    { requests: [{ id: '7', method: 'GET', url: '/me/messages?$select=nope' }] },
    /\$batch request 7 \(GET \/me\/messages\?\$select=nope\): `\$select=nope`: no property `nope`/,
  ],
  ['POST', '/$batch', { reqs: [] }, /needs a `requests` array/],
  [
    'POST',
    '/search/query',
    { requests: [{ entityType: ['driveItem'] }] },
    /no property `entityType` on microsoft\.graph\.searchRequest/,
  ],
];

void describe('graph schema: request validator', () => {
  void it('accepts requests in the shapes Microsoft documents', () => {
    const failures = GOOD.map(([m, u, b]) => ({ req: `${m} ${u}`, errors: check(m, u, b) })).filter(
      (f) => f.errors.length > 0,
    );
    assert.deepEqual(failures, []);
  });

  void it('rejects made-up names, wrong methods and wrong parameters with a precise message', () => {
    for (const [m, u, b, expected] of BAD) {
      const errors = check(m, u, b);
      assert.ok(
        errors.some((e) => expected.test(e)),
        `${m} ${u}: expected ${String(expected)}, got ${JSON.stringify(errors)}`,
      );
    }
  });

  void it('resolves paths to the node the method and options apply to', () => {
    const kind = (p: string): string => {
      const r = resolvePath(schema, p);
      return r.ok ? `${r.node.kind}${'type' in r.node ? ` ${r.node.type}` : ''}` : `error ${r.segment}`;
    };
    assert.equal(kind('/me/mailFolders/inbox'), 'entity microsoft.graph.mailFolder');
    assert.equal(kind('/me/mailFolders/inbox/messages'), 'collection microsoft.graph.message');
    assert.equal(kind(`/me/messages/${MSG}/$value`), 'value');
    assert.equal(kind('/users/$count'), 'count');
    assert.equal(kind('/me/drive/root:/a/b.txt:/content'), 'stream');
    assert.equal(kind('/me/drive/root:/a/b.txt'), 'entity microsoft.graph.driveItem');
    assert.equal(kind(`/me/drive/items/${ITEM}:/Q3 (draft).txt:`), 'entity microsoft.graph.driveItem');
    assert.equal(kind("/me/drive/root/search(q='a/b (c)')"), 'function');
    assert.equal(kind('/me/drive/root/search(q=%27a%2Fb%27)'), 'function');
    assert.equal(
      kind("/me/drive/items/X/workbook/worksheets('S')/range(address='A1')/format"),
      'entity microsoft.graph.workbookRangeFormat',
    );
    assert.equal(
      kind('/me/messages/X/attachments/Y/microsoft.graph.fileAttachment'),
      'entity microsoft.graph.fileAttachment',
    );
    assert.equal(
      kind('/me/mailboxSettings/automaticRepliesSetting'),
      'complex microsoft.graph.automaticRepliesSetting',
    );
    assert.equal(kind('/search/query'), 'action');
    assert.equal(kind('/$batch'), 'batch');
    assert.equal(kind('/me/nope/x'), 'error nope');
    assert.equal(kind('/me/messages/X/microsoft.graph.event'), 'error microsoft.graph.event');
  });

  void it('treats a 50 KB crafted filter or path in linear time (no backtracking blow-up)', () => {
    const filter = `${'('.repeat(5000)}subject eq '${"''".repeat(10_000)}'${')'.repeat(5000)}`;
    assert.deepEqual(check('GET', `/me/messages?$filter=${encodeURIComponent(filter)}`), []);
    const path = `/me/drive/root:/${'a('.repeat(10_000)}/x.txt:/content`;
    assert.deepEqual(check('PUT', path), []);
    const r = resolvePath(schema, path);
    assert.equal(r.ok && r.node.kind, 'stream');
    const junk = `/me/messages?$select=${'a,'.repeat(20_000)}`;
    assert.ok(check('GET', junk).length > 0);
  });
});
