/**
 * Minting id tokens, Graph access tokens, refresh tokens and `client_info` (spec §5), and the
 * access-token check the Graph half uses (§5.3 "Graph emulator validation").
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { nowSeconds } from '../clock.ts';
import { base64url, base64urlJson, signJwt, verifyJwt } from '../jwt.ts';
import { formatGraphScopes, GRAPH_APP_ID, GRAPH_RESOURCE_URI, type ParsedScopes } from '../scopes.ts';
import type { AuthGrantContext } from '../state.ts';
import type { AccessTokenClaims, TokenVerification } from '../types.ts';
import type { EntraContext } from './context.ts';

export const SKEW_SECONDS = 300;

export function clientInfo(oid: string, tenantId: string): string {
  return base64urlJson({ uid: oid, utid: tenantId });
}

/** Pairwise subject per (user, app), as Entra does. */
export function pairwiseSub(oid: string, clientId: string): string {
  return createHash('sha256').update(`${oid}:${clientId}`).digest('base64url').slice(0, 43);
}

/** Opaque `login_hint` claim; `resolveLoginHint` reads it back. */
export function opaqueLoginHint(oid: string): string {
  return `O.${base64url(JSON.stringify({ oid }))}`;
}

export function loginHintOid(hint: string): string | undefined {
  if (!hint.startsWith('O.')) return undefined;
  try {
    const v = JSON.parse(Buffer.from(hint.slice(2), 'base64url').toString('utf8')) as { oid?: unknown };
    return typeof v.oid === 'string' ? v.oid : undefined;
  } catch {
    return undefined;
  }
}

