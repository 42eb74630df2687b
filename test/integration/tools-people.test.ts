/**
 * Profile (manager/direct reports, presence), contacts and Microsoft Search end to end: a real MCP
 * Client over stdio spawning dist/bridge.js, a real broker signed in to the Entra+Graph emulator as
 * Adele with the profile, contacts and search groups on, writes on "ask" (the test decides like the
 * user), and the emulator's request log as the proof of what reached Graph. On-demand scopes
 * (Presence.*, Files.Read.All) are not granted at first: the tools name them, the test grants them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decidePendingWrite, type TestBroker } from '../helpers/broker.ts';
import type { RunningEmulator } from '../helpers/emulator.ts';
import { resultText, type BridgeClient } from '../helpers/mcp-client.ts';
import { BASE_SCOPES, okText, startToolRig, toolHarness, type ToolRig } from '../helpers/tool-harness.ts';

const BUDGETS: Record<string, { tools: string[]; bytes: number }> = {
  profile: {
    tools: ['get_my_profile', 'search_users', 'get_user', 'search_people', 'get_presence'],
    bytes: 4.5 * 1024,
  },
  contacts: { tools: ['list_contacts', 'save_contact'], bytes: 2 * 1024 },
  search: { tools: ['microsoft_search'], bytes: 1.5 * 1024 },
};
let rig: ToolRig;
let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;
let adeleOid: string;
const granted = new Set(BASE_SCOPES);

const { lastSeq, graphCalls, graphWrites, decide } = toolHarness(() => ({
  emulator,
  broker: broker.broker,
  bridge,
}));

function grant(scope: string): void {
  granted.add(scope);
  emulator.control.setGrant(adeleOid, emulator.clientId, [...granted]);
}

/** A call that needs `scope` for `path`: refused naming it (that request never sent), then — granted — answered. */
async function afterConsent(scope: string, path: RegExp, tool: string, args: Record<string, unknown>): Promise<string> {
  const since = lastSeq();
  const first = await bridge.call(tool, args);
  assert.equal(first.isError, true, resultText(first));
  assert.match(resultText(first), new RegExp(`not been granted yet: [^.]*${scope.replace(/\./g, '\\.')}`));
  assert.equal(
    graphCalls(since, undefined, path).length,
    0,
    `nothing needing ${scope} reached Graph before it was granted`,
  );
  grant(scope);
  return okText(await bridge.call(tool, args));
}

before(async () => {
  rig = await startToolRig({
    grant: [...granted],
    broker: { toolGroups: ['profile', 'contacts', 'search'], writes: 'ask' },
    bridge: { entry: 'dist', clientName: 'people-it' },
  });
  ({ emulator, broker, bridge, adeleOid } = rig);
});

after(() => rig?.close());

test('profile, contacts and search tools are text tools within their group budgets', async (t) => {
  const { tools } = await bridge.client.listTools();
  for (const [group, budget] of Object.entries(BUDGETS)) {
    const mine = tools.filter((x) => budget.tools.includes(x.name));
    assert.deepEqual(mine.map((x) => x.name).sort(), [...budget.tools].sort(), group);
    const sizes = mine.map((x) => Buffer.byteLength(JSON.stringify(x)));
    const total = sizes.reduce((a, b) => a + b, 0);
    t.diagnostic(`${group} tools/list: ${total} bytes (largest ${Math.max(...sizes)})`);
    assert.ok(total <= budget.bytes, `${group}: ${total} bytes`);
    for (const tool of mine) assert.equal(tool.outputSchema, undefined, tool.name);
  }
  assert.equal(tools.find((x) => x.name === 'save_contact')?.annotations?.readOnlyHint, undefined);
  assert.equal(tools.find((x) => x.name === 'microsoft_search')?.annotations?.readOnlyHint, true);
});

