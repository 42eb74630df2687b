/**
 * The one broker host (app/broker/host/broker-host.ts) that the tray and the CLI both use: the keychain
 * service override from the environment, saved settings applied live, sign-in settings marked as
 * waiting (restartNeeded) until reloadSignIn applies them, stop after a reload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBrokerHost, type AuthInput } from '../../../../app/broker/host/broker-host.ts';
import { createPlatform } from '../../../../app/platform/platform.ts';
import { createFakeAuth } from '../fake-auth-service.ts';

async function hostFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}) {
  const home = await mkdtemp(join(tmpdir(), 'gb-host-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const platform = createPlatform({ env: { GRAPH_BRIDGE_HOME: home, ...env }, homedir: home });
  const builds: AuthInput[] = [];
  const created = await createBrokerHost({
    platform,
    version: '0.0.0-test',
    host: 'agent',
    logFileName: 'agent.log',
    interactiveApprovals: false,
    createAuth: (input) => {
      builds.push(input);
      return Promise.resolve(createFakeAuth());
    },
  });
  assert.ok(created.ok, created.ok ? '' : created.error.message);
  return { host: created.value, builds, platform };
}

test('GRAPH_BRIDGE_KEYCHAIN_SERVICE reaches the sign-in core (tray and agent alike)', async (t) => {
  const { builds } = await hostFor(t, { GRAPH_BRIDGE_KEYCHAIN_SERVICE: 'graph-bridge-test-svc' });
  assert.equal(builds[0]?.keychainService, 'graph-bridge-test-svc');
  const plain = await hostFor(t);
  assert.equal(plain.builds[0]?.keychainService, undefined, 'unset: the profile default');
});

test('a sign-in setting marks restartNeeded until reloadSignIn rebuilds the core with it', async (t) => {
  const { host, builds } = await hostFor(t);
  assert.equal(host.restartNeeded(), false);
  host.applySettings({ ...host.settings(), readOnly: true });
  assert.equal(host.config().readOnly, true, 'non-sign-in settings apply at once');
  assert.equal(host.restartNeeded(), false);
  host.applySettings({ ...host.settings(), tenant: 'contoso.onmicrosoft.com' });
  assert.equal(host.restartNeeded(), true);
  const reloaded = await host.reloadSignIn();
  assert.ok(reloaded.ok, reloaded.ok ? '' : reloaded.error.message);
  assert.equal(builds.length, 2);
  assert.equal(builds[1]?.settings.tenant, 'contoso.onmicrosoft.com');
  assert.equal(builds[1]?.loaded.settings.tenant, 'contoso.onmicrosoft.com', 'the factory sees the new settings');
  assert.equal(host.restartNeeded(), false);
  await host.stop();
});
