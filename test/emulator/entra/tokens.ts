/**
 * Minting id tokens, access tokens (Graph, or a registered custom API), refresh tokens and
 * `client_info` (spec §5), and the access-token checks the Graph half (§5.3 "Graph emulator
 * validation") and the protected demo API use.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { nowSeconds } from '../clock.ts';
import { base64url, base64urlJson, signJwt, verifyJwt } from '../jwt.ts';
import type { EmulatorApi } from '../fixtures.ts';
import {
  apiResource,
  apiScopeKey,
  formatGraphScopes,
  GRAPH_APP_ID,
  GRAPH_RESOURCE_URI,
  isApiScopeKey,
  type ParsedApiScopes,
  type ParsedScopes,
} from '../scopes.ts';
import type { AuthGrantContext, UserState } from '../state.ts';
import type { AccessTokenClaims, ApiAccessTokenClaims, ApiTokenVerification, TokenVerification } from '../types.ts';
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
  const granted = [...ctx.state.granted(grant.oid, grant.clientId)].filter((k) => !isApiScopeKey(k));
  if (ctx.state.settings.scopeEcho === 'granted' || scopes.isDefault) return granted;
  return scopes.graph.filter((s) => granted.includes(s));
}

/** Scope values of `entry.api` the token carries: all granted for that API, or only the requested ones. */
function tokenApiScopes(ctx: EntraContext, grant: AuthGrantContext, entry: ParsedApiScopes): string[] {
  const granted = ctx.state.granted(grant.oid, grant.clientId);
  const values = entry.api.scopes.map((s) => s.value).filter((v) => granted.has(apiScopeKey(entry.api, v)));
  if (ctx.state.settings.scopeEcho === 'granted' || entry.isDefault) return values;
  return entry.names.filter((n) => values.includes(n));
}

export const V1_ISSUER = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;
export const V2_ISSUER = (origin: string, tenantId: string): string => `${origin}/${tenantId}/v2.0`;

/**
 * An access token for a custom API (Entra's shape for "your own API"): a plain, verifiable JWT (no
 * header nonce); v2 (default) → `aud` = the API's client id, v2 issuer, `azp`, `preferred_username`;
 * v1 → `aud` = the application ID URI, sts.windows.net issuer, `appid`, `upn`.
 */
function mintApiAccessToken(
  ctx: EntraContext,
  input: { grant: AuthGrantContext; user: UserState; api: EmulatorApi; scp: string[]; xmsCc?: string[] },
): string {
  const { grant, api } = input;
  const user = input.user.user;
  const now = nowSeconds(ctx.clock);
  const common = {
    iat: now,
    nbf: now,
    exp: now + ctx.state.settings.tokenLifetime,
    aio: base64url(randomBytes(24)),
    name: user.displayName,
    oid: user.oid,
    rh: `0.${base64url(randomBytes(18))}.`,
    scp: input.scp.join(' '),
    sub: pairwiseSub(user.oid, api.clientId),
    tid: ctx.tenantId,
    uti: base64url(randomBytes(16)),
  };
  const claims: ApiAccessTokenClaims =
    api.accessTokenVersion === 1
      ? {
          ...common,
          aud: api.appIdUri,
          iss: V1_ISSUER(ctx.tenantId),
          acr: '1',
          amr: grant.mfa ? ['pwd', 'mfa'] : ['pwd'],
          appid: grant.clientId,
          appidacr: '0',
          family_name: user.surname,
          given_name: user.givenName,
          ipaddr: '127.0.0.1',
          unique_name: user.upn,
          upn: user.upn,
          ver: '1.0',
        }
      : {
          ...common,
          aud: api.clientId,
          iss: V2_ISSUER(ctx.origin, ctx.tenantId),
          azp: grant.clientId,
          azpacr: '0',
          preferred_username: user.upn,
          ver: '2.0',
        };
  if (input.xmsCc) claims.xms_cc = input.xmsCc;
  ctx.state.accessTokenIssuedAt.set(common.uti, ctx.clock.nowMs());
  return signJwt({}, claims, ctx.keys[0] ?? failNoKey());
}

