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
 *
 * This file assembles the parts; each is its own file:
 *   auth-clients.ts        the MSAL edge: token cache, network, OS broker choice, clients, token memo
 *   account-book.ts        accounts and the active one;   account-token-state.ts  what each account's tokens carry
 *   auth-events.ts         change listeners and pending consent
 *   silent-token.ts        getToken (memo, single-flight, silent refresh, failures needing the user)
 *   sign-in-flows.ts       browser / OS broker and device-code flows;   sign-in.ts  sign-in and consent
 *   account-commands.ts    sign-out and switching the active account
 */
import type { EndpointConfig } from '../settings/derive.ts';
import type { Settings } from '../settings/settings-schema.ts';
import type { AppPaths, OsKind } from '../../platform/platform.ts';
import type { AuthService, AuthSnapshot, ConsentItem } from './auth-service.ts';
import { createAccountBook, summarizeAccount } from './account-book.ts';
import { createAccountStateStore, type AccountStateStore } from './account-state.ts';
import { createAccountTokenStates } from './account-token-state.ts';
import { signOut, useAccount } from './account-commands.ts';
import { openAuthClients, type MsalEdgeOptions } from './auth-clients.ts';
import type { AuthCore } from './auth-core.ts';
import { createAuthEvents } from './auth-events.ts';
import { failure } from './error-mapping.ts';
import type { InteractiveTimers } from './interactive.ts';
import { redactingSink, silentSink, type LogSink } from './msal-logger.ts';
import { normalizeScopes } from '../../shared/scopes.ts';
import { createGetToken } from './silent-token.ts';
import { defaultSignInScopes, grantConsent, signInDeviceCode, signInInteractive } from './sign-in.ts';
import type { TokenMemoStats } from './token-memo.ts';

export { TOKEN_CACHE_DIR } from './auth-clients.ts';
export { summarizeAccount, defaultSignInScopes };

export interface AuthServiceDeps extends MsalEdgeOptions {
  settings: Settings;
  endpoints: EndpointConfig;
  platform: { os: OsKind; paths: AppPaths; openBrowser(url: string): Promise<void> };
  /** Log sink; every line is redacted before it reaches it. */
  log?: LogSink;
  /** Overrides platform.openBrowser (tests: a headless Chromium driver). */
  openBrowser?: (url: string) => Promise<void>;
  accountState?: AccountStateStore;
  now?: () => number;
  /** Timers for the browser sign-in time limit (settings.signInTimeoutSeconds); unit tests inject them. */
  timers?: InteractiveTimers;
}

/** The production service plus diagnostics the host may show. */
export interface ProductionAuthService extends AuthService {
  pendingConsent(): ConsentItem[];
  onConsentNeeded(listener: (item: ConsentItem) => void): () => void;
  dismissConsent(id: string): boolean;
  /** Why the OS broker is or is not used. */
  readonly osBrokerDetail: string;
  /** Paths of the cache marker/lock files (for diagnostics and tests). */
  readonly cacheFiles: { cachePath: string; lockPath: string };
  /** The token memo's counts (token-memo.ts; diagnostics, tests, the benchmark). */
  tokenMemoStats(): TokenMemoStats;
}

/** Opens the cache, builds the parts and loads the accounts; throws only when `extraCaFile` cannot be read. */
export async function createAuthService(deps: AuthServiceDeps): Promise<ProductionAuthService> {
  const { settings, platform } = deps;
  const log = redactingSink(deps.log ?? silentSink);
  const now = deps.now ?? Date.now;
  const clients = await openAuthClients({ ...deps, log, now });
  const states = createAccountTokenStates(now, log);
  const accountState = deps.accountState ?? createAccountStateStore(platform.paths.stateDir);
  const accounts = createAccountBook({ clients, states, accountState, log });
  const core: AuthCore = {
    settings,
    log,
    now,
    clients,
    accounts,
    states,
    events: createAuthEvents(now, log),
    openBrowser: deps.openBrowser ?? ((url: string) => platform.openBrowser(url)),
    timers: deps.timers,
  };
  await accounts.load();
  return serviceOver(core);
}

function snapshotOf(core: AuthCore): AuthSnapshot {
  const { accounts, clients } = core;
  const active = accounts.active();
  const s = active !== null ? core.states.get(active.homeAccountId) : undefined;
  return {
    account: active !== null ? summarizeAccount(active) : null,
    accounts: accounts.list().map(summarizeAccount),
    cache: { backend: clients.cache.backend, detail: clients.cache.detail },
    grantedScopes: s !== undefined ? normalizeScopes([...s.granted]) : [],
    tokenExpiresOn: s?.expiresOn ?? null,
    lastRefresh: s?.lastRefresh ?? null,
    signInNeeded: s?.signInNeeded ?? null,
  };
}

/** The service's methods over the parts (a table): every command fails once the service is closed. */
function serviceOver(core: AuthCore): ProductionAuthService {
  const { clients, events } = core;
  const getToken = createGetToken(core);
  let closed = false;
  const whileOpen =
    <A extends unknown[], T>(command: (...args: A) => Promise<T>) =>
    (...args: A) =>
      closed
        ? Promise.resolve(failure('INTERNAL', 'The sign-in service has been stopped. Restart Graph Bridge.'))
        : command(...args);
  return {
    osBrokerDetail: clients.osBrokerDetail,
    cacheFiles: { cachePath: clients.cache.cachePath, lockPath: clients.cache.lockPath },
    tokenMemoStats: () => clients.memo.stats(),
    getToken: whileOpen(getToken),
    signInInteractive: whileOpen((options = {}) => signInInteractive(core, options)),
    signInDeviceCode: whileOpen((options) => signInDeviceCode(core, options)),
    grantConsent: whileOpen((scopes, options = {}) => grantConsent(core, scopes, options)),
    signOut: whileOpen((idOrUsername) => signOut(core, idOrUsername)),
    useAccount: whileOpen((idOrUsername) => useAccount(core, idOrUsername)),
    snapshot: () => snapshotOf(core),
    onChange: (listener) => events.onChange(listener),
    pendingConsent: () => events.pendingConsent(),
    onConsentNeeded: (listener) => events.onConsentNeeded(listener),
    dismissConsent: (id) => events.dismissConsent(id),
    async close() {
      closed = true;
      clients.memo.clear(); // no token outlives the service in memory (a sign-in settings change builds a new one)
      events.clear();
      // A token request that was already running (its editor may be gone) finishes its cache access first,
      // so nothing touches the cache files or their lock after close returns.
      await clients.settle();
      clients.close();
    },
  };
}
