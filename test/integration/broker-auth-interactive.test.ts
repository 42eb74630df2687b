/**
 * Browser sign-in through REAL headless Chromium against the emulator (loopback + PKCE + form_post
 * done by unmodified MSAL), with the real keychain: our loopback pages, two accounts side by side,
 * incremental consent, a declined consent, and cancelling a sign-in (the loopback closes).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as KeytarModule from 'keytar';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { chromiumOpenBrowser, type ChromiumOpenBrowser } from '../helpers/browser.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import { parseSettings } from '../../app/broker/settings/settings-store.ts';
import { createAuthService, type ProductionAuthService } from '../../app/broker/auth/create-auth-service.ts';
import { DEFAULT_KEYCHAIN_ACCOUNT } from '../../app/broker/auth/token-cache.ts';

const keytar = createRequire(import.meta.url)('keytar') as typeof KeytarModule;

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

void describe('interactive sign-in with Chromium', () => {
  let emulator: RunningEmulator;
  let home: string;
  let auth: ProductionAuthService;
  let browser: { openBrowser(url: string): Promise<void> };
  const service = `graph-bridge-test-${randomUUID()}`;

  const as = (index: number, consent: 'accept' | 'cancel' = 'accept'): ChromiumOpenBrowser => {
    const user = emulator.users[index];
    assert.ok(user);
    return chromiumOpenBrowser({
      username: user.upn,
      password: user.password,
      spkiSha256: emulator.leafSpkiSha256,
      consent,
    });
  };

  before(async () => {
    emulator = await startEmulator({ interactiveMode: 'page' });
    emulator.control.settings({ autoConsent: false });
    home = await mkdtemp(join(tmpdir(), 'gb-auth-ui-'));
    const env = {
      GRAPH_BRIDGE_HOME: home,
      GRAPH_BRIDGE_CLIENT_ID: emulator.clientId,
      GRAPH_BRIDGE_AUTHORITY: emulator.authority,
      GRAPH_BRIDGE_GRAPH_URL: `${emulator.graphOrigin}/`,
      GRAPH_BRIDGE_CA_FILE: emulator.caPath,
    };
    const parsed = parseSettings({ toolGroups: ['profile'], readOnly: true }, { source: 'test', env });
    assert.ok(parsed.ok);
    auth = await createAuthService({
      settings: parsed.settings,
      endpoints: parsed.endpoints,
      platform: createPlatform({ env }),
      keychainService: service,
      openBrowser: (url) => browser.openBrowser(url),
    });
  });

  after(async () => {
    await auth.close();
    await keytar.deletePassword(service, DEFAULT_KEYCHAIN_ACCOUNT).catch(() => false);
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  });

  void test('browser sign-in: password page, consent page, our success page, account in the keychain', async () => {
    const adele = as(0);
    browser = adele;
    const r = await auth.signInInteractive();
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.value.username, emulator.users[0]?.upn);
    const final = adele.results.at(-1);
    assert.deepEqual(final?.steps.slice(0, 2), ['signin', 'consent']);
    assert.match(final?.text ?? '', /You are signed in\. You can close this tab and return to Graph Bridge/);
    const token = await auth.getToken({ scopes: ['User.Read'] });
    assert.ok(token.ok);
    const claims = emulator.verifyAccessToken(`Bearer ${token.value.accessToken}`);
    assert.equal(claims.ok && claims.claims.upn, emulator.users[0]?.upn);
    assert.ok((await keytar.getPassword(service, DEFAULT_KEYCHAIN_ACCOUNT))?.includes(r.value.homeAccountId));
  });

  void test('incremental consent: CONSENT_REQUIRED, then grantConsent in the browser, then a token', async () => {
    const missing = await auth.getToken({ scopes: ['Tasks.Read'] });
    assert.deepEqual(missing.ok ? [] : missing.error.missingScopes, ['Tasks.Read']);
    assert.equal(auth.pendingConsent().length, 1);

    browser = as(0, 'cancel');
    const declined = await auth.grantConsent(['Tasks.Read']);
    assert.equal(declined.ok ? '' : declined.error.code, 'INTERACTION_REQUIRED');
    assert.match(declined.ok ? '' : declined.error.message, /cancelled or declined/);
    assert.equal(auth.pendingConsent().length, 1, 'still pending after a decline');

    browser = as(0);
    const granted = await auth.grantConsent(['Tasks.Read']);
    assert.ok(granted.ok, JSON.stringify(granted));
    assert.ok(granted.value.includes('Tasks.Read'));
    assert.deepEqual(auth.pendingConsent(), []);
    const token = await auth.getToken({ scopes: ['Tasks.Read'] });
    assert.ok(token.ok, JSON.stringify(token));
  });

  void test('a second account signs in beside the first; tokens never cross accounts', async () => {
    const first = auth.snapshot().account;
    browser = as(1);
    const second = await auth.signInInteractive({ prompt: 'login' });
    assert.ok(second.ok, JSON.stringify(second));
    assert.equal(auth.snapshot().accounts.length, 2);
    assert.equal(auth.snapshot().account?.username, emulator.users[1]?.upn);
    const megan = await auth.getToken({ scopes: ['User.Read'] });
    assert.ok(first && megan.ok);
    const back = await auth.useAccount(first.username);
    assert.ok(back.ok);
    const adele = await auth.getToken({ scopes: ['User.Read'] });
    assert.ok(adele.ok);
    const upn = (t: string) => {
      const v = emulator.verifyAccessToken(`Bearer ${t}`);
      return v.ok ? v.claims.upn : '';
    };
    assert.equal(upn(megan.value.accessToken), emulator.users[1]?.upn);
    assert.equal(upn(adele.value.accessToken), emulator.users[0]?.upn);
    const out = await auth.signOut(second.value.homeAccountId);
    assert.ok(out.ok);
    assert.deepEqual(
      auth.snapshot().accounts.map((a) => a.username),
      [emulator.users[0]?.upn],
    );
  });

  void test('cancelling a sign-in closes MSAL loopback server', async () => {
    let loopbackPort = 0;
    const opened = new Promise<void>((resolve) => {
      browser = {
        openBrowser(url) {
          loopbackPort = Number(new URL(new URL(url).searchParams.get('redirect_uri') ?? '').port);
          resolve();
          return Promise.resolve(); // nobody ever signs in
        },
      };
    });
    const controller = new AbortController();
    const pending = auth.signInInteractive({ signal: controller.signal });
    await opened;
    assert.equal(await portIsClosed(loopbackPort), false, 'loopback listening while waiting');
    controller.abort();
    const r = await pending;
    assert.equal(r.ok ? '' : r.error.code, 'INTERACTION_REQUIRED');
    assert.match(r.ok ? '' : r.error.message, /cancelled/);
    for (let i = 0; i < 50 && !(await portIsClosed(loopbackPort)); i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(await portIsClosed(loopbackPort), true, 'loopback closed after cancel');
  });
});
