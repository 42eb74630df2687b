import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultApis } from '../emulator/fixtures.ts';
import {
  apiResource,
  apiScopeKey,
  formatGraphScopes,
  parseScopes,
  resourceCount,
  scopeErrorName,
} from '../emulator/scopes.ts';

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

void describe('emulator scope parsing: custom APIs', () => {
  const [orders] = defaultApis();
  assert.ok(orders);
  const apis = [orders];
  const uri = orders.appIdUri;

  void it('recognises a registered API by application ID URI or client id, case-insensitively', () => {
    const r = parseScopes(`${uri}/access_as_user openid profile offline_access`, { apis });
    assert.ok(r.ok);
    assert.deepEqual(r.scopes.graph, []);
    assert.equal(r.scopes.apis.length, 1);
    assert.equal(r.scopes.apis[0]?.api.clientId, orders.clientId);
    assert.deepEqual(r.scopes.apis[0]?.names, ['access_as_user']);
    assert.equal(r.scopes.apis[0]?.prefix, `${uri}/`);
    assert.equal(apiResource(r.scopes)?.api, orders);
    assert.equal(apiScopeKey(orders, 'access_as_user'), `${uri}/access_as_user`);

    const byGuid = parseScopes(`${orders.clientId.toUpperCase()}/ACCESS_AS_USER`, { apis });
    assert.ok(byGuid.ok);
    assert.deepEqual(byGuid.scopes.apis[0]?.names, ['access_as_user'], 'the registration spelling');
    assert.equal(byGuid.scopes.apis[0]?.prefix, `${orders.clientId}/`);
  });

  void it('handles <api>/.default, and refuses it next to a named scope of the same API', () => {
    const d = parseScopes(`${uri}/.default`, { apis });
    assert.ok(d.ok && d.scopes.apis[0]?.isDefault === true && d.scopes.apis[0].names.length === 0);
    assert.deepEqual(parseScopes(`${uri}/.default ${uri}/access_as_user`, { apis }), {
      ok: false,
      code: 70011,
      scope: `${uri}/.default`,
    });
  });

  void it('unknown resource → 500011 (invalid_resource); unknown scope of a known API → 70011', () => {
    const unknown = parseScopes('api://not-registered/access_as_user', { apis });
    assert.deepEqual(unknown, { ok: false, code: 500011, scope: 'api://not-registered' });
    assert.equal(scopeErrorName(500011), 'invalid_resource');
    assert.deepEqual(parseScopes(`${uri}/Orders.Delete`, { apis }), {
      ok: false,
      code: 70011,
      scope: `${uri}/Orders.Delete`,
    });
    assert.equal(scopeErrorName(70011), 'invalid_scope');
    // Without the registry the same scope is an unknown resource (the emulator before any API exists).
    assert.equal(parseScopes(`${uri}/access_as_user`).ok, false);
  });

  void it('several resources: fine for /authorize (consent up front), AADSTS28000 for a token request', () => {
    const raw = `User.Read ${uri}/access_as_user openid`;
    const authorize = parseScopes(raw, { apis });
    assert.ok(authorize.ok);
    assert.equal(resourceCount(authorize.scopes), 2);
    assert.equal(apiResource(authorize.scopes), undefined);
    assert.deepEqual(parseScopes(raw, { apis, singleResource: true }), { ok: false, code: 28000, scope: raw });
    assert.equal(scopeErrorName(28000), 'invalid_scope');
    const graphOnly = parseScopes('User.Read Mail.Read offline_access', { apis, singleResource: true });
    assert.ok(graphOnly.ok && resourceCount(graphOnly.scopes) === 1);
    const oidcOnly = parseScopes('openid profile', { apis, singleResource: true });
    assert.ok(oidcOnly.ok && resourceCount(oidcOnly.scopes) === 0);
  });
});
