/**
 * graph_request and api_request end to end (calendar: tools-calendar.test.ts; Teams, To Do, OneNote and
 * Planner: tools-teams.test.ts and tools-tasks-notes-planner.test.ts; files and sites: tools-files.test.ts): a real MCP Client
 * over stdio spawning the bridge, a REAL broker signed in to the Entra+Graph emulator (real sockets,
 * real keychain under `node test/run.mjs integration`), and the emulator's request log as the proof of
 * what reached Graph. Writes default to "allow"; graph_request is "ask" so the
 * test can deny/approve them like a user in the tray.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TOOL_GROUPS } from '../../app/shared/tool-groups.ts';
import type { TestBroker } from '../helpers/broker.ts';
import type { RunningEmulator } from '../helpers/emulator.ts';
import { resultText, type BridgeClient } from '../helpers/mcp-client.ts';
import { okStructured, startToolRig, toolHarness, type ToolRig } from '../helpers/tool-harness.ts';

let rig: ToolRig;
let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;

const { lastSeq, graphCalls, decide } = toolHarness(() => ({ emulator, broker: broker.broker, bridge }));

before(async () => {
  // As if a tenant admin had consented: ChannelMessage.Read.All (teams group) is admin-only.
  rig = await startToolRig({
    // The broker's settings decide what is served (--tools only narrows): every group.
    broker: { toolGroups: [...TOOL_GROUPS], writes: 'allow', writeTools: { graph_request: 'ask' } },
    bridge: { clientName: 'tools-more-it', args: ['--tools', 'all'] },
    workPrefix: 'gb-tools-more-',
  });
  ({ emulator, broker, bridge } = rig);
});

after(() => rig?.close());

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
    const me = okStructured<{ json: { displayName: string } }>(await bridge.call('graph_request', { path: '/me' }));
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
    const post = (displayName: string) => ({
      method: 'POST',
      path: '/me/todo/lists',
      body: { displayName },
      scopes: ['Tasks.ReadWrite'],
    });
    const denied = await decide('graph_request', post('Denied list from IT'), 'deny');
    assert.equal(denied.asked.summary, 'Microsoft Graph POST /me/todo/lists');
    assert.equal(denied.result.isError, true);
    assert.equal(graphCalls(since, 'POST', /\/me\/todo\/lists$/).length, 0);

    const approved = await decide('graph_request', post('Approved list from IT'), 'allow-once');
    okStructured(approved.result);
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