function parseClaims(claims: string | undefined): Record<string, unknown> {
  if (!claims) return {};
  try {
    const v: unknown = JSON.parse(claims);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function requestedClientCapabilities(claims: string | undefined): string[] | undefined {
  const at = parseClaims(claims).access_token as { xms_cc?: { values?: unknown } } | undefined;
  const values = at?.xms_cc?.values;
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : undefined;
}

function wantsLoginHint(claims: string | undefined): boolean {
  const idt = parseClaims(claims).id_token as Record<string, unknown> | undefined;
  return idt !== undefined && 'login_hint' in idt;
}

export interface TokenMintInput {
  grant: AuthGrantContext;
  scopes: ParsedScopes;
  /** The request sent `client_info=1`. */
  clientInfo: boolean;
  /** `claims` of this token request (merged with the grant's). */
  claims?: string;
}

export interface TokenResponseBody {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

/** Graph scopes the tokens carry: all granted (faithful) or only the requested ones. */
function tokenGraphScopes(ctx: EntraContext, grant: AuthGrantContext, scopes: ParsedScopes): string[] {
  const granted = [...ctx.state.granted(grant.oid, grant.clientId)];
  if (ctx.state.settings.scopeEcho === 'granted' || scopes.isDefault) return granted;
  return scopes.graph.filter((s) => granted.includes(s));
}

export function mintTokens(ctx: EntraContext, input: TokenMintInput): TokenResponseBody {
  const { grant, scopes } = input;
  const userState = ctx.state.users.get(grant.oid);
  if (!userState) throw new Error(`unknown user ${grant.oid}`);
  const user = userState.user;
  const app = ctx.state.apps.get(grant.clientId);
  const now = nowSeconds(ctx.clock);
  const lifetime = ctx.state.settings.tokenLifetime;
  const graphScopes = tokenGraphScopes(ctx, grant, scopes);
  const oidcEcho = scopes.oidc.has('openid')
    ? ['profile', 'openid', 'email']
    : [...scopes.oidc].filter((s) => s !== 'offline_access');
  const claims = input.claims ?? grant.claims;
  const xmsCc = requestedClientCapabilities(claims);

  const accessClaims: AccessTokenClaims = {
    aud: GRAPH_APP_ID,
    iss: `https://sts.windows.net/${ctx.tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + lifetime,
    acct: 0,
    acr: '1',
    aio: base64url(randomBytes(24)),
    amr: grant.mfa ? ['pwd', 'mfa'] : ['pwd'],
    app_displayname: app?.displayName ?? 'Unknown app',
    appid: grant.clientId,
    appidacr: '0',
    family_name: user.surname,
    given_name: user.givenName,
    idtyp: 'user',
    ipaddr: '127.0.0.1',
    name: user.displayName,
    oid: user.oid,
    platf: '14',
    puid: createHash('sha1').update(user.oid).digest('hex').slice(0, 16).toUpperCase(),
    rh: `0.${base64url(randomBytes(18))}.`,
    scp: [...graphScopes, ...oidcEcho.filter((s) => s !== 'email' || scopes.oidc.has('openid'))].join(' '),
    sub: pairwiseSub(user.oid, GRAPH_APP_ID),
    tid: ctx.tenantId,
    unique_name: user.upn,
    upn: user.upn,
    uti: base64url(randomBytes(16)),
    ver: '1.0',
    wids: user.isAdmin ? ['62e90394-69f5-4237-9190-012177145e10'] : ['b79fbf4d-3ef9-4689-8143-76b194e85509'],
    xms_tcdt: 1600000000,
  };
  if (xmsCc) accessClaims.xms_cc = xmsCc;
  ctx.state.accessTokenIssuedAt.set(accessClaims.uti as string, ctx.clock.nowMs());
  const accessToken = signJwt(
    { nonce: base64url(randomBytes(32)), x5t: ctx.keys[0]?.kid },
    accessClaims,
    ctx.keys[0] ?? failNoKey(),
  );

  const body: TokenResponseBody = {
    token_type: 'Bearer',
    scope: [...formatGraphScopes(graphScopes, scopes.uriForm || scopes.isDefault), ...oidcEcho].join(' '),
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
  };

  if (scopes.oidc.has('openid')) {
    const idClaims: Record<string, unknown> = {
      aud: grant.clientId,
      iss: `${ctx.origin}/${ctx.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      aio: base64url(randomBytes(24)),
      name: user.displayName,
      oid: user.oid,
      preferred_username: user.upn,
      email: user.mail,
      rh: `0.${base64url(randomBytes(18))}.`,
      sub: pairwiseSub(user.oid, grant.clientId),
      tid: ctx.tenantId,
      uti: base64url(randomBytes(16)),
      ver: '2.0',
    };
    if (grant.nonce !== undefined) idClaims.nonce = grant.nonce;
    if (wantsLoginHint(claims)) idClaims.login_hint = opaqueLoginHint(user.oid);
    body.id_token = signJwt({}, idClaims, ctx.keys[0] ?? failNoKey());
  }

  if (scopes.oidc.has('offline_access')) {
    const rt = `1.${base64url(randomBytes(64))}`;
    ctx.state.refreshTokens.set(rt, {
      oid: user.oid,
      clientId: grant.clientId,
      issuedAtMs: ctx.clock.nowMs(),
      lastUsedMs: ctx.clock.nowMs(),
      authTimeMs: grant.authTimeMs,
      mfa: grant.mfa,
    });
    body.refresh_token = rt;
  }
  if (input.clientInfo) body.client_info = clientInfo(user.oid, ctx.tenantId);
  return body;
}

function failNoKey(): never {
  throw new Error('emulator has no signing key');
}

const GRAPH_AUDIENCES = new Set([GRAPH_APP_ID, GRAPH_RESOURCE_URI, `${GRAPH_RESOURCE_URI}/`]);

/** The Graph half's token check: signature, audience, tenant, lifetime (5 min skew), revocation. */
export function verifyAccessToken(ctx: EntraContext, authorizationHeader: string | undefined): TokenVerification {
  const match = /^\s*Bearer\s+(.*)$/i.exec(authorizationHeader ?? '');
  const token = (match?.[1] ?? '').trim();
  if (token === '') return { ok: false, reason: 'empty' };
  const checked = verifyJwt(token, ctx.keys);
  if (!checked.ok) return { ok: false, reason: checked.reason };
  const c = checked.payload;
  if (typeof c.aud !== 'string' || !GRAPH_AUDIENCES.has(c.aud)) return { ok: false, reason: 'invalid_audience' };
  if (c.tid !== ctx.tenantId) return { ok: false, reason: 'invalid_audience' };
  const required = ['iss', 'oid', 'upn', 'name', 'appid', 'scp'] as const;
  if (required.some((k) => typeof c[k] !== 'string')) return { ok: false, reason: 'malformed' };
  if (typeof c.exp !== 'number' || typeof c.nbf !== 'number' || typeof c.iat !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  const now = nowSeconds(ctx.clock);
  if (c.exp + SKEW_SECONDS < now || c.nbf - SKEW_SECONDS > now) return { ok: false, reason: 'expired' };
  const user = ctx.state.users.get(c.oid as string);
  // Millisecond issue time when we minted it (same-second revoke/re-issue), else the iat claim.
  const issuedAtMs = ctx.state.accessTokenIssuedAt.get(String(c.uti)) ?? c.iat * 1000;
  if (user && user.tokensValidFrom > issuedAtMs) return { ok: false, reason: 'revoked' };
  return { ok: true, claims: c as AccessTokenClaims };
}

export function newCorrelationId(): string {
  return randomUUID();
}
