/**
 * Sends a local file through a Graph upload session (driveItem createUploadSession, or Outlook's
 * attachment createUploadSession): PUT fragments of a multiple of 320 KiB with
 * `Content-Range: bytes a-b/total` to the pre-authenticated upload URL — OneDrive answers 202 with
 * nextExpectedRanges after each, Outlook 200 with `NextExpectedRanges`; 200/201 after the last (the
 * item, or Outlook's empty 201). Memory stays at one fragment: bytes are read from
 * the open descriptor fragment by fragment (LocalUploadSource.fragments), and the last fragment goes
 * only after the whole file hashed to what the user approved. On any failure — including a file that
 * changed — the session is deleted (DELETE uploadUrl), so Graph never commits a partial or different file.
 * 429/500/502/503/504 on a fragment are retried a few times after Retry-After (bounded).
 */
import { readGraphError } from '../graph/errors.ts';
import { ToolError } from '../tools/tool.ts';
import type { LocalUploadSource, UploadUrlResponse, UploadUrlSender } from './types.ts';
import { checkUploadUrl } from './upload-url.ts';

/** Graph: every fragment but the last must be a multiple of 320 KiB. */
export const UPLOAD_FRAGMENT_UNIT = 320 * 1024;
/** 16 × 320 KiB = 5 MiB: within Graph's recommended 5–10 MiB, well under its 60 MiB per request. */
export const DEFAULT_FRAGMENT_BYTES = 16 * UPLOAD_FRAGMENT_UNIT;

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

export interface SessionUploadOptions {
  uploadUrl: string;
  source: LocalUploadSource;
  send: UploadUrlSender;
  sleep(ms: number): Promise<void>;
  /** A multiple of UPLOAD_FRAGMENT_UNIT (default DEFAULT_FRAGMENT_BYTES). */
  fragmentBytes?: number;
  /** Retries per fragment on 429/5xx (default 3); each waits Retry-After (at most 30 s) or 1 s doubling. */
  maxRetries?: number;
  /** The OneDrive path (or the attachment's name), for messages. */
  destination: string;
  /** Who keeps the file, for messages (default OneDrive). */
  service?: 'OneDrive' | 'Outlook';
}

const CHECK_HINT = {
  OneDrive: 'Check with list_files whether the file arrived',
  Outlook: 'Check with get_message whether the attachment arrived',
} as const;

function graphSaid(body: unknown): string {
  const { code, message } = readGraphError(body);
  return code || message ? ` Graph said: ${[code, message].filter(Boolean).join(': ')}.` : '';
}

function failure(res: UploadUrlResponse, destination: string, service: 'OneDrive' | 'Outlook'): ToolError {
  const said = graphSaid(res.body);
  if (res.status === 409)
    return new ToolError(
      'GRAPH_CONFLICT',
      `OneDrive already has an item at "${destination}", so the upload was not committed.${said} ` +
        "Use conflictBehavior 'replace' to overwrite it or 'rename' to keep both.",
    );
  if (res.status === 404)
    return new ToolError(
      'UPLOAD_SESSION_LOST',
      `The ${service} upload session for "${destination}" expired or was cancelled.${said} Try the upload again.`,
    );
  if (res.status === 413 || res.status === 507)
    return new ToolError(
      'GRAPH_ERROR',
      `${service} refused the file for "${destination}" (HTTP ${res.status}).${said}`,
    );
  return new ToolError(
    res.status >= 500 || res.status === 429 ? 'GRAPH_UNAVAILABLE' : 'GRAPH_ERROR',
    `The upload of "${destination}" failed with HTTP ${res.status} and was cancelled; nothing was committed.${said} Try again later.`,
  );
}

/** The first expected byte: OneDrive's `nextExpectedRanges: ["n-"]` or Outlook's `NextExpectedRanges: ["n"]`. */
function nextExpectedStart(body: unknown): number | undefined {
  const b = body as { nextExpectedRanges?: unknown; NextExpectedRanges?: unknown } | undefined;
  const ranges = b?.nextExpectedRanges ?? b?.NextExpectedRanges;
  const first = Array.isArray(ranges) ? (ranges[0] as unknown) : undefined;
  const m = typeof first === 'string' ? /^(\d+)(?:-|$)/.exec(first) : null;
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

function retryDelayMs(res: UploadUrlResponse, attempt: number): number {
  const after = Number(res.headers['retry-after']);
  return Number.isFinite(after) && after >= 0 ? Math.min(after, 30) * 1000 : 1000 * 2 ** attempt;
}

async function putFragment(
  o: SessionUploadOptions,
  range: string,
  bytes: Uint8Array,
  last: boolean,
): Promise<UploadUrlResponse> {
  for (let attempt = 0; ; attempt++) {
    let res: UploadUrlResponse;
    try {
      res = await o.send({ method: 'PUT', url: o.uploadUrl, contentRange: range, body: bytes });
    } catch (error) {
      if (error instanceof ToolError) throw error;
      const cause = error instanceof Error ? error.message : String(error);
      throw new ToolError(
        'GRAPH_UNREACHABLE',
        last
          ? `The connection failed while sending the last part of "${o.destination}" (${cause}). ` +
              `${CHECK_HINT[o.service ?? 'OneDrive']} before trying again.`
          : `The connection failed while uploading "${o.destination}" (${cause}); the upload was cancelled. Try again.`,
      );
    }
    if (!RETRY_STATUSES.has(res.status) || attempt >= (o.maxRetries ?? 3)) return res;
    await o.sleep(retryDelayMs(res, attempt));
  }
}

async function cancel(o: SessionUploadOptions): Promise<void> {
  await o.send({ method: 'DELETE', url: o.uploadUrl }).catch(() => undefined);
}

/** Uploads every byte of `source` through the session; resolves to Graph's final answer (the item). */
export async function uploadThroughSession(o: SessionUploadOptions): Promise<unknown> {
  const fragmentBytes = o.fragmentBytes ?? DEFAULT_FRAGMENT_BYTES;
  if (fragmentBytes <= 0 || fragmentBytes % UPLOAD_FRAGMENT_UNIT !== 0)
    throw new Error(`upload fragments must be a multiple of ${UPLOAD_FRAGMENT_UNIT} bytes`);
  checkUploadUrl(o.uploadUrl);
  try {
    for await (const f of o.source.fragments(fragmentBytes)) {
      const end = f.offset + f.bytes.length - 1;
      const res = await putFragment(o, `bytes ${f.offset}-${end}/${o.source.size}`, f.bytes, f.last);
      if (f.last) {
        if (res.status === 200 || res.status === 201) return res.body;
        throw failure(res, o.destination, o.service ?? 'OneDrive');
      }
      if (res.status !== 202 && res.status !== 200) throw failure(res, o.destination, o.service ?? 'OneDrive');
      const next = nextExpectedStart(res.body);
      if (next !== undefined && next !== end + 1) {
        throw new ToolError(
          'GRAPH_ERROR',
          `${o.service ?? 'OneDrive'} expected byte ${next} next while uploading "${o.destination}" but ${end + 1} was due; the upload was cancelled. Try again.`,
        );
      }
    }
    throw new Error('the file ended before its last fragment');
  } catch (error) {
    await cancel(o);
    throw error;
  }
}
