/**
 * MSAL's HTTP client (`system.networkClient`), built on node:https so the trusted CAs are explicit:
 * Node's bundled roots (plus the OS store where Node exposes it, and NODE_EXTRA_CA_CERTS) plus the
 * PEM file named by `settings.extraCaFile` — for corporate TLS inspection proxies, and for the test
 * emulator's CA (configuration only; no special casing).
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent } from 'node:https';
import * as tls from 'node:tls';
import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

type GetCaFn = (type: 'default' | 'system' | 'bundled' | 'extra') => string[];

/** Roots Node trusts by default, plus the OS store when this Node exposes it (22.15+/Electron). */
export function defaultTrustedCas(): string[] {
  const getCa = (tls as unknown as { getCACertificates?: GetCaFn }).getCACertificates;
  if (typeof getCa === 'function') {
    const set = new Set<string>(getCa('default'));
    try {
      for (const c of getCa('system')) set.add(c);
    } catch {
      // no system store on this OS/Node
    }
    return [...set];
  }
  return [...tls.rootCertificates];
}

export interface NetworkClientOptions {
  /** PEM text of extra CAs (contents of settings.extraCaFile). */
  extraCaPem?: string;
  timeoutMs?: number;
}

export interface ClosableNetworkModule extends INetworkModule {
  close(): void;
}

function networkError(message: string): AuthError {
  return new AuthError('network_error', '', message);
}

export function createNetworkClient(options: NetworkClientOptions = {}): ClosableNetworkModule {
  const ca = defaultTrustedCas();
  if (options.extraCaPem !== undefined && options.extraCaPem.trim() !== '') ca.push(options.extraCaPem);
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 8 });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    sendGetRequestAsync: <T>(url: string, opts?: NetworkRequestOptions, timeout?: number) =>
      send<T>({ agent, method: 'GET', url, opts, timeoutMs: timeout ?? timeoutMs }),
    sendPostRequestAsync: <T>(url: string, opts?: NetworkRequestOptions) =>
      send<T>({ agent, method: 'POST', url, opts, timeoutMs }),
    close: () => agent.destroy(),
  };
}

interface SendOptions {
  agent: Agent;
  method: 'GET' | 'POST';
  url: string;
  opts: NetworkRequestOptions | undefined;
  timeoutMs: number;
}

function send<T>(o: SendOptions): Promise<NetworkResponse<T>> {
  return new Promise<NetworkResponse<T>>((resolve, reject) => {
    const target = httpsTarget(o.url);
    if (target instanceof AuthError) {
      reject(target);
      return;
    }
    const body = o.method === 'POST' ? (o.opts?.body ?? '') : undefined;
    const headers: Record<string, string | number> = { ...o.opts?.headers };
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    const options = { method: o.method, agent: o.agent, headers, timeout: o.timeoutMs };
    const req = httpsRequest(target, options, (res) =>
      readResponse<T>({ req, res, host: target.host, resolve, reject }),
    );
    req.on('timeout', () => req.destroy(networkError(`Request to ${target.host} timed out`)));
    req.on('error', (err) => {
      reject(err instanceof AuthError ? err : networkError(`Network request failed: ${err.message}`));
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The URL when it is https, else the error to reject with (nothing is sent). */
function httpsTarget(url: string): URL | AuthError {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return networkError('Invalid URL');
  }
  if (target.protocol !== 'https:') return networkError(`Refusing a non-https request to ${target.host}`);
  return target;
}

interface Reading<T> {
  req: ClientRequest;
  res: IncomingMessage;
  host: string;
  resolve: (response: NetworkResponse<T>) => void;
  reject: (error: AuthError) => void;
}

/** Collects the answer (at most MAX_RESPONSE_BYTES) and settles with it once it ended. */
function readResponse<T>(r: Reading<T>): void {
  const chunks: Buffer[] = [];
  let size = 0;
  r.res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      r.req.destroy(networkError(`Response from ${r.host} exceeded ${MAX_RESPONSE_BYTES} bytes`));
      return;
    }
    chunks.push(chunk);
  });
  r.res.on('error', (err) => r.reject(networkError(`Network request failed: ${err.message}`)));
  r.res.on('end', () => {
    const answer = parsedAnswer<T>(r.res, r.host, Buffer.concat(chunks).toString('utf8'));
    if (answer instanceof AuthError) r.reject(answer);
    else r.resolve(answer);
  });
}

/** Status, headers (repeated ones joined) and the JSON body ({} when empty); a non-JSON body is an error. */
function parsedAnswer<T>(res: IncomingMessage, host: string, text: string): NetworkResponse<T> | AuthError {
  const status = res.statusCode ?? 0;
  const responseHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    return status >= 400
      ? networkError(`${host} answered HTTP ${status} with a non-JSON body`)
      : new AuthError('token_parsing_error', '', `Failed to parse the response from ${host}`);
  }
  return { headers: responseHeaders, body: parsed as T, status };
}
