/**
 * Scope-set helpers for the broker and the bridge. Graph scope names compare case-insensitively
 * (Entra treats them so). Zod-free.
 */

/** OIDC scopes MSAL adds itself; they are never "missing consent". */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'offline_access', 'email']);

/** Trimmed, de-duplicated (case-insensitively, first spelling kept), sorted. */
export function normalizeScopes(scopes: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of scopes) {
    const s = raw.trim();
    if (s !== '' && !seen.has(s.toLowerCase())) seen.set(s.toLowerCase(), s);
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

/** Short Graph name for comparison: `https://graph.microsoft.com/Mail.Read` → `mail.read`. */
function comparable(scope: string): string {
  const s = scope.toLowerCase();
  const m = /^https:\/\/[^/]*graph[^/]*\/(.+)$/.exec(s);
  return m?.[1] ?? s;
}

/** `requested − granted`, ignoring OIDC scopes; in the requested spelling. */
export function missingScopes(requested: readonly string[], granted: Iterable<string>): string[] {
  const have = new Set([...granted].map(comparable));
  return normalizeScopes(requested).filter((s) => !OIDC_SCOPES.has(s.toLowerCase()) && !have.has(comparable(s)));
}

/** One key per scope set (case, order, padding and repeats ignored): caches and queues index by it. */
export function scopeKey(scopes: readonly string[]): string {
  return normalizeScopes(scopes)
    .map((s) => s.toLowerCase())
    .join(' ');
}
