import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADELE, createTestService, list, MEGAN, str } from './fake-deps.ts';

const TEAMS = ['Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All', 'Chat.ReadWrite'];

void describe('graph emulator: Teams and chats', () => {
  void it('joinedTeams → channels → channel messages (paged with $skiptoken)', () => {
    const { call } = createTestService();
    const teams = call('GET', '/me/joinedTeams', { scopes: TEAMS });
    assert.deepEqual(
      list(teams.body.value).map((t) => t.displayName),
      ['Mark 8 Project Team', 'Retail', 'Sales and Marketing'],
    );
    assert.equal(call('GET', '/me/joinedTeams?$top=1', { scopes: TEAMS }).status, 400);
    const teamId = str(list(teams.body.value)[1]?.id);
    const channels = call('GET', `/teams/${teamId}/channels`, { scopes: TEAMS });
    const general = list(channels.body.value)[0];
    assert.equal(general?.displayName, 'General');
    assert.match(str(general?.id), /^19:.*@thread\.tacv2$/);
    const url = `/teams/${teamId}/channels/${encodeURIComponent(str(general?.id))}/messages?$top=5`;
    const page1 = call('GET', url, { scopes: TEAMS });
    assert.equal(list(page1.body.value).length, 5);
    assert.match(str(page1.body['@odata.nextLink']), /\$skiptoken=/);
    const page2 = call('GET', str(page1.body['@odata.nextLink']), { scopes: TEAMS });
    assert.notEqual(list(page2.body.value)[0]?.id, list(page1.body.value)[0]?.id);
    // Channel listing needs a channel scope: Team.ReadBasic.All alone is not enough.
    const denied = call('GET', `/teams/${teamId}/channels`, { scopes: ['Team.ReadBasic.All'] });
    assert.equal(denied.status, 403);
    assert.match(str(denied.body.error?.message), /API requires one of 'Channel\.ReadBasic\.All, /);
    assert.equal(call('GET', '/teams/00000000-0000-0000-0000-000000000000/channels', { scopes: TEAMS }).status, 404);
  });

  void it('lists chats with $expand=members, reads and sends chat messages', () => {
    const { call } = createTestService();
    const chats = call('GET', '/me/chats?$expand=members', { scopes: TEAMS });
    const all = list(chats.body.value);
    assert.ok(all.some((c) => c.chatType === ('oneOnOne' as unknown)));
    assert.ok(all.some((c) => c.chatType === ('group' as unknown) && c.topic === ('Falcon launch' as unknown)));
    const withMegan = all.find(
      (c) => c.chatType === ('oneOnOne' as unknown) && list(c.members).some((m) => m.userId === (MEGAN.oid as unknown)),
    );
    assert.ok(withMegan);
    assert.equal(list(withMegan.members)[0]?.['@odata.type'], '#microsoft.graph.aadUserConversationMember');
    const chatId = encodeURIComponent(str(withMegan.id));
    const sent = call('POST', `/chats/${chatId}/messages`, {
      scopes: TEAMS,
      body: { body: { content: 'Hello from the emulator' } },
    });
    assert.equal(sent.status, 201);
    assert.equal(sent.body.from?.user?.id, ADELE.oid);
    // Megan sees it first in the same chat.
    const hers = call('GET', `/chats/${chatId}/messages?$top=1`, { scopes: ['Chat.Read'], oid: MEGAN.oid });
    assert.equal(list(hers.body.value)[0]?.id, sent.body.id);
    assert.equal(
      call('POST', `/chats/${chatId}/messages`, { scopes: TEAMS, body: { body: { content: '' } } }).status,
      400,
    );
  });

  void it('gets one chat (with $expand=members) only for its members and with a chat scope', () => {
    const { call } = createTestService();
    const chats = list(call('GET', '/me/chats?$expand=members', { scopes: ['Chat.Read'] }).body.value);
    const falcon = chats.find((c) => c.topic === ('Falcon launch' as unknown));
    assert.ok(falcon);
    const path = `/chats/${encodeURIComponent(str(falcon.id))}`;

    const plain = call('GET', path, { scopes: ['Chat.ReadBasic'] });
    assert.equal(plain.status, 200);
    assert.equal(plain.body.id, falcon.id);
    assert.equal(plain.body.topic, 'Falcon launch');
    assert.equal(plain.body.chatType, 'group');
    assert.equal(plain.body.members, undefined, 'members only when expanded');
    assert.equal(plain.body.memberIds, undefined, "the emulator's own field is not served");
    assert.match(str(plain.body['@odata.context']), /\/\$metadata#chats\/\$entity$/);

    const expanded = call('GET', `${path}?$expand=members`, { scopes: ['Chat.Read'] });
    assert.equal(expanded.status, 200);
    assert.match(str(expanded.body['@odata.context']), /#chats\(members\(\)\)\/\$entity$/);
    assert.deepEqual(expanded.body.members, falcon.members, 'the same members as the chat list shows');
    assert.ok(list(expanded.body.members).some((m) => m.userId === (MEGAN.oid as unknown)));

    assert.equal(call('GET', `${path}?$expand=messages`, { scopes: ['Chat.Read'] }).status, 400);
    const denied = call('GET', path, { scopes: ['Team.ReadBasic.All', 'ChatMessage.Send'] });
    assert.equal(denied.status, 403);
    assert.match(str(denied.body.error?.message), /API requires one of 'Chat\.ReadBasic, Chat\.Read, Chat\.ReadWrite'/);
    assert.equal(call('GET', '/chats/19:nope@thread.v2', { scopes: ['Chat.Read'] }).status, 404);

    // A one-on-one chat of Adele's with a colleague: Megan is not a member, so it does not exist for her.
    const notMegans = chats.find(
      (c) =>
        c.chatType === ('oneOnOne' as unknown) && !list(c.members).some((m) => m.userId === (MEGAN.oid as unknown)),
    );
    assert.ok(notMegans);
    const forMegan = call('GET', `/chats/${encodeURIComponent(str(notMegans.id))}`, {
      scopes: ['Chat.Read'],
      oid: MEGAN.oid,
    });
    assert.equal(forMegan.status, 404);
    assert.equal(forMegan.body.error?.code, 'NotFound');
  });
});

void describe('graph emulator: To Do', () => {
  void it('lists lists (defaultList first), filters, creates and completes tasks', () => {
    const { call } = createTestService();
    const lists = call('GET', '/me/todo/lists', { scopes: ['Tasks.ReadWrite'] });
    const def = list(lists.body.value).find((l) => l.wellknownListName === ('defaultList' as unknown));
    assert.equal(def?.displayName, 'Tasks');
    const base = `/me/todo/lists/${encodeURIComponent(str(def?.id))}/tasks`;
    const open = call('GET', `${base}?$filter=status ne 'completed'`, { scopes: ['Tasks.Read'] });
    const openCount = list(open.body.value).length;
    assert.ok(openCount > 0);
    assert.ok(list(open.body.value).every((t) => t.status !== ('completed' as unknown)));
    const created = call('POST', base, {
      scopes: ['Tasks.ReadWrite'],
      body: { title: 'Write emulator docs', importance: 'high' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.status, 'notStarted');
    assert.equal(
      list(call('GET', `${base}?$filter=status ne 'completed'`, { scopes: ['Tasks.Read'] }).body.value).length,
      openCount + 1,
    );
    const done = call('PATCH', `${base}/${encodeURIComponent(str(created.body.id))}`, {
      scopes: ['Tasks.ReadWrite'],
      body: { status: 'completed' },
    });
    assert.equal(done.status, 200);
    assert.equal(done.body.status, 'completed');
    assert.equal(done.body.completedDateTime?.timeZone, 'UTC');
    assert.equal(
      list(call('GET', `${base}?$filter=status ne 'completed'`, { scopes: ['Tasks.Read'] }).body.value).length,
      openCount,
    );
    assert.equal(call('POST', base, { scopes: ['Tasks.ReadWrite'], body: {} }).status, 400);
  });

  void it('reset() restores the seeded state', () => {
    const { call, service } = createTestService();
    const before = call('GET', '/me/messages?$top=1&$select=id', { scopes: ['Mail.Read'] }).body;
    call('POST', '/me/sendMail', {
      scopes: ['Mail.Send'],
      body: { message: { subject: 'x', toRecipients: [{ emailAddress: { address: 'a@b.example' } }] } },
    });
    assert.notDeepEqual(
      call('GET', '/me/messages?$top=1&$select=id', { scopes: ['Mail.Read'] }).body.value,
      before.value,
    );
    service.reset();
    assert.deepEqual(call('GET', '/me/messages?$top=1&$select=id', { scopes: ['Mail.Read'] }).body.value, before.value);
  });
});
