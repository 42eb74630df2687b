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
