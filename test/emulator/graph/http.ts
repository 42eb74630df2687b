/**
 * The Graph emulator's own request/response model. `index.ts` converts node:http to it, so route
 * handlers and `$batch` (which replays inner requests through the same dispatcher) never touch sockets.
 */

export type GraphVersion = 'v1.0' | 'beta';

export interface GraphRequest {
  method: string;
  version: GraphVersion;
  /** Raw (still percent-encoded) path below the version root, starting with '/', e.g. `/me/messages`. */
  path: string;
  /** Query options; `$`-options have lower-cased keys (OData system options are case-insensitive). */
  query: Map<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON body (serialised by the writer). */
  json?: unknown;
  /** Binary/text body, written as is. */
  raw?: Buffer;
}

export const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Parses a query string without losing literal OData syntax; `$` keys are lower-cased. */
export function parseQuery(rawQuery: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!rawQuery) return out;
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const key = safeDecode(rawKey);
    out.set(key.startsWith('$') ? key.toLowerCase() : key, safeDecode(rawValue));
  }
  return out;
}

/** Inverse of parseQuery for nextLinks: `$` stays literal, values are percent-encoded. */
export function formatQuery(query: Map<string, string>): string {
  const parts: string[] = [];
  for (const [k, v] of query) parts.push(`${encodeURIComponent(k).replace(/^%24/, '$')}=${encodeURIComponent(v)}`);
  return parts.join('&');
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export function jsonResponse(status: number, json: unknown, headers: Record<string, string> = {}): GraphResponse {
  return { status, headers, json };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): GraphResponse {
  return { status, headers };
}

/** Parses a JSON request body; throws the real Graph 400 for unreadable payloads. */
export function readJsonBody(body: Buffer, onError: () => Error): Record<string, unknown> {
  if (body.length === 0) throw onError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw onError();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw onError();
  return parsed as Record<string, unknown>;
}
