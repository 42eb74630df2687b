/**
 * MSAL's HTTP client (`system.networkClient`), built on node:https so the trusted CAs are explicit:
 * Node's bundled roots (plus the OS store where Node exposes it, and NODE_EXTRA_CA_CERTS) plus the
 * PEM file named by `settings.extraCaFile` — for corporate TLS inspection proxies, and for the test
 * emulator's CA (configuration only; no special casing).
 */
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

  function send<T>(method: 'GET' | 'POST', url: string, opts?: NetworkRequestOptions, timeout?: number) {
    return new Promise<NetworkResponse<T>>((resolve, reject) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        reject(networkError('Invalid URL'));
        return;
      }
      if (target.protocol !== 'https:') {
        reject(networkError(`Refusing a non-https request to ${target.host}`));
        return;
      }
      const body = method === 'POST' ? (opts?.body ?? '') : undefined;
      const headers: Record<string, string | number> = { ...opts?.headers };
      if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
      const req = httpsRequest(target, { method, agent, headers, timeout: timeout ?? timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(networkError(`Response from ${target.host} exceeded ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => reject(networkError(`Network request failed: ${err.message}`)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const responseHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? {} : JSON.parse(text);
          } catch {
            reject(
              status >= 400
                ? networkError(`${target.host} answered HTTP ${status} with a non-JSON body`)
                : new AuthError('token_parsing_error', '', `Failed to parse the response from ${target.host}`),
            );
            return;
          }
          resolve({ headers: responseHeaders, body: parsed as T, status });
        });
      });
      req.on('timeout', () => req.destroy(networkError(`Request to ${target.host} timed out`)));
      req.on('error', (err) => {
        reject(err instanceof AuthError ? err : networkError(`Network request failed: ${err.message}`));
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  return {
    sendGetRequestAsync: <T>(url: string, opts?: NetworkRequestOptions, timeout?: number) =>
      send<T>('GET', url, opts, timeout),
    sendPostRequestAsync: <T>(url: string, opts?: NetworkRequestOptions) => send<T>('POST', url, opts),
    close: () => agent.destroy(),
  };
}
