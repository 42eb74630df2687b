// The protected demo API ("Contoso Orders API"): bearer checks per RFC 6750, the order routes, and
// the node:http adapter through a real (plain HTTP, loopback, port 0) server. Tokens are minted by
// the Entra half and checked with its verifier — no fakes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProtectedApi, type ApiRequest, type ProtectedApi } from '../emulator/api/index.ts';
import { createClock } from '../emulator/clock.ts';
import type { EntraContext } from '../emulator/entra/context.ts';
import { mintTokens, verifyApiAccessToken } from '../emulator/entra/tokens.ts';
import { DEMO_CLIENT_ID, TENANT_DOMAIN, TENANT_ID, defaultApis, defaultUsers } from '../emulator/fixtures.ts';
import { createSigningKey } from '../emulator/jwt.ts';
import { parseScopes } from '../emulator/scopes.ts';
import { testEntraContext } from '../helpers/entra-context.ts';

const orders = defaultApis()[0]!;
const adele = defaultUsers()[0]!;
const ORIGIN = 'https://localhost:8447';

void describe('emulator protected API', () => {
  let ctx: EntraContext;
  let api: ProtectedApi;
  let now = Date.UTC(2026, 0, 1);

  const token = (scope: string): string => {
    const parsed = parseScopes(scope, { apis: ctx.state.apiList(), singleResource: true });
    assert.ok(parsed.ok);
    return mintTokens(ctx, {
      grant: { oid: adele.oid, clientId: DEMO_CLIENT_ID, scope, authTimeMs: now, mfa: false },
      scopes: parsed.scopes,
      clientInfo: false,
    }).access_token;
  };
  const call = (method: string, path: string, init: { auth?: string; json?: unknown; type?: string } = {}) => {
    const url = new URL(path, ORIGIN);
    const req: ApiRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: {
        ...(init.auth !== undefined ? { authorization: init.auth } : {}),
        ...(init.json !== undefined ? { 'content-type': init.type ?? 'application/json' } : {}),
      },
      body: Buffer.from(init.json === undefined ? '' : JSON.stringify(init.json)),
    };
    return api.request(req);
  };

  before(async () => {
    ctx = testEntraContext({ clock: createClock(() => now), keys: [await createSigningKey()] });
    ctx.state.grant(adele.oid, DEMO_CLIENT_ID, ['User.Read', `${orders.appIdUri}/access_as_user`]);
    api = createProtectedApi({
      apiOrigin: ORIGIN,
      api: () => ctx.state.apis.get(orders.clientId),
      verify: (a, h) => verifyApiAccessToken(ctx, a, h),
      authorizeUri: `${ctx.origin}/${TENANT_ID}/oauth2/v2.0/authorize`,
      tenantDomain: TENANT_DOMAIN,
      now: () => now,
    });
  });

  void it('no token → 401 with a bare Bearer challenge (RFC 6750: no error code)', () => {
    const r = call('GET', '/api/orders');
    assert.equal(r.status, 401);
    const challenge = r.headers['WWW-Authenticate'] ?? '';
    assert.match(challenge, /^Bearer realm="api:\/\/[0-9a-f-]+", authorization_uri="https:\/\/localhost:8443\//);
    assert.doesNotMatch(challenge, /error=/);
  });

  void it('a Graph token, a garbled token or an expired one → 401 error="invalid_token"', () => {
    for (const [auth, why] of [
      [`Bearer ${token('User.Read')}`, /audience/],
      ['Bearer not-a-jwt', /malformed/],
    ] as const) {
      const r = call('GET', '/api/orders', { auth });
      assert.equal(r.status, 401);
      assert.match(r.headers['WWW-Authenticate'] ?? '', /error="invalid_token", error_description="[^"]+"/);
      assert.match(r.headers['WWW-Authenticate'] ?? '', why);
    }
    const old = token(`${orders.appIdUri}/access_as_user`);
    now += 2 * 3600 * 1000;
    try {
      const r = call('GET', '/api/orders', { auth: `Bearer ${old}` });
      assert.equal(r.status, 401);
      assert.match(r.headers['WWW-Authenticate'] ?? '', /error="invalid_token".*expired/);
    } finally {
      now -= 2 * 3600 * 1000;
    }
  });

  void it('a token for the API without access_as_user → 403 error="insufficient_scope"', () => {
    ctx.state.grant(adele.oid, DEMO_CLIENT_ID, [`${orders.appIdUri}/Orders.Manage.All`]);
    ctx.state.settings.scopeEcho = 'requested';
    try {
      const r = call('GET', '/api/orders', { auth: `Bearer ${token(`${orders.appIdUri}/Orders.Manage.All`)}` });
      assert.equal(r.status, 403);
      assert.match(r.headers['WWW-Authenticate'] ?? '', /error="insufficient_scope".*scope="access_as_user"/);
    } finally {
      ctx.state.settings.scopeEcho = 'granted';
      ctx.state.users.get(adele.oid)?.grants.get(DEMO_CLIENT_ID)?.delete(`${orders.appIdUri}/Orders.Manage.All`);
    }
  });

  void it('GET /api/orders lists the seeded book, filters by status, 400 on an unknown status', () => {
    const auth = `Bearer ${token(`${orders.appIdUri}/access_as_user`)}`;
    const all = call('GET', '/api/orders', { auth });
    assert.equal(all.status, 200);
    const body = all.json as { value: { id: string; status: string }[]; count: number };
    assert.equal(body.count, body.value.length);
    assert.deepEqual(
      body.value.map((o) => o.id),
      api.orders.list().map((o) => o.id),
    );
    const open = call('GET', '/api/orders?status=open', { auth }).json as typeof body;
    assert.ok(open.count > 0 && open.count < body.count);
    assert.ok(open.value.every((o) => o.status === 'open'));
    assert.equal(call('GET', '/api/orders?status=lost', { auth }).status, 400);
    const first = body.value[0];
    assert.ok(first);
    assert.deepEqual(call('GET', `/api/orders/${first.id}`, { auth }).json, first);
    const missing = call('GET', '/api/orders/ORD-0', { auth });
    assert.equal(missing.status, 404);
    assert.match(JSON.stringify(missing.json), /No order with id ORD-0/);
  });

  void it('POST /api/orders creates an order as the caller (201 + Location); bad bodies are refused', () => {
    const auth = `Bearer ${token(`${orders.clientId}/access_as_user`)}`;
    const before = api.orders.list().length;
    const created = call('POST', '/api/orders', { auth, json: { item: 'Widget', quantity: 2 } });
    assert.equal(created.status, 201);
    const order = created.json as { id: string; createdBy: string; status: string; item: string };
    assert.equal(order.createdBy, adele.upn);
    assert.equal(order.status, 'open');
    assert.equal(created.headers.Location, `${ORIGIN}/api/orders/${order.id}`);
    assert.equal(api.orders.list().length, before + 1);
    assert.equal(call('POST', '/api/orders', { auth, json: { item: '', quantity: 2 } }).status, 400);
    assert.equal(call('POST', '/api/orders', { auth, json: { item: 'x', quantity: 0 } }).status, 400);
    assert.equal(call('POST', '/api/orders', { auth, json: { item: 'x', quantity: 1, admin: true } }).status, 400);
    assert.equal(call('POST', '/api/orders', { auth, json: 'x', type: 'text/plain' }).status, 415);
    assert.equal(call('DELETE', '/api/orders', { auth }).status, 405);
    assert.equal(api.orders.list().length, before + 1, 'refused bodies add nothing');
    api.reset();
    assert.equal(api.orders.list().length, before, 'reset restores the seed');
  });

  void it('GET /api/me reports who the token says is calling; other paths 404', () => {
    const auth = `Bearer ${token(`${orders.appIdUri}/access_as_user`)}`;
    assert.deepEqual(call('GET', '/api/me', { auth }).json, {
      oid: adele.oid,
      name: adele.displayName,
      username: adele.upn,
      scopes: ['access_as_user'],
      audience: orders.clientId,
      tokenVersion: '2.0',
      client: DEMO_CLIENT_ID,
    });
    assert.equal(call('GET', '/api/nothing', { auth }).status, 404);
    assert.equal(call('GET', '/orders', { auth }).status, 404, 'only under /api');
  });

  void describe('node:http adapter', () => {
    let server: Server;
    let origin = '';
    before(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => api.handle(req, res, Buffer.concat(chunks)));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    void it('sends JSON with Content-Type/Length and the challenge header', async () => {
      const unauth = await fetch(`${origin}/api/orders`);
      assert.equal(unauth.status, 401);
      assert.match(unauth.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
      const res = await fetch(`${origin}/api/orders`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token(`${orders.appIdUri}/access_as_user`)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ item: 'Via HTTP', quantity: 1 }),
      });
      assert.equal(res.status, 201);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const text = await res.text();
      assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(text));
      assert.equal((JSON.parse(text) as { item: string }).item, 'Via HTTP');
    });
  });
});
