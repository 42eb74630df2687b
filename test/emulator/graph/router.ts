/**
 * Route table types and the context a handler receives. Handlers are synchronous over the in-memory
 * store and either return a GraphResponse or throw a GraphHttpError.
 */
import type { AccessTokenClaims, GraphServiceDeps } from '../types.ts';
import type { ScopeRule } from './auth.ts';
import type { GraphRequest, GraphResponse } from './http.ts';
import type { DirectoryUser } from './model.ts';
import type { GraphStore } from './store.ts';

export interface RouteContext {
  req: GraphRequest;
  /** Decoded regex captures. */
  params: string[];
  claims: AccessTokenClaims;
  me: DirectoryUser;
  store: GraphStore;
  deps: GraphServiceDeps;
  /** `${graphOrigin}/${version}` — base of nextLinks and @odata.context. */
  base: string;
  nowMs: number;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Matched against the raw path below the version root. */
  pattern: RegExp;
  scope: ScopeRule;
  handler(ctx: RouteContext): GraphResponse;
}

export function decodePathParam(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export interface RouteMatch {
  route: Route;
  params: string[];
}

/** First route whose pattern and method match; `methodMismatch` when only the path matched. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): RouteMatch | 'methodMismatch' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method.toUpperCase()) continue;
    return { route, params: m.slice(1).map((p) => decodePathParam(p ?? '')) };
  }
  return pathMatched ? 'methodMismatch' : undefined;
}

/** `users('<oid>')` context prefix for /me/... collections. */
export function meContext(ctx: RouteContext, rest: string): string {
  return `${ctx.base}/$metadata#users('${ctx.me.id}')/${rest}`;
}
