import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, type AtomicFs } from '../../../app/platform/atomic-file.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-atomic-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('creates a missing private dir, writes 0600 by default or the mode asked for, leaves no temp file', () =>
  withDir(async (base) => {
    const dir = join(base, 'state', 'graph-bridge');
    const file = join(dir, 'accounts.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    assert.equal(await readFile(file, 'utf8'), 'two');
    if (process.getuid !== undefined) {
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
      await writeFileAtomic(join(dir, 'entry.desktop'), 'x', { mode: 0o644 });
      assert.equal((await stat(join(dir, 'entry.desktop'))).mode & 0o777, 0o644);
    }
    assert.deepEqual(
      (await readdir(dir)).sort(),
      process.getuid === undefined ? ['accounts.json'] : ['accounts.json', 'entry.desktop'],
    );
  }));

void test('a failed rename keeps the old file whole and removes the temp file', () =>
  withDir(async (dir) => {
    const file = join(dir, 'clients.json');
    await writeFile(file, 'old');
    const failing: AtomicFs = {
      open: fsp.open,
      mkdir: fsp.mkdir,
      unlink: fsp.unlink,
      rename: () => Promise.reject(Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' })),
    };
    await assert.rejects(writeFileAtomic(file, 'new', { fs: failing }), /EXDEV/);
    assert.equal(await readFile(file, 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['clients.json']);
  }));
