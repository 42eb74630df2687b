/**
 * Bearer verification and per-route scope checks (spec §8.2). Verification itself (signature, aud,
 * exp, revocation) is the Entra half's `verifyAccessToken`; this maps its verdict to Graph's real
 * 401 bodies and maps missing scopes to the workload-specific 403 bodies.
 */
import type { AccessTokenClaims, GraphServiceDeps, TokenVerification } from '../types.ts';
import { GraphHttpError } from './errors.ts';

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Which service answers: they word the same "missing permission" differently. */
export type Workload = 'outlook' | 'directory' | 'teams' | 'onedrive' | 'todo' | 'people' | 'onenote' | 'planner';

export interface ScopeRule {
  workload: Workload;
  /** Least-privileged first; any one of them grants access. */
  anyOf: readonly string[];
}

const MESSAGES_401: Record<Exclude<TokenVerification, { ok: true }>['reason'], string> = {
  empty: 'Access token is empty.',
  malformed: 'CompactToken parsing failed with error code: 80049217',
  expired: 'Lifetime validation failed, the token is expired.',
  invalid_audience: 'Access token validation failure. Invalid audience.',
  bad_signature: 'Access token validation failure. Invalid audience.',
  revoked:
    'Continuous access evaluation resulted in claims challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
  outdated_policy:
    'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenCreatedWithOutdatedPolicies',
};

function wwwAuthenticate(deps: GraphServiceDeps, extra = ''): string {
  return `Bearer realm="", authorization_uri="${deps.authorizeUri}", client_id="${GRAPH_APP_ID}"${extra}`;
}

/** The CAE claims challenge: base64 of `{"access_token":{"nbf":{"essential":true,"value":"<epoch s>"}}}`. */
export function caeChallenge(nbfSeconds: number): string {
  const claims = { access_token: { nbf: { essential: true, value: String(nbfSeconds) } } };
  return `, error="insufficient_claims", claims="${Buffer.from(JSON.stringify(claims)).toString('base64')}"`;
}

/**
 * Returns the verified claims or throws the 401 Graph would send. A CAE-capable token (cp1) that a
 * revocation or policy change invalidated gets a claims challenge; others get a plain 401.
 */
export function authenticate(deps: GraphServiceDeps, authorization: string | undefined): AccessTokenClaims {
  const v = deps.verifyAccessToken(authorization);
  if (v.ok) return v.claims;
  throw new GraphHttpError({
    status: 401,
    code: 'InvalidAuthenticationToken',
    message: MESSAGES_401[v.reason],
    headers: { 'WWW-Authenticate': wwwAuthenticate(deps, v.caeNbf !== undefined ? caeChallenge(v.caeNbf) : '') },
  });
}

export function scopesOf(claims: AccessTokenClaims): Set<string> {
  return new Set(
    claims.scp
      .split(' ')
      .filter(Boolean)
      .map((s) => s.toLowerCase()),
  );
}

export function hasAnyScope(claims: AccessTokenClaims, anyOf: readonly string[]): boolean {
  const granted = scopesOf(claims);
  return anyOf.some((s) => granted.has(s.toLowerCase()));
}

/** Throws the workload's 403 unless the token carries one of `rule.anyOf`. */
export function requireScope(claims: AccessTokenClaims, rule: ScopeRule): void {
  if (rule.anyOf.length === 0 || hasAnyScope(claims, rule.anyOf)) return;
  throw forbidden(rule, claims.scp);
}

export function forbidden(rule: ScopeRule, scp: string): GraphHttpError {
  switch (rule.workload) {
    case 'outlook':
    case 'todo':
    case 'people':
      return new GraphHttpError({
        status: 403,
        code: 'ErrorAccessDenied',
        message: 'Access is denied. Check credentials and try again.',
      });
    case 'directory':
      return new GraphHttpError({
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      });
    case 'teams':
      return new GraphHttpError({
        status: 403,
        code: 'Forbidden',
        message: `Missing scope permissions on the request. API requires one of '${rule.anyOf.join(', ')}'. Scopes on the request '${scp}'`,
      });
    case 'onedrive':
      return new GraphHttpError({ status: 403, code: 'accessDenied', message: 'Access denied' });
    case 'onenote':
      // OneNote error 40004 (concepts/onenote-error-codes.md); the message wording is unverified.
      return new GraphHttpError({
        status: 403,
        code: '40004',
        message: "The OAuth token doesn't have the required scopes to perform the requested action.",
      });
    case 'planner':
      // Planner's errors carry an empty code [unverified message].
      return new GraphHttpError({
        status: 403,
        code: '',
        message: 'You do not have the required permissions to access this item.',
      });
  }
}
