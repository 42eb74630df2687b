/**
 * Two Graph Bridge processes opening the keychain-backed token cache at the same moment (the agent
 * starting while `graph-bridge status` runs, the tray and a CLI command) must both get the REAL
 * keychain and must not remove each other's cache files. msal-node-extensions verifies the keychain
 * through one shared `test.cache` entry, so one of them used to lose the race, fell back to
 * memory and deleted the directory the other was using (seen as CrossPlatformLockError/ENOENT). Without
 * the verification lock (token-cache.ts) this test fails.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as KeytarModule from 'keytar';
import { CACHE_FILE, DEFAULT_KEYCHAIN_ACCOUNT } from '../../app/broker/auth/token-cache.ts';

const keytar = createRequire(import.meta.url)('keytar') as typeof KeytarModule;
const root = fileURLToPath(new URL('../..', import.meta.url));
const service = `graph-bridge-test-${randomUUID()}`;
const dirs: string[] = [];

/** Opens the cache and writes through the plugin (lock, keychain write, marker touch, unlock). */
const CHILD = `
import { openTokenCache } from './app/broker/auth/token-cache.ts';
const cache = await openTokenCache({ os: 'linux', cacheDir: process.env.CACHE_DIR, serviceName: process.env.TEST_SERVICE, allowPlaintextCache: false, sink: () => undefined });
let written = false;
if (cache.backend === 'keychain') {
  const ctx = { cacheHasChanged: true, tokenCache: { serialize: () => '{"Account":{"pid-' + process.pid + '":{}}}', deserialize: () => undefined } };
  await cache.plugin.beforeCacheAccess(ctx);
  await cache.plugin.afterCacheAccess(ctx);
  written = true;
}
process.stdout.write(JSON.stringify({ backend: cache.backend, detail: cache.detail, written, pid: process.pid }));
`;

function openInChild(cacheDir: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: root,
      env: { ...process.env, CACHE_DIR: cacheDir, TEST_SERVICE: service },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

after(async () => {
  await keytar.deletePassword(service, DEFAULT_KEYCHAIN_ACCOUNT).catch(() => false);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

void test('processes opening the keychain cache together all get the keychain and keep the cache dir', async () => {
  let lastRound: number[] = [];
  for (let round = 0; round < 4; round++) {
    const home = await mkdtemp(join(tmpdir(), 'gb-cache-race-'));
    dirs.push(home);
    const cacheDir = join(home, 'state', 'token-cache');
    const results = await Promise.all([openInChild(cacheDir), openInChild(cacheDir), openInChild(cacheDir)]);
    for (const r of results) {
      assert.equal(r.code, 0, `child failed: ${r.err}`);
      const report = JSON.parse(r.out) as { backend: string; detail: string; written: boolean; pid: number };
      assert.equal(report.backend, 'keychain', `round ${round}: fell back to ${report.backend}: ${report.detail}`);
      assert.equal(report.written, true);
    }
    lastRound = results.map((r) => (JSON.parse(r.out) as { pid: number }).pid);
    assert.ok(existsSync(join(cacheDir, CACHE_FILE)), `round ${round}: the cache marker was removed`);
    assert.equal(existsSync(join(cacheDir, `${CACHE_FILE}.lockfile`)), false, 'no lock left behind');
    assert.equal(existsSync(join(cacheDir, 'test.cache')), false, 'no verification leftovers');
  }
  const stored = await keytar.getPassword(service, DEFAULT_KEYCHAIN_ACCOUNT);
  const writer = /"pid-(\d+)"/.exec(stored ?? '')?.[1];
  assert.ok(
    writer !== undefined && lastRound.includes(Number(writer)),
    `the keychain holds the cache one of the last round's processes wrote (${lastRound.join(', ')}), got ${writer}`,
  );
});
