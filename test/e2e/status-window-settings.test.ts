/**
 * The settings form in the REAL status window page (headless Chromium) against a REAL tray host:
 *  - saving sign-in settings switches the running app to them in place: the host's commitSettings (the path
 *    `graph-bridge settings set` takes) applies them, and the sign-in core restarts — no "Restart Graph Bridge"
 *    notice, the form shows what was saved, and the next sign-in goes to the new authority;
 *  - refused values (by the form's own checks or by main) stay in the form next to their messages,
 *    and the first one has the focus.
 * Screenshots: test-artifacts/status-window/20-settings-applied.png, 21-settings-refused.png.
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

  test('refused values stay in the form with their messages, and the first one is focused', async () => {
    const { page, emulator } = h;
    const focused = async () => (await page.locator(':focus').getAttribute('id')) ?? '';
    const clientId = page.getByLabel('Application (client) ID');
    const tenant = page.getByLabel('Tenant', { exact: true });
    const save = page.getByRole('button', { name: 'Save settings' });

    // Refused by the form: no tool group (and a bad client ID further up).
    await clientId.fill('not-a-guid');
    for (const box of await page.locator('input[name="toolGroups"]').all()) await box.uncheck();
    await save.click();
    await page.locator('#settings-toolGroups-error').waitFor();
    assert.equal(await clientId.inputValue(), 'not-a-guid');
    assert.equal(await page.locator('input[name="toolGroups"]:checked').count(), 0);
    assert.equal(await focused(), 'settings-clientId');

    // Only the groups left: the first group's box gets the focus.
    await clientId.fill(emulator.clientId);
    await save.click();
    await page.locator('#settings-clientId-error').waitFor({ state: 'hidden' });
    assert.match(await focused(), /^settings-group-/);

    // Refused by main: a tenant that is not one.
    await page.locator('input[name="toolGroups"]').first().check();
    await tenant.fill('not a tenant!');
    await save.click();
    await page.locator('#settings-tenant-error').waitFor();
    assert.equal(await tenant.inputValue(), 'not a tenant!');
    assert.equal(await focused(), 'settings-tenant');
    assert.equal(await page.locator('input[name="toolGroups"]:checked').count(), 1);
    await page.locator('#settings').scrollIntoViewIfNeeded();
    await h.screenshot('21-settings-refused');
    assert.equal(h.host.settings().tenant, emulator.tenantDomain, 'nothing refused was applied');
  });
});
