import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { clearStaleLock } from '../../../../app/broker/auth/stale-lock.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';

/** A PID that really existed and is now dead: a child that has exited and been reaped. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  assert.ok(r.pid !== undefined && r.pid > 0);
  return r.pid;
}

void test('a lock file holding a dead PID is removed (real process check)', () =>
  withTempDir('gb-lock-', async (dir) => {
    const lock = join(dir, 'msal-cache.json.lockfile');
    const pid = deadPid();
    await writeFile(lock, String(pid)); // msal-node-extensions writes the bare decimal PID
    assert.deepEqual(await clearStaleLock(lock), { state: 'removed-dead-pid', pid });
    assert.equal(existsSync(lock), false);
  }));

void test('a lock held by a live process is left alone', () =>
  withTempDir('gb-lock-', async (dir) => {
    const lock = join(dir, 'l.lockfile');
    await writeFile(lock, String(process.pid));
    assert.deepEqual(await clearStaleLock(lock), { state: 'held', pid: process.pid });
    assert.equal(existsSync(lock), true);
  }));

void test('an empty lock (holder died before writing its PID) is removed only once it is old', () =>
  withTempDir('gb-lock-', async (dir) => {
    const lock = join(dir, 'l.lockfile');
    await writeFile(lock, '');
    assert.equal((await clearStaleLock(lock)).state, 'fresh-empty');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    assert.equal((await clearStaleLock(lock)).state, 'removed-empty');
    assert.equal(existsSync(lock), false);
    assert.equal((await clearStaleLock(lock)).state, 'absent');
  }));
