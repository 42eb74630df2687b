/**
 * Every editor fixture under test/fixtures/editors/<editor>/ goes through connect → connect again →
 * disconnect in a temp home, as-is and re-encoded with CRLF line endings and/or a UTF-8 BOM.
 * Fixtures named `invalid-*` must be refused with file/line/column and left untouched.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readdirSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { findNodeAtLocation, getNodeValue, parseTree } from 'jsonc-parser';
import { connectEditor, desiredEntry, disconnectEditor, ENTRY_NAME } from '../../../app/clients/connections.ts';
import { EDITORS } from '../../../app/clients/editors/index.ts';
import { editorLocation, EDITOR_IDS, type EditorId } from '../../../app/platform/editor-paths.ts';
import {
  allowedInsertions,
  assertOnlyInserted,
  FIXTURES,
  listBackups,
  listLeftovers,
  parseStrictly,
  tempHome,
  testContext,
} from './helpers.ts';

const BOM = '\uFEFF';
const VARIANTS = {
  'as-is': (t: string) => t,
  crlf: (t: string) => t.replace(/\r?\n/g, '\r\n'),
  bom: (t: string) => BOM + t,
  'crlf+bom': (t: string) => BOM + t.replace(/\r?\n/g, '\r\n'),
} as const;

/** Where each invalid fixture's first error is (1-based), checked against the message. */
const INVALID_AT: Readonly<Record<string, { line: number; column: number }>> = {
  'claude-desktop/invalid-comment.json': { line: 2, column: 3 },
  'claude-desktop/invalid-trailing-comma.json': { line: 6, column: 5 },
  'claude-desktop/invalid-merge-conflict.json': { line: 3, column: 1 },
  'claude-code/invalid-truncated.json': { line: 7, column: 1 },
  'cursor/invalid-unclosed.json': { line: 8, column: 1 },
  'vscode/invalid-missing-comma.json': { line: 5, column: 4 },
  'windsurf/invalid-single-quotes.json': { line: 2, column: 3 },
  'zed/invalid-unclosed-block-comment.json': { line: 3, column: 3 },
};

function valueAt(text: string, path: readonly string[]): unknown {
  const root = parseTree(text.replace(/^\uFEFF/, ''), [], { allowTrailingComma: true });
  const node = root === undefined ? undefined : findNodeAtLocation(root, [...path]);
  return node === undefined ? undefined : (JSON.parse(JSON.stringify(getNodeValue(node))) as unknown);
}

function withoutEntry(doc: unknown, container: readonly string[], name: string, dropEmpty: boolean): unknown {
  const copy = structuredClone(doc ?? {}) as Record<string, unknown>;
  let obj = copy;
  for (const key of container) obj = obj[key] as Record<string, unknown>;
  delete obj[name];
  if (dropEmpty && Object.keys(obj).length === 0 && container.length === 1) delete copy[container[0] as string];
  return copy;
}

async function placeFixture(home: string, editor: EditorId, bytes: string): Promise<string> {
  const ctx = testContext(home);
  const file = editorLocation(editor, ctx.paths).configPath;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
  await chmod(file, 0o640);
  return file;
}

