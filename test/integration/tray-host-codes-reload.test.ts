/**
 * A rebuild of the tray's sign-in core withdraws the confirmation codes made for the core that stopped:
 * the window stops showing them at once (not 2 minutes later), and a code typed after the rebuild is
 * refused with a message that says to ask again — without counting as a wrong code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTrayHost } from '../../app/main/tray/tray-host.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import { connectAdmin } from '../../app/cli/admin-client.ts';
import type { ConfirmationPrompt } from '../../app/broker/admin/confirmations.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

void test('tray: a sign-in rebuild withdraws open codes; one typed afterwards is refused and says to ask again', () =>
  withTempDir('gb-tray-codes-reload-', async (home) => {
    const platform = createPlatform({ env: { GRAPH_BRIDGE_HOME: home, PATH: process.env.PATH }, homedir: home });
    const created = await createTrayHost({
      platform,
      version: '0.0.0-test',
      keychainService: `graph-bridge-codes-reload-it-${randomUUID()}`,
    });
    assert.ok(created.ok, created.ok ? '' : created.error.message);
    const host = created.value;
    await host.broker.start();
    const shown: ConfirmationPrompt[][] = [];
    host.onConfirmationCodes((codes) => shown.push(codes));
    try {
      host.broker.setPaused(true);
      const before = await connectAdmin(platform.paths.endpoint, false);
      assert.ok(before);
      const asked = await before.call('pause', { paused: false });
      before.close();
      assert.equal(asked.ok ? null : asked.error.code, 'CONFIRMATION_REQUIRED');
      const prompt = host.confirmationCodes()[0];
      assert.ok(prompt, 'the window has the code');

      host.applySettings({ ...host.settings(), tenant: 'organizations' });
      const reloaded = await host.reloadSignIn();
      assert.ok(reloaded.ok, reloaded.ok ? '' : reloaded.error.message);
      assert.deepEqual(host.confirmationCodes(), [], 'the code made for the old core is withdrawn at once');
      assert.deepEqual(shown.at(-1), [], 'the window was told');

      const after = await connectAdmin(platform.paths.endpoint, false);
      assert.ok(after, 'the rebuilt core answers on the admin channel');
      try {
        const typed = await after.call('pause', {
          paused: false,
          confirmation: { challengeId: prompt.challengeId, code: prompt.code },
        });
        assert.equal(typed.ok ? null : typed.error.code, 'CONFIRMATION_FAILED');
        const message = typed.ok ? '' : typed.error.message;
        assert.match(message, /withdrawn/);
        assert.match(message, /restarted its sign-in/);
        assert.match(message, /Run the command again for a new code\./);
        assert.equal(host.broker.status().paused, true, 'the withdrawn code did nothing');

        // Asking again works: a new code, shown in the window, does the action.
        const again = await after.call('pause', { paused: false });
        assert.equal(again.ok ? null : again.error.code, 'CONFIRMATION_REQUIRED');
        const fresh = host.confirmationCodes()[0];
        assert.ok(fresh && fresh.challengeId !== prompt.challengeId, 'a new code is shown');
        const done = await after.call('pause', {
          paused: false,
          confirmation: { challengeId: fresh.challengeId, code: fresh.code },
        });
        assert.deepEqual(done, { ok: true, value: {} });
        assert.equal(host.broker.status().paused, false);
      } finally {
        after.close();
      }
    } finally {
      await host.stop();
    }
  }));
