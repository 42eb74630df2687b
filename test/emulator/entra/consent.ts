/** Which Graph scopes a (user, client) still has to consent to (spec §5.5). */
import { ADMIN_ONLY_SCOPES, type ParsedScopes } from '../scopes.ts';
import type { EntraContext } from './context.ts';

/** Scopes the request needs beyond the current grant (`/.default` with no grant → the app's required scopes). */
export function missingScopes(ctx: EntraContext, oid: string, clientId: string, scopes: ParsedScopes): string[] {
  const granted = ctx.state.granted(oid, clientId);
  if (scopes.isDefault) {
    if (granted.size > 0) return [];
    return [...(ctx.state.apps.get(clientId)?.requiredScopes ?? [])];
  }
  return scopes.graph.filter((s) => !granted.has(s));
}

/** The subset of `scopes` a non-admin cannot consent to. */
export function adminOnlyFor(ctx: EntraContext, oid: string, scopes: readonly string[]): string[] {
  if (ctx.state.users.get(oid)?.user.isAdmin) return [];
  return scopes.filter((s) => ADMIN_ONLY_SCOPES.has(s));
}
