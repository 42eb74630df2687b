import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphHttpError } from '../../emulator/graph/errors.ts';
import { formatQuery, parseQuery, type GraphRequest } from '../../emulator/graph/http.ts';
import {
  applySelect,
  parseOrderBy,
  parseSearch,
  parseSelect,
  parseTop,
  sortBy,
} from '../../emulator/graph/odata/options.ts';
import { decodeSkipToken, encodeSkipToken, skipPage, tokenPage } from '../../emulator/graph/odata/paging.ts';

const req = (query: string): GraphRequest => ({
  method: 'GET',
  version: 'v1.0',
  path: '/me/messages',
  query: parseQuery(query),
  headers: {},
  body: Buffer.alloc(0),
});

void describe('graph emulator: OData options', () => {
  void it('parses the query keeping OData syntax and lower-casing $ keys', () => {
    const q = parseQuery("$Filter=startswith(displayName,'a%20b')&$TOP=5&other=X&$search=%22hello+world%22");
    assert.equal(q.get('$filter'), "startswith(displayName,'a b')");
    assert.equal(q.get('$top'), '5');
    assert.equal(q.get('other'), 'X');
    assert.equal(q.get('$search'), '"hello world"');
    assert.equal(parseQuery(formatQuery(q)).get('$filter'), q.get('$filter'));
  });

  void it('$top: default, clamp to max, 400 on zero or junk', () => {
    assert.equal(parseTop(new Map(), { def: 10, max: 1000 }), 10);
    assert.equal(parseTop(new Map([['$top', '5000']]), { def: 10, max: 1000 }), 1000);
    for (const bad of ['0', '-1', 'abc', '1.5']) {
      assert.throws(
        () => parseTop(new Map([['$top', bad]]), { def: 10, max: 1000 }),
        (e: unknown) => e instanceof GraphHttpError && e.status === 400,
      );
    }
  });

  void it('$select validates names case-insensitively and keeps id and annotations', () => {
    const known = new Set(['id', 'subject', 'from']);
    const sel = parseSelect(new Map([['$select', 'Subject,from']]), {
      known,
      typeName: 'microsoft.graph.message',
      code: 'X',
    });
    assert.deepEqual(sel, ['subject', 'from']);
    assert.deepEqual(applySelect({ '@odata.etag': 'e', id: '1', subject: 's', from: null, body: 'b' }, sel), {
      '@odata.etag': 'e',
      id: '1',
      subject: 's',
      from: null,
    });
    assert.throws(
      () => parseSelect(new Map([['$select', 'nope']]), { known, typeName: 'microsoft.graph.message', code: 'X' }),
      (e: unknown) =>
        e instanceof GraphHttpError && e.code === 'X' && /Could not find a property named 'nope'/.test(e.message),
    );
  });

  void it('$orderby parses directions and sorts stably by several keys', () => {
    const order = parseOrderBy(new Map([['$orderby', 'a desc, b/c']]));
    assert.deepEqual(order, [
      { path: ['a'], desc: true },
      { path: ['b', 'c'], desc: false },
    ]);
    const rows = [
      { a: 1, b: { c: 'y' } },
      { a: 2, b: { c: 'x' } },
      { a: 1, b: { c: 'x' } },
    ];
    assert.deepEqual(sortBy(rows, order ?? []), [rows[1], rows[2], rows[0]]);
  });

  void it('$search strips the surrounding double quotes', () => {
    assert.equal(parseSearch(new Map([['$search', '"budget review"']])), 'budget review');
    assert.equal(parseSearch(new Map([['$search', 'budget']])), 'budget');
  });
});

void describe('graph emulator: paging', () => {
  const items = Array.from({ length: 25 }, (_, i) => i);
  const base = 'https://localhost:8445/v1.0';

  void it('$skip pages link to the next offset, absolute on the Graph origin, keeping the query', () => {
    const p1 = skipPage(items, { req: req('$top=10&$select=subject'), base, skip: 0, top: 10 });
    assert.deepEqual(p1.items, items.slice(0, 10));
    const next = new URL(p1.nextLink ?? '');
    assert.equal(next.origin + next.pathname, `${base}/me/messages`);
    assert.equal(next.searchParams.get('$skip'), '10');
    assert.equal(next.searchParams.get('$select'), 'subject');
    const last = skipPage(items, { req: req('$skip=20'), base, skip: 20, top: 10 });
    assert.deepEqual(last.items, [20, 21, 22, 23, 24]);
    assert.equal(last.nextLink, undefined);
  });

  void it('$skiptoken pages round-trip an opaque token and reject forged ones', () => {
    const p1 = tokenPage(items, { req: req(''), base, top: 10 });
    const token = new URL(p1.nextLink ?? '').searchParams.get('$skiptoken') ?? '';
    assert.equal(decodeSkipToken(token), 10);
    assert.equal(decodeSkipToken(encodeSkipToken(7)), 7);
    const p2 = tokenPage(items, { req: req(`$skiptoken=${token}`), base, top: 10 });
    assert.deepEqual(p2.items, items.slice(10, 20));
    assert.throws(() => decodeSkipToken('garbage'), GraphHttpError);
  });
});
