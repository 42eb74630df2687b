import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plannerTools, priorityName } from '../../../../bridge/tools/planner.ts';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import { assertCatalogRules, byName, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const ETAG = 'W/"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc="';
const BUCKETS = [
  { id: 'B1', name: 'To do', orderHint: '1' },
  { id: 'B2', name: 'Done', orderHint: '2' },
];
const TASK = {
  '@odata.etag': ETAG,
  id: 'T1',
  planId: 'P1',
  bucketId: 'B1',
  title: 'Order test units',
  percentComplete: 50,
  priority: 1,
  dueDateTime: '2026-05-04T12:00:00Z',
  assignments: { u1: {}, u2: {} },
};

void describe('planner tools catalog', () => {
  void it('reads with Tasks.Read, writes with Tasks.ReadWrite (no Group.*)', () => {
    assertCatalogRules(plannerTools);
    assert.deepEqual(byName(plannerTools, 'list_planner').scopes, ['Tasks.Read']);
    assert.deepEqual(byName(plannerTools, 'save_planner_task').scopes, ['Tasks.Read', 'Tasks.ReadWrite']);
    for (const t of plannerTools) assert.equal(t.outputSchema, undefined);
    assert.deepEqual([0, 1, 3, 5, 9, 10, null].map(priorityName), [
      'urgent',
      'urgent',
      'important',
      'medium',
      'low',
      'low',
      'medium',
    ]);
  });
});

void describe('list_planner', () => {
  void it('lists the plans of your groups', async () => {
    const fake = fakeContext({
      routes: { 'GET /me/planner/plans': { items: [{ id: 'P1', title: 'Launch\nplan' }], nextCursor: null } },
    });
    const result = await runTool(byName(plannerTools, 'list_planner'), {}, fake.ctx);
    assert.deepEqual(fake.graph[0]?.call.query, { $select: 'id,title' });
    assert.equal(result.text, '1 plan(s); [id] is planId:\n- [P1] Launch plan');
  });

  void it("shows a plan's buckets and its tasks with bucket, progress, due date, priority", async () => {
    const fake = fakeContext({
      routes: {
        'GET /planner/plans/P1': { id: 'P1', title: 'Launch' },
        'GET /planner/plans/P1/buckets': { items: BUCKETS, nextCursor: null },
        'GET /planner/plans/P1/tasks': {
          items: [TASK, { id: 'T2', title: 'Ship', bucketId: 'B2', percentComplete: 100, priority: 5 }],
          nextCursor: 'gb1.t',
        },
      },
    });
    const result = await runTool(byName(plannerTools, 'list_planner'), { planId: 'P1' }, fake.ctx);
    assert.deepEqual(fake.graph.find((g) => g.call.path === '/planner/plans/P1/tasks')?.call.query, {
      $select: 'id,title,bucketId,percentComplete,dueDateTime,priority,assignments',
    });
    assert.match(result.text, /^Plan "Launch"\. Buckets: \[B1\] "To do" · \[B2\] "Done"\n2 task\(s\)/);
    assert.match(result.text, /- \[T1\] Order test units \("To do", 50%, due 2026-05-04, urgent, 2 assignee\(s\)\)/);
    assert.match(result.text, /- \[T2\] Ship \("Done", done\)/);
    assert.match(result.text, /cursor "gb1\.t"/);
  });
});

void describe('save_planner_task', () => {
  const routes = {
    'GET /planner/plans/P1': { id: 'P1', title: 'Launch' },
    'GET /planner/plans/P1/buckets': { items: BUCKETS, nextCursor: null },
    'GET /planner/tasks/T1': TASK,
  };

  void it('creates a task: the approval names plan and bucket; the due date is noon UTC', async () => {
    const fake = fakeContext({
      routes: {
        ...routes,
        'POST /planner/tasks': (call) => ({ id: 'T9', ...(call.body as object) }),
      },
    });
    const result = await runTool(
      byName(plannerTools, 'save_planner_task'),
      { planId: 'P1', bucketId: 'B1', title: 'Book lab', dueDate: '2026-05-10', priority: 'important' },
      fake.ctx,
    );
    assert.equal(fake.approvals[0]?.summary, 'Create Planner task "Book lab" in plan "Launch"');
    assert.deepEqual(fake.approvals[0]?.details, {
      Plan: '"Launch"',
      Title: 'Book lab',
      Bucket: '"To do"',
      Due: '2026-05-10',
      Priority: 'important',
    });
    assert.deepEqual(fake.graph.at(-1)?.call.body, {
      planId: 'P1',
      title: 'Book lab',
      bucketId: 'B1',
      dueDateTime: '2026-05-10T12:00:00Z',
      priority: 3,
    });
    assert.deepEqual(fake.graph.at(-1)?.call.scopes, ['Tasks.ReadWrite']);
    assert.match(result.text, /- \[T9\] Book lab \("To do", due 2026-05-10, important\)/);
  });

  void it('updates with If-Match: the etag of the version the person approved', async () => {
    const fake = fakeContext({
      routes: {
        ...routes,
        'PATCH /planner/tasks/T1': (call) => ({ ...TASK, ...(call.body as object) }),
      },
    });
    const result = await runTool(
      byName(plannerTools, 'save_planner_task'),
      { taskId: 'T1', percentComplete: 100, dueDate: 'none', bucketId: 'B2' },
      fake.ctx,
    );
    assert.deepEqual(fake.log, [
      'request GET /planner/tasks/T1',
      'page GET /planner/plans/P1/buckets',
      'approve',
      'request PATCH /planner/tasks/T1',
    ]);
    assert.equal(
      fake.approvals[0]?.summary,
      'Update Planner task "Order test units": bucket "Done", due none, progress 100%',
    );
    const patch = fake.graph.at(-1)?.call;
    assert.deepEqual(patch?.headers, { 'If-Match': ETAG, Prefer: 'return=representation' });
    assert.deepEqual(patch?.body, { bucketId: 'B2', dueDateTime: null, percentComplete: 100 });
    assert.match(result.text, /Updated:\n- \[T1\] Order test units \(done, urgent, 2 assignee\(s\)\)/);
  });

  void it('a stale etag (412) is reported as a conflict, not retried', async () => {
    const fake = fakeContext({
      routes: {
        ...routes,
        'PATCH /planner/tasks/T1': () => {
          throw new ToolError('GRAPH_CONFLICT', 'Microsoft Graph reported a conflict');
        },
      },
    });
    await rejectsWithCode(
      runTool(byName(plannerTools, 'save_planner_task'), { taskId: 'T1', title: 'New' }, fake.ctx),
      'CONFLICT',
      /changed by someone else after it was read, so nothing was saved.*Read it again with list_planner/,
    );
    assert.equal(fake.graph.filter((g) => g.call.method === 'PATCH').length, 1);
  });

  void it('changes nothing when denied (create and update)', async () => {
    for (const input of [
      { planId: 'P1', title: 'x' },
      { taskId: 'T1', title: 'x' },
    ]) {
      const fake = fakeContext({ deny: true, routes });
      await rejectsWithCode(runTool(byName(plannerTools, 'save_planner_task'), input, fake.ctx), 'APPROVAL_DENIED');
      assert.ok(fake.graph.every((g) => g.call.method === 'GET'));
    }
  });

  void it('refuses unclear or empty requests and foreign buckets before asking', async () => {
    const save = (input: unknown) => {
      const fake = fakeContext({ routes });
      return { fake, run: runTool(byName(plannerTools, 'save_planner_task'), input, fake.ctx) };
    };
    await rejectsWithCode(save({ title: 'x' }).run, 'INVALID_INPUT', /taskId .* or planId/);
    await rejectsWithCode(save({ taskId: 'T1', planId: 'P1' }).run, 'INVALID_INPUT');
    await rejectsWithCode(save({ planId: 'P1' }).run, 'INVALID_INPUT', /needs a title/);
    await rejectsWithCode(save({ taskId: 'T1' }).run, 'INVALID_INPUT', /Nothing to change/);
    const foreign = save({ taskId: 'T1', bucketId: 'B-other' });
    await rejectsWithCode(foreign.run, 'INVALID_INPUT', /not a bucket of the task's plan/);
    assert.equal(foreign.fake.approvals.length, 0);
  });
});
