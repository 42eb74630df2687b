/**
 * The production AuthService: MSAL PublicClientApplication + keychain-backed token cache + accounts.
 *
 *   const auth = await createAuthService({ settings, endpoints, platform, log });
 *
 * - Token cache: verified at start (token-cache.ts) → backend 'keychain' | 'memory' | 'plaintext'.
 * - Network: node:https with system roots + settings.extraCaFile (network-client.ts).
 * - Sign-in: browser (loopback + PKCE, MSAL), the OS broker when enabled/available with fallback to the
 *   browser, or device code. Never from getToken. A browser flow hands its URL to `onBrowser`, reports a
 *   browser that did not open, and ends on abort or after `settings.signInTimeoutSeconds` (interactive.ts).
 * - getToken: silent only, single-flight per (account, scope set, forceRefresh, claims). MSAL declares
 *   client capability cp1; a CAE claims challenge comes back as `claims` and forces a refresh with them.
 *   A failure only the user can fix sets `signInNeeded` (with Entra's claims for the next sign-in).
 *   In front of MSAL, the token memo (token-memo.ts) answers with the latest token for the same
 *   (account, scope set) while MSAL would return that same token; sign-in, sign-out, account switch
 *   and consent clear it, forceRefresh / claims / a failure needing the user clear the account's part,
 *   and a write to the shared cache by any process (cache-stamp.ts) makes it miss.
 * - Accounts: every account in the MSAL cache; the active one is persisted in <stateDir>/accounts.json;
 *   commands name an account by username or home account id (account-match.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccountInfo, AuthenticationResult, INativeBrokerPlugin } from '@azure/msal-node';
import { userConsentableScopes } from '../../shared/tool-groups.ts';
import type { AccountSummary, TokenGetResult } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import type { EndpointConfig } from '../settings/derive.ts';
import type { Settings } from '../settings/settings-schema.ts';
import type { AppPaths, OsKind } from '../../platform/platform.ts';
import type {
  AuthService,
  AuthSnapshot,
  ConsentItem,
  DeviceCodeOptions,
  DeviceCodePrompt,
  GrantConsentOptions,
  SignInOptions,
  TokenRequest,
} from './auth-service.ts';
import { findAccount } from './account-match.ts';
import { createAccountStateStore, type AccountStateStore } from './account-state.ts';
import { createConsentQueue } from './consent-queue.ts';
import {
  classifySilentError,
  describeMsalError,
  failure,
  mapSignInError,
  notSignedIn,
  signInTimedOut,
  USER_MUST_SIGN_IN,
  type Failure,
  type SignInNeeded,
} from './error-mapping.ts';
import { SIGN_IN_ERROR_PAGE, SIGN_IN_SUCCESS_PAGE } from './login-pages.ts';
import { msalLoggerOptions, redactingSink, silentSink, type LogSink } from './msal-logger.ts';
import { createPublicClient, type MsalClient, type MsalClientFactory } from './msal-client.ts';
import { createCacheGate, gateMsalClient } from './cache-gate.ts';
import { countCacheWrites, createCacheStamp } from './cache-stamp.ts';
import { selectNativeBroker, withBrokerFallback } from './native-broker.ts';
import { createNetworkClient, type ClosableNetworkModule } from './network-client.ts';
import { runDeviceCode } from './device-code.ts';
import {
  BrowserNotOpenedError,
  runInteractive,
  SignInAbortedError,
  SignInTimeoutError,
  type InteractiveTimers,
} from './interactive.ts';
import { normalizeScopes, OIDC_SCOPES, scopeKey } from '../../shared/scopes.ts';
import { createSingleFlight } from './single-flight.ts';
import { createTokenMemo, type MemoTicket, type TokenMemoStats } from './token-memo.ts';
import { openTokenCache, type TokenCache, type TokenCacheOptions } from './token-cache.ts';

export const TOKEN_CACHE_DIR = 'token-cache';

export interface AuthServiceDeps {
  settings: Settings;
  endpoints: EndpointConfig;
  platform: { os: OsKind; paths: AppPaths; openBrowser(url: string): Promise<void> };
  /** Log sink; every line is redacted before it reaches it. */
  log?: LogSink;
  /** Keychain service name for the token cache (tests: unique per run). Default: the profile's (platform paths.keychainService). */
  keychainService?: string;
  /** Overrides platform.openBrowser (tests: a headless Chromium driver). */
  openBrowser?: (url: string) => Promise<void>;
  /** The MSAL edge (unit tests pass a fake). */
  createMsalClient?: MsalClientFactory;
  /** A pre-opened cache (unit tests); default: openTokenCache() with the options below. */
  tokenCache?: TokenCache;
  tokenCacheOptions?: Partial<Pick<TokenCacheOptions, 'createPersistence' | 'verifyTimeoutMs' | 'lockDeps'>>;
  /** Factory for the OS broker plugin (OS edge). Default: msal-node-extensions NativeBrokerPlugin. */
  createNativeBroker?: () => INativeBrokerPlugin;
  accountState?: AccountStateStore;
  now?: () => number;
  /** Verbose MSAL logging (still redacted). */
  verboseMsal?: boolean;
  /** Timers for the browser sign-in time limit (settings.signInTimeoutSeconds); unit tests inject them. */
  timers?: InteractiveTimers;
  /**
   * Stamp of the shared token cache for the token memo (cache-stamp.ts; OS edge: the marker file).
   * Default: this process's cache writes + the marker file's identity and times.
   */
  cacheStamp?: () => Promise<string | null>;
}

