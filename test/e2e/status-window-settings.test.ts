/**
 * Saving sign-in settings in the REAL status window page (headless Chromium) switches the running
 * app to them in place: window-services' onSaved applies them to the REAL tray host, whose sign-in
 * core restarts (reloadSignIn) — no "Restart Graph Bridge" notice, the form shows what was saved,
 * and the next sign-in goes to the new authority. Screenshot:
 * test-artifacts/status-window/20-settings-applied.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStatusHarness, type StatusHarness } from '../helpers/status-harness.ts';

describe('status window: saved sign-in settings apply without a restart', () => {
  let h: StatusHarness;
  before(async () => {
    // No explicit authority in the file: it follows the tenant (cloud authority host + tenant).
    h = await startStatusHarness({ settings: { authority: undefined } });
  });
  after(async () => {
    await h?.close();
  });

  test('a new tenant is saved, the sign-in core restarts on it, and signing in uses it', async () => {
    const { page, emulator } = h;
    assert.equal(h.host.endpoints().authority, `${emulator.entraOrigin}/${emulator.tenantId}`);
    await page.getByLabel('Tenant', { exact: true }).fill(emulator.tenantDomain);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#announce', { hasText: 'Settings saved.' }).waitFor();

    assert.equal(h.host.endpoints().authority, `${emulator.entraOrigin}/${emulator.tenantDomain}`);
    assert.equal(h.host.restartNeeded(), false, 'no restart needed: the sign-in core was rebuilt');
    assert.equal(await page.getByText('Restart Graph Bridge').count(), 0);
    assert.equal(await page.locator('#settings-tenant').inputValue(), emulator.tenantDomain);
    await page.locator('#settings').scrollIntoViewIfNeeded();
    await h.screenshot('20-settings-applied');

    await page.getByRole('button', { name: 'Sign in with a code…' }).click();
    await page.locator('.device-code .code').waitFor();
    await h.approveDeviceCode();
    const user = emulator.users[0]?.upn ?? '';
    await page.locator('#header-account', { hasText: user }).waitFor({ timeout: 30_000 });
    assert.equal(h.host.broker.status().account?.username, user);
  });
});
