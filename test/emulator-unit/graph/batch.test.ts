import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestService, list, str, type J } from './fake-deps.ts';

const ALL = ['User.Read', 'Mail.Read', 'Mail.ReadWrite', 'Calendars.Read', 'Files.Read'];
const byId = (body: J): Map<string, J> => new Map(list(body.responses).map((r) => [str(r.id), r]));

void describe('graph emulator: $batch', () => {
  void it('runs inner requests with or without /v1.0, each authorised on its own, in a shuffled deterministic order', () => {
    const { call } = createTestService();
    const requests = [
      { id: '1', method: 'GET', url: '/me' },
      { id: '2', method: 'GET', url: '/v1.0/me/messages?$top=2&$select=subject' },
      { id: '3', method: 'GET', url: 'me/drive/root/children' },
      { id: '4', method: 'GET', url: '/me/chats' },
      { id: '5', method: 'GET', url: '/me/nope' },
    ];
    const r = call('POST', '/$batch', { scopes: ALL, body: { requests } });
    assert.equal(r.status, 200);
    const res = byId(r.body);
    assert.equal(res.get('1')?.status, 200);
    assert.equal(res.get('1')?.body?.displayName, 'Adele Vance');
    assert.equal(list(res.get('2')?.body?.value).length, 2);
    assert.equal(res.get('3')?.status, 200);
    assert.equal(res.get('4')?.status, 403);
    assert.equal(res.get('4')?.body?.error?.code, 'Forbidden');
    assert.equal(res.get('5')?.status, 400);
    const order = list(r.body.responses).map((x) => str(x.id));
    assert.notDeepEqual(order, ['1', '2', '3', '4', '5']);
    const again = call('POST', '/$batch', { scopes: ALL, body: { requests } });
    assert.deepEqual(
      list(again.body.responses).map((x) => str(x.id)),
      order,
    );
  });

  void it('the outer request needs a valid token', () => {
    const { call } = createTestService();
    assert.equal(
      call('POST', '/$batch', { token: null, body: { requests: [{ id: '1', method: 'GET', url: '/me' }] } }).status,
      401,
    );
  });

  void it('dependsOn orders execution; dependents of a failed request get 424', () => {
    const { call } = createTestService();
    const r = call('POST', '/$batch', {
      scopes: ALL,
      body: {
        requests: [
          {
            id: 'a',
            method: 'POST',
            url: '/me/messages',
            headers: { 'Content-Type': 'application/json' },
            body: { subject: 'batched draft' },
          },
          {
            id: 'b',
            method: 'GET',
            url: "/me/mailFolders/drafts/messages?$filter=subject eq 'batched draft'",
            dependsOn: ['a'],
          },
          { id: 'c', method: 'GET', url: '/me/messages/does-not-exist' },
          { id: 'd', method: 'GET', url: '/me', dependsOn: ['c'] },
        ],
      },
    });
    const res = byId(r.body);
    assert.equal(res.get('a')?.status, 201);
    assert.equal(list(res.get('b')?.body?.value).length, 1);
    assert.equal(res.get('c')?.status, 404);
    assert.equal(res.get('d')?.status, 424);
  });

  void it('validates the envelope: > 20 requests, duplicate ids, body without Content-Type, unknown dependsOn', () => {
    const { call } = createTestService();
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me' }));
    const tooMany = call('POST', '/$batch', { scopes: ALL, body: { requests: many } });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error?.message, 'Number of requests inside batch exceeds the limit.');
    const dup = call('POST', '/$batch', {
      scopes: ALL,
      body: {
        requests: [
          { id: 'X', method: 'GET', url: '/me' },
          { id: 'x', method: 'GET', url: '/me' },
        ],
      },
    });
    assert.equal(dup.status, 400);
    const noCt = call('POST', '/$batch', {
      scopes: ALL,
      body: { requests: [{ id: '1', method: 'POST', url: '/me/messages', body: {} }] },
    });
    assert.equal(noCt.status, 400);
    const dep = call('POST', '/$batch', {
      scopes: ALL,
      body: { requests: [{ id: '1', method: 'GET', url: '/me', dependsOn: ['9'] }] },
    });
    assert.equal(dep.status, 400);
  });

  void it('answers Outlook requests beyond 4 concurrent per mailbox with 429 ApplicationThrottled', () => {
    const { call } = createTestService();
    const requests = Array.from({ length: 6 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: '/me/messages?$top=1',
    }));
    const res = byId(call('POST', '/$batch', { scopes: ALL, body: { requests } }).body);
    const throttled = [...res.values()].filter((r) => r.status === (429 as unknown));
    assert.equal(throttled.length, 2);
    assert.equal(throttled[0]?.body?.error?.code, 'ApplicationThrottled');
    assert.equal(throttled[0]?.headers?.['Retry-After'], '1');
    // A dependsOn chain runs one at a time and is never throttled.
    const chain = requests.map((r, i) => (i ? { ...r, dependsOn: [String(i)] } : r));
    const chained = byId(call('POST', '/$batch', { scopes: ALL, body: { requests: chain } }).body);
    assert.ok([...chained.values()].every((r) => r.status === (200 as unknown)));
    // The rule can be switched off.
    const off = createTestService({ mailboxConcurrency: Number.POSITIVE_INFINITY });
    const free = byId(off.call('POST', '/$batch', { scopes: ALL, body: { requests } }).body);
    assert.ok([...free.values()].every((r) => r.status === (200 as unknown)));
  });
});
