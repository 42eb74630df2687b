import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADELE, createTestService, list, MEGAN, num, str } from './fake-deps.ts';

void describe('graph emulator: OneNote', () => {
  void it('lists sections with their notebook (and section group), a section’s pages, and a page as HTML', () => {
    const { call } = createTestService();
    const notebooks = list(call('GET', '/me/onenote/notebooks', { scopes: ['Notes.Read'] }).body.value);
    assert.deepEqual(
      notebooks.map((n) => n.displayName),
      ["Adele's Notebook", 'Mark 8 Research'],
    );
    const sections = call(
      'GET',
      '/me/onenote/sections?$select=id,displayName&$expand=parentNotebook($select=displayName)',
      {
        scopes: ['Notes.Read'],
      },
    );
    assert.equal(sections.status, 200);
    const all = list(sections.body.value);
    const falcon = all.find((s) => s.displayName === ('Falcon' as unknown));
    assert.equal(falcon?.parentNotebook?.displayName, "Adele's Notebook");
    assert.equal(falcon?.parentSectionGroup?.displayName, 'Projects');
    assert.equal(falcon?.pagesUrl, undefined, '$select applies');
    // Sections of a section group are not "directly under" the notebook.
    const direct = list(
      call('GET', `/me/onenote/notebooks/${str(notebooks[0]?.id)}/sections`, { scopes: ['Notes.Read'] }).body.value,
    );
    assert.deepEqual(
      direct.map((s) => s.displayName),
      ['Meetings', 'Quick Notes'],
    );
    const meetings = direct[0];
    const pages = call('GET', `/me/onenote/sections/${str(meetings?.id)}/pages?$top=2`, { scopes: ['Notes.Read'] });
    assert.equal(list(pages.body.value).length, 2);
    assert.match(str(pages.body['@odata.nextLink']), /\$skip=2/);
    const times = list(pages.body.value).map((p) => str(p.lastModifiedDateTime));
    assert.deepEqual(times, [...times].sort().reverse(), 'last edited first');
    const page = list(pages.body.value)[0];
    const content = call('GET', `/me/onenote/pages/${encodeURIComponent(str(page?.id))}/content`, {
      scopes: ['Notes.Read'],
    });
    assert.equal(content.status, 200);
    assert.equal(content.headers['Content-Type'], 'text/html');
    assert.match(
      content.raw?.toString('utf8') ?? '',
      new RegExp(`<title>${str(page?.title)}</title>[\\s\\S]*<p id="p:`),
    );
  });

  void it('Notes.Create may read section names but not pages; pages need Notes.Read; other users see their own', () => {
    const { call } = createTestService();
    const sections = call('GET', '/me/onenote/sections', { scopes: ['Notes.Create'] });
    assert.equal(sections.status, 200);
    const id = str(list(sections.body.value)[0]?.id);
    assert.equal(call('GET', `/me/onenote/sections/${id}`, { scopes: ['Notes.Create'] }).status, 200);
    const denied = call('GET', `/me/onenote/sections/${id}/pages`, { scopes: ['Notes.Create'] });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error?.code, '40004');
    const megans = list(call('GET', '/me/onenote/notebooks', { scopes: ['Notes.Read'], oid: MEGAN.oid }).body.value);
    assert.deepEqual(
      megans.map((n) => n.displayName),
      ['Mark 8 Research', "Megan's Notebook"],
    );
    assert.equal(call('GET', `/me/onenote/sections/${id}`, { scopes: ['Notes.Read'], oid: MEGAN.oid }).status, 404);
    assert.equal(call('GET', '/me/onenote/pages/1-nope/content', { scopes: ['Notes.Read'] }).body.error?.code, '20102');
  });

  void it('creates a page from HTML (text/html only) and serves it back', () => {
    const { call } = createTestService();
    const section = list(call('GET', '/me/onenote/sections', { scopes: ['Notes.Create'] }).body.value)[0];
    const url = `/me/onenote/sections/${str(section?.id)}/pages`;
    const html =
      '<!DOCTYPE html><html><head><title>Retro &amp; plan</title></head><body><p>Went &lt;well&gt;</p></body></html>';
    const created = call('POST', url, {
      scopes: ['Notes.Create'],
      headers: { 'content-type': 'text/html' },
      body: Buffer.from(html),
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.title, 'Retro & plan');
    assert.match(str(created.body.links?.oneNoteWebUrl?.href), /^https:\/\//);
    const back = call('GET', `/me/onenote/pages/${encodeURIComponent(str(created.body.id))}/content`, {
      scopes: ['Notes.Read'],
    });
    assert.match(back.raw?.toString('utf8') ?? '', /<title>Retro &amp; plan<\/title>[\s\S]*<p>Went &lt;well&gt;<\/p>/);
    const json = call('POST', url, { scopes: ['Notes.Create'], body: { title: 'x' } });
    assert.deepEqual([json.status, json.body.error?.code], [400, '20131']);
    const empty = call('POST', url, {
      scopes: ['Notes.Create'],
      headers: { 'content-type': 'text/html' },
      body: Buffer.from(' '),
    });
    assert.deepEqual([empty.status, empty.body.error?.code], [400, '20132']);
    assert.equal(
      call('POST', url, { scopes: ['Notes.Read'], headers: { 'content-type': 'text/html' }, body: Buffer.from(html) })
        .status,
      403,
    );
  });
});

void describe('graph emulator: Planner', () => {
  const READ = ['Tasks.Read'];
  const WRITE = ['Tasks.ReadWrite'];

  function firstPlan(call: ReturnType<typeof createTestService>['call']) {
    const plans = list(call('GET', '/me/planner/plans?$select=id,title', { scopes: READ }).body.value);
    const plan = plans[0];
    const tasks = list(call('GET', `/planner/plans/${str(plan?.id)}/tasks`, { scopes: READ }).body.value);
    const buckets = list(call('GET', `/planner/plans/${str(plan?.id)}/buckets`, { scopes: READ }).body.value);
    return { plans, plan, tasks, buckets };
  }

  void it("lists the plans of the user's groups, their buckets and tasks, and tasks assigned to the user", () => {
    const { call } = createTestService();
    const { plans, plan, tasks, buckets } = firstPlan(call);
    assert.deepEqual(
      plans.map((p) => p.title),
      ['Mark 8 Project Team plan', 'Retail plan', 'Sales and Marketing plan'],
    );
    assert.deepEqual(
      buckets.map((b) => b.name),
      ['To do', 'In progress', 'Done'],
    );
    assert.ok(tasks.length > 0 && tasks.every((t) => /^W\/"/.test(str(t['@odata.etag']))));
    assert.equal(call('GET', `/planner/plans/${str(plan?.id)}`, { scopes: READ }).body.title, plan?.title);
    const mine = list(call('GET', '/me/planner/tasks', { scopes: READ }).body.value);
    assert.ok(mine.every((t) => Object.keys(t.assignments ?? {}).includes(ADELE.oid)));
    assert.equal(plan?.container, undefined, '$select=id,title leaves the container out');
    assert.equal(call('GET', '/me/planner/plans?$select=nope', { scopes: READ }).status, 400);
    assert.equal(call('GET', '/me/planner/plans', { scopes: ['Notes.Read'] }).status, 403);
  });

  void it('PATCH needs If-Match: missing → 412, not an etag → 400, stale → 412; the right one → 204 and a new etag', () => {
    const { call } = createTestService();
    const { tasks } = firstPlan(call);
    const task = tasks[0];
    const path = `/planner/tasks/${str(task?.id)}`;
    const etag = str(task?.['@odata.etag']);
    const patch = (headers: Record<string, string>, body: unknown = { title: 'Renamed' }) =>
      call('PATCH', path, { scopes: WRITE, headers, body });
    const missing = patch({});
    assert.deepEqual(
      [missing.status, missing.body.error?.message],
      [412, 'The If-Match header must be specified for this kind of request.'],
    );
    assert.equal(patch({ 'if-match': 'not-an-etag' }).status, 400);
    const ok = patch({ 'if-match': etag });
    assert.equal(ok.status, 204);
    const now = call('GET', path, { scopes: READ }).body;
    assert.equal(now.title, 'Renamed');
    assert.notEqual(now['@odata.etag'], etag);
    assert.equal(patch({ 'if-match': etag }, { title: 'Lost update' }).status, 412, 'the old etag is stale now');
    assert.equal(call('GET', path, { scopes: READ }).body.title, 'Renamed');
    const rep = patch(
      { 'if-match': str(now['@odata.etag']), prefer: 'return=representation' },
      { percentComplete: 100 },
    );
    assert.deepEqual([rep.status, num(rep.body.percentComplete)], [200, 100]);
    assert.match(str(rep.body.completedDateTime), /^\d{4}-/);
    assert.equal(patch({ 'if-match': etag }, { title: 'x' }).status, 412);
    assert.equal(call('PATCH', path, { scopes: READ, headers: { 'if-match': '*' }, body: { title: 'x' } }).status, 403);
  });

  void it('validates writes as Planner does and DELETE needs If-Match too', () => {
    const { call } = createTestService();
    const { plan, tasks, buckets } = firstPlan(call);
    const created = call('POST', '/planner/tasks', {
      scopes: WRITE,
      body: {
        planId: plan?.id,
        bucketId: buckets[1]?.id,
        title: 'New',
        dueDateTime: '2026-05-10T12:00:00Z',
        priority: 3,
      },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(
      [created.body.bucketId, created.body.dueDateTime, num(created.body.priority)],
      [buckets[1]?.id, '2026-05-10T12:00:00Z', 3],
    );
    const post = (body: unknown) => call('POST', '/planner/tasks', { scopes: WRITE, body }).status;
    assert.equal(post({ planId: plan?.id }), 400, 'a title is required');
    assert.equal(post({ title: 'x' }), 400, 'a planId is required');
    assert.equal(post({ planId: plan?.id, title: 'x', percentComplete: 101 }), 400);
    assert.equal(post({ planId: plan?.id, title: 'x', dueDateTime: 'tomorrow' }), 400);
    const otherPlan = list(call('GET', '/me/planner/plans', { scopes: READ }).body.value)[1];
    const foreign = list(call('GET', `/planner/plans/${str(otherPlan?.id)}/buckets`, { scopes: READ }).body.value)[0];
    assert.equal(post({ planId: plan?.id, title: 'x', bucketId: foreign?.id }), 400, 'bucket of another plan');
    const path = `/planner/tasks/${str(created.body.id)}`;
    assert.equal(call('DELETE', path, { scopes: WRITE }).status, 412);
    assert.equal(
      call('DELETE', path, { scopes: WRITE, headers: { 'if-match': str(created.body['@odata.etag']) } }).status,
      204,
    );
    assert.equal(call('GET', path, { scopes: READ }).status, 404);
    assert.ok(tasks.length > 0);
  });
});