/** The production service plus diagnostics the host may show. */
export interface ProductionAuthService extends AuthService {
  /** Why the OS broker is or is not used. */
  readonly brokerDetail: string;
  /** Paths of the cache marker/lock files (for diagnostics and tests). */
  readonly cacheFiles: { cachePath: string; lockPath: string };
  /** The token memo's counts (token-memo.ts; diagnostics, tests, the benchmark). */
  tokenMemoStats(): TokenMemoStats;
}

interface AccountTokenState {
  granted: Set<string>;
  expiresOn: Date | null;
  lastRefresh: Date | null;
  /** Set when a silent refresh failed in a way only a new sign-in fixes; cleared by the next success. */
  signInNeeded: (SignInNeeded & { since: Date }) | null;
}

interface SilentOutcome {
  result: Result<TokenGetResult>;
  fromCache: boolean;
  /** When Entra wants the token refreshed early (MSAL refreshes it then): the memo stops serving it. */
  refreshOn?: Date;
}

export function summarizeAccount(a: AccountInfo): AccountSummary {
  return {
    homeAccountId: a.homeAccountId,
    username: a.username,
    ...(a.name !== undefined && a.name !== '' ? { name: a.name } : {}),
    tenantId: a.tenantId,
    environment: a.environment,
  };
}

/**
 * Scopes asked for at sign-in: the enabled groups' scopes a user can consent to (Graph only; the custom
 * API is a separate resource; admin-only scopes are asked for by the tools that need them).
 */
export function defaultSignInScopes(settings: Settings): string[] {
  return normalizeScopes(settings.toolGroups.flatMap((g) => userConsentableScopes(g, settings.readOnly)));
}

async function readCaFile(path: string | null): Promise<string | undefined> {
  if (path === null) return undefined;
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(
      `Cannot read the extra CA file ${path} (settings "extraCaFile" / GRAPH_BRIDGE_CA_FILE): ${(err as Error).message}.`,
      { cause: err },
    );
  }
}

