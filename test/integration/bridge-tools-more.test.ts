/**
 * graph_request and api_request end to end (calendar: tools-calendar.test.ts; Teams, To Do, OneNote and
 * Planner: tools-teams.test.ts and tools-tasks-notes-planner.test.ts; files and sites: tools-files.test.ts): a real MCP Client
 * over stdio spawning the bridge, a REAL broker signed in to the Entra+Graph emulator (real sockets,
 * real keychain under `node test/run.mjs integration`), and the emulator's request log as the proof of
 * what reached Graph. Writes default to "allow"; graph_request is "ask" so the
 * test can deny/approve them like a user in the tray.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
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
    writeTools: { graph_request: 'ask' },
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
  const writes = new Set<string>();
  const names = ['graph_request'];
  for (const name of names) {
    const tool = tools.find((t) => t.name === name);
    assert.ok(tool, `${name} is listed`);
    assert.ok(tool.outputSchema, `${name} has an output schema`);
    // MCP defaults (readOnlyHint false, …) are left out of the listing, so writes show no readOnlyHint.
    assert.equal(tool.annotations?.readOnlyHint === true, !writes.has(name) && name !== 'graph_request', name);
    assert.equal(tool.annotations?.openWorldHint, undefined, `${name}: openWorld is the default`);
  }
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
    const lists = resultText(await bridge.call('list_task_lists'));
    assert.match(lists, /\] Approved list from IT/);
    assert.doesNotMatch(lists, /Denied list from IT/);
  });

  void test('api_request without a configured API says how to configure it', async () => {
    const r = await bridge.call('api_request', { path: '/orders' });
    if (r.isError !== true) assert.fail(`expected an error, got ${resultText(r)}`);
    assert.match(resultText(r), /api\.baseUrl|API base URL/);
  });
});
