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
  void it('follows the catalog rules; update_task replaces complete_task', () => {
    assertCatalogRules(tasksTools);
    assert.deepEqual(
      tasksTools.map((t) => t.name),
      ['list_task_lists', 'list_tasks', 'create_task', 'update_task'],
    );
    assert.deepEqual(byName(tasksTools, 'list_tasks').scopes, ['Tasks.Read']);
    assert.deepEqual(byName(tasksTools, 'update_task').scopes, ['Tasks.Read', 'Tasks.ReadWrite']);
    const update = byName(tasksTools, 'update_task').annotations;
    assert.equal(update.destructiveHint, true, 'it can delete');
    assert.equal(update.idempotentHint, true);
    for (const t of tasksTools) assert.equal(t.outputSchema, undefined, `${t.name}: results are text`);
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

void describe('update_task', () => {
  const routes = {
    'GET /me/todo/lists': { items: LISTS, nextCursor: null },
    'GET /me/todo/lists/L1/tasks/T1': TASK,
    'PATCH /me/todo/lists/L1/tasks/T1': (call: { body?: unknown }) => ({ ...TASK, ...(call.body as object) }),
    'DELETE /me/todo/lists/L1/tasks/T1': undefined,
  };
  const update = (input: Record<string, unknown>, deny = false) => {
    const fake = fakeContext({ deny, routes });
    return {
      fake,
      run: runTool(byName(tasksTools, 'update_task'), { listId: 'L1', taskId: 'T1', ...input }, fake.ctx),
    };
  };

  void it('complete: reads the title, asks, then PATCHes status completed', async () => {
    const { fake, run } = update({ action: 'complete' });
    const result = await run;
    assert.deepEqual(fake.log, [
      'request GET /me/todo/lists/L1/tasks/T1',
      'approve',
      'request PATCH /me/todo/lists/L1/tasks/T1',
    ]);
    assert.deepEqual(fake.graph[0]?.call.scopes, ['Tasks.Read']);
    assert.equal(fake.approvals[0]?.summary, 'Mark To Do task "Write report" as completed');
    assert.deepEqual(fake.graph[1]?.call.body, { status: 'completed' });
    assert.deepEqual(fake.graph[1]?.call.scopes, ['Tasks.ReadWrite']);
    assert.match(result.text, /^Completed:\n- \[T1\] Write report \(done, high importance/);
  });

  void it('reopen: PATCHes status notStarted', async () => {
    const { fake, run } = update({ action: 'reopen' });
    await run;
    assert.equal(fake.approvals[0]?.summary, 'Reopen To Do task "Write report"');
    assert.deepEqual(fake.graph[1]?.call.body, { status: 'notStarted' });
  });

  void it('update: PATCHes only the given fields and names each change in the approval', async () => {
    const { fake, run } = update({
      action: 'update',
      title: 'Write the report',
      notes: '',
      dueDate: '2026-06-01',
      timeZone: 'Europe/Berlin',
      importance: 'low',
    });
    const result = await run;
    assert.equal(
      fake.approvals[0]?.summary,
      'Update To Do task "Write report": title Write the report, notes (cleared), due 2026-06-01, importance low',
    );
    assert.deepEqual(fake.graph[1]?.call.body, {
      title: 'Write the report',
      body: { contentType: 'text', content: '' },
      dueDateTime: { dateTime: '2026-06-01T00:00:00', timeZone: 'Europe/Berlin' },
      importance: 'low',
    });
    assert.match(result.text, /^Updated:\n- \[T1\] Write the report \(low importance, due 2026-06-01\)/);
    const clear = update({ action: 'update', dueDate: 'none' });
    await clear.run;
    assert.deepEqual(clear.fake.graph[1]?.call.body, { dueDateTime: null });
  });

  void it('delete: names the task and its list, then DELETEs', async () => {
    const { fake, run } = update({ action: 'delete' });
    const result = await run;
    assert.equal(fake.approvals[0]?.summary, 'Delete To Do task "Write report" from "Tasks"');
    assert.equal(fake.log.at(-1), 'request DELETE /me/todo/lists/L1/tasks/T1');
    assert.equal(result.text, 'Deleted task "Write report".');
  });

  void it('changes nothing when denied, for every action', async () => {
    for (const input of [
      { action: 'update', title: 'x' },
      { action: 'complete' },
      { action: 'reopen' },
      { action: 'delete' },
    ]) {
      const { fake, run } = update(input, true);
      await rejectsWithCode(run, 'APPROVAL_DENIED');
      assert.ok(
        fake.graph.every((g) => g.call.method === 'GET'),
        `${input.action}: ${fake.log.join(', ')}`,
      );
    }
  });

  void it('refuses an update without fields, and fields with other actions, before reading anything', async () => {
    const empty = update({ action: 'update' });
    await rejectsWithCode(empty.run, 'INVALID_INPUT', /needs a field to change/);
    const mixed = update({ action: 'delete', title: 'x' });
    await rejectsWithCode(mixed.run, 'INVALID_INPUT', /takes no fields/);
    assert.equal(empty.fake.graph.length + mixed.fake.graph.length, 0);
    await assert.rejects(update({ action: 'update', dueDate: 'soon' }).run);
  });
});
