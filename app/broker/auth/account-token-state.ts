/**
 * What the auth service knows about each signed-in account's tokens, for status (snapshot): the
 * scopes its tokens carry, when the last one expires, when it was last refreshed from Entra, and
 * whether only a new sign-in can fix its silent refresh. In memory only; never the tokens.
 */
import type { AuthenticationResult } from '@azure/msal-node';
import type { SignInNeeded } from './error-mapping.ts';
import type { LogSink } from './msal-logger.ts';

export interface AccountTokenState {
  granted: Set<string>;
  expiresOn: Date | null;
  lastRefresh: Date | null;
  /** Set when a silent refresh failed in a way only a new sign-in fixes; cleared by the next success. */
  signInNeeded: (SignInNeeded & { since: Date }) | null;
}

export interface AccountTokenStates {
  /** The account's state, if anything is known. */
  get(homeAccountId: string): AccountTokenState | undefined;
  /** The account's state, created empty when nothing is known yet. */
  of(homeAccountId: string): AccountTokenState;
  /** A token response: its scopes are granted, its expiry is the latest, and sign-in is no longer needed. */
  record(result: AuthenticationResult, fromNetwork: boolean): void;
  /** A silent refresh needs the user; "needed since" stays the first failure's time. */
  needSignIn(homeAccountId: string, needed: SignInNeeded): void;
  delete(homeAccountId: string): void;
  /** Drops the accounts not in `kept` (gone from the cache). */
  keepOnly(kept: readonly string[]): void;
}

export function createAccountTokenStates(now: () => number, log: LogSink): AccountTokenStates {
  const states = new Map<string, AccountTokenState>();
  const of = (homeAccountId: string): AccountTokenState => {
    let s = states.get(homeAccountId);
    if (s === undefined) {
      s = { granted: new Set(), expiresOn: null, lastRefresh: null, signInNeeded: null };
      states.set(homeAccountId, s);
    }
    return s;
  };
  return {
    get: (homeAccountId) => states.get(homeAccountId),
    of,
    record(result, fromNetwork) {
      if (result.account === null) return;
      const s = of(result.account.homeAccountId);
      for (const scope of result.scopes) s.granted.add(scope);
      s.expiresOn = result.expiresOn;
      s.signInNeeded = null;
      if (fromNetwork) s.lastRefresh = new Date(now());
    },
    needSignIn(homeAccountId, needed) {
      const s = of(homeAccountId);
      if (s.signInNeeded === null) log('info', `auth: sign-in needed for the active account: ${needed.reason}`);
      s.signInNeeded = { ...needed, since: s.signInNeeded?.since ?? new Date(now()) };
    },
    delete: (homeAccountId) => void states.delete(homeAccountId),
    keepOnly(kept) {
      for (const id of [...states.keys()]) if (!kept.includes(id)) states.delete(id);
    },
  };
}
