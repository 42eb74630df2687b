import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { AuthError } from '@azure/msal-node';
import { createNetworkClient, type ClosableNetworkModule } from '../../../../app/broker/auth/network-client.ts';
import { sendJson, startFakeGraph, type FakeGraph } from '../../bridge/fake-graph.ts';

let server: FakeGraph;
let client: ClosableNetworkModule;
let host: string;

before(async () => {
  server = await startFakeGraph();
  host = new URL(server.baseUrl).host;
  client = createNetworkClient({ extraCaPem: await readFile(server.caPath, 'utf8'), timeoutMs: 60_000 });
  server.routes.set('GET /json', (req, res) => sendJson(res, 200, { hello: 'world', sent: req.headers['x-test'] }));
  server.routes.set('GET /cookies', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
    res.end('{}');
  });
  server.routes.set('POST /token', (req, res, body) =>
    sendJson(res, 200, { body, length: req.headers['content-length'] }),
  );
  server.routes.set('POST /empty', (_req, res) => {
    res.writeHead(204);
    res.end();
  });
  server.routes.set('GET /html500', (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/html' });
    res.end('<h1>oops</h1>');
  });
  server.routes.set('GET /html200', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<h1>hi</h1>');
  });
  server.routes.set('GET /huge', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
  });
  // Never answers: only the client's own timeout ends the request.
  server.routes.set('GET /hang', () => undefined);
  server.routes.set('POST /hang', () => undefined);
});

after(async () => {
  client.close();
  await server.stop();
});

function rejectsWith(promise: Promise<unknown>, errorCode: string, errorMessage: string): Promise<void> {
  return assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof AuthError, String(e));
    assert.deepEqual([e.errorCode, e.errorMessage], [errorCode, errorMessage]);
    return true;
  });
}

test('GET: status, JSON body and headers (repeated ones joined); request headers are sent', async () => {
  const r = await client.sendGetRequestAsync<{ hello: string; sent: string }>(`${server.baseUrl}json`, {
    headers: { 'x-test': 'yes' },
  });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { hello: 'world', sent: 'yes' });
  assert.equal(r.headers['request-id'], 'req-1');
  const cookies = await client.sendGetRequestAsync(`${server.baseUrl}cookies`);
  assert.equal(cookies.headers['set-cookie'], 'a=1, b=2');
});

test('POST: the body is sent with its byte length; an empty answer is {}', async () => {
  const body = 'grant_type=x&name=Zoë';
  const r = await client.sendPostRequestAsync<{ body: string; length: string }>(`${server.baseUrl}token`, { body });
  assert.deepEqual(r.body, { body, length: String(Buffer.byteLength(body)) });
  const empty = await client.sendPostRequestAsync(`${server.baseUrl}empty`, {});
  assert.deepEqual([empty.status, empty.body], [204, {}]);
});

test('refuses an invalid URL and plain http before connecting', async () => {
  const before = server.requests.length;
  await rejectsWith(client.sendGetRequestAsync('not a url'), 'network_error', 'Invalid URL');
  await rejectsWith(
    client.sendPostRequestAsync(`http://${host}/token`, { body: 'secret' }),
    'network_error',
    `Refusing a non-https request to ${host}`,
  );
  assert.equal(server.requests.length, before);
});

test('a non-JSON answer: an HTTP error is a network error, a 200 a parsing error', async () => {
  await rejectsWith(
    client.sendGetRequestAsync(`${server.baseUrl}html500`),
    'network_error',
    `${host} answered HTTP 500 with a non-JSON body`,
  );
  await rejectsWith(
    client.sendGetRequestAsync(`${server.baseUrl}html200`),
    'token_parsing_error',
    `Failed to parse the response from ${host}`,
  );
});

test('an answer over 4 MiB is cut off', async () => {
  await rejectsWith(
    client.sendGetRequestAsync(`${server.baseUrl}huge`),
    'network_error',
    `Response from ${host} exceeded 4194304 bytes`,
  );
});

test("a request nobody answers ends at the call's timeout, or the client's", async () => {
  await rejectsWith(
    client.sendGetRequestAsync(`${server.baseUrl}hang`, {}, 50),
    'network_error',
    `Request to ${host} timed out`,
  );
  const quick = createNetworkClient({ extraCaPem: await readFile(server.caPath, 'utf8'), timeoutMs: 50 });
  try {
    await rejectsWith(
      quick.sendPostRequestAsync(`${server.baseUrl}hang`, { body: '' }),
      'network_error',
      `Request to ${host} timed out`,
    );
  } finally {
    quick.close();
  }
});

test('a server whose CA is not trusted fails as a network error', async () => {
  const untrusting = createNetworkClient({ extraCaPem: '   ' });
  try {
    await assert.rejects(untrusting.sendGetRequestAsync(`${server.baseUrl}json`), (e: unknown) => {
      assert.ok(e instanceof AuthError);
      assert.equal(e.errorCode, 'network_error');
      assert.match(e.errorMessage, /^Network request failed: .*(certificate|self.signed)/i);
      return true;
    });
  } finally {
    untrusting.close();
  }
});
