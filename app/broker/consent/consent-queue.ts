/**
 * Consent the user still has to give. When a bridge's token.get hits CONSENT_REQUIRED the broker does
 * NOT open a browser: it queues an item (deduplicated by scope set) that the tray shows with a Grant
 * button and `graph-bridge consent` resolves. Items whose scopes are all granted are dropped.
 */
import type { BrokerStatus } from '../../shared/bridge-contract.ts';

export interface ConsentQueueOptions {
  now: () => Date;
  newId: () => string;
  onChange: () => void;
  /** Oldest items are dropped past this many. */
  limit?: number;
}

export type ConsentQueue = ReturnType<typeof createConsentQueue>;

export function createConsentQueue(options: ConsentQueueOptions) {
  const items = new Map<string, BrokerStatus['pendingConsent'][number]>();
  const limit = options.limit ?? 50;
  const keyOf = (scopes: readonly string[]): string =>
    [...new Set(scopes.map((s) => s.toLowerCase()))].sort().join(' ');
  return {
    add(scopes: readonly string[], requestedBy: string): void {
      const key = keyOf(scopes);
      if (key === '' || items.has(key)) return;
      items.set(key, {
        id: options.newId(),
        scopes: [...scopes],
        requestedBy,
        requestedAt: options.now().toISOString(),
      });
      if (items.size > limit) {
        const first = items.keys().next();
        if (first.done !== true) items.delete(first.value);
      }
      options.onChange();
    },
    /** Drops items fully covered by `granted` (case-insensitive). */
    resolveGranted(granted: readonly string[]): void {
      const have = new Set(granted.map((s) => s.toLowerCase()));
      let changed = false;
      for (const [key, item] of items) {
        if (item.scopes.every((s) => have.has(s.toLowerCase()))) {
          items.delete(key);
          changed = true;
        }
      }
      if (changed) options.onChange();
    },
    list(): BrokerStatus['pendingConsent'] {
      return [...items.values()];
    },
  };
}
