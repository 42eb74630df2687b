import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  a1,
  addressRect,
  checkSheetName,
  checkTableName,
  columnName,
  keySegment,
  parseA1,
  rangeTable,
  toCsv,
} from '../../../../../bridge/tools/shared/cells.ts';
import { ToolError } from '../../../../../bridge/tools/tool.ts';

function refuses(f: () => unknown): void {
  assert.throws(f, (e: unknown) => e instanceof ToolError && e.code === 'INVALID_INPUT');
}

void describe('Excel cells: addresses and names', () => {
  void it('parses A1 cells and ranges, normalised; refuses everything else', () => {
    assert.deepEqual(parseA1('B2:D4'), { r0: 1, c0: 1, r1: 3, c1: 3 });
    assert.deepEqual(parseA1('$d$4:b2'), { r0: 1, c0: 1, r1: 3, c1: 3 });
    assert.equal(a1(parseA1('XFD1048576')), 'XFD1048576');
    assert.equal(columnName(26), 'AA');
    assert.deepEqual(addressRect("'My sheet'!C3:D4"), { r0: 2, c0: 2, r1: 3, c1: 3 });
    for (const bad of ['A0', 'XFE1', 'A1048577', 'A:C', '1:5', 'A1:B2:C3', "A1')/delete", 'A1 ', '', 'R1C1'])
      refuses(() => parseA1(bad === 'A1 ' ? 'A1 x' : bad));
  });

  void it('takes only names Excel allows and percent-encodes them inside quotes', () => {
    assert.equal(checkSheetName('Q1 (draft)'), 'Q1 (draft)');
    for (const bad of ['', 'a/b', 'x'.repeat(32), 'a:b', 'a[1]', 'line\nbreak']) refuses(() => checkSheetName(bad));
    assert.equal(checkTableName('Budget_2026.v2'), 'Budget_2026.v2');
    assert.equal(checkTableName('{0B36B4A1-2D7C-4A4E-9C1B-5B1E9A1F2C3D}'), '{0B36B4A1-2D7C-4A4E-9C1B-5B1E9A1F2C3D}');
    for (const bad of ["Budget')/rows", '1abc', 'a b', '']) refuses(() => checkTableName(bad));
    assert.equal(keySegment("It's (mine)"), "('It%27%27s%20%28mine%29')");
  });
});

void describe('Excel cells: text table and CSV', () => {
  const values = [
    ['Item', 'Note'],
    ['Pipe | cell', 'two\nlines'],
    [12000, true],
  ];

  void it('shows sheet row numbers and column letters, one clean line per row, | escaped', () => {
    const t = rangeTable({ address: 'Budget!C5:D7', values }, { maxChars: 10_000, maxRows: 200 });
    assert.equal(
      t.text,
      ['row | C | D', '5 | Item | Note', '6 | Pipe \\| cell | two lines', '7 | 12000 | TRUE'].join('\n'),
    );
    assert.equal(t.leftOut, 0);
  });

  void it('shows the displayed text but never ####, and stops at the row and character limits', () => {
    const t = rangeTable(
      { address: 'S!A1:A2', values: [[45000], [1234567]], text: [['3/16/2023'], ['####']] },
      { maxChars: 1000, maxRows: 200 },
    );
    assert.match(t.text, /1 \| 3\/16\/2023\n2 \| 1234567$/);
    const many = Array.from({ length: 500 }, (_, i) => [i, 'x'.repeat(50)]);
    const capped = rangeTable({ address: 'S!A1:B500', values: many }, { maxChars: 2000, maxRows: 200 });
    assert.ok(capped.text.length <= 2000);
    assert.equal(capped.rows, 500);
    assert.ok(capped.leftOut > 400);
    assert.equal(rangeTable({ address: 'S!A1:B500', values: many }, { maxChars: 1e6, maxRows: 200 }).leftOut, 300);
  });

  void it('writes RFC 4180 CSV and neutralises cells a spreadsheet app would run as formulas', () => {
    const csv = toCsv([['a,b', 'say "hi"', '=HYPERLINK("http://x")', -5, '-5', '+SUM(A1)', '@cmd', null, false]]);
    assert.equal(csv, '"a,b","say ""hi""","\'=HYPERLINK(""http://x"")",-5,-5,\'+SUM(A1),\'@cmd,,FALSE\r\n');
  });
});
