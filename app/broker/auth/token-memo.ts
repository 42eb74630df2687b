/**
 * token.get's fast path: the latest access token per (account, scope set), in broker memory only.
 *
 * Without it every token.get runs MSAL's acquireTokenSilent, which reloads and re-parses the whole
 * token cache (through the keychain plugin, under its lock file when the cache changed) — about a
 * millisecond of CPU, and tens of ms at p99. The memo answers with the token MSAL handed out last for
 * the same account and scope set, as long as MSAL would still hand out that same token:
 *
 *  - valid for at least max(minValidity, MSAL's renewal window of 5 min) more, and not past the
 *    `refreshOn` time Entra set (MSAL refreshes such a token proactively);
 *  - the shared cache unchanged since the token was read: `cacheStamp` (cache-stamp.ts) is taken
 *    BEFORE the MSAL call and compared at every hit, so a write by this process (sign-in, refresh,
 *    sign-out) or by another one (the CLI, a second broker: msal-node-extensions' marker file) since
 *    then is a miss. A null stamp (unreadable, or too recent to tell on a coarse clock) means no memo;
 *  - not cleared since: `clear()` (sign-in, sign-out, account switch, consent change, close) and
 *    `clearAccount()` (forceRefresh, claims challenge, a silent failure that needs the user, an account
 *    gone from the cache) bump a generation, and a `put` with a ticket from before it is dropped — an
 *    answer MSAL gave for a request that started before a sign-out is never remembered after it.
 *
 * Tokens are held here only, never logged; the broker adds every token it returns to the secrets
 * registry as before. Bounded: at most `maxEntries` (account, scope set) pairs, oldest dropped first.
 */
import type { TokenGetResult } from '../../shared/bridge-contract.ts';
import { scopeKey } from '../../shared/scopes.ts';

/** MSAL's default `tokenRenewalOffsetSeconds`: it refreshes a cached token this close to expiry. */
export const MSAL_RENEWAL_MS = 300_000;
export const DEFAULT_MAX_ENTRIES = 64;

export interface TokenMemoDeps {
  now: () => number;
  /** Identity of the shared token cache as last written (any process); null = cannot tell. */
  cacheStamp: () => Promise<string | null>;
  maxEntries?: number;
}

/** Taken before asking MSAL; `put` honours it only if nothing was cleared since. */
export interface MemoTicket {
  readonly generation: number;
  readonly stamp: string | null;
}

export type MemoLookup = { token: TokenGetResult; ticket?: undefined } | { token: null; ticket: MemoTicket };

export interface TokenMemo {
  /** The remembered token for (account, scopes) if MSAL would still return it; else a ticket for `put`. */
  lookup(homeAccountId: string, scopes: readonly string[], minValidityMs: number): Promise<MemoLookup>;
  /** A ticket without a lookup (forceRefresh and claims requests bypass the memo). */
  ticket(): Promise<MemoTicket>;
  put(
    ticket: MemoTicket,
    entry: { homeAccountId: string; scopes: readonly string[]; token: TokenGetResult; refreshOn?: Date },
  ): void;
  clear(): void;
  clearAccount(homeAccountId: string): void;
  /** Counts for diagnostics, tests and the benchmark (never the tokens). */
  stats(): TokenMemoStats;
}

export interface TokenMemoStats {
  entries: number;
  /** token.get answered from the memo. */
  hits: number;
  /** Lookups that went on to MSAL. */
  misses: number;
}

interface Entry {
  homeAccountId: string;
  token: TokenGetResult;
  expiresAt: number;
  refreshAt: number;
  stamp: string;
}

const copy = (t: TokenGetResult): TokenGetResult => ({
  ...t,
  grantedScopes: [...t.grantedScopes],
  account: { ...t.account },
});

const keyOf = (homeAccountId: string, scopes: readonly string[]): string => `${homeAccountId}\n${scopeKey(scopes)}`;

/** One memo's state (per createTokenMemo call, never shared). */
interface MemoState {
  readonly deps: TokenMemoDeps;
  readonly entries: Map<string, Entry>;
  readonly maxEntries: number;
  generation: number;
  hits: number;
  misses: number;
}

type PutEntry = Parameters<TokenMemo['put']>[1];

/** MSAL would not hand out this token any more: too close to expiry for the caller or MSAL, or past refreshOn. */
function mustRenew(entry: Entry, now: number, minValidityMs: number): boolean {
  return entry.expiresAt - now < Math.max(minValidityMs, MSAL_RENEWAL_MS) || now >= entry.refreshAt;
}

async function lookup(
  memo: MemoState,
  query: { homeAccountId: string; scopes: readonly string[]; minValidityMs: number },
): Promise<MemoLookup> {
  const key = keyOf(query.homeAccountId, query.scopes);
  const entry = memo.entries.get(key);
  const at = memo.generation;
  const stamp = await memo.deps.cacheStamp();
  const miss = (): MemoLookup => {
    memo.misses++;
    return { token: null, ticket: { generation: at, stamp } };
  };
  // Cleared or replaced while the stamp was read: not this entry's answer any more.
  if (entry === undefined || memo.entries.get(key) !== entry || memo.generation !== at) return miss();
  if (stamp === null || stamp !== entry.stamp) {
    memo.entries.delete(key);
    return miss();
  }
  if (mustRenew(entry, memo.deps.now(), query.minValidityMs)) return miss();
  memo.hits++;
  return { token: copy(entry.token) };
}

function put(memo: MemoState, t: MemoTicket, { homeAccountId, scopes, token, refreshOn }: PutEntry): void {
  if (t.generation !== memo.generation || t.stamp === null) return;
  const expiresAt = Date.parse(token.expiresOn);
  if (!Number.isFinite(expiresAt)) return;
  const refreshAt = refreshOn?.getTime() ?? Number.NaN;
  const key = keyOf(homeAccountId, scopes);
  memo.entries.delete(key);
  memo.entries.set(key, {
    homeAccountId,
    token: copy(token),
    expiresAt,
    refreshAt: Number.isFinite(refreshAt) ? refreshAt : Number.POSITIVE_INFINITY,
    stamp: t.stamp,
  });
  dropOldest(memo);
}

/** Keeps at most maxEntries, dropping the oldest first (Map order is insertion order). */
function dropOldest(memo: MemoState): void {
  for (const oldest of memo.entries.keys()) {
    if (memo.entries.size <= memo.maxEntries) break;
    memo.entries.delete(oldest);
  }
}

export function createTokenMemo(deps: TokenMemoDeps): TokenMemo {
  const memo: MemoState = {
    deps,
    entries: new Map(),
    maxEntries: deps.maxEntries ?? DEFAULT_MAX_ENTRIES,
    generation: 0,
    hits: 0,
    misses: 0,
  };
  return {
    lookup: (homeAccountId, scopes, minValidityMs) => lookup(memo, { homeAccountId, scopes, minValidityMs }),
    ticket: async () => {
      const at = memo.generation;
      return { generation: at, stamp: await deps.cacheStamp() };
    },
    put: (t, entry) => put(memo, t, entry),
    clear() {
      memo.generation++;
      memo.entries.clear();
    },
    clearAccount(homeAccountId) {
      memo.generation++;
      for (const [key, entry] of memo.entries) if (entry.homeAccountId === homeAccountId) memo.entries.delete(key);
    },
    stats: () => ({ entries: memo.entries.size, hits: memo.hits, misses: memo.misses }),
  };
}
