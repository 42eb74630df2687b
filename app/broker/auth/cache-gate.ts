/**
 * One MSAL token cache, one operation at a time (within this process).
 *
 * msal-node is not safe for concurrent operations on one PublicClientApplication: every
 * acquireTokenSilent starts by CLEARING the in-memory cache and then awaits the cache plugin to reload
 * it (`TokenCache.overwriteCache`). A second call that looks its tokens up during that await finds an
 * empty cache and fails with `no_tokens_found` — a signed-in user told to sign in again because an
 * editor ran two tools at once (test/integration/token-cache-concurrent-silent.test.ts). The
 * msal-node-extensions plugin also keeps ONE lock-file handle per plugin, so overlapping accesses in
 * one process release each other's cross-process lock.
 *
 * The gate serialises them: short cache operations (silent tokens, account listing, sign-out) run
 * whole under the gate; long interactive flows (browser, device code) are not held for minutes —
 * their cache write, the plugin's before→after window, takes the gate instead. Re-entrant within a
 * gated operation (its own plugin calls pass straight through), so a silent refresh's write cannot
 * deadlock on the gate its operation already holds.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { MsalClient } from './msal-client.ts';

export interface CacheGate {
  /** Runs `task` with the cache to itself; queued behind the operation that has it. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** The plugin MSAL gets: each before→after window outside `run` holds the gate. */
  wrapPlugin(inner: ICachePlugin): ICachePlugin;
}

export function createCacheGate(): CacheGate {
  const holding = new AsyncLocalStorage<true>();
  let tail: Promise<void> = Promise.resolve();

  /** FIFO mutex: resolves with the release function once every earlier holder has released. */
  const acquire = async (): Promise<() => void> => {
    const previous = tail;
    let release: () => void = () => undefined;
    tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  };

  return {
    async run(task) {
      if (holding.getStore() === true) return task();
      const release = await acquire();
      try {
        return await holding.run(true, task);
      } finally {
        release();
      }
    },

    wrapPlugin(inner) {
      const held = new WeakMap<TokenCacheContext, () => void>();
      const releaseFor = (context: TokenCacheContext): void => {
        const release = held.get(context);
        held.delete(context);
        release?.();
      };
      return {
        async beforeCacheAccess(context) {
          if (holding.getStore() !== true) held.set(context, await acquire());
          try {
            await inner.beforeCacheAccess(context);
          } catch (err) {
            // MSAL does not always call afterCacheAccess when beforeCacheAccess throws.
            releaseFor(context);
            throw err;
          }
        },
        async afterCacheAccess(context) {
          try {
            await inner.afterCacheAccess(context);
          } finally {
            releaseFor(context);
          }
        },
      };
    },
  };
}

/**
 * The MsalClient whose short cache operations (reading the cached scopes too: the in-memory cache is
 * empty while another operation reloads it) run under the gate. Interactive and device-code sign-in
 * wait on a person for minutes, so only their cache write is gated (through the wrapped plugin).
 */
export function gateMsalClient(client: MsalClient, gate: CacheGate): MsalClient {
  return {
    acquireTokenSilent: (request) => gate.run(() => client.acquireTokenSilent(request)),
    acquireTokenInteractive: (request) => client.acquireTokenInteractive(request),
    acquireTokenByDeviceCode: (request) => client.acquireTokenByDeviceCode(request),
    getAllAccounts: () => gate.run(() => client.getAllAccounts()),
    signOut: (account) => gate.run(() => client.signOut(account)),
    cachedScopes: (homeAccountId) => gate.run(() => client.cachedScopes(homeAccountId)),
  };
}
