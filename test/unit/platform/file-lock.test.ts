import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { withFileLock, type LockDeps } from '../../../app/platform/file-lock.ts';
import { withTempDir } from '../../helpers/temp-dir.ts';

function deps(overrides: Partial<LockDeps> = {}): LockDeps {
  return {
    fs: fsp,
    pid: 4242,
    host: 'this-host',
    isProcessAlive: () => true,
    now: () => new Date(),
    sleep: () => Promise.resolve(),
    ...overrides,
  };
}

void test('holds the lock file (with our pid) while running and removes it after', () =>
  withTempDir('gb-lock-', async (home) => {
    const lock = join(home, 'f.lock');
    const r = await withFileLock(lock, deps(), async () => JSON.parse(await readFile(lock, 'utf8')) as { pid: number });
    assert.ok(r.acquired);
    assert.equal(r.value.pid, 4242);
    await assert.rejects(readFile(lock), { code: 'ENOENT' });
  }));

void test('a lock whose pid is dead is stale and broken at once', () =>
  withTempDir('gb-lock-', async (home) => {
    const lock = join(home, 'f.lock');
    await writeFile(lock, JSON.stringify({ pid: 999999, host: 'this-host', createdAt: new Date().toISOString() }));
    const checked: number[] = [];
    const r = await withFileLock(lock, deps({ isProcessAlive: (pid) => (checked.push(pid), false) }), () =>
      Promise.resolve('ran'),
    );
    assert.deepEqual(r, { acquired: true, value: 'ran' });
    assert.deepEqual(checked, [999999]);
  }));

void test('a live holder makes us wait, then time out naming the holder', () =>
  withTempDir('gb-lock-', async (home) => {
    const lock = join(home, 'f.lock');
    await writeFile(lock, JSON.stringify({ pid: 77, host: 'this-host', createdAt: new Date().toISOString() }));
    let t = 0;
    const r = await withFileLock(lock, deps({ now: () => new Date((t += 1000)), timeoutMs: 5000 }), () =>
      Promise.resolve(1),
    );
    assert.deepEqual(r, { acquired: false, holder: 'process 77 on this-host' });
    assert.ok((await readFile(lock, 'utf8')).includes('"pid":77'), 'a live lock is never removed');
  }));

void test('an empty lock (crash between create and write) is broken only once it is old', () =>
  withTempDir('gb-lock-', async (home) => {
    const lock = join(home, 'f.lock');
    await writeFile(lock, '');
    const young = await withFileLock(lock, deps({ timeoutMs: 0 }), () => Promise.resolve(1));
    assert.equal(young.acquired, false);
    const old = new Date(Date.now() - 120_000);
    await utimes(lock, old, old);
    const r = await withFileLock(lock, deps(), () => Promise.resolve(2));
    assert.deepEqual(r, { acquired: true, value: 2 });
  }));

void test("another host's lock is not judged by pid", () =>
  withTempDir('gb-lock-', async (home) => {
    const lock = join(home, 'f.lock');
    await writeFile(lock, JSON.stringify({ pid: 1, host: 'other-host', createdAt: new Date().toISOString() }));
    const r = await withFileLock(lock, deps({ isProcessAlive: () => false, timeoutMs: 0 }), () => Promise.resolve(1));
    assert.deepEqual(r, { acquired: false, holder: 'process 1 on other-host' });
  }));

void test('releases the lock when the work throws', () =>
  withTempDir('gb-lock-', async (home) => {
    const lock = join(home, 'f.lock');
    await assert.rejects(
      withFileLock(lock, deps(), () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    await assert.rejects(readFile(lock), { code: 'ENOENT' });
  }));

void test('serialises work across holders: the second waits for the first', () =>
  withTempDir('gb-lock-', async (home) => {
    const lock = join(home, 'f.lock');
    const real = deps({ pid: process.pid, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = withFileLock(lock, real, async () => {
      order.push('first:start');
      await gate;
      order.push('first:end');
    });
    await new Promise((r) => setTimeout(r, 20));
    const second = withFileLock(lock, real, () => {
      order.push('second');
      return Promise.resolve();
    });
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(order, ['first:start'], 'the second holder waits');
    release();
    const [a, b] = await Promise.all([first, second]);
    assert.ok(a.acquired && b.acquired);
    assert.deepEqual(order, ['first:start', 'first:end', 'second']);
  }));
