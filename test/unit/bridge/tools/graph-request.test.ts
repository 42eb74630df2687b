import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { graphRequestTool, graphRequestTools, nextPathOf } from '../../../../bridge/tools/graph-request.ts';
import {
  encodeDrivePath,
  parseRelativePath,
  pathSegment,
  templatePath,
} from '../../../../bridge/tools/shared/paths.ts';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import { assertCatalogRules, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const g = (path: string) => parseRelativePath(path, { what: 'Graph', graphVersionRoot: true });

void describe('path validation', () => {
  for (const bad of [
    'https://evil.example/v1.0/me',
    'http://localhost/me',
    '//evil.example/me',
    'javascript:alert(1)',
    '/me/../users',
    '/me/%2e%2e/users',
    '/me/%2E%2E%2fusers',
    '/me/./messages',
    '..',
    '/me\\messages',
    '/me/messages#frag',
    '/me/\u0000',
    '/me//messages',
    '/me/%zz',
    '/beta/me',
    '',
  ]) {
    void it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => g(bad),
        (e: unknown) => e instanceof ToolError && e.code === 'INVALID_INPUT',
      );
    });
  }

  void it('accepts relative paths, strips /v1.0 and splits the query', () => {
    assert.deepEqual(g('me'), { path: '/me', query: {} });
    assert.deepEqual(g('/v1.0/me/messages?$top=5&$select=id,subject'), {
      path: '/me/messages',
      query: { $top: '5', $select: 'id,subject' },
    });
    assert.deepEqual(g('/me/drive/root:/Docs/a b.txt:/content'), {
      path: '/me/drive/root:/Docs/a b.txt:/content',
      query: {},
    });
    assert.deepEqual(g('/chats/19:abc@thread.v2/messages'), { path: '/chats/19:abc@thread.v2/messages', query: {} });
  });

  void it('makes id-free templates for the audit log', () => {
    assert.equal(templatePath('/me/messages/AAMkAGI2TG93AAA=/attachments'), '/me/messages/{id}/attachments');
    assert.equal(templatePath('/me/drive/root:/Docs/secret plan.docx:/content'), '/me/drive/root:{path}:/content');
    assert.equal(templatePath('/me/drive/root:/Docs/x.txt'), '/me/drive/root:{path}');
    assert.equal(templatePath("/me/drive/root/search(q='salary')"), '/me/drive/root/search({args})');
    assert.equal(templatePath('/users/ada@contoso.com/events?$top=1'), '/users/{id}/events');
    assert.equal(templatePath('/chats/19:abc@thread.v2/messages'), '/chats/{id}/messages');
    assert.equal(templatePath('/me/photo/$value'), '/me/photo/$value');
  });

  void it('encodes OneDrive paths and ids safely', () => {
    assert.equal(encodeDrivePath('/Docs/Q3 #1?.md'), 'Docs/Q3%20%231%3F.md');
    assert.throws(() => encodeDrivePath('Docs/../../x'), ToolError);
    assert.equal(pathSegment('19:a@thread.v2'), '19:a@thread.v2');
    assert.equal(pathSegment('a/b?c'), 'a%2Fb%3Fc');
    assert.throws(() => pathSegment('..'), ToolError);
  });

  void it('turns nextLinks into relative paths', () => {
    assert.equal(nextPathOf('https://graph.microsoft.com/v1.0/me/messages?$skip=10'), '/me/messages?$skip=10');
    assert.equal(nextPathOf(undefined), undefined);
  });
});

