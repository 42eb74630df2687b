import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { teamsTools } from '../../../../bridge/tools/teams.ts';
import { assertCatalogRules, byName, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const CHAT_ID = '19:abc-def@thread.v2';
const CHAT = {
  id: CHAT_ID,
  topic: null,
  chatType: 'group',
  lastUpdatedDateTime: '2026-05-03T10:00:00Z',
  members: [{ displayName: 'Ada Lovelace' }, { displayName: 'Bob Builder' }],
};
const MESSAGE = {
  id: 'm1',
  createdDateTime: '2026-05-03T10:00:00Z',
  messageType: 'message',
  from: { user: { displayName: 'Ada Lovelace' } },
  body: { contentType: 'html', content: '<div><p>Ship it&nbsp;<b>today</b>?</p><p>Yes &amp; no</p></div>' },
  attachments: [{}],
};

void describe('teams tools catalog', () => {
  void it('follows the catalog rules with per-tool least privilege', () => {
    assertCatalogRules(teamsTools);
    assert.deepEqual(byName(teamsTools, 'list_chats').scopes, ['Chat.Read']);
    assert.deepEqual(byName(teamsTools, 'list_joined_teams').scopes, ['Team.ReadBasic.All']);
    assert.deepEqual(byName(teamsTools, 'list_channel_messages').scopes, ['ChannelMessage.Read.All']);
    assert.deepEqual(byName(teamsTools, 'send_chat_message').scopes, ['Chat.Read', 'ChatMessage.Send']);
  });
});

void describe('teams read tools', () => {
  void it('lists chats with members expanded', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/chats': { items: [CHAT, { id: '19:x', topic: 'Launch', chatType: 'meeting' }], nextCursor: null },
      },
    });
    const result = await runTool(byName(teamsTools, 'list_chats'), { top: 10 }, fake.ctx);
    assert.deepEqual(fake.graph[0]?.call.query, { $expand: 'members', $top: 10 });
    assert.match(result.text, /- \[19:abc-def@thread\.v2\] group chat with Ada Lovelace, Bob Builder/);
    assert.match(result.text, /- \[19:x\] meeting chat "Launch"/);
  });

  void it('lists chat messages as plain text, keeping : and @ of the chat id in the path', async () => {
    const fake = fakeContext({
      routes: {
        'GET /chats/19:abc-def@thread.v2/messages': {
          items: [
            MESSAGE,
            {
              id: 'm0',
              messageType: 'systemEventMessage',
              from: null,
              body: { contentType: 'html', content: '<systemEventMessage/>' },
            },
            {
              id: 'd',
              messageType: 'message',
              deletedDateTime: '2026-05-01T00:00:00Z',
              from: { user: { displayName: 'Bob' } },
              body: { content: 'secret' },
            },
          ],
          nextCursor: 'gb1.p2',
        },
      },
    });
    const result = await runTool(
      byName(teamsTools, 'list_chat_messages'),
      { chatId: CHAT_ID, cursor: 'gb1.p1' },
      fake.ctx,
    );
    assert.equal(fake.graph[0]?.call.pathTemplate, '/chats/{id}/messages');
    assert.equal(fake.graph[0]?.cursor, 'gb1.p1');
    const messages = result.structured?.messages as { text: string; from: string; attachments: number }[];
    assert.equal(messages[0]?.text, 'Ship it today?\n\nYes & no');
    assert.equal(messages[0]?.attachments, 1);
    assert.equal(messages[1]?.from, 'system');
    assert.equal(messages[2]?.text, '(deleted)');
    assert.doesNotMatch(result.text, /secret|<p>/);
    assert.match(
      result.text,
      /2026-05-03 10:00 Ada Lovelace: Ship it today\?\n +\n {2}Yes & no \(\+1 attachment\(s\)\)/,
    );
    assert.match(result.text, /cursor "gb1\.p2"/);
  });

  void it('truncates very long messages', async () => {
    const long = { ...MESSAGE, body: { contentType: 'text', content: 'word '.repeat(2000) } };
    const fake = fakeContext({ routes: { 'GET /chats/c/messages': { items: [long], nextCursor: null } } });
    const result = await runTool(byName(teamsTools, 'list_chat_messages'), { chatId: 'c' }, fake.ctx);
    const text = (result.structured?.messages as { text: string }[])[0]?.text ?? '';
    assert.ok(text.length <= 1500 && text.endsWith('…'));
  });

  void it('lists joined teams without OData options and channel messages by team + channel', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/joinedTeams': {
          items: [{ id: 't1', displayName: 'Engineering', description: 'All   engineers' }],
          nextCursor: null,
        },
        'GET /teams/t1/channels/19:general@thread.tacv2/messages': {
          items: [{ ...MESSAGE, subject: 'Release' }],
          nextCursor: null,
        },
      },
    });
    const teams = await runTool(byName(teamsTools, 'list_joined_teams'), {}, fake.ctx);
    assert.equal(fake.graph[0]?.call.query, undefined);
    assert.match(teams.text, /- \[t1\] Engineering — All engineers/);
    const channel = await runTool(
      byName(teamsTools, 'list_channel_messages'),
      { teamId: 't1', channelId: '19:general@thread.tacv2', top: 5 },
      fake.ctx,
    );
    assert.equal(fake.graph[1]?.call.pathTemplate, '/teams/{id}/channels/{id}/messages');
    assert.deepEqual(fake.graph[1]?.call.scopes, ['ChannelMessage.Read.All']);
    assert.match(channel.text, /Ada Lovelace: \[Release\] Ship it today\?/);
  });
});

void describe('send_chat_message', () => {
  void it('names the chat and members in the approval, then posts text with ChatMessage.Send', async () => {
    const fake = fakeContext({
      routes: {
        'GET /chats/19:abc-def@thread.v2': CHAT,
        'POST /chats/19:abc-def@thread.v2/messages': (call) => ({
          id: 'sent-1',
          messageType: 'message',
          body: (call.body as { body: unknown }).body,
        }),
      },
    });
    const result = await runTool(
      byName(teamsTools, 'send_chat_message'),
      { chatId: CHAT_ID, text: 'On my way\nsee you' },
      fake.ctx,
    );
    assert.deepEqual(fake.log, [
      'request GET /chats/19:abc-def@thread.v2',
      'approve',
      'request POST /chats/19:abc-def@thread.v2/messages',
    ]);
    assert.equal(
      fake.approvals[0]?.summary,
      'Send Teams message to group chat with Ada Lovelace, Bob Builder: "On my way see you"',
    );
    assert.equal(fake.approvals[0]?.details?.Members, 'Ada Lovelace, Bob Builder');
    assert.deepEqual(fake.graph[0]?.call.scopes, ['Chat.Read']);
    assert.deepEqual(fake.graph[1]?.call.scopes, ['ChatMessage.Send']);
    assert.deepEqual(fake.graph[1]?.call.body, { body: { contentType: 'text', content: 'On my way\nsee you' } });
    assert.match(result.text, /message id: sent-1/);
  });

  void it('posts nothing when denied', async () => {
    const fake = fakeContext({ deny: true, routes: { 'GET /chats/c1': CHAT } });
    await rejectsWithCode(
      runTool(byName(teamsTools, 'send_chat_message'), { chatId: 'c1', text: 'hi' }, fake.ctx),
      'APPROVAL_DENIED',
    );
    assert.ok(fake.graph.every((g) => g.call.method === 'GET'));
  });
});
