import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADELE, createTestService, list, MEGAN, num, str } from './fake-deps.ts';

const DIR = ['User.ReadBasic.All'];
const EVENTUAL = { consistencylevel: 'eventual' };

void describe('graph emulator: /me and /users', () => {
  const { call } = createTestService();

  void it('/me returns the default property set and honours $select', () => {
    const me = call('GET', '/me', { scopes: ['User.Read'] });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, ADELE.oid);
    assert.equal(me.body.userPrincipalName, ADELE.upn);
    assert.equal(me.body['@odata.context'], 'https://localhost:8445/v1.0/$metadata#users/$entity');
    assert.deepEqual(Object.keys(me.body).sort(), [
      '@odata.context',
      'businessPhones',
      'displayName',
      'givenName',
      'id',
      'jobTitle',
      'mail',
      'mobilePhone',
      'officeLocation',
      'preferredLanguage',
      'surname',
      'userPrincipalName',
    ]);
    const sel = call('GET', '/me?$select=displayName,department', { scopes: ['User.Read'] });
    assert.deepEqual(Object.keys(sel.body).sort(), ['@odata.context', 'department', 'displayName', 'id']);
    assert.equal(
      sel.body['@odata.context'],
      'https://localhost:8445/v1.0/$metadata#users(displayName,department)/$entity',
    );
    assert.equal(call('GET', '/me?$select=nope', { scopes: ['User.Read'] }).status, 400);
  });

  void it('lists users with startswith on the default-supported properties', () => {
    const prefixes = {
      displayName: 'meg',
      givenName: 'Meg',
      surname: 'bow',
      mail: 'megan@',
      userPrincipalName: 'MEGAN',
    };
    for (const [prop, prefix] of Object.entries(prefixes)) {
      const r = call('GET', `/users?$filter=startswith(${prop},'${prefix}')`, { scopes: DIR });
      assert.equal(r.status, 200, prop);
      assert.ok(
        list(r.body.value).some((u) => u.id === (MEGAN.oid as unknown)),
        prop,
      );
    }
    const r = call('GET', "/users?$filter=startswith(displayName,'a') or startswith(displayName,'m')", { scopes: DIR });
    assert.ok(list(r.body.value).every((u) => /^[am]/i.test(str(u.displayName))));
  });

  void it('basic-only tokens see non-basic properties of other users as null', () => {
    const r = call('GET', `/users/${MEGAN.oid}`, { scopes: DIR });
    assert.equal(r.body.displayName, 'Megan Bowen');
    assert.equal(r.body.jobTitle, null);
    const full = call('GET', `/users/${MEGAN.upn}`, { scopes: ['User.Read.All'] });
    assert.equal(full.body.jobTitle, 'IT Administrator');
  });

  void it('unknown users → Request_ResourceNotFound', () => {
    const r = call('GET', '/users/nobody@contoso.onmicrosoft.com', { scopes: DIR });
    assert.equal(r.status, 404);
    assert.equal(r.body.error?.code, 'Request_ResourceNotFound');
  });

  void it('advanced queries need ConsistencyLevel: eventual (+ $count=true)', () => {
    const search = call('GET', '/users?$search="displayName:meg"', { scopes: DIR });
    assert.equal(search.status, 400);
    assert.equal(search.body.error?.code, 'Request_UnsupportedQuery');
    assert.match(str(search.body.error?.message), /ConsistencyLevel: eventual/);
    const ok = call('GET', '/users?$search="displayName:meg"', { scopes: DIR, headers: EVENTUAL });
    assert.equal(ok.status, 200);
    assert.deepEqual(
      list(ok.body.value).map((u) => u.id),
      [MEGAN.oid],
    );

    const ends = call('GET', "/users?$filter=endswith(mail,'contoso.onmicrosoft.com')", { scopes: DIR });
    assert.equal(ends.status, 400);
    assert.match(
      str(ends.body.error?.message),
      /^Operator 'endsWith' is not supported because the required parameters might be missing/,
    );
    const endsOk = call('GET', "/users?$filter=endswith(mail,'contoso.onmicrosoft.com')&$count=true", {
      scopes: DIR,
      headers: EVENTUAL,
    });
    assert.equal(endsOk.status, 200);
    assert.equal(num(endsOk.body['@odata.count']), list(endsOk.body.value).length);

    const sort = call('GET', "/users?$filter=startswith(displayName,'a')&$orderby=displayName", { scopes: DIR });
    assert.equal(sort.body.error?.message, 'Sorting not supported for current query.');
  });

  void it('$count=true without the header is ignored; /users/$count needs it', () => {
    const r = call('GET', '/users?$count=true', { scopes: DIR });
    assert.equal(r.status, 200);
    assert.equal(r.body['@odata.count'], undefined);
    assert.equal(
      call('GET', '/users/$count', { scopes: DIR }).body.error?.message,
      '$count is not currently supported.',
    );
    const c = call('GET', '/users/$count', { scopes: DIR, headers: EVENTUAL });
    assert.ok(Number(c.raw?.toString()) > 20);
  });

  void it('pages with $skiptoken, rejects $skip and oversize $top; nextLink needs the header again', () => {
    assert.equal(call('GET', '/users?$skip=5', { scopes: DIR }).status, 400);
    assert.match(
      str(call('GET', '/users?$top=1000', { scopes: DIR }).body.error?.message),
      /Must be between 1 and 999/,
    );
    const seen: string[] = [];
    let url: string | undefined = '/users?$top=7&$select=displayName';
    while (url) {
      const r = call('GET', url, { scopes: DIR });
      assert.equal(r.status, 200);
      seen.push(...list(r.body.value).map((u) => str(u.id)));
      url = typeof r.body['@odata.nextLink'] === 'string' ? str(r.body['@odata.nextLink']) : undefined;
      if (url) assert.match(url, /^https:\/\/localhost:8445\/v1\.0\/users\?.*\$skiptoken=/);
    }
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.length > 20);
    const first = call('GET', '/users?$search="displayName:a"&$top=1', { scopes: DIR, headers: EVENTUAL });
    const next = str(first.body['@odata.nextLink']);
    assert.equal(call('GET', next, { scopes: DIR }).status, 400);
    assert.equal(call('GET', next, { scopes: DIR, headers: EVENTUAL }).status, 200);
  });

  void it('/me/people ranks colleagues and supports $search and $top', () => {
    const r = call('GET', '/me/people?$top=5', { scopes: ['People.Read'] });
    assert.equal(list(r.body.value).length, 5);
    const scores = list(r.body.value).map((p) => num(list(p.scoredEmailAddresses)[0]?.relevanceScore));
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );
    const s = call('GET', '/me/people?$search="megan"', { scopes: ['People.Read'] });
    assert.deepEqual(
      list(s.body.value).map((p) => p.displayName),
      ['Megan Bowen'],
    );
    assert.equal(call('GET', '/me/people?$search="megan"&$skip=1', { scopes: ['People.Read'] }).status, 400);
  });
});
