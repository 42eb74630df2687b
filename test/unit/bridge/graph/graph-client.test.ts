/**
 * The SDK-free Graph transport (bridge/graph/graph-client.ts) sends what the transport built on
 * @microsoft/microsoft-graph-client sent (graph-sdk-reference.ts): the same URLs (compared with the
 * real GraphRequest for odd inputs too), and, request by request to a real HTTPS server, the same
 * method, path, headers and body — except the SdkVersion telemetry header — and it never loads undici.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Agent, request } from 'node:https';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@microsoft/microsoft-graph-client';
import type { AuthRequest, GraphTransport, TransportRequest } from '../../../../bridge/graph/graph-api.ts';
import { createGraphClientTransport, graphRequestUrl } from '../../../../bridge/graph/graph-client.ts';
import { createKeepAliveFetch } from '../../../../bridge/graph/keep-alive-fetch.ts';
import { sendJson, startFakeGraph, type FakeGraph } from '../fake-graph.ts';
import { createSdkGraphTransport } from './graph-sdk-reference.ts';

let graph: FakeGraph;
let agent: Agent;
const seen: { method: string; url: string; headers: [string, string][]; body: string }[] = [];

before(async () => {
  graph = await startFakeGraph();
  agent = new Agent({ keepAlive: true, ca: await readFile(graph.caPath, 'utf8') });
  const record = (req: IncomingMessage, body: string): void => {
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
      headers.push([req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!]);
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers, body });
  };
  for (const route of ['GET /v1.0/me', 'GET /v1.0/me/messages', 'POST /v1.0/me/sendMail', 'PATCH /v1.0/me/events/e1'])
    graph.routes.set(route, (req, res, body) => {
      record(req, body);
      sendJson(res, 200, { ok: true });
    });
  for (const route of ['PUT /v1.0/me/drive/root:/a.bin:/content', 'DELETE /v1.0/me/events/e1'])
    graph.routes.set(route, (req, res, body) => {
      record(req, body);
      res.writeHead(204);
      res.end();
    });
});
after(async () => {
  agent.destroy();
  await graph.stop();
});

const auth: AuthRequest = { scopes: ['User.Read'], tool: 'get_my_profile' };

function transports(): { sdk: GraphTransport; own: GraphTransport } {
  const fetch = createKeepAliveFetch({ request, agent });
  const options = { graphBaseUrl: graph.baseUrl, getToken: () => Promise.resolve('graph-token'), fetch };
  return { sdk: createSdkGraphTransport(options), own: createGraphClientTransport(options) };
}

/** What the server saw, without what differs by design: the request id's value and SdkVersion. */
function comparable(r: (typeof seen)[number]) {
  return {
    ...r,
    headers: r.headers
      .filter(([name]) => name !== 'sdkversion')
      .map(([name, value]) => [name, name === 'client-request-id' ? /^[0-9a-f-]{36}$/.test(value) : value]),
  };
}

test('URLs: the same as GraphRequest builds them, odd inputs included', () => {
  const base = graph.baseUrl;
  const client = Client.initWithMiddleware({ baseUrl: base, middleware: [{ execute: () => Promise.resolve() }] });
  const inputs = [
    '/me',
    'me',
    '//me/',
    '/me?$select=id%2CdisplayName&$top=5',
    '/me/messages?$top=10&$filter=isRead%20eq%20false&$select=id&$select=subject&foo=1&foo=2',
    '/me/events?startDateTime=2025-01-01T00%3A00%3A00Z&$orderby=start&$orderby=end&$count=true&$skipToken=x',
    '/me?$expand=manager($select=id)&noequals&(weird=1)&a=b=c',
    '/me?',
    '/me?__proto__=1&1=one&constructor=x',
    `${base}v1.0/me/messages?$skiptoken=abc&$top=5`,
    `${base}beta/me?$select=id`,
    `${base}v1.0`,
    'https://graph.microsoft.com/v1.0/users/x?$select=id',
    '/sites?search=https://contoso.example/x',
    '/me/drive/root:/folder/a b.txt:/content',
  ];
  for (const input of inputs) {
    const sdkUrl = (client.api(input) as unknown as { buildFullUrl(): string }).buildFullUrl();
    assert.equal(graphRequestUrl(base, input), sdkUrl, input);
  }
});