export async function createAuthService(deps: AuthServiceDeps): Promise<ProductionAuthService> {
  const { settings, endpoints, platform } = deps;
  const log = redactingSink(deps.log ?? silentSink);
  const now = deps.now ?? Date.now;
  const openBrowser = deps.openBrowser ?? ((url: string) => platform.openBrowser(url));
  const accountState = deps.accountState ?? createAccountStateStore(platform.paths.stateDir);

  const keychainService = deps.keychainService ?? platform.paths.keychainService;
  const cache =
    deps.tokenCache ??
    (await openTokenCache({
      os: platform.os,
      cacheDir: join(platform.paths.stateDir, TOKEN_CACHE_DIR),
      serviceName: keychainService,
      allowPlaintextCache: settings.allowPlaintextCache,
      sink: log,
      ...deps.tokenCacheOptions,
    }));

  const extraCa = await readCaFile(settings.extraCaFile);
  let network: ClosableNetworkModule | null = null;
  const broker = selectNativeBroker(settings.useBroker, deps.createNativeBroker);
  log('info', `auth: cache backend ${cache.backend}; ${broker.detail}`);
  const factory = deps.createMsalClient ?? createPublicClient;
  // Both clients share one cache, and MSAL must not run two operations on it at once (cache-gate.ts).
  const gate = createCacheGate();
  const counted = countCacheWrites(cache.plugin);
  const cachePlugin = gate.wrapPlugin(counted.plugin);
  const memo = createTokenMemo({
    now,
    cacheStamp:
      deps.cacheStamp ??
      createCacheStamp({
        markerPath: cache.backend === 'memory' ? null : cache.cachePath,
        writes: counted.writes,
        now,
      }),
  });
  const makeClient = (nativeBrokerPlugin?: INativeBrokerPlugin): MsalClient => {
    network ??= createNetworkClient({ extraCaPem: extraCa });
    const client = factory({
      clientId: settings.clientId,
      authority: endpoints.authority,
      knownAuthorities: endpoints.knownAuthorities,
      cachePlugin,
      networkClient: network,
      loggerOptions: msalLoggerOptions(log, deps.verboseMsal),
      ...(nativeBrokerPlugin !== undefined ? { nativeBrokerPlugin } : {}),
    });
    return gateMsalClient(client, gate);
  };
  // One PCA per authority (accounts of the same authority share it); a second, broker-less one
  // for the browser fallback and device code when the OS broker is in use.
  const browserClient = makeClient();
  const brokeredClient = broker.plugin !== null ? makeClient(broker.plugin) : null;
  const primary = brokeredClient ?? browserClient;

  const listeners = new Set<() => void>();
  const consentListeners = new Set<(item: ConsentItem) => void>();
  const consent = createConsentQueue({ now });
  const flights = createSingleFlight<SilentOutcome>();
  const tokenState = new Map<string, AccountTokenState>();
  let accounts: AccountInfo[] = [];
  let activeId: string | null = null;
  let closed = false;

  const emit = () => {
    for (const l of listeners) {
      try {
        l();
      } catch (err) {
        log('error', `auth: change listener threw: ${(err as Error).message}`);
      }
    }
  };

  const stateFor = (homeAccountId: string): AccountTokenState => {
    let s = tokenState.get(homeAccountId);
    if (s === undefined) {
      s = { granted: new Set(), expiresOn: null, lastRefresh: null, signInNeeded: null };
      tokenState.set(homeAccountId, s);
    }
    return s;
  };

  async function refreshAccounts(): Promise<void> {
    const list = await withBrokerFallback(
      brokeredClient !== null ? () => brokeredClient.getAllAccounts() : null,
      () => browserClient.getAllAccounts(),
      (err) => log('warn', `auth: OS broker unavailable for account listing (${describeMsalError(err)})`),
    );
    accounts = list;
    for (const a of list) {
      const s = stateFor(a.homeAccountId);
      if (s.granted.size === 0)
        for (const scope of await browserClient.cachedScopes(a.homeAccountId)) s.granted.add(scope);
    }
    for (const id of [...tokenState.keys()]) if (!list.some((a) => a.homeAccountId === id)) tokenState.delete(id);
  }

  function activeAccount(): AccountInfo | null {
    return accounts.find((a) => a.homeAccountId === activeId) ?? accounts[0] ?? null;
  }

  async function setActive(homeAccountId: string | null): Promise<void> {
    activeId = homeAccountId;
    try {
      await accountState.writeActive(homeAccountId);
    } catch (err) {
      log('warn', `auth: could not save the active account: ${(err as Error).message}`);
    }
  }

  function recordResult(result: AuthenticationResult, fromNetwork: boolean): void {
    if (result.account === null) return;
    const s = stateFor(result.account.homeAccountId);
    for (const scope of result.scopes) s.granted.add(scope);
    s.expiresOn = result.expiresOn;
    s.signInNeeded = null;
    if (fromNetwork) s.lastRefresh = new Date(now());
  }

  function toTokenResult(result: AuthenticationResult, account: AccountInfo): TokenGetResult {
    return {
      accessToken: result.accessToken,
      expiresOn: (result.expiresOn ?? new Date(now() + 3600_000)).toISOString(),
      grantedScopes: [...result.scopes],
      account: summarizeAccount(result.account ?? account),
    };
  }

  async function silent(
    account: AccountInfo,
    scopes: string[],
    forceRefresh: boolean,
    claims?: string,
    requestedBy?: string,
  ) {
    const key = [account.homeAccountId, scopeKey(scopes), forceRefresh ? 'force' : '', claims ?? ''].join('\n');
    return flights.run(key, async (): Promise<SilentOutcome> => {
      const request = { account, scopes, forceRefresh, ...(claims !== undefined ? { claims } : {}) };
      try {
        const result = await withBrokerFallback(
          brokeredClient !== null ? () => brokeredClient.acquireTokenSilent(request) : null,
          () => browserClient.acquireTokenSilent(request),
          (err) => log('warn', `auth: OS broker unavailable for silent token (${describeMsalError(err)})`),
        );
        recordResult(result, !result.fromCache);
        consent.resolve(result.scopes);
        emit();
        return {
          result: { ok: true, value: toTokenResult(result, account) },
          fromCache: result.fromCache,
          ...(result.refreshOn !== undefined ? { refreshOn: result.refreshOn } : {}),
        };
      } catch (err) {
        log(
          'warn',
          `auth: silent token failed${claims !== undefined ? ' (claims challenge)' : ''}: ${describeMsalError(err)}`,
        );
        const { failure: mapped, signInNeeded } = classifySilentError(err, {
          requestedScopes: scopes,
          grantedScopes: stateFor(account.homeAccountId).granted,
        });
        if (mapped.error.code === 'CONSENT_REQUIRED') {
          const { item, added } = consent.record(mapped.error.missingScopes ?? scopes, requestedBy);
          if (added) for (const l of consentListeners) l(item);
        }
        const code = mapped.error.code;
        if (signInNeeded !== null || code === 'NOT_SIGNED_IN' || code === 'INTERACTION_REQUIRED')
          memo.clearAccount(account.homeAccountId);
        if (signInNeeded !== null) {
          const s = stateFor(account.homeAccountId);
          // "Needed since" the first failure: later failures update the reason, not the time.
          if (s.signInNeeded === null)
            log('info', `auth: sign-in needed for the active account: ${signInNeeded.reason}`);
          s.signInNeeded = { ...signInNeeded, since: s.signInNeeded?.since ?? new Date(now()) };
        }
        if (mapped.error.code === 'NOT_SIGNED_IN') {
          // The refresh token is gone or dead; the cache may have changed (MSAL deletes bad RTs).
          await refreshAccounts().catch(() => undefined);
        }
        emit();
        return { result: mapped, fromCache: false };
      }
    });
  }

  async function afterSignIn(result: AuthenticationResult | null, what: string): Promise<Result<AccountSummary>> {
    if (result === null || result.account === null) {
      return failure('INTERACTION_REQUIRED', `${what} returned no account. Try again.`);
    }
    recordResult(result, true);
    await refreshAccounts().catch((err: unknown) =>
      log('warn', `auth: listing accounts failed: ${describeMsalError(err)}`),
    );
    if (!accounts.some((a) => a.homeAccountId === result.account?.homeAccountId)) accounts.push(result.account);
    // A new sign-in or consent: which account is active and what it may do may have changed.
    memo.clear();
    await setActive(result.account.homeAccountId);
    consent.resolve(result.scopes);
    emit();
    return { ok: true, value: summarizeAccount(result.account) };
  }

  const ensureOpen = (): Result<never> | null =>
    closed ? failure('INTERNAL', 'The sign-in service has been stopped. Restart Graph Bridge.') : null;

  /** Claims Entra asked for when the active account's silent refresh needed the user (MFA, device). */
  function pendingClaims(): string | undefined {
    const active = activeAccount();
    return active !== null ? tokenState.get(active.homeAccountId)?.signInNeeded?.claims : undefined;
  }

  const signInTimeoutMs = settings.signInTimeoutSeconds * 1000;

  async function interactive(scopes: string[], options: SignInOptions & { account?: AccountInfo }, what: string) {
    const claims = pendingClaims();
    const request = {
      scopes,
      successTemplate: SIGN_IN_SUCCESS_PAGE,
      errorTemplate: SIGN_IN_ERROR_PAGE,
      ...(options.prompt !== undefined ? { prompt: options.prompt } : {}),
      ...(options.loginHint !== undefined ? { loginHint: options.loginHint } : {}),
      ...(options.account !== undefined ? { account: options.account } : {}),
      ...(claims !== undefined ? { claims } : {}),
    };
    const run = (client: MsalClient) =>
      runInteractive({
        client,
        request,
        openBrowser,
        timeoutMs: signInTimeoutMs,
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
        ...(options.onBrowser !== undefined ? { onBrowser: options.onBrowser } : {}),
        ...(deps.timers !== undefined ? { timers: deps.timers } : {}),
      });
    try {
      const result = await withBrokerFallback(
        brokeredClient !== null ? () => run(brokeredClient) : null,
        () => run(browserClient),
        (err) => log('warn', `auth: OS broker unavailable (${describeMsalError(err)}); falling back to the browser`),
      );
      return { ok: true as const, result };
    } catch (err) {
      if (err instanceof SignInAbortedError)
        return { ok: false as const, fail: failure('INTERACTION_REQUIRED', `${what} was cancelled.`) };
      if (err instanceof BrowserNotOpenedError) {
        return {
          ok: false as const,
          fail: failure(
            'INTERACTION_REQUIRED',
            `${what} did not start: ${err.message} Use device-code sign-in instead.`,
          ),
        };
      }
      if (err instanceof SignInTimeoutError) {
        log('info', `auth: ${what} was not finished within ${err.timeoutMs} ms; stopped waiting`);
        return { ok: false as const, fail: signInTimedOut(what, err.timeoutMs) };
      }
      log('warn', `auth: ${what} failed: ${describeMsalError(err)}`);
      return { ok: false as const, fail: mapSignInError(err, what) };
    }
  }

  async function deviceCode(
    scopes: string[],
    options: { signal?: AbortSignal; onCode(prompt: DeviceCodePrompt): void },
    what: string,
  ): Promise<{ ok: true; result: AuthenticationResult | null } | { ok: false; fail: Failure }> {
    try {
      const result = await runDeviceCode({ client: browserClient, scopes, ...options, now });
      if (result === 'cancelled') return { ok: false, fail: failure('INTERACTION_REQUIRED', `${what} was cancelled.`) };
      return { ok: true, result };
    } catch (err) {
      log('warn', `auth: ${what} (device code) failed: ${describeMsalError(err)}`);
      return { ok: false, fail: mapSignInError(err, what) };
    }
  }

  /** MSAL's answer: one silent call, and a forced one if the cached token expires within minValidity. */
  async function acquire(
    account: AccountInfo,
    scopes: string[],
    request: TokenRequest,
    minValidityMs: number,
  ): Promise<SilentOutcome> {
    const force = request.forceRefresh === true;
    const first = await silent(account, scopes, force, request.claims, request.requestedBy);
    if (!first.result.ok || force || !first.fromCache) return first;
    if (Date.parse(first.result.value.expiresOn) - now() >= minValidityMs) return first;
    return silent(account, scopes, true, request.claims, request.requestedBy);
  }

  // Start-up: load accounts from the cache and the persisted active account.
  try {
    await refreshAccounts();
  } catch (err) {
    log('error', `auth: reading the token cache failed: ${describeMsalError(err)}`);
  }
  activeId = await accountState.readActive();
  if (activeId !== null && !accounts.some((a) => a.homeAccountId === activeId))
    activeId = accounts[0]?.homeAccountId ?? null;

  const service: ProductionAuthService = {
    brokerDetail: broker.detail,
    cacheFiles: { cachePath: cache.cachePath, lockPath: cache.lockPath },
    tokenMemoStats: () => memo.stats(),

    async getToken(request: TokenRequest) {
      const closedErr = ensureOpen();
      if (closedErr) return closedErr;
      const scopes = normalizeScopes(request.scopes);
      if (scopes.length === 0) return failure('BAD_REQUEST', 'A token request needs at least one scope.');
      if (accounts.length === 0) await refreshAccounts().catch(() => undefined);
      const account = activeAccount();
      if (account === null) return notSignedIn(undefined, USER_MUST_SIGN_IN);
      const minValidityMs = (request.minValiditySeconds ?? 300) * 1000;
      let ticket: MemoTicket;
      if (request.forceRefresh === true || request.claims !== undefined) {
        // The caller's token was refused (401, CAE claims challenge): none of the account's is reused.
        memo.clearAccount(account.homeAccountId);
        ticket = await memo.ticket();
      } else {
        const found = await memo.lookup(account.homeAccountId, scopes, minValidityMs);
        if (found.token !== null) return { ok: true, value: found.token };
        ticket = found.ticket;
      }
      const outcome = await acquire(account, scopes, request, minValidityMs);
      if (outcome.result.ok) {
        const token = outcome.result.value;
        const refreshOn = outcome.refreshOn !== undefined ? { refreshOn: outcome.refreshOn } : {};
        memo.put(ticket, { homeAccountId: account.homeAccountId, scopes, token, ...refreshOn });
      }
      return outcome.result;
    },

    async signInInteractive(options: SignInOptions = {}) {
      const closedErr = ensureOpen();
      if (closedErr) return closedErr;
      const scopes = normalizeScopes(options.scopes ?? defaultSignInScopes(settings));
      const r = await interactive(scopes, { prompt: 'select_account', ...options }, 'Sign-in');
      return r.ok ? afterSignIn(r.result, 'Sign-in') : r.fail;
    },

    async signInDeviceCode(options: DeviceCodeOptions) {
      const closedErr = ensureOpen();
      if (closedErr) return closedErr;
      const scopes = normalizeScopes(options.scopes ?? defaultSignInScopes(settings));
      const r = await deviceCode(scopes, options, 'Device-code sign-in');
      return r.ok ? afterSignIn(r.result, 'Device-code sign-in') : r.fail;
    },

    async grantConsent(scopes, options: GrantConsentOptions = {}) {
      const closedErr = ensureOpen();
      if (closedErr) return closedErr;
      const wanted = normalizeScopes(scopes).filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
      if (wanted.length === 0) return failure('BAD_REQUEST', 'Name at least one scope to grant.');
      const account = activeAccount();
      const signal = options.signal !== undefined ? { signal: options.signal } : {};
      const what = 'Granting consent';
      const r =
        options.onDeviceCode !== undefined
          ? await deviceCode(wanted, { ...signal, onCode: options.onDeviceCode }, what)
          : await interactive(
              wanted,
              {
                ...signal,
                ...(options.onBrowser !== undefined ? { onBrowser: options.onBrowser } : {}),
                ...(account !== null ? { account, loginHint: account.username } : {}),
              },
              what,
            );
      if (!r.ok) return r.fail;
      const signedIn = await afterSignIn(r.result, what);
      if (!signedIn.ok) return signedIn;
      return { ok: true, value: [...(r.result?.scopes ?? [])] };
    },

    async signOut(idOrUsername) {
      const closedErr = ensureOpen();
      if (closedErr) return closedErr;
      await refreshAccounts().catch(() => undefined);
      let target: AccountInfo | null;
      if (idOrUsername !== undefined) {
        const found = findAccount(accounts, idOrUsername);
        if (!found.ok) return found;
        target = found.account;
      } else {
        target = activeAccount();
        if (target === null) return notSignedIn('No account is signed in, so there is nothing to sign out.');
      }
      // Before the cache write: any request whose MSAL call is queued behind it (cache-gate.ts) got its
      // memo ticket after this and reads the cache without the account; earlier ones cannot store.
      memo.clear();
      try {
        await primary.signOut(target);
        if (primary !== browserClient) await browserClient.signOut(target).catch(() => undefined);
      } catch (err) {
        log('error', `auth: sign-out failed: ${describeMsalError(err)}`);
        return failure(
          'KEYCHAIN_UNAVAILABLE',
          `Could not remove the account from the token cache (${describeMsalError(err)}).`,
        );
      }
      const gone = target.homeAccountId;
      const persisted = await cache.readPersisted().catch(() => null);
      if (persisted !== null && persisted.includes(`"${gone}`)) {
        return failure(
          'KEYCHAIN_UNAVAILABLE',
          `The account was signed out here but is still in the ${cache.backend} token cache. Remove the "${keychainService}" entry from the OS keychain.`,
        );
      }
      tokenState.delete(gone);
      await refreshAccounts().catch(() => undefined);
      accounts = accounts.filter((a) => a.homeAccountId !== gone);
      if (activeId === gone || activeId === null) await setActive(accounts[0]?.homeAccountId ?? null);
      emit();
      return { ok: true, value: undefined };
    },

    async useAccount(idOrUsername) {
      const closedErr = ensureOpen();
      if (closedErr) return closedErr;
      await refreshAccounts().catch(() => undefined);
      const found = findAccount(accounts, idOrUsername);
      if (!found.ok) return found;
      memo.clear(); // before the switch takes effect (setActive switches at once, then saves)
      await setActive(found.account.homeAccountId);
      emit();
      return { ok: true, value: summarizeAccount(found.account) };
    },

    snapshot(): AuthSnapshot {
      const active = activeAccount();
      const s = active !== null ? tokenState.get(active.homeAccountId) : undefined;
      return {
        account: active !== null ? summarizeAccount(active) : null,
        accounts: accounts.map(summarizeAccount),
        cache: { backend: cache.backend, detail: cache.detail },
        grantedScopes: s !== undefined ? normalizeScopes([...s.granted]) : [],
        tokenExpiresOn: s?.expiresOn ?? null,
        lastRefresh: s?.lastRefresh ?? null,
        signInNeeded: s?.signInNeeded ?? null,
      };
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    pendingConsent: () => consent.list(),
    onConsentNeeded(listener) {
      consentListeners.add(listener);
      return () => consentListeners.delete(listener);
    },
    dismissConsent(id) {
      const removed = consent.dismiss(id);
      if (removed) emit();
      return removed;
    },

    close() {
      closed = true;
      memo.clear(); // no token outlives the service in memory (a sign-in settings change builds a new one)
      listeners.clear();
      consentListeners.clear();
      network?.close();
      return Promise.resolve();
    },
  };
  return service;
}
