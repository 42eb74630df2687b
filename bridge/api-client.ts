/**
 * ApiClient (bridge/tools/tool.ts) for the user-configured Entra-protected API (hello.api): a
 * token for its scope from the broker, then a fetch to a path under its base URL. The path may not
 * leave the configured origin and base path; redirects follow graph/safe-redirects.ts (the token
 * only to the API's origin, https only, writes never redirected); every exchange has a deadline and
 * ends when the tool call is cancelled (graph/deadline.ts).
 */
import {
  cancelledError,
  DEFAULT_HTTP_TIMEOUT_MS,
  startDeadline,
  timeoutError,
  type SetTimer,
} from './graph/deadline.ts';
import { createSafeRedirectFetch } from './graph/safe-redirects.ts';
import type { HttpMethod, ApiClient } from './tools/tool.ts';
import { ToolError } from './tools/tool.ts';

export interface ApiClientOptions {
  /** hello.api, or null when not configured. */
  api(): Promise<{ baseUrl: string; scope: string } | null>;
  getToken(scope: string): Promise<string>;
  /** Sends one request without following redirects (production: the global fetch). */
  fetch: (input: string | Request | URL, init?: RequestInit) => Promise<Response>;
  maxBodyChars: number;
  /** Deadline of one exchange (default 60 s). */
  timeoutMs?: number;
  setTimer?: SetTimer;
}

export function resolveApiUrl(baseUrl: string, path: string, query?: Record<string, string>): URL {
  const base = new URL(baseUrl);
  if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
  // Parameters in the configured base (`?api-version=2024-01-01`, a subscription key name) go on every call.
  const baseParams = [...base.searchParams];
  base.search = '';
  base.hash = '';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
    throw new ToolError('BAD_REQUEST', `path must be relative to the configured API (${base.href}), not a full URL.`);
  }
  // `./` keeps a first segment with a colon (`/orders:search`) a path, not a URL scheme.
  const url = new URL(`./${path.replace(/^\/+/, '')}`, base);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
    throw new ToolError('BAD_REQUEST', `path ${path} leaves the configured API base ${base.href}.`);
  }
  for (const [k, v] of baseParams) if (!url.searchParams.has(k)) url.searchParams.append(k, v);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  return url;
}

/**
 * Reads at most enough of the body for `maxChars` characters (4 UTF-8 bytes each) and stops the
 * download there, so a huge answer cannot fill the bridge's memory; says how it was cut.
 */
export async function readCapped(response: Response, maxChars: number): Promise<string> {
  const maxBytes = maxChars * 4;
  if (response.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let cut = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      cut = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!cut && text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n[… truncated: ${cut ? `more than ${maxBytes} bytes` : `${text.length} characters`}]`;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  return {
    async request(call: {
      method: HttpMethod;
      path: string;
      query?: Record<string, string>;
      body?: unknown;
      signal?: AbortSignal;
    }) {
      const api = await options.api();
      if (!api) {
        throw new ToolError(
          'API_NOT_CONFIGURED',
          'No API is configured. Set the API base URL and scope in the Graph Bridge settings (status window → Settings), then try again.',
        );
      }
      const url = resolveApiUrl(api.baseUrl, call.path, call.query);
      const send = createSafeRedirectFetch({ authorizedOrigin: url.origin, send: options.fetch, service: 'Your API' });
      const what = `${call.method} ${call.path}`;
      if (call.signal?.aborted) throw cancelledError('Your API', what);
      const deadline = startDeadline(call.signal, timeoutMs, options.setTimer);
      try {
        const token = await deadline.race(options.getToken(api.scope));
        const response = await deadline.race(
          send(url.href, {
            method: call.method,
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
              ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
            signal: deadline.signal,
          }),
        );
        const body = await deadline.race(readCapped(response, options.maxBodyChars));
        return answer(response, body);
      } catch (error) {
        if (deadline.state() === 'cancelled') throw cancelledError('Your API', what);
        if (deadline.state() === 'timed-out') throw timeoutError('Your API', what, timeoutMs);
        if (error instanceof ToolError) throw error;
        throw new ToolError(
          'API_UNREACHABLE',
          `Could not reach ${url.origin} (${error instanceof Error ? error.message : String(error)}).`,
        );
      } finally {
        deadline.clear();
      }
    },
  };
}

function answer(response: Response, body: string): { status: number; contentType: string; body: string } {
  // An API's 401/403 often explains itself only in this header (RFC 6750: invalid_token,
  // insufficient_scope): pass it on so the model can tell the user to check api.scope.
  const challenge =
    response.status === 401 || response.status === 403 ? response.headers.get('www-authenticate') : null;
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: challenge ? `${body}${body === '' ? '' : '\n'}[WWW-Authenticate: ${challenge.slice(0, 500)}]` : body,
  };
}