for (const editor of EDITOR_IDS) {
  const def = EDITORS[editor];
  const jsonc = def.syntax === 'jsonc';
  const files = readdirSync(join(FIXTURES, editor)).sort();
  void describe(`${def.displayName} fixtures`, () => {
    for (const name of files.filter((f) => !f.startsWith('invalid-'))) {
      for (const [variant, encode] of Object.entries(VARIANTS)) {
        void test(`${name} (${variant}): connect adds only our entry, is idempotent, disconnect restores`, async () => {
          const { home, cleanup } = await tempHome();
          try {
            const original = encode(await readFile(join(FIXTURES, editor, name), 'utf8'));
            const file = await placeFixture(home, editor, original);
            const ctx = testContext(home);
            const entry = desiredEntry(ctx, editor, {});

            const first = await connectEditor(ctx, editor, {});
            assert.ok(first.ok, first.ok ? '' : first.error.message);
            assert.equal(first.value.changed, true);
            const result = await readFile(file, 'utf8');
            const parsedResult = parseStrictly(result, jsonc);
            assert.deepEqual(valueAt(result, [...def.container, ENTRY_NAME]), entry);
            assertOnlyInserted(original, result, allowedInsertions(def.container, ENTRY_NAME, entry));
            const hadContainer = valueAt(original, def.container) !== undefined;
            assert.deepEqual(
              withoutEntry(parsedResult, def.container, ENTRY_NAME, !hadContainer),
              original.trim().replace(BOM, '') === '' ? {} : parseStrictly(original, jsonc),
            );
            assert.equal(result.startsWith(BOM), original.startsWith(BOM), 'BOM kept');
            if (variant.startsWith('crlf') && original.includes('\n')) {
              assert.doesNotMatch(result, /[^\r]\n/, 'CRLF kept on every line');
            }
            assert.equal((await stat(file)).mode & 0o777, 0o640, 'mode kept');
            const backups = await listBackups(file);
            assert.equal(backups.length, 1);
            assert.equal(await readFile(backups[0] as string, 'utf8'), original, 'backup holds the original bytes');
            assert.equal((await stat(backups[0] as string)).mode & 0o777, 0o640, 'backup has the original mode');

            const before = await stat(file);
            const second = await connectEditor(ctx, editor, {});
            assert.ok(second.ok && !second.value.changed, 'second connect changes nothing');
            assert.equal(await readFile(file, 'utf8'), result);
            assert.equal((await stat(file)).mtimeMs, before.mtimeMs);
            assert.equal((await listBackups(file)).length, 1, 'no new backup');

            const removed = await disconnectEditor(ctx, editor);
            assert.ok(removed.ok && removed.value.changed);
            const after = await readFile(file, 'utf8');
            if (hadContainer) assert.equal(after, original, 'disconnect restores the original bytes');
            else assertOnlyInserted(original, after, allowedInsertions([], def.container[0] ?? '', {}));
            assert.deepEqual(await listLeftovers(dirname(file)), []);
          } finally {
            await cleanup();
          }
        });
      }
    }

    for (const name of files.filter((f) => f.startsWith('invalid-'))) {
      void test(`${name}: refused with file, line and column; file untouched`, async () => {
        const { home, cleanup } = await tempHome();
        try {
          const original = await readFile(join(FIXTURES, editor, name), 'utf8');
          const file = await placeFixture(home, editor, original);
          const before = await stat(file);
          const r = await connectEditor(testContext(home), editor, {});
          assert.ok(!r.ok);
          assert.equal(r.error.code, 'CONFIG_INVALID');
          const at = INVALID_AT[`${editor}/${name}`];
          assert.ok(at !== undefined, `add ${editor}/${name} to INVALID_AT`);
          assert.ok(r.error.message.includes(file), r.error.message);
          assert.ok(r.error.message.includes(`line ${at.line}, column ${at.column}`), r.error.message);
          assert.match(r.error.message, /did not change the file/);
          assert.equal(await readFile(file, 'utf8'), original);
          assert.equal((await stat(file)).mtimeMs, before.mtimeMs);
          assert.deepEqual(await listBackups(file), []);
          assert.deepEqual(await listLeftovers(dirname(file)), []);
        } finally {
          await cleanup();
        }
      });
    }

    void test('missing file and missing directory: created, then disconnect leaves an empty container', async () => {
      const { home, cleanup } = await tempHome();
      try {
        const ctx = testContext(home);
        const file = editorLocation(editor, ctx.paths).configPath;
        const r = await connectEditor(ctx, editor, {});
        assert.ok(r.ok && r.value.changed && r.value.created);
        const text = await readFile(file, 'utf8');
        assert.deepEqual(valueAt(text, [...def.container, ENTRY_NAME]), desiredEntry(ctx, editor, {}));
        parseStrictly(text, false);
        assert.equal((await stat(file)).mode & 0o777, 0o600, 'new files are private');
        assert.deepEqual(await listBackups(file), [], 'nothing to back up');
        const d = await disconnectEditor(ctx, editor);
        assert.ok(d.ok && d.value.changed);
        assert.deepEqual(
          parseStrictly(await readFile(file, 'utf8'), false),
          withoutEntry(JSON.parse(text), def.container, ENTRY_NAME, false),
        );
      } finally {
        await cleanup();
      }
    });

    void test('disconnect with no config file creates nothing', async () => {
      const { home, cleanup } = await tempHome();
      try {
        const ctx = testContext(home);
        const file = editorLocation(editor, ctx.paths).configPath;
        const dirExisted = await stat(dirname(file)).then(
          () => true,
          () => false,
        );
        const r = await disconnectEditor(ctx, editor);
        assert.ok(r.ok && !r.value.changed);
        await assert.rejects(stat(file), { code: 'ENOENT' });
        assert.equal(
          await stat(dirname(file)).then(
            () => true,
            () => false,
          ),
          dirExisted,
        );
      } finally {
        await cleanup();
      }
    });

    void test('read-only file (0444): refused with a clear message, file untouched', async () => {
      const { home, cleanup } = await tempHome();
      try {
        const fixture = files.find((f) => !f.startsWith('invalid-') && !f.startsWith('empty')) as string;
        const original = await readFile(join(FIXTURES, editor, fixture), 'utf8');
        const file = await placeFixture(home, editor, original);
        await chmod(file, 0o444);
        const before = await stat(file);
        const r = await connectEditor(testContext(home), editor, {});
        assert.ok(!r.ok);
        assert.equal(r.error.code, 'PERMISSION_DENIED');
        assert.match(r.error.message, /read-only/);
        assert.ok(r.error.message.includes(file));
        assert.match(r.error.message, new RegExp(`graph-bridge connect --print ${editor}`));
        assert.equal(await readFile(file, 'utf8'), original);
        assert.equal((await stat(file)).mtimeMs, before.mtimeMs);
        assert.deepEqual(await listBackups(file), []);
      } finally {
        await cleanup();
      }
    });
  });
}
