// The node:http adapter: Graph's response headers, version routing and the /_dl download host,
// through a real (plain HTTP, loopback, port 0) server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGraphServiceWithOptions } from '../../emulator/graph/index.ts';
import { ADELE, BASE_MS, fakeDeps, fakeToken } from './fake-deps.ts';

void describe('graph emulator: node:http adapter', () => {
  let server: Server;
  let origin = '';
  before(async () => {
    const service = createGraphServiceWithOptions(fakeDeps(), { baseDateMs: BASE_MS });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void service.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const auth = (scopes: string[]): Record<string, string> => ({
    authorization: `Bearer ${fakeToken(ADELE.oid, scopes)}`,
  });

  void it('sends Graph headers and echoes client-request-id', async () => {
    const res = await fetch(`${origin}/v1.0/me`, {
      headers: { ...auth(['User.Read']), 'client-request-id': 'abc-123' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('client-request-id'), 'abc-123');
    assert.match(res.headers.get('request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get('odata-version'), '4.0');
    assert.match(res.headers.get('content-type') ?? '', /^application\/json;odata\.metadata=minimal/);
    assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000');
    const body = (await res.json()) as { displayName: string };
    assert.equal(body.displayName, 'Adele Vance');
  });

  void it('serves beta like v1.0 and rejects unknown versions', async () => {
    assert.equal((await fetch(`${origin}/beta/me`, { headers: auth(['User.Read']) })).status, 200);
    const bad = await fetch(`${origin}/v2.0/me`, { headers: auth(['User.Read']) });
    assert.equal(bad.status, 400);
  });

  void it('302s /content and serves the bytes on /_dl without Authorization', async () => {
    const res = await fetch(`${origin}/v1.0/me/drive/root:/README.md:/content`, {
      headers: auth(['Files.Read']),
      redirect: 'manual',
    });
    assert.equal(res.status, 302);
    const location = res.headers.get('location') ?? '';
    assert.match(location, /^https:\/\/127\.0\.0\.1:8445\/_dl\//);
    const dl = await fetch(`${origin}${new URL(location).pathname}`);
    assert.equal(dl.status, 200);
    assert.match(await dl.text(), /OneDrive/);
    assert.equal((await fetch(`${origin}${new URL(location).pathname}`)).status, 401);
  });

  void it('202 and 204 carry no body', async () => {
    const res = await fetch(`${origin}/v1.0/me/sendMail`, {
      method: 'POST',
      headers: { ...auth(['Mail.Send']), 'content-type': 'application/json' },
      body: JSON.stringify({ message: { subject: 's', toRecipients: [{ emailAddress: { address: 'x@y.example' } }] } }),
    });
    assert.equal(res.status, 202);
    assert.equal(await res.text(), '');
  });
});
