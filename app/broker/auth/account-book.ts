/**
 * The auth service's accounts: every account in the MSAL cache (listed through the OS broker when it
 * is in use) and which one is active, persisted in <stateDir>/accounts.json (account-state.ts).
 * Listing also loads a new account's cached scopes into its token state (account-token-state.ts) and
 * drops the state of accounts gone from the cache.
 */
import type { AccountInfo } from '@azure/msal-node';
import type { AccountSummary } from '../../shared/bridge-contract.ts';
import type { AccountStateStore } from './account-state.ts';
import type { AccountTokenStates } from './account-token-state.ts';
import type { AuthClients } from './auth-clients.ts';
import { describeMsalError } from './error-mapping.ts';
import type { LogSink } from './msal-logger.ts';

export interface AccountBookDeps {
  clients: Pick<AuthClients, 'browser' | 'eitherClient'>;
  states: AccountTokenStates;
  accountState: AccountStateStore;
  log: LogSink;
}

export interface AccountBook {
  /** The accounts as last listed, plus one just signed in that the listing missed. */
  list(): readonly AccountInfo[];
  /** The active account: the chosen one, else the first listed; null when nobody is signed in. */
  active(): AccountInfo | null;
  /** Lists the accounts in the MSAL cache again. */
  refresh(): Promise<void>;
  /** Switches at once, then saves the choice (a failed save is logged, not returned). */
  setActive(homeAccountId: string | null): Promise<void>;
  /** Lists a just-signed-in account the cache listing did not return. */
  include(account: AccountInfo): void;
  /** After a sign-out: forgets the account; if it was active, the first remaining one becomes active. */
  forget(homeAccountId: string): Promise<void>;
  /** Start-up: lists the accounts and restores the saved active one (if it is still listed). */
  load(): Promise<void>;
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

export function createAccountBook(deps: AccountBookDeps): AccountBook {
  const { clients, states, accountState, log } = deps;
  let accounts: AccountInfo[] = [];
  let activeId: string | null = null;
  const listed = (id: string | null) => accounts.some((a) => a.homeAccountId === id);

  async function refresh(): Promise<void> {
    const list = await clients.eitherClient(
      (client) => client.getAllAccounts(),
      (err) => log('warn', `auth: OS broker unavailable for account listing (${describeMsalError(err)})`),
    );
    accounts = list;
    for (const a of list) {
      const s = states.of(a.homeAccountId);
      if (s.granted.size === 0)
        for (const scope of await clients.browser.cachedScopes(a.homeAccountId)) s.granted.add(scope);
    }
    states.keepOnly(list.map((a) => a.homeAccountId));
  }

  async function setActive(homeAccountId: string | null): Promise<void> {
    activeId = homeAccountId;
    try {
      await accountState.writeActive(homeAccountId);
    } catch (err) {
      log('warn', `auth: could not save the active account: ${(err as Error).message}`);
    }
  }

  return {
    list: () => accounts,
    active: () => accounts.find((a) => a.homeAccountId === activeId) ?? accounts[0] ?? null,
    refresh,
    setActive,
    include(account) {
      if (!listed(account.homeAccountId)) accounts.push(account);
    },
    async forget(gone) {
      states.delete(gone);
      await refresh().catch(() => undefined);
      accounts = accounts.filter((a) => a.homeAccountId !== gone);
      if (activeId === gone || activeId === null) await setActive(accounts[0]?.homeAccountId ?? null);
    },
    async load() {
      try {
        await refresh();
      } catch (err) {
        log('error', `auth: reading the token cache failed: ${describeMsalError(err)}`);
      }
      activeId = await accountState.readActive();
      if (activeId !== null && !listed(activeId)) activeId = accounts[0]?.homeAccountId ?? null;
    },
  };
}
