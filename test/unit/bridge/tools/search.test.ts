import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCombination, cleanSummary, scopesFor, searchTools } from '../../../../bridge/tools/search.ts';
import { assertCatalogRules, byName, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const tool = byName(searchTools, 'microsoft_search');

void describe('microsoft_search', () => {
  void it('follows the catalog rules', () => {
    assertCatalogRules(searchTools);
    assert.equal(tool.write, false);
  });

  void it('allows only the entity type mixes Graph accepts, before any call', async () => {
    assert.deepEqual(checkCombination(['driveItem', 'site', 'listItem', 'site']), ['driveItem', 'site', 'listItem']);
    assert.deepEqual(checkCombination(['message']), ['message']);
    for (const bad of [
      ['message', 'event'],
      ['message', 'driveItem'],
      ['event', 'site'],
    ] as const) {
      const fake = fakeContext();
      await rejectsWithCode(
        runTool(tool, { query: 'x', entityTypes: bad }, fake.ctx),
        'INVALID_INPUT',
        /only on its own; search .* in separate calls/,
      );
      assert.equal(fake.graph.length, 0);
    }
  });

  void it('asks for the least-privilege scope of the types', () => {
    assert.deepEqual(scopesFor(['message']), ['Mail.Read']);
    assert.deepEqual(scopesFor(['event']), ['Calendars.Read']);
    assert.deepEqual(scopesFor(['driveItem']), ['Files.Read.All']);
    assert.deepEqual(scopesFor(['driveItem', 'site']), ['Sites.Read.All']);
    assert.deepEqual(scopesFor(['listItem']), ['Sites.Read.All']);
  });

  void it('POSTs one searchRequest (a read) and lists hits with ids, clean summaries and the next offset', async () => {
    const fake = fakeContext({
      routes: {
        'POST /search/query': {
          value: [
            {
              searchTerms: ['falcon'],
              hitsContainers: [
                {
                  total: 30,
                  moreResultsAvailable: true,
                  hits: [
                    {
                      hitId: 'AAMkMsg1=',
                      rank: 1,
                      summary: '<ddd/>the <c0>Falcon</c0> plan\nis ready<ddd/>',
                      resource: {
                        '@odata.type': '#microsoft.graph.message',
                        subject: 'Project Falcon',
                        receivedDateTime: '2026-05-01T10:00:00Z',
                        from: { emailAddress: { name: 'Ada', address: 'ada@contoso.com' } },
                      },
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
    });
    const r = await runTool(tool, { query: 'falcon', entityTypes: ['message'], size: 1 }, fake.ctx);
    const call = fake.graph[0]?.call;
    assert.equal(call?.readOnly, true);
    assert.deepEqual(call?.scopes, ['Mail.Read']);
    assert.deepEqual(call?.body, {
      requests: [{ entityTypes: ['message'], query: { queryString: 'falcon' }, from: 0, size: 1 }],
    });
    assert.equal(fake.approvals.length, 0);
    assert.equal(
      r.text,
      '1 result(s) for message:\n- [AAMkMsg1=] Project Falcon — from Ada <ada@contoso.com>, 2026-05-01 10:00: …the Falcon plan is ready…\nMore results: call again with from: 1.',
    );
  });

  void it('shows files with their link, sites and list items by name and link', async () => {
    const fake = fakeContext({
      routes: {
        'POST /search/query': {
          value: [
            {
              hitsContainers: [
                {
                  hits: [
                    {
                      hitId: '01ABC',
                      resource: {
                        '@odata.type': '#microsoft.graph.driveItem',
                        id: '01ABC',
                        name: 'plan.docx',
                        webUrl: 'https://contoso-my.sharepoint.com/plan.docx',
                      },
                    },
                    {
                      hitId: 'contoso.sharepoint.com,1,2',
                      resource: {
                        '@odata.type': '#microsoft.graph.site',
                        displayName: 'Retail',
                        webUrl: 'https://contoso.sharepoint.com/sites/Retail',
                      },
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
    });
    const r = await runTool(tool, { query: 'plan', entityTypes: ['driveItem', 'site'] }, fake.ctx);
    assert.match(r.text, /- \[01ABC\] plan\.docx — https:\/\/contoso-my\.sharepoint\.com\/plan\.docx/);
    assert.match(r.text, /- site Retail — https:\/\/contoso\.sharepoint\.com\/sites\/Retail/);
    assert.doesNotMatch(r.text, /More results/);
  });

  void it('strips highlight markup and control characters from summaries', () => {
    assert.equal(cleanSummary('<c0>a</c0>\u001b[2J b<ddd/>'), 'a b…');
  });
});
