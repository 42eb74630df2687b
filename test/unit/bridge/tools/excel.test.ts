import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFileTools } from '../../../../bridge/tools/files.ts';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import { byName, fakeContext, rejectsWithCode, runTool, type RouteValue } from './shared/fake-context.ts';

const tools = createFileTools();
const read = byName(tools, 'read_workbook');
const write = byName(tools, 'write_workbook');

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const BOOK = {
  id: 'book-1',
  name: 'Budget.xlsx',
  size: 9000,
  file: { mimeType: XLSX },
  parentReference: { path: '/drive/root:/Documents', driveId: 'b!me' },
};
const WB = '/me/drive/items/book-1/workbook';

function routes(extra: Record<string, RouteValue>): Record<string, RouteValue> {
  return { 'GET /me/drive/root:/Documents/Budget.xlsx': BOOK, ...extra };
}

void describe('read_workbook', () => {
  void it('without sheet or table: worksheets with their used range, and the tables', async () => {
    const fake = fakeContext({
      routes: routes({
        [`GET ${WB}/worksheets`]: {
          value: [
            { name: 'Budget', visibility: 'Visible' },
            { name: 'Old', visibility: 'Hidden' },
          ],
        },
        [`GET ${WB}/tables`]: { value: [{ name: 'BudgetTable' }] },
        [`GET ${WB}/worksheets('Budget')/usedRange(valuesOnly=true)`]: {
          address: 'Budget!A1:D4',
          rowCount: 4,
          columnCount: 4,
        },
        [`GET ${WB}/worksheets('Old')/usedRange(valuesOnly=true)`]: { address: 'Old!A1', rowCount: 1, columnCount: 1 },
      }),
    });
    const r = await runTool(read, { path: 'Documents/Budget.xlsx' }, fake.ctx);
    assert.match(
      r.text,
      /^Documents\/Budget\.xlsx \[book-1\]\nWorksheets:\n- Budget — used A1:D4 \(4 rows × 4 columns\)\n- Old \(hidden\)/,
    );
    assert.match(r.text, /Tables: BudgetTable/);
    assert.ok(fake.graph.every((g) => g.call.method === 'GET' && g.call.scopes.join() === 'Files.Read'));
    assert.equal(
      fake.graph[3]?.call.pathTemplate,
      "/me/drive/items/{id}/workbook/worksheets('{sheet}')/usedRange(valuesOnly=true)",
    );
  });

  void it('a range, a used range or a table as a compact text table; no session', async () => {
    const fake = fakeContext({
      routes: routes({
        [`GET ${WB}/worksheets('Budget')/range(address='B2:C3')`]: {
          address: 'Budget!B2:C3',
          values: [
            [12000, 8000],
            [5000, 5000],
          ],
          text: [
            ['12,000', '8,000'],
            ['5,000', '5,000'],
          ],
        },
        [`GET ${WB}/tables('BudgetTable')/range`]: {
          address: 'Budget!A1:B2',
          values: [
            ['Item', 'Q1'],
            ['Hardware', 1],
          ],
        },
      }),
    });
    const r = await runTool(read, { path: 'Documents/Budget.xlsx', sheet: 'Budget', range: 'c3:b2' }, fake.ctx);
    assert.match(
      r.text,
      /Budget!B2:C3 \(2 rows × 2 columns\):\nrow \| B \| C\n2 \| 12,000 \| 8,000\n3 \| 5,000 \| 5,000$/,
    );
    assert.deepEqual(fake.graph[1]?.call.query, { $select: 'address,values,text' });
    const t = await runTool(read, { path: 'Documents/Budget.xlsx', table: 'BudgetTable' }, fake.ctx);
    assert.match(t.text, /1 \| Item \| Q1\n2 \| Hardware \| 1$/);
    assert.equal(fake.saved.length, 0);
    assert.ok(fake.graph.every((g) => !g.call.path.includes('Session')));
  });

  void it('a range bigger than one result shows its first rows and saves all of them as CSV', async () => {
    const values = [['Region', 'Revenue'], ...Array.from({ length: 600 }, (_, i) => [`R${i}`, i])];
    const fake = fakeContext({
      routes: routes({
        [`GET ${WB}/worksheets('Sales')/usedRange(valuesOnly=true)`]: { address: 'Sales!A1:B601', values },
      }),
    });
    const r = await runTool(read, { path: 'Documents/Budget.xlsx', sheet: 'Sales' }, fake.ctx);
    assert.match(
      r.text,
      /\[Showing 200 of 601 rows\. All rows saved as CSV: \/tmp\/downloads\/Budget Sales A1-B601\.csv\]$/,
    );
    const csv = Buffer.from(fake.saved[0]?.bytes ?? new Uint8Array()).toString('utf8');
    assert.equal(csv.split('\r\n').length, 602);
    assert.ok(csv.startsWith('Region,Revenue\r\nR0,0\r\n'));
  });

  void it('refuses what is not a workbook, a range without sheet, and bad names before Graph', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/drive/items/doc': { ...BOOK, id: 'doc', name: 'a.docx', file: { mimeType: 'application/msword' } },
      },
    });
    await rejectsWithCode(runTool(read, { itemId: 'doc' }, fake.ctx), 'INVALID_INPUT', /not an Excel workbook/);
    const before = fake.graph.length;
    await rejectsWithCode(
      runTool(read, { itemId: 'doc', range: 'A1' }, fake.ctx),
      'INVALID_INPUT',
      /range needs sheet/,
    );
    await rejectsWithCode(runTool(read, { itemId: 'doc', sheet: 'S', range: 'A1:B' }, fake.ctx), 'INVALID_INPUT');
    await rejectsWithCode(runTool(read, { itemId: 'doc', table: "T')/rows/add" }, fake.ctx), 'INVALID_INPUT');
    assert.equal(fake.graph.length, before);
  });
});

