/**
 * The HTTP sender at the end of the Graph transport (graph-client.ts): a fetch-shaped function over
 * node:https with a keep-alive Agent, so consecutive Graph calls reuse one TLS connection. It trusts
 * what fetch trusts (Node's CA store plus NODE_EXTRA_CA_CERTS), asks for gzip/deflate/br like fetch
 * and decodes them, and answers a small Response-like object (ResponseLike: status, headers.get,
 * text/json/arrayBuffer of the body it already read). It never touches the WHATWG globals (`Headers`,
 * `Response`, `fetch`): the first use of any of them makes Node load undici (~17 ms of CPU, several MB),
 * and its streams and request objects cost ~0.5 ms per call on a warm connection.
 *
 * It never follows a redirect (a 3xx is answered as is; safe-redirects.ts decides) and honours
 * `init.signal`: an abort destroys the request and its socket, so the server sees the connection
 * close. Only a string https URL with a string/bytes body is sent this way; anything else (a stream
 * body) goes to the fallback fetch, with `redirect: 'manual'`.
 *
 * Downloads (`init.sink`): a 2xx answer's body is not read into memory but handed, decoded, as a
 * stream to the sink (bridge/downloads.ts streams it to a file); the response settles when the sink
 * has, with an empty body and `sunk: true`. A sink that fails destroys the request; an abort
 * destroys the body the sink reads. Any other answer (3xx, errors) is read as usual.
 */
import type { Agent, RequestOptions } from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import {
  brotliDecompress,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  gunzip,
  inflate,
  type BrotliDecompress,
  type Gunzip,
  type Inflate,
} from 'node:zlib';

/** What the Graph and API code reads of a response; a WHATWG Response is one too. */
export interface ResponseLike {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  /** A stream still to be read (a WHATWG Response), or null when the body was read already. */
  readonly body: { cancel(): Promise<void> } | null;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** True when the body went to `init.sink` (a sender that ignores sinks leaves it undefined). */
  readonly sunk?: boolean;
}

/** Consumes a 2xx answer's decoded body stream (to a file); the response waits for it to settle. */
export type BodySink = (body: Readable) => Promise<void>;

/** RequestInit, plus a sink for a download's body. */
export interface FetchInit extends RequestInit {
  sink?: BodySink;
}

export type FetchLike = (input: string | Request | URL, init?: FetchInit) => Promise<ResponseLike>;

