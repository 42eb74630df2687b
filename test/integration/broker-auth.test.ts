/**
 * The sign-in/token core against the Entra emulator and the REAL OS keychain (gnome-keyring via
 * libsecret; run with `node test/run.mjs integration broker-auth`). Each run uses a unique keychain
 * service name and a temp GRAPH_BRIDGE_HOME, and deletes both afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import { parseSettings } from '../../app/broker/settings/settings-store.ts';
import { createAuthService, type ProductionAuthService } from '../../app/broker/auth/create-auth-service.ts';
import { DEFAULT_KEYCHAIN_ACCOUNT } from '../../app/broker/auth/token-cache.ts';
import { redactSecrets } from '../../app/shared/redact.ts';
import type * as KeytarModule from 'keytar';

type Keytar = typeof KeytarModule;

const keytar = createRequire(import.meta.url)('keytar') as Keytar;

interface Ctx {
  emulator: RunningEmulator;
  home: string;
  service: string;
  logs: string[];
}

function emulatorEnv(emulator: RunningEmulator, home: string): Record<string, string> {
  return {
    GRAPH_BRIDGE_HOME: home,
    GRAPH_BRIDGE_CLIENT_ID: emulator.clientId,
    GRAPH_BRIDGE_AUTHORITY: emulator.authority,
    GRAPH_BRIDGE_GRAPH_URL: `${emulator.graphOrigin}/`,
    GRAPH_BRIDGE_CA_FILE: emulator.caPath,
  };
}

async function makeService(ctx: Ctx): Promise<ProductionAuthService> {
  const env = emulatorEnv(ctx.emulator, ctx.home);
  const platform = createPlatform({ env });
  const parsed = parseSettings({ toolGroups: ['profile'] }, { source: 'test', env });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return createAuthService({
    settings: parsed.settings,
    endpoints: parsed.endpoints,
    platform,
    keychainService: ctx.service,
    log: (_level, line) => ctx.logs.push(line),
  });
}

async function deviceSignIn(ctx: Ctx, auth: ProductionAuthService, scopes?: string[]) {
  return auth.signInDeviceCode({
    ...(scopes ? { scopes } : {}),
    onCode: (prompt) => {
      ctx.emulator.control.device(prompt.userCode, 'approve');
    },
  });
}

function tokenRequests(ctx: Ctx, since: number) {
  return ctx.emulator.requestLog(since).filter((e) => e.method === 'POST' && e.path.endsWith('/oauth2/v2.0/token'));
}

function lastSeq(ctx: Ctx): number {
  return ctx.emulator.requestLog().at(-1)?.seq ?? 0;
}

void describe('broker auth against the emulator and the real keychain', () => {
  const ctx = {} as Ctx;

  before(async () => {
    ctx.emulator = await startEmulator();
    ctx.emulator.control.settings({ deviceInterval: 1 });
    ctx.home = await mkdtemp(join(tmpdir(), 'gb-auth-'));
    ctx.service = `graph-bridge-test-${randomUUID()}`;
    ctx.logs = [];
  });

  after(async () => {
    await keytar.deletePassword(ctx.service, DEFAULT_KEYCHAIN_ACCOUNT).catch(() => false);
    await ctx.emulator.close();
    await rm(ctx.home, { recursive: true, force: true });
  });

  void test('device-code sign-in stores the account in the keychain; a silent token follows', async () => {
    const auth = await makeService(ctx);
    try {
      assert.equal(auth.snapshot().cache.backend, 'keychain', auth.snapshot().cache.detail);
      assert.equal(auth.snapshot().account, null);
      const signedIn = await deviceSignIn(ctx, auth);
      assert.ok(signedIn.ok, JSON.stringify(signedIn));
      assert.equal(signedIn.value.username, ctx.emulator.users[0]?.upn);
      const token = await auth.getToken({ scopes: ['User.Read'] });
      assert.ok(token.ok, JSON.stringify(token));
      assert.equal(ctx.emulator.verifyAccessToken(`Bearer ${token.value.accessToken}`).ok, true);
      assert.ok(token.value.grantedScopes.includes('User.Read'));
      const stored = await keytar.getPassword(ctx.service, DEFAULT_KEYCHAIN_ACCOUNT);
      assert.ok(stored?.includes(signedIn.value.homeAccountId), 'the keychain entry holds the account');
      assert.deepEqual(auth.snapshot().account, signedIn.value);
    } finally {
      await auth.close();
    }
  });

  void test('the cache survives a restart: a new service gets a token with no new sign-in', async () => {
    const since = lastSeq(ctx);
    const auth = await makeService(ctx);
    try {
      assert.notEqual(auth.snapshot().account, null, 'account restored from the keychain');
      const token = await auth.getToken({ scopes: ['User.Read'] });
      assert.ok(token.ok, JSON.stringify(token));
      const log = ctx.emulator.requestLog(since);
      assert.equal(log.filter((e) => e.path.includes('/devicecode') || e.path.includes('/authorize')).length, 0);
      const grants = tokenRequests(ctx, since).map((e) => e.form?.grant_type);
      assert.ok(
        grants.every((g) => g === 'refresh_token'),
        `only refreshes, got ${grants.join(',')}`,
      );
    } finally {
      await auth.close();
    }
  });

  void test('10 concurrent getToken calls on an expiring token cause exactly one refresh', async () => {
    const auth = await makeService(ctx);
    try {
      // Tokens with <= 300 s left are "expired" for MSAL: get one, then ask 10 times at once.
      ctx.emulator.control.settings({ tokenLifetime: 250 });
      const short = await auth.getToken({ scopes: ['User.Read'], forceRefresh: true });
      assert.ok(short.ok, JSON.stringify(short));
      const since = lastSeq(ctx);
      const results = await Promise.all(Array.from({ length: 10 }, () => auth.getToken({ scopes: ['User.Read'] })));
      assert.ok(results.every((r) => r.ok));
      const refreshes = tokenRequests(ctx, since).filter((e) => e.form?.grant_type === 'refresh_token');
      assert.equal(refreshes.length, 1);
      const tokens = new Set(results.map((r) => (r.ok ? r.value.accessToken : '')));
      assert.equal(tokens.size, 1, 'all callers share the one refreshed token');
    } finally {
      ctx.emulator.control.settings({ tokenLifetime: 3599 });
      await auth.close();
    }
  });

  void test('missing consent → CONSENT_REQUIRED with exactly the missing scopes, and a consent item', async () => {
    const auth = await makeService(ctx);
    try {
      const seen: string[][] = [];
      auth.onConsentNeeded((item) => seen.push(item.scopes));
      const r = await auth.getToken({ scopes: ['User.Read', 'Tasks.Read'], requestedBy: 'test / tasks_list' });
      assert.equal(r.ok, false);
      assert.equal(r.ok ? '' : r.error.code, 'CONSENT_REQUIRED');
      assert.deepEqual(r.ok ? [] : r.error.missingScopes, ['Tasks.Read']);
      assert.deepEqual(seen, [['Tasks.Read']]);
      assert.equal(auth.pendingConsent()[0]?.requestedBy, 'test / tasks_list');
    } finally {
      await auth.close();
    }
  });

  void test('revoked sessions → NOT_SIGNED_IN with a remedy', async () => {
    const auth = await makeService(ctx);
    try {
      const user = ctx.emulator.users[0];
      assert.ok(user);
      ctx.emulator.control.revokeSessions(user.oid);
      const r = await auth.getToken({ scopes: ['User.Read'], forceRefresh: true });
      assert.equal(r.ok ? '' : r.error.code, 'NOT_SIGNED_IN');
      // token.get text reaches the model: it says the user must sign in again, and names no command.
      assert.match(r.ok ? '' : r.error.message, /Only the user can fix this: they must sign in again in Graph Bridge/);
      assert.doesNotMatch(r.ok ? '' : r.error.message, /graph-bridge /);
      // The account is still listed (MSAL keeps it; only its refresh token is gone), so status must
      // say that it has to sign in again — the tray's "sign-in needed" signal.
      const snap = auth.snapshot();
      assert.equal(snap.account?.username, user.upn);
      assert.match(snap.signInNeeded?.reason ?? '', /expired or was revoked/);
    } finally {
      await auth.close();
    }
  });

  void test('sign-out removes the account from the keychain-backed cache', async () => {
    const auth = await makeService(ctx);
    try {
      const signedIn = await deviceSignIn(ctx, auth);
      assert.ok(signedIn.ok, JSON.stringify(signedIn));
      assert.ok(
        (await keytar.getPassword(ctx.service, DEFAULT_KEYCHAIN_ACCOUNT))?.includes(signedIn.value.homeAccountId),
      );
      const out = await auth.signOut();
      assert.ok(out.ok, JSON.stringify(out));
      const stored = (await keytar.getPassword(ctx.service, DEFAULT_KEYCHAIN_ACCOUNT)) ?? '';
      assert.equal(stored.includes(signedIn.value.homeAccountId), false);
      assert.equal(auth.snapshot().account, null);
      const r = await auth.getToken({ scopes: ['User.Read'] });
      assert.equal(r.ok ? '' : r.error.code, 'NOT_SIGNED_IN');
    } finally {
      await auth.close();
    }
  });

  void test('no secrets in the captured logs', () => {
    for (const line of ctx.logs) assert.equal(redactSecrets(line), line);
    assert.equal(
      ctx.logs.some((l) => /eyJ[A-Za-z0-9_-]{10,}\./.test(l)),
      false,
    );
    assert.equal(existsSync(ctx.home), true);
  });
});
