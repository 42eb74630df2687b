/**
 * Test doubles for the Graph half's seam: a fixed clock and a fake `verifyAccessToken` whose
 * "tokens" are base64url JSON `{oid, scp}` (or one of the failure words), so unit tests can call the
 * service with any scope set without the Entra half.
 */
import { defaultUsers, TENANT_ID } from '../../emulator/fixtures.ts';
import { createGraphServiceWithOptions } from '../../emulator/graph/index.ts';
import { parseQuery, type GraphResponse } from '../../emulator/graph/http.ts';
import type { AccessTokenClaims, GraphServiceDeps, TokenVerification } from '../../emulator/types.ts';

/** 2026-03-16T00:00:00Z — a Monday. */
export const BASE_MS = Date.UTC(2026, 2, 16);
export const GRAPH = 'https://localhost:8445';
export const ADELE = defaultUsers()[0]!;
export const MEGAN = defaultUsers()[1]!;

export function fakeToken(oid: string, scopes: readonly string[]): string {
  return Buffer.from(JSON.stringify({ oid, scp: scopes.join(' ') })).toString('base64url');
}

function verify(header: string | undefined): TokenVerification {
  if (!header?.startsWith('Bearer ') || header.length <= 7) return { ok: false, reason: 'empty' };
  const token = header.slice(7);
  if (token === 'expired' || token === 'revoked' || token === 'invalid_audience') return { ok: false, reason: token };
  // Tokens of a CAE-capable (cp1) client invalidated by a revocation or a policy change.
  if (token === 'revoked-cp1') return { ok: false, reason: 'revoked', caeNbf: 1_700_000_000 };
  if (token === 'outdated-policy-cp1') return { ok: false, reason: 'outdated_policy', caeNbf: 1_700_000_001 };
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { oid: string; scp: string };
    const user = defaultUsers().find((u) => u.oid === parsed.oid);
    if (!user) return { ok: false, reason: 'malformed' };
    const claims: AccessTokenClaims = {
      aud: '00000003-0000-0000-c000-000000000000',
      iss: `https://sts.windows.net/${TENANT_ID}/`,
      tid: TENANT_ID,
      oid: user.oid,
      upn: user.upn,
      name: user.displayName,
      appid: 'test',
      scp: parsed.scp,
      iat: 0,
      nbf: 0,
      exp: 0,
    };
    return { ok: true, claims };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

export function fakeDeps(nowMs = BASE_MS + 10 * 3_600_000): GraphServiceDeps & { setNow(ms: number): void } {
  let now = nowMs;
  return {
    clock: { nowMs: () => now, advance: (s) => (now += s * 1000) },
    verifyAccessToken: verify,
    graphOrigin: GRAPH,
    downloadOrigin: 'https://127.0.0.1:8445',
    authorizeUri: 'https://localhost:8443/common/oauth2/v2.0/authorize',
    tenantId: TENANT_ID,
    users: defaultUsers,
    setNow: (ms) => (now = ms),
  };
}

/** Loosely typed JSON for assertions without `any`: index freely, convert with list/str/num. */
export interface J {
  readonly [key: string]: J;
}
export const list = (j: J | undefined): J[] => (Array.isArray(j) ? (j as J[]) : []);
export const str = (j: J | undefined): string => (typeof j === 'string' ? j : JSON.stringify(j));
export const num = (j: J | undefined): number => (typeof j === 'number' ? j : Number.NaN);

export interface CallOptions {
  scopes?: readonly string[];
  oid?: string;
  token?: string | null;
  headers?: Record<string, string>;
  body?: unknown;
}

export type TestService = ReturnType<typeof createTestService>;

export function createTestService(opts: { mailboxConcurrency?: number } = {}) {
  const deps = fakeDeps();
  const service = createGraphServiceWithOptions(deps, { baseDateMs: BASE_MS, ...opts });
  /** `url` like `/v1.0/me?$select=x` or `/me` (v1.0 assumed). */
  const call = (method: string, url: string, o: CallOptions = {}): GraphResponse & { body: J } => {
    const full = url.startsWith('http') ? url.slice(GRAPH.length) : url;
    const withVersion = /^\/(v1\.0|beta)\//.test(full) ? full : `/v1.0${full}`;
    const m = /^\/(v1\.0|beta)([^?]*)(?:\?(.*))?$/.exec(withVersion)!;
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const token = o.token === undefined ? fakeToken(o.oid ?? ADELE.oid, o.scopes ?? []) : o.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: Buffer = Buffer.alloc(0);
    if (o.body !== undefined) {
      body = Buffer.isBuffer(o.body) ? o.body : Buffer.from(JSON.stringify(o.body));
      headers['content-type'] ??= 'application/json';
    }
    const res = service.request({
      method,
      version: m[1] as 'v1.0',
      path: m[2] ?? '/',
      query: parseQuery(m[3] ?? ''),
      headers,
      body,
    });
    return { ...res, body: (res.json ?? {}) as J };
  };
  return { service, deps, call };
}
