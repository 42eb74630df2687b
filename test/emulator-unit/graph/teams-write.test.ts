import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADELE, createTestService, list, MEGAN, str, type TestService } from './fake-deps.ts';

const READ = ['Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All', 'Chat.Read'];

function general(call: TestService['call']): { team: string; channel: string; base: string } {
  const team = str(list(call('GET', '/me/joinedTeams', { scopes: READ }).body.value)[0]?.id);
  const channel = str(list(call('GET', `/teams/${team}/channels`, { scopes: READ }).body.value)[0]?.id);
  return { team, channel, base: `/teams/${team}/channels/${encodeURIComponent(channel)}` };
}

void describe('graph emulator: Teams teams, channels, threads and replies', () => {
  void it('serves one team and one channel with $select, checked against the schema', () => {
    const { call } = createTestService();
    const { team, channel, base } = general(call);
    const t = call('GET', `/teams/${team}?$select=displayName`, { scopes: ['Team.ReadBasic.All'] });
    assert.equal(t.status, 200);
    assert.equal(t.body.displayName, 'Mark 8 Project Team');
    assert.equal(t.body.description, undefined);
    const c = call('GET', `${base}?$select=displayName,membershipType`, { scopes: ['Channel.ReadBasic.All'] });
    assert.deepEqual([c.body.id, c.body.displayName, c.body.membershipType], [channel, 'General', 'standard']);
    assert.equal(call('GET', `${base}?$select=nope`, { scopes: READ }).status, 400);
    const list1 = call('GET', `/teams/${team}/channels?$select=id,displayName`, { scopes: ['Channel.ReadBasic.All'] });
    assert.deepEqual(Object.keys(list(list1.body.value)[0] ?? {}).sort(), ['displayName', 'id']);
  });

  void it('threads carry their replies under $expand=replies; replies list and page on their own', () => {
    const { call } = createTestService();
    const { base } = general(call);
    const threads = list(call('GET', `${base}/messages?$top=3&$expand=replies`, { scopes: READ }).body.value);
    const parent = threads[0];
    assert.ok(parent && list(parent.replies).length >= 1, 'the newest threads have seeded replies');
    assert.ok(list(parent.replies).every((r) => r.replyToId === parent.id));
    assert.equal(call('GET', `${base}/messages?$expand=hostedContents`, { scopes: READ }).status, 400);
    const replies = call('GET', `${base}/messages/${str(parent.id)}/replies?$top=1`, { scopes: READ });
    assert.equal(list(replies.body.value).length, 1);
    assert.equal(replies.body['@odata.nextLink'] !== undefined, list(parent.replies).length > 1);
    assert.equal(call('GET', `${base}/messages/${str(parent.id)}`, { scopes: READ }).body.id, parent.id);
    assert.equal(call('GET', `${base}/messages/1/replies`, { scopes: READ }).status, 404);
    // Reading replies needs ChannelMessage.Read.All like the threads do.
    const denied = call('GET', `${base}/messages/${str(parent.id)}/replies`, { scopes: ['Channel.ReadBasic.All'] });
    assert.equal(denied.status, 403);
  });

  void it('posts a thread (ChannelMessage.Send) and a reply in it; both show up for other members', () => {
    const { call } = createTestService();
    const { base } = general(call);
    const post = call('POST', `${base}/messages`, {
      scopes: ['ChannelMessage.Send'],
      body: { subject: 'Release', body: { contentType: 'text', content: 'Ship it' } },
    });
    assert.equal(post.status, 201);
    assert.equal(post.body.subject, 'Release');
    assert.equal(post.body.from?.user?.id, ADELE.oid);
    const reply = call('POST', `${base}/messages/${str(post.body.id)}/replies`, {
      scopes: ['ChannelMessage.Send'],
      body: { body: { content: 'Done' } },
    });
    assert.equal(reply.status, 201);
    assert.equal(reply.body.replyToId, post.body.id);
    assert.ok(Number(reply.body.id) > Number(post.body.id));
    const seen = list(
      call('GET', `${base}/messages?$top=1&$expand=replies`, { scopes: READ, oid: MEGAN.oid }).body.value,
    )[0];
    assert.equal(seen?.id, post.body.id);
    assert.deepEqual(
      list(seen?.replies).map((r) => r.id),
      [reply.body.id],
    );
    // Sending needs ChannelMessage.Send; reading scopes are not enough, and an empty body is refused.
    assert.equal(call('POST', `${base}/messages`, { scopes: READ, body: { body: { content: 'x' } } }).status, 403);
    assert.equal(
      call('POST', `${base}/messages`, { scopes: ['ChannelMessage.Send'], body: { body: { content: '' } } }).status,
      400,
    );
  });
});

