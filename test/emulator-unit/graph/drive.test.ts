import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serveDownload } from '../../emulator/graph/download.ts';
import { createTestService, list, num, str } from './fake-deps.ts';

const R = ['Files.Read'];
const RW = ['Files.ReadWrite'];

function tokenOf(location: string | undefined): string {
  const m = /^https:\/\/127\.0\.0\.1:8445\/_dl\/([A-Za-z0-9_-]+)$/.exec(location ?? '');
  assert.ok(m?.[1], `download URL ${location ?? ''}`);
  return m[1];
}

void describe('graph emulator: OneDrive', () => {
  void it('lists root children and addresses items by path (with and without the trailing colon)', () => {
    const { call } = createTestService();
    const root = call('GET', '/me/drive/root/children', { scopes: R });
    assert.deepEqual(
      list(root.body.value).map((i) => i.name),
      ['Documents', 'Logs', 'Notes', 'Pictures', 'README.md'],
    );
    const docs = list(root.body.value)[0];
    assert.ok(num(docs?.folder?.childCount) >= 2);
    const byPath = call('GET', '/me/drive/root:/Documents/Project%20Falcon:/children', { scopes: R });
    const names = list(byPath.body.value).map((i) => str(i.name));
    assert.deepEqual(names, ['Falcon budget.xlsx', 'Falcon plan.docx', 'notes.md', 'requirements.txt']);
    const docx = list(byPath.body.value).find((i) => i.name === ('Falcon plan.docx' as unknown));
    assert.equal(docx?.file?.mimeType, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.match(str(docx?.['@microsoft.graph.downloadUrl']), /^https:\/\/127\.0\.0\.1:8445\/_dl\//);
    const item = call('GET', '/me/drive/root:/Documents/Reports/summary.json', { scopes: R });
    const item2 = call('GET', '/me/drive/root:/Documents/Reports/summary.json:', { scopes: R });
    assert.equal(item.body.id, item2.body.id);
    assert.equal(item.body.parentReference?.path, '/drive/root:/Documents/Reports');
    const byId = call('GET', `/me/drive/items/${str(docs?.id)}/children?$select=name`, { scopes: R });
    assert.ok(list(byId.body.value).length >= 2);
    const nf = call('GET', '/me/drive/root:/nope.txt', { scopes: R });
    assert.deepEqual([nf.status, nf.body.error?.code], [404, 'itemNotFound']);
  });

  void it('has a > 1 MB text file and real zip-based Office files', () => {
    const { call, service, deps } = createTestService();
    const log = call('GET', '/me/drive/root:/Logs/retail-sync.log', { scopes: R });
    assert.ok(num(log.body.size) > 1_000_000);
    const x = call('GET', '/me/drive/root:/Documents/Project Falcon/Falcon budget.xlsx:/content', { scopes: R });
    const dl = serveDownload(service.store, tokenOf(x.headers.Location), deps.clock.nowMs(), undefined);
    assert.equal(dl.raw?.subarray(0, 4).toString('binary'), 'PK\u0003\u0004');
  });

  void it('/content → 302 to a single-use URL on the download host; Range → 206', () => {
    const { call, service, deps } = createTestService();
    const r = call('GET', '/me/drive/root:/Notes/todo.txt:/content', { scopes: R });
    assert.equal(r.status, 302);
    const token = tokenOf(r.headers.Location);
    const store = service.store;
    const first = serveDownload(store, token, deps.clock.nowMs(), undefined);
    assert.equal(first.status, 200);
    assert.match(first.raw?.toString() ?? '', /call Northwind/);
    assert.equal(serveDownload(store, token, deps.clock.nowMs(), undefined).status, 401);
    const again = call('GET', '/me/drive/root:/Notes/todo.txt:/content', { scopes: R });
    const part = serveDownload(store, tokenOf(again.headers.Location), deps.clock.nowMs(), 'bytes=2-5');
    assert.equal(part.status, 206);
    assert.equal(part.raw?.toString(), 'call');
    assert.equal(part.headers['Content-Range'], `bytes 2-5/${first.raw?.length ?? 0}`);
    const folder = call('GET', '/me/drive/root:/Notes:/content', { scopes: R });
    assert.equal(folder.status, 400);
  });

  void it('simple upload: 201 new (creating folders), 200 replace, 409 with conflictBehavior=fail, 413 over 4 MB', () => {
    const { call } = createTestService();
    const created = call('PUT', '/me/drive/root:/New Folder/hello.txt:/content', {
      scopes: RW,
      body: Buffer.from('hello'),
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.size, 5);
    assert.equal(created.body.parentReference?.path, '/drive/root:/New Folder');
    const replaced = call('PUT', '/me/drive/root:/New Folder/hello.txt:/content', {
      scopes: RW,
      body: Buffer.from('hello world'),
    });
    assert.deepEqual([replaced.status, replaced.body.id, replaced.body.size], [200, created.body.id, 11]);
    const fail = call('PUT', '/me/drive/root:/New Folder/hello.txt:/content?@microsoft.graph.conflictBehavior=fail', {
      scopes: RW,
      body: Buffer.from('x'),
    });
    assert.equal(fail.status, 409);
    const big = call('PUT', '/me/drive/root:/big.bin:/content', {
      scopes: RW,
      body: Buffer.alloc(4 * 1024 * 1024 + 1),
    });
    assert.equal(big.status, 413);
    const listing = call('GET', '/me/drive/root:/New Folder:/children', { scopes: R });
    assert.deepEqual(
      list(listing.body.value).map((i) => i.name),
      ['hello.txt'],
    );
  });

  void it('search matches names and text content', () => {
    const { call } = createTestService();
    const r = call('GET', "/me/drive/root/search(q='northwind')?$select=name", { scopes: R });
    assert.ok(list(r.body.value).some((i) => i.name === ('todo.txt' as unknown)));
    const byName = call('GET', "/me/drive/root/search(q='Q2%20sales')", { scopes: R });
    assert.deepEqual(
      list(byName.body.value).map((i) => i.name),
      ['Q2 sales.csv'],
    );
    assert.deepEqual(byName.body.value?.[0]?.searchResult, {});
    assert.deepEqual(list(call('GET', "/me/drive/root/search(q='zzzz-nothing')", { scopes: R }).body.value), []);
  });
});
