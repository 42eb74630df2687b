import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiClient, readCapped, resolveApiUrl } from '../../../bridge/api-client.ts';

void test('readCapped returns short bodies whole and stops reading a huge one', async () => {
  assert.equal(await readCapped(new Response('{"ok":true}'), 100), '{"ok":true}');
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(1024).fill(0x61));
    },
  });
  const text = await readCapped(new Response(endless), 1000);
  assert.match(text, /^a{1000}\n\[… truncated: more than 4000 bytes\]$/);
  assert.ok(pulled < 10, `stopped after ${pulled} chunks`);
  const long = await readCapped(new Response('é'.repeat(50)), 30);
  assert.match(long, /^é{30}\n\[… truncated: 50 characters\]$/);
});

void test('a 401/403 passes the API’s WWW-Authenticate challenge on; the URL stays under the base', async () => {
  const seen: string[] = [];
  const client = createApiClient({
    api: () => Promise.resolve({ baseUrl: 'https://api.contoso.com/v1/', scope: 'api://x/access_as_user' }),
    getToken: () => Promise.resolve('token'),
    fetch: (url) => {
      seen.push(url instanceof Request ? url.url : url.toString());
      return Promise.resolve(
        new Response('', {
          status: 403,
          headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="access_as_user"' },
        }),
      );
    },
    maxBodyChars: 1000,
  });
  const r = await client.request({ method: 'GET', path: '/orders', query: { status: 'open' } });
  assert.equal(r.status, 403);
  assert.equal(r.body, '[WWW-Authenticate: Bearer error="insufficient_scope", scope="access_as_user"]');
  assert.deepEqual(seen, ['https://api.contoso.com/v1/orders?status=open']);
  assert.throws(() => resolveApiUrl('https://api.contoso.com/v1/', '../admin'), /leaves the configured API base/);
});

void test('parameters in the configured base URL go on every call; the call can override them', () => {
  const base = 'https://api.contoso.com/v1?api-version=2024-01-01';
  assert.equal(resolveApiUrl(base, '/orders').href, 'https://api.contoso.com/v1/orders?api-version=2024-01-01');
  assert.equal(
    resolveApiUrl(base, 'orders?top=5', { status: 'open' }).href,
    'https://api.contoso.com/v1/orders?top=5&api-version=2024-01-01&status=open',
  );
  assert.equal(
    resolveApiUrl(base, '/orders', { 'api-version': '2025-01-01' }).href,
    'https://api.contoso.com/v1/orders?api-version=2025-01-01',
  );
  assert.throws(() => resolveApiUrl(base, '../admin'), /leaves the configured API base/);
});

function recordingApi(
  answers: Record<string, () => Response>,
  extra: Partial<Parameters<typeof createApiClient>[0]> = {},
) {
  const seen: { url: string; authorization: string | null; redirect: string | undefined }[] = [];
  const client = createApiClient({
    api: () => Promise.resolve({ baseUrl: 'https://api.contoso.com/v1/', scope: 'api://x/access_as_user' }),
    getToken: () => Promise.resolve('api-token'),
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      seen.push({ url, authorization: new Headers(init?.headers).get('authorization'), redirect: init?.redirect });
      const answer = answers[url];
      return Promise.resolve(answer ? answer() : new Response('{"ok":true}', { status: 200 }));
    },
    maxBodyChars: 1000,
    ...extra,
  });
  return { client, seen };
}

void test('api_request redirects: the token stays on the API origin, http is refused, writes are not redirected', async () => {
  const moved =
    (location: string, status = 302) =>
    () =>
      new Response('', { status, headers: { location } });
  const { client, seen } = recordingApi({
    'https://api.contoso.com/v1/orders': moved('/v1/orders2'),
    'https://api.contoso.com/v1/export': moved('https://files.contoso.net/export.csv?sig=secret'),
    'https://api.contoso.com/v1/old': moved('http://api.contoso.com/v1/orders'),
    'https://api.contoso.com/v1/orders/1': moved('https://other.example/orders/1', 307),
  });
  assert.equal((await client.request({ method: 'GET', path: '/orders' })).status, 200);
  assert.equal((await client.request({ method: 'GET', path: '/export' })).status, 200);
  assert.deepEqual(
    seen.map((s) => [s.url, s.authorization, s.redirect]),
    [
      ['https://api.contoso.com/v1/orders', 'Bearer api-token', 'manual'],
      ['https://api.contoso.com/v1/orders2', 'Bearer api-token', 'manual'],
      ['https://api.contoso.com/v1/export', 'Bearer api-token', 'manual'],
      ['https://files.contoso.net/export.csv?sig=secret', null, 'manual'],
    ],
  );
  seen.length = 0;
  await assert.rejects(
    client.request({ method: 'GET', path: '/old' }),
    /Your API redirected GET to http:\/\/api\.contoso\.com\/v1\/orders, which is not https/,
  );
  await assert.rejects(
    client.request({ method: 'PATCH', path: '/orders/1', body: { a: 1 } }),
    /does not re-send a write/,
  );
  assert.deepEqual(
    seen.map((s) => s.url),
    ['https://api.contoso.com/v1/old', 'https://api.contoso.com/v1/orders/1'],
  );
});

void test('api_request: an API that never answers ends at the deadline; a cancelled call ends at once', async () => {
  let fire: (() => void) | undefined;
  const aborted: boolean[] = [];
  let arrived: () => void = () => undefined;
  const nextArrival = () => new Promise<void>((resolve) => (arrived = resolve));
  const hang = (_input: unknown, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      arrived();
      init?.signal?.addEventListener('abort', () => {
        aborted.push(true);
        reject(new Error('aborted'));
      });
    });
  const slow = createApiClient({
    api: () => Promise.resolve({ baseUrl: 'https://api.contoso.com/', scope: 'api://x/y' }),
    getToken: () => Promise.resolve('t'),
    fetch: hang,
    maxBodyChars: 100,
    timeoutMs: 5000,
    setTimer: (fn) => {
      fire = fn;
      return () => undefined;
    },
  });
  let sent = nextArrival();
  const pending = slow.request({ method: 'GET', path: '/orders' });
  await sent;
  fire?.();
  await assert.rejects(pending, /^ToolError: Your API did not answer GET \/orders within 5 s/);
  const controller = new AbortController();
  sent = nextArrival();
  const cancelled = slow.request({ method: 'GET', path: '/orders', signal: controller.signal });
  await sent;
  controller.abort();
  await assert.rejects(cancelled, (e: unknown) => (e as { code?: string }).code === 'CANCELLED');
  assert.equal(aborted.length, 2, 'both HTTP requests were aborted');
});
