/**
 * "Try the demo tenant" in the REAL status window page (headless Chromium) with the app's REAL demo
 * launcher: the click starts the emulator as a child process of this checkout, the settings become
 * the demo tenant's, the host's sign-in core restarts in place, and the window shows the demo user
 * to type into the sign-in page. Screenshot: test-artifacts/status-window/20-demo-tenant.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStatusHarness, type StatusHarness } from '../helpers/status-harness.ts';

describe('status window: try the demo tenant from a checkout', () => {
  let h: StatusHarness;
  before(async () => {
    h = await startStatusHarness({ writeSettings: false, realDemo: true });
  });
  after(async () => {
    await h?.close();
  });

  test('the click starts the demo tenant, switches the settings to it and shows whom to sign in as', async () => {
    const { page } = h;
    const before = h.host.endpoints().authority;
    await page.getByRole('button', { name: 'Try the demo tenant' }).click();
    const result = page.getByTestId('demo-result');
    await result.waitFor({ timeout: 60_000 });
    const text = await result.innerText();
    assert.match(text, /The demo tenant is running \(contoso\.onmicrosoft\.com/);
    assert.match(text, /Demo user\s+adele@contoso\.onmicrosoft\.com/);
    assert.match(text, /Password\s+Adele-Pa55word!/);

    const authority = h.host.endpoints().authority;
    assert.notEqual(authority, before);
    assert.match(authority, /^https:\/\/localhost:\d+\/[0-9a-f-]{36}$/);
    assert.match(text, new RegExp(authority.replace(/[/.]/g, '\\$&')));
    assert.equal(h.host.restartNeeded(), false, 'no restart needed: the sign-in core was rebuilt');
    // The form now shows the demo tenant's values as ordinary settings (a custom cloud).
    assert.equal(await page.locator('#settings-cloud').inputValue(), 'custom');
    assert.match(await page.locator('#settings-tenant').inputValue(), /^[0-9a-f-]{36}$/);
    assert.equal(await page.getByText('Restart Graph Bridge').count(), 0);
    await page.getByTestId('demo').scrollIntoViewIfNeeded();
    await h.screenshot('20-demo-tenant');
  });
});
