import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestService, list, str, type J } from './fake-deps.ts';

const ALL = ['Mail.Read', 'Calendars.Read', 'Files.Read.All', 'Sites.Read.All'];

void describe('graph emulator: /search/query', () => {
  const { call } = createTestService();
  const search = (request: Record<string, unknown>, scopes = ALL) =>
    call('POST', '/search/query', { scopes, body: { requests: [request] } });
  const container = (r: { body: J }): J | undefined => list(list(r.body.value)[0]?.hitsContainers)[0];

  void it('searches mail: searchResponse with hitsContainers, hits (hitId, rank, <c0> summary, message resource)', () => {
    const r = search({ entityTypes: ['message'], query: { queryString: 'budget' }, from: 0, size: 5 });
    assert.equal(r.status, 200, str(r.body.error?.message));
    assert.match(str(r.body['@odata.context']), /#Collection\(microsoft\.graph\.searchResponse\)$/);
    assert.deepEqual(list(r.body.value)[0]?.searchTerms, ['budget'] as unknown);
    const c = container(r);
    const hits = list(c?.hits);
    assert.equal(hits.length, 5);
    assert.equal(c?.moreResultsAvailable, true);
    assert.equal(hits[0]?.rank, 1);
    assert.equal(hits[0]?.resource?.['@odata.type'], '#microsoft.graph.message');
    assert.match(str(hits[0]?.summary), /<c0>budget<\/c0>/i);
    const id = str(hits[0]?.hitId);
    assert.equal(call('GET', `/me/messages/${id}?$select=subject`, { scopes: ['Mail.Read'] }).status, 200);
    const dates = hits.map((h) => str(h.resource?.receivedDateTime));
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
    const big = search({ entityTypes: ['message'], query: { queryString: 'budget' }, size: 100 });
    assert.equal(list(container(big)?.hits).length, 25, 'message pages hold at most 25');
  });

  void it('events, files and sites; SharePoint types together in one container', () => {
    const events = search({ entityTypes: ['event'], query: { queryString: 'standup' } });
    assert.equal(list(container(events)?.hits)[0]?.resource?.['@odata.type'], '#microsoft.graph.event');
    const files = search({ entityTypes: ['driveItem', 'site'], query: { queryString: 'retail' } });
    const types = new Set(list(container(files)?.hits).map((h) => str(h.resource?.['@odata.type'])));
    assert.deepEqual([...types].sort(), ['#microsoft.graph.driveItem', '#microsoft.graph.site']);
    const none = search({ entityTypes: ['driveItem'], query: { queryString: 'zzzunfindable' } });
    assert.deepEqual(container(none), { total: 0, moreResultsAvailable: false });
  });

  void it('refuses what Graph refuses: mixes, unknown types, several requests, missing permission', () => {
    for (const types of [
      ['message', 'event'],
      ['message', 'driveItem'],
      ['event', 'listItem'],
      ['person', 'site'],
    ]) {
      const r = search({ entityTypes: types, query: { queryString: 'x' } });
      assert.equal(r.status, 400, types.join());
      assert.match(str(r.body.error?.message), /combination is not supported/);
    }
    assert.equal(search({ entityTypes: ['mail'], query: { queryString: 'x' } }).status, 400);
    assert.equal(search({ entityTypes: ['message'], query: { queryString: '' } }).status, 400);
    const two = call('POST', '/search/query', {
      scopes: ALL,
      body: { requests: [1, 2].map(() => ({ entityTypes: ['message'], query: { queryString: 'x' } })) },
    });
    assert.equal(two.status, 400);
    const bogus = search({ entityTypes: ['message'], query: { queryString: 'x' }, bogus: true });
    assert.equal(bogus.status, 400, 'a property searchRequest lacks');
    const files = search({ entityTypes: ['driveItem'], query: { queryString: 'x' } }, ['Files.Read', 'Mail.Read']);
    assert.equal(files.status, 403);
    assert.equal(search({ entityTypes: ['site'], query: { queryString: 'x' } }, ['Files.Read.All']).status, 403);
    assert.equal(search({ entityTypes: ['chatMessage'], query: { queryString: 'x' } }).status, 501);
  });
});