void describe('profile', () => {
  test('get_user with manager and direct reports, by email and for "me"', async () => {
    const me = okText(await bridge.call('get_user', { user: 'me', include: ['manager', 'directReports'] }));
    assert.match(me, /^\{"id":"u[0-9a-z]+".*"displayName":"Adele Vance"/);
    assert.match(me, /^Manager:\n- \[u[0-9a-z]+\] Patti Fernandez </m);
    assert.match(me, /^Direct reports \(3\):$/m);
    const [, christie] = /^- \[(u[0-9a-z]+)\] Christie Cline </m.exec(me) ?? [];
    assert.ok(christie, me);
    const theirs = okText(await bridge.call('get_user', { user: christie, include: ['manager'] }));
    assert.match(theirs, /^Manager:\n- \[u[0-9a-z]+\] Adele Vance </m, 'the short id from the list works');
    const [, pattiId] = /^Manager:\n- \[(u[0-9a-z]+)\] Patti Fernandez </m.exec(me) ?? [];
    assert.ok(pattiId);
    const patti = okText(await bridge.call('get_user', { user: pattiId, include: ['manager'] }));
    assert.match(patti, /\nManager: none$/);
  });

  test('get_presence: Presence.Read for yours, Presence.Read.All for others — each asked for when first needed', async () => {
    const mine = await afterConsent('Presence.Read', /presence/i, 'get_presence', {});
    assert.match(mine, /^You: (Available|Away|BeRightBack|DoNotDisturb|Offline|Busy)/);
    const megan = emulator.users[1];
    assert.ok(megan);
    const since = lastSeq();
    const others = await afterConsent('Presence.Read.All', /presence/i, 'get_presence', { users: [megan.mail] });
    assert.match(others, new RegExp(`^- Megan Bowen <${megan.mail.replace(/\./g, '\\.')}>: \\w+`, 'm'));
    const post = graphCalls(since, 'POST', /getPresencesByUserId$/);
    assert.equal(post.length, 1);
    assert.deepEqual(post[0]?.body, { ids: [megan.oid] });
    assert.deepEqual(broker.broker.status().pendingApprovals, [], 'a read sent as POST is not a write');
  });
});

void describe('contacts', () => {
  test('list_contacts: the default folder, a name prefix, a whole address, a folder by name', async () => {
    const all = okText(await bridge.call('list_contacts', {}));
    assert.match(all, /^8 contact\(s\): \(other folders: Suppliers\)$/m);
    const [, name, address] = /^- \[q[0-9a-z]+\] ([^<]+) <([^>]+)>/m.exec(all) ?? [];
    assert.ok(name && address, all);
    const since = lastSeq();
    const byName = okText(await bridge.call('list_contacts', { query: name.slice(0, 3) }));
    assert.ok(byName.includes(`${name.trim()} <${address}>`), byName);
    const byAddress = okText(await bridge.call('list_contacts', { query: address.toUpperCase() }));
    assert.match(byAddress, /^1 contact\(s\):/);
    const filters = graphCalls(since, 'GET', /\/me\/contacts$/).map((r) => r.query.$filter ?? '');
    assert.ok(filters.some((f) => f.startsWith('startswith(displayName,')));
    assert.ok(filters.some((f) => f.startsWith("emailAddresses/any(a:a/address eq '")));
    const suppliers = okText(await bridge.call('list_contacts', { folder: 'Suppliers' }));
    assert.match(suppliers, /Lena Hoffmann <lena\.hoffmann@fabrikam\.example> \| Account Manager, Fabrikam/);
  });

  test('save_contact creates (in a folder) and updates after approval; denied ones send nothing', async () => {
    const since = lastSeq();
    for (const args of [
      { givenName: 'Never', surname: 'Saved' },
      { contactId: 'AAMkNope=', jobTitle: 'x' },
    ]) {
      const call = bridge.call('save_contact', args);
      if ('contactId' in args) {
        // An unknown contact fails on the read that names it in the approval: nothing is asked.
        const r = await call;
        assert.equal(r.isError, true);
        continue;
      }
      await decidePendingWrite(broker.broker, 'save_contact', 'deny', call);
      assert.match(resultText(await call), /did not approve/);
    }
    const created = await decide(
      'save_contact',
      {
        givenName: 'Raj',
        surname: 'Mehta',
        emails: ['raj@tailspin.example'],
        companyName: 'Tailspin',
        folder: 'Suppliers',
      },
      'allow-once',
    );
    assert.equal(created.asked.summary, 'Create contact "Raj Mehta" in folder "Suppliers"');
    const [, id] = /^- \[(q[0-9a-z]+)\] Raj Mehta <raj@tailspin\.example>/m.exec(okText(created.result)) ?? [];
    assert.ok(id, resultText(created.result));
    const denied = await decide('save_contact', { contactId: id, jobTitle: 'CEO' }, 'deny');
    assert.equal(denied.result.isError, true);
    const updated = await decide('save_contact', { contactId: id, mobilePhone: '+49 170 5550100' }, 'allow-once');
    assert.equal(updated.asked.summary, 'Update contact "Raj Mehta": mobile');
    assert.match(okText(updated.result), /mobile \+49 170 5550100/);
    const writes = graphWrites(since);
    assert.deepEqual(
      writes.map((r) => r.method),
      ['POST', 'PATCH'],
      'only the two approved writes reached Graph',
    );
    assert.match(
      okText(await bridge.call('list_contacts', { folder: 'Suppliers' })),
      /Raj Mehta .*mobile \+49 170 5550100/,
    );
  });
});

void describe('microsoft_search', () => {
  test('mail and events (each alone), hits with short ids the get tools take', async () => {
    const since = lastSeq();
    const mail = okText(await bridge.call('microsoft_search', { query: 'budget', entityTypes: ['message'], size: 3 }));
    assert.match(mail, /^3 result\(s\) for message:$/m);
    assert.match(mail, /^- \[m[0-9a-z]+\] .* — from .*: .*budget/im);
    assert.match(mail, /More results: call again with from: 3\./);
    assert.doesNotMatch(mail, /<c0>|<ddd\/>/);
    const next = okText(
      await bridge.call('microsoft_search', { query: 'budget', entityTypes: ['message'], size: 3, from: 3 }),
    );
    assert.notEqual(next.split('\n')[1], mail.split('\n')[1], 'the next page');
    const events = okText(await bridge.call('microsoft_search', { query: 'standup', entityTypes: ['event'] }));
    assert.match(events, /^- \[e[0-9a-z]+\] Project Falcon standup — /m);
    const posts = graphCalls(since, 'POST', /\/search\/query$/);
    assert.equal(posts.length, 3);
    assert.deepEqual(posts[0]?.body, {
      requests: [{ entityTypes: ['message'], query: { queryString: 'budget' }, from: 0, size: 3 }],
    });
    assert.deepEqual(broker.broker.status().pendingApprovals, []);
  });

  test('a mix Graph refuses is refused before calling; files need Files.Read.All, sites Sites.Read.All (on demand)', async () => {
    const since = lastSeq();
    const mixed = await bridge.call('microsoft_search', { query: 'x', entityTypes: ['message', 'driveItem'] });
    assert.equal(mixed.isError, true);
    assert.match(resultText(mixed), /only on its own; search message, driveItem in separate calls/);
    assert.equal(graphCalls(since).length, 0);
    const files = await afterConsent('Files.Read.All', /search/, 'microsoft_search', {
      query: 'sales',
      entityTypes: ['driveItem'],
    });
    assert.match(files, /^- \[d[0-9a-z]+\] Q1 sales\.csv, modified .* — https:\/\//m);
    const sites = await afterConsent('Sites.Read.All', /search/, 'microsoft_search', {
      query: 'retail',
      entityTypes: ['site', 'driveItem'],
    });
    assert.match(sites, /^- site Retail — https:\/\/\w+\.sharepoint\.com\/sites\/Retail/m);
  });
});
