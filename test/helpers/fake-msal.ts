/**
 * createAuthService with a hand-written fake at the MSAL edge (MsalClient), an in-memory token cache, a
 * fixed clock and an in-memory active-account store — for the unit tests of test/unit/broker/auth.
 * Errors the tests make MSAL throw are REAL MSAL classes; only the edge is fake.
 */
import assert from 'node:assert/strict';
import type {
  AccountInfo,
  AuthenticationResult,
  DeviceCodeRequest,
  InteractiveRequest,
  SilentFlowRequest,
} from '@azure/msal-node';
import { InteractionRequiredAuthError } from '@azure/msal-node';
import { createAuthService } from '../../app/broker/auth/create-auth-service.ts';
import type { MsalClient } from '../../app/broker/auth/msal-client.ts';
import { createMemoryCachePlugin, type TokenCache } from '../../app/broker/auth/token-cache.ts';
import type { AccountStateStore } from '../../app/broker/auth/account-state.ts';
import type { InteractiveTimers } from '../../app/broker/auth/interactive.ts';
import { parseSettings } from '../../app/broker/settings/settings-store.ts';

export const NOW = Date.parse('2026-01-01T12:00:00Z');

export function account(n: number): AccountInfo {
  return {
    homeAccountId: `oid-${n}.tid`,
    environment: 'login.microsoftonline.com',
    tenantId: 'tid',
    username: `user${n}@contoso.com`,
    localAccountId: `oid-${n}`,
    name: `User ${n}`,
  };
}

export function result(
  acc: AccountInfo,
  scopes: string[],
  opts: { fromCache?: boolean; ttlSec?: number; refreshInSec?: number; now?: number } = {},
): AuthenticationResult {
  const at = opts.now ?? NOW;
  return {
    authority: 'https://login.microsoftonline.com/tid',
    uniqueId: acc.localAccountId,
    tenantId: 'tid',
    scopes,
    account: acc,
    idToken: '',
    idTokenClaims: {},
    accessToken: `at-for-${acc.homeAccountId}-${scopes.join('+')}`,
    fromCache: opts.fromCache ?? false,
    expiresOn: new Date(at + (opts.ttlSec ?? 3600) * 1000),
    ...(opts.refreshInSec !== undefined ? { refreshOn: new Date(at + opts.refreshInSec * 1000) } : {}),
    tokenType: 'Bearer',
    correlationId: 'c',
  };
}

export class FakeMsal implements MsalClient {
  accounts: AccountInfo[] = [];
  silent: SilentFlowRequest[] = [];
  interactive: InteractiveRequest[] = [];
  onSilent: (r: SilentFlowRequest) => Promise<AuthenticationResult> = (r) =>
    Promise.resolve(result(r.account, r.scopes));
  onInteractive: (r: InteractiveRequest) => Promise<AuthenticationResult> = () =>
    Promise.reject(new Error('unexpected'));
  onDevice: (r: DeviceCodeRequest) => Promise<AuthenticationResult | null> = () =>
    Promise.reject(new Error('unexpected'));
  acquireTokenSilent(r: SilentFlowRequest) {
    this.silent.push(r);
    return this.onSilent(r);
  }
  acquireTokenInteractive(r: InteractiveRequest) {
    this.interactive.push(r);
    return this.onInteractive(r);
  }
  acquireTokenByDeviceCode(r: DeviceCodeRequest) {
    return this.onDevice(r);
  }
  getAllAccounts() {
    return Promise.resolve([...this.accounts]);
  }
  signOut(a: AccountInfo) {
    this.accounts = this.accounts.filter((x) => x.homeAccountId !== a.homeAccountId);
    return Promise.resolve();
  }
  cachedScopes() {
    return Promise.resolve([]);
  }
}

export function memoryStore(initial: string | null = null): AccountStateStore & { value: string | null } {
  const store = {
    value: initial,
    readActive: () => Promise.resolve(store.value),
    writeActive: (id: string | null) => {
      store.value = id;
      return Promise.resolve();
    },
  };
  return store;
}

export async function setup(
  fake: FakeMsal,
  state = memoryStore(),
  extra: {
    timers?: InteractiveTimers;
    settings?: Record<string, unknown>;
    /** The clock (default: fixed at NOW). */
    now?: () => number;
    /** The shared-cache stamp the token memo compares (default: the memory backend's). */
    cacheStamp?: () => Promise<string | null>;
  } = {},
) {
  const parsed = parseSettings(
    { toolGroups: ['profile', 'mail'], readOnly: true, ...extra.settings },
    { source: 'test' },
  );
  assert.ok(parsed.ok);
  const plugin = createMemoryCachePlugin();
  const tokenCache: TokenCache = {
    plugin,
    backend: 'memory',
    detail: 'test',
    cachePath: '/nonexistent/c',
    lockPath: '/nonexistent/c.lockfile',
    readPersisted: () =>
      Promise.resolve(JSON.stringify({ Account: Object.fromEntries(fake.accounts.map((a) => [a.homeAccountId, {}])) })),
  };
  const opened: string[] = [];
  const auth = await createAuthService({
    settings: parsed.settings,
    endpoints: parsed.endpoints,
    platform: {
      os: 'linux',
      paths: {
        configDir: '/x',
        stateDir: '/x',
        logDir: '/x',
        endpoint: { dir: '/x', path: '/x/s', keyPath: '/x/k' },
        keychainService: 'Graph Bridge (/x)',
      },
      openBrowser: () => Promise.reject(new Error('no browser in unit tests')),
    },
    openBrowser: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
    createMsalClient: () => fake,
    tokenCache,
    accountState: state,
    now: extra.now ?? (() => NOW),
    ...(extra.timers !== undefined ? { timers: extra.timers } : {}),
    ...(extra.cacheStamp !== undefined ? { cacheStamp: extra.cacheStamp } : {}),
  });
  return { auth, opened, state };
}

export function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** What MSAL throws when a scope was never consented to (AADSTS65001, consent_required). */
export function consentRequired(): InteractionRequiredAuthError {
  return new InteractionRequiredAuthError(
    'invalid_grant',
    'c',
    'AADSTS65001: consent',
    'consent_required',
    '',
    '',
    '',
    '65001',
  );
}
