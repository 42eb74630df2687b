/**
 * To Do, OneNote and Planner tools end to end (issue #12): a real MCP Client over stdio spawning
 * dist/bridge.js, a REAL broker signed in to the Entra+Graph emulator with the tasks, notes, planner
 * (and graph, for the "someone else edits" step) groups on, and the emulator's request log as the
 * proof of what reached Graph. Every write of these groups is "ask": each is denied once (nothing
 * reaches Graph) and approved once (the change is read back through the tools).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { pendingWrite, type TestBroker } from '../helpers/broker.ts';
import type { RunningEmulator } from '../helpers/emulator.ts';
import { resultText, type BridgeClient } from '../helpers/mcp-client.ts';
import { idOf, okText, startToolRig, toolHarness, type ToolRig } from '../helpers/tool-harness.ts';

let rig: ToolRig;
let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;

const WRITES = ['create_task', 'update_task', 'create_note_page', 'save_planner_task'] as const;

const { lastSeq, graphWrites, decide, deniedSendsNothing } = toolHarness(() => ({
  emulator,
  broker: broker.broker,
  bridge,
}));

before(async () => {
  const groups = ['tasks', 'notes', 'planner', 'graph'] as const;
  rig = await startToolRig({
    grant: groups.flatMap((g) => [...GROUP_SCOPES[g].read, ...GROUP_SCOPES[g].write]),
    broker: {
      toolGroups: [...groups],
      writes: 'ask',
      writeTools: { ...Object.fromEntries(WRITES.map((t) => [t, 'ask' as const])), graph_request: 'allow' },
    },
    bridge: { entry: 'dist', clientName: 'organize-it' },
  });
  ({ emulator, broker, bridge } = rig);
});

after(() => rig?.close());

void test('the groups list their tools, text-only, within their budgets', async () => {
  const { tools } = await bridge.client.listTools();
  const budget = { tasks: 3500, notes: 2500, planner: 2500 };
  const names = {
    tasks: ['list_task_lists', 'list_tasks', 'create_task', 'update_task'],
    notes: ['list_notes', 'read_note_page', 'create_note_page'],
    planner: ['list_planner', 'save_planner_task'],
  };
  for (const [group, list] of Object.entries(names)) {
    const listed = tools.filter((t) => list.includes(t.name));
    assert.deepEqual(
      listed.map((t) => t.name),
      list,
    );
    const bytes = listed.reduce((n, t) => n + Buffer.byteLength(JSON.stringify(t)), 0);
    assert.ok(bytes <= budget[group as keyof typeof budget], `${group}: ${bytes} bytes`);
    for (const t of listed) {
      assert.equal(t.outputSchema, undefined, t.name);
      assert.equal(t.annotations?.readOnlyHint === true, !(WRITES as readonly string[]).includes(t.name), t.name);
    }
  }
  assert.equal(
    tools.find((t) => t.name === 'complete_task'),
    undefined,
    'update_task replaced it',
  );
});

void describe('To Do', () => {
  void test('create_task, then update_task update / complete / reopen / delete — each denied once first', async () => {
    const listId = idOf(okText(await bridge.call('list_task_lists')), /\] Groceries/);
    await deniedSendsNothing(
      'create_task',
      { listId, title: 'Denied task' },
      /^Create To Do task "Denied task" in "Groceries"/,
    );
    const created = await decide('create_task', { listId, title: 'Bread', dueDate: '2026-07-01' }, 'allow-once');
    const taskId = idOf(okText(created.result), /\] Bread/);
    assert.match(taskId, /^t[0-9a-z]{8,}$/);

    const steps: [Record<string, unknown>, RegExp, RegExp][] = [
      [
        { action: 'update', title: 'Sourdough bread', importance: 'high', dueDate: 'none' },
        /^Update To Do task "Bread": title Sourdough bread, due \(none\), importance high$/,
        /- \[t[0-9a-z]+\] Sourdough bread \(high importance\)$/m,
      ],
      [
        { action: 'complete' },
        /^Mark To Do task "Sourdough bread" as completed$/,
        /Sourdough bread \(done, high importance\)/,
      ],
      [{ action: 'reopen' }, /^Reopen To Do task "Sourdough bread"$/, /Sourdough bread \(high importance\)$/m],
    ];
    for (const [args, summary, after] of steps) {
      await deniedSendsNothing('update_task', { listId, taskId, ...args }, summary);
      okText((await decide('update_task', { listId, taskId, ...args }, 'allow-once')).result);
      const all = okText(await bridge.call('list_tasks', { listId, includeCompleted: true }));
      assert.match(all, after);
    }
    await deniedSendsNothing(
      'update_task',
      { listId, taskId, action: 'delete' },
      /^Delete To Do task "Sourdough bread" from "Groceries"$/,
    );
    const since = lastSeq();
    okText((await decide('update_task', { listId, taskId, action: 'delete' }, 'allow-once')).result);
    assert.deepEqual(
      graphWrites(since).map((r) => [r.method, r.status]),
      [['DELETE', 204]],
    );
    assert.doesNotMatch(okText(await bridge.call('list_tasks', { listId, includeCompleted: true })), /Sourdough/);
  });
});

void describe('OneNote', () => {
  void test('list_notes → sections → pages → read_note_page as text', async () => {
    const sections = okText(await bridge.call('list_notes'));
    const meetings = idOf(sections, /Adele's Notebook › Meetings$/);
    assert.match(meetings, /^n[0-9a-z]{8,}$/);
    assert.match(sections, /Adele's Notebook › Projects › Falcon/);
    const pages = okText(await bridge.call('list_notes', { sectionId: meetings }));
    const weekly = idOf(pages, /\] Weekly sync \(edited /);
    assert.match(weekly, /^r[0-9a-z]{8,}$/);
    const page = okText(await bridge.call('read_note_page', { pageId: weekly }));
    assert.equal(
      page,
      '# Weekly sync\n\nAttendees: the project team.\n\nDecisions: ship the beta on Friday.\n\nAction: update the QBR deck.',
    );
  });

  void test('create_note_page: denied → nothing; approved → HTML-escaped page that reads back as the same text', async () => {
    const sectionId = idOf(okText(await bridge.call('list_notes')), /› Quick Notes$/);
    const args = {
      sectionId,
      title: 'Retro <b>& plan</b>',
      text: 'Went well: <script>x</script>\nnext line\n\nSecond "para"',
    };
    await deniedSendsNothing(
      'create_note_page',
      args,
      /^Create OneNote page "Retro <b>& plan<\/b>" in "Adele's Notebook › Quick Notes"$/,
    );
    const since = lastSeq();
    const created = okText((await decide('create_note_page', args, 'allow-once')).result);
    const [post] = graphWrites(since);
    assert.equal(post?.headers['content-type'], 'text/html');
    assert.equal(post?.status, 201);
    const pageId = /page id: (\S+)/.exec(created)?.[1] ?? '';
    const back = okText(await bridge.call('read_note_page', { pageId }));
    assert.equal(back, '# Retro <b>& plan</b>\n\nWent well: <script>x</script>\nnext line\n\nSecond "para"');
  });
});

void describe('Planner', () => {
  async function markPlan(): Promise<{ planId: string; plan: string }> {
    const plans = okText(await bridge.call('list_planner'));
    const planId = idOf(plans, /Mark 8 Project Team plan/);
    assert.match(planId, /^j[0-9a-z]{8,}$/);
    return { planId, plan: okText(await bridge.call('list_planner', { planId })) };
  }

  void test('list_planner → plan buckets and tasks; save_planner_task creates and updates (each denied once first)', async () => {
    const { planId, plan } = await markPlan();
    const doneBucket = /\[(b[0-9a-z]+)\] "Done"/.exec(plan)?.[1];
    assert.ok(doneBucket, plan);
    await deniedSendsNothing(
      'save_planner_task',
      { planId, title: 'Denied' },
      /^Create Planner task "Denied" in plan "Mark 8 Project Team plan"$/,
    );
    const created = okText(
      (
        await decide(
          'save_planner_task',
          { planId, title: 'Print posters', dueDate: '2026-08-01', priority: 'urgent' },
          'allow-once',
        )
      ).result,
    );
    const taskId = idOf(created, /Print posters/);
    assert.match(taskId, /^z[0-9a-z]{8,}$/);
    assert.match(created, /Print posters \(due 2026-08-01, urgent\)/);

    await deniedSendsNothing(
      'save_planner_task',
      { taskId, percentComplete: 100 },
      /^Update Planner task "Print posters": progress 100%$/,
    );
    const since = lastSeq();
    okText(
      (await decide('save_planner_task', { taskId, percentComplete: 100, bucketId: doneBucket }, 'allow-once')).result,
    );
    const [patch] = graphWrites(since);
    assert.equal(patch?.method, 'PATCH');
    assert.match(patch?.headers['if-match'] ?? '', /^W\/"/, 'PATCH carries If-Match');
    assert.match(
      okText(await bridge.call('list_planner', { planId })),
      /Print posters \("Done", done, due 2026-08-01, urgent\)/,
    );
  });

  void test('a change made by someone else while the approval is open is not overwritten: 412, reported', async () => {
    const { planId, plan } = await markPlan();
    const taskId = idOf(plan, /\] Battery life benchmark/);
    const call = bridge.call('save_planner_task', { taskId, title: 'Battery benchmark v2' });
    const approval = (await pendingWrite(broker.broker, 'save_planner_task', call)).id;
    // Meanwhile the task changes in Planner (here through graph_request, as another client would).
    const current = okText(
      await bridge.call('graph_request', { path: `/planner/tasks/${taskId}`, scopes: ['Tasks.Read'] }),
    );
    const etag = /"@odata\.etag":\s*"((?:[^"\\]|\\.)*)"/.exec(current)?.[1]?.replace(/\\"/g, '"');
    assert.ok(etag, current);
    const edited = await bridge.call('graph_request', {
      method: 'PATCH',
      path: `/planner/tasks/${taskId}`,
      headers: { 'If-Match': etag },
      body: { title: 'Battery life benchmark (edited elsewhere)' },
      scopes: ['Tasks.ReadWrite'],
    });
    okText(edited);
    const since = lastSeq();
    assert.equal(broker.broker.decideWrite(approval, 'allow-once').ok, true);
    const result = await call;
    assert.equal(result.isError, true);
    assert.match(resultText(result), /changed by someone else after it was read, so nothing was saved/);
    assert.deepEqual(
      graphWrites(since).map((r) => [r.method, r.status]),
      [['PATCH', 412]],
    );
    assert.match(okText(await bridge.call('list_planner', { planId })), /Battery life benchmark \(edited elsewhere\)/);
  });
});
