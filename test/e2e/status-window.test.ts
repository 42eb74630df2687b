/**
 * The status window page in REAL headless Chromium, driven like a user (roles and labels), against a
 * REAL tray host (production settings, MSAL, broker sockets) signed in to the emulator, with a REAL
 * bridge broker client standing in for an editor. Every state is screenshotted into
 * test-artifacts/status-window/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStatusHarness, type StatusHarness } from '../helpers/status-harness.ts';
import { connectAdmin } from '../../app/cli/admin-client.ts';

describe('status window against a real broker and the emulator', () => {
  let h: StatusHarness;
  /** Claude Desktop's credential, as `graph-bridge connect claude-desktop` writes it into its entry. */
  let claudeKey: string;
  before(async () => {
    h = await startStatusHarness({
      settings: { toolGroups: ['profile'], approvalPolicy: { clients: 'ask', writes: { default: 'ask', tools: {} } } },
    });
    claudeKey = await h.editorKey('claude-desktop');
  });
  after(async () => {
    await h?.close();
  });

  test('signed out: says so, offers both sign-in methods, shows the keychain cache', async () => {
    const { page } = h;
    await page.getByText('Not signed in. Editors cannot use Microsoft 365 until you sign in.').waitFor();
    assert.equal(await page.locator('#header-account').innerText(), 'Not signed in');
    assert.match(await page.getByTestId('cache-backend').innerText(), /OS keychain/);
    assert.equal(await page.getByRole('button', { name: 'Sign in with a code…' }).isEnabled(), true);
    await h.screenshot('01-signed-out');
  });

  test('sign in with a code: the code is shown, approved at the emulator, then the account appears', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Sign in with a code…' }).click();
    const code = page.locator('.device-code .code');
    await code.waitFor();
    assert.match(await code.innerText(), /\S{4,}/);
    await h.screenshot('02-device-code');
    await h.approveDeviceCode();
    const user = h.emulator.users[0]?.upn ?? '';
    await page.locator('#header-account', { hasText: user }).waitFor({ timeout: 30_000 });
    await page.getByText('Access token expires in').waitFor();
    assert.match(await page.locator('#account-body').innerText(), new RegExp(user.replace('.', '\\.')));
    await h.screenshot('03-signed-in');
  });

  test('consent missing after enabling a group → Grant runs incremental consent → granted', async () => {
    const { page } = h;
    await page.locator('#settings-group-mail').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#announce', { hasText: 'Settings saved.' }).waitFor();
    const mailRow = page.locator('tr[data-group="mail"]');
    await mailRow.getByRole('button', { name: 'Grant mail' }).waitFor();
    assert.match(await mailRow.innerText(), /Mail\.Send/);
    // Grant asks for the three it lists; the on-demand ones ("when needed") wait for a call that needs them.
    const grantable = mailRow.locator('.scope.missing', { hasNot: page.locator('.tag', { hasText: 'when needed' }) });
    assert.equal(await grantable.count(), 3);
    await page.locator('#consent').scrollIntoViewIfNeeded();
    await h.screenshot('04-consent-missing');
    await mailRow.getByRole('button', { name: 'Grant mail' }).click();
    await mailRow.getByText('Granted').waitFor({ timeout: 60_000 });
    assert.equal(await grantable.count(), 0);
    await h.screenshot('05-consent-granted');
  });

  test('admin-only scopes: Grant for teams skips ChannelMessage.Read.All and points at the admin', async () => {
    const { page } = h;
    // The settings list every group of TOOL_GROUPS, the issue #12 ones (off by default) included.
    for (const group of ['notes', 'planner'])
      assert.equal(await page.locator(`#settings-group-${group}`).isChecked(), false);
    await page.locator('#settings-group-teams').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#announce', { hasText: 'Settings saved.' }).waitFor();
    const teamsRow = page.locator('tr[data-group="teams"]');
    await teamsRow.getByRole('button', { name: 'Grant teams' }).click();
    await teamsRow.getByText('admin-only scopes need your administrator').waitFor({ timeout: 60_000 });
    const missing = teamsRow.locator('.scope.missing');
    assert.equal(await missing.count(), 1, 'only the admin-only scope is left');
    assert.match(await missing.innerText(), /ChannelMessage\.Read\.All\s*admin/);
    await page.getByText('can only be granted by a tenant administrator').waitFor();
    await page.locator('#consent').scrollIntoViewIfNeeded();
    await h.screenshot('05b-consent-admin-only');
  });

  test('new groups are listed; Grant for search asks only for its sign-in scopes, its on-demand ones stay "when needed"', async () => {
    const { page } = h;
    await page.locator('#settings-group-contacts').waitFor();
    await page.locator('#settings-group-search').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#announce', { hasText: 'Settings saved.' }).waitFor();
    const row = page.locator('tr[data-group="search"]');
    assert.match(await row.innerText(), /Files\.Read\.All\s*when needed/);
    assert.match(await row.innerText(), /Sites\.Read\.All\s*when needed/);
    await row.getByRole('button', { name: 'Grant search' }).click();
    await row.getByText('Granted').waitFor({ timeout: 60_000 });
    const missing = await row.locator('.scope.missing').allInnerTexts();
    assert.deepEqual(
      missing.map((t) => t.replace(/\s+/g, '')).sort(),
      ['✗Files.Read.Allwhenneeded', '✗Sites.Read.Allwhenneeded'],
      'Grant never asks for the on-demand scopes',
    );
    await page.locator('#consent').scrollIntoViewIfNeeded();
    await h.screenshot('05c-consent-search-on-demand');
  });

  test('a new editor is held pending until allowed in the window', async () => {
    const { page } = h;
    const bridge = h.bridgeClient('claude-ai', claudeKey);
    const hello = await bridge.session();
    assert.equal(hello.ok && hello.value.approval, 'pending');
    const card = page.locator('article[data-client="claude-ai"]');
    await card.waitFor();
    assert.match(await page.locator('#pending-count').innerText(), /^1$/);
    await h.screenshot('06-client-pending');
    await card.getByRole('button', { name: 'Allow' }).click();
    await page.locator('tr[data-client-row="claude-ai"] .pill.approved').waitFor();
    assert.equal(h.host.broker.status().clients.find((c) => c.name === 'claude-ai')?.approval, 'approved');

    // Another process that only claims the name: its own card, marked as not a connected editor.
    const impostor = h.bridgeClient('claude-ai');
    const held = await impostor.session();
    assert.equal(held.ok && held.value.approval, 'pending');
    const other = page.locator('article[data-client="claude-ai"]', { hasText: 'New program: claude-ai' });
    await other.waitFor();
    assert.match(await other.innerText(), /may not be what its name says/);
    await h.screenshot('06a-impostor-pending');
    await other.getByRole('button', { name: 'Deny' }).click();
    await other.waitFor({ state: 'detached' });
    const rows = h.host.broker.status().clients.filter((c) => c.name === 'claude-ai');
    assert.deepEqual(
      rows.map((c) => [c.remembered, c.approval]),
      [
        [true, 'approved'],
        [false, 'denied'],
      ],
    );
    impostor.close();
  });

  test('a code for a command typed in a terminal shows in the window; typed back, it does that one thing', async () => {
    const { page } = h;
    h.host.broker.setPaused(true);
    const admin = await connectAdmin(h.host.broker.endpoint, false);
    assert.ok(admin);
    try {
      const asked = await admin.call('pause', { paused: false });
      assert.equal(asked.ok ? null : asked.error.code, 'CONFIRMATION_REQUIRED');
      const card = page.locator('article.code');
      await card.waitFor();
      const shown = (await card.locator('.code-digits').innerText()).trim();
      assert.match(shown, /^[0-9]{6}$/);
      assert.match(await card.innerText(), /It confirms: Resume Graph Bridge access/);
      assert.match(await card.innerText(), /never to an AI assistant/);
      await h.screenshot('06b-confirmation-code');
      const challengeId = asked.ok ? '' : (asked.error.confirmation?.challengeId ?? '');
      assert.deepEqual(await admin.call('pause', { paused: false, confirmation: { challengeId, code: shown } }), {
        ok: true,
        value: {},
      });
      await card.waitFor({ state: 'detached' });
      assert.equal(h.host.broker.status().paused, false);
    } finally {
      admin.close();
    }
  });

  test('write approval prompt: Allow once approves, Deny denies — the bridge gets the answer', async () => {
    const { page } = h;
    const bridge = h.bridgeClient('claude-ai', claudeKey);
    const first = bridge.call('approval.request', {
      tool: 'mail_send',
      summary: "Send mail to megan@contoso.example: 'Q3 plan'",
      details: { To: 'megan@contoso.example', Subject: 'Q3 plan' },
    });
    const card = page.locator('article.approval');
    await card.waitFor();
    assert.match(await card.innerText(), /claude-ai wants to run mail_send/);
    assert.match(await card.innerText(), /Denied automatically in/);
    await h.screenshot('07-write-approval');
    await card.getByRole('button', { name: 'Allow once' }).click();
    const allowed = await first;
    assert.equal(allowed.ok && allowed.value.approved, true);

    const second = bridge.call('approval.request', { tool: 'mail_send', summary: 'Send mail to alex@contoso.example' });
    const settled = await Promise.race([
      second.then((r) => JSON.stringify(r)),
      page
        .locator('article.approval', { hasText: 'alex@contoso.example' })
        .waitFor({ timeout: 5000 })
        .then(() => 'card'),
    ]);
    assert.equal(settled, 'card');
    await page
      .locator('article.approval', { hasText: 'alex@contoso.example' })
      .getByRole('button', { name: 'Deny' })
      .click();
    const denied = await second;
    assert.equal(denied.ok && denied.value.approved, false);
    await page.getByText('Nothing is waiting for you.').waitFor();
  });

  test('audit trail lists calls and filters by tool; the log file opens', async () => {
    const { page } = h;
    const bridge = h.bridgeClient('claude-ai', claudeKey);
    for (const [tool, path, status] of [
      ['mail_list', '/me/messages', 200],
      ['calendar_list', '/me/events', 200],
      ['mail_send', '/me/sendMail', 403],
    ] as const) {
      const r = await bridge.call('audit.record', {
        tool,
        method: tool === 'mail_send' ? 'POST' : 'GET',
        pathTemplate: path,
        status,
        durationMs: 42,
      });
      assert.equal(r.ok, true);
    }
    await page.locator('#audit-client').selectOption('claude-ai');
    const rows = page.locator('table.audit tbody tr');
    await rows.nth(2).waitFor();
    assert.equal(await rows.count(), 3);
    await page.locator('#audit-tool').selectOption('mail_send');
    await rows.nth(1).waitFor({ state: 'detached' });
    assert.match(await rows.first().innerText(), /POST \/me\/sendMail/);
    await page.locator('#audit-tool').selectOption('');
    await rows.nth(2).waitFor();
    await page.locator('#audit').scrollIntoViewIfNeeded();
    await h.screenshot('08-audit');
    await page.getByRole('button', { name: 'Open log file' }).click();
    await page.locator('body:not([aria-busy])').waitFor();
    assert.equal(h.opened.at(-1), h.host.broker.auditLogPath());
  });

  test('settings: invalid values are refused with messages per field, nothing is written', async () => {
    const { page } = h;
    const clientId = page.getByLabel('Application (client) ID');
    await clientId.fill('not-a-guid');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const error = page.locator('#settings-clientId-error');
    await error.waitFor();
    assert.match(await error.innerText(), /Application \(client\) ID/);
    assert.equal(await clientId.getAttribute('aria-invalid'), 'true');
    await clientId.fill(h.emulator.clientId);
    await page.getByLabel('Tenant', { exact: true }).fill('not a tenant!');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const tenantError = page.locator('#settings-tenant-error');
    await tenantError.waitFor();
    assert.match(await tenantError.innerText(), /Setting "tenant" is "not a tenant!"/);
    assert.match(await page.locator('#alert').innerText(), /Settings not saved/);
    await page.locator('#settings').scrollIntoViewIfNeeded();
    await h.screenshot('09-settings-invalid');
    const view = await h.services.handlers['settings:get']({});
    assert.equal(view.ok && view.value.values.tenant, h.emulator.tenantId);
  });

  test('pause: banner, button state, and the broker refuses tokens meanwhile', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Pause access' }).click();
    await page.locator('#paused-banner').waitFor();
    assert.equal(await page.locator('#pause-toggle').getAttribute('aria-pressed'), 'true');
    assert.equal(h.host.broker.status().paused, true);
    const token = await h.bridgeClient('claude-ai', claudeKey).call('token.get', { scopes: ['User.Read'] });
    assert.equal(token.ok === false && token.error.code, 'PAUSED');
    await h.screenshot('10-paused');
    await page.getByRole('button', { name: 'Resume access' }).click();
    await page.locator('#paused-banner').waitFor({ state: 'hidden' });
  });

  test('a revoked session: the refresh fails, the window asks to sign in again', async () => {
    const { page } = h;
    const user = h.emulator.users[0];
    assert.ok(user);
    h.emulator.control.revokeSessions(user.oid);
    const token = await h
      .bridgeClient('claude-ai', claudeKey)
      .call('token.get', { scopes: ['User.Read'], forceRefresh: true });
    assert.equal(token.ok === false && token.error.code, 'NOT_SIGNED_IN');
    const banner = page.getByTestId('sign-in-needed');
    await banner.waitFor();
    assert.match(await banner.innerText(), /Sign-in needed: .*expired or was revoked/);
    assert.equal(await banner.getAttribute('role'), 'alert');
    assert.ok(h.host.broker.status().signInNeeded, 'status carries the signal for the tray icon');
    await h.screenshot('11-sign-in-needed');
  });
});

describe('status window on first run without a keychain', () => {
  test('memory-only cache warning and the first-run setup guide', async () => {
    const h = await startStatusHarness({ keychainUnavailable: true, writeSettings: false });
    try {
      const { page } = h;
      const cache = page.getByTestId('cache-backend');
      await cache.waitFor();
      assert.equal(await cache.getAttribute('role'), 'alert');
      assert.match(await cache.innerText(), /Memory only/);
      assert.match(await page.locator('#settings-body').innerText(), /Welcome!/);
      const registration = page.getByTestId('registration');
      assert.equal(await registration.isVisible(), true);
      const text = await registration.innerText();
      for (const expected of [
        'Mobile and desktop applications',
        'http://localhost',
        'Yes',
        'Mail.Read',
        'Files.Read',
      ]) {
        assert.ok(text.includes(expected), `registration guide shows ${expected}`);
      }
      await h.screenshot('11-first-run-memory-cache');
      await page.getByRole('button', { name: 'Open the Entra admin center' }).click();
      await page.locator('body:not([aria-busy])').waitFor();
      assert.match(h.opened.at(-1) ?? '', /^https:\/\/entra\.microsoft\.com\//);
    } finally {
      await h.close();
    }
  });
});
