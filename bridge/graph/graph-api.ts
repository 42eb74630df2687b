/**
 * GraphApi (bridge/tools/tool.ts) for one tool: builds the URL, asks the transport (the Microsoft
 * Graph JS client, see graph-client.ts) to send it with a broker token for the tool's scopes, and
 * applies the call policy:
 *   - 401: one retry with a forced token refresh, or with the claims of a CAE claims challenge;
 *   - 429 (any method) and 503/504 (not a POST, unless it only reads): honour Retry-After within a total waiting budget
 *     (default 30 s), then a clear THROTTLED error;
 *   - every other failure -> ToolError (errors.ts); every HTTP exchange -> audit.record;
 *   - every exchange has a deadline (`timeoutMs`, default 60 s; a binary download, which may be
 *     100 MB, ten times that) and ends at once when the tool call's `signal` aborts (MCP
 *     cancellation), throttling waits included (deadline.ts).
 * Paging cursors stand for nextLinks (short handles or encoded links), validated to stay on the Graph origin (cursor.ts).
 */
import type { Readable } from 'node:stream';
import type { AuditRecordParams } from '../../app/shared/bridge-contract.ts';
import type { ToolGroup } from '../../app/shared/tool-groups.ts';
import { DownloadTooLargeError, DownloadWriteError } from '../downloads.ts';
import { formatBytes } from '../tools/shared/file-types.ts';
import {
  ToolError,
  type Download,
  type DownloadToFileOptions,
  type SavedDownload,
  type GraphApi,
  type GraphCall,
  type GraphPage,
  type HttpMethod,
} from '../tools/tool.ts';
import { createCursorCodec, type CursorCodec } from './cursor.ts';
import type { BodySink } from './keep-alive-fetch.ts';
import { cancelledError, DEFAULT_HTTP_TIMEOUT_MS, startDeadline, timeoutError, type SetTimer } from './deadline.ts';
import { graphFailureToToolError, throttledError } from './errors.ts';

export interface AuthRequest {
  scopes: readonly string[];
  tool: string;
  forceRefresh?: boolean;
  /** Decoded claims challenge JSON. */
  claims?: string;
  /** The tool call's signal: a cancelled call stops waiting for the broker's token too. */
  signal?: AbortSignal;
}

export interface TransportRequest {
  method: HttpMethod;
  /** `/me/messages?$top=10` (relative to the version root, query already encoded) or an absolute Graph URL. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  binary: boolean;
  auth: AuthRequest;
  /** Aborts the exchange (deadline or MCP cancellation); the sender closes the connection. */
  signal?: AbortSignal;
  /** binary only: where a 2xx body is streamed instead of being read into `bytes`. */
  sink?: BodySink;
}

export interface TransportResponse {
  status: number;
  headers: Pick<Headers, 'get'>;
  /** Parsed JSON (or text) for non-binary requests and for every error response. */
  body?: unknown;
  bytes?: Uint8Array;
}

/** Sends one request. Token failures throw ToolError; network failures throw anything else. */
export interface GraphTransport {
  send(request: TransportRequest): Promise<TransportResponse>;
}

export interface GraphApiOptions {
  transport: GraphTransport;
  graphBaseUrl: string;
  tool: string;
  group: ToolGroup;
  audit(record: AuditRecordParams): void;
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  /** The tool call's signal (MCP cancellation). */
  signal?: AbortSignal;
  /** Deadline of one exchange: request, answer and body (default 60 s). */
  timeoutMs?: number;
  setTimer?: SetTimer;
  /** Total time spent waiting on throttling per call (default 30 s). */
  throttleBudgetMs?: number;
  /** Retries on throttling per call (default 5). */
  maxThrottleRetries?: number;
  /** Delay when a throttled answer has no Retry-After (default 1 s, doubling). */
  defaultRetryDelayMs?: number;
  /** nextLink <-> the cursor the model sees (default: self-contained `gb1.` cursors). */
  cursors?: CursorCodec;
  /** Streams a body to a new file in the download folder (downloads.ts streamDownload); for downloadToFile. */
  saveStream?: SaveStream;
}

export type SaveStream = (
  fileName: string,
  body: Readable,
  maxBytes: number,
) => Promise<{ path: string; bytes: number }>;

