/**
 * Opaque paging cursors. A cursor is the Graph `@odata.nextLink` encoded as base64url behind a
 * version tag. Before use it is decoded and validated to point at the SAME Graph origin (scheme, host,
 * port) and a version root, so a cursor a model made up (or one planted in mail content) cannot send
 * the bearer token anywhere else.
 */
const PREFIX = 'gb1.';

export function encodeCursor(nextLink: string): string {
  return PREFIX + Buffer.from(nextLink, 'utf8').toString('base64url');
}

export type CursorCheck = { ok: true; url: string } | { ok: false; message: string };

export function decodeCursor(cursor: string, graphBaseUrl: string): CursorCheck {
  const bad = (why: string): CursorCheck => ({
    ok: false,
    message: `The cursor is not valid (${why}). Pass the nextCursor value from the previous result unchanged, or omit it to start from the first page.`,
  });
  if (!cursor.startsWith(PREFIX)) return bad('unknown format');
  const body = cursor.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return bad('not base64url');
  let url: URL;
  try {
    url = new URL(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return bad('not a URL');
  }
  const base = new URL(graphBaseUrl);
  if (url.origin !== base.origin) return bad('it points outside Microsoft Graph');
  if (url.username !== '' || url.password !== '') return bad('it carries credentials');
  if (!/^\/(v1\.0|beta)\//.test(url.pathname)) return bad('it is not a Graph API path');
  return { ok: true, url: url.href };
}
