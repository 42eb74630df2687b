import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import { Agent, request } from 'node:https';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createKeepAliveFetch, type FetchLike } from '../../../../bridge/graph/keep-alive-fetch.ts';
import { sendJson, startFakeGraph, type FakeGraph } from '../fake-graph.ts';

let graph: FakeGraph;
let agent: Agent;
const sent: ClientRequest[] = [];
const fallbackCalls: unknown[] = [];
let send: FetchLike;

before(async () => {
  graph = await startFakeGraph();
  agent = new Agent({ keepAlive: true, ca: await readFile(graph.caPath, 'utf8') });
  send = createKeepAliveFetch({
    request: (url, options, callback) => {
      const req = request(url, options, callback);
      sent.push(req);
      return req;
    },
    agent,
    fallback: (input) => {
      fallbackCalls.push(input);
      return Promise.resolve(new Response('fallback', { status: 299 }));
    },
  });
  graph.routes.set('GET /v1.0/me', (req, res) =>
    sendJson(res, 200, { displayName: 'Adele', auth: req.headers.authorization, enc: req.headers['accept-encoding'] }),
  );
  graph.routes.set('POST /v1.0/me/sendMail', (_req, res, body) => sendJson(res, 202, { echoed: body }));
  graph.routes.set('DELETE /v1.0/x', (_req, res) => {
    res.writeHead(204, { 'request-id': 'r-204' });
    res.end();
  });
  graph.routes.set('GET /v1.0/zipped', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(JSON.stringify({ value: [1, 2, 3] })));
  });
});
after(async () => {
  agent.destroy();
  await graph.stop();
});

test('GET: status, headers and JSON body as a Response; headers sent; one TLS connection reused', async () => {
  const url = `${graph.baseUrl}v1.0/me`;
  for (let i = 0; i < 3; i++) {
    const r = await send(url, { method: 'GET', headers: { Authorization: 'Bearer t0k' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('request-id'), 'req-1');
    assert.deepEqual(await r.json(), { displayName: 'Adele', auth: 'Bearer t0k', enc: 'gzip, deflate, br' });
  }
  assert.deepEqual(
    sent.slice(-3).map((r) => r.reusedSocket),
    [false, true, true],
  );
});

test('POST body is sent; 204 has a null body; gzip is decoded', async () => {
  const post = await send(`${graph.baseUrl}v1.0/me/sendMail`, {
    method: 'POST',
    headers: new Headers({ 'content-type': 'application/json' }),
    body: '{"message":"hé"}',
  });
  assert.equal(post.status, 202);
  assert.deepEqual(await post.json(), { echoed: '{"message":"hé"}' });
  const del = await send(`${graph.baseUrl}v1.0/x`, { method: 'DELETE' });
  assert.equal(del.status, 204);
  assert.equal(del.body, null);
  assert.equal(del.headers.get('request-id'), 'r-204');
  const zipped = await send(`${graph.baseUrl}v1.0/zipped`, { method: 'GET' });
  assert.deepEqual(await zipped.json(), { value: [1, 2, 3] });
});

test('a network failure rejects with the cause; non-string requests and stream bodies use the fallback', async () => {
  await assert.rejects(send('https://127.0.0.1:1/v1.0/me', { method: 'GET' }), /ECONNREFUSED/);
  const viaFallback = await send(new Request(`${graph.baseUrl}v1.0/me`), {});
  assert.equal(viaFallback.status, 299);
  await send(`${graph.baseUrl}v1.0/me`, { method: 'POST', body: new ReadableStream() });
  assert.equal(fallbackCalls.length, 2);
});

test('an abort ends a request that gets no answer: the promise rejects and the server sees the connection close', async () => {
  let closed!: () => void;
  const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
  let arrived!: () => void;
  const serverGotIt = new Promise<void>((resolve) => (arrived = resolve));
  graph.routes.set('GET /v1.0/hang', (_req, res) => {
    res.on('close', () => closed());
    arrived();
  });
  const controller = new AbortController();
  const pending = send(`${graph.baseUrl}v1.0/hang`, { method: 'GET', signal: controller.signal });
  await serverGotIt;
  controller.abort(new Error('cancelled by the test'));
  await assert.rejects(pending, /cancelled by the test/);
  await serverSawClose;
  await assert.rejects(send(`${graph.baseUrl}v1.0/me`, { signal: controller.signal }), /cancelled by the test/);
  const after = await send(`${graph.baseUrl}v1.0/me`, { method: 'GET' });
  assert.equal(after.status, 200, 'the pool still works');
});

test('a 3xx is answered as is, never followed', async () => {
  graph.routes.set('GET /v1.0/moved', (_req, res) => {
    res.writeHead(302, { location: 'https://elsewhere.example/x' });
    res.end();
  });
  const r = await send(`${graph.baseUrl}v1.0/moved`, { method: 'GET' });
  assert.equal(r.status, 302);
  assert.equal(r.headers.get('location'), 'https://elsewhere.example/x');
});

test('an answer cut before its end rejects (not a short body); the pool still works', async () => {
  graph.routes.set('GET /v1.0/cut', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"value":[', () => res.socket?.destroy());
  });
  await assert.rejects(
    send(`${graph.baseUrl}v1.0/cut`, { method: 'GET' }),
    /aborted|closed before the answer was complete/,
  );
  const after = await send(`${graph.baseUrl}v1.0/me`, { method: 'GET' });
  assert.equal(after.status, 200);
});
