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
 * The units: graph-exchange.ts (deadline, audit, sending again), graph-retry.ts (the policy after a
 * failed answer), graph-download.ts (downloadToFile, streamed); request, page and download here.
 */
import type { Readable } from 'node:stream';
import type { AuditRecordParams } from '../../app/shared/bridge-contract.ts';
import type { ToolGroup } from '../../app/shared/tool-groups.ts';
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
import type { SetTimer } from './deadline.ts';
import { downloadToFile } from './graph-download.ts';
import { execute } from './graph-exchange.ts';
import type { CallContext } from './graph-retry.ts';

export { DOWNLOAD_TIMEOUT_FACTOR } from './graph-exchange.ts';
export { parseClaimsChallenge, parseRetryAfter } from './graph-retry.ts';

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

export function buildUrl(path: string, query?: GraphCall['query']): string {
  const normalized = path.startsWith('/') ? path : `/${path}`;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(key).replace(/^%24/, '$')}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `${normalized}${normalized.includes('?') ? '&' : '?'}${parts.join('&')}` : normalized;
}

export function createGraphApi(options: GraphApiOptions): GraphApi {
  const at = (call: GraphCall): CallContext => ({ options, call });
  return {
    async request<T>(call: GraphCall): Promise<T> {
      const response = await execute(at(call), { url: buildUrl(call.path, call.query), binary: false });
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
      const response = await execute(at(call), { url, binary: false });
      const body = (response.body ?? {}) as { value?: unknown; '@odata.nextLink'?: unknown };
      const items = Array.isArray(body.value) ? (body.value as T[]) : [];
      const next = body['@odata.nextLink'];
      return { items, nextCursor: typeof next === 'string' && next !== '' ? await cursors.encode(next) : null };
    },
    async download(call: GraphCall): Promise<Download> {
      const response = await execute(at(call), { url: buildUrl(call.path, call.query), binary: true });
      return {
        bytes: response.bytes ?? new Uint8Array(),
        contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      };
    },
    downloadToFile: (call: GraphCall, target: DownloadToFileOptions): Promise<SavedDownload> =>
      downloadToFile(at(call), buildUrl(call.path, call.query), target),
  };
}
