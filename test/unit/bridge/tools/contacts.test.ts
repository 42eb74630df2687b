import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contactFilter, contactsTools } from '../../../../bridge/tools/contacts.ts';
import { assertCatalogRules, byName, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const ADA = {
  id: 'AAMkContactAda=',
  displayName: 'Ada Lovelace',
  emailAddresses: [{ name: 'Ada', address: 'ada@contoso.com' }],
  companyName: 'Contoso',
  jobTitle: 'Engineer',
  mobilePhone: '+1 555 0100',
  businessPhones: ['+1 555 0101'],
};
const FOLDERS = { items: [{ id: 'AAMkFolder1=', displayName: 'Suppliers' }], nextCursor: null };

void describe('contacts tools', () => {
  void it('follow the catalog rules with Contacts.Read / Contacts.ReadWrite', () => {
    assertCatalogRules(contactsTools);
    assert.deepEqual(byName(contactsTools, 'list_contacts').scopes, ['Contacts.Read']);
    assert.deepEqual(byName(contactsTools, 'save_contact').scopes, ['Contacts.ReadWrite']);
  });

  void it('query → the $filter Outlook allows on contacts (startswith on names; whole address on emailAddresses)', () => {
    assert.equal(
      contactFilter("O'Brien"),
      "startswith(displayName,'O''Brien') or startswith(givenName,'O''Brien') or startswith(surname,'O''Brien') or startswith(companyName,'O''Brien')",
    );
    assert.equal(contactFilter(' ada@contoso.com '), "emailAddresses/any(a:a/address eq 'ada@contoso.com')");
  });

  void it('list_contacts: one line per contact, the other folders named in the head', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/contacts': { items: [ADA], nextCursor: 'gb1.next' },
        'GET /me/contactFolders': FOLDERS,
      },
    });
    const r = await runTool(byName(contactsTools, 'list_contacts'), { query: 'Ad' }, fake.ctx);
    assert.match(String(fake.graph[0]?.call.query?.$filter), /^startswith\(displayName,'Ad'\)/);
    assert.equal(fake.graph[0]?.call.query?.$search, undefined, 'no $search on contacts');
    assert.match(
      r.text,
      /^1 contact\(s\): \(other folders: Suppliers\)\n- \[AAMkContactAda=\] Ada Lovelace <ada@contoso\.com> \| Engineer, Contoso \| mobile \+1 555 0100 \| work \+1 555 0101\n/,
    );
    assert.match(r.text, /cursor "gb1\.next"/);
  });

  void it('list_contacts in a folder by name; an unknown folder names the folders', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/contactFolders': FOLDERS,
        'GET /me/contactFolders/AAMkFolder1=/contacts': { items: [], nextCursor: null },
      },
    });
    await runTool(byName(contactsTools, 'list_contacts'), { folder: 'suppliers' }, fake.ctx);
    assert.equal(fake.graph[1]?.call.pathTemplate, '/me/contactFolders/{id}/contacts');
    await rejectsWithCode(
      runTool(byName(contactsTools, 'list_contacts'), { folder: 'Family' }, fake.ctx),
      'INVALID_INPUT',
      /No contact folder "Family"\. Folders: "Suppliers"\./,
    );
  });

  void it('save_contact creates after approval, in a folder by name', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/contactFolders': FOLDERS,
        'POST /me/contactFolders/AAMkFolder1=/contacts': (c) => ({
          id: 'AAMkNew=',
          displayName: 'Raj Mehta',
          ...(c.body as object),
        }),
      },
    });
    const r = await runTool(
      byName(contactsTools, 'save_contact'),
      { givenName: 'Raj', surname: 'Mehta', emails: ['raj@tailspin.example'], folder: 'Suppliers' },
      fake.ctx,
    );
    assert.deepEqual(fake.log, [
      'page GET /me/contactFolders',
      'approve',
      'request POST /me/contactFolders/AAMkFolder1=/contacts',
    ]);
    assert.equal(fake.approvals[0]?.summary, 'Create contact "Raj Mehta" in folder "Suppliers"');
    assert.equal(fake.approvals[0]?.details?.Emails, 'raj@tailspin.example');
    assert.deepEqual(fake.graph[1]?.call.body, {
      givenName: 'Raj',
      surname: 'Mehta',
      emailAddresses: [{ address: 'raj@tailspin.example' }],
    });
    assert.match(r.text, /^Created contact\.\n- \[AAMkNew=\] Raj Mehta <raj@tailspin\.example>/);
  });

  void it('save_contact updates only the fields given, naming the contact in the approval', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/contacts/AAMkContactAda=': ADA,
        'PATCH /me/contacts/AAMkContactAda=': (c) => ({ ...ADA, ...(c.body as object) }),
      },
    });
    await runTool(
      byName(contactsTools, 'save_contact'),
      { contactId: 'AAMkContactAda=', mobilePhone: '+1 555 0199' },
      fake.ctx,
    );
    assert.equal(fake.approvals[0]?.summary, 'Update contact "Ada Lovelace": mobile');
    assert.equal(fake.approvals[0]?.details?.Mobile, '+1 555 0199');
    assert.deepEqual(fake.graph[1]?.call.body, { mobilePhone: '+1 555 0199' });
  });

  void it('save_contact sends nothing when denied, and refuses an empty contact before asking', async () => {
    for (const input of [{ givenName: 'X' }, { contactId: 'AAMkContactAda=', jobTitle: 'CTO' }]) {
      const fake = fakeContext({ deny: true, routes: { 'GET /me/contacts/AAMkContactAda=': ADA } });
      await rejectsWithCode(runTool(byName(contactsTools, 'save_contact'), input, fake.ctx), 'APPROVAL_DENIED');
      assert.ok(!fake.log.some((l) => /POST|PATCH/.test(l)), fake.log.join());
    }
    const empty = fakeContext();
    await rejectsWithCode(runTool(byName(contactsTools, 'save_contact'), {}, empty.ctx), 'INVALID_INPUT');
    assert.equal(empty.log.length, 0);
  });
});
