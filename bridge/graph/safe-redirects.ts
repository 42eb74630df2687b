/**
 * The one place that decides where a bearer token may go (issue #11.1, security.md): Authorization is
 * sent only to the origin a request was built for — the Graph base URL's, or the configured API's.
 *
 * Redirects are followed here and nowhere else: the sender below never follows one (the Graph SDK's
 * RedirectHandler is not in the chain, fetch gets `redirect: 'manual'`). For every hop:
 *   - a URL that is not https: is refused (so is the first one): nothing is sent to it;
 *   - a hop to another origin drops Authorization (and Cookie) for the rest of the chain, even if a
 *     later hop comes back — a pre-authenticated download URL needs no token;
 *   - only GET/HEAD are redirected: a write's body is never re-sent to another address;
 *   - at most `maxRedirects` hops (default 5).
 * A refusal is a ToolError (REDIRECT_REFUSED) whose message names the target's origin and path (never
 * its query: a download URL carries a credential there) and what to do.
 */
import { ToolError } from '../tools/tool.ts';
import type { FetchInit, ResponseLike } from './keep-alive-fetch.ts';

export interface SafeRedirectOptions<R extends ResponseLike = ResponseLike> {
  /** The origin Authorization may be sent to, e.g. `https://graph.microsoft.com`. */
  authorizedOrigin: string;
  /** Sends one request; must not follow redirects itself. */
  send: (input: string, init: FetchInit) => Promise<R>;
  /** Who answered, for messages: "Microsoft Graph" or "Your API". */
  service: string;
  maxRedirects?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Credentials that never leave the authorized origin. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * The request headers by lower-case name, repeated names joined with ", " — what `new Headers(init)`
 * gives, without touching the WHATWG globals (their first use loads undici: keep-alive-fetch.ts).
 */
function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    const trimmed = value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    out[key] = out[key] === undefined ? trimmed : `${out[key]}, ${trimmed}`;
  };
  if (headers === undefined) return out;
  const entries = (headers as { entries?: unknown }).entries;
  const list: Iterable<[string, string]> = Array.isArray(headers)
    ? (headers as [string, string][])
    : typeof entries === 'function'
      ? (headers as { entries(): Iterable<[string, string]> }).entries()
      : Object.entries(headers as Record<string, string>);
  for (const [name, value] of list) add(name, String(value));
  return out;
}

/** Origin and path of a URL, without its query (a download URL's query holds a credential). */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function refused(message: string): ToolError {
  return new ToolError('REDIRECT_REFUSED', message);
}

export function createSafeRedirectFetch<R extends ResponseLike = ResponseLike>(
  options: SafeRedirectOptions<R>,
): (input: string | Request | URL, init?: FetchInit) => Promise<R> {
  const authorized = new URL(options.authorizedOrigin).origin;
  const max = options.maxRedirects ?? 5;
  const { service } = options;
  return async (input, init = {}) => {
    if (typeof input !== 'string' && !(input instanceof URL))
      throw new TypeError('graph-bridge: requests are sent by URL, not as Request objects');
    let url = new URL(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = headerRecord(init.headers);
    let crossedOrigin = false;
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'https:') {
        throw refused(
          hop === 0
            ? `Graph Bridge sends requests only over https; ${shown(url)} was not called. Check the Graph or API base URL in the Graph Bridge settings.`
            : `${service} redirected ${method} to ${shown(url)}, which is not https; Graph Bridge refuses such redirects (the data could be read or changed on the way), so nothing was sent there. If this repeats, something on the network (a proxy or captive portal) may be rewriting answers.`,
        );
      }
      if (url.origin !== authorized) crossedOrigin = true;
      const sent: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers))
        if (!(crossedOrigin && CREDENTIAL_HEADERS.has(name))) sent[name] = value;
      const response = await options.send(url.href, { ...init, method, headers: sent, redirect: 'manual' });
      const location = response.headers.get('location');
      if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
      await response.body?.cancel().catch(() => undefined);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw refused(`${service} answered ${method} ${shown(url)} with a redirect to an invalid address.`);
      }
      if (method !== 'GET' && method !== 'HEAD') {
        throw refused(
          `${service} answered ${method} ${shown(url)} with a redirect to ${shown(next)}; Graph Bridge does not re-send a write to another address. It may not have been carried out: check before retrying.`,
        );
      }
      if (hop + 1 > max)
        throw refused(`${service} redirected ${method} more than ${max} times; the last hop was not followed.`);
      url = next;
    }
  };
}
