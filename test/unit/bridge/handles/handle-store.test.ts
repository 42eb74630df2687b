/**
 * The handle store against the real file system in a temp dir: handles are deterministic and
 * verified, survive a new store instance (a bridge restart), are bounded with eviction, and a store
 * that cannot be written gives the values back unchanged.
 */
import assert from 'node:assert/strict';
import { appendFile, chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureUserTempDir } from '../../../../bridge/downloads.ts';
import {
  HANDLE_PREFIX,
  handleBody,
  handleMatches,
  isHandle,
  MIN_VALUE_CHARS,
} from '../../../../bridge/handles/handle-code.ts';
import {
  createHandleStore,
  JOURNAL_FILE,
  PREVIOUS_FILE,
  type HandleStoreOptions,
} from '../../../../bridge/handles/handle-store.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';

const ID = 'AAMkAGxFI0mfH4W8KYwjzMTt7XCzES_jF1M3auQ3FkIDStRc9aAAA=';
/** Two values whose 9-character handles collide (found by a birthday search over this pattern). */
const COLLIDING = ['AAMkAGcollision-test-value-930025', 'AAMkAGcollision-test-value-1179394'] as const;

function logger() {
  const lines: string[] = [];
  return {
    lines,
    log: { warn: (m: string) => lines.push(`warn ${m}`), debug: (m: string) => lines.push(`debug ${m}`) },
  };
}

function storeIn(dir: string, extra: Partial<HandleStoreOptions> = {}) {
  const { lines, log } = logger();
  const handlesDir = join(dir, 'graph-bridge-test', 'handles');
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const store = createHandleStore({
    dir: handlesDir,
    ensureDir: () => ensureUserTempDir(handlesDir, uid),
    log,
    ...extra,
  });
  return { store, lines, dir: handlesDir };
}

void describe('handle syntax', () => {
  void it('is deterministic, 9 characters, and per prefix', () => {
    const body = handleBody('m', ID);
    assert.equal(body.length, 16);
    assert.equal(handleBody('m', ID), body);
    assert.notEqual(handleBody('e', ID), body);
    assert.ok(isHandle(`m${body.slice(0, 8)}`));
    assert.ok(handleMatches(`m${body.slice(0, 8)}`, ID));
    assert.ok(!handleMatches(`m${body.slice(0, 8)}`, `${ID}x`));
    assert.ok(!handleMatches(`e${body.slice(0, 8)}`, ID));
  });

  void it('no well-known folder name and no Graph id looks like a handle', () => {
    const names = ['inbox', 'drafts', 'sentitems', 'deleteditems', 'archive', 'junkemail', 'outbox', 'clutter'];
    const more = ['scheduled', 'searchfolders', 'msgfolderroot', 'conversationhistory', 'recoverableitemsdeletions'];
    const ids = [ID, '19:abc-def@thread.v2', '01OIAHR5KJOPUOHZJYZ7FGD2YTTF4T7GYS', 'd4648f06c91d9d3d!54927'];
    const others = ['5b2c5a4e-1f3a-4c55-9b1e-1234567890ab', 'ada@contoso.com', '1616990032035', 'gb1.aHR0cHM'];
    for (const text of [...names, ...more, ...ids, ...others]) assert.equal(isHandle(text), false, text);
  });

  void it('every kind has its own prefix letter', () => {
    const letters = Object.values(HANDLE_PREFIX);
    assert.equal(new Set(letters).size, letters.length);
  });
});

