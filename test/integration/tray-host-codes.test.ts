/**
 * The tray as the place a person sees confirmation codes: a `graph-bridge` command over the admin channel
 * that loosens access makes a code the tray host hands to its window (never to status, a log or the
 * socket); the code, typed back, does exactly that one thing and is then withdrawn from the window.
 * Settings changed from the CLI apply to the running tray at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTrayHost } from '../../app/main/tray/tray-host.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import { connectAdmin } from '../../app/cli/admin-client.ts';
import type { ConfirmationPrompt } from '../../app/broker/admin/confirmations.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

void test('tray: codes go to the window only, confirm one action, and settings from the CLI apply live', () =>
  withTempDir('gb-tray-codes-', async (home) => {
    const platform = createPlatform({ env: { GRAPH_BRIDGE_HOME: home, PATH: process.env.PATH }, homedir: home });
    const created = await createTrayHost({
      platform,
      version: '0.0.0-test',
      keychainService: `graph-bridge-codes-it-${randomUUID()}`,
    });
    assert.ok(created.ok, created.ok ? '' : created.error.message);
    const host = created.value;
    await host.broker.start();
    const shown: ConfirmationPrompt[][] = [];
    host.onConfirmationCodes((codes) => shown.push(codes));
    const admin = await connectAdmin(platform.paths.endpoint, false);
    assert.ok(admin);
    try {
      host.broker.setPaused(true);
      const asked = await admin.call('pause', { paused: false });
      assert.equal(asked.ok ? null : asked.error.code, 'CONFIRMATION_REQUIRED');
      assert.match(asked.ok ? '' : (asked.error.confirmation?.shownIn ?? ''), /Graph Bridge window/);
      const prompt = host.confirmationCodes()[0];
      assert.ok(prompt, 'the window has the code');
      assert.equal(shown.at(-1)?.length, 1);
      assert.ok(!JSON.stringify(host.broker.status()).includes(prompt.code), 'status never carries a code');
      assert.ok(!JSON.stringify(asked).includes(prompt.code), 'the socket never carries a code');

      const done = await admin.call('pause', {
        paused: false,
        confirmation: { challengeId: prompt.challengeId, code: prompt.code },
      });
      assert.deepEqual(done, { ok: true, value: {} });
      assert.equal(host.broker.status().paused, false);
      assert.deepEqual(host.confirmationCodes(), [], 'a used code leaves the window');
      assert.deepEqual(shown.at(-1), []);

      // Tightening from the CLI: no code, applied to the running tray at once.
      assert.ok(host.broker.neededScopes().includes('Mail.Send'));
      const readOnly = await admin.call('settings.update', { changes: [{ key: 'readOnly', value: true }] });
      assert.ok(readOnly.ok, JSON.stringify(readOnly));
      assert.equal(host.settings().readOnly, true);
      assert.ok(!host.broker.neededScopes().includes('Mail.Send'), 'the running broker reads the new settings');

      const logs = join(platform.paths.logDir);
      for (const name of await readdir(logs)) {
        assert.ok(!(await readFile(join(logs, name), 'utf8')).includes(prompt.code), `${name} has the code`);
      }
    } finally {
      admin.close();
      await host.broker.stop();
    }
  }));
