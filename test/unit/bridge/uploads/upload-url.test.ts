/**
 * The upload-URL sender over a real local HTTP server (the injected `request` carries the https URL
 * to it), so the headers on the wire are what the server saw: never Authorization.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import { createUploadUrlSender, type UploadUrlSenderDeps } from '../../../../bridge/uploads/upload-url.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bytes: number;
}

const seen: Seen[] = [];
let port = 0;
const server = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (c: Buffer) => (bytes += c.length));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes });
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('z'.repeat(5000));
      return;
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'https://elsewhere.example/' });
      res.end();
      return;
    }
    res.writeHead(req.method === 'DELETE' ? 204 : 202, { 'content-type': 'application/json' });
    res.end(req.method === 'DELETE' ? undefined : JSON.stringify({ nextExpectedRanges: ['10-'] }));
  });
});

/** node:https's signature, delivered to the local HTTP server. */
const toLocal: UploadUrlSenderDeps['request'] = (url, options, callback) =>
  httpRequest(
    { host: '127.0.0.1', port, path: url.pathname, method: options.method, headers: options.headers },
    callback,
  );

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

void describe('upload URL sender', () => {
  void it('PUT sends Content-Range and Content-Length and no Authorization; parses the JSON answer', async () => {
    const send = createUploadUrlSender({ request: toLocal });
    const res = await send({
      method: 'PUT',
      url: 'https://up.example.net/up/1?sig=abc',
      contentRange: 'bytes 0-9/20',
      body: new Uint8Array(10),
    });
    assert.deepEqual([res.status, res.body], [202, { nextExpectedRanges: ['10-'] }]);
    const put = seen.at(-1);
    assert.equal(put?.headers['content-range'], 'bytes 0-9/20');
    assert.equal(put?.headers['content-length'], '10');
    assert.equal(put?.bytes, 10);
    assert.equal(put?.headers.authorization, undefined);
    assert.deepEqual(Object.keys(put?.headers ?? {}).sort(), [
      'accept',
      'connection',
      'content-length',
      'content-range',
      'host',
    ]);
    const del = await send({ method: 'DELETE', url: 'https://up.example.net/up/1' });
    assert.equal(del.status, 204);
    assert.equal(seen.at(-1)?.headers.authorization, undefined);
  });

  void it('does not follow redirects, caps the answer, refuses non-https URLs before connecting', async () => {
    const send = createUploadUrlSender({ request: toLocal, maxResponseBytes: 100 });
    assert.equal((await send({ method: 'GET', url: 'https://up.example.net/redirect' })).status, 302);
    assert.equal(((await send({ method: 'GET', url: 'https://up.example.net/huge' })).body as string).length, 100);
    const before = seen.length;
    for (const url of ['http://up.example.net/x', 'https://u:p@up.example.net/x', '::'])
      await assert.rejects(
        send({ method: 'PUT', url, body: new Uint8Array(1) }),
        (e: unknown) => e instanceof ToolError,
      );
    assert.equal(seen.length, before);
  });
});
