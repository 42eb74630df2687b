/**
 * GraphApi.downloadToFile through the production chain — graph-api → graph-client → safe-redirects →
 * keep-alive-fetch (real node:https, keep-alive) → downloads.ts streamDownload into a real folder —
 * against a local HTTPS "Graph" that answers /content with a 302 to a pre-authenticated URL on
 * another origin, as Graph does. What a hostile or broken download host can do: send more than it
 * said, stall mid-body (the user cancels), cut the connection, redirect to http.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { streamDownload, type DownloadDirOptions } from '../../../../bridge/downloads.ts';
import { createGraphApi } from '../../../../bridge/graph/graph-api.ts';
import { createGraphClientTransport } from '../../../../bridge/graph/graph-client.ts';
import { createKeepAliveFetch } from '../../../../bridge/graph/keep-alive-fetch.ts';
import type { GraphApi, GraphCall } from '../../../../bridge/tools/tool.ts';
import { startFakeGraph, type FakeGraph } from '../fake-graph.ts';

let graph: FakeGraph;
let agent: Agent;
let work: string;
let dirOptions: DownloadDirOptions;
/** The download host: the same server under another origin (127.0.0.1 instead of localhost). */
let downloadOrigin: string;

const call = (id: string): GraphCall => ({
  method: 'GET',
  path: `/me/drive/items/${id}/content`,
  pathTemplate: '/me/drive/items/{id}/content',
  scopes: ['Files.Read'],
});

function graphApi(signal?: AbortSignal): GraphApi {
  const transport = createGraphClientTransport({
    graphBaseUrl: graph.baseUrl,
    getToken: () => Promise.resolve('secret-token'),
    fetch: createKeepAliveFetch({ request, agent }),
  });
  return createGraphApi({
    transport,
    graphBaseUrl: graph.baseUrl,
    tool: 'read_file',
    group: 'files',
    audit: () => undefined,
    sleep: () => Promise.resolve(),
    now: () => 0,
    saveStream: (fileName, body, maxBytes) => streamDownload(dirOptions, { fileName, body, maxBytes }),
    ...(signal ? { signal } : {}),
  });
}

/** /me/drive/items/<id>/content → 302 → <downloadOrigin>/dl/<id>, served by `serve`. */
function item(id: string, serve: (res: ServerResponse) => void): void {
  graph.routes.set(`GET /v1.0/me/drive/items/${id}/content`, (_req, res) => {
    res.writeHead(302, { location: `${downloadOrigin}/dl/${id}?token=pre-authenticated` });
    res.end();
  });
  graph.routes.set(`GET /dl/${id}`, (_req, res) => serve(res));
}

const files = async (): Promise<string[]> => readdir(join(work, 'downloads')).catch(() => []);

before(async () => {
  graph = await startFakeGraph();
  agent = new Agent({ keepAlive: true, ca: await readFile(graph.caPath, 'utf8') });
  downloadOrigin = new URL(graph.baseUrl).origin.replace('localhost', '127.0.0.1');
  work = await mkdtemp(join(tmpdir(), 'gb-dl-chain-'));
  dirOptions = { dir: join(work, 'downloads'), tmpdir: work, userTag: 'u', uid: undefined };
});
beforeEach(async () => {
  await rm(join(work, 'downloads'), { recursive: true, force: true });
  graph.requests.length = 0;
});
after(async () => {
  agent.destroy();
  await graph.stop();
  await rm(work, { recursive: true, force: true });
});

test('a download is streamed to a new 0600 file byte for byte; the token never reaches the download host', async () => {
  const bytes = randomBytes(3 * 1024 * 1024 + 17);
  item('big', (res) => {
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(bytes.length) });
    // In pieces, as a socket delivers them.
    for (let i = 0; i < bytes.length; i += 100_000) res.write(bytes.subarray(i, i + 100_000));
    res.end();
  });
  const saved = await graphApi().downloadToFile(call('big'), { fileName: '../../report.pdf', maxBytes: 10 << 20 });
  assert.equal(saved.path, join(work, 'downloads', 'report.pdf'));
  assert.equal(saved.bytes, bytes.length);
  assert.equal(saved.contentType, 'application/pdf');
  assert.ok((await readFile(saved.path)).equals(bytes));
  assert.equal((await stat(saved.path)).mode & 0o777, 0o600);
  const [toGraph, toHost] = graph.requests;
  assert.equal(toGraph?.authorization, 'Bearer secret-token');
  assert.match(toHost?.url ?? '', /^\/dl\/big\?token=/);
  assert.equal(toHost?.authorization, undefined, 'Authorization only to the Graph origin');

  const again = await graphApi().downloadToFile(call('big'), { fileName: 'report.pdf', maxBytes: 10 << 20 });
  assert.equal(again.path, join(work, 'downloads', 'report (2).pdf'), 'never overwrites');
});

