import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatGraphScopes, parseScopes } from '../../emulator/scopes.ts';

void describe('emulator scope parsing', () => {
  void it('splits OIDC and Graph scopes, canonicalising Graph names case-insensitively', () => {
    const r = parseScopes('user.read Mail.Read openid profile offline_access');
    assert.ok(r.ok);
    assert.deepEqual(r.scopes.graph, ['User.Read', 'Mail.Read']);
    assert.deepEqual([...r.scopes.oidc], ['openid', 'profile', 'offline_access']);
    assert.equal(r.scopes.uriForm, false);
  });

  void it('accepts URI-form Graph scopes and /.default alone', () => {
    const r = parseScopes('https://graph.microsoft.com/Mail.Send openid');
    assert.ok(r.ok && r.scopes.uriForm && r.scopes.graph[0] === 'Mail.Send');
    const d = parseScopes('https://graph.microsoft.com/.default offline_access');
    assert.ok(d.ok && d.scopes.isDefault && d.scopes.graph.length === 0);
    assert.deepEqual(formatGraphScopes(['User.Read'], true), ['https://graph.microsoft.com/User.Read']);
  });

  void it('rejects unknown scopes, other resources and /.default mixed with named scopes', () => {
    assert.deepEqual(parseScopes('User.Read Bogus.Scope'), { ok: false, code: 70011, scope: 'Bogus.Scope' });
    assert.equal(parseScopes('api://other/Read').ok, false);
    assert.equal(parseScopes('https://graph.microsoft.com/.default User.Read').ok, false);
  });
});
