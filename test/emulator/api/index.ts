/**
 * A tiny Entra-protected web API ("Contoso Orders API") served on its own origin, as a team's own
 * backend would be: every request under `/api` needs `Authorization: Bearer <access token for this
 * API>` (signature by the tenant JWKS, `aud`, issuer, expiry — `verify` — then `scp` must contain
 * the required scope). Failures follow RFC 6750 like ASP.NET's JwtBearer:
 *
 *   no token            → 401, `WWW-Authenticate: Bearer realm="…", authorization_uri="…"` (no error code)
 *   bad/expired token   → 401, `WWW-Authenticate: Bearer …, error="invalid_token", error_description="…"`
 *   scope missing       → 403, `WWW-Authenticate: Bearer …, error="insufficient_scope", scope="access_as_user"`
 *
 * Routes: `GET /api/orders[?status=open|shipped|cancelled]`, `GET /api/orders/{id}`,
 * `POST /api/orders` (JSON `{item, quantity, customer?, note?}` → 201 + Location), `GET /api/me`
 * (who the token says is calling). The Entra half's pipeline logs every request (host `api`) and
 * applies faults before this handler runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorApi } from '../fixtures.ts';
import { flatHeaders, parseJson, sendJson } from '../http.ts';
import type { ApiAccessTokenClaims, ApiTokenVerification } from '../types.ts';
import { createOrderBook, newOrderSchema, ORDER_STATUSES, type Order, type OrderBook } from './orders.ts';

export interface ProtectedApiDeps {
  /** e.g. https://localhost:8447 — Location headers are built from it. */
  apiOrigin: string;
  /** The registration this API is (looked up per request, so a control-plane reset re-seeds it). */
  api(): EmulatorApi | undefined;
  verify(api: EmulatorApi, authorizationHeader: string | undefined): ApiTokenVerification;
  /** Entra authorize endpoint, advertised in WWW-Authenticate. */
  authorizeUri: string;
  tenantDomain: string;
  now(): number;
  /** The scope every route requires (default `access_as_user`). */
  requiredScope?: string;
}

export interface ApiRequest {
  method: string;
  /** Path without query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  json?: unknown;
}

export interface ProtectedApi {
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void;
  /** Socket-free entry point (unit tests). */
  request(req: ApiRequest): ApiResponse;
  orders: OrderBook;
  /** Back to the seeded orders. */
  reset(): void;
}

/** Base path of the API on its origin; `api.baseUrl` settings point here. */
export const API_BASE_PATH = '/api';

