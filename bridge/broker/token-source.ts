/**
 * Access tokens for the bridge, from the broker, cached in memory per scope set until 5 minutes
 * before expiry. Concurrent requests for the same scope set share one broker call (bounded by the
 * broker client's token.get deadline); a caller's AbortSignal ends only that caller's wait.
 * Tokens live only in this process's memory; they are never logged or written anywhere.
 */
import type { TokenGetResult } from '../../app/shared/bridge-contract.ts';
import { scopeKey } from '../../app/shared/scopes.ts';
import { raceAbort, type BrokerClient, type Outcome } from './broker-client.ts';

export const TOKEN_MARGIN_MS = 5 * 60 * 1000;

export interface TokenRequest {
  scopes: readonly string[];
  tool?: string;
  forceRefresh?: boolean;
  claims?: string;
}

export interface TokenSource {
  /** Rejects with the signal's reason when `options.signal` aborts first. */
  get(request: TokenRequest, options?: { signal?: AbortSignal }): Promise<Outcome<TokenGetResult>>;
  /** Every token currently held (so the logger can mask them). */
  held(): string[];
  clear(): void;
}

export function createTokenSource(broker: Pick<BrokerClient, 'call'>, now: () => number): TokenSource {
  const cache = new Map<string, TokenGetResult>();
  const inflight = new Map<string, Promise<Outcome<TokenGetResult>>>();

  /** The cached token, the shared call in flight, or a new broker call (shared unless forced). */
  const fetchToken = (request: TokenRequest): Promise<Outcome<TokenGetResult>> => {
    const key = scopeKey(request.scopes);
    const fresh = request.forceRefresh === true || request.claims !== undefined;
    if (!fresh) {
      const cached = cache.get(key);
      if (cached && Date.parse(cached.expiresOn) - now() > TOKEN_MARGIN_MS)
        return Promise.resolve({ ok: true, value: cached });
      const running = inflight.get(key);
      if (running) return running;
    }
    const promise = broker
      .call('token.get', {
        scopes: [...request.scopes],
        ...(request.tool !== undefined ? { tool: request.tool } : {}),
        minValiditySeconds: TOKEN_MARGIN_MS / 1000,
        ...(request.forceRefresh ? { forceRefresh: true } : {}),
        ...(request.claims !== undefined ? { claims: request.claims } : {}),
      })
      .then((outcome) => {
        if (outcome.ok) cache.set(key, outcome.value);
        else cache.delete(key);
        return outcome;
      })
      .finally(() => {
        if (inflight.get(key) === promise) inflight.delete(key);
      });
    if (!fresh) inflight.set(key, promise);
    return promise;
  };

  return {
    // The shared call runs without the caller's signal: one caller giving up must not fail the others.
    get: (request, options = {}) => raceAbort(fetchToken(request), options.signal),
    held() {
      return [...cache.values()].map((t) => t.accessToken);
    },
    clear() {
      cache.clear();
    },
  };
}
