import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { IPersistence, IPersistenceConfiguration } from '@azure/msal-node-extensions';
import { openTokenCache } from '../../../../app/broker/auth/token-cache.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';

/** Behaves like LibSecretPersistence on a machine without a Secret Service: creates its files, then fails. */
async function failingKeychain(config: IPersistenceConfiguration): Promise<IPersistence> {
  const path = config.cachePath ?? '';
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '');
  await writeFile(join(path, '..', 'test.cache'), '');
  throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
}

void test('keychain unavailable → memory backend, reason reported, nothing left on disk', () =>
  withTempDir('gb-cache-', async (dir) => {
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
  withTempDir('gb-cache-', async (dir) => {
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
  withTempDir('gb-cache-', async (dir) => {
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
  withTempDir('gb-cache-', async (dir) => {
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
  withTempDir('gb-cache-', async (dir) => {
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

/** A keychain that works (in memory) and records when it was checked. */
function workingKeychain(calls: string[]): (config: IPersistenceConfiguration) => Promise<IPersistence> {
  return (config) => {
    calls.push('checked');
    let data: string | null = null;
    return Promise.resolve({
      save: (c: string) => Promise.resolve(void (data = c)),
      load: () => Promise.resolve(data),
      delete: () => Promise.resolve(true),
      reloadNecessary: () => Promise.resolve(false),
      getFilePath: () => config.cachePath ?? '',
      getLogger: () => ({}) as never,
      verifyPersistence: () => Promise.resolve(true),
      createForPersistenceValidation: () => Promise.reject(new Error('unused')),
    } as unknown as IPersistence);
  };
}

/** A verification lock held by another live Graph Bridge process on this host. */
async function heldVerifyLock(dir: string): Promise<string> {
  const path = join(dir, 'token-cache.verify.lock');
  await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname(), createdAt: new Date().toISOString() }));
  return path;
}

void test('the keychain check waits while another process holds the verification lock', () =>
  withTempDir('gb-cache-', async (dir) => {
    const lock = await heldVerifyLock(dir);
    const calls: string[] = [];
    const opening = openTokenCache({
      os: 'linux',
      cacheDir: join(dir, 'token-cache'),
      allowPlaintextCache: false,
      sink: () => undefined,
      createPersistence: workingKeychain(calls),
      verifyLock: { sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) },
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(calls, [], 'not checked while the other process checks');
    await rm(lock);
    const cache = await opening;
    assert.deepEqual(calls, ['checked']);
    assert.equal(cache.backend, 'keychain');
    assert.equal(existsSync(lock), false, 'our own lock is released');
  }));

void test('a verification lock held too long: memory for the session with what to do, never plaintext', () =>
  withTempDir('gb-cache-', async (dir) => {
    const lock = await heldVerifyLock(dir);
    const calls: string[] = [];
    let t = 0;
    const cache = await openTokenCache({
      os: 'linux',
      cacheDir: join(dir, 'token-cache'),
      allowPlaintextCache: true,
      sink: () => undefined,
      createPersistence: workingKeychain(calls),
      createPlaintextPersistence: () => Promise.reject(new Error('plaintext must not be tried')),
      verifyLock: { now: () => new Date((t += 10_000)), sleep: () => Promise.resolve() },
    });
    assert.equal(cache.backend, 'memory');
    assert.deepEqual(calls, []);
    assert.match(
      cache.detail,
      new RegExp(`Another Graph Bridge process \\(process ${process.pid} on .*delete .*verify\\.lock`),
    );
    assert.doesNotMatch(cache.detail, /allowPlaintextCache|Secret Service/);
    assert.ok(existsSync(lock), 'a live holder’s lock is never removed');
  }));

void test('keytar native module missing or broken → memory backend with a one-line reason and the fix, never a throw', () =>
  withTempDir('gb-cache-', async (dir) => {
    const lines: string[] = [];
    const cacheDir = join(dir, 'token-cache');
    const cache = await openTokenCache({
      os: 'linux',
      cacheDir,
      allowPlaintextCache: true,
      sink: (_l, line) => lines.push(line),
      loadExtensions: () => {
        throw Object.assign(
          new Error(
            "Cannot find module '../build/Release/keytar.node'\nRequire stack:\n- /opt/gb/node_modules/keytar/lib/keytar.js\n- /opt/gb/dist/cli.js",
          ),
          { code: 'MODULE_NOT_FOUND' },
        );
      },
      createPersistence: () => Promise.reject(new Error('must not be reached: the module did not load')),
    });
    assert.equal(cache.backend, 'memory');
    assert.equal(
      cache.detail,
      "The OS keychain module could not be loaded (Cannot find module '../build/Release/keytar.node'): sign-ins are " +
        'kept in memory for this session only. Fix: reinstall Graph Bridge (in a checkout: npm rebuild keytar).',
    );
    assert.deepEqual(lines, [cache.detail], 'announced once');
    assert.equal(existsSync(cacheDir), false, 'nothing on disk, not even the plaintext file it could not create');
  }));

void test('the memory-mode detail is one short line: the innermost keychain error and the fix', () =>
  withTempDir('gb-cache-', async (dir) => {
    const cache = await openTokenCache({
      os: 'linux',
      cacheDir: join(dir, 'c'),
      allowPlaintextCache: false,
      sink: () => undefined,
      createPersistence: () =>
        Promise.reject(
          new Error(
            'CachePersistenceError: Verifing persistence failed with the error: Error: Cannot autolaunch D-Bus without X11 $DISPLAY',
          ),
        ),
    });
    assert.equal(
      cache.detail,
      'The OS keychain is unavailable (Cannot autolaunch D-Bus without X11 $DISPLAY): sign-ins are kept in memory for ' +
        'this session only. Fix: start a Secret Service (see "Headless Linux keyring" in the README) or set ' +
        'allowPlaintextCache.',
    );
    assert.ok(cache.detail.length < 240, `${cache.detail.length} characters`);
  }));
