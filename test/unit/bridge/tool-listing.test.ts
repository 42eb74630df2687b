import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovedHello } from '../../../app/shared/bridge-contract.ts';
import { ALL_TOOLS, selectTools } from '../../../bridge/catalog.ts';
import { parseBridgeConfig } from '../../../bridge/config.ts';
import { brokerDeadline, followBrokerListing } from '../../../bridge/fast-start/full.ts';
import { createLogger } from '../../../bridge/log.ts';
import { loadSdk } from '../../../bridge/fast-start/sdk.ts';
import { createBridgeServer } from '../../../bridge/server.ts';

const APPROVED: ApprovedHello = {
  protocolVersion: 1,
  brokerVersion: 't',
  approval: 'approved',
  account: null,
  graphBaseUrl: 'https://graph.example.com/',
  toolGroups: ['profile', 'mail'],
  readOnly: false,
  api: null,
  approvalTimeoutSeconds: 120,
};

async function start(argv: string[], initial: { groups: ('profile' | 'mail' | 'teams')[]; readOnly: boolean }) {
  const parsed = parseBridgeConfig(argv, {});
  assert.ok(parsed.ok);
  const registered = selectTools(ALL_TOOLS, parsed.config);
  const log = createLogger({ write: () => undefined, pid: 1 });
  const sdk = await loadSdk();
  const server = createBridgeServer({
    sdk,
    tools: registered,
    log,
    readOnly: initial.readOnly,
    loadRunner: () => Promise.reject(new Error('unused')),
  });
  const follow = followBrokerListing(server, { registered, config: parsed.config, initial, log, sdk });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'unit', version: '1' });
  let changed = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changed++;
  });
  await Promise.all([server.connect(a), client.connect(b)]);
  const names = async () => (await client.listTools()).tools.map((t) => t.name);
  return { follow, names, changed: () => changed };
}

test('lists the initial selection; an approved hello that differs re-lists and notifies list_changed', async () => {
  const s = await start([], { groups: ['profile', 'mail'], readOnly: true });
  const before = await s.names();
  assert.ok(before.includes('get_my_profile') && !before.includes('send_mail') && !before.includes('list_chats'));

  s.follow({ protocolVersion: 1, brokerVersion: 't', approval: 'pending', message: 'wait' });
  s.follow(APPROVED);
  await new Promise((r) => setImmediate(r));
  assert.equal(s.changed(), 1);
  const after = await s.names();
  assert.ok(after.includes('send_mail'), 'the broker is not read-only: writes are listed now');
  assert.ok(!after.includes('list_chats'));

  s.follow(APPROVED);
  await new Promise((r) => setImmediate(r));
  assert.equal(s.changed(), 1, 'the same answer again changes nothing');

  s.follow({ ...APPROVED, toolGroups: ['profile'], readOnly: true });
  await new Promise((r) => setImmediate(r));
  assert.equal(s.changed(), 2);
  const narrowed = await s.names();
  assert.ok(narrowed.includes('get_my_profile') && !narrowed.some((n) => n.includes('mail')));
});

test('flags only narrow what the broker serves: --tools mail never lists profile, --read-only never lists writes', async () => {
  const s = await start(['--tools', 'mail', '--read-only'], { groups: ['mail'], readOnly: true });
  s.follow({ ...APPROVED, toolGroups: ['profile', 'mail', 'teams'], readOnly: false });
  await new Promise((r) => setImmediate(r));
  assert.equal(s.changed(), 0);
  const names = await s.names();
  assert.ok(names.length > 0 && names.every((n) => !['get_my_profile', 'send_mail', 'list_chats'].includes(n)));
});

test('GRAPH_BRIDGE_BROKER_TIMEOUT_MS accepts 1 ms … 10 min, ignores anything else', () => {
  assert.deepEqual(brokerDeadline('2000'), { brokerDeadlineMs: 2000 });
  for (const bad of [undefined, '', '0', '-5', '1.5', 'soon', '600001']) assert.deepEqual(brokerDeadline(bad), {}, bad);
});
