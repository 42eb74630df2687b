/**
 * What graph_request shows the user before a write, and the writes it refuses because an approval
 * could not show them (issue #11.3).
 *
 * - The approval shows exactly what is sent: method, the path and query as encoded on the wire,
 *   the headers the caller set and the whole body (in numbered parts), with invisible characters
 *   (bidi overrides, zero-width, line separators) written as \u escapes. A request too large to
 *   show in full is refused instead of being shown cut.
 * - A `$batch` that contains anything but GETs is refused: its inner writes would hide behind one
 *   "POST /$batch" (a padded batch hid a DELETE and a sendMail). A batch of GETs only is a read:
 *   every inner URL and header is checked like a top-level one, and it runs without approval.
 */
import { buildUrl } from '../graph/graph-api.ts';
import { ToolError } from './tool.ts';
import { parseRelativePath } from './shared/paths.ts';
import { clip } from './shared/text.ts';

/** Labelled details the broker shows: at most 20 entries of at most 2,000 characters (context.ts). */
const MAX_DETAILS = 20;
const PART_CHARS = 1990;
/** Graph's own limit of requests in one $batch. */
const MAX_BATCH = 20;

/** Characters a person cannot see or that reorder what they see: shown as \uXXXX. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}]/gu;

export function visible(text: string): string {
  return text.replace(INVISIBLE, (ch) =>
    ch === '\n' ? ch : `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/** `/me/send%4Dail` → `/me/sendMail`: unreserved characters decoded, so the path shown is the path Graph sees. */
export function normalizePath(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (whole, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return /^[A-Za-z0-9_~-]$/.test(ch) ? ch : whole.toUpperCase();
  });
}

export function isBatchPath(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  return decoded.toLowerCase().replace(/\/+$/, '') === '/$batch';
}

interface InnerRequest {
  method: string;
  url: string;
}

function describeInner(r: InnerRequest, i: number): string {
  return `#${i + 1} ${r.method.toUpperCase()} ${clip(visible(r.url), 200)}`;
}

/**
 * Checks a `$batch` body. Returns normally only for a batch of GETs whose inner URLs and headers
 * pass the same checks as a top-level request; otherwise throws a ToolError that says what to do.
 */
export function checkBatch(
  method: string,
  body: unknown,
  validateHeaders: (headers: Record<string, string> | undefined) => unknown,
): void {
  if (method !== 'POST') throw new ToolError('INVALID_INPUT', 'A $batch is sent with POST.');
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0 || requests.length > MAX_BATCH) {
    throw new ToolError(
      'INVALID_INPUT',
      `A $batch body is {"requests": [ {"id", "method", "url"}, … ]} with 1 to ${MAX_BATCH} requests.`,
    );
  }
  const inner: InnerRequest[] = requests.map((raw: unknown, i) => {
    const r = raw as { method?: unknown; url?: unknown } | null;
    if (typeof r?.method !== 'string' || typeof r.url !== 'string')
      throw new ToolError('INVALID_INPUT', `Request #${i + 1} of the $batch needs a method and a url.`);
    return { method: r.method, url: r.url };
  });
  const writes = inner.map((r, i) => [r, i] as const).filter(([r]) => r.method.toUpperCase() !== 'GET');
  if (writes.length > 0) {
    throw new ToolError(
      'BATCH_HAS_WRITES',
      `graph_request does not send writes inside a $batch, because one approval cannot show each of them: ${writes
        .slice(0, 5)
        .map(([r, i]) => describeInner(r, i))
        .join(
          '; ',
        )}${writes.length > 5 ? `; and ${writes.length - 5} more` : ''}. Nothing was sent. Send each write as its own graph_request call (the user sees and approves each one); reads may stay in a $batch.`,
    );
  }
  requests.forEach((raw: unknown, i) => {
    const r = raw as { url: string; headers?: unknown; body?: unknown };
    let target;
    try {
      target = parseRelativePath(r.url, { what: 'Graph', graphVersionRoot: true });
    } catch (error) {
      throw new ToolError(
        'INVALID_INPUT',
        `Request #${i + 1} of the $batch: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (isBatchPath(target.path)) throw new ToolError('INVALID_INPUT', 'A $batch cannot contain another $batch.');
    if (r.body !== undefined)
      throw new ToolError('INVALID_INPUT', `Request #${i + 1} of the $batch is a GET with a body; GETs have none.`);
    if (r.headers !== undefined) {
      if (
        typeof r.headers !== 'object' ||
        r.headers === null ||
        Object.values(r.headers).some((v) => typeof v !== 'string')
      )
        throw new ToolError('INVALID_INPUT', `Request #${i + 1} of the $batch has headers that are not strings.`);
      validateHeaders(r.headers as Record<string, string>);
    }
  });
}

export interface ShownRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  scopes: readonly string[];
}

/** The body exactly as the Graph client sends it: a string as is, anything else as JSON. */
function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : (JSON.stringify(body, null, 1) ?? '');
}

/**
 * The approval's details for a write: every byte that matters, in parts of at most 1,990
 * characters. Throws TOO_LARGE_TO_APPROVE when it does not fit the approval (20 entries).
 */
export function approvalDetails(request: ShownRequest): Record<string, string> {
  const entries: [string, string][] = [
    ['Method', request.method],
    ['Path', visible(buildUrl(request.path, request.query))],
    ['Scopes', request.scopes.join(' ')],
  ];
  const headers = Object.entries(request.headers ?? {});
  if (headers.length > 0) entries.push(['Headers', visible(headers.map(([k, v]) => `${k}: ${v}`).join('\n'))]);
  if (request.body !== undefined) {
    const kind = typeof request.body === 'string' ? 'Body (text, sent as is)' : 'Body';
    entries.push([kind, visible(bodyText(request.body))]);
  }
  const out: [string, string][] = [];
  for (const [label, text] of entries) {
    const parts = Math.max(1, Math.ceil(text.length / PART_CHARS));
    for (let p = 0; p < parts; p++)
      out.push([
        parts === 1 ? label : `${label} (${p + 1}/${parts})`,
        text.slice(p * PART_CHARS, (p + 1) * PART_CHARS),
      ]);
  }
  if (out.length > MAX_DETAILS) {
    const size = entries.reduce((n, [, t]) => n + t.length, 0);
    throw new ToolError(
      'TOO_LARGE_TO_APPROVE',
      `This ${request.method} is ${size} characters long; the approval can show about ${(MAX_DETAILS - 4) * PART_CHARS} characters in full, so it was not sent. Send a smaller request (fewer fields), or use a dedicated tool.`,
    );
  }
  return Object.fromEntries(out);
}