void describe('graph_request', () => {
  void it('is listed with openWorld/destructive hints and the graph group', () => {
    assertCatalogRules(graphRequestTools);
    assert.equal(graphRequestTool.group, 'graph');
    assert.equal(graphRequestTool.write, false, 'listed in read-only mode for GETs');
    assert.equal(graphRequestTool.annotations.destructiveHint, true);
  });

  void it('GETs without approval, with default scopes, merged query, and strips @odata.context', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/contacts': {
          '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#contacts',
          value: [{ id: 'c1', displayName: 'Ada' }],
          '@odata.nextLink': 'https://graph.microsoft.com/v1.0/me/contacts?$top=1&$skip=1',
        },
      },
    });
    const result = await runTool(
      graphRequestTool,
      { path: '/v1.0/me/contacts?$top=1', query: { $select: 'id,displayName' }, scopes: ['Contacts.Read'] },
      fake.ctx,
    );
    assert.equal(fake.approvals.length, 0);
    const call = fake.graph[0]?.call;
    assert.equal(call?.path, '/me/contacts');
    assert.equal(call?.pathTemplate, '/me/contacts');
    assert.deepEqual(call?.query, { $top: '1', $select: 'id,displayName' });
    assert.deepEqual(call?.scopes, ['Contacts.Read']);
    assert.deepEqual(result.structured?.json, { value: [{ id: 'c1', displayName: 'Ada' }] });
    assert.equal(result.structured?.nextPath, '/me/contacts?$top=1&$skip=1');
    assert.doesNotMatch(result.text, /odata\.context/);
    assert.match(result.text, /call graph_request again with path "\/me\/contacts\?\$top=1&\$skip=1"/);

    await runTool(graphRequestTool, { path: 'me/contacts' }, fake.ctx);
    assert.deepEqual(fake.graph[1]?.call.scopes, ['User.Read']);
  });

  void it('asks before any non-GET with method and path in the summary', async () => {
    const fake = fakeContext({ routes: { 'POST /me/contacts': { id: 'new' } } });
    await runTool(
      graphRequestTool,
      { method: 'POST', path: '/me/contacts', body: { givenName: 'Ada' }, scopes: ['Contacts.ReadWrite'] },
      fake.ctx,
    );
    assert.deepEqual(fake.log, ['approve', 'request POST /me/contacts']);
    assert.equal(fake.approvals[0]?.summary, 'Microsoft Graph POST /me/contacts');
    assert.equal(fake.approvals[0]?.details?.Method, 'POST');
    assert.match(fake.approvals[0]?.details?.Body ?? '', /"givenName": "Ada"/);
    assert.deepEqual(fake.graph[0]?.call.body, { givenName: 'Ada' });
  });

  void it('sends nothing when the approval is denied', async () => {
    const fake = fakeContext({ deny: true, routes: { 'DELETE /me/events/e1': undefined } });
    await rejectsWithCode(
      runTool(graphRequestTool, { method: 'DELETE', path: '/me/events/e1', scopes: ['Calendars.ReadWrite'] }, fake.ctx),
      'APPROVAL_DENIED',
    );
    assert.equal(fake.graph.length, 0);
  });

  void it('refuses non-GET in read-only mode without asking', async () => {
    const fake = fakeContext({ readOnly: true, routes: { 'PATCH /me': {} } });
    await rejectsWithCode(
      runTool(graphRequestTool, { method: 'PATCH', path: '/me', body: { jobTitle: 'x' } }, fake.ctx),
      'READ_ONLY',
    );
    assert.equal(fake.approvals.length, 0);
    assert.equal(fake.graph.length, 0);
  });

  void it('rejects bad scopes, headers, traversal and GET bodies before anything is sent', async () => {
    const fake = fakeContext();
    for (const scopes of [
      ['https://graph.microsoft.com/.default'],
      ['.default'],
      ['Mail.Read', 'offline_access'],
      ['a b'],
    ]) {
      await rejectsWithCode(runTool(graphRequestTool, { path: '/me', scopes }, fake.ctx), 'INVALID_INPUT');
    }
    await rejectsWithCode(
      runTool(graphRequestTool, { path: '/me', headers: { Authorization: 'Bearer x' } }, fake.ctx),
      'INVALID_INPUT',
    );
    await rejectsWithCode(runTool(graphRequestTool, { path: '/me/../../x' }, fake.ctx), 'INVALID_INPUT');
    await rejectsWithCode(
      runTool(graphRequestTool, { method: 'POST', path: 'https://evil.example/x' }, fake.ctx),
      'INVALID_INPUT',
    );
    await rejectsWithCode(runTool(graphRequestTool, { path: '/me', body: { a: 1 } }, fake.ctx), 'INVALID_INPUT');
    assert.equal(fake.approvals.length, 0);
    assert.equal(fake.graph.length, 0);
  });

  void it('passes allowed headers with canonical names', async () => {
    const fake = fakeContext({ routes: { 'GET /users': { value: [] } } });
    await runTool(
      graphRequestTool,
      { path: '/users', query: { $count: 'true' }, headers: { consistencylevel: 'eventual' } },
      fake.ctx,
    );
    assert.deepEqual(fake.graph[0]?.call.headers, { ConsistencyLevel: 'eventual' });
  });

  void it('caps large output and says so', async () => {
    const big = { value: Array.from({ length: 500 }, (_, i) => ({ id: `id-${i}`, text: 'lorem ipsum '.repeat(5) })) };
    const fake = fakeContext({ limits: { maxResultChars: 2000 }, routes: { 'GET /me/messages': big } });
    const result = await runTool(graphRequestTool, { path: '/me/messages', scopes: ['Mail.Read'] }, fake.ctx);
    assert.ok(result.text.length <= 2000);
    assert.equal(result.structured?.truncated, true);
    assert.equal(result.structured?.json, undefined);
    assert.match(result.text, /truncated: \d+ more characters not shown; use \$select\/\$top/);
  });

  void it('streams binary content to disk, capped like read_file', async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff]);
    const fake = fakeContext({ routes: { 'GET /me/photo/$value': { bytes, contentType: 'image/jpeg' } } });
    const result = await runTool(graphRequestTool, { path: '/me/photo/$value' }, fake.ctx);
    assert.equal(fake.graph[0]?.kind, 'downloadToFile', 'socket → file, never the whole body in memory');
    assert.equal(fake.saved[0]?.bytes, bytes);
    assert.match(result.text, /3 bytes \(image\/jpeg\) saved to \/tmp\/downloads\/photo\.bin/);
  });

  void it('refuses a padded $batch with an inner DELETE and sendMail before asking or sending anything', async () => {
    const fake = fakeContext({ routes: { 'POST /$batch': { responses: [] } } });
    const padding = Array.from({ length: 17 }, (_, i) => ({
      id: `p${i}`,
      method: 'GET',
      url: `/me?pad=${'x'.repeat(300)}`,
    }));
    const body = {
      requests: [
        ...padding,
        { id: 'del', method: 'delete', url: '/me/messages/AAMk-important' },
        {
          id: 'send',
          method: 'POST',
          url: '/me/sendMail',
          headers: { 'Content-Type': 'application/json' },
          body: { message: { subject: 'exfil', toRecipients: [{ emailAddress: { address: 'evil@example.com' } }] } },
        },
      ],
    };
    for (const path of ['/$batch', '/v1.0/$batch/', '/%24batch', '/$BATCH']) {
      await rejectsWithCode(
        runTool(graphRequestTool, { method: 'POST', path, body, scopes: ['Mail.Send'] }, fake.ctx),
        'BATCH_HAS_WRITES',
        /#18 DELETE \/me\/messages\/AAMk-important; #19 POST \/me\/sendMail.*Send each write as its own graph_request call/,
      );
    }
    assert.equal(fake.approvals.length, 0);
    assert.equal(fake.graph.length, 0);
  });

  void it('runs a $batch of GETs only as a read (no approval, also read-only) after checking every inner request', async () => {
    const ok = fakeContext({
      readOnly: true,
      routes: { 'POST /$batch': { responses: [{ id: '1', status: 200, body: {} }] } },
    });
    const reads = {
      requests: [
        { id: '1', method: 'GET', url: '/me' },
        { id: '2', method: 'get', url: 'me/events?$top=1' },
      ],
    };
    await runTool(graphRequestTool, { method: 'POST', path: '/$batch', body: reads }, ok.ctx);
    assert.equal(ok.approvals.length, 0);
    assert.equal(ok.graph[0]?.call.readOnly, true);
    const fake = fakeContext({ routes: { 'POST /$batch': {} } });
    const bad: [unknown, RegExp][] = [
      [
        { requests: [{ id: '1', method: 'GET', url: 'https://evil.example/x' }] },
        /#1 of the \$batch: The Graph path must be relative/,
      ],
      [
        { requests: [{ id: '1', method: 'GET', url: '/me', headers: { 'X-HTTP-Method-Override': 'DELETE' } }] },
        /cannot be set/,
      ],
      [{ requests: [{ id: '1', method: 'GET', url: '/me', body: { a: 1 } }] }, /GET with a body/],
      [{ requests: [{ id: '1', method: 'GET', url: '/$batch' }] }, /cannot contain another \$batch/],
      [{ requests: [] }, /1 to 20 requests/],
      [{ nope: true }, /1 to 20 requests/],
    ];
    for (const [body, message] of bad) {
      await rejectsWithCode(
        runTool(graphRequestTool, { method: 'POST', path: '/$batch', body }, fake.ctx),
        'INVALID_INPUT',
        message,
      );
    }
    await rejectsWithCode(
      runTool(graphRequestTool, { method: 'PATCH', path: '/$batch', body: reads }, fake.ctx),
      'INVALID_INPUT',
    );
    assert.equal(fake.graph.length, 0);
  });

  void it('the approval shows the whole request as sent: decoded path, query, headers, every part of the body, invisible characters escaped', async () => {
    const fake = fakeContext({ routes: { 'PATCH /me/mailFolders/inbox/messageRules/r1': {} } });
    const padded = {
      displayName: `rule${' '.repeat(3000)}`,
      actions: { forwardTo: [{ emailAddress: { address: 'evil@example.com' } }] },
      note: 'safe\u202Eliame',
    };
    await runTool(
      graphRequestTool,
      {
        method: 'PATCH',
        path: '/me/mail%46olders/inbox/messageRules/r1',
        query: { a: 'b c' },
        headers: { 'If-Match': 'W/"1"' },
        body: padded,
        scopes: ['MailboxSettings.ReadWrite'],
      },
      fake.ctx,
    );
    const details = fake.approvals[0]?.details ?? {};
    assert.equal(fake.graph[0]?.call.path, '/me/mailFolders/inbox/messageRules/r1', 'sent with the decoded path');
    assert.equal(details.Path, '/me/mailFolders/inbox/messageRules/r1?a=b%20c');
    assert.equal(details.Headers, 'If-Match: W/"1"');
    const parts = Object.keys(details).filter((k) => k.startsWith('Body'));
    assert.ok(parts.length >= 2, JSON.stringify(Object.keys(details)));
    const shown = parts.map((k) => details[k]).join('');
    assert.equal(
      shown,
      JSON.stringify(padded, null, 1).replace('\u202e', '\\u202e'),
      'the whole body, the override escaped',
    );
    assert.match(shown, /evil@example\.com/);
    assert.ok(Object.values(details).every((v) => v.length <= 2000));
  });

  void it('a write too large to show in full is refused, not shown cut; a DELETE body (never sent) is refused', async () => {
    const fake = fakeContext({ routes: { 'POST /me/messages': {}, 'DELETE /me/messages/m1': undefined } });
    await rejectsWithCode(
      runTool(graphRequestTool, { method: 'POST', path: '/me/messages', body: { x: 'y'.repeat(40_000) } }, fake.ctx),
      'TOO_LARGE_TO_APPROVE',
    );
    await rejectsWithCode(
      runTool(graphRequestTool, { method: 'DELETE', path: '/me/messages/m1', body: { hidden: true } }, fake.ctx),
      'INVALID_INPUT',
    );
    assert.equal(fake.approvals.length, 0);
    assert.equal(fake.graph.length, 0);
  });

  void it('base64 contentBytes and other long base64 values are saved to files and replaced by their paths', async () => {
    const pdf = Buffer.from('%PDF-1.7 '.repeat(500));
    const blob = Buffer.alloc(3000, 7).toString('base64');
    const fake = fakeContext({
      routes: {
        'GET /me/messages/m1/attachments': {
          value: [
            { id: 'a1', name: 'report.pdf', contentType: 'application/pdf', contentBytes: pdf.toString('base64') },
            { id: 'a2', name: 'note.txt', contentBytes: Buffer.from('hi').toString('base64'), other: blob },
          ],
        },
      },
    });
    const result = await runTool(
      graphRequestTool,
      { path: '/me/messages/m1/attachments', scopes: ['Mail.Read'] },
      fake.ctx,
    );
    assert.deepEqual(
      fake.saved.map((f) => [f.fileName, f.bytes.length]),
      [
        ['report.pdf', pdf.length],
        ['note.txt', 2],
        ['note.txt', 3000],
      ],
    );
    assert.ok(Buffer.from(fake.saved[0]!.bytes).equals(pdf), 'the decoded bytes are saved');
    assert.doesNotMatch(result.text, /JVBERi0/, 'no base64 in the text');
    const json = result.structured?.json as { value: { contentBytes: string }[] };
    assert.match(json.value[0]!.contentBytes, /^\[4500 bytes saved to \/tmp\/downloads\/report\.pdf\]$/);
    assert.equal((result.structured?.savedPaths as string[]).length, 3);
    assert.match(result.text, /Base64 content saved to files: value\[0\]\.contentBytes \(4500 bytes\)/);
  });
  void it('checks in a fixed order: path, scopes, headers, a body on GET/DELETE, then the $batch', async () => {
    const fake = fakeContext();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ path: 'https://evil.example/x', scopes: ['.default'] }, /must be relative/],
      [{ path: '/me', scopes: ['.default'], headers: { Authorization: 'x' } }, /^".default" is not a delegated/],
      [{ path: '/me', headers: { Authorization: 'x' }, body: { a: 1 } }, /^Header "Authorization" cannot be set/],
      [
        { method: 'POST', path: '/$batch', headers: { Host: 'x' }, body: { requests: [] } },
        /^Header "Host" cannot be set/,
      ],
      [
        { path: '/$batch', body: { requests: [] } },
        /^A GET request cannot have a body; use query parameters instead\.$/,
      ],
      [{ method: 'DELETE', path: '/me/events/e1', body: { a: 1 } }, /^A DELETE request cannot have a body\.$/],
    ];
    for (const [input, message] of cases) {
      await rejectsWithCode(runTool(graphRequestTool, input, fake.ctx), 'INVALID_INPUT', message);
    }
    assert.equal(fake.graph.length, 0);
  });

  void it('read-only refuses a write naming method and path; the approval summary shows the query', async () => {
    const readOnly = fakeContext({ readOnly: true });
    await rejectsWithCode(
      runTool(graphRequestTool, { method: 'DELETE', path: '/me/events/e1' }, readOnly.ctx),
      'READ_ONLY',
      /^Graph Bridge is in read-only mode, so graph_request can only GET; DELETE \/me\/events\/e1 was not sent\. /,
    );
    const fake = fakeContext({ routes: { 'DELETE /me/events/e1': undefined } });
    const result = await runTool(
      graphRequestTool,
      { method: 'DELETE', path: '/me/events/e1?a=1', query: { b: '2' }, scopes: ['Calendars.ReadWrite'] },
      fake.ctx,
    );
    assert.equal(fake.approvals[0]?.summary, 'Microsoft Graph DELETE /me/events/e1?a=1&b=2');
    assert.equal(result.text, 'DELETE /me/events/e1: done (no content)\n');
    assert.deepEqual(result.structured, { method: 'DELETE', path: '/me/events/e1', truncated: false });
  });

  void it('an answer that is not an object is returned whole', async () => {
    const fake = fakeContext({
      routes: { 'GET /me/x': [{ '@odata.nextLink': 'https://graph.microsoft.com/v1.0/n' }] },
    });
    const result = await runTool(graphRequestTool, { path: '/me/x' }, fake.ctx);
    assert.deepEqual(result.structured, {
      method: 'GET',
      path: '/me/x',
      json: [{ '@odata.nextLink': 'https://graph.microsoft.com/v1.0/n' }],
      truncated: false,
    });
    assert.match(result.text, /^GET \/me\/x: OK\n/);
    assert.doesNotMatch(result.text, /More results/);
  });
});
