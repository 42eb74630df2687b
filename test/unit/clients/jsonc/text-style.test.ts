import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectStyle, lineAndColumn, prettyValue } from '../../../../app/clients/jsonc/text-style.ts';

void test('detects tabs, 2/3/4 spaces, CRLF and BOM', () => {
  assert.deepEqual(detectStyle('{\n\t"a": {\n\t\t"b": 1\n\t}\n}'), { bom: false, eol: '\n', indent: '\t' });
  assert.deepEqual(detectStyle('{\r\n    "a": 1\r\n}'), { bom: false, eol: '\r\n', indent: '    ' });
  assert.deepEqual(detectStyle('\uFEFF{\n   "a": {\n      "b": 1\n   }\n}'), { bom: true, eol: '\n', indent: '   ' });
  assert.deepEqual(detectStyle('{"a":1}'), { bom: false, eol: '\n', indent: '  ' });
  assert.deepEqual(detectStyle('\uFEFF'), { bom: true, eol: '\n', indent: '  ' });
});

void test('pretty-prints with the base indent on continuation lines', () => {
  assert.equal(
    prettyValue({ a: [1] }, '  ', { bom: false, eol: '\r\n', indent: '\t' }),
    '{\r\n  \t"a": [\r\n  \t\t1\r\n  \t]\r\n  }',
  );
});

void test('line and column are 1-based', () => {
  assert.deepEqual(lineAndColumn('ab\ncd', 0), { line: 1, column: 1 });
  assert.deepEqual(lineAndColumn('ab\ncd', 4), { line: 2, column: 2 });
});
