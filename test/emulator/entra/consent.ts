/**
 * Which scopes a (user, client) still has to consent to (spec §5.5). Grant keys: Graph short names
 * (`Mail.Read`) and custom-API scopes as `<application ID URI>/<value>`.
 */
import { ADMIN_ONLY_SCOPES, GRAPH_SCOPES, apiScopeKey, isApiScopeKey, type ParsedScopes } from '../scopes.ts';
import type { EntraContext } from './context.ts';

/**
 * Scope keys the request needs beyond the current grant. `/.default` with nothing granted for that
 * resource → the client app's required scopes for it (for an API without any: every scope it exposes
 * that a user may consent to).
 */
export function missingScopes(ctx: EntraContext, oid: string, clientId: string, scopes: ParsedScopes): string[] {
  const granted = ctx.state.granted(oid, clientId);
  const required = ctx.state.apps.get(clientId)?.requiredScopes ?? [];
  const missing: string[] = [];
  if (scopes.isDefault) {
    const hasGraph = [...granted].some((k) => !isApiScopeKey(k));
    if (!hasGraph) missing.push(...required.filter((k) => !isApiScopeKey(k)));
  } else {
    missing.push(...scopes.graph.filter((s) => !granted.has(s)));
  }
  for (const entry of scopes.apis) {
    const keys = entry.api.scopes.map((s) => apiScopeKey(entry.api, s.value));
    if (entry.isDefault) {
      if (keys.some((k) => granted.has(k))) continue;
      const fromApp = required.filter((k) => keys.includes(k));
      const consentable = entry.api.scopes
        .filter((s) => s.adminOnly !== true)
        .map((s) => apiScopeKey(entry.api, s.value));
      missing.push(...(fromApp.length > 0 ? fromApp : consentable));
    } else {
      missing.push(...entry.names.map((n) => apiScopeKey(entry.api, n)).filter((k) => !granted.has(k)));
    }
  }
  return missing;
}

/** True when the key is a permission only an administrator may consent to. */
export function isAdminOnly(ctx: EntraContext, key: string): boolean {
  if (!isApiScopeKey(key)) return ADMIN_ONLY_SCOPES.has(key);
  for (const api of ctx.state.apis.values()) {
    const scope = api.scopes.find((s) => apiScopeKey(api, s.value) === key);
    if (scope) return scope.adminOnly === true;
  }
  return false;
}

/** The subset of `scopes` a non-admin cannot consent to. */
export function adminOnlyFor(ctx: EntraContext, oid: string, scopes: readonly string[]): string[] {
  if (ctx.state.users.get(oid)?.user.isAdmin) return [];
  return scopes.filter((s) => isAdminOnly(ctx, s));
}

/** What the consent page says for each key (Graph catalogue text or the API's scope description). */
export function scopeDescriptions(ctx: EntraContext, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    if (!isApiScopeKey(key)) {
      out[key] = GRAPH_SCOPES[key] ?? key;
      continue;
    }
    for (const api of ctx.state.apis.values()) {
      const scope = api.scopes.find((s) => apiScopeKey(api, s.value) === key);
      if (scope) out[key] = `${scope.description} (${api.displayName})`;
    }
    out[key] ??= key;
  }
  return out;
}
