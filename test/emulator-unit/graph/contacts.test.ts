import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestService, list, str } from './fake-deps.ts';

const R = ['Contacts.Read'];
const RW = ['Contacts.ReadWrite'];

void describe('graph emulator: contacts', () => {
  const { call } = createTestService();

  void it('folders: /me/contactFolders lists the child folders; their contacts are not in /me/contacts', () => {
    const folders = list(call('GET', '/me/contactFolders?$select=id,displayName', { scopes: R }).body.value);
    assert.deepEqual(
      folders.map((f) => f.displayName),
      ['Suppliers'] as unknown,
    );
    const suppliers = call('GET', `/me/contactFolders/${str(folders[0]?.id)}/contacts`, { scopes: R });
    assert.deepEqual(
      list(suppliers.body.value).map((c) => c.companyName),
      ['Fabrikam', 'Tailspin Toys'] as unknown,
    );
    const root = list(call('GET', '/me/contacts?$top=100', { scopes: R }).body.value);
    assert.equal(root.length, 8);
    assert.ok(!root.some((c) => c.companyName === ('Fabrikam' as unknown)));
  });

  void it('filters the way Outlook allows: startswith on names, emailAddresses only as any(a:a/address eq …)', () => {
    const all = list(call('GET', '/me/contacts', { scopes: R }).body.value);
    const first = all[0];
    const prefix = str(first?.givenName).slice(0, 3);
    const byName = call(
      'GET',
      `/me/contacts?$filter=startswith(displayName,'${prefix}') or startswith(surname,'${prefix}')`,
      {
        scopes: R,
      },
    );
    assert.ok(list(byName.body.value).some((c) => c.id === first?.id));
    const address = str(first?.emailAddresses?.[0]?.address);
    const byMail = call('GET', `/me/contacts?$filter=emailAddresses/any(a:a/address eq '${address.toUpperCase()}')`, {
      scopes: R,
    });
    assert.deepEqual(
      list(byMail.body.value).map((c) => c.id),
      [first?.id],
    );
    for (const bad of [
      `emailAddresses/any(a:startswith(a/address,'${address.slice(0, 3)}'))`,
      `emailAddresses/any(a:a/name eq 'x')`,
      `emailAddresses/all(a:a/address eq '${address}')`,
      `emailAddresses/any(a:a/address ne '${address}')`,
    ]) {
      const r = call('GET', `/me/contacts?$filter=${bad}`, { scopes: R });
      assert.equal(r.status, 400, bad);
      assert.equal(r.body.error?.code, 'ErrorInvalidUrlQueryFilter', bad);
    }
    const search = call('GET', '/me/contacts?$search="ada"', { scopes: R });
    assert.equal(search.status, 501);
    assert.match(str(search.body.error?.message), /does not model \$search on contacts/);
  });

  void it('POST, PATCH, DELETE with Contacts.ReadWrite; Contacts.Read cannot write', () => {
    const body = { givenName: 'Raj', surname: 'Mehta', emailAddresses: [{ address: 'raj@tailspin.example' }] };
    assert.equal(call('POST', '/me/contacts', { scopes: R, body }).status, 403);
    const created = call('POST', '/me/contacts', { scopes: RW, body });
    assert.equal(created.status, 201);
    assert.equal(created.body.displayName, 'Raj Mehta');
    assert.equal(created.body.fileAs, 'Mehta, Raj');
    const id = str(created.body.id);
    const patched = call('PATCH', `/me/contacts/${id}`, { scopes: RW, body: { mobilePhone: '+1 555 0199' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.mobilePhone, '+1 555 0199');
    assert.notEqual(patched.body.changeKey, created.body.changeKey);
    assert.equal(call('GET', `/me/contacts/${id}`, { scopes: R }).body.mobilePhone, '+1 555 0199');
    const bad = call('PATCH', `/me/contacts/${id}`, { scopes: RW, body: { mobile: 'x' } });
    assert.equal(bad.status, 400, 'a property the contact type lacks');
    const folder = list(call('GET', '/me/contactFolders', { scopes: R }).body.value)[0];
    const inFolder = call('POST', `/me/contactFolders/${str(folder?.id)}/contacts`, { scopes: RW, body });
    assert.equal(inFolder.body.parentFolderId, folder?.id);
    assert.equal(call('DELETE', `/me/contacts/${id}`, { scopes: RW }).status, 204);
    assert.equal(call('GET', `/me/contacts/${id}`, { scopes: R }).status, 404);
  });
});
