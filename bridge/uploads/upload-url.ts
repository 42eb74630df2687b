/**
 * The sender for pre-authenticated upload URLs (OneDrive upload sessions; later Outlook attachment
 * sessions), on node:https with an injected `request`. Graph's upload URL carries its own credential:
 * sending an Authorization header to it is wrong (Graph answers 401) and would hand the user's Graph
 * token to the upload host, so this sender never sets one — its request type has no headers at all.
 * It also never follows redirects, refuses URLs that are not https or carry user info, bounds the
 * response body, and gives up on a connection idle for `idleTimeoutMs`.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Agent, RequestOptions } from 'node:https';
import { ToolError } from '../tools/tool.ts';
import type { UploadUrlRequest, UploadUrlResponse, UploadUrlSender } from './types.ts';

export interface UploadUrlSenderDeps {
  /** node:https request. */
  request(url: URL, options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest;
  agent?: Agent;
  /** Socket inactivity after which the request fails (default 120 s). */
  idleTimeoutMs?: number;
  /** Response bodies larger than this are cut (default 1 MiB): a session answer is small JSON. */
  maxResponseBytes?: number;
}

/** The URL, checked: https, no user info. Throws ToolError otherwise (nothing is sent). */
export function checkUploadUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ToolError('GRAPH_ERROR', 'Microsoft Graph returned an upload URL that is not a URL; nothing was sent.');
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') {
    throw new ToolError(
      'GRAPH_ERROR',
      'Microsoft Graph returned an upload URL that is not a plain https URL; nothing was sent.',
    );
  }
  return url;
}

function parseBody(bytes: Buffer, contentType: string): unknown {
  if (bytes.length === 0) return undefined;
  const text = bytes.toString('utf8');
  if (contentType.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

export function createUploadUrlSender(deps: UploadUrlSenderDeps): UploadUrlSender {
  const idle = deps.idleTimeoutMs ?? 120_000;
  const cap = deps.maxResponseBytes ?? 1024 * 1024;
  return (request: UploadUrlRequest) => {
    let url: URL;
    try {
      url = checkUploadUrl(request.url);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const body = request.body ?? new Uint8Array(0);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.method === 'PUT') {
      headers['content-length'] = String(body.byteLength);
      if (request.contentRange !== undefined) headers['content-range'] = request.contentRange;
    }
    return new Promise<UploadUrlResponse>((resolve, reject) => {
      const options: RequestOptions = { method: request.method, headers, ...(deps.agent ? { agent: deps.agent } : {}) };
      const req = deps.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size >= cap) return;
          chunks.push(chunk.subarray(0, cap - size));
          size += chunk.length;
        });
        res.on('error', reject);
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          resolve({
            status: res.statusCode ?? 0,
            headers: out,
            body: parseBody(Buffer.concat(chunks), out['content-type'] ?? ''),
          });
        });
      });
      req.setTimeout(idle, () => req.destroy(new Error(`no answer from ${url.host} for ${Math.round(idle / 1000)} s`)));
      req.on('error', reject);
      req.end(request.method === 'PUT' ? body : undefined);
    });
  };
}
