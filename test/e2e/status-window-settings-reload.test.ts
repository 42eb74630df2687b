/**
 * The status window's save takes the admin channel's path (BrokerHost.commitSettings): when new sign-in
 * settings cannot start, the previous sign-in runs on AND settings.json is put back, and the window says
 * so — why, that nothing changed, what to do — with what the user typed still in the form.
 * Screenshot: test-artifacts/status-window/22-settings-not-changed.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSettings } from '../../app/broker/settings/settings-store.ts';
import { startStatusHarness, type StatusHarness } from '../helpers/status-harness.ts';

/** The settings a settings.json text (default: the file's) holds. */
async function fileSettings(file: string, text?: string) {
  const parsed = parseSettings(JSON.parse(text ?? (await readFile(file, 'utf8'))) as Record<string, unknown>, {
    source: file,
  });
  assert.ok(parsed.ok, 'settings.json is valid');
  return parsed.settings;
}

describe('status window: a save whose sign-in cannot start changes nothing', () => {
  let h: StatusHarness;
  before(async () => {
    h = await startStatusHarness();
  });
  after(async () => {
    await h?.close();
  });

  test('the file is as it was, the previous sign-in runs, and the form keeps the typed tenant', async () => {
    const { page, emulator } = h;
    // settings.json edited by hand while the tray runs: its CA file (not on the form) does not exist.
    // The window's save carries it over, so the rebuilt sign-in core cannot start.
    const file = join(h.home, 'config', 'settings.json');
    const missingCa = join(h.home, 'missing-ca.pem');
    const edited = { ...(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>), extraCaFile: missingCa };
    await writeFile(file, `${JSON.stringify(edited, null, 2)}\n`, { mode: 0o600 });
    const before = await readFile(file, 'utf8');
    const authority = h.host.endpoints().authority;

    await page.getByLabel('Tenant', { exact: true }).fill(emulator.tenantDomain);
    await page.getByRole('button', { name: 'Save settings' }).click();
    const alert = page.locator('#alert', { hasText: 'Settings not changed' });
    await alert.waitFor();
    const message = (await alert.textContent()) ?? '';
    assert.match(message, /missing-ca\.pem/, 'the reason');
    assert.match(message, /keeps the previous sign-in settings/);
    assert.match(message, /settings\.json is as it was/);
    assert.match(message, /still in the form: correct what the message names, then save again/, 'what to do');
    assert.doesNotMatch(message, /Settings saved/);

    // Put back as the settings it held (written through saveSettings, so defaults are spelled out).
    assert.deepEqual(await fileSettings(file), await fileSettings(file, before), 'settings.json is put back');
    assert.equal(h.host.settings().tenant, emulator.tenantId, 'the host runs on with the previous settings');
    assert.equal(h.host.endpoints().authority, authority);
    assert.equal(h.host.restartNeeded(), false, 'nothing waits for a restart');
    assert.equal(await page.locator('#settings-tenant').inputValue(), emulator.tenantDomain, 'the form keeps it');
    await page.locator('#settings').scrollIntoViewIfNeeded();
    await h.screenshot('22-settings-not-changed');

    // The previous sign-in still works: signing in goes to the authority it was built with.
    await page.getByRole('button', { name: 'Sign in with a code…' }).click();
    await page.locator('.device-code .code').waitFor();
    await h.approveDeviceCode();
    const user = emulator.users[0]?.upn ?? '';
    await page.locator('#header-account', { hasText: user }).waitFor({ timeout: 30_000 });
    assert.equal(h.host.broker.status().account?.username, user);
  });
});
