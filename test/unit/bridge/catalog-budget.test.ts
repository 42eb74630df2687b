/**
 * The tool catalog's budget (issue #12), over what an editor really receives: the manifest recorded
 * from the real McpServer's tools/list (bridge/fast-start/generate.ts), read-write, every tool.
 * Sizes and the rule for descriptions are in test/tool-catalog/sizes.ts; `npm run bench -- bridge`
 * prints the same figures measured through an MCP SDK Client over stdio.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { generateFastStartManifest } from '../../../bridge/fast-start/generate.ts';
import type { FastStartManifest } from '../../../bridge/fast-start/manifest.ts';
import { CATALOG_BUDGET, catalogSizes, countSentences, kb } from '../../tool-catalog/sizes.ts';

let manifest: FastStartManifest;
before(async () => {
  manifest = await generateFastStartManifest();
});

void test('tools/list with every group enabled is at most 64 KB', () => {
  const { all } = catalogSizes(manifest);
  assert.ok(
    all <= CATALOG_BUDGET.allGroupsBytes,
    `all groups: ${all} bytes (${kb(all)}), budget ${kb(CATALOG_BUDGET.allGroupsBytes)}`,
  );
});

void test('tools/list with the default groups is at most 40 KB', () => {
  const { defaults, groups } = catalogSizes(manifest);
  const detail = groups
    .filter((g) => g.default)
    .map((g) => `${g.group} ${g.bytes}`)
    .join(', ');
  assert.ok(
    defaults <= CATALOG_BUDGET.defaultGroupsBytes,
    `default groups: ${defaults} bytes (${kb(defaults)}), budget ${kb(CATALOG_BUDGET.defaultGroupsBytes)} — ${detail}`,
  );
});

void test('no tool takes more than 2.5 KB of tools/list', () => {
  const over = catalogSizes(manifest).tools.filter((t) => t.bytes > CATALOG_BUDGET.toolBytes);
  assert.deepEqual(
    over.map((t) => `${t.name} ${t.bytes} bytes`),
    [],
    `tools over ${CATALOG_BUDGET.toolBytes} bytes`,
  );
});

// graph_request and api_request are listed in read-only mode (write: false) yet may write after an
// approval, so they rightly have no readOnlyHint: only a write tool claiming it is wrong.
void test('every tool has a title and annotations, and no write tool claims readOnlyHint', () => {
  const wrong = manifest.tools.flatMap((t) => {
    const { title, annotations } = t.listing as { title?: unknown; annotations?: Record<string, unknown> };
    const problems: string[] = [];
    if (typeof title !== 'string' || title.length === 0) problems.push('no title');
    if (annotations === undefined || typeof annotations !== 'object') problems.push('no annotations');
    else if (t.write && annotations.readOnlyHint === true) problems.push('a write tool marked readOnlyHint');
    return problems.map((p) => `${t.name}: ${p}`);
  });
  assert.deepEqual(wrong, []);
});

void test('every description is at most 300 characters and two sentences', () => {
  const { descriptionChars, descriptionSentences } = CATALOG_BUDGET;
  const wrong = manifest.tools.flatMap((t) => {
    const description = (t.listing as { description?: unknown }).description;
    if (typeof description !== 'string' || description.trim() === '') return [`${t.name}: no description`];
    const sentences = countSentences(description);
    return description.length > descriptionChars || sentences > descriptionSentences
      ? [`${t.name}: ${description.length} characters, ${sentences} sentences`]
      : [];
  });
  assert.deepEqual(wrong, []);
});

void test('the sentence count ignores abbreviations and dots inside tokens', () => {
  assert.equal(countSentences('Lists mail. Pages with a cursor.'), 2);
  assert.equal(countSentences('Lists mail. Pages with a cursor'), 2);
  assert.equal(countSentences('Calls /v1.0 (e.g. /me/contacts, i.e. anything) for files like a.txt, 3.5 MB.'), 1);
  assert.equal(countSentences('Asks first! Really? Yes.'), 3);
  assert.equal(countSentences(''), 0);
});
