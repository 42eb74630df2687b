/**
 * ApiClient (bridge/tools/tool.ts) for the user-configured Entra-protected API (hello.api): a
 * token for its scope from the broker, then a plain fetch to a path under its base URL. The path
 * may not leave the configured origin and base path.
 */
import type { HttpMethod, ApiClient } from './tools/tool.ts';
import { ToolError } from './tools/tool.ts';

export interface ApiClientOptions {
  /** hello.api, or null when not configured. */
  api(): Promise<{ baseUrl: string; scope: string } | null>;
  getToken(scope: string): Promise<string>;
  fetch: typeof fetch;
  maxBodyChars: number;
}

export function resolveApiUrl(baseUrl: string, path: string, query?: Record<string, string>): URL {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
    throw new ToolError('BAD_REQUEST', `path must be relative to the configured API (${base.href}), not a full URL.`);
  }
  // `./` keeps a first segment with a colon (`/orders:search`) a path, not a URL scheme.
  const url = new URL(`./${path.replace(/^\/+/, '')}`, base);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
    throw new ToolError('BAD_REQUEST', `path ${path} leaves the configured API base ${base.href}.`);
  }
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  return url;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  return {
    async request(call: { method: HttpMethod; path: string; query?: Record<string, string>; body?: unknown }) {
      const api = await options.api();
      if (!api) {
        throw new ToolError(
          'API_NOT_CONFIGURED',
          'No API is configured. Set the API base URL and scope in the Graph Bridge settings (status window → Settings), then try again.',
        );
      }
      const url = resolveApiUrl(api.baseUrl, call.path, call.query);
      const token = await options.getToken(api.scope);
      let response: Response;
      try {
        response = await options.fetch(url, {
          method: call.method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
            ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          redirect: 'manual',
        });
      } catch (error) {
        throw new ToolError(
          'API_UNREACHABLE',
          `Could not reach ${url.origin} (${error instanceof Error ? error.message : String(error)}).`,
        );
      }
      const text = await response.text();
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body:
          text.length > options.maxBodyChars
            ? `${text.slice(0, options.maxBodyChars)}\n[… truncated: ${text.length} characters]`
            : text,
      };
    },
  };
}
