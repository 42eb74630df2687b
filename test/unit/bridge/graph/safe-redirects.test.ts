/**
 * Where the bearer token may go (issue #11.1): two real HTTPS "Graph" origins and a plain-http
 * listener, the production keep-alive sender, the redirect rule of safe-redirects.ts, and the real
 * Graph SDK chain of graph-client.ts on top.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { createGraphClientTransport } from '../../../../bridge/graph/graph-client.ts';
import { createKeepAliveFetch, type FetchLike } from '../../../../bridge/graph/keep-alive-fetch.ts';
import { createSafeRedirectFetch } from '../../../../bridge/graph/safe-redirects.ts';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import { sendJson, startFakeGraph, type FakeGraph } from '../fake-graph.ts';

let graph: FakeGraph;
let other: FakeGraph;
let plain: Server;
let plainOrigin: string;
const plainSeen: { url: string; authorization: string | undefined }[] = [];
let agent: Agent;
let sender: FetchLike;

function redirect(status: number, location: string) {
  return (_req: unknown, res: ServerResponse) => {
    res.writeHead(status, { location, 'content-type': 'text/plain' });
    res.end('moved');
  };
}

before(async () => {
  [graph, other] = await Promise.all([startFakeGraph(), startFakeGraph()]);
  agent = new Agent({
    keepAlive: true,
    ca: [await readFile(graph.caPath, 'utf8'), await readFile(other.caPath, 'utf8')],
  });
  sender = createKeepAliveFetch({ request, agent });
  plain = createServer((req, res) => {
    plainSeen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.end('plain');
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  plainOrigin = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  other.routes.set('GET /dl/file', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(Buffer.from([1, 2, 3]));
  });
  other.routes.set('GET /back', redirect(302, `${graph.baseUrl}v1.0/me`));
  graph.routes.set('GET /v1.0/me', (req, res) => sendJson(res, 200, { auth: req.headers.authorization ?? null }));
  graph.routes.set('GET /v1.0/same', redirect(301, '/v1.0/me'));
  graph.routes.set('GET /v1.0/items/1/content', redirect(302, `${other.baseUrl}dl/file?token=secret-download-token`));
  graph.routes.set('GET /v1.0/me/messages', redirect(307, `${other.baseUrl}back`));
  graph.routes.set('GET /v1.0/to-http', redirect(302, `${plainOrigin}/steal`));
  graph.routes.set('POST /v1.0/me/sendMail', redirect(307, `${other.baseUrl}dl/file`));
  graph.routes.set('GET /v1.0/loop', redirect(302, '/v1.0/loop'));
});

beforeEach(() => {
  graph.requests.length = 0;
  other.requests.length = 0;
  plainSeen.length = 0;
});

after(async () => {
  agent.destroy();
  await Promise.all([graph.stop(), other.stop(), new Promise((resolve) => plain.close(resolve))]);
});

const safe = (): FetchLike =>
  createSafeRedirectFetch({ authorizedOrigin: graph.baseUrl, send: sender, service: 'Microsoft Graph' });
const bearer = { authorization: 'Bearer graph-token' };

test('a same-origin redirect keeps Authorization', async () => {
  const r = await safe()(`${graph.baseUrl}v1.0/same`, { method: 'GET', headers: bearer });
  assert.deepEqual(await r.json(), { auth: 'Bearer graph-token' });
});

test('a redirect to another origin drops Authorization, also when a later hop comes back', async () => {
  const r = await safe()(`${graph.baseUrl}v1.0/items/1/content`, { method: 'GET', headers: bearer });
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), new Uint8Array([1, 2, 3]));
  assert.deepEqual(
    other.requests.map((x) => [x.url, x.authorization]),
    [['/dl/file?token=secret-download-token', undefined]],
  );
  const back = await safe()(`${graph.baseUrl}v1.0/me/messages`, { method: 'GET', headers: bearer });
  assert.deepEqual(await back.json(), { auth: null }, 'the token is not re-attached after leaving the origin');
  assert.ok(other.requests.every((x) => x.authorization === undefined));
});

test('a redirect to http: is refused and nothing reaches the http listener', async () => {
  await assert.rejects(
    safe()(`${graph.baseUrl}v1.0/to-http`, { method: 'GET', headers: bearer }),
    (e: unknown) =>
      e instanceof ToolError &&
      e.code === 'REDIRECT_REFUSED' &&
      e.message.includes(`${plainOrigin}/steal, which is not https`),
  );
  await assert.rejects(
    safe()(`${plainOrigin}/direct`, { method: 'GET', headers: bearer }),
    /sends requests only over https/,
  );
  assert.deepEqual(plainSeen, []);
});

test('a write is never redirected; a redirect loop ends', async () => {
  await assert.rejects(
    safe()(`${graph.baseUrl}v1.0/me/sendMail`, { method: 'POST', headers: bearer, body: '{"message":{}}' }),
    /does not re-send a write to another address\. It may not have been carried out/,
  );
  assert.deepEqual(other.requests, []);
  await assert.rejects(
    safe()(`${graph.baseUrl}v1.0/loop`, { method: 'GET', headers: bearer }),
    /redirected GET more than 5 times/,
  );
  assert.equal(graph.requests.filter((x) => x.url === '/v1.0/loop').length, 6, 'the request and 5 redirects');
});

test('the message never shows a redirect target’s query (a download URL carries a credential there)', async () => {
  graph.routes.set('GET /v1.0/dl-http', redirect(302, `${plainOrigin}/dl?token=secret-download-token`));
  await assert.rejects(safe()(`${graph.baseUrl}v1.0/dl-http`, { method: 'GET' }), (e: unknown) => {
    assert.ok(e instanceof Error && !e.message.includes('secret-download-token'), String(e));
    return true;
  });
});

test('through the Graph SDK chain: download without the token elsewhere, http refused unwrapped', async () => {
  const tokens: string[] = [];
  const transport = createGraphClientTransport({
    graphBaseUrl: graph.baseUrl,
    getToken: () => {
      tokens.push('t');
      return Promise.resolve('graph-token');
    },
    fetch: sender,
  });
  const auth = { scopes: ['Files.Read'], tool: 'read_file' };
  const download = await transport.send({ method: 'GET', url: '/items/1/content', binary: true, auth });
  assert.equal(download.status, 200);
  assert.deepEqual(download.bytes, new Uint8Array([1, 2, 3]));
  assert.equal(graph.requests[0]?.authorization, 'Bearer graph-token', 'Graph itself gets the token');
  assert.deepEqual(
    other.requests.map((x) => x.authorization),
    [undefined],
    'the download host does not',
  );
  await assert.rejects(
    transport.send({ method: 'GET', url: '/to-http', binary: false, auth }),
    (e: unknown) => e instanceof ToolError && e.code === 'REDIRECT_REFUSED',
  );
  assert.deepEqual(plainSeen, []);
});
