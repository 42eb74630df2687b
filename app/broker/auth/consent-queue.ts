/**
 * Consent the user has not given yet, recorded when a silent token request fails with
 * CONSENT_REQUIRED. The broker shows these in status (`pendingConsent`) with a Grant button; they
 * are never acted on automatically (incremental consent is an explicit user action).
 */
import { randomUUID } from 'node:crypto';
import { normalizeScopes, scopeKey } from './scopes.ts';
import type { ConsentItem } from './auth-service.ts';

export type { ConsentItem };

export interface ConsentQueue {
  /** Adds (or refreshes) the item for this scope set; returns it and whether it is new. */
  record(scopes: readonly string[], requestedBy: string | undefined): { item: ConsentItem; added: boolean };
  /** Drops items whose scopes are all in `granted` (case-insensitive). */
  resolve(granted: readonly string[]): void;
  dismiss(id: string): boolean;
  list(): ConsentItem[];
}

export function createConsentQueue(now: () => number = Date.now, newId: () => string = randomUUID): ConsentQueue {
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
      return { item, added: true };
    },
    resolve(granted) {
      const have = new Set(granted.map((s) => s.toLowerCase()));
      for (const [key, item] of items) {
        if (item.scopes.every((s) => have.has(s.toLowerCase()))) items.delete(key);
      }
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
