/**
 * The pre-authenticated download host (`${downloadOrigin}/_dl/<token>`, spec §9.12): no
 * Authorization needed (the Graph client drops it when the 302 changes host); tokens expire, and the
 * ones minted by `/content` work once. Single `Range: bytes=a-b` requests get 206.
 */
import type { GraphResponse } from './http.ts';
import { takeDownload } from './routes/drive.ts';
import type { GraphStore } from './store.ts';

export function serveDownload(
  store: GraphStore,
  token: string,
  nowMs: number,
  range: string | undefined,
): GraphResponse {
  const hit = takeDownload(store, token, nowMs);
  if (!hit?.node.content)
    return {
      status: 401,
      headers: { 'Content-Type': 'application/json' },
      json: { error: { code: 'unauthenticated', message: 'The download URL is invalid or has expired.' } },
    };
  const { item, content } = hit.node;
  const headers: Record<string, string> = {
    'Content-Type': item.file?.mimeType ?? 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${encodeURIComponent(item.name)}"`,
    ETag: item.eTag,
    'Accept-Ranges': 'bytes',
  };
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (m && (m[1] || m[2])) {
    const size = content.length;
    let start = m[1] ? Number(m[1]) : size - Number(m[2]);
    let end = m[1] && m[2] ? Number(m[2]) : size - 1;
    start = Math.max(0, start);
    end = Math.min(end, size - 1);
    if (start > end || start >= size)
      return { status: 416, headers: { 'Content-Range': `bytes */${size}` }, raw: Buffer.alloc(0) };
    return {
      status: 206,
      headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` },
      raw: content.subarray(start, end + 1),
    };
  }
  return { status: 200, headers, raw: content };
}