/** A failure of the file side of a download as a ToolError; anything else (the network's) as is. */
function saveFailure(error: unknown, maxBytes: number): Error {
  if (error instanceof DownloadTooLargeError) {
    return new ToolError(
      'FILE_TOO_LARGE',
      `The download is larger than ${formatBytes(maxBytes)}, the most Graph Bridge saves, so it was stopped and nothing was kept. Open it in the browser or Outlook instead.`,
    );
  }
  if (error instanceof DownloadWriteError) {
    return new ToolError(
      'DOWNLOAD_FAILED',
      `Graph Bridge could not save the download (${error.message}); nothing was kept. Check the free disk space; the user can choose another folder with GRAPH_BRIDGE_DOWNLOAD_DIR in this editor's MCP entry for Graph Bridge.`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function buildUrl(path: string, query?: GraphCall['query']): string {
  const normalized = path.startsWith('/') ? path : `/${path}`;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(key).replace(/^%24/, '$')}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `${normalized}${normalized.includes('?') ? '&' : '?'}${parts.join('&')}` : normalized;
}

/** Retry-After in seconds (delta-seconds or HTTP-date); undefined when absent/unparseable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** The base64-decoded `claims` of a `WWW-Authenticate: Bearer … error="insufficient_claims", claims="…"`. */
export function parseClaimsChallenge(header: string | null): string | undefined {
  if (!header || !/error="insufficient_claims"/i.test(header)) return undefined;
  const match = /claims="([^"]+)"/i.exec(header);
  if (!match?.[1]) return undefined;
  try {
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    JSON.parse(decoded);
    return decoded;
  } catch {
    return undefined;
  }
}

const THROTTLE_STATUSES = new Set([429, 503, 504]);
/** A download's deadline is this many times the setting. */
export const DOWNLOAD_TIMEOUT_FACTOR = 10;

