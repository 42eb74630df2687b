import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tasksTools } from '../../../../bridge/tools/tasks.ts';
import { assertCatalogRules, byName, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const LISTS = [
  { id: 'L1', displayName: 'Tasks', wellknownListName: 'defaultList', isShared: false },
  { id: 'L2', displayName: 'Groceries', wellknownListName: 'none', isShared: true },
];
const TASK = {
  id: 'T1',
  title: 'Write report',
  status: 'notStarted',
  importance: 'high',
  dueDateTime: { dateTime: '2026-05-06T00:00:00.0000000', timeZone: 'UTC' },
  body: { contentType: 'html', content: '<p>Use the <b>Q3</b> numbers</p>' },
};

void describe('tasks tools catalog', () => {
  void it('follows the catalog rules', () => {
    assertCatalogRules(tasksTools);
    assert.deepEqual(byName(tasksTools, 'list_tasks').scopes, ['Tasks.Read']);
    assert.deepEqual(byName(tasksTools, 'complete_task').scopes, ['Tasks.ReadWrite']);
    assert.equal(byName(tasksTools, 'complete_task').annotations.idempotentHint, true);
  });
});

void describe('list_task_lists / list_tasks', () => {
  void it('lists lists, marking the default and shared ones', async () => {
    const fake = fakeContext({ routes: { 'GET /me/todo/lists': { items: LISTS, nextCursor: null } } });
    const result = await runTool(byName(tasksTools, 'list_task_lists'), {}, fake.ctx);
    assert.match(result.text, /- \[L1\] Tasks \(default\)\n- \[L2\] Groceries \(shared\)/);
  });

  void it('filters out completed tasks unless asked, and shapes notes as text', async () => {
    const fake = fakeContext({ routes: { 'GET /me/todo/lists/L1/tasks': { items: [TASK], nextCursor: null } } });
    const open = await runTool(byName(tasksTools, 'list_tasks'), { listId: 'L1' }, fake.ctx);
    assert.equal(fake.graph[0]?.call.query?.$filter, "status ne 'completed'");
    assert.equal(fake.graph[0]?.call.pathTemplate, '/me/todo/lists/{id}/tasks');
    assert.match(open.text, /- \[T1\] Write report \(high importance, due 2026-05-06\)\n {2}notes: Use the Q3 numbers/);
    await runTool(byName(tasksTools, 'list_tasks'), { listId: 'L1', includeCompleted: true }, fake.ctx);
    assert.equal(fake.graph[1]?.call.query?.$filter, undefined);
  });
});

void describe('create_task', () => {
  void it('names the list in the approval, then POSTs the task', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/todo/lists': { items: LISTS, nextCursor: null },
        'POST /me/todo/lists/L2/tasks': (call) => ({ id: 'T9', status: 'notStarted', ...(call.body as object) }),
      },
    });
    const result = await runTool(
      byName(tasksTools, 'create_task'),
      { listId: 'L2', title: 'Buy milk', dueDate: '2026-05-07', timeZone: 'Europe/Berlin', notes: 'oat' },
      fake.ctx,
    );
    assert.deepEqual(fake.log, ['page GET /me/todo/lists', 'approve', 'request POST /me/todo/lists/L2/tasks']);
    assert.equal(fake.approvals[0]?.summary, 'Create To Do task "Buy milk" in "Groceries", due 2026-05-07');
    assert.deepEqual(fake.graph[1]?.call.body, {
      title: 'Buy milk',
      importance: 'normal',
      body: { contentType: 'text', content: 'oat' },
      dueDateTime: { dateTime: '2026-05-07T00:00:00', timeZone: 'Europe/Berlin' },
    });
    assert.match(result.text, /Created task in "Groceries":\n- \[T9\] Buy milk/);
  });

  void it('creates nothing when denied, and validates the due date', async () => {
    const fake = fakeContext({ deny: true, routes: { 'GET /me/todo/lists': { items: LISTS, nextCursor: null } } });
    await rejectsWithCode(
      runTool(byName(tasksTools, 'create_task'), { listId: 'L1', title: 'x' }, fake.ctx),
      'APPROVAL_DENIED',
    );
    assert.ok(fake.graph.every((g) => g.call.method === 'GET'));
    await assert.rejects(
      runTool(byName(tasksTools, 'create_task'), { listId: 'L1', title: 'x', dueDate: 'tomorrow' }, fake.ctx),
    );
  });
});

void describe('complete_task', () => {
  void it('reads the title, asks, then PATCHes status completed', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/todo/lists/L1/tasks/T1': TASK,
        'PATCH /me/todo/lists/L1/tasks/T1': {
          ...TASK,
          status: 'completed',
          completedDateTime: { dateTime: '2026-05-04T10:00:00.0000000', timeZone: 'UTC' },
        },
      },
    });
    const result = await runTool(byName(tasksTools, 'complete_task'), { listId: 'L1', taskId: 'T1' }, fake.ctx);
    assert.deepEqual(fake.log, [
      'request GET /me/todo/lists/L1/tasks/T1',
      'approve',
      'request PATCH /me/todo/lists/L1/tasks/T1',
    ]);
    assert.equal(fake.approvals[0]?.summary, 'Mark To Do task "Write report" as completed');
    assert.deepEqual(fake.graph[1]?.call.body, { status: 'completed' });
    assert.equal((result.structured?.task as { status: string }).status, 'completed');
  });

  void it('changes nothing when denied', async () => {
    const fake = fakeContext({ deny: true, routes: { 'GET /me/todo/lists/L1/tasks/T1': TASK } });
    await rejectsWithCode(
      runTool(byName(tasksTools, 'complete_task'), { listId: 'L1', taskId: 'T1' }, fake.ctx),
      'APPROVAL_DENIED',
    );
    assert.deepEqual(fake.log, ['request GET /me/todo/lists/L1/tasks/T1', 'approve']);
  });
});