void describe('write_workbook', () => {
  const session = { id: 'cluster=EMU&session=abc', persistChanges: true };

  void it('asks first (overwritten cells, formulas), then writes in a session and closes it', async () => {
    const fake = fakeContext({
      routes: routes({
        [`GET ${WB}/worksheets('Budget')/range(address='B2:C3')`]: {
          values: [
            [1, ''],
            ['', ''],
          ],
        },
        [`POST ${WB}/createSession`]: session,
        [`PATCH ${WB}/worksheets('Budget')/range(address='B2:C3')`]: { address: 'Budget!B2:C3' },
        [`POST ${WB}/closeSession`]: undefined,
      }),
    });
    const values = [
      [1, 2],
      ['=SUM(B2:C2)', null],
    ];
    const r = await runTool(write, { path: 'Documents/Budget.xlsx', sheet: 'Budget', range: 'B2', values }, fake.ctx);
    assert.deepEqual(fake.log, [
      'request GET /me/drive/root:/Documents/Budget.xlsx',
      `request GET ${WB}/worksheets('Budget')/range(address='B2:C3')`,
      'approve',
      `request POST ${WB}/createSession`,
      `request PATCH ${WB}/worksheets('Budget')/range(address='B2:C3')`,
      `request POST ${WB}/closeSession`,
    ]);
    const approval = fake.approvals[0];
    assert.match(
      approval?.summary ?? '',
      /^Write 2 row\(s\) × 2 column\(s\) to Budget!B2:C3 of workbook "Documents\/Budget\.xlsx" in OneDrive/,
    );
    assert.equal(approval?.details?.Overwrites, '1 non-empty cell(s)');
    assert.match(approval?.details?.Formulas ?? '', /1 cell\(s\) start with "="/);
    assert.equal(approval?.details?.Values, '1 | 2\n=SUM(B2:C2) | ');
    const [, , createCall, patch, close] = fake.graph;
    assert.deepEqual(createCall?.call.body, { persistChanges: true });
    assert.deepEqual(patch?.call.headers, { 'workbook-session-id': session.id });
    assert.deepEqual(patch?.call.body, { values });
    assert.deepEqual(close?.call.headers, { 'workbook-session-id': session.id });
    assert.deepEqual(patch?.call.scopes, ['Files.ReadWrite']);
    assert.match(r.text, /^Wrote 2×2 cell\(s\) to Budget!B2:C3 of Documents\/Budget\.xlsx\.$/);
  });

  void it('appends table rows: the approval names the columns; a wrong width is refused before asking', async () => {
    const fake = fakeContext({
      routes: routes({
        [`GET ${WB}/tables('Spend')/headerRowRange`]: { values: [['Channel', 'Budget']] },
        [`POST ${WB}/createSession`]: session,
        [`POST ${WB}/tables('Spend')/rows/add`]: { index: 3, values: [['Radio', 100]] },
        [`POST ${WB}/closeSession`]: undefined,
      }),
    });
    await rejectsWithCode(
      runTool(write, { path: 'Documents/Budget.xlsx', table: 'Spend', values: [['Radio', 100, 'x']] }, fake.ctx),
      'INVALID_INPUT',
      /has 2 columns \(Channel, Budget\)/,
    );
    assert.equal(fake.approvals.length, 0);
    const r = await runTool(
      write,
      { path: 'Documents/Budget.xlsx', table: 'Spend', values: [['Radio', 100]] },
      fake.ctx,
    );
    assert.match(
      fake.approvals[0]?.summary ?? '',
      /^Add 1 row\(s\) to table "Spend" of workbook "Documents\/Budget\.xlsx"/,
    );
    assert.equal(fake.approvals[0]?.details?.Table, 'Spend (columns: Channel, Budget)');
    const add = fake.graph.find((g) => g.call.path.endsWith('/rows/add'));
    assert.deepEqual(add?.call.body, { index: null, values: [['Radio', 100]] });
    assert.deepEqual(add?.call.headers, { 'workbook-session-id': session.id });
    assert.match(r.text, /Added 1 row\(s\) to table Spend/);
  });

  void it('denied: nothing but the reads reach Graph', async () => {
    const fake = fakeContext({
      deny: true,
      routes: routes({ [`GET ${WB}/worksheets('Budget')/range(address='A1')`]: { values: [['']] } }),
    });
    await rejectsWithCode(
      runTool(write, { path: 'Documents/Budget.xlsx', sheet: 'Budget', range: 'A1', values: [['x']] }, fake.ctx),
      'APPROVAL_DENIED',
    );
    assert.ok(fake.graph.every((g) => g.call.method === 'GET'));
  });

  void it('a failed write still closes the session; mismatched shapes are refused before anything', async () => {
    const fake = fakeContext({
      routes: routes({
        [`GET ${WB}/worksheets('Budget')/range(address='A1:B1')`]: { values: [['', '']] },
        [`POST ${WB}/createSession`]: session,
        [`PATCH ${WB}/worksheets('Budget')/range(address='A1:B1')`]: () => {
          throw new ToolError('GRAPH_BAD_REQUEST', 'bad');
        },
        [`POST ${WB}/closeSession`]: undefined,
      }),
    });
    await rejectsWithCode(
      runTool(write, { path: 'Documents/Budget.xlsx', sheet: 'Budget', range: 'A1:B1', values: [[1, 2]] }, fake.ctx),
      'GRAPH_BAD_REQUEST',
    );
    assert.equal(fake.log.at(-1), `request POST ${WB}/closeSession`);
    const none = fakeContext();
    for (const bad of [
      { sheet: 'Budget', range: 'A1:B1', values: [[1, 2, 3]] },
      { sheet: 'Budget', range: 'A1', values: [[1, 2], [3]] },
      { table: 'T', sheet: 'Budget', values: [[1]] },
      { sheet: 'Budget', values: [[1]] },
      {
        sheet: 'Budget',
        range: 'A1',
        values: [['x'.repeat(30_000)], ...Array.from({ length: 40 }, () => ['y'.repeat(30_000)])],
      },
    ]) {
      await rejectsWithCode(runTool(write, { path: 'Documents/Budget.xlsx', ...bad }, none.ctx), 'INVALID_INPUT');
    }
    assert.equal(none.graph.length, 0);
  });
});