void describe('createHandleStore', () => {
  void it('issues short handles that a new store over the same directory resolves (a bridge restart)', async () => {
    await withTempDir('gb-handles-', async (tmp) => {
      const first = storeIn(tmp);
      const [handle, short] = await first.store.issue('m', [ID, 'inbox']);
      assert.match(handle ?? '', /^m[0-9a-z]{8}$/);
      assert.equal(short, 'inbox', 'short values stay as they are');
      assert.deepEqual(await first.store.issue('m', [ID]), [handle], 'the same id gets the same handle');

      const second = storeIn(tmp);
      assert.deepEqual(await second.store.lookup(handle ?? ''), { status: 'found', value: ID });
      assert.deepEqual(await second.store.lookup('m00000000'), { status: 'unknown' });
      assert.deepEqual(await second.store.lookup('not a handle'), { status: 'unknown' });

      const journal = join(first.dir, JOURNAL_FILE);
      assert.equal((await stat(journal)).mode & 0o777, 0o600);
      assert.equal((await stat(first.dir)).mode & 0o777, 0o700);
      assert.equal((await readFile(journal, 'utf8')).split('\n').filter(Boolean).length, 1, 'written once');
    });
  });

  void it('lengthens a handle when two values collide, and each resolves to its own value', async () => {
    await withTempDir('gb-handles-', async (tmp) => {
      const [a, b] = COLLIDING;
      assert.equal(handleBody('m', a).slice(0, 8), handleBody('m', b).slice(0, 8));
      const { store } = storeIn(tmp);
      const [ha] = await store.issue('m', [a]);
      const [hb] = await store.issue('m', [b]);
      assert.equal(ha?.length, 9);
      assert.equal(hb?.length, 10);
      const fresh = storeIn(tmp).store;
      assert.deepEqual(await fresh.lookup(ha ?? ''), { status: 'found', value: a });
      assert.deepEqual(await fresh.lookup(hb ?? ''), { status: 'found', value: b });
      // Both in one batch (no journal yet): still two different handles.
      const other = await storeIn(join(tmp, 'other')).store.issue('m', [a, b]);
      assert.notEqual(other[0], other[1]);
    });
  });

  void it('skips torn, foreign and forged journal lines; a handle never resolves to another value', async () => {
    await withTempDir('gb-handles-', async (tmp) => {
      const { store, dir } = storeIn(tmp);
      const [handle] = await store.issue('m', [ID]);
      const forged = JSON.stringify([handle, 'AAMkAG-some-other-message-id=']);
      await appendFile(join(dir, JOURNAL_FILE), `{"half":\n${forged}\nnot json\n["m1234567"]\n["m123`);
      const fresh = storeIn(tmp).store;
      assert.deepEqual(await fresh.lookup(handle ?? ''), { status: 'found', value: ID });
      // Appending after a torn line still works: the next record starts on its own line.
      const [next] = await fresh.issue('e', [ID]);
      assert.deepEqual(await storeIn(tmp).store.lookup(next ?? ''), { status: 'found', value: ID });
    });
  });

  void it('is bounded: past maxBytes the oldest generation is evicted; recent handles resolve', async () => {
    await withTempDir('gb-handles-', async (tmp) => {
      const maxBytes = 2000;
      const { store, dir } = storeIn(tmp, { maxBytes, memoryEntries: 10 });
      const values = Array.from({ length: 200 }, (_, i) => `AAMkAG-message-number-${String(i).padStart(5, '0')}=`);
      const handles: string[] = [];
      for (const value of values) handles.push(...(await store.issue('m', [value])));
      const sizes = await Promise.all([JOURNAL_FILE, PREVIOUS_FILE].map(async (f) => (await stat(join(dir, f))).size));
      for (const size of sizes) assert.ok(size <= maxBytes + 100, `journal ${size} bytes`);

      const fresh = storeIn(tmp).store;
      assert.deepEqual(await fresh.lookup(handles[0] ?? ''), { status: 'unknown' }, 'the oldest was evicted');
      assert.deepEqual(await fresh.lookup(handles[199] ?? ''), { status: 'found', value: values[199] });
      // Issuing an evicted value again gives the same handle back, and it resolves again.
      assert.deepEqual(await fresh.issue('m', [values[0] ?? '']), [handles[0]]);
      assert.deepEqual(await storeIn(tmp).store.lookup(handles[0] ?? ''), { status: 'found', value: values[0] });
    });
  });

  void it('a directory it cannot use: values come back unchanged, one warning, lookups say why', async () => {
    await withTempDir('gb-handles-', async (tmp) => {
      const { lines, log } = logger();
      const blocked = join(tmp, 'blocked');
      await writeFile(blocked, 'a file where the directory should be');
      const store = createHandleStore({
        dir: join(blocked, 'handles'),
        ensureDir: () => ensureUserTempDir(join(blocked, 'handles'), undefined),
        log,
      });
      assert.deepEqual(await store.issue('m', [ID]), [ID]);
      assert.deepEqual(await store.issue('m', [ID]), [ID]);
      assert.equal(lines.filter((l) => l.startsWith('warn short ids are off')).length, 1);
      const found = await store.lookup(`m${handleBody('m', ID).slice(0, 8)}`);
      assert.equal(found.status, 'unavailable');
    });
  });

  void it('values below the minimum or above the maximum length are not stored', async () => {
    await withTempDir('gb-handles-', async (tmp) => {
      const { store } = storeIn(tmp);
      const short = 'x'.repeat(MIN_VALUE_CHARS - 1);
      const huge = `AAMk${'x'.repeat(9000)}`;
      assert.deepEqual(await store.issue('m', [short, huge]), [short, huge]);
    });
  });

  void it('fixes a journal directory that other users could read', async () => {
    await withTempDir('gb-handles-', async (tmp) => {
      const { store, dir } = storeIn(tmp);
      await store.issue('m', [ID]);
      await chmod(dir, 0o755);
      await storeIn(tmp).store.issue('m', [`${ID}2`]);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
    });
  });
});
