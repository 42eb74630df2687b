import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPrivateDirStat, ensurePrivateDir } from '../../../../app/broker/ipc/private-dir.ts';

void test('accepts a 0700 dir owned by the user; refuses other owners, group/other bits and non-directories', () => {
  assert.equal(checkPrivateDirStat('/d', { isDirectory: true, uid: 5, mode: 0o40700 }, 5).ok, true);
  const other = checkPrivateDirStat('/d', { isDirectory: true, uid: 6, mode: 0o40700 }, 5);
  assert.ok(!other.ok && /owned by uid 6/.test(other.error.message) && /chown/.test(other.error.message));
  const group = checkPrivateDirStat('/d', { isDirectory: true, uid: 5, mode: 0o40750 }, 5);
  assert.ok(!group.ok && /750/.test(group.error.message) && /chmod 700/.test(group.error.message));
  assert.equal(checkPrivateDirStat('/d', { isDirectory: true, uid: 5, mode: 0o40701 }, 5).ok, false);
  assert.equal(checkPrivateDirStat('/d', { isDirectory: false, uid: 5, mode: 0o120777 }, 5).ok, false);
});

void test('creates a missing dir (and parents) with mode 0700, then refuses it once opened up', async (t) => {
  const uid = process.getuid?.();
  if (uid === undefined) return t.skip('POSIX only');
  const base = await mkdtemp(join(tmpdir(), 'gb-priv-'));
  try {
    const dir = join(base, 'home', 'run');
    assert.equal((await ensurePrivateDir(dir, { uid })).ok, true);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    await chmod(dir, 0o755);
    const r = await ensurePrivateDir(dir, { uid });
    assert.equal(r.ok, false);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
