/**
 * Access tokens for the bridge, from the broker, cached in memory per scope set until 5 minutes
 * before expiry. Concurrent requests for the same scope set share one broker call.
 * Tokens live only in this process's memory; they are never logged or written anywhere.
 */
import type { TokenGetResult } from '../../app/broker/protocol.ts';
import type { BrokerClient, Outcome } from './broker-client.ts';

export const TOKEN_MARGIN_MS = 5 * 60 * 1000;

export interface TokenRequest {
  scopes: readonly string[];
  tool?: string;
  forceRefresh?: boolean;
  claims?: string;
}

export interface TokenSource {
  get(request: TokenRequest): Promise<Outcome<TokenGetResult>>;
  /** Every token currently held (so the logger can mask them). */
  held(): string[];
  clear(): void;
}

export function createTokenSource(broker: Pick<BrokerClient, 'call'>, now: () => number): TokenSource {
  const cache = new Map<string, TokenGetResult>();
  const inflight = new Map<string, Promise<Outcome<TokenGetResult>>>();
  const keyOf = (scopes: readonly string[]): string =>
    [...new Set(scopes.map((s) => s.toLowerCase()))].sort().join(' ');

  return {
    async get(request) {
      const key = keyOf(request.scopes);
      const fresh = request.forceRefresh === true || request.claims !== undefined;
      if (!fresh) {
        const cached = cache.get(key);
        if (cached && Date.parse(cached.expiresOn) - now() > TOKEN_MARGIN_MS) return { ok: true, value: cached };
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
    },
    held() {
      return [...cache.values()].map((t) => t.accessToken);
    },
    clear() {
      cache.clear();
    },
  };
}
