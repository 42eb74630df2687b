/**
 * Memory mode on a one-shot command: the reason and the fix, once, on one line — not a timestamped
 * WARN log line on every command, and not twice on `status` (its output shows the cache already).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthFactory } from '../../../app/cli/auth-factory.ts';
import type { CacheBackend } from '../../../app/shared/bridge-contract.ts';
import { createFakeAuth } from '../broker/fake-auth-service.ts';
import { runTestCli } from './run-cli.ts';

const DETAIL =
  'The OS keychain is unavailable (Cannot autolaunch D-Bus without X11 $DISPLAY): sign-ins are kept in memory for ' +
  'this session only. Fix: start a Secret Service (see "Headless Linux keyring" in the README) or set allowPlaintextCache.';

/** Like the production factory: the token cache announces its backend through the logger while it opens. */
function factory(backend: CacheBackend): AuthFactory {
  return (input) => {
    if (backend !== 'keychain') input.logger.warn(DETAIL);
    const auth = createFakeAuth();
    const snapshot = auth.snapshot.bind(auth);
    auth.snapshot = () => ({
      ...snapshot(),
      cache: { backend, detail: backend === 'keychain' ? 'Token cache in the OS keychain.' : DETAIL },
    });
    return Promise.resolve(auth);
  };
}

async function run(backend: CacheBackend, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const home = await mkdtemp(join(tmpdir(), 'gb-cli-notice-'));
  try {
    return await runTestCli(argv, { home, authFactory: factory(backend) });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

void test('memory mode: one line on stderr with the reason and the fix, once per command', async () => {
  for (const argv of [
    ['clients', 'list'],
    ['use', 'ada@contoso.com'],
  ]) {
    const r = await run('memory', ...argv);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, `graph-bridge: ${DETAIL}\n`, argv.join(' '));
    assert.doesNotMatch(r.out, /keychain/);
  }
});

void test('status shows the cache in its output and prints no separate notice; keychain mode prints none', async () => {
  const status = await run('memory', 'status');
  assert.equal(status.err, '');
  assert.equal(status.out.split(DETAIL).length - 1, 1, 'the detail once, on the Token cache line');
  assert.match(status.out, /^Token cache: +memory — The OS keychain is unavailable/m);
  const json = await run('memory', 'status', '--json');
  assert.equal(json.err, '');
  const keychain = await run('keychain', 'clients', 'list');
  assert.equal(keychain.err, '');
});
