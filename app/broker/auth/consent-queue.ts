/**
 * Consent the user has not given yet, recorded when a silent token request fails with
 * CONSENT_REQUIRED. The broker shows these in status (`pendingConsent`) with a Grant button and
 * `graph-bridge consent` resolves them; they are never acted on automatically (incremental consent is
 * an explicit user action). Items are deduplicated by scope set; past `limit` the oldest is dropped, so
 * bridges asking for ever new scope sets cannot grow it without bound.
 */
import { randomUUID } from 'node:crypto';
import { normalizeScopes, scopeKey } from '../../shared/scopes.ts';
import type { ConsentItem } from './auth-service.ts';

export type { ConsentItem };

export const CONSENT_QUEUE_LIMIT = 50;

export interface ConsentQueueOptions {
  now?: () => number;
  newId?: () => string;
  /** Oldest items are dropped past this many (default CONSENT_QUEUE_LIMIT). */
  limit?: number;
}

export interface ConsentQueue {
  /** Adds the item for this scope set (or finds the one there); returns it and whether it is new. */
  record(scopes: readonly string[], requestedBy: string | undefined): { item: ConsentItem; added: boolean };
  /** Drops items whose scopes are all in `granted` (case-insensitive); true when any was dropped. */
  resolve(granted: readonly string[]): boolean;
  dismiss(id: string): boolean;
  /** Oldest first. */
  list(): ConsentItem[];
}

export function createConsentQueue(options: ConsentQueueOptions = {}): ConsentQueue {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const limit = options.limit ?? CONSENT_QUEUE_LIMIT;
  const items = new Map<string, ConsentItem>();
  return {
    record(scopes, requestedBy) {
      const key = scopeKey(scopes);
      const existing = items.get(key);
      if (existing !== undefined) return { item: existing, added: false };
      const item: ConsentItem = {
        id: newId(),
        scopes: normalizeScopes(scopes),
        requestedBy: requestedBy ?? 'unknown',
        requestedAt: new Date(now()).toISOString(),
      };
      items.set(key, item);
      const oldest = items.keys().next();
      if (items.size > limit && oldest.done !== true) items.delete(oldest.value);
      return { item, added: true };
    },
    resolve(granted) {
      const have = new Set(granted.map((s) => s.toLowerCase()));
      let dropped = false;
      for (const [key, item] of items) {
        if (item.scopes.every((s) => have.has(s.toLowerCase()))) dropped = items.delete(key) || dropped;
      }
      return dropped;
    },
    dismiss(id) {
      for (const [key, item] of items) {
        if (item.id === id) return items.delete(key);
      }
      return false;
    },
    list: () => [...items.values()],
  };
}