const REASON_TEXT: Record<Exclude<ApiTokenVerification, { ok: true }>['reason'], string> = {
  empty: 'No access token was sent.',
  malformed: 'The access token is malformed.',
  expired: 'The token is expired.',
  invalid_audience: 'The audience of the token is invalid for this API.',
  invalid_issuer: 'The issuer of the token is invalid for this tenant.',
  bad_signature: 'The signature of the token is invalid.',
};

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`;
}

function error(status: number, code: string, message: string, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers, json: { error: { code, message } } };
}

export function createProtectedApi(deps: ProtectedApiDeps): ProtectedApi {
  const orders = createOrderBook({ now: () => deps.now(), tenantDomain: deps.tenantDomain });
  const requiredScope = deps.requiredScope ?? 'access_as_user';

  const challenge = (api: EmulatorApi, extra: Record<string, string> = {}): string =>
    [
      `Bearer realm=${quote(api.appIdUri)}`,
      `authorization_uri=${quote(deps.authorizeUri)}`,
      ...Object.entries(extra).map(([k, v]) => `${k}=${quote(v)}`),
    ].join(', ');

  type Auth = { ok: true; claims: ApiAccessTokenClaims } | { ok: false; response: ApiResponse };
  const authenticate = (api: EmulatorApi, req: ApiRequest): Auth => {
    const verdict = deps.verify(api, req.headers.authorization);
    if (!verdict.ok) {
      const extra: Record<string, string> =
        verdict.reason === 'empty' ? {} : { error: 'invalid_token', error_description: REASON_TEXT[verdict.reason] };
      return {
        ok: false,
        response: error(401, 'unauthorized', REASON_TEXT[verdict.reason], {
          'WWW-Authenticate': challenge(api, extra),
        }),
      };
    }
    const scopes = verdict.claims.scp.split(' ');
    if (!scopes.some((s) => s.toLowerCase() === requiredScope.toLowerCase())) {
      const message = `The token lacks the scope '${requiredScope}' this API requires.`;
      return {
        ok: false,
        response: error(403, 'insufficient_scope', message, {
          'WWW-Authenticate': challenge(api, {
            error: 'insufficient_scope',
            error_description: `The '${requiredScope}' scope is required.`,
            scope: requiredScope,
          }),
        }),
      };
    }
    return { ok: true, claims: verdict.claims };
  };

  const caller = (claims: ApiAccessTokenClaims): string =>
    String(claims.preferred_username ?? claims.upn ?? claims.oid);

  const routeOrders = (req: ApiRequest, claims: ApiAccessTokenClaims, rest: string[]): ApiResponse => {
    const [id, extra] = rest;
    if (extra !== undefined) return error(404, 'not_found', `No API route ${req.path}.`);
    if (id === undefined) {
      if (req.method === 'GET') {
        const status = req.query.get('status') ?? undefined;
        if (status !== undefined && !(ORDER_STATUSES as readonly string[]).includes(status)) {
          return error(400, 'invalid_query', `status must be one of ${ORDER_STATUSES.join(', ')}.`);
        }
        const value = orders.list(status === undefined ? {} : { status: status as Order['status'] });
        return { status: 200, headers: {}, json: { value, count: value.length } };
      }
      if (req.method === 'POST') {
        if (!(req.headers['content-type'] ?? '').toLowerCase().includes('json')) {
          return error(415, 'unsupported_media_type', 'Send the order as application/json.');
        }
        const parsed = newOrderSchema.safeParse(parseJson(req.body));
        if (!parsed.success) {
          return error(400, 'invalid_body', `Invalid order: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
        }
        const order = orders.add(parsed.data, caller(claims));
        return {
          status: 201,
          headers: { Location: `${deps.apiOrigin}${API_BASE_PATH}/orders/${order.id}` },
          json: order,
        };
      }
      return error(405, 'method_not_allowed', `${req.method} is not allowed on /api/orders.`, { Allow: 'GET, POST' });
    }
    if (req.method !== 'GET') {
      return error(405, 'method_not_allowed', `${req.method} is not allowed on /api/orders/{id}.`, { Allow: 'GET' });
    }
    const order = orders.get(decodeURIComponent(id));
    return order ? { status: 200, headers: {}, json: order } : error(404, 'not_found', `No order with id ${id}.`);
  };

  const request = (req: ApiRequest): ApiResponse => {
    const api = deps.api();
    if (!api) return error(404, 'not_found', 'No API is registered in the emulator.');
    const segments = req.path.split('/').filter(Boolean);
    if (`/${segments[0] ?? ''}` !== API_BASE_PATH) return error(404, 'not_found', `No API route ${req.path}.`);
    const auth = authenticate(api, req);
    if (!auth.ok) return auth.response;
    const { claims } = auth;
    const [, resource = '', ...rest] = segments;
    switch (resource) {
      case 'orders':
        return routeOrders(req, claims, rest);
      case 'me':
        if (rest.length > 0 || req.method !== 'GET')
          return error(404, 'not_found', `No API route ${req.method} ${req.path}.`);
        return {
          status: 200,
          headers: {},
          json: {
            oid: claims.oid,
            name: claims.name ?? null,
            username: caller(claims),
            scopes: claims.scp.split(' '),
            audience: claims.aud,
            tokenVersion: claims.ver,
            client: claims.azp ?? claims.appid ?? null,
          },
        };
      default:
        return error(404, 'not_found', `No API route ${req.path}.`);
    }
  };

  return {
    orders,
    reset: () => orders.reset(),
    request,
    handle(req, res, body) {
      const url = new URL(req.url ?? '/', deps.apiOrigin);
      const r = request({
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers: flatHeaders(req),
        body,
      });
      if (r.json !== undefined) return sendJson(res, r.status, r.json, r.headers);
      res.writeHead(r.status, { 'Content-Length': 0, ...r.headers });
      res.end();
    },
  };
}
