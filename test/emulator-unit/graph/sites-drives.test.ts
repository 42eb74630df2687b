import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serveCopyMonitor } from '../../emulator/graph/copy-monitor.ts';
import { createTestService, list, MEGAN, str, type J } from './fake-deps.ts';

const R = ['Files.Read'];
const RW = ['Files.ReadWrite'];
const SITES_R = ['Sites.Read.All'];
const SITES_RW = ['Sites.ReadWrite.All'];
const ALL_R = ['Files.Read.All'];
const ALL_RW = ['Files.ReadWrite.All'];

function marketing(call: ReturnType<typeof createTestService>['call']): { siteId: string; driveId: string } {
  const found = call('GET', '/sites?search=marketing', { scopes: SITES_R });
  assert.equal(found.status, 200, JSON.stringify(found.json));
  const site = list(found.body.value)[0];
  const siteId = str(site?.id);
  const drives = call('GET', `/sites/${siteId}/drives`, { scopes: ALL_R });
  return { siteId, driveId: str(list(drives.body.value)[0]?.id) };
}

void describe('graph emulator: SharePoint sites and lists', () => {
  void it('searches sites (Sites.Read.All), lists their libraries and lists; * finds all', () => {
    const { call } = createTestService();
    const all = call('GET', '/sites?search=*&$select=id,displayName,webUrl', { scopes: SITES_R });
    assert.deepEqual(
      list(all.body.value).map((s) => str(s.displayName)),
      ['Contoso Marketing', 'Project Falcon', 'Human Resources'],
    );
    assert.match(str(list(all.body.value)[0]?.id), /^contoso\.sharepoint\.com,[0-9a-f-]{36},[0-9a-f-]{36}$/);
    const denied = call('GET', '/sites?search=x', { scopes: ALL_R });
    assert.deepEqual([denied.status, denied.body.error?.code], [403, 'accessDenied']);
    const { siteId } = marketing(call);
    const drives = call('GET', `/sites/${siteId}/drives?$select=id,name,webUrl`, { scopes: ALL_R });
    assert.deepEqual(
      list(drives.body.value).map((d) => str(d.name)),
      ['Documents', 'Brand Assets'],
    );
    const own = call('GET', `/sites/${siteId}/drives`, { scopes: R });
    assert.equal(own.status, 403, 'Files.Read covers only your own OneDrive');
    const lists = call('GET', `/sites/${siteId}/lists?$select=id,displayName,list`, { scopes: SITES_R });
    assert.deepEqual(
      list(lists.body.value).map((l) => `${str(l.displayName)}:${str(l.list?.template)}`),
      ['Documents:documentLibrary', 'Brand Assets:documentLibrary', 'Campaign tasks:genericList'],
    );
    const byPath = call('GET', '/sites/contoso.sharepoint.com:/sites/Marketing:', { scopes: SITES_R });
    assert.equal(str(byPath.body.id), siteId);
    const bad = call('GET', '/sites/contoso.sharepoint.com,00000000-0000-0000-0000-000000000000,x', {
      scopes: SITES_R,
    });
    assert.deepEqual([bad.status, bad.body.error?.message], [404, 'Requested site could not be found']);
  });

  void it('reads list items with $expand=fields and columns; creates items with typed fields', () => {
    const { call } = createTestService();
    const { siteId } = marketing(call);
    const base = `/sites/${siteId}/lists/Campaign%20tasks`;
    const items = call('GET', `${base}/items?$expand=fields`, { scopes: SITES_R });
    assert.equal(items.status, 200, JSON.stringify(items.json));
    const first = list(items.body.value)[0];
    assert.equal(str(first?.fields?.Title), 'Book influencers');
    assert.equal(str(first?.fields?._UIVersionString), '1.0');
    const noFields = call('GET', `${base}/items`, { scopes: SITES_R });
    assert.equal(list(noFields.body.value)[0]?.fields, undefined);
    const cols = call('GET', `${base}/columns?$select=name,readOnly,hidden,choice`, { scopes: SITES_R });
    const status = list(cols.body.value).find((c) => c.name === ('Status' as unknown as J));
    assert.deepEqual(status?.choice?.choices, ['Not started', 'In progress', 'Done'] as unknown as J);

    const created = call('POST', `${base}/items`, {
      scopes: SITES_RW,
      body: { fields: { Title: 'Radio spot', Status: 'Not started', Budget: 1200 } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(str(created.body.id), '4');
    assert.equal(str(created.body.fields?.Title), 'Radio spot');
    const readOnly = call('POST', `${base}/items`, { scopes: SITES_R, body: { fields: { Title: 'x' } } });
    assert.equal(readOnly.status, 403);
    const unknown = call('POST', `${base}/items`, { scopes: SITES_RW, body: { fields: { Nope: 'x' } } });
    assert.deepEqual([unknown.status, unknown.body.error?.message], [400, "Field 'Nope' is not recognized"]);
    const wrongType = call('POST', `${base}/items`, { scopes: SITES_RW, body: { fields: { Budget: 'lots' } } });
    assert.equal(wrongType.status, 400);
    const ro = call('POST', `${base}/items`, { scopes: SITES_RW, body: { fields: { Created: '2026-01-01' } } });
    assert.equal(ro.status, 400);
  });

  void it('serves a site library through /drives/{id} and /sites/{id}/drive with Files.Read.All', () => {
    const { call } = createTestService();
    const { siteId, driveId } = marketing(call);
    const kids = call('GET', `/drives/${driveId}/root:/Campaigns:/children?$select=name,parentReference`, {
      scopes: ALL_R,
    });
    assert.equal(kids.status, 200, JSON.stringify(kids.json));
    assert.deepEqual(
      list(kids.body.value).map((i) => str(i.name)),
      ['Campaign budget.xlsx', 'Press release draft.docx', 'Spring launch plan.md'],
    );
    assert.equal(str(list(kids.body.value)[0]?.parentReference?.path), `/drives/${driveId}/root:/Campaigns`);
    const viaSite = call('GET', `/sites/${siteId}/drive/root/children`, { scopes: ALL_R });
    assert.deepEqual(
      list(viaSite.body.value).map((i) => str(i.name)),
      ['Campaigns'],
    );
    const own = call('GET', `/drives/${driveId}/root/children`, { scopes: R });
    assert.deepEqual([own.status, own.body.error?.code], [403, 'accessDenied']);
    const upload = call('PUT', `/drives/${driveId}/root:/Campaigns/new.txt:/content`, {
      scopes: ALL_R,
      body: Buffer.from('x'),
    });
    assert.equal(upload.status, 403, 'writing a library needs Files.ReadWrite.All');
    const ok = call('PUT', `/drives/${driveId}/root:/Campaigns/new.txt:/content`, {
      scopes: ALL_RW,
      body: Buffer.from('x'),
    });
    assert.equal(ok.status, 201);
    const found = call('GET', `/drives/${driveId}/root/search(q='spring')`, { scopes: ALL_R });
    assert.deepEqual(
      list(found.body.value).map((i) => str(i.name)),
      ['Spring launch plan.md'],
    );
  });

  void it("another user's OneDrive is not reachable through /drives/{id}", () => {
    const { call } = createTestService();
    const meganDrive = call('GET', '/me/drive', { scopes: R, oid: MEGAN.oid });
    const r = call('GET', `/drives/${str(meganDrive.body.id)}/root/children`, { scopes: ['Files.Read.All'] });
    assert.equal(r.status, 404);
    const mine = call('GET', '/me/drive', { scopes: R });
    assert.equal(call('GET', `/drives/${str(mine.body.id)}/root/children`, { scopes: R }).status, 200);
  });
});

void describe('graph emulator: move, rename, copy, share, delete', () => {
  void it('PATCH renames and moves; a name clash is 409 nameAlreadyExists; not into itself', () => {
    const { call } = createTestService();
    const item = call('GET', '/me/drive/root:/Notes/todo.txt', { scopes: R });
    const id = str(item.body.id);
    const renamed = call('PATCH', `/me/drive/items/${id}`, { scopes: RW, body: { name: 'todo-old.txt' } });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.json));
    assert.equal(str(renamed.body.name), 'todo-old.txt');
    const docs = call('GET', '/me/drive/root:/Documents', { scopes: R });
    const moved = call('PATCH', `/me/drive/items/${id}`, {
      scopes: RW,
      body: { parentReference: { id: str(docs.body.id) } },
    });
    assert.equal(str(moved.body.parentReference?.path), '/drive/root:/Documents');
    assert.match(str(moved.body.webUrl), /\/Documents\/todo-old\.txt$/);
    assert.equal(call('GET', '/me/drive/root:/Notes/todo-old.txt', { scopes: R }).status, 404);
    const clash = call('PATCH', `/me/drive/items/${id}`, { scopes: RW, body: { name: 'Reports' } });
    assert.deepEqual([clash.status, clash.body.error?.code], [409, 'nameAlreadyExists']);
    const intoSelf = call('PATCH', `/me/drive/items/${str(docs.body.id)}`, {
      scopes: RW,
      body: { parentReference: { id: str(call('GET', '/me/drive/root:/Documents/Reports', { scopes: R }).body.id) } },
    });
    assert.equal(intoSelf.status, 400);
    assert.equal(call('PATCH', `/me/drive/items/${id}`, { scopes: R, body: { name: 'y.txt' } }).status, 403);
  });

  void it('copy answers 202 with a monitor URL that needs no token and reports completed', () => {
    const { call, service, deps } = createTestService();
    const src = call('GET', '/me/drive/root:/Documents/Project%20Falcon', { scopes: R });
    const notes = call('GET', '/me/drive/root:/Notes', { scopes: R });
    const r = call('POST', `/me/drive/items/${str(src.body.id)}/copy`, {
      scopes: RW,
      body: { parentReference: { id: str(notes.body.id) }, name: 'Falcon copy' },
    });
    assert.equal(r.status, 202, JSON.stringify(r.json));
    const token = /\/_mon\/([A-Za-z0-9_-]+)$/.exec(r.headers.Location ?? '')?.[1];
    assert.ok(token, r.headers.Location);
    const status = serveCopyMonitor(service.store, token, { requestId: 'r', nowMs: deps.clock.nowMs() });
    const json = status.json as { status: string; resourceId: string };
    assert.equal(json.status, 'completed');
    const copied = call('GET', '/me/drive/root:/Notes/Falcon copy:/children', { scopes: R });
    assert.equal(list(copied.body.value).length, 4);
    const book = call('GET', '/me/drive/root:/Notes/Falcon copy/Falcon budget.xlsx:/workbook/worksheets', {
      scopes: R,
    });
    assert.equal(list(book.body.value).length, 2, 'the copy keeps the workbook');
    const again = call('POST', `/me/drive/items/${str(src.body.id)}/copy`, {
      scopes: RW,
      body: { parentReference: { id: str(notes.body.id) }, name: 'Falcon copy' },
    });
    assert.deepEqual([again.status, again.body.error?.code], [409, 'nameAlreadyExists']);
    assert.equal(serveCopyMonitor(service.store, 'nope', { requestId: 'r', nowMs: 0 }).status, 404);
  });

  void it('createLink: 201 a link with webUrl; the same type and scope again → 200 the same link', () => {
    const { call } = createTestService();
    const item = call('GET', '/me/drive/root:/README.md', { scopes: R });
    const url = `/me/drive/items/${str(item.body.id)}/createLink`;
    const first = call('POST', url, { scopes: RW, body: { type: 'view', scope: 'organization' } });
    assert.equal(first.status, 201, JSON.stringify(first.json));
    assert.match(str(first.body.link?.webUrl), /^https:\/\/contoso-my\.sharepoint\.com\/:u:\/g\//);
    assert.deepEqual(first.body.roles, ['read'] as unknown as J);
    const second = call('POST', url, { scopes: RW, body: { type: 'view', scope: 'organization' } });
    assert.deepEqual([second.status, str(second.body.id)], [200, str(first.body.id)]);
    const edit = call('POST', url, { scopes: RW, body: { type: 'edit', scope: 'anonymous' } });
    assert.deepEqual([edit.status, edit.body.roles], [201, ['write'] as unknown as J]);
    assert.equal(call('POST', url, { scopes: RW, body: { type: 'bogus' } }).status, 400);
    assert.equal(call('POST', url, { scopes: RW, body: { type: 'view', bogus: 1 } }).status, 400, 'schema');
  });
});
