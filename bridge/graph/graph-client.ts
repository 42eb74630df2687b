/**
 * GraphTransport: sends one Graph request the way `@microsoft/microsoft-graph-client`'s
 * `client.api(url).responseType(RAW).headers(h).get()/post(body)…` with an AuthenticationHandler and
 * a TelemetryHandler sent it — the same URL, body and headers, byte for byte
 * (test/unit/bridge/graph/graph-client.test.ts checks it against the real GraphRequest) — without the
 * SDK's middleware chain: the SDK reads the WHATWG globals (`Request`, `Headers`) on every request,
 * which makes Node load undici (~17 ms of CPU and several MB before the first call), and its request
 * objects cost time and garbage on every call. The one difference: no `SdkVersion` telemetry header
 * (it named an SDK that is no longer the sender); `client-request-id` is still sent, for correlation.
 *
 *   URL         GraphRequest.parsePath + buildFullUrl: a path is joined to `<base origin>/v1.0/`; an
 *               absolute https URL keeps its host and version; OData options ($select, $expand, …)
 *               are moved before the other query parameters, $select/$expand/$orderby merged.
 *   body        serializeContent: a string or Buffer as is, anything else as JSON with
 *               `Content-Type: application/json` unless the request names a content type.
 *   token       getToken (the broker, with the call's scopes) → `Authorization: Bearer …` when the host
 *               is a Graph host or the configured Graph base URL's host (isGraphURL/isCustomHost).
 *
 * Redirects are followed by safe-redirects.ts only (Authorization only to the Graph base URL's
 * origin, https only, writes never redirected), over the injected fetch (production: the keep-alive
 * node:https sender of keep-alive-fetch.ts; default: the global fetch). graph-api.ts applies the
 * (bounded) retry policy. The request's AbortSignal (deadline, MCP cancellation) goes to the sender.
 * A download with a sink (GraphApi.downloadToFile) passes it to the sender, which streams a 2xx body
 * into it; a sender that does not stream (the global fetch) has its read body handed to the sink.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AuthRequest, GraphTransport, TransportRequest, TransportResponse } from './graph-api.ts';
import type { FetchLike, ResponseLike } from './keep-alive-fetch.ts';
import { createSafeRedirectFetch } from './safe-redirects.ts';

export interface GraphClientTransportOptions {
  graphBaseUrl: string;
  /** Resolves to an access token or throws ToolError (consent, sign-in, broker absent…). */
  getToken(request: AuthRequest): Promise<string>;
  /** Sends the HTTP request (default: the global fetch). */
  fetch?: FetchLike;
}

/** GraphRequestUtil.oDataQueryNames. */
const ODATA_QUERY_NAMES = ['$select', '$expand', '$orderby', '$filter', '$top', '$skip', '$skipToken', '$count'];
/** Constants.GRAPH_URLS. */
const GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'graph.microsoft.de',
  'microsoftgraph.chinacloudapi.cn',
  'canary.graph.microsoft.com',
]);

/** GraphRequestUtil.urlJoin. */
function urlJoin(parts: string[]): string {
  return parts.reduce((pre, cur) => [pre.replace(/\/+$/, ''), cur.replace(/^\/+/, '')].join('/'));
}

/** GraphRequest's constructor (parsePath) and buildFullUrl, for a client with this base URL and v1.0. */
export function graphRequestUrl(baseUrl: string, input: string): string {
  let host = baseUrl;
  let version = 'v1.0';
  let path = input;
  const odata: Record<string, string> = {};
  const other: Record<string, string> = {};
  const options: string[] = [];
  if (path.indexOf('https://') !== -1) {
    path = path.replace('https://', '');
    const endOfHost = path.indexOf('/');
    if (endOfHost !== -1) {
      host = `https://${path.substring(0, endOfHost)}`;
      path = path.substring(endOfHost + 1);
    }
    const endOfVersion = path.indexOf('/');
    if (endOfVersion !== -1) {
      version = path.substring(0, endOfVersion);
      path = path.substring(endOfVersion + 1);
    }
  }
  if (path.charAt(0) === '/') path = path.substring(1);
  const queryStart = path.indexOf('?');
  if (queryStart !== -1) {
    for (const param of path.substring(queryStart + 1).split('&')) {
      const equals = param.indexOf('=');
      const paren = param.indexOf('(');
      if (equals === -1 || (paren !== -1 && paren < equals)) {
        options.push(param);
        continue;
      }
      const key = param.substring(0, equals);
      const value = param.substring(equals + 1);
      if (ODATA_QUERY_NAMES.includes(key)) {
        const current = odata[key];
        const appendable = current && (key === '$expand' || key === '$select' || key === '$orderby');
        odata[key] = appendable ? `${current},${value}` : value;
      } else other[key] = value;
    }
    path = path.substring(0, queryStart);
  }
  const query = [
    ...Object.entries(odata).map(([k, v]) => `${k}=${v}`),
    ...Object.entries(other).map(([k, v]) => `${k}=${v}`),
    ...options,
  ];
  return urlJoin([host, version, path]) + (query.length > 0 ? `?${query.join('&')}` : '');
}

/** GraphRequestUtil.isValidEndpoint: the host of an https URL (port ignored) is one of `hosts`. */
function hostIn(url: string, hosts: ReadonlySet<string>): boolean {
  let rest = url.toLowerCase();
  if (rest.indexOf('https://') === -1) return false;
  rest = rest.replace('https://', '');
  const port = rest.indexOf(':');
  const endOfHost = rest.indexOf('/');
  if (endOfHost === -1) return false;
  return hosts.has(rest.substring(0, port !== -1 && port < endOfHost ? port : endOfHost));
}

/** GraphRequestUtil.serializeContent, for the bodies tools send (JSON values, strings, Buffers). */
function serialize(content: unknown): string | Uint8Array {
  if (typeof content === 'string' || Buffer.isBuffer(content)) return content;
  if (content instanceof Uint8Array) return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  return JSON.stringify(content);
}

async function readBody(response: ResponseLike): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

export function createGraphClientTransport(options: GraphClientTransportOptions): GraphTransport {
  const base = new URL(options.graphBaseUrl);
  const baseUrl = `${base.origin}/`;
  const customHosts = new Set([base.hostname]);
  const send = createSafeRedirectFetch({
    authorizedOrigin: base.origin,
    send: options.fetch ?? ((input, init) => fetch(input, init)),
    service: 'Microsoft Graph',
  });

  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      const url = graphRequestUrl(baseUrl, request.url);
      const { method } = request;
      const headers: Record<string, string> = { ...request.headers };
      let body: string | Uint8Array | undefined;
      if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
        body = serialize(request.body ?? {});
        if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
          headers['Content-Type'] = 'application/json';
      }
      if (hostIn(url, GRAPH_HOSTS) || hostIn(url, customHosts)) {
        headers.Authorization = `Bearer ${await options.getToken(request.auth)}`;
        headers['client-request-id'] ??= randomUUID();
      }
      const sink = request.binary ? request.sink : undefined;
      const response = await send(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        ...(sink ? { sink } : {}),
      });
      if (sink && response.ok) {
        if (response.sunk !== true) await sink(Readable.from([Buffer.from(await response.arrayBuffer())]));
        return { status: response.status, headers: response.headers };
      }
      if (request.binary && response.ok) {
        return {
          status: response.status,
          headers: response.headers,
          bytes: new Uint8Array(await response.arrayBuffer()),
        };
      }
      return { status: response.status, headers: response.headers, body: await readBody(response) };
    },
  };
}
