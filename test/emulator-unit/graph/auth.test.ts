import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADELE, createTestService, list, str } from './fake-deps.ts';

void describe('graph emulator: authentication (401)', () => {
  const { call } = createTestService();

  void it('no bearer → InvalidAuthenticationToken "Access token is empty." with WWW-Authenticate', () => {
    const r = call('GET', '/me', { token: null, headers: { 'client-request-id': 'c-1' } });
    assert.equal(r.status, 401);
    assert.equal(r.body.error?.code, 'InvalidAuthenticationToken');
    assert.equal(r.body.error?.message, 'Access token is empty.');
    assert.equal(r.body.error?.innerError?.['client-request-id'], 'c-1');
    assert.match(str(r.body.error?.innerError?.date), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.equal(r.body.error?.innerError?.['request-id'], r.headers['request-id']);
    assert.equal(
      r.headers['WWW-Authenticate'],
      'Bearer realm="", authorization_uri="https://localhost:8443/common/oauth2/v2.0/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    );
  });

  void it('maps every verification failure to its real message', () => {
    const cases: [string, RegExp][] = [
      ['not-a-token', /^CompactToken parsing failed/],
      ['expired', /^Lifetime validation failed, the token is expired\.$/],
      ['invalid_audience', /Invalid audience/],
      ['revoked', /TokenIssuedBeforeRevocationTimestamp/],
    ];
    for (const [token, message] of cases) {
      const r = call('GET', '/me', { token });
      assert.equal(r.status, 401, token);
      assert.match(str(r.body.error?.message), message, token);
    }
  });

  void it('a CAE-capable token gets a claims challenge for a revocation or a policy change; others do not', () => {
    const challenge = (token: string) => {
      const r = call('GET', '/me', { token });
      assert.equal(r.status, 401, token);
      const h = r.headers['WWW-Authenticate'] ?? '';
      if (!/error="insufficient_claims"/.test(h)) return { message: str(r.body.error?.message), nbf: undefined };
      const claims = /claims="([^"]+)"/.exec(h)?.[1] ?? '';
      const decoded = JSON.parse(Buffer.from(claims, 'base64').toString('utf8')) as {
        access_token: { nbf: { essential: boolean; value: string } };
      };
      assert.equal(decoded.access_token.nbf.essential, true);
      return { message: str(r.body.error?.message), nbf: decoded.access_token.nbf.value };
    };
    assert.deepEqual(challenge('revoked-cp1'), {
      message:
        'Continuous access evaluation resulted in claims challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
      nbf: '1700000000',
    });
    assert.deepEqual(challenge('outdated-policy-cp1'), {
      message:
        'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenCreatedWithOutdatedPolicies',
      nbf: '1700000001',
    });
    assert.equal(challenge('revoked').nbf, undefined, 'no challenge for a client without cp1');
  });

  void it('authenticates before routing (unknown path without token is 401, with token 400 segment)', () => {
    assert.equal(call('GET', '/nope', { token: null }).status, 401);
    const r = call('GET', '/me/nope', { scopes: ['User.Read'] });
    assert.equal(r.status, 400);
    assert.equal(r.body.error?.message, "Resource not found for the segment 'nope'.");
  });
});

void describe('graph emulator: scope checks (403)', () => {
  const { call } = createTestService();
  const expect403 = (url: string, scopes: string[], code: string, method = 'GET', body?: unknown): void => {
    const r = call(method, url, { scopes, ...(body === undefined ? {} : { body }) });
    assert.equal(r.status, 403, `${method} ${url}`);
    assert.equal(r.body.error?.code, code, `${method} ${url}`);
  };

  void it('uses each workload\u2019s own 403 body', () => {
    expect403('/me/messages', ['User.Read'], 'ErrorAccessDenied');
    expect403('/me/calendarView?startDateTime=2026-01-01&endDateTime=2026-01-02', ['User.Read'], 'ErrorAccessDenied');
    expect403('/me/todo/lists', ['User.Read'], 'ErrorAccessDenied');
    expect403('/users', ['User.Read'], 'Authorization_RequestDenied');
    expect403('/me/drive/root/children', ['User.Read'], 'accessDenied');
    const r = call('GET', '/me/chats', { scopes: ['User.Read', 'Mail.Read'] });
    assert.equal(r.status, 403);
    assert.equal(r.body.error?.code, 'Forbidden');
    assert.equal(
      r.body.error?.message,
      "Missing scope permissions on the request. API requires one of 'Chat.ReadBasic, Chat.Read, Chat.ReadWrite'. Scopes on the request 'User.Read Mail.Read'",
    );
    assert.equal(call('GET', '/me/people', { scopes: ['User.Read'] }).body.error?.code, 'ErrorAccessDenied');
    assert.equal(
      call('GET', '/users', { scopes: ['User.Read'] }).body.error?.message,
      'Insufficient privileges to complete the operation.',
    );
  });

  void it('accepts the least-privileged scope and any higher one, case-insensitively', () => {
    for (const scopes of [['Mail.ReadBasic'], ['Mail.Read'], ['mail.readwrite']]) {
      assert.equal(call('GET', '/me/messages?$top=1', { scopes }).status, 200, scopes.join());
    }
    for (const scopes of [['Files.Read'], ['Files.ReadWrite.All'], ['Sites.Read.All']]) {
      assert.equal(call('GET', '/me/drive/root/children', { scopes }).status, 200, scopes.join());
    }
  });

  void it('writes need a write scope even when a read scope is present', () => {
    expect403('/me/messages', ['Mail.Read'], 'ErrorAccessDenied', 'POST', { subject: 'x' });
    expect403('/me/sendMail', ['Mail.ReadWrite'], 'ErrorAccessDenied', 'POST', { message: {} });
    expect403('/me/events', ['Calendars.Read'], 'ErrorAccessDenied', 'POST', { subject: 'x' });
    expect403('/me/todo/lists', ['Tasks.Read'], 'ErrorAccessDenied', 'POST', { displayName: 'x' });
    expect403('/me/drive/root:/a.txt:/content', ['Files.Read'], 'accessDenied', 'PUT', 'hello');
    expect403('/chats/x/messages', ['Chat.Read'], 'Forbidden', 'POST', { body: { content: 'x' } });
  });

  void it('Mail.ReadBasic hides bodies; attachments need Mail.Read', () => {
    const r = call('GET', '/me/messages?$top=3', { scopes: ['Mail.ReadBasic'] });
    assert.equal(r.status, 200);
    for (const m of list(r.body.value)) {
      assert.equal(m.body, undefined);
      assert.equal(m.bodyPreview, undefined);
      assert.equal(typeof m.subject, 'string');
    }
    const id = str(list(r.body.value)[0]?.id);
    expect403(`/me/messages/${id}/attachments`, ['Mail.ReadBasic'], 'ErrorAccessDenied');
  });

  void it('/users/{my id} is /me (User.Read suffices); other users need directory scopes', () => {
    assert.equal(call('GET', `/users/${ADELE.oid}`, { scopes: ['User.Read'] }).status, 200);
    assert.equal(
      call('GET', `/users/${encodeURIComponent(ADELE.upn)}/messages?$top=1`, { scopes: ['Mail.Read'] }).status,
      200,
    );
    expect403('/users/megan@contoso.onmicrosoft.com', ['User.Read'], 'Authorization_RequestDenied');
  });
});
