/**
 * The broker's settings are authoritative (issue #11.8, #15), end to end: a REAL broker signed in to
 * the emulator, the built bridge (dist/bridge.js) spawned as editors do, driven by the MCP SDK Client.
 *  - settings `readOnly: true` + the editor entry's GRAPH_BRIDGE_READ_ONLY=0: no write tool is listed,
 *    a write attempted anyway is refused and nothing reaches Graph (emulator request log);
 *  - read-only turned on while a bridge runs: the bridge still believes it may write, the BROKER
 *    refuses the approval, nothing reaches Graph, and the editor is told the tool list changed;
 *  - a group off in the settings is neither listed nor served, whatever GRAPH_BRIDGE_TOOLS says.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { resultText, startBridgeClient, type BridgeClient } from '../helpers/mcp-client.ts';
import { ALL_TOOLS } from '../../bridge/catalog.ts';

const WRITE_TOOLS = ALL_TOOLS.filter((t) => t.write).map((t) => t.name);
let emulator: RunningEmulator;

before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator?.close();
});

function graphSince(seq: number, method?: string) {
  return emulator.control
    .requests(seq)
    .filter((r) => r.host === 'graph' && (method === undefined || r.method === method));
}
const lastSeq = (): number => emulator.control.requests().at(-1)?.seq ?? 0;

async function listed(bridge: BridgeClient): Promise<string[]> {
  return (await bridge.client.listTools()).tools.map((t) => t.name);
}

const POST_LIST = {
  method: 'POST',
  path: '/me/todo/lists',
  body: { displayName: 'written despite read-only' },
  scopes: ['Tasks.ReadWrite'],
};

void test('settings readOnly + GRAPH_BRIDGE_READ_ONLY=0 in the editor entry: no write tools, a write is refused, Graph untouched', async () => {
  const tb = await startTestBroker({ emulator, readOnly: true, toolGroups: ['profile', 'mail', 'tasks', 'graph'] });
  let bridge: BridgeClient | undefined;
  try {
    bridge = await startBridgeClient({
      home: tb.home,
      caPath: emulator.caPath,
      entry: 'dist',
      clientName: 'ro-override-it',
      env: { GRAPH_BRIDGE_READ_ONLY: '0', GRAPH_BRIDGE_TOOLS: 'all' },
    });
    const names = await listed(bridge);
    assert.ok(names.includes('get_my_profile') && names.includes('graph_request'));
    assert.deepEqual(
      names.filter((n) => WRITE_TOOLS.includes(n)),
      [],
      'no write tool is listed',
    );
    const since = lastSeq();
    const post = await bridge.call('graph_request', POST_LIST);
    assert.equal(post.isError, true, resultText(post));
    assert.match(resultText(post), /read-only/);
    const send = await bridge.call('send_mail', { to: ['ada@contoso.com'], subject: 'x', body: 'y' });
    assert.equal(send.isError, true, 'an unlisted write tool called anyway is refused');
    assert.deepEqual(graphSince(since, 'POST'), [], 'nothing reached Graph');
    assert.deepEqual(tb.broker.status().pendingApprovals, [], 'nothing reached the user either');
    const read = await bridge.call('get_my_profile');
    assert.notEqual(read.isError, true, resultText(read));
  } finally {
    await bridge?.close();
    await tb.stop();
  }
});

void test('read-only switched on while the bridge runs: the broker refuses the approval and the tool list follows', async () => {
  const tb = await startTestBroker({ emulator, toolGroups: ['profile', 'tasks', 'graph'], writes: 'allow' });
  let bridge: BridgeClient | undefined;
  try {
    bridge = await startBridgeClient({
      home: tb.home,
      caPath: emulator.caPath,
      entry: 'dist',
      clientName: 'live-ro-it',
    });
    let changed = 0;
    const notified = new Promise<void>((resolve) =>
      bridge?.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        changed++;
        resolve();
      }),
    );
    assert.ok((await listed(bridge)).includes('create_task'));
    const warm = await bridge.call('get_my_profile');
    assert.notEqual(warm.isError, true, resultText(warm));

    tb.updateConfig({ readOnly: true }); // as a settings edit in the tray does
    const since = lastSeq();
    const post = await bridge.call('graph_request', POST_LIST);
    assert.equal(post.isError, true, resultText(post));
    assert.match(
      resultText(post),
      /"graph_request" cannot write; nothing was sent.*read-only off in the Graph Bridge window/,
    );
    assert.deepEqual(graphSince(since, 'POST'), [], 'nothing reached Graph');
    await notified;
    assert.equal(changed, 1);
    const names = await listed(bridge);
    assert.deepEqual(
      names.filter((n) => WRITE_TOOLS.includes(n)),
      [],
    );
    assert.ok(names.includes('graph_request'));
  } finally {
    await bridge?.close();
    await tb.stop();
  }
});

void test('a group off in the settings is not listed and not served, whatever GRAPH_BRIDGE_TOOLS says', async () => {
  const tb = await startTestBroker({ emulator, toolGroups: ['profile', 'mail'] });
  let bridge: BridgeClient | undefined;
  try {
    bridge = await startBridgeClient({
      home: tb.home,
      caPath: emulator.caPath,
      entry: 'dist',
      clientName: 'groups-it',
      env: { GRAPH_BRIDGE_TOOLS: 'all' },
    });
    const names = await listed(bridge);
    const groupOf = new Map(ALL_TOOLS.map((t) => [t.name, t.group]));
    assert.deepEqual([...new Set(names.map((n) => groupOf.get(n)))].sort(), ['mail', 'profile']);
    const since = lastSeq();
    const events = await bridge.call('list_events', {});
    assert.equal(events.isError, true);
    assert.match(resultText(events), /calendar tools are turned off in Graph Bridge settings/);
    const graph = await bridge.call('graph_request', { path: '/me/events' });
    assert.equal(graph.isError, true);
    assert.deepEqual(graphSince(since), [], 'nothing reached Graph');
    const ok = await bridge.call('list_mail_folders');
    assert.notEqual(ok.isError, true, resultText(ok));
  } finally {
    await bridge?.close();
    await tb.stop();
  }
});
