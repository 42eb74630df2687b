/**
 * Where the `redirect` fault sends clients (issue #11.1): two loopback listeners on origins of their
 * own — `https://127.0.0.1:<port>` (the emulator's CA; "another origin" than Graph and the API) and
 * `http://127.0.0.1:<port>` (plain http) — that answer every request with a small JSON body and
 * record each one WITH the Authorization header it carried, so a test proves no token arrived.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsMaterial } from './tls.ts';

export interface RedirectTargetRequest {
  seq: number;
  scheme: 'https' | 'http';
  method: string;
  path: string;
  query: Record<string, string>;
  /** The Authorization header as received (a test asserts it is absent). */
  authorization?: string;
}

export interface RedirectTargets {
  httpsOrigin: string;
  httpOrigin: string;
}

export interface RedirectTarget extends RedirectTargets {
  requests(): RedirectTargetRequest[];
  reset(): void;
  close(): Promise<void>;
}

const ANSWER = JSON.stringify({ value: [], servedBy: 'emulator redirect target' });

export async function startRedirectTarget(tls: TlsMaterial): Promise<RedirectTarget> {
  let log: RedirectTargetRequest[] = [];
  let seq = 0;
  const handler =
    (scheme: 'https' | 'http') =>
    (req: IncomingMessage, res: ServerResponse): void => {
      const url = new URL(req.url ?? '/', 'http://target');
      log.push({
        seq: ++seq,
        scheme,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization } : {}),
      });
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    };
  const https = createHttpsServer({ key: tls.leafKeyPem, cert: tls.leafCertPem }, handler('https'));
  const http = createHttpServer(handler('http'));
  const listen = (server: typeof http | typeof https): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const [httpsPort, httpPort] = await Promise.all([listen(https), listen(http)]);
  const close = (server: typeof http | typeof https): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    httpsOrigin: `https://127.0.0.1:${httpsPort}`,
    httpOrigin: `http://127.0.0.1:${httpPort}`,
    requests: () => [...log],
    reset() {
      log = [];
    },
    close: async () => {
      await Promise.all([close(https), close(http)]);
    },
  };
}
