/**
 * Degraded and recovery paths of the token cache with the REAL keychain and the emulator:
 *  - no Secret Service reachable (a child process whose D-Bus address points nowhere) → backend
 *    'memory', sign-in still works, and no cache/lock file is written;
 *  - a cache lock left by a dead process is cleared at start, so sign-in is not blocked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as KeytarModule from 'keytar';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import { parseSettings } from '../../app/broker/settings/settings-store.ts';
import { createAuthService, TOKEN_CACHE_DIR } from '../../app/broker/auth/create-auth-service.ts';
import { CACHE_FILE, DEFAULT_KEYCHAIN_ACCOUNT } from '../../app/broker/auth/token-cache.ts';

const keytar = createRequire(import.meta.url)('keytar') as typeof KeytarModule;
const root = fileURLToPath(new URL('../..', import.meta.url));

function env(emulator: RunningEmulator, home: string): Record<string, string> {
  return {
    GRAPH_BRIDGE_HOME: home,
    GRAPH_BRIDGE_CLIENT_ID: emulator.clientId,
    GRAPH_BRIDGE_AUTHORITY: emulator.authority,
    GRAPH_BRIDGE_GRAPH_URL: `${emulator.graphOrigin}/`,
    GRAPH_BRIDGE_CA_FILE: emulator.caPath,
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Runs in a child process: sign in by device code (the parent approves) and report the cache backend. */
const CHILD = `
import { createPlatform } from './app/platform/platform.ts';
import { parseSettings } from './app/broker/settings/settings-store.ts';
import { createAuthService } from './app/broker/auth/create-auth-service.ts';
const platform = createPlatform();
const parsed = parseSettings({ toolGroups: ['profile'] }, { source: 'child', env: process.env });
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const auth = await createAuthService({ settings: parsed.settings, endpoints: parsed.endpoints, platform, keychainService: process.env.TEST_SERVICE });
const signIn = await auth.signInDeviceCode({ onCode: (p) => process.stderr.write('code ' + p.userCode + '\\n') });
const token = await auth.getToken({ scopes: ['User.Read'] });
process.stdout.write(JSON.stringify({ cache: auth.snapshot().cache, signIn: signIn.ok, token: token.ok, files: auth.cacheFiles }));
await auth.close();
`;

void describe('token cache backends with the real keychain', () => {
  let emulator: RunningEmulator;
  let home: string;
  const service = `graph-bridge-test-${randomUUID()}`;

  before(async () => {
    emulator = await startEmulator();
    emulator.control.settings({ deviceInterval: 1 });
    home = await mkdtemp(join(tmpdir(), 'gb-auth-kc-'));
  });

  after(async () => {
    await keytar.deletePassword(service, DEFAULT_KEYCHAIN_ACCOUNT).catch(() => false);
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  });

  void test('no Secret Service → memory backend with the reason, sign-in works, no cache file on disk', async () => {
    const childHome = join(home, 'memory');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: root,
      env: {
        ...process.env,
        ...env(emulator, childHome),
        TEST_SERVICE: service,
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(home, 'no-such-bus')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      for (const m of c.toString().matchAll(/^code (\S+)$/gm)) if (m[1]) emulator.control.device(m[1], 'approve');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout) as {
      cache: { backend: string; detail: string };
      signIn: boolean;
      token: boolean;
      files: { cachePath: string; lockPath: string };
    };
    assert.equal(out.cache.backend, 'memory');
    assert.match(out.cache.detail, /keychain is unavailable .*memory for this session only/);
    assert.equal(out.signIn, true);
    assert.equal(out.token, true);
    assert.equal(existsSync(out.files.cachePath), false);
    assert.equal(existsSync(out.files.lockPath), false);
    assert.equal(existsSync(join(childHome, 'state', TOKEN_CACHE_DIR)), false);
    for (const file of await listFiles(childHome)) {
      const text = await readFile(file, 'utf8');
      assert.equal(/RefreshToken|AccessToken|"secret"/.test(text), false, `${file} holds cache data`);
    }
  });

  void test('a cache lock left by a dead process is removed at start and does not block sign-in', async () => {
    const lockHome = join(home, 'lock');
    const cacheDir = join(lockHome, 'state', TOKEN_CACHE_DIR);
    await mkdir(cacheDir, { recursive: true, mode: 0o700 });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const lockPath = join(cacheDir, `${CACHE_FILE}.lockfile`);
    await writeFile(lockPath, String(dead));
    const e = env(emulator, lockHome);
    const parsed = parseSettings({ toolGroups: ['profile'] }, { source: 'test', env: e });
    assert.ok(parsed.ok);
    const logs: string[] = [];
    const auth = await createAuthService({
      settings: parsed.settings,
      endpoints: parsed.endpoints,
      platform: createPlatform({ env: e }),
      keychainService: service,
      log: (_l, line) => logs.push(line),
    });
    try {
      assert.equal(auth.snapshot().cache.backend, 'keychain');
      assert.ok(
        logs.some((l) => l.includes(`dead process ${dead}`)),
        logs.join('\n'),
      );
      const signIn = await auth.signInDeviceCode({
        onCode: (p) => void emulator.control.device(p.userCode, 'approve'),
      });
      assert.ok(signIn.ok, JSON.stringify(signIn));
      assert.equal(existsSync(lockPath), false, 'the lock is released after use');
      assert.ok((await keytar.getPassword(service, DEFAULT_KEYCHAIN_ACCOUNT))?.includes(signIn.value.homeAccountId));
    } finally {
      await auth.close();
    }
  });
});