/** A Graph access token (§5.3): v1-shaped, header `nonce` (still verifiable with the JWKS). */
function mintGraphAccessToken(
  ctx: EntraContext,
  input: { grant: AuthGrantContext; user: UserState; scp: string; xmsCc?: string[] },
): string {
  const { grant } = input;
  const user = input.user.user;
  const now = nowSeconds(ctx.clock);
  const app = ctx.state.apps.get(grant.clientId);
  const accessClaims: AccessTokenClaims = {
    aud: GRAPH_APP_ID,
    iss: `https://sts.windows.net/${ctx.tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + ctx.state.settings.tokenLifetime,
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
    scp: input.scp,
    sub: pairwiseSub(user.oid, GRAPH_APP_ID),
    tid: ctx.tenantId,
    unique_name: user.upn,
    upn: user.upn,
    uti: base64url(randomBytes(16)),
    ver: '1.0',
    wids: user.isAdmin ? ['62e90394-69f5-4237-9190-012177145e10'] : ['b79fbf4d-3ef9-4689-8143-76b194e85509'],
    xms_tcdt: 1600000000,
  };
  if (input.xmsCc) accessClaims.xms_cc = input.xmsCc;
  ctx.state.accessTokenIssuedAt.set(accessClaims.uti as string, ctx.clock.nowMs());
  return signJwt(
    { nonce: base64url(randomBytes(32)), x5t: ctx.keys[0]?.kid },
    accessClaims,
    ctx.keys[0] ?? failNoKey(),
  );
}

export function mintTokens(ctx: EntraContext, input: TokenMintInput): TokenResponseBody {
  const { grant, scopes } = input;
  const userState = ctx.state.users.get(grant.oid);
  if (!userState) throw new Error(`unknown user ${grant.oid}`);
  const user = userState.user;
  const now = nowSeconds(ctx.clock);
  const lifetime = ctx.state.settings.tokenLifetime;
  const apiEntry = apiResource(scopes);
  const graphScopes = apiEntry ? [] : tokenGraphScopes(ctx, grant, scopes);
  const oidcEcho = scopes.oidc.has('openid')
    ? ['profile', 'openid', 'email']
    : [...scopes.oidc].filter((s) => s !== 'offline_access');
  const claims = input.claims ?? grant.claims;
  const xmsCc = requestedClientCapabilities(claims);

  let accessToken: string;
  let scope: string;
  if (apiEntry) {
    // Tokens for other resources do not echo the OIDC scopes (Entra returns only the API's).
    const values = tokenApiScopes(ctx, grant, apiEntry);
    accessToken = mintApiAccessToken(ctx, {
      grant,
      user: userState,
      api: apiEntry.api,
      scp: values,
      ...(xmsCc ? { xmsCc } : {}),
    });
    scope = values.map((v) => `${apiEntry.prefix}${v}`).join(' ');
  } else {
    accessToken = mintGraphAccessToken(ctx, {
      grant,
      user: userState,
      scp: [...graphScopes, ...oidcEcho.filter((s) => s !== 'email' || scopes.oidc.has('openid'))].join(' '),
      ...(xmsCc ? { xmsCc } : {}),
    });
    scope = [...formatGraphScopes(graphScopes, scopes.uriForm || scopes.isDefault), ...oidcEcho].join(' ');
  }

  const body: TokenResponseBody = {
    token_type: 'Bearer',
    scope,
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

/** The signed JWT in a `Bearer …` header (signature checked against the tenant keys). */
function readBearerJwt(
  ctx: EntraContext,
  authorizationHeader: string | undefined,
): { ok: true; payload: Record<string, unknown> } | { ok: false; reason: 'empty' | 'malformed' | 'bad_signature' } {
  const match = /^\s*Bearer\s+(.*)$/i.exec(authorizationHeader ?? '');
  const token = (match?.[1] ?? '').trim();
  if (token === '') return { ok: false, reason: 'empty' };
  const checked = verifyJwt(token, ctx.keys);
  return checked.ok ? { ok: true, payload: checked.payload } : { ok: false, reason: checked.reason };
}

/** exp/nbf/iat present, and now within exp/nbf give or take 5 minutes of skew. */
function checkLifetime(
  ctx: EntraContext,
  c: Record<string, unknown>,
): { ok: true; iat: number } | { ok: false; reason: 'malformed' | 'expired' } {
  if (typeof c.exp !== 'number' || typeof c.nbf !== 'number' || typeof c.iat !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  const now = nowSeconds(ctx.clock);
  if (c.exp + SKEW_SECONDS < now || c.nbf - SKEW_SECONDS > now) return { ok: false, reason: 'expired' };
  return { ok: true, iat: c.iat };
}

const GRAPH_AUDIENCES = new Set([GRAPH_APP_ID, GRAPH_RESOURCE_URI, `${GRAPH_RESOURCE_URI}/`]);

/** The Graph half's token check: signature, audience, tenant, lifetime (5 min skew), revocation. */
export function verifyAccessToken(ctx: EntraContext, authorizationHeader: string | undefined): TokenVerification {
  const checked = readBearerJwt(ctx, authorizationHeader);
  if (!checked.ok) return checked;
  const c = checked.payload;
  if (typeof c.aud !== 'string' || !GRAPH_AUDIENCES.has(c.aud)) return { ok: false, reason: 'invalid_audience' };
  if (c.tid !== ctx.tenantId) return { ok: false, reason: 'invalid_audience' };
  const required = ['iss', 'oid', 'upn', 'name', 'appid', 'scp'] as const;
  if (required.some((k) => typeof c[k] !== 'string')) return { ok: false, reason: 'malformed' };
  const life = checkLifetime(ctx, c);
  if (!life.ok) return life;
  const user = ctx.state.users.get(c.oid as string);
  // Millisecond issue time when we minted it (same-second revoke/re-issue), else the iat claim.
  const issuedAtMs = ctx.state.accessTokenIssuedAt.get(String(c.uti)) ?? life.iat * 1000;
  // Continuous access evaluation: only tokens of clients that declared cp1 get a claims challenge.
  const cae = Array.isArray(c.xms_cc) && c.xms_cc.includes('cp1');
  const nbf = (ms: number) => (cae ? { caeNbf: Math.floor(ms / 1000) } : {});
  if (user && user.tokensValidFrom > issuedAtMs) return { ok: false, reason: 'revoked', ...nbf(user.tokensValidFrom) };
  if (cae && user && user.policyChangedAtMs > issuedAtMs) {
    return { ok: false, reason: 'outdated_policy', ...nbf(user.policyChangedAtMs) };
  }
  return { ok: true, claims: c as AccessTokenClaims };
}

/**
 * What a resource server for `api` checks (Microsoft.Identity.Web-style): RS256 signature by `kid`
 * against the tenant JWKS, `aud` = the API's client id or application ID URI, `tid` and issuer (v1 or
 * v2) of this tenant, `exp`/`nbf` with 5-minute skew. Scopes are the API's business (it checks `scp`).
 * No revocation check: a resource server cannot see `tokensValidFrom` (only CAE resources can).
 */
export function verifyApiAccessToken(
  ctx: EntraContext,
  api: EmulatorApi,
  authorizationHeader: string | undefined,
): ApiTokenVerification {
  const checked = readBearerJwt(ctx, authorizationHeader);
  if (!checked.ok) return checked;
  const c = checked.payload;
  if (typeof c.aud !== 'string' || (c.aud !== api.clientId && c.aud !== api.appIdUri)) {
    return { ok: false, reason: 'invalid_audience' };
  }
  if (c.tid !== ctx.tenantId) return { ok: false, reason: 'invalid_issuer' };
  if (c.iss !== V1_ISSUER(ctx.tenantId) && c.iss !== V2_ISSUER(ctx.origin, ctx.tenantId)) {
    return { ok: false, reason: 'invalid_issuer' };
  }
  if (typeof c.oid !== 'string' || typeof c.scp !== 'string' || (c.ver !== '1.0' && c.ver !== '2.0')) {
    return { ok: false, reason: 'malformed' };
  }
  const life = checkLifetime(ctx, c);
  if (!life.ok) return life;
  return { ok: true, claims: c as ApiAccessTokenClaims };
}

export function newCorrelationId(): string {
  return randomUUID();
}