export function createGraphApi(options: GraphApiOptions): GraphApi {
  const budget = options.throttleBudgetMs ?? 30_000;
  const maxRetries = options.maxThrottleRetries ?? 5;
  const baseDelay = options.defaultRetryDelayMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const { signal } = options;

  /** One exchange within the deadline; a cancelled or timed-out one becomes CANCELLED / TIMEOUT. */
  const sendOnce = async (call: GraphCall, request: TransportRequest): Promise<TransportResponse> => {
    const what = `${call.method} ${call.pathTemplate}`;
    if (signal?.aborted) throw cancelledError('Microsoft Graph', what);
    const limit = request.binary ? timeoutMs * DOWNLOAD_TIMEOUT_FACTOR : timeoutMs;
    const deadline = startDeadline(signal, limit, options.setTimer);
    try {
      return await deadline.race(options.transport.send({ ...request, signal: deadline.signal }));
    } catch (error) {
      if (deadline.state() === 'cancelled') throw cancelledError('Microsoft Graph', what);
      if (deadline.state() === 'timed-out') throw timeoutError('Microsoft Graph', what, limit, timeoutMs);
      if (error instanceof ToolError) throw error;
      const cause = error instanceof Error ? error.message : String(error);
      throw new ToolError(
        'GRAPH_UNREACHABLE',
        `Could not reach Microsoft Graph at ${new URL(options.graphBaseUrl).host} (${cause}). Check the network connection and try again.`,
      );
    } finally {
      deadline.clear();
    }
  };

  const wait = async (call: GraphCall, ms: number): Promise<void> => {
    if (signal?.aborted) throw cancelledError('Microsoft Graph', `${call.method} ${call.pathTemplate}`);
    try {
      await options.sleep(ms, signal);
    } catch (error) {
      if (signal?.aborted) throw cancelledError('Microsoft Graph', `${call.method} ${call.pathTemplate}`);
      throw error;
    }
  };

  const audit = (call: GraphCall, status: number, started: number, requestId: string | null): void => {
    options.audit({
      tool: options.tool,
      method: call.method,
      pathTemplate: call.pathTemplate.slice(0, 500),
      status,
      durationMs: Math.max(0, Math.min(3_600_000, options.now() - started)),
      ...(requestId ? { requestId: requestId.slice(0, 100) } : {}),
    });
  };

  const execute = async (
    call: GraphCall,
    url: string,
    binary: boolean,
    sink?: TransportRequest['sink'],
  ): Promise<TransportResponse> => {
    let auth: AuthRequest = { scopes: call.scopes, tool: options.tool, ...(signal ? { signal } : {}) };
    let reauthorized = false;
    let waited = 0;
    let retries = 0;
    for (;;) {
      const started = options.now();
      const response = await sendOnce(call, {
        method: call.method,
        url,
        binary,
        auth,
        ...(call.headers ? { headers: call.headers } : {}),
        ...(call.body !== undefined ? { body: call.body } : {}),
        ...(sink ? { sink } : {}),
      });
      const requestId = response.headers.get('request-id');
      audit(call, response.status, started, requestId);
      const { status } = response;
      if (status < 300 || status === 304 || (binary && status < 400)) return response;

      if (status === 401 && !reauthorized) {
        reauthorized = true;
        const claims = parseClaimsChallenge(response.headers.get('www-authenticate'));
        auth = claims !== undefined ? { ...auth, claims } : { ...auth, forceRefresh: true };
        continue;
      }
      // A 503/504 POST may have been carried out, so only a read-only one is sent again.
      if (THROTTLE_STATUSES.has(status) && (status === 429 || call.method !== 'POST' || call.readOnly === true)) {
        const retryAfterS = parseRetryAfter(response.headers.get('retry-after'), options.now());
        const delay = retryAfterS !== undefined ? retryAfterS * 1000 : baseDelay * 2 ** retries;
        if (retries < maxRetries && waited + delay <= budget) {
          retries++;
          waited += delay;
          await wait(call, delay);
          continue;
        }
        throw throttledError({
          status,
          body: response.body,
          waitedMs: waited,
          retries,
          ...(retryAfterS !== undefined ? { retryAfterS } : {}),
        });
      }
      throw graphFailureToToolError({
        status,
        body: response.body,
        method: call.method,
        pathTemplate: call.pathTemplate,
        scopes: call.scopes,
        ...(requestId ? { requestId } : {}),
      });
    }
  };

  return {
    async request<T>(call: GraphCall): Promise<T> {
      const response = await execute(call, buildUrl(call.path, call.query), false);
      return (response.status === 204 || response.status === 202 ? undefined : response.body) as T;
    },
    async page<T>(call: GraphCall, cursor?: string): Promise<GraphPage<T>> {
      let url = buildUrl(call.path, call.query);
      const cursors = options.cursors ?? createCursorCodec(undefined);
      if (cursor !== undefined && cursor !== '') {
        const checked = await cursors.decode(cursor, options.graphBaseUrl);
        if (!checked.ok) throw new ToolError('BAD_CURSOR', checked.message);
        url = checked.url;
      }
      const response = await execute(call, url, false);
      const body = (response.body ?? {}) as { value?: unknown; '@odata.nextLink'?: unknown };
      const items = Array.isArray(body.value) ? (body.value as T[]) : [];
      const next = body['@odata.nextLink'];
      return { items, nextCursor: typeof next === 'string' && next !== '' ? await cursors.encode(next) : null };
    },
    async download(call: GraphCall): Promise<Download> {
      const response = await execute(call, buildUrl(call.path, call.query), true);
      return {
        bytes: response.bytes ?? new Uint8Array(),
        contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      };
    },
    async downloadToFile(call: GraphCall, target: DownloadToFileOptions): Promise<SavedDownload> {
      const save = options.saveStream;
      if (!save) throw new ToolError('DOWNLOAD_FAILED', 'This Graph Bridge has no download folder set up.');
      let saving: Promise<{ path: string; bytes: number }> | undefined;
      const sink = (body: Readable): Promise<void> => {
        saving = save(target.fileName, body, target.maxBytes);
        return saving.then(
          () => undefined,
          (error: unknown) => {
            throw saveFailure(error, target.maxBytes);
          },
        );
      };
      let response: TransportResponse;
      try {
        response = await execute(call, buildUrl(call.path, call.query), true, sink);
      } catch (error) {
        // A cancelled or timed-out call settles at once; the partial file's removal is awaited here.
        await saving?.catch(() => undefined);
        throw error;
      }
      if (saving === undefined) {
        throw new ToolError(
          'GRAPH_ERROR',
          `Microsoft Graph answered ${call.method} ${call.pathTemplate} with ${response.status} and no content to save. Try again.`,
        );
      }
      const saved = await saving;
      return { ...saved, contentType: response.headers.get('content-type') ?? 'application/octet-stream' };
    },
  };
}
