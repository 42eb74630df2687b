/**
 * The tray applies sign-in settings by rebuilding its sign-in core in place (tray-host.ts reloadSignIn).
 * When the new settings cannot start, the previous core comes back — paused if it was paused — and
 * the window is told the new settings are not in use yet. Without the rollback nothing listens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTrayHost } from '../../app/main/tray/tray-host.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

void test('settings that cannot start roll back to the previous sign-in core, still paused', () =>
  withTempDir('gb-tray-reload-', async (home) => {
    const platform = createPlatform({ env: { GRAPH_BRIDGE_HOME: home, PATH: process.env.PATH }, homedir: home });
    const created = await createTrayHost({
      platform,
      version: '0.0.0-test',
      keychainService: `graph-bridge-reload-it-${randomUUID()}`,
    });
    assert.ok(created.ok, created.ok ? '' : created.error.message);
    const host = created.value;
    await host.broker.start();
    try {
      host.broker.setPaused(true);
      const before = host.endpoints().authority;
      host.applySettings({ ...host.settings(), extraCaFile: join(home, 'missing-ca.pem') });
      assert.equal(host.restartNeeded(), true);

      const reloaded = await host.reloadSignIn();
      assert.ok(!reloaded.ok, 'a CA file that does not exist cannot start');
      assert.match(reloaded.error.message, /missing-ca\.pem/);
      assert.match(reloaded.error.message, /keeps the previous sign-in settings/);

      const status = host.broker.status();
      assert.equal(status.paused, true, 'the restored core is still paused');
      assert.equal(host.endpoints().authority, before);
      assert.equal(host.restartNeeded(), true, 'the new settings are not in use yet');
      await new Promise<void>((resolve, reject) => {
        const socket = connect(platform.paths.endpoint.path, () => {
          socket.end();
          resolve();
        });
        socket.once('error', (e) => reject(new Error(`the restored core does not listen: ${e.message}`)));
      });
    } finally {
      await host.broker.stop();
    }
  }));

void test('host.stop() during a reload waits for it, then leaves no socket or key behind', () =>
  withTempDir('gb-tray-stop-', async (home) => {
    const platform = createPlatform({ env: { GRAPH_BRIDGE_HOME: home, PATH: process.env.PATH }, homedir: home });
    const created = await createTrayHost({
      platform,
      version: '0.0.0-test',
      keychainService: `graph-bridge-stop-it-${randomUUID()}`,
    });
    assert.ok(created.ok, created.ok ? '' : created.error.message);
    const host = created.value;
    await host.broker.start();
    const { endpoint, adminEndpoint } = host.broker;
    host.applySettings({ ...host.settings(), tenant: 'organizations' });
    const reloading = host.reloadSignIn();
    await host.stop();
    const reloaded = await reloading;
    assert.ok(reloaded.ok, reloaded.ok ? '' : reloaded.error.message);
    for (const path of [endpoint.keyPath, adminEndpoint.keyPath, host.broker.endpoint.keyPath]) {
      assert.equal(existsSync(path), false, `${path} is removed at stop`);
    }
    if (platform.os !== 'win32') assert.equal(existsSync(host.broker.endpoint.path), false, 'the socket is closed');
  }));