test('a gzip-encoded body is decoded while streaming; the size cap counts decoded bytes', async () => {
  const text = 'a,b,c\n'.repeat(200_000);
  item('zipped', (res) => {
    res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'gzip' });
    res.end(gzipSync(text));
  });
  const saved = await graphApi().downloadToFile(call('zipped'), { fileName: 'data.csv', maxBytes: 10 << 20 });
  assert.equal(await readFile(saved.path, 'utf8'), text);
  // A small compressed body that inflates past the cap (a "zip bomb") is stopped and not kept.
  await assert.rejects(
    graphApi().downloadToFile(call('zipped'), { fileName: 'bomb.csv', maxBytes: 64 * 1024 }),
    (e: { code?: string }) => e.code === 'FILE_TOO_LARGE',
  );
  assert.deepEqual(await files(), ['data.csv']);
});

test('a host that sends more than maxBytes is cut off: FILE_TOO_LARGE, no partial file', async () => {
  let closed!: () => void;
  const hostSawClose = new Promise<void>((resolve) => (closed = resolve));
  item('liar', (res) => {
    res.on('close', () => closed());
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    // Keeps sending until the client goes away.
    const chunk = Buffer.alloc(64 * 1024, 1);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  await assert.rejects(
    graphApi().downloadToFile(call('liar'), { fileName: 'liar.bin', maxBytes: 1024 * 1024 }),
    (e: { code?: string; message: string }) => e.code === 'FILE_TOO_LARGE' && /1 MB|1\.0 MB|1 MiB/.test(e.message),
  );
  await hostSawClose;
  assert.deepEqual(await files(), []);
});

test('cancelling mid-body ends the download at once: CANCELLED, the host sees the close, no partial file', async () => {
  let closed!: () => void;
  const hostSawClose = new Promise<void>((resolve) => (closed = resolve));
  let halfSent!: () => void;
  const half = new Promise<void>((resolve) => (halfSent = resolve));
  item('stall', (res) => {
    res.on('close', () => closed());
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(2 << 20) });
    res.write(Buffer.alloc(1 << 20, 2), () => halfSent());
    // …and the rest never comes.
  });
  const controller = new AbortController();
  const pending = graphApi(controller.signal).downloadToFile(call('stall'), {
    fileName: 'half.bin',
    maxBytes: 4 << 20,
  });
  await half;
  // The file exists while the body streams in.
  while ((await files()).length === 0) await new Promise((resolve) => setImmediate(resolve));
  controller.abort(new Error('notifications/cancelled'));
  await assert.rejects(pending, (e: { code?: string }) => e.code === 'CANCELLED');
  assert.deepEqual(await files(), [], 'the partial file is gone when the call answers');
  await hostSawClose;
});

test('a connection cut mid-body fails the call and keeps no partial file; the pool still works', async () => {
  item('cut', (res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(1 << 20) });
    res.write(Buffer.alloc(300_000, 3), () => res.socket?.destroy());
  });
  await assert.rejects(
    graphApi().downloadToFile(call('cut'), { fileName: 'cut.bin', maxBytes: 4 << 20 }),
    (e: { code?: string }) => e.code === 'GRAPH_UNREACHABLE',
  );
  assert.deepEqual(await files(), []);
  item('ok', (res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('fine');
  });
  const saved = await graphApi().downloadToFile(call('ok'), { fileName: 'ok.txt', maxBytes: 100 });
  assert.equal(await readFile(saved.path, 'utf8'), 'fine');
});

test('an error answer or a redirect to http creates no file', async () => {
  graph.routes.set('GET /v1.0/me/drive/items/plain/content', (_req, res) => {
    res.writeHead(302, { location: `${downloadOrigin.replace('https:', 'http:')}/dl/plain` });
    res.end();
  });
  await assert.rejects(
    graphApi().downloadToFile(call('plain'), { fileName: 'plain.bin', maxBytes: 100 }),
    (e: { code?: string }) => e.code === 'REDIRECT_REFUSED',
  );
  await assert.rejects(
    graphApi().downloadToFile(call('missing'), { fileName: 'missing.bin', maxBytes: 100 }),
    (e: { code?: string }) => e.code === 'GRAPH_NOT_FOUND',
  );
  assert.deepEqual(await files(), []);
  assert.ok(!graph.requests.some((r) => r.url.startsWith('/dl/plain')), 'nothing was sent over http');
});
