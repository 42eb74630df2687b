import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WORKBOOK_SESSION_IDLE_MS } from '../../emulator/graph/routes/workbook.ts';
import { parseAddress, rectAddress, columnName } from '../../emulator/graph/routes/workbook-cells.ts';
import { createTestService, list, str, type J } from './fake-deps.ts';

const R = ['Files.Read'];
const RW = ['Files.ReadWrite'];

function book(t: ReturnType<typeof createTestService>): string {
  const item = t.call('GET', '/me/drive/root:/Documents/Project Falcon/Falcon budget.xlsx', { scopes: R });
  return `/me/drive/items/${str(item.body.id)}/workbook`;
}

const rows = (j: J | undefined): unknown[][] => j as unknown as unknown[][];

void describe('graph emulator: Excel workbooks', () => {
  void it('parses A1 addresses', () => {
    assert.deepEqual(parseAddress('B2:D4'), { r0: 1, c0: 1, r1: 3, c1: 3 });
    assert.deepEqual(parseAddress("'My sheet'!$A$1"), { r0: 0, c0: 0, r1: 0, c1: 0 });
    assert.equal(rectAddress(parseAddress('AA10:AB12')), 'AA10:AB12');
    assert.equal(columnName(16_383), 'XFD');
    assert.throws(() => parseAddress('A0'));
    assert.throws(() => parseAddress('XFE1'));
    assert.throws(() => parseAddress("A1') or 1=1"));
  });

  void it('lists worksheets and tables; reads ranges, the used range and table ranges without a session', () => {
    const t = createTestService();
    const wb = book(t);
    const sheets = t.call('GET', `${wb}/worksheets?$select=name,position,visibility`, { scopes: R });
    assert.deepEqual(
      list(sheets.body.value).map((s) => str(s.name)),
      ['Budget', 'Sales'],
    );
    const tables = t.call('GET', `${wb}/tables?$select=name`, { scopes: R });
    assert.deepEqual(
      list(tables.body.value).map((s) => str(s.name)),
      ['Budget'],
    );
    const range = t.call('GET', `${wb}/worksheets/Budget/range(address='A1:B2')?$select=address,values,text`, {
      scopes: R,
    });
    assert.equal(range.status, 200, JSON.stringify(range.json));
    assert.equal(str(range.body.address), 'Budget!A1:B2');
    assert.deepEqual(rows(range.body.values), [
      ['Item', 'Q1'],
      ['Hardware', 12000],
    ]);
    const fn = t.call('GET', `${wb}/worksheets('Budget')/range(address='B2')`, { scopes: R });
    assert.deepEqual(rows(fn.body.text), [['12000']]);
    const used = t.call('GET', `${wb}/worksheets/Sales/usedRange(valuesOnly=true)?$select=address,rowCount`, {
      scopes: R,
    });
    assert.deepEqual([str(used.body.address), used.body.rowCount], ['Sales!A1:E501', 501 as unknown as J]);
    const table = t.call('GET', `${wb}/tables/Budget/range`, { scopes: R });
    assert.equal(str(table.body.address), 'Budget!A1:D4');
    const missing = t.call('GET', `${wb}/worksheets/Nope/usedRange`, { scopes: R });
    assert.deepEqual([missing.status, missing.body.error?.code], [404, 'itemNotFound']);
    const bad = t.call('GET', `${wb}/worksheets/Budget/range(address='A0')`, { scopes: R });
    assert.deepEqual([bad.status, bad.body.error?.code], [400, 'InvalidArgument']);
    const docx = t.call('GET', '/me/drive/root:/Documents/Project Falcon/Falcon plan.docx:/workbook/worksheets', {
      scopes: R,
    });
    assert.equal(docx.status, 403);
  });

  void it('writes in a persistent session: PATCH range values, rows/add; closeSession ends it', () => {
    const t = createTestService();
    const wb = book(t);
    assert.equal(t.call('POST', `${wb}/createSession`, { scopes: R, body: { persistChanges: true } }).status, 403);
    const session = t.call('POST', `${wb}/createSession`, { scopes: RW, body: { persistChanges: true } });
    assert.equal(session.status, 201, JSON.stringify(session.json));
    const headers = { 'workbook-session-id': str(session.body.id) };
    const patched = t.call('PATCH', `${wb}/worksheets/Budget/range(address='B2:C2')`, {
      scopes: RW,
      headers,
      body: { values: [[13000, null]] },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
    assert.deepEqual(rows(patched.body.values), [[13000, 8000]]);
    const mismatch = t.call('PATCH', `${wb}/worksheets/Budget/range(address='B2:C2')`, {
      scopes: RW,
      headers,
      body: { values: [[1, 2, 3]] },
    });
    assert.deepEqual([mismatch.status, mismatch.body.error?.code], [400, 'InvalidArgument']);
    const added = t.call('POST', `${wb}/tables/Budget/rows/add`, {
      scopes: RW,
      headers,
      body: { values: [['Travel', 1000, 1000, 500]] },
    });
    assert.equal(added.status, 200, JSON.stringify(added.json));
    assert.equal(str(t.call('GET', `${wb}/tables/Budget/range`, { scopes: R }).body.address), 'Budget!A1:D5');
    assert.equal(t.call('POST', `${wb}/closeSession`, { scopes: RW, headers }).status, 204);
    const closed = t.call('GET', `${wb}/worksheets`, { scopes: R, headers });
    assert.deepEqual(
      [closed.status, closed.body.error?.code, closed.body.error?.innerError?.code],
      [404, 'itemNotFound', 'invalidSessionReCreatable'],
    );
    const read = t.call('GET', `${wb}/worksheets/Budget/range(address='A5:B5')`, { scopes: R });
    assert.deepEqual(rows(read.body.values), [['Travel', 1000]], 'persisted after the session');
  });

  void it('a session expires after 5 idle minutes; a non-persistent one never changes the file', () => {
    const t = createTestService();
    const wb = book(t);
    const s = t.call('POST', `${wb}/createSession`, { scopes: RW, body: { persistChanges: false } });
    const headers = { 'workbook-session-id': str(s.body.id) };
    t.call('PATCH', `${wb}/worksheets/Budget/range(address='A2')`, { scopes: RW, headers, body: { values: [['X']] } });
    const inSession = t.call('GET', `${wb}/worksheets/Budget/range(address='A2')`, { scopes: R, headers });
    assert.deepEqual(rows(inSession.body.values), [['X']]);
    const outside = t.call('GET', `${wb}/worksheets/Budget/range(address='A2')`, { scopes: R });
    assert.deepEqual(rows(outside.body.values), [['Hardware']]);
    t.deps.clock.advance(WORKBOOK_SESSION_IDLE_MS / 1000 + 1);
    const expired = t.call('GET', `${wb}/worksheets`, { scopes: R, headers });
    assert.equal(expired.body.error?.innerError?.code, 'invalidSessionReCreatable' as unknown as J);
    const unknown = t.call('GET', `${wb}/worksheets`, { scopes: R, headers: { 'workbook-session-id': 'nope' } });
    assert.equal(unknown.status, 404);
    const missing = t.call('POST', `${wb}/createSession`, { scopes: RW, body: {} });
    assert.equal(missing.status, 400);
  });
});
