/** Pure formatting for the status window (unit-tested in test/unit/window/format.test.ts). */

/** Whole seconds from `now` until `iso` (never negative). */
export function secondsUntil(iso: string, now: number): number {
  return Math.max(0, Math.floor((Date.parse(iso) - now) / 1000));
}

/** "1 h 02 min", "4 min 05 s", "12 s", "expired". */
export function formatCountdown(seconds: number): string {
  if (seconds <= 0) return 'expired';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago" (past) — for last refresh, last seen. */
export function formatAgo(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  const seconds = Math.floor((now - Date.parse(iso)) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** Local time of day for audit rows: "14:03:07". */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString(undefined, { hour12: false });
}

export type CacheTone = 'ok' | 'warning' | 'danger';

/** How loudly to show the token cache backend: keychain fine, memory a warning, plaintext worse. */
export function cacheTone(backend: 'keychain' | 'memory' | 'plaintext'): CacheTone {
  switch (backend) {
    case 'keychain':
      return 'ok';
    case 'memory':
      return 'warning';
    case 'plaintext':
      return 'danger';
  }
}

export function cacheLabel(backend: 'keychain' | 'memory' | 'plaintext'): string {
  switch (backend) {
    case 'keychain':
      return 'OS keychain';
    case 'memory':
      return 'Memory only — you will have to sign in again after Graph Bridge restarts';
    case 'plaintext':
      return 'Plaintext file (opted in) — anyone who can read your files can use your account';
  }
}

/** Distinct sorted values of a field, for the audit filter drop-downs. */
export function distinct<T>(items: readonly T[], pick: (item: T) => string): string[] {
  return [...new Set(items.map(pick))].sort((a, b) => a.localeCompare(b));
}
