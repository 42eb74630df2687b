import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../../../../app/broker/auth/file-lock.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-lock-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('holds the lock file with our pid while the work runs, removes it after', () =>
  withDir(async (dir) => {
    const path = join(dir, 'x.lock');
    const seen = await withFileLock(path, 'Testing', { pid: 4242 }, () => readFile(path, 'utf8'));
    assert.equal(seen, '4242');
    assert.equal(existsSync(path), false);
  }));

void test('releases the lock when the work throws', () =>
  withDir(async (dir) => {
    const path = join(dir, 'x.lock');
    await assert.rejects(
      withFileLock(path, 'Testing', { pid: 1 }, () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(existsSync(path), false);
  }));

void test('serialises work across holders: the second waits for the first', () =>
  withDir(async (dir) => {
    const path = join(dir, 'x.lock');
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = withFileLock(path, 'Testing', { pid: process.pid, pollMs: 5 }, async () => {
      order.push('first:start');
      await gate;
      order.push('first:end');
    });
    await new Promise((r) => setTimeout(r, 20));
    const second = withFileLock(path, 'Testing', { pid: process.pid, pollMs: 5 }, () => {
      order.push('second');
      return Promise.resolve();
    });
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(order, ['first:start'], 'the second holder waits');
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['first:start', 'first:end', 'second']);
  }));

void test('a lock left by a dead process is cleared instead of blocking', () =>
  withDir(async (dir) => {
    const path = join(dir, 'x.lock');
    await writeFile(path, '999999');
    const out = await withFileLock(
      path,
      'Testing',
      { pid: 7, pollMs: 1, staleLock: { isProcessAlive: () => false } },
      () => Promise.resolve('ran'),
    );
    assert.equal(out, 'ran');
  }));

void test('a lock held by a live process too long gives an error that says what to do', () =>
  withDir(async (dir) => {
    const path = join(dir, 'x.lock');
    await writeFile(path, String(process.pid));
    let t = 0;
    await assert.rejects(
      withFileLock(
        path,
        'Checking the OS keychain',
        { pid: 7, timeoutMs: 100, nowMs: () => (t += 60), sleep: () => Promise.resolve() },
        () => Promise.resolve(),
      ),
      (e: Error) =>
        /Checking the OS keychain: another Graph Bridge process has held .*x\.lock.*delete that file/.test(e.message),
    );
    assert.ok(existsSync(path), 'a live holder’s lock is never removed');
  }));
