import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { profileTools } from '../../../../bridge/tools/profile.ts';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import { assertCatalogRules, byName, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const ADA = { id: 'a0a0a0a0-1111-2222-3333-444455556666', displayName: 'Ada Lovelace', mail: 'ada@contoso.com' };
const BOB = { id: 'b0b0b0b0-1111-2222-3333-444455556666', displayName: 'Bob\nKahn', mail: 'bob@contoso.com' };

void describe('profile tools catalog', () => {
  void it('follows the catalog rules; presence scopes are on demand', () => {
    assertCatalogRules(profileTools);
    assert.deepEqual(byName(profileTools, 'get_presence').scopes, ['Presence.Read']);
    for (const t of profileTools) assert.equal(t.outputSchema, undefined, t.name);
  });
});

void describe('get_my_profile and search_users', () => {
  void it('$select on /me; the result is compact JSON with empty fields dropped', async () => {
    const fake = fakeContext({
      routes: { 'GET /me': { id: 'u', displayName: 'Ada', businessPhones: [], jobTitle: null } },
    });
    const r = await runTool(byName(profileTools, 'get_my_profile'), {}, fake.ctx);
    assert.match(String(fake.graph[0]?.call.query?.$select), /^id,displayName,/);
    assert.deepEqual(JSON.parse(r.text), { id: 'u', displayName: 'Ada' });
  });

  void it('OData-escapes the directory search and lists one line per user', async () => {
    const fake = fakeContext({
      routes: {
        'GET /users': { items: [{ id: 'x', displayName: "D'Arcy", mail: 'd@contoso.com' }], nextCursor: null },
      },
    });
    const r = await runTool(byName(profileTools, 'search_users'), { query: "D'Ar" }, fake.ctx);
    assert.match(
      String(fake.graph[0]?.call.query?.$filter),
      /^startswith\(displayName,'D''Ar'\) or startswith\(givenName,'D''Ar'\)/,
    );
    assert.match(r.text, /^1 user\(s\):\n- \[x\] D'Arcy <d@contoso\.com>$/);
  });
});

void describe('get_user', () => {
  void it('adds the manager and direct reports on request, each a user line', async () => {
    const fake = fakeContext({
      routes: {
        'GET /users/ada@contoso.com': ADA,
        'GET /users/ada@contoso.com/manager': BOB,
        'GET /users/ada@contoso.com/directReports': { items: [BOB], nextCursor: null },
      },
    });
    const r = await runTool(
      byName(profileTools, 'get_user'),
      { user: 'ada@contoso.com', include: ['manager', 'directReports'] },
      fake.ctx,
    );
    assert.deepEqual(
      fake.graph.map((g) => g.call.pathTemplate),
      ['/users/{id}', '/users/{id}/manager', '/users/{id}/directReports'],
    );
    for (const g of fake.graph) assert.deepEqual(g.call.scopes, ['User.ReadBasic.All']);
    const lines = r.text.split('\n');
    assert.deepEqual(JSON.parse(lines[0] ?? ''), ADA);
    assert.deepEqual(lines.slice(1), [
      'Manager:',
      `- [${BOB.id}] Bob Kahn <bob@contoso.com>`,
      'Direct reports (1):',
      `- [${BOB.id}] Bob Kahn <bob@contoso.com>`,
    ]);
  });

  void it('"me" reads /me; no manager is a line, not an error; other failures stay errors', async () => {
    const routes = (manager: () => never) => ({ 'GET /me': ADA, 'GET /me/manager': manager });
    const none = fakeContext({
      routes: routes(() => {
        throw new ToolError('GRAPH_NOT_FOUND', 'Not found');
      }),
    });
    const r = await runTool(byName(profileTools, 'get_user'), { user: 'me', include: ['manager'] }, none.ctx);
    assert.equal(none.graph[0]?.call.pathTemplate, '/me');
    assert.equal(none.graph[1]?.call.pathTemplate, '/me/manager');
    assert.match(r.text, /\nManager: none$/);
    const denied = fakeContext({
      routes: routes(() => {
        throw new ToolError('GRAPH_FORBIDDEN', 'Forbidden');
      }),
    });
    await rejectsWithCode(
      runTool(byName(profileTools, 'get_user'), { user: 'me', include: ['manager'] }, denied.ctx),
      'GRAPH_FORBIDDEN',
    );
  });

  void it('refuses a user value that would change the path', async () => {
    const fake = fakeContext();
    await rejectsWithCode(runTool(byName(profileTools, 'get_user'), { user: '../groups' }, fake.ctx), 'INVALID_INPUT');
    assert.equal(fake.graph.length, 0);
  });
});

void describe('get_presence', () => {
  void it('your own presence from /me/presence with Presence.Read', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/presence': {
          id: 'me',
          availability: 'Busy',
          activity: 'InAMeeting',
          statusMessage: { message: { content: 'Heads down\nuntil 3' } },
        },
      },
    });
    const r = await runTool(byName(profileTools, 'get_presence'), {}, fake.ctx);
    assert.deepEqual(fake.graph[0]?.call.scopes, ['Presence.Read']);
    assert.equal(r.text, 'You: Busy (InAMeeting), status "Heads down until 3"');
  });

  void it('others: emails resolved to ids, one getPresencesByUserId POST (a read) with Presence.Read.All', async () => {
    const fake = fakeContext({
      routes: {
        'GET /users/bob@contoso.com': BOB,
        'POST /communications/getPresencesByUserId': {
          value: [
            { id: ADA.id, availability: 'Available', activity: 'Available' },
            { id: BOB.id, availability: 'Away', activity: 'Away', outOfOfficeSettings: { isOutOfOffice: true } },
          ],
        },
      },
    });
    const r = await runTool(byName(profileTools, 'get_presence'), { users: [ADA.id, 'bob@contoso.com'] }, fake.ctx);
    const post = fake.graph[1];
    assert.deepEqual(post?.call.body, { ids: [ADA.id, BOB.id] });
    assert.deepEqual(post?.call.scopes, ['Presence.Read.All']);
    assert.equal(post?.call.readOnly, true, 'a read sent as POST needs no approval');
    assert.equal(fake.approvals.length, 0);
    assert.match(r.text, new RegExp(`- ${ADA.id}: Available\\n- Bob Kahn <bob@contoso\\.com>: Away, out of office$`));
  });
});
