/**
 * Calendar, files, Teams, To Do, graph_request and api_request tools end to end: a real MCP Client
 * over stdio spawning the bridge, a REAL broker signed in to the Entra+Graph emulator (real sockets,
 * real keychain under `node test/run.mjs integration`), and the emulator's request log as the proof of
 * what reached Graph. Writes default to "allow"; send_chat_message and graph_request are "ask" so the
 * test can deny/approve them like a user in the tray.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { GROUP_SCOPES, TOOL_GROUPS } from '../../app/shared/tool-groups.ts';
import { startTestBroker, type TestBroker, decidePendingWrite } from '../helpers/broker.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { resultText, startBridgeClient, type BridgeClient } from '../helpers/mcp-client.ts';

let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;
let work: string;
let downloads: string;

function ok<T>(r: CallToolResult): T {
  assert.notEqual(r.isError, true, resultText(r));
  return r.structuredContent as T;
}

function lastSeq(): number {
  return emulator.control.requests().at(-1)?.seq ?? 0;
}

function graphCalls(since: number, method: string, path: RegExp) {
  return emulator.control
    .requests(since)
    .filter((r) => r.host === 'graph' && r.method === method && path.test(decodeURIComponent(r.path)));
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gb-tools-more-'));
  downloads = join(work, 'downloads');
  emulator = await startEmulator();
  // As if a tenant admin had consented: ChannelMessage.Read.All (teams group) is admin-only.
  const adele = emulator.users.find((u) => u.upn.startsWith('adele'));
  assert.ok(adele);
  emulator.control.setGrant(adele.oid, emulator.clientId, [
    ...new Set([...Object.values(GROUP_SCOPES).flatMap((g) => [...g.read, ...g.write]), 'Channel.ReadBasic.All']),
  ]);
  broker = await startTestBroker({
    emulator,
    // The broker's settings decide what is served (--tools only narrows): every group.
    toolGroups: [...TOOL_GROUPS],
    writes: 'allow',
    writeTools: { send_chat_message: 'ask', graph_request: 'ask' },
    settings: { uploadFolders: [work] },
  });
  bridge = await startBridgeClient({
    home: broker.home,
    caPath: emulator.caPath,
    clientName: 'tools-more-it',
    args: ['--tools', 'all'],
    env: { GRAPH_BRIDGE_DOWNLOAD_DIR: downloads },
  });
});

after(async () => {
  await bridge?.close();
  await broker?.stop();
  await emulator?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

void test('every tool of these groups is listed with annotations and an output schema', async () => {
  const { tools } = await bridge.client.listTools();
  const writes = new Set([
    'create_event',
    'respond_to_event',
    'upload_file',
    'send_chat_message',
    'create_task',
    'complete_task',
  ]);
  const names = [
    'list_events',
    'get_event',
    'create_event',
    'respond_to_event',
    'find_free_times',
    'list_files',
    'search_files',
    'read_file',
    'upload_file',
    'list_chats',
    'list_chat_messages',
    'send_chat_message',
    'list_joined_teams',
    'list_channel_messages',
    'list_task_lists',
    'list_tasks',
    'create_task',
    'complete_task',
    'graph_request',
  ];
  for (const name of names) {
    const tool = tools.find((t) => t.name === name);
    assert.ok(tool, `${name} is listed`);
    assert.ok(tool.outputSchema, `${name} has an output schema`);
    // MCP defaults (readOnlyHint false, …) are left out of the listing, so writes show no readOnlyHint.
    assert.equal(tool.annotations?.readOnlyHint === true, !writes.has(name) && name !== 'graph_request', name);
    assert.equal(tool.annotations?.openWorldHint, undefined, `${name}: openWorld is the default`);
  }
});

void describe('calendar', () => {
  type Ev = {
    id: string;
    subject: string;
    start: string;
    organizer?: string;
    myResponse?: string;
    attendees: string[];
  };
  type Page = { events: Ev[]; nextCursor: string | null; window: { start: string; end: string } };

  void test('list_events pages through the next 7 days with the cursor; get_event returns the body as text', async () => {
    const first = ok<Page>(await bridge.call('list_events', { top: 3 }));
    assert.equal(first.events.length, 3);
    assert.ok(first.nextCursor, 'the seeded week has more than 3 events');
    const second = ok<Page>(await bridge.call('list_events', { top: 3, cursor: first.nextCursor }));
    assert.ok(second.events.length > 0);
    const ids = new Set([...first.events, ...second.events].map((e) => e.id));
    assert.equal(ids.size, first.events.length + second.events.length, 'pages do not overlap');
    assert.ok(first.events.every((e) => e.start >= first.window.start.slice(0, 10)));

    const got = await bridge.call('get_event', { eventId: first.events[0]!.id });
    const event = ok<{ event: Ev & { body?: string } }>(got).event;
    assert.equal(event.subject, first.events[0]!.subject);
    assert.doesNotMatch(resultText(got), /<(p|div|html|body)\b/i);
    assert.match(resultText(got), /Agenda:/);
  });

  void test('create_event writes to the emulator calendar; respond_to_event accepts an invitation', async () => {
    const start = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const created = ok<{ event: Ev }>(
      await bridge.call('create_event', {
        subject: 'Bridge IT planning',
        start: `${start}T07:00:00`,
        end: `${start}T07:30:00`,
        attendees: ['megan@contoso.onmicrosoft.com'],
        body: 'Created by the integration test',
      }),
    ).event;
    assert.equal(created.subject, 'Bridge IT planning');
    const listed = ok<Page>(
      await bridge.call('list_events', { start: `${start}T00:00:00Z`, end: `${start}T23:59:00Z`, top: 50 }),
    );
    assert.ok(listed.events.some((e) => e.id === created.id));

    const seen: Ev[] = [];
    let cursor: string | null = null;
    let invite: Ev | undefined;
    for (let i = 0; i < 10 && invite === undefined; i++) {
      const end = new Date(Date.now() + 28 * 86_400_000).toISOString();
      const page: Page = ok<Page>(await bridge.call('list_events', { end, top: 20, ...(cursor ? { cursor } : {}) }));
      seen.push(...page.events);
      invite = page.events.find((e) => e.myResponse === 'none' || e.myResponse === 'notResponded');
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    assert.ok(
      invite,
      `an invitation from a colleague: ${JSON.stringify(seen.map((e) => [e.subject, e.organizer, e.myResponse]))}`,
    );
    const since = lastSeq();
    const r = ok<{ response: string }>(
      await bridge.call('respond_to_event', { eventId: invite.id, response: 'accept', comment: 'See you there' }),
    );
    assert.equal(r.response, 'accept');
    assert.equal(graphCalls(since, 'POST', /\/accept$/).length, 1);
    const after = ok<{ event: Ev }>(await bridge.call('get_event', { eventId: invite.id })).event;
    assert.equal(after.myResponse, 'accepted');
  });

  // getSchedule is a read sent as POST: the tool marks it readOnly, so the write gate lets it through unasked.
  void test('find_free_times computes common free slots from calendarView + getSchedule', async () => {
    const since = lastSeq();
    const r = await bridge.call('find_free_times', {
      attendees: ['megan@contoso.onmicrosoft.com'],
      durationMinutes: 30,
      workingHoursOnly: false,
    });
    const s = ok<{ slots: { start: string; end: string }[]; participants: string[] }>(r);
    assert.deepEqual(s.participants, ['me', 'megan@contoso.onmicrosoft.com']);
    assert.ok(s.slots.length > 0, resultText(r));
    for (const slot of s.slots) assert.ok(Date.parse(slot.end) - Date.parse(slot.start) >= 30 * 60_000);
    assert.equal(graphCalls(since, 'POST', /getSchedule$/).length, 1);
    assert.equal(graphCalls(since, 'GET', /\/me\/calendarView$/).length, 1);
  });
});

void describe('files', () => {
  type Item = { id: string; name: string; kind: string; size?: number; path?: string };
  type List = { items: Item[]; nextCursor: string | null };

  void test('list_files (root, path, paging) and search_files', async () => {
    const root = ok<List>(await bridge.call('list_files', {}));
    assert.ok(root.items.some((i) => i.name === 'Documents' && i.kind === 'folder'));
    const reports = ok<List>(await bridge.call('list_files', { path: 'Documents/Reports' }));
    assert.deepEqual(reports.items.map((i) => i.name).sort(), ['Q1 sales.csv', 'Q2 sales.csv', 'summary.json']);
    const p1 = ok<List>(await bridge.call('list_files', { top: 2 }));
    assert.equal(p1.items.length, 2);
    assert.ok(p1.nextCursor);
    const p2 = ok<List>(await bridge.call('list_files', { top: 2, cursor: p1.nextCursor }));
    assert.ok(p2.items.length > 0);
    assert.ok(!p2.items.some((i) => p1.items.some((j) => j.id === i.id)));
    const found = ok<List>(await bridge.call('search_files', { query: 'Falcon' }));
    assert.ok(
      found.items.some((i) => i.name === 'Falcon plan.docx'),
      JSON.stringify(found),
    );
  });

  void test('read_file: small text inline; binary saved to disk with the bytes Graph has', async () => {
    const text = await bridge.call('read_file', { path: 'Notes/todo.txt' });
    const t = ok<{ inline: boolean; content: string }>(text);
    assert.equal(t.inline, true);
    assert.equal(t.content, '- call Northwind\n- send Q2 summary\n- book offsite venue\n');

    const found = ok<List>(await bridge.call('search_files', { query: 'Falcon plan' }));
    const docx = found.items.find((i) => i.name === 'Falcon plan.docx');
    assert.ok(docx?.size);
    const bin = await bridge.call('read_file', { itemId: docx.id });
    const b = ok<{ inline: boolean; savedPath: string; content?: string }>(bin);
    assert.equal(b.inline, false);
    assert.equal(b.content, undefined);
    assert.ok(b.savedPath.startsWith(downloads), b.savedPath);
    const bytes = await readFile(b.savedPath);
    assert.equal(bytes.length, docx.size);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a docx is a zip');
    assert.doesNotMatch(resultText(bin), /UEsDB/, 'no base64 zip in the model context');
  });

  void test('upload_file from a local binary file, read back byte-for-byte from the emulator', async () => {
    const local = join(work, 'blob.bin');
    const data = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x00, 0x7f, 0x80, ...Buffer.from('graph bridge')]);
    await writeFile(local, data);
    const up = ok<{ item: Item }>(
      await bridge.call('upload_file', { path: 'Notes/it-blob.bin', localPath: local, conflictBehavior: 'replace' }),
    );
    assert.equal(up.item.name, 'it-blob.bin');
    const read = ok<{ savedPath: string }>(await bridge.call('read_file', { path: 'Notes/it-blob.bin' }));
    assert.deepEqual(await readFile(read.savedPath), data);
    assert.equal((await stat(read.savedPath)).size, data.length);

    const again = await bridge.call('upload_file', { path: 'Notes/it-blob.bin', content: 'x' });
    assert.equal(again.isError, true, 'default conflictBehavior fail refuses to overwrite');
  });

  void test('upload_file refuses > 4 MB before asking or sending', async () => {
    const since = lastSeq();
    const r = await bridge.call('upload_file', { path: 'big.txt', content: 'x'.repeat(4 * 1024 * 1024 + 1) });
    assert.equal(r.isError, true);
    assert.match(resultText(r), /at most 4 MB/);
    assert.equal(graphCalls(since, 'PUT', /big\.txt/).length, 0);
  });
});

void describe('teams', () => {
  type Chat = { id: string; topic?: string; chatType: string; members: string[] };
  type Msg = { id: string; from: string; text: string };

  void test('list_chats, list_chat_messages (paging, text bodies), list_joined_teams, list_channel_messages', async () => {
    const chats = ok<{ chats: Chat[] }>(await bridge.call('list_chats', { top: 50 })).chats;
    const falcon = chats.find((c) => c.topic === 'Falcon launch');
    assert.ok(falcon, JSON.stringify(chats.map((c) => c.topic)));
    assert.ok(falcon.members.length >= 3);
    const p1 = ok<{ messages: Msg[]; nextCursor: string | null }>(
      await bridge.call('list_chat_messages', { chatId: falcon.id, top: 10 }),
    );
    assert.equal(p1.messages.length, 10);
    assert.ok(p1.nextCursor);
    assert.ok(p1.messages.every((m) => !/<p>/.test(m.text)));
    const p2 = ok<{ messages: Msg[] }>(
      await bridge.call('list_chat_messages', { chatId: falcon.id, cursor: p1.nextCursor }),
    );
    assert.ok(p2.messages.length > 0 && !p2.messages.some((m) => p1.messages.some((n) => n.id === m.id)));

    const teams = ok<{ teams: { id: string; displayName: string }[] }>(await bridge.call('list_joined_teams')).teams;
    assert.ok(teams.length > 0);
    // The channel id comes from graph_request (list_channels needs Channel.ReadBasic.All, see docs/bridge-tools.md).
    const channels = await bridge.call('graph_request', {
      path: `/teams/${teams[0]!.id}/channels`,
      query: { $select: 'id,displayName' },
      scopes: ['Channel.ReadBasic.All'],
    });
    const channelId = (ok<{ json: { value: { id: string }[] } }>(channels).json.value[0] ?? { id: '' }).id;
    assert.ok(channelId);
    const cm = ok<{ messages: Msg[] }>(
      await bridge.call('list_channel_messages', { teamId: teams[0]!.id, channelId, top: 5 }),
    );
    assert.equal(cm.messages.length, 5);
  });

  void test('send_chat_message: denied in the tray → nothing reaches Graph; approved → posted', async () => {
    const chats = ok<{ chats: Chat[] }>(await bridge.call('list_chats', { top: 50 })).chats;
    const lunch = chats.find((c) => c.topic === 'Lunch crew');
    assert.ok(lunch);

    const since = lastSeq();
    const denied = bridge.call('send_chat_message', { chatId: lunch.id, text: 'DENIED message from the IT' });
    const asked = await decidePendingWrite(broker.broker, 'send_chat_message', 'deny', denied);
    assert.match(asked.summary, /"Lunch crew"/);
    assert.match(asked.summary, /DENIED message/);
    assert.ok(asked.details.Members && asked.details.Members.length > 0);
    const r = await denied;
    assert.equal(r.isError, true);
    assert.match(resultText(r), /did not approve/);
    assert.equal(graphCalls(since, 'POST', /\/chats\/.*\/messages$/).length, 0, 'the denied post never reached Graph');

    const approved = bridge.call('send_chat_message', { chatId: lunch.id, text: 'Approved message from the IT' });
    await decidePendingWrite(broker.broker, 'send_chat_message', 'allow-once', approved);
    ok(await approved);
    const latest = ok<{ messages: Msg[] }>(
      await bridge.call('list_chat_messages', { chatId: lunch.id, top: 1 }),
    ).messages;
    assert.equal(latest[0]?.text, 'Approved message from the IT');
    assert.ok(!emulator.control.requests(since).some((e) => JSON.stringify(e.body ?? '').includes('DENIED message')));
  });
});

void describe('tasks', () => {
  type List = { id: string; displayName: string };
  type Task = { id: string; title: string; status: string };

  void test('list_task_lists, list_tasks, create_task, complete_task', async () => {
    const lists = ok<{ lists: List[] }>(await bridge.call('list_task_lists')).lists;
    const groceries = lists.find((l) => l.displayName === 'Groceries');
    assert.ok(groceries);
    const open = ok<{ tasks: Task[] }>(await bridge.call('list_tasks', { listId: groceries.id })).tasks;
    assert.deepEqual(open.map((t) => t.title).sort(), ['Apples', 'Coffee beans', 'Oat milk']);

    const created = ok<{ task: Task }>(
      await bridge.call('create_task', {
        listId: groceries.id,
        title: 'Bread',
        dueDate: '2030-01-02',
        importance: 'high',
      }),
    ).task;
    assert.equal(created.title, 'Bread');
    const done = ok<{ task: Task }>(
      await bridge.call('complete_task', { listId: groceries.id, taskId: created.id }),
    ).task;
    assert.equal(done.status, 'completed');
    const openAfter = ok<{ tasks: Task[] }>(await bridge.call('list_tasks', { listId: groceries.id })).tasks;
    assert.ok(!openAfter.some((t) => t.id === created.id));
    const all = ok<{ tasks: Task[] }>(
      await bridge.call('list_tasks', { listId: groceries.id, includeCompleted: true }),
    ).tasks;
    assert.ok(all.some((t) => t.id === created.id && t.status === 'completed'));
  });

  void test('list_tasks pages with the cursor', async () => {
    const lists = ok<{ lists: List[] }>(await bridge.call('list_task_lists')).lists;
    const tasks = lists.find((l) => l.displayName === 'Tasks');
    assert.ok(tasks);
    const p1 = ok<{ tasks: Task[]; nextCursor: string | null }>(
      await bridge.call('list_tasks', { listId: tasks.id, top: 3 }),
    );
    assert.equal(p1.tasks.length, 3);
    assert.ok(p1.nextCursor);
    const p2 = ok<{ tasks: Task[] }>(
      await bridge.call('list_tasks', { listId: tasks.id, top: 3, cursor: p1.nextCursor }),
    );
    assert.ok(p2.tasks.length > 0 && !p2.tasks.some((t) => p1.tasks.some((u) => u.id === t.id)));
  });
});

void describe('graph_request and api_request', () => {
  void test('GET runs without approval; path traversal and absolute URLs are refused before Graph', async () => {
    const me = ok<{ json: { displayName: string } }>(await bridge.call('graph_request', { path: '/me' }));
    assert.equal(me.json.displayName, 'Adele Vance');
    const since = lastSeq();
    for (const path of ['https://evil.example/v1.0/me', '/me/../users', '/me/%2e%2e/users']) {
      const r = await bridge.call('graph_request', { path });
      assert.equal(r.isError, true, path);
    }
    assert.equal(emulator.control.requests(since).filter((e) => e.host === 'graph').length, 0);
  });

  void test('a denied POST never reaches Graph; an approved one does', async () => {
    const since = lastSeq();
    const body = { displayName: 'Denied list from IT' };
    const denied = bridge.call('graph_request', {
      method: 'POST',
      path: '/me/todo/lists',
      body,
      scopes: ['Tasks.ReadWrite'],
    });
    const asked = await decidePendingWrite(broker.broker, 'graph_request', 'deny', denied);
    assert.equal(asked.summary, 'Microsoft Graph POST /me/todo/lists');
    assert.equal((await denied).isError, true);
    assert.equal(graphCalls(since, 'POST', /\/me\/todo\/lists$/).length, 0);

    const approved = bridge.call('graph_request', {
      method: 'POST',
      path: '/me/todo/lists',
      body: { displayName: 'Approved list from IT' },
      scopes: ['Tasks.ReadWrite'],
    });
    await decidePendingWrite(broker.broker, 'graph_request', 'allow-once', approved);
    ok(await approved);
    const lists = ok<{ lists: { displayName: string }[] }>(await bridge.call('list_task_lists')).lists;
    assert.ok(lists.some((l) => l.displayName === 'Approved list from IT'));
    assert.ok(!lists.some((l) => l.displayName === 'Denied list from IT'));
  });

  void test('api_request without a configured API says how to configure it', async () => {
    const r = await bridge.call('api_request', { path: '/orders' });
    if (r.isError !== true) assert.fail(`expected an error, got ${resultText(r)}`);
    assert.match(resultText(r), /api\.baseUrl|API base URL/);
  });
});
