/**
 * docs/bridge.md's tool table is generated (test/tool-catalog/tool-table.ts): it must be what the
 * current catalog generates, so the doc stays true as tools change. When this fails, run
 * `npm run docs:tools` and commit docs/bridge.md.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import {
  BEGIN_MARKER,
  currentToolTable,
  DOC_PATH,
  END_MARKER,
  replaceToolTable,
} from '../../tool-catalog/tool-table.ts';

void test("docs/bridge.md's tool table is the one the catalog generates (else: npm run docs:tools)", async () => {
  const doc = await readFile(DOC_PATH, 'utf8');
  const begin = doc.indexOf(BEGIN_MARKER);
  const end = doc.indexOf(END_MARKER);
  assert.ok(begin !== -1 && end > begin, 'docs/bridge.md has the tool-table markers');
  const committed = doc.slice(begin + BEGIN_MARKER.length, end).trim();
  assert.equal(committed, await currentToolTable(), 'the tool table is stale: run npm run docs:tools');
});

void test('regenerating replaces only the block between the markers', () => {
  const doc = `# Title\n\nbefore\n\n${BEGIN_MARKER}\n\nold table\n\n${END_MARKER}\n\nafter\n`;
  assert.equal(
    replaceToolTable(doc, '| new |'),
    `# Title\n\nbefore\n\n${BEGIN_MARKER}\n\n| new |\n\n${END_MARKER}\n\nafter\n`,
  );
  assert.throws(() => replaceToolTable('# no markers\n', '| new |'), /lacks the markers/);
});
