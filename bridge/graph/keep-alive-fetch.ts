/**
 * The HTTP sender at the end of the Graph client's middleware chain (graph-client.ts): a fetch-shaped
 * function over node:https with a keep-alive Agent, so consecutive Graph calls reuse one TLS
 * connection without the per-request cost of the global fetch (undici's WHATWG streams and request
 * objects cost ~0.5 ms per call on a warm connection). It trusts what fetch trusts (Node's CA store
 * plus NODE_EXTRA_CA_CERTS), asks for gzip/deflate/br like fetch and decodes them, and answers a
 * WHATWG Response so the rest of the chain and graph-client.ts are unchanged.
 *
 * It never follows a redirect (a 3xx is answered as is; safe-redirects.ts decides) and honours
 * `init.signal`: an abort destroys the request and its socket, so the server sees the connection
 * close. Only a string https URL with a string/bytes body is sent this way; anything else (a stream
 * body) goes to the fallback fetch, with `redirect: 'manual'`.
 */
import type { Agent, RequestOptions } from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';

export type FetchLike = (input: string | Request | URL, init?: RequestInit) => Promise<Response>;

export interface KeepAliveFetchDeps {
  /** node:https request. */
  request(url: URL, options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest;
  /** A node:https Agent with keepAlive: true. */
  agent: Agent;
  /** For what this sender does not handle (default: the global fetch). */
  fallback?: FetchLike;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function headerRecord(headers: RequestInit['headers']): Record<string, string> | undefined {
  if (headers === undefined) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') out[k] = v;
  return out;
}

function bodyBytes(body: RequestInit['body']): string | Uint8Array | undefined | false {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return false;
}

function decode(encoding: string | undefined, bytes: Buffer): Promise<Buffer> {
  const run = (fn: typeof gunzip): Promise<Buffer> =>
    new Promise((resolve, reject) => fn(bytes, (error, out) => (error ? reject(error) : resolve(out))));
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return run(gunzip);
    case 'deflate':
      return run(inflate);
    case 'br':
      return run(brotliDecompress);
    default:
      return Promise.resolve(bytes);
  }
}

function abortReason(signal: AbortSignal | null | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted.', 'AbortError');
}

export function createKeepAliveFetch(deps: KeepAliveFetchDeps): FetchLike {
  const fallback: FetchLike = deps.fallback ?? ((input, init) => fetch(input, init));
  return (input, init = {}) => {
    const headers = headerRecord(init.headers);
    const body = bodyBytes(init.body);
    if (typeof input !== 'string' || headers === undefined || body === false)
      return fallback(input, { ...init, redirect: 'manual' });
    const url = new URL(input);
    if (url.protocol !== 'https:') return fallback(input, { ...init, redirect: 'manual' });
    const { signal } = init;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const lower = Object.keys(headers).map((k) => k.toLowerCase());
    if (!lower.includes('accept-encoding')) headers['accept-encoding'] = 'gzip, deflate, br';
    if (body !== undefined && !lower.includes('content-length'))
      headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolvePromise, rejectPromise) => {
      const onAbort = (): void => {
        req.destroy(abortReason(signal));
      };
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      const resolve = (r: Response): void => {
        done();
        resolvePromise(r);
      };
      const reject = (e: unknown): void => {
        done();
        rejectPromise(signal?.aborted ? abortReason(signal) : e instanceof Error ? e : new Error(String(e)));
      };
      const req = deps.request(url, { method: init.method ?? 'GET', headers, agent: deps.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error('the connection closed before the answer was complete'));
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            responseHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const encoding = res.headers['content-encoding'];
          decode(typeof encoding === 'string' ? encoding : undefined, Buffer.concat(chunks)).then((bytes) => {
            resolve(
              new Response(NULL_BODY_STATUSES.has(status) ? null : bytes, {
                status,
                statusText: res.statusMessage ?? '',
                headers: responseHeaders,
              }),
            );
          }, reject);
        });
      });
      req.on('error', reject);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
  };
}