test('requests: the same method, path, headers and body as the Graph SDK transport sent', async () => {
  const cases: TransportRequest[] = [
    { method: 'GET', url: '/me?$select=id%2CdisplayName', binary: false, auth },
    {
      method: 'GET',
      url: '/me/messages?$top=3&$select=id',
      headers: { ConsistencyLevel: 'eventual', Prefer: 'outlook.body-content-type="text"' },
      binary: false,
      auth,
    },
    { method: 'GET', url: `${graph.baseUrl}v1.0/me/messages?$skiptoken=abc`, binary: false, auth },
    {
      method: 'POST',
      url: '/me/sendMail',
      body: { message: { subject: 'hé' }, saveToSentItems: true },
      binary: false,
      auth,
    },
    { method: 'POST', url: '/me/sendMail', binary: false, auth },
    {
      method: 'PATCH',
      url: '/me/events/e1',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { subject: 'x' },
      binary: false,
      auth,
    },
    {
      method: 'PUT',
      url: '/me/drive/root:/a.bin:/content',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: Buffer.from([0, 1, 2, 255]),
      binary: false,
      auth,
    },
    { method: 'DELETE', url: '/me/events/e1', binary: false, auth },
    { method: 'GET', url: '/me', binary: true, auth },
  ];
  for (const c of cases) {
    const { sdk, own } = transports();
    seen.length = 0;
    const a = await sdk.send(c);
    const b = await own.send(c);
    assert.equal(seen.length, 2, `${c.method} ${c.url}`);
    assert.deepEqual(comparable(seen[1]!), comparable(seen[0]!), `${c.method} ${c.url}`);
    assert.ok(
      seen[0]!.headers.some(([n]) => n === 'sdkversion') && !seen[1]!.headers.some(([n]) => n === 'sdkversion'),
      'only SdkVersion is gone',
    );
    assert.equal(b.status, a.status);
    assert.deepEqual(b.body, a.body);
    assert.deepEqual(b.bytes, a.bytes);
    assert.equal(b.headers.get('request-id'), a.headers.get('request-id'));
  }
});

test('a token failure reaches the caller unwrapped, and nothing is sent', async () => {
  const failure = new Error('consent needed');
  const own = createGraphClientTransport({
    graphBaseUrl: graph.baseUrl,
    getToken: () => Promise.reject(failure),
    fetch: createKeepAliveFetch({ request, agent }),
  });
  seen.length = 0;
  await assert.rejects(own.send({ method: 'GET', url: '/me', binary: false, auth }), (e) => e === failure);
  assert.equal(seen.length, 0);
});

test('a Graph call through the transport never loads undici (the WHATWG fetch globals)', () => {
  const script = `
    import { createServer } from 'node:https';
    import { request, Agent } from 'node:https';
    import { readFileSync } from 'node:fs';
    import { startFakeGraph, sendJson } from ${JSON.stringify(fileURLToPath(new URL('../fake-graph.ts', import.meta.url)))};
    import { createGraphClientTransport } from ${JSON.stringify(fileURLToPath(new URL('../../../../bridge/graph/graph-client.ts', import.meta.url)))};
    import { createKeepAliveFetch } from ${JSON.stringify(fileURLToPath(new URL('../../../../bridge/graph/keep-alive-fetch.ts', import.meta.url)))};
    const g = await startFakeGraph();
    g.routes.set('GET /v1.0/me', (_q, res) => sendJson(res, 200, { id: 'u' }));
    const agent = new Agent({ keepAlive: true, ca: readFileSync(g.caPath, 'utf8') });
    const t = createGraphClientTransport({ graphBaseUrl: g.baseUrl, getToken: async () => 't', fetch: createKeepAliveFetch({ request, agent }) });
    const r = await t.send({ method: 'GET', url: '/me', binary: false, auth: { scopes: [], tool: 'x' } });
    const loaded = process.moduleLoadList.some((m) => m.includes('undici'));
    agent.destroy(); await g.stop();
    process.stdout.write(JSON.stringify({ status: r.status, body: r.body, loaded }));
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { status: 200, body: { id: 'u' }, loaded: false });
});
