/**
 * The Teams tools end to end (issue #12): a real MCP Client over stdio spawning dist/bridge.js, a
 * REAL broker signed in to the Entra+Graph emulator with only the teams group on, and the emulator's
 * request log as the proof of what reached Graph. Every write is "ask": the test decides each one
 * like a user in the tray, and for every write (and every way of writing) a denied call is shown to
 * send nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import type { TestBroker } from '../helpers/broker.ts';
import type { RunningEmulator } from '../helpers/emulator.ts';
import type { BridgeClient } from '../helpers/mcp-client.ts';
import { idOf, okText, startToolRig, toolHarness, type ToolRig } from '../helpers/tool-harness.ts';

let rig: ToolRig;
let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;

const WRITES = ['send_chat_message', 'post_channel_message'] as const;

const { lastSeq, graphWrites, decide, deniedSendsNothing } = toolHarness(() => ({
  emulator,
  broker: broker.broker,
  bridge,
}));

before(async () => {
  // As if a tenant admin had consented: ChannelMessage.Read.All is admin-only.
  rig = await startToolRig({
    grant: [...GROUP_SCOPES.teams.read, ...GROUP_SCOPES.teams.write],
    broker: {
      toolGroups: ['teams'],
      writes: 'ask',
      writeTools: Object.fromEntries(WRITES.map((t) => [t, 'ask' as const])),
    },
    bridge: { entry: 'dist', clientName: 'teams-it' },
  });
  ({ emulator, broker, bridge } = rig);
});

after(() => rig?.close());

void test('the teams group lists its six tools, text-only, with their annotations', async () => {
  const { tools } = await bridge.client.listTools();
  assert.deepEqual(
    tools.map((t) => t.name),
    [
      'list_chats',
      'list_chat_messages',
      'send_chat_message',
      'list_teams',
      'list_channel_messages',
      'post_channel_message',
    ],
  );
  for (const t of tools) {
    assert.equal(t.outputSchema, undefined, `${t.name}: no output schema`);
    assert.equal(t.annotations?.readOnlyHint === true, !(WRITES as readonly string[]).includes(t.name), t.name);
  }
  const bytes = tools.reduce((n, t) => n + Buffer.byteLength(JSON.stringify(t)), 0);
  assert.ok(bytes <= 6000, `teams tools/list takes ${bytes} bytes (budget 6 KB)`);
});

void describe('chats', () => {
  void test('list_chats and list_chat_messages: short ids, text bodies, paging', async () => {
    const chats = okText(await bridge.call('list_chats', { top: 50 }));
    const falcon = idOf(chats, /group chat "Falcon launch"/);
    assert.match(falcon, /^c[0-9a-z]{8,}$/);
    const page1 = okText(await bridge.call('list_chat_messages', { chatId: falcon, top: 5 }));
    assert.match(page1, /^5 message\(s\), newest first/);
    assert.doesNotMatch(page1, /<p>/);
    const cursor = /cursor "([^"]+)"/.exec(page1)?.[1];
    assert.ok(cursor, page1);
    const page2 = okText(await bridge.call('list_chat_messages', { chatId: falcon, top: 5, cursor }));
    const first = (t: string) => /- \[(\d+)\]/.exec(t)?.[1];
    assert.notEqual(first(page2), first(page1));
  });

  void test('send_chat_message to a chat: denied → nothing sent; approved → posted', async () => {
    const lunch = idOf(okText(await bridge.call('list_chats', { top: 50 })), /"Lunch crew"/);
    await deniedSendsNothing(
      'send_chat_message',
      { chatId: lunch, text: 'DENIED message' },
      /^Send Teams message to group chat "Lunch crew": "DENIED message"$/,
    );
    const { result } = await decide('send_chat_message', { chatId: lunch, text: 'Pizza at noon?' }, 'allow-once');
    assert.match(okText(result), /Sent to group chat "Lunch crew"\.\nmessage id: \d+/);
    const latest = okText(await bridge.call('list_chat_messages', { chatId: lunch, top: 1 }));
    assert.match(latest, /Adele Vance: Pizza at noon\?/);
  });

  void test('send_chat_message replyTo quotes a chat message (replyWithQuote); denied → nothing sent', async () => {
    const lunch = idOf(okText(await bridge.call('list_chats', { top: 50 })), /"Lunch crew"/);
    const messages = okText(await bridge.call('list_chat_messages', { chatId: lunch, top: 3 }));
    const quoted = /- \[(\d+)\] [\d-]+ [\d:]+ ([^:]+):/.exec(messages.split('\n')[2] ?? '');
    assert.ok(quoted?.[1] && quoted[2], messages);
    const args = { chatId: lunch, replyTo: quoted[1], text: 'Count me in' };
    await deniedSendsNothing('send_chat_message', args, new RegExp(`^Reply \\(quoting ${quoted[2]}: "`));
    const since = lastSeq();
    const { asked, result } = await decide('send_chat_message', args, 'allow-once');
    assert.equal(asked.details.Quoting?.startsWith(`${quoted[2]}: "`), true);
    okText(result);
    const posts = graphWrites(since);
    assert.deepEqual(
      posts.map((r) => decodeURIComponent(r.path).replace(/\/chats\/[^/]+\//, '/chats/{id}/')),
      ['/v1.0/chats/{id}/messages/replyWithQuote'],
    );
    const latest = okText(await bridge.call('list_chat_messages', { chatId: lunch, top: 1 }));
    assert.match(latest, /Adele Vance: \(quoting 1 message\(s\)\) Count me in/);
  });

  void test('send_chat_message to people: the 1:1 chat is reused; several people start a named group chat', async () => {
    const megan = emulator.users.find((u) => u.upn.startsWith('megan'));
    assert.ok(megan);
    await deniedSendsNothing(
      'send_chat_message',
      { to: [megan.mail], text: 'secret plan' },
      new RegExp(`^Send Teams message to your 1:1 chat with ${megan.displayName} <${megan.mail}>`),
    );
    const before = okText(await bridge.call('list_chats', { top: 50 }));
    const count = (t: string) => /^(\d+) chat\(s\)/.exec(t)?.[1];
    const since = lastSeq();
    const { result } = await decide('send_chat_message', { to: [megan.mail], text: 'Quick question' }, 'allow-once');
    const sent = okText(result);
    const chatId = /chat id: (\S+)/.exec(sent)?.[1];
    assert.ok(chatId);
    assert.deepEqual(
      graphWrites(since).map((r) => r.path.replace(/\/chats\/[^/]+\//, '/chats/{id}/')),
      ['/v1.0/chats', '/v1.0/chats/{id}/messages'],
    );
    const after = okText(await bridge.call('list_chats', { top: 50 }));
    assert.equal(count(after), count(before), 'no second 1:1 chat');
    assert.match(okText(await bridge.call('list_chat_messages', { chatId, top: 1 })), /Adele Vance: Quick question/);

    const others = emulator.users.filter((u) => u.oid !== megan.oid && !u.upn.startsWith('adele'));
    const to = [megan.mail, ...others.map((u) => u.upn)].slice(0, 3);
    assert.ok(to.length >= 2, 'at least two other people');
    const group = await decide('send_chat_message', { to, topic: 'Offsite planning', text: 'Kick-off!' }, 'allow-once');
    assert.match(group.asked.summary, /^Send Teams message to a new group chat "Offsite planning" with /);
    okText(group.result);
    const withGroup = okText(await bridge.call('list_chats', { top: 50 }));
    assert.match(withGroup, /group chat "Offsite planning"/);
  });
});

void describe('teams and channels', () => {
  async function general(): Promise<{ teamId: string; channelId: string }> {
    const teams = okText(await bridge.call('list_teams'));
    const teamId = idOf(teams, /Mark 8 Project Team/);
    assert.match(teamId, /^g[0-9a-z]{8,}$/);
    const channels = okText(await bridge.call('list_teams', { teamId }));
    const channelId = idOf(channels, /\] General/);
    assert.match(channelId, /^h[0-9a-z]{8,}$/);
    return { teamId, channelId };
  }

  void test('list_teams → channels → threads with reply counts → one thread’s replies', async () => {
    const { teamId, channelId } = await general();
    const threads = okText(await bridge.call('list_channel_messages', { teamId, channelId, top: 3 }));
    const withReplies = threads.split('\n').find((l) => /\(\d+ repl(y|ies)\)$/.test(l));
    assert.ok(withReplies, threads);
    const messageId = /^- \[(\d+)\]/.exec(withReplies)?.[1] ?? '';
    const n = Number(/\((\d+) repl/.exec(withReplies)?.[1]);
    const replies = okText(await bridge.call('list_channel_messages', { teamId, channelId, messageId }));
    assert.match(replies, new RegExp(`^${n} replies, newest first`));
  });

  void test('post_channel_message: a thread and a reply, each denied first (nothing sent), then posted', async () => {
    const { teamId, channelId } = await general();
    await deniedSendsNothing(
      'post_channel_message',
      { teamId, channelId, subject: 'Denied', text: 'Nope' },
      /^Post in Teams channel "Mark 8 Project Team › General": "Nope"$/,
    );
    const posted = await decide(
      'post_channel_message',
      { teamId, channelId, subject: 'Release', text: 'Beta ships Friday' },
      'allow-once',
    );
    assert.equal(posted.asked.details.Subject, 'Release');
    const messageId = /message id: (\d+)/.exec(okText(posted.result))?.[1] ?? '';
    const threads = okText(await bridge.call('list_channel_messages', { teamId, channelId, top: 1 }));
    assert.match(threads, new RegExp(`- \\[${messageId}\\] .*Adele Vance: \\[Release\\] Beta ships Friday`));

    await deniedSendsNothing(
      'post_channel_message',
      { teamId, channelId, replyTo: messageId, text: 'no' },
      new RegExp(`^Reply to message ${messageId} in Teams channel "Mark 8 Project Team › General"`),
    );
    const reply = await decide(
      'post_channel_message',
      { teamId, channelId, replyTo: messageId, text: 'Great!' },
      'allow-once',
    );
    okText(reply.result);
    const replies = okText(await bridge.call('list_channel_messages', { teamId, channelId, messageId }));
    assert.match(replies, /^1 replies, newest first[\s\S]*Adele Vance: Great!/);
  });
});