export interface KeepAliveFetchDeps {
  /** node:https request. */
  request(url: URL, options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest;
  /** A node:https Agent with keepAlive: true. */
  agent: Agent;
  /** For what this sender does not handle (default: the global fetch). */
  fallback?: FetchLike;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The request headers as a plain record (a Headers-like object is read through its entries()). */
function headerRecord(headers: RequestInit['headers']): Record<string, string> | undefined {
  if (headers === undefined) return {};
  if (Array.isArray(headers)) return undefined;
  const entries = (headers as { entries?: unknown }).entries;
  if (typeof entries === 'function')
    return Object.fromEntries((headers as { entries(): Iterable<[string, string]> }).entries());
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Response headers by lower-case name; repeated ones joined with ", " (as Headers.get does). */
function responseHeaders(raw: readonly string[]): { get(name: string): string | null } {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const previous = map.get(name);
    map.set(name, previous === undefined ? raw[i + 1]! : `${previous}, ${raw[i + 1]!}`);
  }
  return { get: (name) => map.get(name.toLowerCase()) ?? null };
}

/** A response whose body has been read whole (and decoded). text() decodes UTF-8 like fetch (BOM dropped). */
class ReadResponse implements ResponseLike {
  readonly body = null;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: { get(name: string): string | null },
    private readonly bytes: Buffer,
    /** The body went to init.sink (bytes is empty). */
    readonly sunk = false,
  ) {}
  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }
  text(): Promise<string> {
    const text = this.bytes.toString('utf8');
    return Promise.resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const { bytes } = this;
    return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }
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

/** A streaming decoder for a Content-Encoding fetch decodes, or null for none/identity. */
function streamDecoder(encoding: string | undefined): Gunzip | Inflate | BrotliDecompress | null {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

function abortReason(signal: AbortSignal | null | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted.', 'AbortError');
}

/** The Content-Encoding of an answer, when it has exactly one header of it. */
function contentEncoding(res: IncomingMessage): string | undefined {
  const encoding = res.headers['content-encoding'];
  return typeof encoding === 'string' ? encoding : undefined;
}

/** Asks for the encodings fetch decodes and sets the body's length, unless the caller set them. */
function addDefaultHeaders(headers: Record<string, string>, body: string | Uint8Array | undefined): void {
  const lower = Object.keys(headers).map((k) => k.toLowerCase());
  if (!lower.includes('accept-encoding')) headers['accept-encoding'] = 'gzip, deflate, br';
  if (body !== undefined && !lower.includes('content-length'))
    headers['content-length'] = String(Buffer.byteLength(body));
}

/** One request this sender sends itself (a string https URL with a string/bytes body). */
interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal | null | undefined;
  sink: BodySink | undefined;
}

/** Settles one request's promise (both also stop listening for its abort). */
interface Settle {
  readonly resolve: (response: ResponseLike) => void;
  readonly reject: (error: unknown) => void;
}

/** A 2xx answer with a sink: its decoded body streams to the sink; a sink that fails destroys the request. */
function sinkAnswer(res: IncomingMessage, req: ClientRequest, sink: BodySink, settle: Settle): void {
  const decoder = streamDecoder(contentEncoding(res));
  const body: Readable = decoder ? pipeline(res, decoder, () => undefined) : res;
  sink(body).then(
    () =>
      settle.resolve(
        new ReadResponse(
          res.statusCode ?? 0,
          res.statusMessage ?? '',
          responseHeaders(res.rawHeaders),
          Buffer.alloc(0),
          true,
        ),
      ),
    (error: unknown) => {
      req.destroy();
      settle.reject(error);
    },
  );
}

/** Any other answer: its body is read whole and decoded; one cut before its end rejects. */
function readAnswer(res: IncomingMessage, settle: Settle): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('error', settle.reject);
  res.on('close', () => {
    if (!res.complete) settle.reject(new Error('the connection closed before the answer was complete'));
  });
  res.on('end', () => {
    const headers = responseHeaders(res.rawHeaders);
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    decode(contentEncoding(res), body).then((bytes) => {
      const status = res.statusCode ?? 0;
      const kept = NULL_BODY_STATUSES.has(status) ? Buffer.alloc(0) : bytes;
      settle.resolve(new ReadResponse(status, res.statusMessage ?? '', headers, kept));
    }, settle.reject);
  });
}

/** Sends one request over the keep-alive agent; an abort destroys the request, its socket and the answer. */
function send(deps: KeepAliveFetchDeps, out: Outgoing): Promise<ResponseLike> {
  const { signal, sink } = out;
  return new Promise<ResponseLike>((resolvePromise, rejectPromise) => {
    let answer: IncomingMessage | undefined;
    const onAbort = (): void => {
      answer?.destroy(abortReason(signal));
      req.destroy(abortReason(signal));
    };
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    const settle: Settle = {
      resolve: (r) => {
        done();
        resolvePromise(r);
      },
      reject: (e) => {
        done();
        rejectPromise(signal?.aborted ? abortReason(signal) : e instanceof Error ? e : new Error(String(e)));
      },
    };
    const req = deps.request(out.url, { method: out.method, headers: out.headers, agent: deps.agent }, (res) => {
      answer = res;
      const status = res.statusCode ?? 0;
      if (sink && status >= 200 && status <= 299) sinkAnswer(res, req, sink, settle);
      else readAnswer(res, settle);
    });
    req.on('error', settle.reject);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(out.body);
  });
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
    addDefaultHeaders(headers, body);
    return send(deps, { url, method: init.method ?? 'GET', headers, body, signal, sink: init.sink });
  };
}
