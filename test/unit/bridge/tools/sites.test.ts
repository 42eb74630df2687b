import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sitesTools } from '../../../../bridge/tools/sites.ts';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import { assertCatalogRules, byName, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const SITE = 'contoso.sharepoint.com,1111,2222';
const LIST = 'a1b2c3d4-0000-4000-8000-000000000001';
const BASE = `/sites/${SITE}/lists/${LIST}`;

void describe('sites tools', () => {
  void it('follow the catalog rules with Sites.Read.All / Sites.ReadWrite.All', () => {
    assertCatalogRules(sitesTools);
    assert.deepEqual(
      sitesTools.map((t) => [t.name, t.scopes.join()]),
      [
        ['search_sites', 'Sites.Read.All'],
        ['list_site_lists', 'Sites.Read.All'],
        ['create_list_item', 'Sites.ReadWrite.All'],
      ],
    );
  });

  void it('search_sites: each site with its libraries; a site whose libraries cannot be read says so', async () => {
    const fake = fakeContext({
      routes: {
        'GET /sites': {
          items: [
            { id: SITE, displayName: 'Contoso\nMarketing', webUrl: 'https://contoso.sharepoint.com/sites/Marketing' },
            { id: 'other,1,2', displayName: 'Locked', webUrl: 'https://contoso.sharepoint.com/sites/Locked' },
          ],
          nextCursor: null,
        },
        [`GET /sites/${SITE}/drives`]: {
          value: [
            { id: 'b!docs', name: 'Documents' },
            { id: 'b!brand', name: 'Brand' },
          ],
        },
        'GET /sites/other,1,2/drives': () => {
          throw new ToolError('GRAPH_FORBIDDEN', 'no');
        },
      },
    });
    const r = await runTool(byName(sitesTools, 'search_sites'), { query: 'contoso' }, fake.ctx);
    assert.equal(fake.graph[0]?.call.query?.search, 'contoso');
    assert.equal(
      r.text,
      [
        '2 site(s) for "contoso":',
        `- [${SITE}] Contoso Marketing — https://contoso.sharepoint.com/sites/Marketing`,
        '  libraries: [b!docs] Documents; [b!brand] Brand',
        '- [other,1,2] Locked — https://contoso.sharepoint.com/sites/Locked',
        '  libraries: (not readable: GRAPH_FORBIDDEN)',
      ].join('\n'),
    );
  });

  void it('list_site_lists: lists (hidden ones left out), or a list with its writable fields and items', async () => {
    const fake = fakeContext({
      routes: {
        [`GET /sites/${SITE}/lists`]: {
          items: [
            {
              id: LIST,
              displayName: 'Campaign tasks',
              list: { template: 'genericList' },
              lastModifiedDateTime: '2026-03-01T00:00:00Z',
            },
            { id: 'lib', displayName: 'Documents', list: { template: 'documentLibrary' } },
            { id: 'hid', displayName: 'Workflow', list: { hidden: true } },
          ],
          nextCursor: null,
        },
        [`GET ${BASE}/columns`]: {
          value: [
            { name: 'Title', text: {} },
            { name: 'Status', choice: { choices: ['Open', 'Done'] } },
            { name: 'Budget', number: {} },
            { name: 'Created', dateTime: {}, readOnly: true },
            { name: 'ComplianceAssetId', text: {}, hidden: true },
          ],
        },
        [`GET ${BASE}/items`]: {
          items: [
            {
              id: '1',
              fields: {
                Title: 'Posters',
                Status: 'Done',
                Budget: 2500,
                Created: '2026-01-01',
                _UIVersionString: '1.0',
              },
            },
          ],
          nextCursor: 'gb1.n',
        },
      },
    });
    const lists = await runTool(byName(sitesTools, 'list_site_lists'), { site: SITE }, fake.ctx);
    assert.equal(
      lists.text,
      `2 list(s):\n- [${LIST}] Campaign tasks (list, modified 2026-03-01)\n- [lib] Documents (document library)`,
    );
    const items = await runTool(byName(sitesTools, 'list_site_lists'), { site: SITE, list: LIST, top: 5 }, fake.ctx);
    assert.match(
      items.text,
      /^Fields: Title \(text\), Status \(choice: Open\|Done\), Budget \(number\)\n1 item\(s\):\n- \[1\] Posters — Status: Done; Budget: 2500/,
    );
    assert.doesNotMatch(items.text, /_UIVersionString|Created/);
    assert.deepEqual(fake.graph.at(-1)?.call.query, { $expand: 'fields', $top: 5 });
  });

  void it('create_list_item: the approval names site, list and every field; denied sends nothing', async () => {
    const routes = {
      [`GET /sites/${SITE}`]: {
        displayName: 'Contoso Marketing',
        webUrl: 'https://contoso.sharepoint.com/sites/Marketing',
      },
      [`GET ${BASE}`]: { displayName: 'Campaign tasks' },
      [`POST ${BASE}/items`]: {
        id: '4',
        webUrl: 'https://contoso.sharepoint.com/sites/Marketing/Lists/x/DispForm.aspx?ID=4',
      },
    };
    const fields = { Title: 'Radio spot', Budget: 1200, Done: false };
    const fake = fakeContext({ routes });
    const r = await runTool(byName(sitesTools, 'create_list_item'), { site: SITE, list: LIST, fields }, fake.ctx);
    assert.equal(
      fake.approvals[0]?.summary,
      'Add an item to list "Campaign tasks" of site "Contoso Marketing": Title: Radio spot; Budget: 1200; Done: false',
    );
    assert.deepEqual(fake.graph.at(-1)?.call.body, { fields });
    assert.match(r.text, /^Added item \[4\] to list "Campaign tasks" of "Contoso Marketing"\./);

    const denied = fakeContext({ routes, deny: true });
    await rejectsWithCode(
      runTool(byName(sitesTools, 'create_list_item'), { site: SITE, list: LIST, fields }, denied.ctx),
      'APPROVAL_DENIED',
    );
    assert.ok(denied.graph.every((g) => g.call.method === 'GET'));
    const bad = fakeContext({ routes });
    for (const f of [{}, { 'Title"; x': 'y' }, { 'a b': 1 }]) {
      await rejectsWithCode(
        runTool(byName(sitesTools, 'create_list_item'), { site: SITE, list: LIST, fields: f }, bad.ctx),
        'INVALID_INPUT',
      );
    }
    assert.equal(bad.graph.length, 0);
  });

  void it('create_list_item: a padded value cannot hide a later field from the approval; too many fields are refused', async () => {
    const routes = {
      [`GET /sites/${SITE}`]: {
        displayName: 'Contoso Marketing',
        webUrl: 'https://contoso.sharepoint.com/sites/Marketing',
      },
      [`GET ${BASE}`]: { displayName: 'Campaign tasks' },
      [`POST ${BASE}/items`]: { id: '5' },
    };
    const padding = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`Notes${i}`, 'x'.repeat(10_000)]));
    const fields = { ...padding, Title: 'Harmless', Approved: true };
    const fake = fakeContext({ routes });
    await runTool(byName(sitesTools, 'create_list_item'), { site: SITE, list: LIST, fields }, fake.ctx);
    const details = fake.approvals[0]?.details ?? {};
    assert.equal(details['Field Approved'], 'true', 'the last field is shown, after 160,000 characters of padding');
    assert.match(details['Field Notes0'] ?? '', /\(10,000 characters\)$/, 'a cut value says how long it is');
    assert.ok(
      Object.values(details).every((v) => v.length <= 2000),
      'no entry the approval would cut',
    );
    assert.equal(Object.keys(details).length, 20);

    const many = fakeContext({ routes });
    const tooMany = Object.fromEntries(Array.from({ length: 19 }, (_, i) => [`F${i}`, i]));
    await rejectsWithCode(
      runTool(byName(sitesTools, 'create_list_item'), { site: SITE, list: LIST, fields: tooMany }, many.ctx),
      'INVALID_INPUT',
      /at most|1–18/,
    );
    assert.equal(many.graph.length + many.approvals.length, 0);
  });
});
