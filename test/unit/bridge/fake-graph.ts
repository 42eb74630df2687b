/**
 * A tiny HTTPS "Graph" for bridge tests that do not need the full emulator: routes are handlers,
 * every request is recorded (method, url, authorization present). TLS from the emulator's generator.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTlsMaterial } from '../../emulator/tls.ts';

export interface FakeGraphRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

export type FakeRoute = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface FakeGraph {
  baseUrl: string;
  caPath: string;
  requests: FakeGraphRequest[];
  routes: Map<string, FakeRoute>;
  stop(): Promise<void>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req-1', ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeGraph(): Promise<FakeGraph> {
  const tls = await createTlsMaterial();
  const dir = await mkdtemp(join(tmpdir(), 'gb-fake-graph-'));
  const caPath = join(dir, 'ca.pem');
  await writeFile(caPath, tls.caCertPem);
  const requests: FakeGraphRequest[] = [];
  const routes = new Map<string, FakeRoute>();
  const server = createServer({ cert: tls.leafCertPem, key: tls.leafKeyPem }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      const path = (req.url ?? '').split('?')[0] ?? '';
      const route = routes.get(`${req.method} ${path}`);
      if (route) route(req, res, body);
      else sendJson(res, 404, { error: { code: 'ResourceNotFound', message: `no route ${req.method} ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `https://localhost:${port}/`,
    caPath,
    requests,
    routes,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
