import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPersistence, IPersistenceConfiguration } from '@azure/msal-node-extensions';
import { openTokenCache } from '../../../../app/broker/auth/token-cache.ts';

/** Behaves like LibSecretPersistence on a machine without a Secret Service: creates its files, then fails. */
async function failingKeychain(config: IPersistenceConfiguration): Promise<IPersistence> {
  const path = config.cachePath ?? '';
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '');
  await writeFile(join(path, '..', 'test.cache'), '');
  throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-cache-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('keychain unavailable → memory backend, reason reported, nothing left on disk', () =>
  withDir(async (dir) => {
    const lines: string[] = [];
    const cacheDir = join(dir, 'token-cache');
    const cache = await openTokenCache({
      os: 'linux',
      cacheDir,
      allowPlaintextCache: false,
      sink: (_l, line) => lines.push(line),
      createPersistence: failingKeychain,
    });
    assert.equal(cache.backend, 'memory');
    assert.match(cache.detail, /keychain is unavailable \(Cannot autolaunch D-Bus.*memory for this session only/);
    assert.ok(
      lines.some((l) => l.includes('memory for this session')),
      'announced in the log',
    );
    assert.equal(existsSync(cacheDir), false, 'no cache dir, marker, lock or validation file');
    assert.equal(existsSync(cache.lockPath), false);
  }));

void test('memory plugin keeps one serialized copy shared by clients and never touches disk', () =>
  withDir(async (dir) => {
    const cache = await openTokenCache({
      os: 'linux',
      cacheDir: join(dir, 'c'),
      allowPlaintextCache: false,
      sink: () => undefined,
      createPersistence: failingKeychain,
    });
    let stored = '';
    const ctx = (changed: boolean) => ({
      cacheHasChanged: changed,
      tokenCache: {
        serialize: () => '{"Account":{"a":{}}}',
        deserialize: (s: string) => {
          stored = s;
        },
      },
    });
    await cache.plugin.afterCacheAccess(ctx(true) as never);
    await cache.plugin.beforeCacheAccess(ctx(false) as never);
    assert.equal(stored, '{"Account":{"a":{}}}');
    assert.equal(await cache.readPersisted(), '{"Account":{"a":{}}}');
    assert.deepEqual(await readdir(dir), []);
  }));

void test('plaintext only with the Linux opt-in, announced, file 0600', () =>
  withDir(async (dir) => {
    const lines: string[] = [];
    const cache = await openTokenCache({
      os: 'linux',
      cacheDir: join(dir, 'c'),
      allowPlaintextCache: true,
      sink: (_l, line) => lines.push(line),
      createPersistence: failingKeychain,
    });
    assert.equal(cache.backend, 'plaintext');
    assert.match(cache.detail, /UNENCRYPTED/);
    assert.ok(lines.some((l) => l.includes('UNENCRYPTED')));
    assert.equal((await stat(cache.cachePath)).mode & 0o777, 0o600);
    assert.equal(existsSync(join(dir, 'c', 'test.cache')), false);

    const mac = await openTokenCache({
      os: 'darwin',
      cacheDir: join(dir, 'm'),
      allowPlaintextCache: true,
      sink: () => undefined,
      createPersistence: failingKeychain,
    });
    assert.equal(mac.backend, 'memory', 'the opt-in is Linux only');
  }));

void test('a keychain that never answers times out into memory mode', () =>
  withDir(async (dir) => {
    const cache = await openTokenCache({
      os: 'linux',
      cacheDir: join(dir, 'c'),
      allowPlaintextCache: false,
      sink: () => undefined,
      createPersistence: () => new Promise<IPersistence>(() => undefined),
      verifyTimeoutMs: 20,
    });
    assert.equal(cache.backend, 'memory');
    assert.match(cache.detail, /did not answer within/);
  }));

void test('a stale lock with a dead PID is removed before the cache opens', () =>
  withDir(async (dir) => {
    const cacheDir = join(dir, 'c');
    await mkdir(cacheDir);
    const lock = join(cacheDir, 'msal-cache.json.lockfile');
    await writeFile(lock, '999999999');
    const lines: string[] = [];
    await openTokenCache({
      os: 'linux',
      cacheDir,
      allowPlaintextCache: false,
      sink: (_l, line) => lines.push(line),
      createPersistence: failingKeychain,
      lockDeps: { isProcessAlive: () => false },
    });
    assert.equal(existsSync(lock), false);
    assert.ok(lines.some((l) => /stale token-cache lock left by dead process 999999999/.test(l)));
  }));
