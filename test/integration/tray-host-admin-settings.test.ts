/**
 * The tray host answers `graph-bridge settings set` of a sign-in setting like the agent does
 * (cli-settings-reload.test.ts): over its admin socket, with the code its window shows, it rebuilds its
 * sign-in in place and says so — no "restart the tray" — and its admin socket serves again afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTrayHost } from '../../app/main/tray/tray-host.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import { connectAdmin } from '../../app/cli/admin-client.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

void test('tray: a tenant change over the admin socket rebuilds the sign-in in place and is answered', () =>
  withTempDir('gb-tray-admin-', async (home) => {
    const platform = createPlatform({ env: { GRAPH_BRIDGE_HOME: home, PATH: process.env.PATH }, homedir: home });
    const created = await createTrayHost({
      platform,
      version: '0.0.0-test',
      keychainService: `graph-bridge-tray-admin-it-${randomUUID()}`,
    });
    assert.ok(created.ok, created.ok ? '' : created.error.message);
    const host = created.value;
    await host.broker.start();
    try {
      const admin = await connectAdmin(platform.paths.endpoint, false);
      assert.ok(admin !== null, 'the tray serves the admin channel');
      const changes = [{ key: 'tenant', value: 'contoso.onmicrosoft.com' }];
      const asked = await admin.call('settings.update', { changes });
      assert.equal(asked.ok ? null : asked.error.code, 'CONFIRMATION_REQUIRED');
      const challenge = asked.ok ? undefined : asked.error.confirmation;
      const code = host.confirmationCodes().find((c) => c.challengeId === challenge?.challengeId)?.code;
      assert.ok(challenge !== undefined && code !== undefined, 'the window shows the code');

      const done = await admin.call('settings.update', {
        changes,
        confirmation: { challengeId: challenge.challengeId, code },
      });
      assert.ok(done.ok, JSON.stringify(done));
      assert.match(done.value.note ?? '', /restarted its sign-in with the new tenant \(no restart needed\)/);
      assert.deepEqual(done.value.signIn, { account: null });
      assert.equal(host.restartNeeded(), false, 'the new settings are in use');
      assert.equal(host.settings().tenant, 'contoso.onmicrosoft.com');
      const file = JSON.parse(await readFile(join(home, 'config', 'settings.json'), 'utf8')) as { tenant: string };
      assert.equal(file.tenant, 'contoso.onmicrosoft.com');

      const again = await connectAdmin(platform.paths.endpoint, false);
      assert.ok(again !== null, 'the rebuilt broker serves the admin channel with its new key');
      const status = await again.call('status', {});
      assert.ok(status.ok);
      assert.equal(status.value.host, 'tray');
      again.close();
      admin.close();
    } finally {
      await host.stop();
    }
  }));
