/**
 * Opaque paging cursors. The model sees a short handle (`p4k9q2zxa`, bridge/handles) that stands for
 * Graph's `@odata.nextLink`; when no handle store is usable, the nextLink itself encoded as base64url
 * behind a version tag (`gb1.…`), which is also accepted on input. Before use the nextLink is
 * validated to point at the SAME Graph origin (scheme, host, port) and a version root, so a cursor a
 * model made up (or one planted in mail content) cannot send the bearer token anywhere else.
 */
import { HANDLE_PREFIX, handlePrefix, isHandle } from '../handles/handle-code.ts';
import type { HandleStore } from '../handles/handle-store.ts';

const PREFIX = 'gb1.';

export function encodeCursor(nextLink: string): string {
  return PREFIX + Buffer.from(nextLink, 'utf8').toString('base64url');
}

export type CursorCheck = { ok: true; url: string } | { ok: false; message: string };

function invalid(why: string): CursorCheck {
  return {
    ok: false,
    message: `The cursor is not valid (${why}). Pass the nextCursor value from the previous result unchanged, or omit it to start from the first page.`,
  };
}

/** Checks that a nextLink stays on the Graph origin and a version root. */
export function checkCursorUrl(link: string, graphBaseUrl: string): CursorCheck {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return invalid('not a URL');
  }
  const base = new URL(graphBaseUrl);
  if (url.origin !== base.origin) return invalid('it points outside Microsoft Graph');
  if (url.username !== '' || url.password !== '') return invalid('it carries credentials');
  if (!/^\/(v1\.0|beta)\//.test(url.pathname)) return invalid('it is not a Graph API path');
  return { ok: true, url: url.href };
}

export function decodeCursor(cursor: string, graphBaseUrl: string): CursorCheck {
  if (!cursor.startsWith(PREFIX)) return invalid('unknown format');
  const body = cursor.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return invalid('not base64url');
  return checkCursorUrl(Buffer.from(body, 'base64url').toString('utf8'), graphBaseUrl);
}

/** Turns nextLinks into the cursors the model sees and back. */
export interface CursorCodec {
  encode(nextLink: string): Promise<string>;
  decode(cursor: string, graphBaseUrl: string): Promise<CursorCheck>;
}

/** Short cursor handles from `store`; self-contained `gb1.` cursors without one (or when it cannot be written). */
export function createCursorCodec(store: HandleStore | undefined): CursorCodec {
  return {
    async encode(nextLink) {
      const [handle] = store ? await store.issue(HANDLE_PREFIX.cursor, [nextLink]) : [];
      return handle !== undefined && handle !== nextLink ? handle : encodeCursor(nextLink);
    },
    async decode(cursor, graphBaseUrl) {
      const text = cursor.trim();
      if (!isHandle(text) || handlePrefix(text) !== HANDLE_PREFIX.cursor || !store)
        return decodeCursor(text, graphBaseUrl);
      const found = await store.lookup(text);
      if (found.status === 'found') return checkCursorUrl(found.value, graphBaseUrl);
      const why =
        found.status === 'unavailable'
          ? `Graph Bridge could not read its list of cursors: ${found.reason}`
          : 'cursors are forgotten after a while';
      return {
        ok: false,
        message: `The cursor "${text}" is no longer known (${why}). Call the tool again without a cursor to start from the first page.`,
      };
    },
  };
}