void describe('graph emulator: creating chats and quote-replies', () => {
  const member = (key: string) => ({
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    roles: ['owner'],
    'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${key}')`,
  });

  void it('returns the existing one-on-one chat instead of creating another', () => {
    const { call } = createTestService();
    const before = list(call('GET', '/me/chats', { scopes: ['Chat.Read'] }).body.value).length;
    const made = call('POST', '/chats', {
      scopes: ['Chat.Create'],
      body: { chatType: 'oneOnOne', members: [member(ADELE.oid), member(MEGAN.upn)] },
    });
    assert.equal(made.status, 201);
    assert.equal(made.body.id, `19:${[ADELE.oid, MEGAN.oid].sort().join('_')}@unq.gbl.spaces`);
    assert.equal(made.body.memberIds, undefined);
    assert.equal(list(call('GET', '/me/chats', { scopes: ['Chat.Read'] }).body.value).length, before);
  });

  void it('creates a group chat with its topic; refuses what Graph refuses', () => {
    const { call, service } = createTestService();
    const colleague = service.store.directory().find((u) => u.id !== ADELE.oid && u.id !== MEGAN.oid);
    assert.ok(colleague);
    const group = call('POST', '/chats', {
      scopes: ['Chat.Create'],
      body: {
        chatType: 'group',
        topic: 'Offsite',
        members: [member(ADELE.oid), member(MEGAN.oid), member(colleague.mail)],
      },
    });
    assert.equal(group.status, 201);
    assert.equal(group.body.topic, 'Offsite');
    assert.match(str(group.body.id), /^19:.*@thread\.v2$/);
    const chat = call('GET', `/chats/${encodeURIComponent(str(group.body.id))}?$expand=members`, {
      scopes: ['Chat.Read'],
      oid: MEGAN.oid,
    });
    assert.equal(list(chat.body.members).length, 3);
    const refused = (scopes: string[], body: unknown) => call('POST', '/chats', { scopes, body }).status;
    const pair = [member(ADELE.oid), member(MEGAN.oid)];
    assert.equal(refused(['Chat.Read'], { chatType: 'oneOnOne', members: pair }), 403, 'needs Chat.Create');
    assert.equal(refused(['Chat.Create'], { chatType: 'oneOnOne', topic: 'x', members: pair }), 400);
    assert.equal(refused(['Chat.Create'], { chatType: 'group', members: pair }), 400, 'three or more');
    assert.equal(
      refused(['Chat.Create'], { chatType: 'oneOnOne', members: [member(MEGAN.oid), member(colleague.id)] }),
      403,
    );
    assert.equal(
      refused(['Chat.Create'], { chatType: 'oneOnOne', members: [member(ADELE.oid), member('nobody@x.example')] }),
      404,
    );
    assert.equal(
      refused(['Chat.Create'], { chatType: 'oneOnOne', members: [{ 'user@odata.bind': 'x' }, member(ADELE.oid)] }),
      400,
    );
  });

  void it('replyWithQuote quotes a message of the chat as a messageReference attachment', () => {
    const { call } = createTestService();
    const chat = list(call('GET', '/me/chats', { scopes: ['Chat.Read'] }).body.value)[0];
    const path = `/chats/${encodeURIComponent(str(chat?.id))}/messages`;
    const quoted = list(call('GET', `${path}?$top=1`, { scopes: ['Chat.Read'] }).body.value)[0];
    const one = call('GET', `${path}/${str(quoted?.id)}`, { scopes: ['Chat.Read'] });
    assert.equal(one.body.id, quoted?.id);
    const reply = call('POST', `${path}/replyWithQuote`, {
      scopes: ['ChatMessage.Send'],
      body: { messageIds: [str(quoted?.id)], replyMessage: { body: { contentType: 'text', content: 'Agreed' } } },
    });
    assert.equal(reply.status, 201);
    assert.equal(list(reply.body.attachments)[0]?.contentType, 'messageReference');
    assert.match(
      str(reply.body.body?.content),
      new RegExp(`<attachment id="${str(quoted?.id)}"></attachment>\\nAgreed`),
    );
    const bad = (body: unknown, scopes = ['ChatMessage.Send']) =>
      call('POST', `${path}/replyWithQuote`, { scopes, body }).status;
    assert.equal(bad({ messageIds: ['1'], replyMessage: { body: { content: 'x' } } }), 404);
    assert.equal(bad({ messageIds: [], replyMessage: { body: { content: 'x' } } }), 400);
    assert.equal(
      bad({ messageIds: [str(quoted?.id)], replyMessage: { body: { content: 'x' } } }, ['Chat.ReadWrite']),
      403,
    );
  });
});

void describe('graph emulator: To Do updates and deletes', () => {
  void it('PATCHes title, notes and due date (null clears it) and DELETEs a task', () => {
    const { call } = createTestService();
    const lists = list(call('GET', '/me/todo/lists', { scopes: ['Tasks.Read'] }).body.value);
    const base = `/me/todo/lists/${encodeURIComponent(str(lists[0]?.id))}/tasks`;
    const task = list(call('GET', base, { scopes: ['Tasks.Read'] }).body.value)[0];
    const path = `${base}/${encodeURIComponent(str(task?.id))}`;
    const patched = call('PATCH', path, {
      scopes: ['Tasks.ReadWrite'],
      body: {
        title: 'Renamed',
        body: { contentType: 'text', content: 'new notes' },
        dueDateTime: { dateTime: '2026-06-01T00:00:00', timeZone: 'UTC' },
      },
    });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.title, patched.body.body?.content], ['Renamed', 'new notes']);
    assert.notEqual(patched.body['@odata.etag'], task?.['@odata.etag']);
    const cleared = call('PATCH', path, { scopes: ['Tasks.ReadWrite'], body: { dueDateTime: null } });
    assert.equal(cleared.body.dueDateTime, undefined);
    assert.equal(call('PATCH', path, { scopes: ['Tasks.Read'], body: { title: 'x' } }).status, 403);
    assert.equal(call('DELETE', path, { scopes: ['Tasks.ReadWrite'] }).status, 204);
    assert.equal(call('GET', path, { scopes: ['Tasks.Read'] }).status, 404);
    assert.equal(call('DELETE', path, { scopes: ['Tasks.ReadWrite'] }).status, 404);
  });
});
