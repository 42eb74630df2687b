/**
 * What the auth service tells its host: "the snapshot may have changed" (onChange) and consent the
 * user has not given yet (consent-queue.ts: recorded when a silent request lacks a scope, shown with a
 * Grant button, resolved by a sign-in or consent that grants the scopes, or dismissed by the user).
 */
import type { ConsentItem } from './auth-service.ts';
import { createConsentQueue } from './consent-queue.ts';
import type { LogSink } from './msal-logger.ts';

export interface AuthEvents {
  onChange(listener: () => void): () => void;
  /** Tells every change listener (one that throws is logged; the others still run). */
  changed(): void;
  onConsentNeeded(listener: (item: ConsentItem) => void): () => void;
  /** A silent request lacked these scopes: records an item and tells consent listeners if it is new. */
  consentNeeded(scopes: readonly string[], requestedBy: string | undefined): void;
  /** A sign-in or consent granted these scopes: drops the items they cover. */
  consentGranted(scopes: readonly string[]): void;
  pendingConsent(): ConsentItem[];
  /** Drops an item without granting (the user dismissed it); a change when it was there. */
  dismissConsent(id: string): boolean;
  /** Forgets every listener (the service closed). */
  clear(): void;
}

export function createAuthEvents(now: () => number, log: LogSink): AuthEvents {
  const listeners = new Set<() => void>();
  const consentListeners = new Set<(item: ConsentItem) => void>();
  const consent = createConsentQueue({ now });
  const changed = () => {
    for (const l of listeners) {
      try {
        l();
      } catch (err) {
        log('error', `auth: change listener threw: ${(err as Error).message}`);
      }
    }
  };
  return {
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changed,
    onConsentNeeded(listener) {
      consentListeners.add(listener);
      return () => consentListeners.delete(listener);
    },
    consentNeeded(scopes, requestedBy) {
      const { item, added } = consent.record(scopes, requestedBy);
      if (added) for (const l of consentListeners) l(item);
    },
    consentGranted: (scopes) => consent.resolve(scopes),
    pendingConsent: () => consent.list(),
    dismissConsent(id) {
      const removed = consent.dismiss(id);
      if (removed) changed();
      return removed;
    },
    clear() {
      listeners.clear();
      consentListeners.clear();
    },
  };
}
